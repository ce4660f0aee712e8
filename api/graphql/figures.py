"""Figures as GraphQL objects of their own: a share's global `id`, its `history` across
releases, and the lookups that find a figure again (`node(id:)`, `figure(...)`).

A global id names a figure by codes, never by database ids: base64 of
"Figure:survey/wave/question/option/segment". It is the same in every release and every
database, so a client may keep it and ask for the figure later (Relay's Node interface).
`Share` takes its `id` and `history` from `FigureFields` here, beside the rest of what
makes a share a figure.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING

import strawberry

from api.graphql.context import Info
from api.graphql.history import FigureChange, Release
from models import read, records
from models.filters import FigureAddress, FilterError, InvalidFilter

NODE_TYPE = "Figure"


def global_id(record: records.ShareRecord | read.RemovedFigure) -> str:
    """The global id of a share's figure."""
    path = f"{record.survey}/{record.wave}/{record.question}/{record.option}/{record.segment}"
    return base64.b64encode(f"{NODE_TYPE}:{path}".encode()).decode("ascii")


def address_of(id_: str) -> FigureAddress:
    """The figure a global id names; InvalidFilter (naming `id`) for one not made here."""
    problem = InvalidFilter("id", f"id={id_[:80]!r} is not an id from this API: pass one unchanged")
    try:
        kind, _, path = base64.b64decode(id_, validate=True).decode("ascii").partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise problem from None
    parts = path.split("/")
    if kind != NODE_TYPE or len(parts) != len(FigureAddress.PARTS):
        raise problem
    try:
        return FigureAddress.checked(*parts)
    except FilterError:
        raise problem from None


async def find(info: Info, address: FigureAddress, as_of: int | None) -> records.ShareRecord | None:
    """The share at `address` as of release `as_of`; None where there is none."""
    found = await info.context.readers.run_in_thread(read.get_figure, address, as_of=as_of)
    if isinstance(found, read.NoFigure) or found.share is None:
        return None
    share = found.share
    cell = (share.wave_id, share.question_id, share.option_id, share.segment_id)
    info.context.loaders.histories.prime((cell, as_of), list(found.history))
    return share


@strawberry.interface(
    description="An object with a global `id`, by which `node(id:)` finds it again (Relay's"
    " Node). Figures (`Share`) are such objects."
)
class Node:
    @strawberry.field(
        description="Opaque, and the same in every release: give it to `node(id:)` to find"
        " the object again."
    )
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.global_id())

    def global_id(self) -> str:
        raise NotImplementedError  # each type that implements Node says how


@strawberry.type(description="A release that added, changed or removed a figure, and how.")
class FigureRevision:
    release: Release
    change: FigureChange

    @classmethod
    def of(cls, item: read.FigureRevision) -> FigureRevision:
        return cls(release=Release.of(item.release), change=FigureChange.of(item.change))


@strawberry.type
class FigureFields(Node):
    """What a share has as a figure: a global id (a Node's) and its history."""

    if TYPE_CHECKING:  # given by the view (api.graphql.views.RecordView)
        record: records.ShareRecord
        as_of: int | None

    def global_id(self) -> str:
        return global_id(self.record)

    @strawberry.field(
        description="Every release that added, changed or removed this figure, oldest first,"
        " up to the release shown (the root field's `asOf`)."
    )
    async def history(self, info: Info) -> list[FigureRevision]:
        record = self.record
        cell = (record.wave_id, record.question_id, record.option_id, record.segment_id)
        found = await info.context.loaders.histories.load((cell, self.as_of))
        return [FigureRevision.of(item) for item in found]
