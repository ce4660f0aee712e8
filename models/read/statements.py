"""The SELECTs the read side is built of, and how rows become records (by column name).

Descriptions (sources, surveys, topics, segments, waves, questions, options, indicators)
are read whole into a `Descriptions` (`load_descriptions`); figures are read through the
share and published-total statements. `visible` is the one rule for which figures a
release serves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, TypeVar

from sqlalchemy import BindParameter, ColumnElement, Select, and_, or_, select
from sqlmodel import Session, col

from models.read.descriptions import Descriptions
from models.records import (
    IndicatorRecord,
    OptionRecord,
    QuestionRecord,
    ReleaseRecord,
    SegmentRecord,
    SourceRecord,
    SurveyRecord,
    TopicRecord,
    WaveRecord,
)
from models.statuses import ShareStatus
from models.tables import (
    Indicator,
    IndicatorOption,
    Option,
    PublishedTotal,
    Question,
    Release,
    Segment,
    Share,
    Source,
    Survey,
    Topic,
    Wave,
)

R = TypeVar("R")

# A SELECT of any columns. Rows are read by column name into records, so the column types
# are not tracked; besides, SQLAlchemy types `col(...).label(...)` as `Label[Never]`, and
# mypy asks for an annotation on a variable whose inferred type contains Never.
Statement = Select[*tuple[Any, ...]]


def records_of(
    session: Session,
    record: Callable[..., R],
    statement: Statement,
    params: Mapping[str, Any] | None = None,
) -> list[R]:
    return [record(**row) for row in session.execute(statement, params).mappings()]


def group(
    records: Iterable[R], key: Callable[[R], int], ids: Collection[int]
) -> dict[int, list[R]]:
    grouped: dict[int, list[R]] = {id_: [] for id_ in ids}
    for item in records:
        grouped[key(item)].append(item)
    return grouped


def first(records: list[R]) -> R | None:
    return records[0] if records else None


def newest_release_id(session: Session) -> int | None:
    """The newest release's number: what a held copy of the descriptions is checked by."""
    return session.scalar(select(col(Release.id)).order_by(col(Release.id).desc()).limit(1))


def newest_release(session: Session) -> ReleaseRecord | None:
    """The newest release: what the release clock looks up (models.read.release_clock)."""
    return first(
        records_of(session, ReleaseRecord, RELEASE.order_by(col(Release.id).desc()).limit(1))
    )


def stated_licence(operator: str | None, own: str | None) -> str | None:
    """The licence of a survey's data: the one rule every adapter and format serves.

    The operator's (KOMMUNEDIGI_LICENCE) when one is set, else the survey's own from the
    data, else none: a licence is never invented.
    """
    return operator or own or None


def survey_records(
    session: Session, statement: Statement, licence: str | None = None
) -> list[SurveyRecord]:
    """The surveys `statement` selects (its columns those of SURVEY), each with the
    licence `stated_licence` gives it under the operator's `licence`."""
    return [
        SurveyRecord(**{**row, "licence": stated_licence(licence, row["licence"])})
        for row in session.execute(statement).mappings()
    ]


def load_descriptions(session: Session, licence: str | None = None) -> Descriptions:
    """Every description, read now (the release number first, so never newer than them);
    `licence` is the operator's, as `survey_records` takes it."""
    release_id = newest_release_id(session)
    indicator_options = session.execute(
        select(col(IndicatorOption.indicator_id), col(IndicatorOption.option_id))
        .join(Option, col(Option.id) == IndicatorOption.option_id)
        .order_by(col(IndicatorOption.indicator_id), col(Option.position))
    ).all()
    options_of: dict[int, list[int]] = defaultdict(list)
    for indicator_id, option_id in indicator_options:
        options_of[indicator_id].append(option_id)
    return Descriptions(
        release_id=release_id,
        sources=tuple(records_of(session, SourceRecord, SOURCE.order_by(col(Source.code)))),
        surveys=tuple(survey_records(session, SURVEY.order_by(col(Survey.id)), licence)),
        topics=tuple(records_of(session, TopicRecord, TOPIC.order_by(col(Topic.id)))),
        segments=tuple(records_of(session, SegmentRecord, SEGMENT.order_by(col(Segment.id)))),
        waves=tuple(
            records_of(session, WaveRecord, WAVE.order_by(col(Wave.survey_id), col(Wave.year)))
        ),
        questions=tuple(records_of(session, QuestionRecord, QUESTION)),
        options=tuple(records_of(session, OptionRecord, OPTION)),
        indicators=tuple(indicator_records(session, INDICATOR)),
        indicator_options={key: tuple(value) for key, value in options_of.items()},
    )


RELEASE = select(
    col(Release.id),
    col(Release.created_at),
    col(Release.message),
    col(Release.checksum),
    col(Release.added),
    col(Release.changed),
    col(Release.removed),
)


def visible(
    table: type[Share] | type[PublishedTotal], as_of: int | BindParameter[int] | None
) -> ColumnElement[bool]:
    """The rows of `table` served as of release `as_of` (None: the current ones).

    A row is visible in release N when a release up to N published it and none up to N
    replaced it.
    """
    if as_of is None:
        return col(table.replaced_in).is_(None)
    return and_(
        col(table.release_id) <= as_of,
        or_(col(table.replaced_in).is_(None), col(table.replaced_in) > as_of),
    )


SOURCE = select(
    col(Source.id),
    col(Source.code),
    col(Source.title),
    col(Source.publisher),
    col(Source.url),
    col(Source.published),
    col(Source.date_note_nb),
    col(Source.date_note_en),
    col(Source.date_note_nn),
    col(Source.description_nb),
    col(Source.description_en),
    col(Source.description_nn),
)


SURVEY = select(
    col(Survey.id),
    col(Survey.code),
    col(Survey.title_nb),
    col(Survey.title_en),
    col(Survey.title_nn),
    col(Survey.publisher),
    col(Survey.description_nb),
    col(Survey.description_en),
    col(Survey.description_nn),
    col(Survey.homepage),
    col(Survey.licence),
    col(Survey.synthetic),
)


TOPIC = select(
    col(Topic.id), col(Topic.code), col(Topic.label_nb), col(Topic.label_en), col(Topic.label_nn)
)


SEGMENT = select(
    col(Segment.id),
    col(Segment.code),
    col(Segment.dimension),
    col(Segment.label_nb),
    col(Segment.label_en),
    col(Segment.label_nn),
)


WAVE: Statement = (
    select(
        col(Wave.id),
        col(Wave.survey_id),
        col(Survey.code).label("survey"),
        col(Wave.year),
        col(Wave.title_nb),
        col(Wave.title_en),
        col(Wave.title_nn),
        col(Wave.fieldwork),
        col(Wave.respondents),
        col(Wave.population),
        col(Wave.response_rate),
        col(Wave.published_on),
        col(Wave.source_id),
        col(Source.code).label("source"),
        col(Wave.note_nb),
        col(Wave.note_en),
        col(Wave.note_nn),
    )
    .join(Survey, col(Survey.id) == Wave.survey_id)
    .outerjoin(Source, col(Source.id) == Wave.source_id)
)


QUESTION: Statement = (
    select(
        col(Question.id),
        col(Question.survey_id),
        col(Survey.code).label("survey"),
        col(Question.code),
        col(Question.topic_id),
        col(Topic.code).label("topic"),
        col(Question.kind),
        col(Question.position),
        col(Question.text_nb),
        col(Question.text_en),
        col(Question.text_nn),
        col(Question.note_nb),
        col(Question.note_en),
        col(Question.note_nn),
    )
    .join(Survey, col(Survey.id) == Question.survey_id)
    .join(Topic, col(Topic.id) == Question.topic_id)
    .order_by(col(Question.survey_id), col(Question.position))
)


OPTION: Statement = (
    select(
        col(Option.id),
        col(Option.question_id),
        col(Question.code).label("question"),
        col(Option.code),
        col(Option.position),
        col(Option.label_nb),
        col(Option.label_en),
        col(Option.label_nn),
    )
    .join(Question, col(Question.id) == Option.question_id)
    .order_by(col(Option.question_id), col(Option.position))
)


SHARE_ORDER = (
    col(Share.wave_id),
    col(Share.question_id),
    col(Share.option_id),
    col(Share.segment_id),
)

SHARE: Statement = select(
    col(Share.id),
    col(Share.wave_id),
    col(Share.question_id),
    col(Share.option_id),
    col(Share.segment_id),
    col(Share.value),
    col(Share.base_n),
    col(Share.status),
    col(Share.note_nb),
    col(Share.note_en),
    col(Share.note_nn),
    col(Share.source_id),
    col(Share.locator),
    col(Share.locator_nb),
    col(Share.locator_nn),
    col(Share.release_id),
)
STATUS = {status.value: status for status in ShareStatus}


INDICATOR: Statement = (
    select(
        col(Indicator.id),
        col(Indicator.code),
        col(Question.survey_id),
        col(Survey.code).label("survey"),
        col(Indicator.question_id),
        col(Question.code).label("question"),
        col(Indicator.position),
        col(Indicator.unit),
        col(Indicator.title_nb),
        col(Indicator.title_en),
        col(Indicator.title_nn),
        col(Indicator.description_nb),
        col(Indicator.description_en),
        col(Indicator.description_nn),
    )
    .join(Question, col(Question.id) == Indicator.question_id)
    .join(Survey, col(Survey.id) == Question.survey_id)
    .order_by(col(Question.survey_id), col(Indicator.position))
)


def indicator_records(session: Session, statement: Statement) -> list[IndicatorRecord]:
    rows = session.execute(statement).mappings().all()
    options = _indicator_options(session, [row["id"] for row in rows])
    return [IndicatorRecord(**row, options=tuple(options[row["id"]])) for row in rows]


def _indicator_options(session: Session, indicator_ids: Collection[int]) -> dict[int, list[str]]:
    statement = (
        select(col(IndicatorOption.indicator_id), col(Option.code))
        .join(Option, col(Option.id) == IndicatorOption.option_id)
        .where(col(IndicatorOption.indicator_id).in_(indicator_ids))
        .order_by(col(IndicatorOption.indicator_id), col(Option.position))
    )
    grouped: dict[int, list[str]] = {id_: [] for id_ in indicator_ids}
    for indicator_id, code in session.execute(statement):
        grouped[indicator_id].append(code)
    return grouped
