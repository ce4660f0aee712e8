"""GraphQL object types: thin views of query-layer records; relations go through DataLoaders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Self, TypeVar, cast

import strawberry

from api.graphql.enums import Language, QuestionKind, ShareStatus
from api.graphql.inputs import ShareFilterInput
from models import records
from models.filters import AsOf, Cursor, PageRequest
from models.read import queries
from models.read.session import run_query_in_thread

Info = strawberry.Info


LangArg = Annotated[Language, strawberry.argument(description="Language of the text.")]


def _text(record: Any, name: str, lang: Language) -> Any:
    return getattr(record, f"{name}_{lang.value}")


def _loaders(info: Info) -> Any:
    return info.context.loaders


AsOfArg = Annotated[
    str | None,
    strawberry.argument(
        description=(
            'Show figures as published in an earlier release: a release number ("1"), or'
            ' an ISO 8601 date or date-time ("2018-01-24", "2018-01-24T12:00:00Z") for'
            " the newest release created by then. Nested fields inherit it; null: current."
        ),
    ),
]


async def release_as_of(info: Info, as_of: str | None) -> int | None:
    """The release a root field's `asOf` names, checked against the database."""
    if as_of is None:
        return None
    parsed = AsOf.parse(as_of, parameter="asOf")
    found: int = await run_query_in_thread(
        info.context.engine, queries.release_as_of, parsed, parameter="asOf"
    )
    return found


def page_request(info: Info, first: int | None, after: str | None) -> PageRequest:
    """`first` and `after` of a connection, checked against the server's page size."""
    settings = info.context.settings
    return PageRequest.checked(
        settings.default_page_size if first is None else first,
        Cursor.decode(after, parameter="after") if after is not None else None,
        maximum=settings.max_page_size,
        parameter="first",
    )


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@dataclass(kw_only=True)
class RecordView:
    """A GraphQL type over a record: plain fields copy the record's attributes of that name.

    `as_of` is the release whose figures the object shows (None: the current ones). A root
    field sets it from its `asOf` argument, and every object reached from there passes it on,
    so nested shares and series are read as of the same release.
    """

    as_of: strawberry.Private[int | None] = None

    @classmethod
    def of(cls, record: Any, as_of: int | None = None) -> Self:
        plain = _PLAIN.get(cls)
        if plain is None:
            definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
            plain = _PLAIN[cls] = [
                f.python_name
                for f in definition.fields
                if f.base_resolver is None and f.python_name not in ("record", "as_of")
            ]
        values = {name: getattr(record, name) for name in plain}
        return cls(record=record, as_of=as_of, **values)  # type: ignore[call-arg]


_PLAIN: dict[type[RecordView], list[str]] = {}  # each view's plain fields, read once
V = TypeVar("V", bound=RecordView)


# Related descriptions are read from the request's copy (Context.descriptions), with no
# await: a page of shares has hundreds of them. Only what a release newer than the copy
# added is missing there; that goes through the DataLoaders, and GraphQL awaits it.


def _related(info: Info, view: type[V], index: str, id_: int, as_of: int | None = None) -> V:
    """The description `id_` names in the request's copy (`Descriptions.<index>`), or,
    when a newer release added it, from the DataLoader of the same name."""
    found = getattr(info.context.descriptions, index).get(id_)
    if found is not None:
        return view.of(found, as_of)

    async def loaded() -> V:
        record = await getattr(_loaders(info), index).load(id_)
        assert record is not None, "a foreign key guarantees it"
        return view.of(record, as_of)

    return cast(V, loaded())


def _children(
    info: Info, view: type[V], index: str, parent: str, id_: int, as_of: int | None = None
) -> list[V]:
    """The children of `id_` in the request's copy (`Descriptions.<index>`) when it holds
    the parent (`Descriptions.<parent>`), or else from the DataLoader named `index`."""
    described = info.context.descriptions
    if id_ in getattr(described, parent):
        return [view.of(item, as_of) for item in getattr(described, index).get(id_, ())]

    async def loaded() -> list[V]:
        return [view.of(item, as_of) for item in await getattr(_loaders(info), index).load(id_)]

    return cast(list[V], loaded())


@strawberry.type(description="A publication that figures come from, described in our words.")
class Source(RecordView):
    record: strawberry.Private[records.SourceRecord]
    code: str
    title: str
    publisher: str
    url: str | None
    published: str | None = strawberry.field(description="ISO 8601 date, year-month or year.")

    @strawberry.field
    def date_note(self, lang: LangArg = Language.NB) -> str | None:
        return _text(self.record, "date_note", lang)  # type: ignore[no-any-return]

    @strawberry.field
    def description(self, lang: LangArg = Language.NB) -> str:
        return _text(self.record, "description", lang)  # type: ignore[no-any-return]


def _source(info: Info, source_id: int | None) -> Source | None:
    if source_id is None:
        return None
    return _related(info, Source, "source", source_id)


@strawberry.type(description="A survey: one series of waves asking the same kind of questions.")
class Survey(RecordView):
    record: strawberry.Private[records.SurveyRecord]
    code: str
    publisher: str
    homepage: str | None
    licence: str | None = strawberry.field(description="Null: the owner states no licence.")
    synthetic: bool = strawberry.field(description="Generated test data, not published figures.")

    @strawberry.field
    def title(self, lang: LangArg = Language.NB) -> str:
        return _text(self.record, "title", lang)  # type: ignore[no-any-return]

    @strawberry.field
    def description(self, lang: LangArg = Language.NB) -> str:
        return _text(self.record, "description", lang)  # type: ignore[no-any-return]

    @strawberry.field
    def waves(self, info: Info) -> list[Wave]:
        return _children(info, Wave, "waves_of_survey", "survey", self.record.id, self.as_of)

    @strawberry.field
    def questions(self, info: Info) -> list[Question]:
        return _children(
            info, Question, "questions_of_survey", "survey", self.record.id, self.as_of
        )

    @strawberry.field
    def indicators(self, info: Info) -> list[Indicator]:
        return _children(
            info, Indicator, "indicators_of_survey", "survey", self.record.id, self.as_of
        )


def _survey(info: Info, survey_id: int, as_of: int | None) -> Survey:
    return _related(info, Survey, "survey", survey_id, as_of)


@strawberry.type(description="One round of a survey, by year.")
class Wave(RecordView):
    record: strawberry.Private[records.WaveRecord]
    year: int
    fieldwork: str | None
    respondents: int | None
    population: int | None
    response_rate: float | None
    published_on: dt.date | None

    @strawberry.field
    def title(self, lang: LangArg = Language.NB) -> str:
        return _text(self.record, "title", lang)  # type: ignore[no-any-return]

    @strawberry.field
    def note(self, lang: LangArg = Language.NB) -> str | None:
        return _text(self.record, "note", lang)  # type: ignore[no-any-return]

    @strawberry.field
    def survey(self, info: Info) -> Survey:
        return _survey(info, self.record.survey_id, self.as_of)

    @strawberry.field
    def source(self, info: Info) -> Source | None:
        return _source(info, self.record.source_id)

    @strawberry.field(
        description="Shares of this wave, narrowed by `filter`, as of the root field's `asOf`."
    )
    async def shares(self, info: Info, filter: ShareFilterInput | None = None) -> list[Share]:
        key = (self.record.id, ShareFilterInput.convert(filter, as_of=self.as_of))
        found = await _loaders(info).shares_of_wave.load(key)
        return [Share.of(item, self.as_of) for item in found]


@strawberry.type(description="A subject area that groups questions.")
class Topic(RecordView):
    record: strawberry.Private[records.TopicRecord]
    code: str

    @strawberry.field
    def label(self, lang: LangArg = Language.NB) -> str:
        return _text(self.record, "label", lang)  # type: ignore[no-any-return]

    @strawberry.field
    def questions(self, info: Info) -> list[Question]:
        return _children(info, Question, "questions_of_topic", "topic", self.record.id, self.as_of)


@strawberry.type(description="A group of respondents; `all` is every responding municipality.")
class Segment(RecordView):
    record: strawberry.Private[records.SegmentRecord]
    code: str
    dimension: str

    @strawberry.field
    def label(self, lang: LangArg = Language.NB) -> str:
        return _text(self.record, "label", lang)  # type: ignore[no-any-return]


@strawberry.type(description="A question asked in one or more waves.")
class Question(RecordView):
    record: strawberry.Private[records.QuestionRecord]
    code: str
    kind: QuestionKind  # type: ignore[valid-type]
    position: int

    @strawberry.field
    def text(self, lang: LangArg = Language.NB) -> str:
        return _text(self.record, "text", lang)  # type: ignore[no-any-return]

    @strawberry.field
    def note(self, lang: LangArg = Language.NB) -> str | None:
        return _text(self.record, "note", lang)  # type: ignore[no-any-return]

    @strawberry.field
    def survey(self, info: Info) -> Survey:
        return _survey(info, self.record.survey_id, self.as_of)

    @strawberry.field
    def topic(self, info: Info) -> Topic:
        return _related(info, Topic, "topic", self.record.topic_id, self.as_of)

    @strawberry.field
    def options(self, info: Info) -> list[Option]:
        return _options(info, self.record.id, self.as_of)


def _options(info: Info, question_id: int, as_of: int | None) -> list[Option]:
    return _children(info, Option, "options_of_question", "question", question_id, as_of)


def _question(info: Info, question_id: int, as_of: int | None) -> Question:
    return _related(info, Question, "question", question_id, as_of)


@strawberry.type(description="An answer option of a question.")
class Option(RecordView):
    record: strawberry.Private[records.OptionRecord]
    code: str
    position: int

    @strawberry.field
    def label(self, lang: LangArg = Language.NB) -> str:
        return _text(self.record, "label", lang)  # type: ignore[no-any-return]

    @strawberry.field
    def question(self, info: Info) -> Question:
        return _question(info, self.record.question_id, self.as_of)

    @strawberry.field(
        description="Shares of this option, narrowed by `filter`, as of the root field's `asOf`."
    )
    async def shares(self, info: Info, filter: ShareFilterInput | None = None) -> list[Share]:
        key = (self.record.id, ShareFilterInput.convert(filter, as_of=self.as_of))
        found = await _loaders(info).shares_of_option.load(key)
        return [Share.of(item, self.as_of) for item in found]


@strawberry.type(
    description="Percentage of a segment choosing an option in a wave; null value: see status."
)
class Share(RecordView):
    record: strawberry.Private[records.ShareRecord]
    value: float | None
    base_n: int | None
    status: ShareStatus  # type: ignore[valid-type]
    locator: str | None = strawberry.field(description="Where in the source the figure stands.")

    @strawberry.field
    def note(self, lang: LangArg = Language.NB) -> str | None:
        return _text(self.record, "note", lang)  # type: ignore[no-any-return]

    @strawberry.field
    def wave(self, info: Info) -> Wave:
        return _related(info, Wave, "wave", self.record.wave_id, self.as_of)

    @strawberry.field
    def question(self, info: Info) -> Question:
        return _question(info, self.record.question_id, self.as_of)

    @strawberry.field
    def option(self, info: Info) -> Option:
        return _related(info, Option, "option", self.record.option_id, self.as_of)

    @strawberry.field
    def segment(self, info: Info) -> Segment:
        return _related(info, Segment, "segment", self.record.segment_id)

    @strawberry.field
    def source(self, info: Info) -> Source:
        found = _source(info, self.record.source_id)
        assert found is not None, "a foreign key guarantees the source"
        return found


async def _sources_by_code(info: Info, codes: tuple[str, ...]) -> list[Source]:
    found = await _loaders(info).source_by_code.load_many(list(codes))
    return [Source.of(item) for item in found if item is not None]


@strawberry.type(description="An indicator total as a source printed it, often rounded.")
class PublishedTotal(RecordView):
    record: strawberry.Private[records.PublishedTotalRecord]
    value: float
    locator: str | None

    @strawberry.field
    def note(self, lang: LangArg = Language.NB) -> str | None:
        return _text(self.record, "note", lang)  # type: ignore[no-any-return]

    @strawberry.field
    async def source(self, info: Info) -> Source:
        return (await _sources_by_code(info, (self.record.source,)))[0]


@strawberry.type(description="An indicator's value in one wave, or why it is missing.")
class SeriesPoint(RecordView):
    record: strawberry.Private[records.SeriesPoint]
    wave: int
    value: float | None
    status: ShareStatus  # type: ignore[valid-type]
    base_n: int | None
    change: float | None = strawberry.field(description="Percentage points since `changeFrom`.")
    change_from: int | None = strawberry.field(description="The latest earlier wave with a value.")

    @strawberry.field
    def notes(self, lang: LangArg = Language.NB) -> list[str]:
        return list(_text(self.record, "notes", lang))

    @strawberry.field
    async def sources(self, info: Info) -> list[Source]:
        return await _sources_by_code(info, self.record.sources)

    @strawberry.field
    def published_total(self) -> PublishedTotal | None:
        total = self.record.published_total
        return PublishedTotal.of(total) if total else None


@strawberry.type(description="Change in percentage points between two waves that have values.")
class Change:
    from_wave: int
    to_wave: int
    points: float


@strawberry.type(description="A named series: the sum of one or more options of a question.")
class Indicator(RecordView):
    record: strawberry.Private[records.IndicatorRecord]
    code: str
    unit: str

    @strawberry.field
    def title(self, lang: LangArg = Language.NB) -> str:
        return _text(self.record, "title", lang)  # type: ignore[no-any-return]

    @strawberry.field
    def description(self, lang: LangArg = Language.NB) -> str:
        return _text(self.record, "description", lang)  # type: ignore[no-any-return]

    @strawberry.field
    def survey(self, info: Info) -> Survey:
        return _survey(info, self.record.survey_id, self.as_of)

    @strawberry.field
    def question(self, info: Info) -> Question:
        return _question(info, self.record.question_id, self.as_of)

    @strawberry.field
    async def options(self, info: Info) -> list[Option]:
        found = await _loaders(info).options_of_question.load(self.record.question_id)
        return [Option.of(item, self.as_of) for item in found if item.code in self.record.options]

    async def _series(self, info: Info, segment: str) -> records.Series:
        key = (self.record.id, (ShareFilterInput.code("segment", segment), self.as_of))
        found = await _loaders(info).series.load(key)
        assert found is not None, "every indicator has a series"
        return found  # type: ignore[no-any-return]

    @strawberry.field(
        description="One point per wave of the survey, oldest first, as of the root's `asOf`."
    )
    async def series(self, info: Info, segment: str = "all") -> list[SeriesPoint]:
        return [SeriesPoint.of(item) for item in (await self._series(info, segment)).points]

    @strawberry.field(description="Changes between consecutive waves that both have a value.")
    async def changes(self, info: Info, segment: str = "all") -> list[Change]:
        return [
            Change(from_wave=item.from_wave, to_wave=item.to_wave, points=item.points)
            for item in (await self._series(info, segment)).changes
        ]
