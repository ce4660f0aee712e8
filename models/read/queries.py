"""The query layer: plain functions, session first, rows out; REST and GraphQL both call these.

Lookups by code return None when nothing matches (the adapter decides: 404 or null).
Batch functions ("…_by_…") take many ids and return a dict keyed by id, ready for a
DataLoader. Filters that name unknown codes raise `UnknownCode`.

Figures (shares and published totals) are served as of a release: the current ones by
default, or those visible in an earlier release when a filter's `as_of` names it
(`release_as_of` resolves what a reader gives; `_visible` is the one rule). Descriptions
(questions, labels, waves) have no history and are always the current ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Float,
    Select,
    String,
    and_,
    bindparam,
    cast,
    exists,
    func,
    null,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Mapped, aliased
from sqlmodel import Session, col

from models import indicators as compute
from models.filters import (
    AsOf,
    Cursor,
    Page,
    PageRequest,
    QuestionFilter,
    ShareFilter,
    UnknownCode,
)
from models.read import prepared
from models.read.descriptions import Descriptions
from models.records import (
    CitedIndicator,
    CitedQuestion,
    FigureChange,
    IndicatorDetail,
    IndicatorRecord,
    IndicatorTable,
    OptionRecord,
    Overview,
    PublishedSurvey,
    PublishedTotalRecord,
    QuestionCube,
    QuestionDetail,
    QuestionDimensions,
    QuestionRecord,
    ReleaseRecord,
    SegmentRecord,
    Series,
    ShareRecord,
    ShareTable,
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
    ShareStatus,
    Source,
    Survey,
    Topic,
    Wave,
)

R = TypeVar("R")
K = TypeVar("K")
EVERY_SHARE = ShareFilter()

# A SELECT of any columns. Rows are read by column name into records, so the column types
# are not tracked; besides, SQLAlchemy types `col(...).label(...)` as `Label[Never]`, and
# mypy asks for an annotation on a variable whose inferred type contains Never.
Statement = Select[*tuple[Any, ...]]


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


RecordWithId = TypeVar("RecordWithId", bound=_HasId)


def _records(
    session: Session,
    record: Callable[..., R],
    statement: Statement,
    params: Mapping[str, Any] | None = None,
) -> list[R]:
    return [record(**row) for row in session.execute(statement, params).mappings()]


def _group(
    records: Iterable[R], key: Callable[[R], int], ids: Collection[int]
) -> dict[int, list[R]]:
    grouped: dict[int, list[R]] = {id_: [] for id_ in ids}
    for item in records:
        grouped[key(item)].append(item)
    return grouped


# Descriptions -------------------------------------------------------------------------
# Lookups of descriptions read a copy held in memory (models.descriptions): the app puts
# its worker's copy of the newest release in Session.info[DESCRIPTIONS_SOURCE]; without
# one a session loads its own. A lookup that misses asks once per session whether a newer
# release exists and, if so, reads the descriptions again: a held copy that lags a release
# still finds what the release added, and a code that names nothing costs one statement.

DESCRIPTIONS_SOURCE = "kommunedigi.descriptions"  # Session.info: () -> Descriptions
_DESCRIBED = "kommunedigi.described"  # Session.info: the copy this session reads
_RECHECKED = "kommunedigi.rechecked"  # Session.info: a miss already looked for a release


def descriptions(session: Session) -> Descriptions:
    """The descriptions this session reads: the held copy, or read now."""
    found: Descriptions | None = session.info.get(_DESCRIBED)
    if found is None:
        source = session.info.get(DESCRIPTIONS_SOURCE)
        found = source() if source is not None else load_descriptions(session)
        session.info[_DESCRIBED] = found
    return found


def _after_miss(session: Session, described: Descriptions) -> Descriptions:
    """The descriptions of a newer release if there is one, else `described` itself."""
    if session.info.get(_RECHECKED):
        return described
    session.info[_RECHECKED] = True
    if newest_release_id(session) == described.release_id:
        return described
    session.info[_DESCRIBED] = described = load_descriptions(session)
    return described


def _pick(
    session: Session, index: Callable[[Descriptions], Mapping[K, R]], keys: Collection[K]
) -> dict[K, R]:
    """The descriptions `keys` name in `index`; keys that name nothing are left out."""
    described = descriptions(session)
    if any(key not in index(described) for key in keys):
        described = _after_miss(session, described)
    found = index(described)
    return {key: found[key] for key in keys if key in found}


def _one(session: Session, index: Callable[[Descriptions], Mapping[K, R]], key: K) -> R | None:
    return _pick(session, index, [key]).get(key)


def _children(
    session: Session,
    parents: Callable[[Descriptions], Mapping[int, object]],
    children: Callable[[Descriptions], Mapping[int, tuple[R, ...]]],
    ids: Collection[int],
) -> dict[int, list[R]]:
    """Each parent's children in the held order (a parent that is not known has none)."""
    described = descriptions(session)
    if any(id_ not in parents(described) for id_ in ids):
        described = _after_miss(session, described)
    found = children(described)
    return {id_: list(found.get(id_, ())) for id_ in ids}


def newest_release_id(session: Session) -> int | None:
    """The newest release's number: what a held copy of the descriptions is checked by."""
    return session.scalar(select(col(Release.id)).order_by(col(Release.id).desc()).limit(1))


def load_descriptions(session: Session) -> Descriptions:
    """Every description, read now (the release number first, so never newer than them)."""
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
        sources=tuple(_records(session, SourceRecord, _SOURCE.order_by(col(Source.code)))),
        surveys=tuple(_records(session, SurveyRecord, _SURVEY.order_by(col(Survey.id)))),
        topics=tuple(_records(session, TopicRecord, _TOPIC.order_by(col(Topic.id)))),
        segments=tuple(_records(session, SegmentRecord, _SEGMENT.order_by(col(Segment.id)))),
        waves=tuple(
            _records(session, WaveRecord, _WAVE.order_by(col(Wave.survey_id), col(Wave.year)))
        ),
        questions=tuple(_records(session, QuestionRecord, _QUESTION)),
        options=tuple(_records(session, OptionRecord, _OPTION)),
        indicators=tuple(_indicator_records(session, _INDICATOR)),
        indicator_options={key: tuple(value) for key, value in options_of.items()},
    )


# Releases, sources, surveys, topics, segments ----------------------------------------


_RELEASE = select(
    col(Release.id),
    col(Release.created_at),
    col(Release.message),
    col(Release.checksum),
    col(Release.added),
    col(Release.changed),
    col(Release.removed),
)


def current_release(session: Session) -> ReleaseRecord | None:
    statement = _RELEASE.order_by(col(Release.id).desc()).limit(1)
    return _first(_records(session, ReleaseRecord, statement))


def list_releases(session: Session) -> list[ReleaseRecord]:
    """Every release, newest first."""
    return _records(session, ReleaseRecord, _RELEASE.order_by(col(Release.id).desc()))


def get_release(session: Session, id_: int) -> ReleaseRecord | None:
    return _first(_records(session, ReleaseRecord, _RELEASE.where(col(Release.id) == id_)))


def releases_by_id(session: Session, ids: Collection[int]) -> dict[int, ReleaseRecord]:
    return _by_id(session, ReleaseRecord, _RELEASE, col(Release.id), ids)


def release_as_of(session: Session, as_of: AsOf, *, parameter: str = "as_of") -> int:
    """The number of the release `as_of` names: that release, or the newest one created at or
    before its moment. UnknownCode (naming `parameter`) when there is no such release."""
    if as_of.release is not None:
        found = session.scalar(select(col(Release.id)).where(col(Release.id) == as_of.release))
    else:
        assert as_of.moment is not None
        found = session.scalar(
            select(func.max(col(Release.id))).where(col(Release.created_at) <= as_of.moment)
        )
    if found is not None:
        return found
    first = _first(_records(session, ReleaseRecord, _RELEASE.order_by(col(Release.id)).limit(1)))
    latest = current_release(session)
    if first is None or latest is None:
        detail = f"{parameter}={as_of.text} names no release: no data has been published yet"
    elif as_of.release is not None:
        detail = (
            f"{parameter}={as_of.text} names no release; releases are numbered"
            f" {first.id} to {latest.id} (see /api/v1/releases)"
        )
    else:
        created = first.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        detail = (
            f"{parameter}={as_of.text} is before the first release ({first.id}, created"
            f" {created}); give a later date or a release number"
        )
    raise UnknownCode(parameter, as_of.text, detail=detail)


def _visible(
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


def _release_served(session: Session, as_of: int | None) -> ReleaseRecord | None:
    """The release whose figures are shown: `as_of`, or the newest."""
    return current_release(session) if as_of is None else get_release(session, as_of)


_SOURCE = select(
    col(Source.id),
    col(Source.code),
    col(Source.title),
    col(Source.publisher),
    col(Source.url),
    col(Source.published),
    col(Source.date_note_nb),
    col(Source.date_note_en),
    col(Source.description_nb),
    col(Source.description_en),
)


def list_sources(session: Session) -> list[SourceRecord]:
    return list(descriptions(session).sources)


def sources_by_id(session: Session, ids: Collection[int]) -> dict[int, SourceRecord]:
    return _pick(session, lambda d: d.source, ids)


_SURVEY = select(
    col(Survey.id),
    col(Survey.code),
    col(Survey.title_nb),
    col(Survey.title_en),
    col(Survey.publisher),
    col(Survey.description_nb),
    col(Survey.description_en),
    col(Survey.homepage),
    col(Survey.licence),
    col(Survey.synthetic),
)


def list_surveys(session: Session) -> list[SurveyRecord]:
    return list(descriptions(session).surveys)


def get_survey(session: Session, code: str) -> SurveyRecord | None:
    return _one(session, lambda d: d.survey_by_code, code)


def surveys_by_id(session: Session, ids: Collection[int]) -> dict[int, SurveyRecord]:
    return _pick(session, lambda d: d.survey, ids)


_TOPIC = select(col(Topic.id), col(Topic.code), col(Topic.label_nb), col(Topic.label_en))


def list_topics(session: Session) -> list[TopicRecord]:
    return list(descriptions(session).topics)


def topics_by_id(session: Session, ids: Collection[int]) -> dict[int, TopicRecord]:
    return _pick(session, lambda d: d.topic, ids)


def topics_by_survey(session: Session, survey_ids: Collection[int]) -> dict[int, list[TopicRecord]]:
    """The topics each survey's questions cover, each once, in topic order."""
    questions = _children(session, lambda d: d.survey, lambda d: d.questions_of_survey, survey_ids)
    topic = descriptions(session).topic
    return {
        survey_id: [topic[id_] for id_ in sorted({item.topic_id for item in items})]
        for survey_id, items in questions.items()
    }


_SEGMENT = select(
    col(Segment.id),
    col(Segment.code),
    col(Segment.dimension),
    col(Segment.label_nb),
    col(Segment.label_en),
)


def list_segments(session: Session) -> list[SegmentRecord]:
    return list(descriptions(session).segments)


def segments_by_id(session: Session, ids: Collection[int]) -> dict[int, SegmentRecord]:
    return _pick(session, lambda d: d.segment, ids)


# Waves --------------------------------------------------------------------------------

_WAVE: Statement = (
    select(
        col(Wave.id),
        col(Wave.survey_id),
        col(Survey.code).label("survey"),
        col(Wave.year),
        col(Wave.title_nb),
        col(Wave.title_en),
        col(Wave.fieldwork),
        col(Wave.respondents),
        col(Wave.population),
        col(Wave.response_rate),
        col(Wave.published_on),
        col(Wave.source_id),
        col(Source.code).label("source"),
        col(Wave.note_nb),
        col(Wave.note_en),
    )
    .join(Survey, col(Survey.id) == Wave.survey_id)
    .outerjoin(Source, col(Source.id) == Wave.source_id)
)


def list_waves(session: Session, *, surveys: Sequence[str] = ()) -> list[WaveRecord]:
    _check_codes(session, "survey", surveys)
    waves = descriptions(session).waves
    return [wave for wave in waves if wave.survey in surveys] if surveys else list(waves)


def waves_by_id(session: Session, ids: Collection[int]) -> dict[int, WaveRecord]:
    return _pick(session, lambda d: d.wave, ids)


def waves_by_survey(session: Session, survey_ids: Collection[int]) -> dict[int, list[WaveRecord]]:
    return _children(session, lambda d: d.survey, lambda d: d.waves_of_survey, survey_ids)


# Questions and options ----------------------------------------------------------------

_QUESTION: Statement = (
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
        col(Question.note_nb),
        col(Question.note_en),
    )
    .join(Survey, col(Survey.id) == Question.survey_id)
    .join(Topic, col(Topic.id) == Question.topic_id)
    .order_by(col(Question.survey_id), col(Question.position))
)


def list_questions(session: Session, filter: QuestionFilter) -> list[QuestionRecord]:
    _check_codes(session, "survey", filter.surveys)
    _check_codes(session, "topic", filter.topics)
    if filter.text:  # searched in the database, which holds the folded text
        needle = filter.text.casefold()
        statement = _QUESTION.where(col(Question.search_text).contains(needle, autoescape=True))
        questions = _records(session, QuestionRecord, statement)
    else:
        questions = list(descriptions(session).questions)
    return [
        question
        for question in questions
        if (not filter.surveys or question.survey in filter.surveys)
        and (not filter.topics or question.topic in filter.topics)
    ]


def get_question(session: Session, code: str) -> QuestionRecord | None:
    return _one(session, lambda d: d.question_by_code, code)


def questions_by_id(session: Session, ids: Collection[int]) -> dict[int, QuestionRecord]:
    return _pick(session, lambda d: d.question, ids)


def questions_by_survey(
    session: Session, survey_ids: Collection[int]
) -> dict[int, list[QuestionRecord]]:
    return _children(session, lambda d: d.survey, lambda d: d.questions_of_survey, survey_ids)


def questions_by_topic(
    session: Session, topic_ids: Collection[int]
) -> dict[int, list[QuestionRecord]]:
    return _children(session, lambda d: d.topic, lambda d: d.questions_of_topic, topic_ids)


_OPTION: Statement = (
    select(
        col(Option.id),
        col(Option.question_id),
        col(Question.code).label("question"),
        col(Option.code),
        col(Option.position),
        col(Option.label_nb),
        col(Option.label_en),
    )
    .join(Question, col(Question.id) == Option.question_id)
    .order_by(col(Option.question_id), col(Option.position))
)


def options_by_question(
    session: Session, question_ids: Collection[int]
) -> dict[int, list[OptionRecord]]:
    return _children(session, lambda d: d.question, lambda d: d.options_of_question, question_ids)


def options_by_id(session: Session, ids: Collection[int]) -> dict[int, OptionRecord]:
    return _pick(session, lambda d: d.option, ids)


# Shares -------------------------------------------------------------------------------
# Share reads select the share table's own columns and take codes and labels from the
# held descriptions: joining six tables for them doubled SQLite's time for a page, and
# built a dozen strings per row that the descriptions already hold.

_SHARE_ORDER = (
    col(Share.wave_id),
    col(Share.question_id),
    col(Share.option_id),
    col(Share.segment_id),
)

_SHARE: Statement = select(
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
    col(Share.source_id),
    col(Share.locator),
    col(Share.release_id),
)
_STATUS = {status.value: status for status in ShareStatus}


def _described(session: Session, make: Callable[[Descriptions], list[R]]) -> list[R]:
    """`make(descriptions)`; again with newer descriptions if rows name what it lacks."""
    described = descriptions(session)
    try:
        return make(described)
    except KeyError:  # a figure of a release newer than the descriptions held
        newer = _after_miss(session, described)
        if newer is described:  # this session had looked already: the release is newer still
            newer = session.info[_DESCRIBED] = load_descriptions(session)
        return make(newer)


def _shares(session: Session, rows: Sequence[Any]) -> list[ShareRecord]:
    """Records of `_SHARE` rows, with codes and labels from the descriptions."""
    return _described(session, lambda described: _described_shares(described, rows))


def _described_shares(described: Descriptions, rows: Sequence[Any]) -> list[ShareRecord]:
    waves, questions, options = described.wave, described.question, described.option
    segments, sources = described.segment, described.source
    records = []
    for row in rows:
        (id_, wave_id, question_id, option_id, segment_id, value, base_n, status,
         note_nb, note_en, source_id, locator, release_id) = row  # fmt: skip
        wave, question = waves[wave_id], questions[question_id]
        option, segment = options[option_id], segments[segment_id]
        records.append(
            ShareRecord(
                id_,
                wave.survey,
                wave_id,
                wave.year,
                question_id,
                question.code,
                question.text_nb,
                question.text_en,
                option_id,
                option.code,
                option.label_nb,
                option.label_en,
                segment_id,
                segment.code,
                segment.label_nb,
                segment.label_en,
                value,
                base_n,
                _STATUS[status],
                note_nb,
                note_en,
                source_id,
                sources[source_id].code,
                locator,
                release_id,
            )  # fmt: skip
        )
    return records


_SHARE_COLUMNS: dict[str, Mapped[Any]] = {
    "wave_id": col(Share.wave_id),
    "question_id": col(Share.question_id),
    "option_id": col(Share.option_id),
    "segment_id": col(Share.segment_id),
    "status": col(Share.status),
}


def _share_where(session: Session, filter: ShareFilter) -> dict[str, Any]:
    """The filter as values for conditions on the share table's own columns, by name.

    Codes are resolved to ids first (raising UnknownCode for a code that names nothing),
    so that the database can use the share indexes; a condition on a joined table's code
    made PostgreSQL walk ten million rows in index order looking for it.
    """
    params: dict[str, Any] = {}
    if filter.as_of is not None:
        params["as_of"] = filter.as_of
    waves: set[int] | None = None
    if filter.surveys:
        surveys = set(_ids(session, "survey", filter.surveys))
        waves = {wave.id for wave in descriptions(session).waves if wave.survey_id in surveys}
    if filter.waves:
        years = set(_ids(session, "wave", filter.waves))
        waves = years if waves is None else waves & years
    if waves is not None:
        params["wave_id"] = sorted(waves)
    for parameter, values in (
        ("question", filter.questions),
        ("option", filter.options),
        ("segment", filter.segments),
    ):
        if values:
            params[f"{parameter}_id"] = _ids(session, parameter, values)
    if filter.statuses:
        params["status"] = [ShareStatus(status).value for status in filter.statuses]
    return params


def _share_conditions(where: Mapping[str, Any]) -> list[ColumnElement[bool]]:
    """Conditions with bound parameters for the values `_share_where` gave; the first
    picks the rows visible as of the filter's release."""
    as_of: BindParameter[int] | None = bindparam("as_of") if "as_of" in where else None
    conditions: list[ColumnElement[bool]] = [_visible(Share, as_of)]
    for name, values in where.items():
        if name != "as_of":
            conditions.append(prepared.one_of(_SHARE_COLUMNS[name], name, len(values)))
    return conditions


_AFTER = ("after_wave", "after_question", "after_option", "after_segment")


def list_shares(session: Session, filter: ShareFilter, page: PageRequest) -> Page[ShareRecord]:
    """One page of shares, in wave, question, option, segment order."""
    where = _share_where(session, filter)
    after = page.after is not None

    def build() -> Statement:
        statement = _SHARE.where(*_share_conditions(where))
        if after:
            cursor = tuple_(*(bindparam(name) for name in _AFTER))
            statement = statement.where(tuple_(*_SHARE_ORDER) > cursor)
        return statement.order_by(*_SHARE_ORDER).limit(bindparam("limit"))

    params = {**where, "limit": page.limit + 1}
    if page.after is not None:
        params.update(zip(_AFTER, page.after.key, strict=True))
    rows = _shares(session, prepared.rows(session, "page", build, params))
    if len(rows) <= page.limit:
        return Page(rows, None)
    last = rows[page.limit - 1]
    return Page(
        rows[: page.limit],
        Cursor((last.wave_id, last.question_id, last.option_id, last.segment_id)),
    )


def count_shares(session: Session, filter: ShareFilter) -> int:
    where = _share_where(session, filter)

    def build() -> Statement:
        return select(func.count()).select_from(Share).where(*_share_conditions(where))

    count: int = prepared.rows(session, "count", build, where)[0][0]
    return count


def _shares_by(
    session: Session,
    parent: str,
    key: Callable[[ShareRecord], int],
    ids: Collection[int],
    filter: ShareFilter,
) -> dict[int, list[ShareRecord]]:
    where = _share_where(session, filter)
    params = {**where, "parents": list(ids)}

    def build() -> Statement:
        of_parents = prepared.one_of(_SHARE_COLUMNS[parent], "parents", len(ids))
        return _SHARE.where(of_parents, *_share_conditions(where)).order_by(*_SHARE_ORDER)

    found = _shares(session, prepared.rows(session, ("by", parent), build, params))
    return _group(found, key, ids)


def shares_by_option(
    session: Session, option_ids: Collection[int], filter: ShareFilter = EVERY_SHARE
) -> dict[int, list[ShareRecord]]:
    return _shares_by(session, "option_id", lambda s: s.option_id, option_ids, filter)


def shares_by_wave(
    session: Session, wave_ids: Collection[int], filter: ShareFilter = EVERY_SHARE
) -> dict[int, list[ShareRecord]]:
    return _shares_by(session, "wave_id", lambda s: s.wave_id, wave_ids, filter)


def shares_by_question(
    session: Session, question_ids: Collection[int], filter: ShareFilter = EVERY_SHARE
) -> dict[int, list[ShareRecord]]:
    return _shares_by(session, "question_id", lambda s: s.question_id, question_ids, filter)


# Data files (CSV, JSON-stat) -------------------------------------------------------
# A file holds every share it covers rather than a page; the adapters count first
# (count_shares, QuestionDimensions.cells) and refuse what is over their cap.


def _all_shares(session: Session, filter: ShareFilter) -> list[ShareRecord]:
    where = _share_where(session, filter)

    def build() -> Statement:
        return _SHARE.where(*_share_conditions(where)).order_by(*_SHARE_ORDER)

    return _shares(session, prepared.rows(session, "all", build, where))


def _cited_sources(session: Session, shares: Iterable[ShareRecord]) -> tuple[SourceRecord, ...]:
    found = sources_by_code(session, {share.source for share in shares})
    return tuple(found[code] for code in sorted(found))


def share_table(session: Session, filter: ShareFilter) -> ShareTable:
    """Every share within `filter`, the waves of their surveys, and their sources."""
    shares = _all_shares(session, filter)
    surveys = sorted({share.survey for share in shares})
    waves = [
        wave
        for wave in (list_waves(session, surveys=surveys) if surveys else [])
        if not filter.waves or wave.year in filter.waves
    ]
    release = _release_served(session, filter.as_of)
    return ShareTable(tuple(shares), tuple(waves), _cited_sources(session, shares), release)


def question_dimensions(
    session: Session, code: str, *, as_of: int | None = None
) -> QuestionDimensions | None:
    """The waves, options and segments a question's table is laid out by (as of a release)."""
    question = get_question(session, code)
    if question is None:
        return None
    used = select(col(Share.segment_id)).where(
        col(Share.question_id) == question.id, _visible(Share, as_of)
    )
    segments = _records(
        session,
        SegmentRecord,
        _SEGMENT.where(col(Segment.id).in_(used.distinct())).order_by(col(Segment.id)),
    )
    return QuestionDimensions(
        question,
        tuple(waves_by_survey(session, [question.survey_id])[question.survey_id]),
        tuple(options_by_question(session, [question.id])[question.id]),
        tuple(segments),
    )


def question_cube(
    session: Session, dimensions: QuestionDimensions, *, as_of: int | None = None
) -> QuestionCube:
    """The shares inside `dimensions` (a question's, narrowed to a selection), as of a release."""
    empty = not (dimensions.waves and dimensions.options and dimensions.segments)
    # An empty tuple in a ShareFilter means "any", so an empty selection selects nothing here.
    shares = (
        []
        if empty
        else _all_shares(
            session,
            ShareFilter(
                questions=(dimensions.question.code,),
                waves=tuple(wave.year for wave in dimensions.waves),
                options=tuple(option.code for option in dimensions.options),
                segments=tuple(segment.code for segment in dimensions.segments),
                as_of=as_of,
            ),
        )
    )
    release = _release_served(session, as_of)
    table = ShareTable(tuple(shares), dimensions.waves, _cited_sources(session, shares), release)
    return QuestionCube(dimensions, table)


def indicator_table(
    session: Session, code: str, *, segment: str = "all", as_of: int | None = None
) -> IndicatorTable | None:
    """An indicator's series with its question, its segment and the release served."""
    detail = indicator_detail(session, code, segment=segment, as_of=as_of)
    if detail is None:
        return None
    question = questions_by_id(session, [detail.indicator.question_id])
    found = _one(session, lambda d: d.segment_by_code, segment)
    assert found is not None  # indicator_detail has checked the code
    return IndicatorTable(
        detail,
        question[detail.indicator.question_id],
        found,
        _release_served(session, as_of),
    )


# Indicators ---------------------------------------------------------------------------

_INDICATOR: Statement = (
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
        col(Indicator.description_nb),
        col(Indicator.description_en),
    )
    .join(Question, col(Question.id) == Indicator.question_id)
    .join(Survey, col(Survey.id) == Question.survey_id)
    .order_by(col(Question.survey_id), col(Indicator.position))
)


def _indicator_records(session: Session, statement: Statement) -> list[IndicatorRecord]:
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


def list_indicators(session: Session, *, surveys: Sequence[str] = ()) -> list[IndicatorRecord]:
    _check_codes(session, "survey", surveys)
    indicators = descriptions(session).indicators
    return [item for item in indicators if item.survey in surveys] if surveys else list(indicators)


def get_indicator(session: Session, code: str) -> IndicatorRecord | None:
    return _one(session, lambda d: d.indicator_by_code, code)


def indicators_by_id(session: Session, ids: Collection[int]) -> dict[int, IndicatorRecord]:
    return _pick(session, lambda d: d.indicator, ids)


def indicators_by_survey(
    session: Session, survey_ids: Collection[int]
) -> dict[int, list[IndicatorRecord]]:
    return _children(session, lambda d: d.survey, lambda d: d.indicators_of_survey, survey_ids)


def _series_shares(options: int, current: bool) -> Statement:
    return _SHARE.where(
        prepared.one_of(col(Share.option_id), "options", options),
        col(Share.segment_id) == bindparam("segment"),
        _visible(Share, None if current else bindparam("as_of")),
    )


def _series_totals(indicators: int, current: bool) -> Statement:
    return select(
        col(PublishedTotal.indicator_id),
        col(PublishedTotal.wave_id),
        col(PublishedTotal.value),
        col(PublishedTotal.source_id),
        col(PublishedTotal.locator),
        col(PublishedTotal.note_nb),
        col(PublishedTotal.note_en),
    ).where(
        prepared.one_of(col(PublishedTotal.indicator_id), "indicators", indicators),
        _visible(PublishedTotal, None if current else bindparam("as_of")),
        col(PublishedTotal.segment_id) == bindparam("segment"),
    )


def series_by_indicator(
    session: Session,
    indicator_ids: Collection[int],
    *,
    segment: str = "all",
    as_of: int | None = None,
) -> dict[int, Series]:
    """Each indicator's value in every wave of its survey, with changes between waves."""
    (segment_id,) = _ids(session, "segment", [segment])
    indicators = _pick(session, lambda d: d.indicator, indicator_ids)
    described = descriptions(session)
    options_of = {id_: described.indicator_options.get(id_, ()) for id_ in indicators}
    survey_of = {id_: indicator.survey_id for id_, indicator in indicators.items()}
    years_of = {
        survey_id: [wave.year for wave in described.waves_of_survey.get(survey_id, ())]
        for survey_id in survey_of.values()
    }
    option_ids = sorted({option_id for options in options_of.values() for option_id in options})
    current = as_of is None
    visible = {} if current else {"as_of": as_of}
    shares = _shares(
        session,
        prepared.rows(
            session,
            ("series", current),
            lambda: _series_shares(len(option_ids), current),
            {"options": option_ids, "segment": segment_id, **visible},
        ),
    )
    ids = list(indicator_ids)
    total_rows = prepared.rows(
        session,
        ("totals", current),
        lambda: _series_totals(len(ids), current),
        {"indicators": ids, "segment": segment_id, **visible},
    )
    totals = _described(
        session,
        lambda described: [
            PublishedTotalRecord(
                indicator_id,
                described.wave[wave_id].year,
                segment,
                value,
                described.source[source_id].code,
                locator,
                note_nb,
                note_en,
            )  # fmt: skip
            for indicator_id, wave_id, value, source_id, locator, note_nb, note_en in total_rows
        ],
    )

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


# What a release changed ---------------------------------------------------------------
# Computed from the share rows alone: a row published in release N is an added figure, or a
# changed one when a row of the same cell was replaced in N; a row replaced in N whose cell
# got no new row in N is a removed figure. Pages follow the cells' order, as shares do.

_CELL = ("wave_id", "question_id", "option_id", "segment_id")


def _changes_of(release_id: int, page: PageRequest) -> Statement:
    """One page (and one row more) of the changes of one release, in cell order."""
    new, old = aliased(Share, name="new"), aliased(Share, name="old")

    def cell(share: type[Share]) -> list[Any]:
        return [getattr(share, name) for name in _CELL]

    def after(share: type[Share]) -> list[ColumnElement[bool]]:
        return [] if page.after is None else [tuple_(*cell(share)) > tuple_(*page.after.key)]

    same_cell = and_(*(a == b for a, b in zip(cell(old), cell(new), strict=True)))
    rows = page.limit + 1
    added_or_changed = (
        select(
            col(new.release_id).label("release_id"),
            *(column.label(name) for column, name in zip(cell(new), _CELL, strict=True)),
            col(old.value).label("old_value"),
            col(old.status).label("old_status"),
            col(new.value).label("new_value"),
            col(new.status).label("new_status"),
        )
        .select_from(new)
        .outerjoin(old, and_(same_cell, col(old.replaced_in) == release_id))
        .where(col(new.release_id) == release_id, *after(new))
        .order_by(*cell(new))
        .limit(rows)
        .subquery()
    )
    removed = (
        select(
            col(old.replaced_in).label("release_id"),
            *(column.label(name) for column, name in zip(cell(old), _CELL, strict=True)),
            col(old.value).label("old_value"),
            col(old.status).label("old_status"),
            # Typed, so that PostgreSQL can unite them with the figures of the other branch.
            cast(null(), Float).label("new_value"),
            cast(null(), String(32)).label("new_status"),
        )
        .where(
            col(old.replaced_in) == release_id,
            ~exists().where(same_cell, col(new.release_id) == release_id),
            *after(old),
        )
        .order_by(*cell(old))
        .limit(rows)
        .subquery()
    )
    both = union_all(select(added_or_changed), select(removed)).subquery()
    return select(both).order_by(*(both.c[name] for name in _CELL)).limit(rows)


def changes_by_release(
    session: Session, release_ids: Collection[int], page: PageRequest
) -> dict[int, Page[FigureChange]]:
    """A page of each release's changed figures, with their cells' codes: one statement."""
    if not release_ids:
        return {}
    parts = [select(_changes_of(id_, page).subquery()) for id_ in sorted(release_ids)]
    changes = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("changes")
    statement = (
        select(
            *changes.c,
            col(Survey.code).label("survey"),
            col(Wave.year).label("wave"),
            col(Question.code).label("question"),
            col(Option.code).label("option"),
            col(Segment.code).label("segment"),
        )
        .join(Wave, col(Wave.id) == changes.c.wave_id)
        .join(Survey, col(Survey.id) == Wave.survey_id)
        .join(Question, col(Question.id) == changes.c.question_id)
        .join(Option, col(Option.id) == changes.c.option_id)
        .join(Segment, col(Segment.id) == changes.c.segment_id)
        .order_by(changes.c.release_id, *(changes.c[name] for name in _CELL))
    )
    found = _group(_records(session, FigureChange, statement), lambda c: c.release_id, release_ids)
    pages: dict[int, Page[FigureChange]] = {}
    for release_id, items in found.items():
        if len(items) <= page.limit:
            pages[release_id] = Page(items, None)
        else:
            pages[release_id] = Page(items[: page.limit], Cursor(items[page.limit - 1].cell))
    return pages


def list_changes(session: Session, release_id: int, page: PageRequest) -> Page[FigureChange]:
    """A page of the figures release `release_id` added, changed or removed."""
    return changes_by_release(session, [release_id], page)[release_id]


# Helpers ------------------------------------------------------------------------------


def _first(records: list[R]) -> R | None:
    return records[0] if records else None


def _by_id(
    session: Session,
    record: Callable[..., RecordWithId],
    statement: Statement,
    column: Mapped[int | None],
    ids: Collection[int],
) -> dict[int, RecordWithId]:
    found = _records(session, record, statement.where(column.in_(ids)))
    return {item.id: item for item in found}


def _check_codes(
    session: Session, parameter: str, values: Collection[str] | Collection[int]
) -> None:
    """UnknownCode for the first of `values` that names nothing as a filter `parameter`."""
    _ids(session, parameter, values)


def _ids(session: Session, parameter: str, values: Collection[str] | Collection[int]) -> list[int]:
    """The ids `values` name as a filter `parameter`; UnknownCode for one that is not known."""
    described = descriptions(session)
    if any(not described.ids(parameter, value) for value in values):
        described = _after_miss(session, described)
    found: list[int] = []
    for value in values:
        ids = described.ids(parameter, value)
        if not ids:
            raise UnknownCode(parameter, str(value), described.codes(parameter)[:50])
        found.extend(ids)
    return found


# Whole resources, for one request --------------------------------------------------


def sources_by_code(session: Session, codes: Collection[str]) -> dict[str, SourceRecord]:
    return _pick(session, lambda d: d.source_by_code, codes)


def question_detail(
    session: Session, code: str, filter: ShareFilter = EVERY_SHARE
) -> QuestionDetail | None:
    """A question, its options, and each option's shares within `filter`."""
    question = get_question(session, code)
    if question is None:
        return None
    _share_where(session, filter)  # an unknown code is an error even with no options
    options = options_by_question(session, [question.id])[question.id]
    shares = shares_by_option(session, [option.id for option in options], filter)
    return QuestionDetail(question, tuple(options), shares)


def indicator_detail(
    session: Session, code: str, *, segment: str = "all", as_of: int | None = None
) -> IndicatorDetail | None:
    """An indicator with its series (as of a release) and the sources the series cites."""
    indicator = get_indicator(session, code)
    if indicator is None:
        return None
    by_indicator = series_by_indicator(session, [indicator.id], segment=segment, as_of=as_of)
    series = by_indicator[indicator.id]
    cited = {source for point in series.points for source in point.sources}
    cited |= {point.published_total.source for point in series.points if point.published_total}
    sources = sources_by_code(session, cited)
    return IndicatorDetail(indicator, series, tuple(sources[code] for code in sorted(sources)))


def published_surveys(session: Session) -> list[PublishedSurvey]:
    """Every survey but generated test data, with its waves and topics: what a catalog lists."""
    surveys = _records(
        session,
        SurveyRecord,
        _SURVEY.where(col(Survey.synthetic).is_(False)).order_by(col(Survey.id)),
    )
    ids = [survey.id for survey in surveys]
    waves = waves_by_survey(session, ids)
    topics = topics_by_survey(session, ids)
    return [
        PublishedSurvey(survey, tuple(waves[survey.id]), tuple(topics[survey.id]))
        for survey in surveys
    ]


# Citations and charts ----------------------------------------------------------------


def _cited_by(series: Series) -> set[str]:
    """The codes of every source a series cites, its published totals' included."""
    codes = {source for point in series.points for source in point.sources}
    totals = {point.published_total.source for point in series.points if point.published_total}
    return codes | totals


def cited_indicator(session: Session, code: str, *, segment: str = "all") -> CitedIndicator | None:
    """An indicator's current series with its survey and the release: what a chart cites."""
    detail = indicator_detail(session, code, segment=segment)
    if detail is None:
        return None
    survey_id = detail.indicator.survey_id
    survey = surveys_by_id(session, [survey_id])[survey_id]
    return CitedIndicator(detail, survey, current_release(session))


def cited_indicators(session: Session) -> list[CitedIndicator]:
    """Every indicator of a published survey (never generated data), with its current series.

    A fixed number of statements, however many indicators there are.
    """
    published = _SURVEY.where(col(Survey.synthetic).is_(False))
    surveys = {survey.id: survey for survey in _records(session, SurveyRecord, published)}
    indicators = [item for item in list_indicators(session) if item.survey_id in surveys]
    series = series_by_indicator(session, [item.id for item in indicators])
    codes = {item.id: _cited_by(series[item.id]) for item in indicators}
    sources = sources_by_code(session, set().union(*codes.values()))
    release = current_release(session)
    return [
        CitedIndicator(
            IndicatorDetail(
                item, series[item.id], tuple(sources[code] for code in sorted(codes[item.id]))
            ),
            surveys[item.survey_id],
            release,
        )
        for item in indicators
    ]


def cited_question(session: Session, code: str) -> CitedQuestion | None:
    """A question with the waves and sources of its current shares, its survey and the release."""
    question = get_question(session, code)
    if question is None:
        return None
    shares = _all_shares(session, ShareFilter(questions=(code,)))
    survey = surveys_by_id(session, [question.survey_id])[question.survey_id]
    waves = tuple(sorted({share.wave for share in shares}))
    return CitedQuestion(
        question, survey, waves, _cited_sources(session, shares), current_release(session)
    )


def _published_sources(session: Session) -> list[SourceRecord]:
    """The sources that the published surveys' current shares and their waves cite."""
    published = select(col(Wave.id)).join(Survey, col(Survey.id) == Wave.survey_id)
    published = published.where(col(Survey.synthetic).is_(False))
    by_shares = select(col(Share.source_id)).where(
        col(Share.wave_id).in_(published), _visible(Share, None)
    )
    by_waves = select(col(Wave.source_id)).where(col(Wave.id).in_(published))
    cited = or_(col(Source.id).in_(by_shares), col(Source.id).in_(by_waves))
    return _records(session, SourceRecord, _SOURCE.where(cited).order_by(col(Source.code)))


def overview(session: Session) -> Overview:
    """The published surveys, every indicator of theirs with its series, and their sources."""
    return Overview(
        tuple(published_surveys(session)),
        tuple(cited_indicators(session)),
        tuple(_published_sources(session)),
        current_release(session),
    )
