"""GraphQL object types: thin views of the read layer's records; related descriptions go
through its typed lookups (api.graphql.views), figures through DataLoaders."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.dataloader import DataLoader

from api import licences
from api.graphql import views
from api.graphql.context import Info
from api.graphql.enums import FigureStatus, Language, QuestionKind, ShareStatus
from api.graphql.figures import FigureFields
from api.graphql.inputs import ShareFilterInput
from api.graphql.views import (
    INDICATOR_WAVES,
    QUESTION_WAVES,
    LangArg,
    RecordView,
    Soon,
    children,
    related,
)
from models import read, records
from models.filters import ShareFilter

SharesOf = DataLoader[tuple[int, ShareFilter], list[records.ShareRecord]]

SegmentArg = Annotated[str, strawberry.argument(description="The code of a segment.")]


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
        return views.optional_text_in(lang, self.record, "date_note")

    @strawberry.field
    def description(self, lang: LangArg = Language.NB) -> str:
        return views.text_in(lang, self.record, "description")


def _source(info: Info, source_id: int | None) -> Soon[Source] | None:
    if source_id is None:
        return None
    return related(info, read.SOURCE_BY_ID, source_id, Source)


@strawberry.type(description="A survey: one series of waves asking the same kind of questions.")
class Survey(RecordView):
    record: strawberry.Private[records.SurveyRecord]
    code: str
    publisher: str
    homepage: str | None
    licence: str | None = strawberry.field(
        description="The licence's URI: the server's when it states one, else the survey"
        " owner's. Null: none is stated, and none is claimed."
    )
    synthetic: bool = strawberry.field(description="Generated test data, not published figures.")

    @strawberry.field
    def title(self, lang: LangArg = Language.NB) -> str:
        return views.text_in(lang, self.record, "title")

    @strawberry.field
    def description(self, lang: LangArg = Language.NB) -> str:
        return views.text_in(lang, self.record, "description")

    @strawberry.field(
        description='The licence\'s name ("NLOD 2.0"), or its URI when we know no name.'
        " Null: none is stated."
    )
    def licence_name(self, lang: LangArg = Language.NB) -> str | None:
        licence = self.record.licence
        return None if licence is None else licences.name(licence, lang.value)

    @strawberry.field
    def waves(self, info: Info) -> Soon[list[Wave]]:
        return children(info, read.WAVES_OF_SURVEY, self.record.id, Wave, self.as_of)

    @strawberry.field
    def questions(self, info: Info) -> Soon[list[Question]]:
        return children(info, read.QUESTIONS_OF_SURVEY, self.record.id, Question, self.as_of)

    @strawberry.field
    def indicators(self, info: Info) -> Soon[list[Indicator]]:
        return children(info, read.INDICATORS_OF_SURVEY, self.record.id, Indicator, self.as_of)


def _survey(info: Info, survey_id: int, as_of: int | None) -> Soon[Survey]:
    return related(info, read.SURVEY_BY_ID, survey_id, Survey, as_of)


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
        return views.text_in(lang, self.record, "title")

    @strawberry.field
    def note(self, lang: LangArg = Language.NB) -> str | None:
        return views.optional_text_in(lang, self.record, "note")

    @strawberry.field
    def survey(self, info: Info) -> Soon[Survey]:
        return _survey(info, self.record.survey_id, self.as_of)

    @strawberry.field
    def source(self, info: Info) -> Soon[Source] | None:
        return _source(info, self.record.source_id)

    @strawberry.field(
        description="Shares of this wave, narrowed by `filter`, as of the root field's `asOf`."
    )
    async def shares(self, info: Info, filter: ShareFilterInput | None = None) -> list[Share]:
        return await _shares(info.context.loaders.shares_of_wave, self, filter)


@strawberry.type(description="A subject area that groups questions.")
class Topic(RecordView):
    record: strawberry.Private[records.TopicRecord]
    code: str

    @strawberry.field
    def label(self, lang: LangArg = Language.NB) -> str:
        return views.text_in(lang, self.record, "label")

    @strawberry.field
    def questions(self, info: Info) -> Soon[list[Question]]:
        return children(info, read.QUESTIONS_OF_TOPIC, self.record.id, Question, self.as_of)


@strawberry.type(description="A group of respondents; `all` is every responding municipality.")
class Segment(RecordView):
    record: strawberry.Private[records.SegmentRecord]
    code: str
    dimension: str

    @strawberry.field
    def label(self, lang: LangArg = Language.NB) -> str:
        return views.text_in(lang, self.record, "label")


@strawberry.type(description="A question asked in one or more waves.")
class Question(RecordView):
    record: strawberry.Private[records.QuestionRecord]
    code: str
    kind: QuestionKind
    position: int

    @strawberry.field
    def text(self, lang: LangArg = Language.NB) -> str:
        return views.text_in(lang, self.record, "text")

    @strawberry.field
    def note(self, lang: LangArg = Language.NB) -> str | None:
        return views.optional_text_in(lang, self.record, "note")

    @strawberry.field
    def survey(self, info: Info) -> Soon[Survey]:
        return _survey(info, self.record.survey_id, self.as_of)

    @strawberry.field
    def topic(self, info: Info) -> Soon[Topic]:
        return related(info, read.TOPIC_BY_ID, self.record.topic_id, Topic, self.as_of)

    @strawberry.field
    def options(self, info: Info) -> Soon[list[Option]]:
        return children(info, read.OPTIONS_OF_QUESTION, self.record.id, Option, self.as_of)

    @strawberry.field(description=QUESTION_WAVES)
    async def waves_with_figures(self, info: Info, segment: SegmentArg = "all") -> list[int]:
        key = (self.record.id, (ShareFilterInput.code("segment", segment), self.as_of))
        return list(await info.context.loaders.question_waves.load(key))


def _question(info: Info, question_id: int, as_of: int | None) -> Soon[Question]:
    return related(info, read.QUESTION_BY_ID, question_id, Question, as_of)


@strawberry.type(description="An answer option of a question.")
class Option(RecordView):
    record: strawberry.Private[records.OptionRecord]
    code: str
    position: int

    @strawberry.field
    def label(self, lang: LangArg = Language.NB) -> str:
        return views.text_in(lang, self.record, "label")

    @strawberry.field
    def question(self, info: Info) -> Soon[Question]:
        return _question(info, self.record.question_id, self.as_of)

    @strawberry.field(
        description="Shares of this option, narrowed by `filter`, as of the root field's `asOf`."
    )
    async def shares(self, info: Info, filter: ShareFilterInput | None = None) -> list[Share]:
        return await _shares(info.context.loaders.shares_of_option, self, filter)


@strawberry.type(
    description="Percentage of a segment choosing an option in a wave; null value: see status."
)
class Share(RecordView, FigureFields):
    record: strawberry.Private[records.ShareRecord]
    value: float | None
    base_n: int | None
    status: ShareStatus
    source_published: str | None = strawberry.field(
        description="When the source that printed this figure was published: ISO 8601 date,"
        " year-month or year; null for an undated source."
    )

    @strawberry.field(description="Where in the source the figure stands, in our words.")
    def locator(self, lang: LangArg = Language.NB) -> str | None:
        return self.record.locator_in(lang.value)

    @strawberry.field
    def note(self, lang: LangArg = Language.NB) -> str | None:
        return views.optional_text_in(lang, self.record, "note")

    @strawberry.field
    def wave(self, info: Info) -> Soon[Wave]:
        return related(info, read.WAVE_BY_ID, self.record.wave_id, Wave, self.as_of)

    @strawberry.field
    def question(self, info: Info) -> Soon[Question]:
        return _question(info, self.record.question_id, self.as_of)

    @strawberry.field
    def option(self, info: Info) -> Soon[Option]:
        return related(info, read.OPTION_BY_ID, self.record.option_id, Option, self.as_of)

    @strawberry.field
    def segment(self, info: Info) -> Soon[Segment]:
        return related(info, read.SEGMENT_BY_ID, self.record.segment_id, Segment)

    @strawberry.field
    def source(self, info: Info) -> Soon[Source]:
        return related(info, read.SOURCE_BY_ID, self.record.source_id, Source)


async def _shares(
    loader: SharesOf, parent: RecordView, filter: ShareFilterInput | None
) -> list[Share]:
    """The shares of `parent` (a wave or an option) that `filter` keeps, as of its release."""
    key = (parent.record.id, ShareFilterInput.convert(filter, as_of=parent.as_of))
    return [Share.of(item, parent.as_of) for item in await loader.load(key)]


async def _sources_by_code(info: Info, codes: tuple[str, ...]) -> list[Source]:
    found = await info.context.loaders.of(read.SOURCE_BY_CODE).load_many(list(codes))
    return [Source.of(item) for item in found if item is not None]


@strawberry.type(description="An indicator total as a source printed it, often rounded.")
class PublishedTotal(RecordView):
    record: strawberry.Private[records.PublishedTotalRecord]
    value: float
    source_published: str | None = strawberry.field(
        description="When the source that printed this total was published: ISO 8601 date,"
        " year-month or year; null for an undated source."
    )

    @strawberry.field(description="Where in the source the total stands, in our words.")
    def locator(self, lang: LangArg = Language.NB) -> str | None:
        return self.record.locator_in(lang.value)

    @strawberry.field
    def note(self, lang: LangArg = Language.NB) -> str | None:
        return views.optional_text_in(lang, self.record, "note")

    @strawberry.field
    async def source(self, info: Info) -> Source:
        return (await _sources_by_code(info, (self.record.source,)))[0]


@strawberry.type(description="One option's share in a derived value: what it was computed from.")
class SeriesPart(RecordView):
    record: strawberry.Private[records.SeriesPart]
    option: str
    value: float | None
    status: FigureStatus
    source: str | None = strawberry.field(description="The source's code; null: none reports it.")


@strawberry.type(description="An indicator's value in one wave, or why it is missing.")
class SeriesPoint(RecordView):
    record: strawberry.Private[records.SeriesPoint]
    wave: int
    value: float | None
    status: FigureStatus
    rule: str | None = strawberry.field(description="`sum`: derived from `parts`; null: a share.")
    base_n: int | None
    change: float | None = strawberry.field(description="Percentage points since `changeFrom`.")
    change_from: int | None = strawberry.field(description="The latest earlier wave with a value.")
    source_published: str | None = strawberry.field(
        description="When the newest of `sources` was published: ISO 8601 date, year-month or"
        " year; null when they are undated or there are none."
    )

    @strawberry.field
    def notes(self, lang: LangArg = Language.NB) -> list[str]:
        return list(getattr(self.record, f"notes_{lang.value}"))

    @strawberry.field
    async def sources(self, info: Info) -> list[Source]:
        return await _sources_by_code(info, self.record.sources)

    @strawberry.field(description="The options summed, when the value is derived.")
    def parts(self) -> list[SeriesPart]:
        return [SeriesPart.of(item) for item in self.record.parts] if self.record.rule else []

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
        return views.text_in(lang, self.record, "title")

    @strawberry.field
    def description(self, lang: LangArg = Language.NB) -> str:
        return views.text_in(lang, self.record, "description")

    @strawberry.field
    def survey(self, info: Info) -> Soon[Survey]:
        return _survey(info, self.record.survey_id, self.as_of)

    @strawberry.field
    def question(self, info: Info) -> Soon[Question]:
        return _question(info, self.record.question_id, self.as_of)

    @strawberry.field
    async def options(self, info: Info) -> list[Option]:
        of_question = info.context.loaders.children_of(read.OPTIONS_OF_QUESTION)
        found = await of_question.load(self.record.question_id)
        return [Option.of(item, self.as_of) for item in found if item.code in self.record.options]

    @strawberry.field(description=INDICATOR_WAVES)
    async def waves_with_figures(self, info: Info, segment: SegmentArg = "all") -> list[int]:
        key = (self.record.id, (ShareFilterInput.code("segment", segment), self.as_of))
        return list(await info.context.loaders.indicator_waves.load(key))

    async def _series(self, info: Info, segment: str) -> records.Series:
        key = (self.record.id, (ShareFilterInput.code("segment", segment), self.as_of))
        found = await info.context.loaders.series.load(key)
        assert found is not None, "every indicator has a series"
        return found

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
