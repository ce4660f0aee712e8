"""What a citation, a chart or the front page reads: a resource with everything a citation
of it names (its survey, the release served), built by the read layer from records."""

from __future__ import annotations

from dataclasses import dataclass

from models.records import (
    IndicatorDetail,
    PublishedSurvey,
    QuestionRecord,
    ReleaseRecord,
    SourceRecord,
    SurveyRecord,
)


@dataclass(frozen=True, slots=True)
class CitedIndicator:
    """An indicator's series with its survey and the release served: what a chart cites."""

    detail: IndicatorDetail
    survey: SurveyRecord
    release: ReleaseRecord | None


@dataclass(frozen=True, slots=True)
class PinnedIndicator:
    """An indicator as a release showed it, beside the newest release: whether that one
    shows other figures (another value or status in any wave)."""

    cited: CitedIndicator  # as of the pinned release
    newest: ReleaseRecord | None
    changed_since: bool


@dataclass(frozen=True, slots=True)
class CitedQuestion:
    """A question with its survey, the waves and sources of its figures, and the release."""

    question: QuestionRecord
    survey: SurveyRecord
    waves: tuple[int, ...]  # the waves its shares (as of the release) are in, oldest first
    sources: tuple[SourceRecord, ...]  # every source those shares cite, by code
    release: ReleaseRecord | None


@dataclass(frozen=True, slots=True)
class Overview:
    """What the front page shows: the published surveys, their indicators and sources."""

    surveys: tuple[PublishedSurvey, ...]
    indicators: tuple[CitedIndicator, ...]
    sources: tuple[SourceRecord, ...]
    release: ReleaseRecord | None
