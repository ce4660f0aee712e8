"""What the page of an indicator or a question shows: its figures as of a release, what it
cites, and the history of the releases that changed its figures.

A history is read from the share rows alone, as a release's changes are
(models.read.releases): a row published in release N added a figure, or changed one when a
row of the same cell was replaced in N; a row replaced in N whose cell got no new row in N
was removed. A page pinned to a release shows the history up to that release.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import col

from models.changes import FigureChange
from models.cited import CitedIndicator, CitedQuestion
from models.filters import ShareFilter
from models.read.context import Reader
from models.read.lookups import (
    cited_sources,
    get_indicator,
    get_question,
    list_indicators,
    questions_by_id,
    surveys_by_id,
)
from models.read.releases import list_releases, release_served
from models.read.series import indicator_detail
from models.read.shares import question_detail
from models.read.statements import Statement
from models.records import (
    IndicatorRecord,
    OptionRecord,
    QuestionDetail,
    QuestionRecord,
    ReleaseRecord,
    ShareRecord,
)
from models.statuses import ShareStatus
from models.tables import Option, Segment, Share, Survey, Wave


@dataclass(frozen=True, slots=True)
class ReleaseChanges:
    """A release that changed some of a page's figures, and what it did to them."""

    release: ReleaseRecord
    changes: tuple[FigureChange, ...]  # in wave, option and segment order


@dataclass(frozen=True, slots=True)
class IndicatorPage:
    cited: CitedIndicator  # the series as of the release shown
    question: QuestionRecord  # the question it is a series of
    options: tuple[OptionRecord, ...]  # the indicator's options
    shares: tuple[ShareRecord, ...]  # their shares in the series' segment, as of that release
    history: tuple[ReleaseChanges, ...]  # newest first, up to the release shown
    newest: ReleaseRecord | None  # the newest release, to say when a pinned page is behind


@dataclass(frozen=True, slots=True)
class QuestionPage:
    cited: CitedQuestion  # as of the release shown
    detail: QuestionDetail  # its options and their shares as of that release
    indicators: tuple[IndicatorRecord, ...]  # the indicators over its options
    history: tuple[ReleaseChanges, ...]
    newest: ReleaseRecord | None


def indicator_page(reader: Reader, code: str, *, as_of: int | None = None) -> IndicatorPage | None:
    indicator = get_indicator(reader, code)
    detail = indicator_detail(reader, code, as_of=as_of)
    if indicator is None or detail is None:
        return None
    survey = surveys_by_id(reader, [indicator.survey_id])[indicator.survey_id]
    question = questions_by_id(reader, [indicator.question_id])[indicator.question_id]
    releases = list_releases(reader)
    figures = question_detail(reader, question.code, ShareFilter(segments=("all",), as_of=as_of))
    assert figures is not None  # the indicator's question exists
    options = [option for option in figures.options if option.code in indicator.options]
    return IndicatorPage(
        cited=CitedIndicator(detail=detail, survey=survey, release=release_served(reader, as_of)),
        question=question,
        options=tuple(options),
        shares=tuple(share for option in options for share in figures.shares[option.id]),
        history=_history(reader, question, releases, as_of, options=indicator.options),
        newest=releases[0] if releases else None,
    )


def question_page(reader: Reader, code: str, *, as_of: int | None = None) -> QuestionPage | None:
    question = get_question(reader, code)
    detail = question_detail(reader, code, ShareFilter(as_of=as_of))
    if question is None or detail is None:
        return None
    shares = [share for found in detail.shares.values() for share in found]
    survey = surveys_by_id(reader, [question.survey_id])[question.survey_id]
    releases = list_releases(reader)
    cited = CitedQuestion(
        question=question,
        survey=survey,
        waves=tuple(sorted({share.wave for share in shares})),
        sources=cited_sources(reader, (share.source for share in shares)),
        release=release_served(reader, as_of),
    )
    indicators = [item for item in list_indicators(reader) if item.question_id == question.id]
    return QuestionPage(
        cited=cited,
        detail=detail,
        indicators=tuple(indicators),
        history=_history(reader, question, releases, as_of),
        newest=releases[0] if releases else None,
    )


def _history(
    reader: Reader,
    question: QuestionRecord,
    releases: list[ReleaseRecord],
    as_of: int | None,
    *,
    options: Collection[str] = (),
) -> tuple[ReleaseChanges, ...]:
    """The releases up to `as_of` that changed the question's figures (those of `options`
    alone when given), newest first."""
    statement: Statement = (
        select(
            col(Share.release_id),
            col(Share.replaced_in),
            col(Share.wave_id),
            col(Share.option_id),
            col(Share.segment_id),
            col(Share.value),
            col(Share.status),
            col(Survey.code).label("survey"),
            col(Wave.year).label("wave"),
            col(Option.code).label("option"),
            col(Segment.code).label("segment"),
        )
        .join(Wave, col(Wave.id) == Share.wave_id)
        .join(Survey, col(Survey.id) == Wave.survey_id)
        .join(Option, col(Option.id) == Share.option_id)
        .join(Segment, col(Segment.id) == Share.segment_id)
        .where(col(Share.question_id) == question.id)
    )
    if options:
        statement = statement.where(col(Option.code).in_(options))
    if as_of is not None:
        statement = statement.where(col(Share.release_id) <= as_of)
    rows = [_Row(**row) for row in reader.session.execute(statement).mappings()]
    replaced = {
        (row.replaced_in, row.cell): row
        for row in rows
        if row.replaced_in is not None and (as_of is None or row.replaced_in <= as_of)
    }
    by_release: dict[int, list[FigureChange]] = defaultdict(list)
    for row in rows:
        old = replaced.get((row.release_id, row.cell))
        by_release[row.release_id].append(_change(row.release_id, question, old, row))
    published = {(row.release_id, row.cell) for row in rows}
    for (release_id, cell), old in replaced.items():
        if (release_id, cell) not in published:
            by_release[release_id].append(_change(release_id, question, old, None))
    return tuple(
        ReleaseChanges(release, tuple(sorted(by_release[release.id], key=_order)))
        for release in releases
        if release.id in by_release
    )


@dataclass(frozen=True, slots=True)
class _Row:
    """One version of a figure of the question: a share row, current or replaced."""

    release_id: int
    replaced_in: int | None
    wave_id: int
    option_id: int
    segment_id: int
    value: float | None
    status: str
    survey: str
    wave: int
    option: str
    segment: str

    @property
    def cell(self) -> tuple[int, int, int]:
        return (self.wave_id, self.option_id, self.segment_id)


def _change(
    release_id: int, question: QuestionRecord, old: _Row | None, new: _Row | None
) -> FigureChange:
    either = new or old
    assert either is not None
    return FigureChange(
        release_id=release_id,
        wave_id=either.wave_id,
        question_id=question.id,
        option_id=either.option_id,
        segment_id=either.segment_id,
        survey=either.survey,
        wave=either.wave,
        question=question.code,
        option=either.option,
        segment=either.segment,
        old_value=None if old is None else old.value,
        old_status=None if old is None else ShareStatus(old.status),
        new_value=None if new is None else new.value,
        new_status=None if new is None else ShareStatus(new.status),
    )


def _order(change: FigureChange) -> tuple[int, int, int]:
    return (change.wave_id, change.option_id, change.segment_id)


__all__ = ["IndicatorPage", "QuestionPage", "ReleaseChanges", "indicator_page", "question_page"]
