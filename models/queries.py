"""The query layer: plain functions, session first, rows out; REST and GraphQL both call these.

Lookups by code return None when nothing matches (the adapter decides: 404 or null).
Batch functions ("…_by_…") take many ids and return a dict keyed by id, ready for a
DataLoader. Filters that name unknown codes raise `UnknownCode`.
Only current figures are served: a share replaced by a later release is history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute
from sqlmodel import Session

from models import indicators as compute
from models.filters import (
    Cursor,
    Page,
    PageRequest,
    QuestionFilter,
    ShareFilter,
    UnknownCode,
)
from models.records import (
    IndicatorDetail,
    IndicatorRecord,
    OptionRecord,
    PublishedTotalRecord,
    QuestionDetail,
    QuestionRecord,
    ReleaseRecord,
    SegmentRecord,
    Series,
    ShareRecord,
    SourceRecord,
    SurveyRecord,
    TopicRecord,
    WaveRecord,
)
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
EVERY_SHARE = ShareFilter()


def _records(session: Session, record: Callable[..., R], statement: Select[Any]) -> list[R]:
    return [record(**row) for row in session.execute(statement).mappings()]


def _group(
    records: Iterable[R], key: Callable[[R], int], ids: Collection[int]
) -> dict[int, list[R]]:
    grouped: dict[int, list[R]] = {id_: [] for id_ in ids}
    for item in records:
        grouped[key(item)].append(item)
    return grouped


# Releases, sources, surveys, topics, segments ----------------------------------------


def current_release(session: Session) -> ReleaseRecord | None:
    statement = (
        select(Release.id, Release.created_at, Release.message, Release.checksum)
        .order_by(Release.id.desc())
        .limit(1)
    )  # type: ignore[union-attr]
    found = _records(session, ReleaseRecord, statement)
    return found[0] if found else None


_SOURCE = select(
    Source.id,
    Source.code,
    Source.title,
    Source.publisher,
    Source.url,
    Source.published,
    Source.date_note_nb,
    Source.date_note_en,
    Source.description_nb,
    Source.description_en,
)


def list_sources(session: Session) -> list[SourceRecord]:
    return _records(session, SourceRecord, _SOURCE.order_by(Source.code))


def sources_by_id(session: Session, ids: Collection[int]) -> dict[int, SourceRecord]:
    return _by_id(session, SourceRecord, _SOURCE, Source.id, ids)  # type: ignore[arg-type]


_SURVEY = select(
    Survey.id,
    Survey.code,
    Survey.title_nb,
    Survey.title_en,
    Survey.publisher,
    Survey.description_nb,
    Survey.description_en,
    Survey.homepage,
    Survey.licence,
    Survey.synthetic,
)


def list_surveys(session: Session) -> list[SurveyRecord]:
    return _records(session, SurveyRecord, _SURVEY.order_by(Survey.id))


def get_survey(session: Session, code: str) -> SurveyRecord | None:
    return _first(_records(session, SurveyRecord, _SURVEY.where(Survey.code == code)))


def surveys_by_id(session: Session, ids: Collection[int]) -> dict[int, SurveyRecord]:
    return _by_id(session, SurveyRecord, _SURVEY, Survey.id, ids)  # type: ignore[arg-type]


_TOPIC = select(Topic.id, Topic.code, Topic.label_nb, Topic.label_en)


def list_topics(session: Session) -> list[TopicRecord]:
    return _records(session, TopicRecord, _TOPIC.order_by(Topic.id))


def topics_by_id(session: Session, ids: Collection[int]) -> dict[int, TopicRecord]:
    return _by_id(session, TopicRecord, _TOPIC, Topic.id, ids)  # type: ignore[arg-type]


_SEGMENT = select(Segment.id, Segment.code, Segment.dimension, Segment.label_nb, Segment.label_en)


def list_segments(session: Session) -> list[SegmentRecord]:
    return _records(session, SegmentRecord, _SEGMENT.order_by(Segment.id))


def segments_by_id(session: Session, ids: Collection[int]) -> dict[int, SegmentRecord]:
    return _by_id(session, SegmentRecord, _SEGMENT, Segment.id, ids)  # type: ignore[arg-type]


# Waves --------------------------------------------------------------------------------

_WAVE = (
    select(
        Wave.id,
        Wave.survey_id,
        Survey.code.label("survey"),
        Wave.year,
        Wave.title_nb,
        Wave.title_en,
        Wave.fieldwork,
        Wave.respondents,
        Wave.population,
        Wave.response_rate,
        Wave.published_on,
        Wave.source_id,
        Source.code.label("source"),
        Wave.note_nb,
        Wave.note_en,
    )
    .join(Survey, Survey.id == Wave.survey_id)
    .outerjoin(Source, Source.id == Wave.source_id)
)


def list_waves(session: Session, *, surveys: Sequence[str] = ()) -> list[WaveRecord]:
    statement = _WAVE.order_by(Wave.survey_id, Wave.year)
    if surveys:
        _check_codes(session, "survey", Survey.code, surveys)
        statement = statement.where(Survey.code.in_(surveys))  # type: ignore[attr-defined]
    return _records(session, WaveRecord, statement)


def waves_by_id(session: Session, ids: Collection[int]) -> dict[int, WaveRecord]:
    return _by_id(session, WaveRecord, _WAVE, Wave.id, ids)  # type: ignore[arg-type]


def waves_by_survey(session: Session, survey_ids: Collection[int]) -> dict[int, list[WaveRecord]]:
    statement = _WAVE.where(Wave.survey_id.in_(survey_ids)).order_by(Wave.year)  # type: ignore[attr-defined]
    return _group(_records(session, WaveRecord, statement), lambda w: w.survey_id, survey_ids)


# Questions and options ----------------------------------------------------------------

_QUESTION = (
    select(
        Question.id,
        Question.survey_id,
        Survey.code.label("survey"),
        Question.code,
        Question.topic_id,
        Topic.code.label("topic"),
        Question.kind,
        Question.position,
        Question.text_nb,
        Question.text_en,
        Question.note_nb,
        Question.note_en,
    )
    .join(Survey, Survey.id == Question.survey_id)
    .join(Topic, Topic.id == Question.topic_id)
    .order_by(Question.survey_id, Question.position)
)


def list_questions(session: Session, filter: QuestionFilter) -> list[QuestionRecord]:
    statement = _QUESTION
    if filter.surveys:
        _check_codes(session, "survey", Survey.code, filter.surveys)
        statement = statement.where(Survey.code.in_(filter.surveys))  # type: ignore[attr-defined]
    if filter.topics:
        _check_codes(session, "topic", Topic.code, filter.topics)
        statement = statement.where(Topic.code.in_(filter.topics))  # type: ignore[attr-defined]
    if filter.text:
        needle = filter.text.casefold()
        statement = statement.where(Question.search_text.contains(needle, autoescape=True))  # type: ignore[attr-defined]
    return _records(session, QuestionRecord, statement)


def get_question(session: Session, code: str) -> QuestionRecord | None:
    return _first(_records(session, QuestionRecord, _QUESTION.where(Question.code == code)))


def questions_by_id(session: Session, ids: Collection[int]) -> dict[int, QuestionRecord]:
    return _by_id(session, QuestionRecord, _QUESTION, Question.id, ids)  # type: ignore[arg-type]


def questions_by_survey(
    session: Session, survey_ids: Collection[int]
) -> dict[int, list[QuestionRecord]]:
    statement = _QUESTION.where(Question.survey_id.in_(survey_ids))  # type: ignore[attr-defined]
    return _group(_records(session, QuestionRecord, statement), lambda q: q.survey_id, survey_ids)


def questions_by_topic(
    session: Session, topic_ids: Collection[int]
) -> dict[int, list[QuestionRecord]]:
    statement = _QUESTION.where(Question.topic_id.in_(topic_ids))  # type: ignore[attr-defined]
    return _group(_records(session, QuestionRecord, statement), lambda q: q.topic_id, topic_ids)


_OPTION = (
    select(
        Option.id,
        Option.question_id,
        Question.code.label("question"),
        Option.code,
        Option.position,
        Option.label_nb,
        Option.label_en,
    )
    .join(Question, Question.id == Option.question_id)
    .order_by(Option.question_id, Option.position)
)


def options_by_question(
    session: Session, question_ids: Collection[int]
) -> dict[int, list[OptionRecord]]:
    statement = _OPTION.where(Option.question_id.in_(question_ids))  # type: ignore[attr-defined]
    return _group(_records(session, OptionRecord, statement), lambda o: o.question_id, question_ids)


def options_by_id(session: Session, ids: Collection[int]) -> dict[int, OptionRecord]:
    return _by_id(session, OptionRecord, _OPTION, Option.id, ids)  # type: ignore[arg-type]


# Shares -------------------------------------------------------------------------------

_SHARE_ORDER = (Share.wave_id, Share.question_id, Share.option_id, Share.segment_id)

_SHARE = (
    select(
        Share.id,
        Survey.code.label("survey"),
        Share.wave_id,
        Wave.year.label("wave"),
        Share.question_id,
        Question.code.label("question"),
        Share.option_id,
        Option.code.label("option"),
        Option.label_nb.label("option_label_nb"),
        Option.label_en.label("option_label_en"),
        Share.segment_id,
        Segment.code.label("segment"),
        Segment.label_nb.label("segment_label_nb"),
        Segment.label_en.label("segment_label_en"),
        Share.value,
        Share.base_n,
        Share.status,
        Share.note_nb,
        Share.note_en,
        Share.source_id,
        Source.code.label("source"),
        Share.locator,
        Share.release_id,
    )
    .join(Wave, Wave.id == Share.wave_id)
    .join(Survey, Survey.id == Wave.survey_id)
    .join(Question, Question.id == Share.question_id)
    .join(Option, Option.id == Share.option_id)
    .join(Segment, Segment.id == Share.segment_id)
    .join(Source, Source.id == Share.source_id)
    .where(Share.replaced_in.is_(None))  # type: ignore[union-attr]
)


def _share_conditions(filter: ShareFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    for column, values in (
        (Survey.code, filter.surveys),
        (Wave.year, filter.waves),
        (Question.code, filter.questions),
        (Option.code, filter.options),
        (Segment.code, filter.segments),
        (Share.status, filter.statuses),
    ):
        if values:
            conditions.append(column.in_(values))  # type: ignore[attr-defined]
    return conditions


def check_share_filter(session: Session, filter: ShareFilter) -> None:
    """Raise UnknownCode for the first filter value that names nothing."""
    _check_codes(session, "survey", Survey.code, filter.surveys)
    _check_codes(session, "wave", Wave.year, filter.waves)
    _check_codes(session, "question", Question.code, filter.questions)
    _check_codes(session, "option", Option.code, filter.options)
    _check_codes(session, "segment", Segment.code, filter.segments)


def list_shares(session: Session, filter: ShareFilter, page: PageRequest) -> Page[ShareRecord]:
    """One page of current shares, in wave, question, option, segment order."""
    check_share_filter(session, filter)
    statement = (
        _SHARE.where(*_share_conditions(filter)).order_by(*_SHARE_ORDER).limit(page.limit + 1)
    )
    if page.after is not None:
        statement = statement.where(tuple_(*_SHARE_ORDER) > tuple_(*page.after.key))
    rows = _records(session, ShareRecord, statement)
    if len(rows) <= page.limit:
        return Page(rows, None)
    last = rows[page.limit - 1]
    return Page(
        rows[: page.limit],
        Cursor((last.wave_id, last.question_id, last.option_id, last.segment_id)),
    )


def count_shares(session: Session, filter: ShareFilter) -> int:
    statement = select(func.count()).select_from(
        _SHARE.where(*_share_conditions(filter)).subquery()
    )
    return session.execute(statement).scalar_one()


def _shares_by(
    session: Session, column: InstrumentedAttribute[int], ids: Collection[int], filter: ShareFilter
) -> dict[int, list[ShareRecord]]:
    statement = _SHARE.where(column.in_(ids), *_share_conditions(filter)).order_by(*_SHARE_ORDER)
    return _group(_records(session, ShareRecord, statement), lambda s: getattr(s, column.key), ids)


def shares_by_option(
    session: Session, option_ids: Collection[int], filter: ShareFilter = EVERY_SHARE
) -> dict[int, list[ShareRecord]]:
    return _shares_by(session, Share.option_id, option_ids, filter)  # type: ignore[arg-type]


def shares_by_wave(
    session: Session, wave_ids: Collection[int], filter: ShareFilter = EVERY_SHARE
) -> dict[int, list[ShareRecord]]:
    return _shares_by(session, Share.wave_id, wave_ids, filter)  # type: ignore[arg-type]


def shares_by_question(
    session: Session, question_ids: Collection[int], filter: ShareFilter = EVERY_SHARE
) -> dict[int, list[ShareRecord]]:
    return _shares_by(session, Share.question_id, question_ids, filter)  # type: ignore[arg-type]


# Indicators ---------------------------------------------------------------------------

_INDICATOR = (
    select(
        Indicator.id,
        Indicator.code,
        Question.survey_id,
        Survey.code.label("survey"),
        Indicator.question_id,
        Question.code.label("question"),
        Indicator.position,
        Indicator.unit,
        Indicator.title_nb,
        Indicator.title_en,
        Indicator.description_nb,
        Indicator.description_en,
    )
    .join(Question, Question.id == Indicator.question_id)
    .join(Survey, Survey.id == Question.survey_id)
    .order_by(Question.survey_id, Indicator.position)
)


def _indicator_records(session: Session, statement: Select[Any]) -> list[IndicatorRecord]:
    rows = session.execute(statement).mappings().all()
    options = _indicator_options(session, [row["id"] for row in rows])
    return [IndicatorRecord(**row, options=tuple(options[row["id"]])) for row in rows]


def _indicator_options(session: Session, indicator_ids: Collection[int]) -> dict[int, list[str]]:
    statement = (
        select(IndicatorOption.indicator_id, Option.code)
        .join(Option, Option.id == IndicatorOption.option_id)
        .where(IndicatorOption.indicator_id.in_(indicator_ids))  # type: ignore[attr-defined]
        .order_by(IndicatorOption.indicator_id, Option.position)
    )
    grouped: dict[int, list[str]] = {id_: [] for id_ in indicator_ids}
    for indicator_id, code in session.execute(statement):
        grouped[indicator_id].append(code)
    return grouped


def list_indicators(session: Session, *, surveys: Sequence[str] = ()) -> list[IndicatorRecord]:
    statement = _INDICATOR
    if surveys:
        _check_codes(session, "survey", Survey.code, surveys)
        statement = statement.where(Survey.code.in_(surveys))  # type: ignore[attr-defined]
    return _indicator_records(session, statement)


def get_indicator(session: Session, code: str) -> IndicatorRecord | None:
    return _first(_indicator_records(session, _INDICATOR.where(Indicator.code == code)))


def indicators_by_id(session: Session, ids: Collection[int]) -> dict[int, IndicatorRecord]:
    statement = _INDICATOR.where(Indicator.id.in_(ids))  # type: ignore[union-attr]
    return {record.id: record for record in _indicator_records(session, statement)}


def indicators_by_survey(
    session: Session, survey_ids: Collection[int]
) -> dict[int, list[IndicatorRecord]]:
    statement = _INDICATOR.where(Question.survey_id.in_(survey_ids))  # type: ignore[attr-defined]
    return _group(_indicator_records(session, statement), lambda i: i.survey_id, survey_ids)


def series_by_indicator(
    session: Session, indicator_ids: Collection[int], *, segment: str = "all"
) -> dict[int, Series]:
    """Each indicator's value in every wave of its survey, with changes between waves."""
    _check_codes(session, "segment", Segment.code, [segment])
    parts = session.execute(
        select(IndicatorOption.indicator_id, IndicatorOption.option_id, Question.survey_id)
        .join(Indicator, Indicator.id == IndicatorOption.indicator_id)
        .join(Question, Question.id == Indicator.question_id)
        .where(IndicatorOption.indicator_id.in_(indicator_ids))  # type: ignore[attr-defined]
    ).all()
    option_ids = {option_id for _, option_id, _ in parts}
    survey_ids = {survey_id for _, _, survey_id in parts}
    waves = session.execute(
        select(Wave.survey_id, Wave.year)
        .where(Wave.survey_id.in_(survey_ids))  # type: ignore[attr-defined]
        .order_by(Wave.year)
    ).all()
    shares = _records(
        session,
        ShareRecord,
        _SHARE.where(Share.option_id.in_(option_ids), Segment.code == segment),  # type: ignore[attr-defined]
    )
    totals = _records(
        session,
        PublishedTotalRecord,
        select(
            PublishedTotal.indicator_id,
            Wave.year.label("wave"),
            Segment.code.label("segment"),
            PublishedTotal.value,
            Source.code.label("source"),
            PublishedTotal.locator,
            PublishedTotal.note_nb,
            PublishedTotal.note_en,
        )
        .join(Wave, Wave.id == PublishedTotal.wave_id)
        .join(Segment, Segment.id == PublishedTotal.segment_id)
        .join(Source, Source.id == PublishedTotal.source_id)
        .where(
            PublishedTotal.indicator_id.in_(indicator_ids),  # type: ignore[attr-defined]
            PublishedTotal.replaced_in.is_(None),  # type: ignore[union-attr]
            Segment.code == segment,
        ),
    )

    options_of: dict[int, list[int]] = defaultdict(list)
    survey_of: dict[int, int] = {}
    for indicator_id, option_id, survey_id in parts:
        options_of[indicator_id].append(option_id)
        survey_of[indicator_id] = survey_id
    years_of: dict[int, list[int]] = defaultdict(list)
    for survey_id, year in waves:
        years_of[survey_id].append(year)
    share_at = {(share.option_id, share.wave): share for share in shares}
    total_at = {(total.indicator_id, total.wave): total for total in totals}

    return {
        indicator_id: Series(
            indicator_id,
            segment,
            compute.series(
                [
                    (year, [share_at.get((option, year)) for option in options_of[indicator_id]])
                    for year in years_of[survey_of[indicator_id]]
                ],
                {year: total for (id_, year), total in total_at.items() if id_ == indicator_id},
            ),
        )
        for indicator_id in indicator_ids
        if indicator_id in survey_of
    }


# Helpers ------------------------------------------------------------------------------


def _first(records: list[R]) -> R | None:
    return records[0] if records else None


def _by_id(
    session: Session,
    record: Callable[..., R],
    statement: Select[Any],
    column: InstrumentedAttribute[int],
    ids: Collection[int],
) -> dict[int, R]:
    found = _records(session, record, statement.where(column.in_(ids)))
    return {item.id: item for item in found}  # type: ignore[attr-defined]


def _check_codes(
    session: Session, parameter: str, column: Any, values: Collection[str] | Collection[int]
) -> None:
    if not values:
        return
    known = set(session.execute(select(column).where(column.in_(values)).distinct()).scalars())
    for value in values:
        if value not in known:
            allowed = session.execute(
                select(column).distinct().order_by(column).limit(50)
            ).scalars()
            raise UnknownCode(parameter, str(value), [str(item) for item in allowed])


# Whole resources, for one request --------------------------------------------------


def sources_by_code(session: Session, codes: Collection[str]) -> dict[str, SourceRecord]:
    found = _records(session, SourceRecord, _SOURCE.where(Source.code.in_(codes)))  # type: ignore[attr-defined]
    return {item.code: item for item in found}


def question_detail(
    session: Session, code: str, filter: ShareFilter = EVERY_SHARE
) -> QuestionDetail | None:
    """A question, its options, and each option's current shares within `filter`."""
    question = get_question(session, code)
    if question is None:
        return None
    check_share_filter(session, filter)
    options = options_by_question(session, [question.id])[question.id]
    shares = shares_by_option(session, [option.id for option in options], filter)
    return QuestionDetail(question, tuple(options), shares)


def indicator_detail(
    session: Session, code: str, *, segment: str = "all"
) -> IndicatorDetail | None:
    """An indicator with its series and the sources the series cites."""
    indicator = get_indicator(session, code)
    if indicator is None:
        return None
    series = series_by_indicator(session, [indicator.id], segment=segment)[indicator.id]
    cited = {source for point in series.points for source in point.sources}
    cited |= {point.published_total.source for point in series.points if point.published_total}
    sources = sources_by_code(session, cited)
    return IndicatorDetail(indicator, series, tuple(sources[code] for code in sorted(sources)))
