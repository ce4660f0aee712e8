"""The release history in GraphQL: each release, and the figures it added, changed or removed."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from api.graphql.context import Info
from api.graphql.enums import ShareStatus
from api.graphql.views import PageInfo, RecordView, page_request
from models import records
from models.changes import Change, Figure as ChangedFigure, FigureChange as FigureChangeRecord
from models.filters import Cursor


@strawberry.enum(description="What a release did to a figure.")
class ChangeKind(Enum):
    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"


@strawberry.type(description="A figure on one side of a change: its value, or why it has none.")
class Figure:
    value: float | None
    status: ShareStatus


@strawberry.type(description="A figure a release added, changed or removed, named by its cell.")
class FigureChange:
    kind: ChangeKind
    survey: str
    wave: int
    question: str
    option: str
    segment: str
    old: Figure | None = strawberry.field(description="Null: the release added the figure.")
    new: Figure | None = strawberry.field(description="Null: the release removed the figure.")
    what_changed: list[str] = strawberry.field(
        description=(
            "Of a changed figure, the parts that changed, of value, base_n, status, source,"
            " locator and note; empty when the figure was added or removed."
        )
    )

    @classmethod
    def of(cls, record: FigureChangeRecord) -> FigureChange:
        change = Change.of_record(record)

        def figure(shown: ChangedFigure | None) -> Figure | None:
            return None if shown is None else Figure(value=shown.value, status=shown.status)

        return cls(
            kind=ChangeKind(change.kind),
            survey=change.survey,
            wave=change.wave,
            question=change.question,
            option=change.option,
            segment=change.segment,
            old=figure(change.old),
            new=figure(change.new),
            what_changed=list(change.what),
        )


@strawberry.type
class FigureChangeEdge:
    cursor: str
    node: FigureChange


@strawberry.type(description="A page of a release's changes, in wave, question, option order.")
class FigureChangeConnection:
    edges: list[FigureChangeEdge]
    page_info: PageInfo


@strawberry.type(description="One load of data; a higher id is a newer release.")
class Release(RecordView):
    record: strawberry.Private[records.ReleaseRecord]
    id: int
    created_at: dt.datetime = strawberry.field(
        description="When the release was loaded here (UTC): what an `asOf` date names; not"
        " when the figures' sources were published (their `sourcePublished`)."
    )
    message: str
    checksum: str = strawberry.field(description="SHA-256 of the package the release loaded.")
    added: int = strawberry.field(description="Figures (shares) the release added.")
    changed: int = strawberry.field(description="Figures the release gave a new value or status.")
    removed: int = strawberry.field(description="Figures the release withdrew.")

    @strawberry.field(description="The figures this release changed, a page at a time.")
    async def changes(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> FigureChangeConnection:
        key = (self.id, page_request(info, first, after))
        page = await info.context.loaders.changes.load(key)
        edges = [
            FigureChangeEdge(cursor=Cursor(item.cell).encode(), node=FigureChange.of(item))
            for item in page.items
        ]
        page_info = PageInfo(
            has_next_page=page.next is not None, end_cursor=edges[-1].cursor if edges else None
        )
        return FigureChangeConnection(edges=edges, page_info=page_info)
