"""The root Query: the same lookups and filters as REST, over the same query layer."""

from __future__ import annotations

import strawberry

from api.graphql.inputs import ShareFilterInput
from api.graphql.types import (
    Indicator,
    Info,
    Question,
    Segment,
    Share,
    Source,
    Survey,
    Topic,
    Wave,
)
from api.querying import run_query
from models import queries
from models.filters import Cursor, PageRequest, QuestionFilter, ShareFilter, check_code


def _codes(name: str, values: list[str] | None) -> tuple[str, ...]:
    return tuple(check_code(name, value) for value in values or ())


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class ShareEdge:
    cursor: str
    node: Share


@strawberry.type(description="A page of shares, in wave, question, option and segment order.")
class ShareConnection:
    filter: strawberry.Private[ShareFilter]
    edges: list[ShareEdge]
    page_info: PageInfo

    @strawberry.field(description="Shares matching the filter, over all pages.")
    async def total_count(self, info: Info) -> int:
        return await run_query(info.context.engine, queries.count_shares, self.filter)


@strawberry.type
class Query:
    @strawberry.field
    async def surveys(self, info: Info) -> list[Survey]:
        return [
            Survey.of(item) for item in await run_query(info.context.engine, queries.list_surveys)
        ]

    @strawberry.field
    async def survey(self, info: Info, code: str) -> Survey | None:
        found = await run_query(info.context.engine, queries.get_survey, code)
        return Survey.of(found) if found else None

    @strawberry.field
    async def waves(self, info: Info, surveys: list[str] | None = None) -> list[Wave]:
        found = await run_query(
            info.context.engine, queries.list_waves, surveys=_codes("surveys", surveys)
        )
        return [Wave.of(item) for item in found]

    @strawberry.field
    async def topics(self, info: Info) -> list[Topic]:
        return [
            Topic.of(item) for item in await run_query(info.context.engine, queries.list_topics)
        ]

    @strawberry.field
    async def segments(self, info: Info) -> list[Segment]:
        found = await run_query(info.context.engine, queries.list_segments)
        return [Segment.of(item) for item in found]

    @strawberry.field
    async def sources(self, info: Info) -> list[Source]:
        found = await run_query(info.context.engine, queries.list_sources)
        return [Source.of(item) for item in found]

    @strawberry.field(description="Questions whose code, text or options contain `q` (any case).")
    async def questions(
        self,
        info: Info,
        q: str | None = None,
        topics: list[str] | None = None,
        surveys: list[str] | None = None,
    ) -> list[Question]:
        filter = QuestionFilter(
            text=q or None, topics=_codes("topics", topics), surveys=_codes("surveys", surveys)
        )
        found = await run_query(info.context.engine, queries.list_questions, filter)
        return [Question.of(item) for item in found]

    @strawberry.field
    async def question(self, info: Info, code: str) -> Question | None:
        found = await run_query(info.context.engine, queries.get_question, code)
        return Question.of(found) if found else None

    @strawberry.field
    async def indicators(self, info: Info, surveys: list[str] | None = None) -> list[Indicator]:
        found = await run_query(
            info.context.engine, queries.list_indicators, surveys=_codes("surveys", surveys)
        )
        return [Indicator.of(item) for item in found]

    @strawberry.field
    async def indicator(self, info: Info, code: str) -> Indicator | None:
        found = await run_query(info.context.engine, queries.get_indicator, code)
        return Indicator.of(found) if found else None

    @strawberry.field(
        description="The flat shares table, a page at a time (`first` after `after`)."
    )
    async def shares(
        self,
        info: Info,
        filter: ShareFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ShareConnection:
        settings = info.context.settings
        share_filter = ShareFilterInput.convert(filter)
        page_request = PageRequest.checked(
            settings.default_page_size if first is None else first,
            Cursor.decode(after, parameter="after") if after is not None else None,
            maximum=settings.max_page_size,
            parameter="first",
        )
        page = await run_query(info.context.engine, queries.list_shares, share_filter, page_request)
        edges = [
            ShareEdge(
                cursor=Cursor((i.wave_id, i.question_id, i.option_id, i.segment_id)).encode(),
                node=Share.of(i),
            )
            for i in page.items
        ]
        page_info = PageInfo(
            has_next_page=page.next is not None, end_cursor=edges[-1].cursor if edges else None
        )
        return ShareConnection(filter=share_filter, edges=edges, page_info=page_info)
