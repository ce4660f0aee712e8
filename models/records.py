"""What the query layer returns: plain, immutable rows with codes resolved.

Tables (`models.tables`) say how data is stored; records say what a reader gets. They
carry every language; the adapters pick one. Ids are kept for batching (DataLoaders)
and never shown.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from models.statuses import FigureStatus, ShareStatus
from models.tables import QuestionKind


@dataclass(frozen=True, slots=True)
class ReleaseRecord:
    id: int
    created_at: dt.datetime
    message: str
    checksum: str
    added: int  # figures (shares) this release added, changed and removed
    changed: int
    removed: int

    @property
    def loaded_at(self) -> dt.datetime:
        """When the release was loaded, in UTC with its zone (stored in UTC without one)."""
        created = self.created_at
        return created.replace(tzinfo=dt.UTC) if created.tzinfo is None else created


@dataclass(frozen=True, slots=True)
class SourceRecord:
    id: int
    code: str
    title: str
    publisher: str
    url: str | None
    published: str | None
    date_note_nb: str | None
    date_note_en: str | None
    date_note_nn: str | None
    description_nb: str
    description_en: str
    description_nn: str


@dataclass(frozen=True, slots=True)
class SurveyRecord:
    id: int
    code: str
    title_nb: str
    title_en: str
    title_nn: str
    publisher: str
    description_nb: str
    description_en: str
    description_nn: str
    homepage: str | None
    licence: str | None
    synthetic: bool


@dataclass(frozen=True, slots=True)
class WaveRecord:
    id: int
    survey_id: int
    survey: str
    year: int
    title_nb: str
    title_en: str
    title_nn: str
    fieldwork: str | None
    respondents: int | None
    population: int | None
    response_rate: float | None
    published_on: dt.date | None
    source_id: int | None
    source: str | None
    note_nb: str | None
    note_en: str | None
    note_nn: str | None


@dataclass(frozen=True, slots=True)
class TopicRecord:
    id: int
    code: str
    label_nb: str
    label_en: str
    label_nn: str


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    id: int
    survey_id: int
    survey: str
    code: str
    topic_id: int
    topic: str
    kind: QuestionKind
    position: int
    text_nb: str
    text_en: str
    text_nn: str
    note_nb: str | None
    note_en: str | None
    note_nn: str | None


@dataclass(frozen=True, slots=True)
class OptionRecord:
    id: int
    question_id: int
    question: str
    code: str
    position: int
    label_nb: str
    label_en: str
    label_nn: str


@dataclass(frozen=True, slots=True)
class SegmentRecord:
    id: int
    code: str
    dimension: str
    label_nb: str
    label_en: str
    label_nn: str


# Not frozen, unlike the other records: a page builds hundreds, and a frozen dataclass's
# __init__ costs several times as much (docs/benchmarks.md). Read-only by convention.
@dataclass(slots=True)
class ShareRecord:
    id: int
    survey: str
    wave_id: int
    wave: int
    question_id: int
    question: str
    question_text_nb: str
    question_text_en: str
    question_text_nn: str
    option_id: int
    option: str
    option_label_nb: str
    option_label_en: str
    option_label_nn: str
    segment_id: int
    segment: str
    segment_label_nb: str
    segment_label_en: str
    segment_label_nn: str
    value: float | None
    base_n: int | None
    status: ShareStatus
    note_nb: str | None
    note_en: str | None
    note_nn: str | None
    source_id: int
    source: str
    locator: str | None  # in English
    locator_nb: str | None
    locator_nn: str | None
    release_id: int
    source_published: str | None  # the source's date (models.dates); None: undated

    def locator_in(self, lang: str) -> str | None:
        """Where in the source the figure stands, in `lang`: locator_in(self, lang)."""
        return locator_in(self, lang)


@dataclass(frozen=True, slots=True)
class IndicatorRecord:
    id: int
    code: str
    survey_id: int
    survey: str
    question_id: int
    question: str
    options: tuple[str, ...]
    position: int
    unit: str
    title_nb: str
    title_en: str
    title_nn: str
    description_nb: str
    description_en: str
    description_nn: str


@dataclass(frozen=True, slots=True)
class PublishedTotalRecord:
    indicator_id: int
    wave: int
    segment: str
    value: float
    source: str
    locator: str | None  # in English
    locator_nb: str | None
    locator_nn: str | None
    note_nb: str | None
    note_en: str | None
    note_nn: str | None
    source_published: str | None  # the source's date; None: undated

    def locator_in(self, lang: str) -> str | None:
        """Where in the source the figure stands, in `lang`: locator_in(self, lang)."""
        return locator_in(self, lang)


def text_attribute(name: str, lang: str) -> str:
    """A record's attribute for its text `name` in `lang`: `{name}_nb`, `{name}_nn` or
    `{name}_en`, one column per language (api.languages)."""
    return f"{name}_{lang}"


def text_in(record: object, name: str, lang: str) -> Any:
    """A record's text `name` in `lang`."""
    return getattr(record, text_attribute(name, lang))


@functools.cache  # a few languages, a few lists of names
def texts_in(lang: str, *names: str) -> Callable[[object], tuple[Any, ...]]:
    """A reader of a record's texts `names` in `lang`, all at once: what text_in gives for
    each name, in one call (a page of shares reads three texts of each of hundreds)."""
    read = operator.attrgetter(*(text_attribute(name, lang) for name in names))
    return read if len(names) > 1 else lambda record: (read(record),)


def locator_attribute(lang: str) -> str:
    """A figure's attribute for its locator in `lang`: `locator` is the English one."""
    return "locator" if lang == "en" else f"locator_{lang}"


def locator_in(figure: ShareRecord | PublishedTotalRecord, lang: str) -> str | None:
    """Where in the source a figure stands, in `lang`. A figure imported without a locator
    in bokmål or nynorsk has the English one there (the import report warns of it)."""
    located: str | None = getattr(figure, locator_attribute(lang))
    return located or figure.locator


@dataclass(frozen=True, slots=True)
class SeriesPart:
    """One option's share in a series point: what a derived value was computed from."""

    option: str
    value: float | None
    status: FigureStatus  # a stored share's status, or no_source when it has no row
    source: str | None


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """An indicator's value in one wave: its option's share, the sum of its options
    (`derived`, rule `sum`), or missing and why."""

    wave: int
    value: float | None
    status: FigureStatus
    rule: str | None  # "sum" when the value is derived from `parts`; None when it is a share
    parts: tuple[SeriesPart, ...]  # the indicator's options in this wave, in its order
    base_n: int | None
    sources: tuple[str, ...]
    notes_nb: tuple[str, ...]
    notes_en: tuple[str, ...]
    notes_nn: tuple[str, ...]
    published_total: PublishedTotalRecord | None
    change: float | None  # percentage points since `change_from`
    change_from: int | None  # the latest earlier wave with a value
    source_published: str | None  # the newest date of `sources` (models.dates); None: undated


@dataclass(frozen=True, slots=True)
class Change:
    from_wave: int
    to_wave: int
    points: float


@dataclass(frozen=True, slots=True)
class Series:
    indicator_id: int
    segment: str
    points: tuple[SeriesPoint, ...]

    @property
    def changes(self) -> tuple[Change, ...]:
        return tuple(
            Change(point.change_from, point.wave, point.change)
            for point in self.points
            if point.change is not None and point.change_from is not None
        )

    @property
    def cited(self) -> frozenset[str]:
        """The codes of every source the series cites, its published totals' included."""
        totals = {point.published_total.source for point in self.points if point.published_total}
        return frozenset(code for point in self.points for code in point.sources) | totals


@dataclass(frozen=True, slots=True)
class QuestionDetail:
    question: QuestionRecord
    options: tuple[OptionRecord, ...]
    shares: dict[int, list[ShareRecord]]  # by option id
    waves_with_figures: tuple[int, ...]  # in the segments asked for (models.read.coverage)


@dataclass(frozen=True, slots=True)
class IndicatorDetail:
    indicator: IndicatorRecord
    series: Series
    sources: tuple[SourceRecord, ...]  # every source the series cites
    waves_with_figures: tuple[int, ...]  # in the series' segment (models.read.coverage)


# Data files: what a CSV or JSON-stat document needs beyond the figures -------------


@dataclass(frozen=True, slots=True)
class ShareTable:
    """Every current share within a filter, with what a data file says about them."""

    shares: tuple[ShareRecord, ...]  # in wave, question, option, segment order
    waves: tuple[WaveRecord, ...]  # every wave of the shares' surveys within the filter
    sources: tuple[SourceRecord, ...]  # every source the shares cite, by code
    release: ReleaseRecord | None  # the release being served


@dataclass(frozen=True, slots=True)
class QuestionDimensions:
    """What a question's table is laid out by: the values a selection can pick from."""

    question: QuestionRecord
    waves: tuple[WaveRecord, ...]  # every wave of the question's survey, oldest first
    options: tuple[OptionRecord, ...]  # in questionnaire order
    segments: tuple[SegmentRecord, ...]  # those the question has current shares in
    figures: tuple[tuple[str, int], ...]  # (segment code, wave year) of the question's rows

    @property
    def cells(self) -> int:
        """How many cells the table has: one per wave, option and segment."""
        return len(self.waves) * len(self.options) * len(self.segments)

    @property
    def waves_with_figures(self) -> tuple[int, ...]:
        """The waves with figures in any of the table's segments, oldest first."""
        segments = {segment.code for segment in self.segments}
        return tuple(sorted({year for code, year in self.figures if code in segments}))


@dataclass(frozen=True, slots=True)
class QuestionCube:
    """A selection from a question's table: the values chosen and the shares in them."""

    dimensions: QuestionDimensions  # narrowed to the selection
    table: ShareTable


@dataclass(frozen=True, slots=True)
class IndicatorTable:
    """An indicator's series with what a data file says about it."""

    detail: IndicatorDetail
    question: QuestionRecord
    segment: SegmentRecord
    release: ReleaseRecord | None


@dataclass(frozen=True, slots=True)
class PublishedSurvey:
    """A survey whose figures are published, with what a catalog says about it."""

    survey: SurveyRecord
    waves: tuple[WaveRecord, ...]  # oldest first
    topics: tuple[TopicRecord, ...]  # those its questions cover

    @property
    def years(self) -> tuple[int, int] | None:
        """The first and the last wave's year; None while it has no wave."""
        years = [wave.year for wave in self.waves]
        return (min(years), max(years)) if years else None
