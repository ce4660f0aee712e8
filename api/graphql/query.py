"""The root Query: the same lookups and filters as REST, over the same query layer.

Every root field that leads to figures takes `asOf`; it is checked here, once, and the
objects returned carry the release it names to every nested field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Concatenate, ParamSpec, TypeVar

import strawberry

from api.graphql import cost, figures
from api.graphql.context import Info
from api.graphql.figures import Node
from api.graphql.history import Release
from api.graphql.inputs import ShareFilterInput
from api.graphql.types import Indicator, Question, Segment, Share, Source, Survey, Topic, Wave
from api.graphql.updates import RemovedFigure, UpdatedAfterArg, release_after
from api.graphql.views import AsOfArg, PageInfo, RecordView, page_request, release_as_of
from models import read
from models.filters import Cursor, FigureAddress, QuestionFilter, ShareFilter, check_code
from models.read import Reader

P = ParamSpec("P")
K = TypeVar("K")
V = TypeVar("V", bound=RecordView)


def _codes(name: str, values: list[str] | None) -> tuple[str, ...]:
    return tuple(check_code(name, value) for value in values or ())


async def _listed(
    info: Info,
    release: int | None,
    view: type[V],
    fetch: Callable[Concatenate[Reader, P], Sequence[object]],
    *args: P.args,
    **kwargs: P.kwargs,
) -> list[V]:
    """What `fetch` reads, each record seen as `view` as of `release`."""
    found = await info.context.readers.run_in_thread(fetch, *args, **kwargs)
    return [view.of(item, release) for item in found]


async def _found(
    info: Info, as_of: str | None, view: type[V], get: Callable[[Reader, K], object], key: K
) -> V | None:
    """The record `key` names, as `view` as of the release `asOf` names; None: no such one."""
    release = await release_as_of(info, as_of)
    found = await info.context.readers.run_in_thread(get, key)
    return view.of(found, release) if found else None


def _cursor(share: Share) -> str:
    """Where a page ends: made only when asked for, as most queries never are."""
    item = share.record
    return Cursor((item.wave_id, item.question_id, item.option_id, item.segment_id)).encode()


def _edge_cursor(root: ShareEdge) -> str:
    return _cursor(root.node)


@strawberry.type
class ShareEdge:
    cursor: str = strawberry.field(resolver=_edge_cursor)
    node: Share


@strawberry.type(description="A page of shares, in wave, question, option and segment order.")
class ShareConnection:
    filter: strawberry.Private[ShareFilter]
    edges: list[ShareEdge]
    page_info: PageInfo
    removed: list[RemovedFigure] = strawberry.field(
        default_factory=list,
        description="With `updatedAfter`: the figures of that release removed since, in this"
        " page's part of the cell order. Empty otherwise.",
    )

    @strawberry.field(description="Shares matching the filter, over all pages.")
    async def total_count(self, info: Info) -> int:
        return await info.context.readers.run_in_thread(read.count_shares, self.filter)


async def _updates(
    info: Info, filter: ShareFilter, first: int | None, after: str | None
) -> ShareConnection:
    """A page of the shares published after `filter.updated_after`, with the tombstones of
    the figures removed since among them, as REST's `updated_after` serves."""
    page = await info.context.readers.run(
        read.list_updates, filter, page_request(info, first, after)
    )
    edges, removed = [], []
    for item in page.items:
        if isinstance(item, read.RemovedFigure):
            removed.append(RemovedFigure.of(item))
        else:
            edges.append(ShareEdge(node=Share.of(item, filter.as_of)))
    last = page.items[-1] if page.items else None
    end = Cursor(
        (last.wave_id, last.question_id, last.option_id, last.segment_id)
    ).encode() if last else None  # fmt: skip
    page_info = PageInfo(has_next_page=page.next is not None, end_cursor=end)
    return ShareConnection(filter=filter, edges=edges, page_info=page_info, removed=removed)


@strawberry.type
class Query:
    @strawberry.field
    async def surveys(self, info: Info, as_of: AsOfArg = None) -> list[Survey]:
        return await _listed(info, await release_as_of(info, as_of), Survey, read.list_surveys)

    @strawberry.field
    async def survey(self, info: Info, code: str, as_of: AsOfArg = None) -> Survey | None:
        return await _found(info, as_of, Survey, read.get_survey, code)

    @strawberry.field
    async def waves(
        self, info: Info, surveys: list[str] | None = None, as_of: AsOfArg = None
    ) -> list[Wave]:
        release = await release_as_of(info, as_of)
        return await _listed(
            info, release, Wave, read.list_waves, surveys=_codes("surveys", surveys)
        )

    @strawberry.field
    async def topics(self, info: Info, as_of: AsOfArg = None) -> list[Topic]:
        return await _listed(info, await release_as_of(info, as_of), Topic, read.list_topics)

    @strawberry.field
    async def segments(self, info: Info) -> list[Segment]:
        return await _listed(info, None, Segment, read.list_segments)

    @strawberry.field
    async def sources(self, info: Info) -> list[Source]:
        return await _listed(info, None, Source, read.list_sources)

    @strawberry.field(description="Questions whose code, text or options contain `q` (any case).")
    async def questions(
        self,
        info: Info,
        q: str | None = None,
        topics: list[str] | None = None,
        surveys: list[str] | None = None,
        as_of: AsOfArg = None,
    ) -> list[Question]:
        release = await release_as_of(info, as_of)
        filter = QuestionFilter(
            text=q or None, topics=_codes("topics", topics), surveys=_codes("surveys", surveys)
        )
        return await _listed(info, release, Question, read.list_questions, filter)

    @strawberry.field
    async def question(self, info: Info, code: str, as_of: AsOfArg = None) -> Question | None:
        return await _found(info, as_of, Question, read.get_question, code)

    @strawberry.field
    async def indicators(
        self, info: Info, surveys: list[str] | None = None, as_of: AsOfArg = None
    ) -> list[Indicator]:
        release = await release_as_of(info, as_of)
        return await _listed(
            info, release, Indicator, read.list_indicators, surveys=_codes("surveys", surveys)
        )

    @strawberry.field
    async def indicator(self, info: Info, code: str, as_of: AsOfArg = None) -> Indicator | None:
        return await _found(info, as_of, Indicator, read.get_indicator, code)

    @strawberry.field(
        description="The flat shares table, a page at a time (`first` after `after`)."
    )
    async def shares(
        self,
        info: Info,
        filter: ShareFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
        as_of: AsOfArg = None,
        updated_after: UpdatedAfterArg = None,
    ) -> ShareConnection:
        release = await release_as_of(info, as_of)
        share_filter = ShareFilterInput.convert(filter, as_of=release)
        if updated_after is not None:
            since = await release_after(info, updated_after)
            return await _updates(info, replace(share_filter, updated_after=since), first, after)
        page = await info.context.readers.run(
            read.list_shares, share_filter, page_request(info, first, after)
        )
        edges = [ShareEdge(node=Share.of(item, release)) for item in page.items]
        page_info = PageInfo(
            has_next_page=page.next is not None,
            end_cursor=_cursor(edges[-1].node) if edges else None,
        )
        return ShareConnection(filter=share_filter, edges=edges, page_info=page_info)

    @strawberry.field(
        description="The object a global `id` names (Relay's Node): a figure, as in the"
        " newest release; null when it has none."
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        found = await figures.find(info, figures.address_of(id), None)
        return None if found is None else Share.of(found)

    @strawberry.field(
        description="One figure by its codes: a survey's wave (its year), question, option and"
        " segment; null when there is none as of the release `asOf` names."
    )
    async def figure(
        self,
        info: Info,
        survey: str,
        wave: int,
        question: str,
        option: str,
        segment: str,
        as_of: AsOfArg = None,
    ) -> Share | None:
        address = FigureAddress.checked(survey, wave, question, option, segment)
        release = await release_as_of(info, as_of)
        found = await figures.find(info, address, release)
        return None if found is None else Share.of(found, release)

    @strawberry.field(description="Every release of data, newest first.")
    async def releases(self, info: Info) -> list[Release]:
        return await _listed(info, None, Release, read.list_releases)

    @strawberry.field(description="One release by its number; null when there is none.")
    async def release(self, info: Info, id: int) -> Release | None:
        return await _found(info, None, Release, read.get_release, id)

    @strawberry.field(
        description=(
            "This client's quota of requests, as this answer's RateLimit headers state it;"
            " null when no rate limit counts the request. An answer that asks for it is"
            " never kept by a cache."
        )
    )
    def rate_limit(self, info: Info, dry_run: cost.DryRunArg = False) -> cost.RateLimit | None:
        return cost.rate_limit(info)  # a dry run is applied before execution (api.graphql.limits)
