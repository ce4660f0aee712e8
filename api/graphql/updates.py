"""Incremental harvesting in GraphQL: `shares(updatedAfter:)` and its tombstones.

The page is the one REST's `/api/v1/shares?updated_after=` serves (models.read.list_updates):
the figures published after the release, as edges, and the figures removed since, as
`removed`, both in cell order up to the page's end cursor.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.graphql.context import Info
from api.graphql.figures import global_id
from models import read
from models.filters import AsOf

UpdatedAfterArg = Annotated[
    str | None,
    strawberry.argument(
        description=(
            "Only the figures added or changed after a release, named as `asOf` names one;"
            " the figures it had that are gone since come as the connection's `removed`."
            " Applying both to the shares of that release gives the current ones."
        ),
    ),
]


@strawberry.type(
    description="A tombstone: a figure of the release `updatedAfter` names that is no longer"
    " published. Delete the share of this `id` (or these codes) from a copy."
)
class RemovedFigure:
    id: strawberry.ID
    survey: str
    wave: int
    question: str
    option: str
    segment: str
    removed: bool = True

    @classmethod
    def of(cls, record: read.RemovedFigure) -> RemovedFigure:
        return cls(
            id=strawberry.ID(global_id(record)),
            survey=record.survey,
            wave=record.wave,
            question=record.question,
            option=record.option,
            segment=record.segment,
        )


async def release_after(info: Info, updated_after: str | None) -> int | None:
    """The release `updatedAfter` names, checked against the database; None when not given."""
    if updated_after is None:
        return None
    parsed = AsOf.parse(updated_after, parameter="updatedAfter")
    readers = info.context.readers
    return await readers.run_in_thread(read.release_as_of, parsed, parameter="updatedAfter")
