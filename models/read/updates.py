"""What changed after a release: the figures since published, tombstones of those since
removed, and every change of every later release in one walk.

A harvester that holds the figures of release N gets, with `updated_after=N`, the figures
published after N (added or changed) and a tombstone for each figure visible in N that no
longer is; applying both (upsert, delete) gives the figures of today. The rule is the one
models.read.statements.visible states, asked of two releases.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select, tuple_
from sqlalchemy.orm import aliased
from sqlmodel import col

from models.changes import FigureChange
from models.filters import ChangeCursor, Cursor, Page, PageRequest, ShareFilter
from models.read.context import Reader, with_descriptions
from models.read.releases import list_changes
from models.read.shares import list_shares, share_where
from models.read.statements import visible
from models.records import ShareRecord
from models.tables import Release, Share

Cell = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class RemovedFigure:
    """A tombstone: a figure visible in the release asked about and removed since."""

    wave_id: int
    question_id: int
    option_id: int
    segment_id: int
    survey: str
    wave: int
    question: str
    option: str
    segment: str

    @property
    def cell(self) -> Cell:
        return (self.wave_id, self.question_id, self.option_id, self.segment_id)


Update = ShareRecord | RemovedFigure


def _cell_of(item: Update) -> Cell:
    return (item.wave_id, item.question_id, item.option_id, item.segment_id)


def removed_figures(reader: Reader, filter: ShareFilter, page: PageRequest) -> list[RemovedFigure]:
    """Up to `page.limit` tombstones after `page.after`, in cell order: the figures of
    `filter` visible in release `filter.updated_after` that are not visible now (or in
    `filter.as_of`) among the figures `filter` selects."""
    assert filter.updated_after is not None
    where = share_where(reader, filter)  # codes to ids; UnknownCode for an unknown one
    now = aliased(Share, name="now")
    cell = (
        col(Share.wave_id),
        col(Share.question_id),
        col(Share.option_id),
        col(Share.segment_id),
    )
    now_cell = (col(now.wave_id), col(now.question_id), col(now.option_id), col(now.segment_id))
    as_of = filter.as_of
    now_visible: ColumnElement[bool] = (
        col(now.replaced_in).is_(None)
        if as_of is None
        else and_(
            col(now.release_id) <= as_of,
            or_(col(now.replaced_in).is_(None), col(now.replaced_in) > as_of),
        )
    )
    still_there: list[ColumnElement[bool]] = [
        *(a == b for a, b in zip(now_cell, cell, strict=True)),
        now_visible,
    ]
    conditions: list[ColumnElement[bool]] = [
        visible(Share, filter.updated_after),
        col(Share.replaced_in).is_not(None),
    ]
    if as_of is not None:
        conditions.append(col(Share.replaced_in) <= as_of)
    columns: dict[str, tuple[Any, Any]] = {
        "wave_id": (col(Share.wave_id), col(now.wave_id)),
        "question_id": (col(Share.question_id), col(now.question_id)),
        "option_id": (col(Share.option_id), col(now.option_id)),
        "segment_id": (col(Share.segment_id), col(now.segment_id)),
        "status": (col(Share.status), col(now.status)),
    }
    for name, values in where.items():
        if name in columns:
            old_column, now_column = columns[name]
            conditions.append(old_column.in_(values))
            if name == "status":  # a figure that left the statuses asked for is gone too
                still_there.append(now_column.in_(values))
    if page.after is not None:
        conditions.append(tuple_(*cell) > tuple_(*page.after.key))
    statement = (
        select(*cell)
        .where(*conditions, ~exists().where(*still_there))
        .order_by(*cell)
        .limit(page.limit)
    )
    cells: list[Cell] = [tuple(row) for row in reader.session.execute(statement).all()]

    def coded(described: Any) -> list[RemovedFigure]:
        found = []
        for wave_id, question_id, option_id, segment_id in cells:
            wave = described.wave[wave_id]
            found.append(
                RemovedFigure(
                    wave_id,
                    question_id,
                    option_id,
                    segment_id,
                    wave.survey,
                    wave.year,
                    described.question[question_id].code,
                    described.option[option_id].code,
                    described.segment[segment_id].code,
                )  # fmt: skip
            )
        return found

    return with_descriptions(reader, coded)


def list_updates(reader: Reader, filter: ShareFilter, page: PageRequest) -> Page[Update]:
    """One page, in cell order, of the figures published after `filter.updated_after` and
    the tombstones of those removed since: the two read a page each and merged by cell."""
    shares = list_shares(reader, filter, page)
    removed = removed_figures(reader, filter, PageRequest(page.limit + 1, page.after))
    merged: list[Update] = sorted([*shares.items, *removed], key=_cell_of)
    more = shares.next is not None or len(removed) > page.limit
    if len(merged) <= page.limit and not more:
        return Page(merged, None)
    items = merged[: page.limit]
    return Page(items, Cursor(_cell_of(items[-1])))


@dataclass(slots=True)
class ChangesPage:
    items: list[FigureChange]
    next: ChangeCursor | None


def changes_since(
    reader: Reader, since: int, limit: int, after: ChangeCursor | None = None
) -> ChangesPage:
    """Every change of every release after `since`, in release order and, within a release,
    in cell order: a page of up to `page.limit`, and where the next one starts."""
    first = since + 1 if after is None else after.release
    releases: list[int] = [
        id_
        for id_ in reader.session.scalars(
            select(col(Release.id)).where(col(Release.id) >= first).order_by(col(Release.id))
        )
        if id_ is not None
    ]
    items: list[FigureChange] = []
    for release in releases:
        cell = after.cell if after is not None and release == after.release else None
        found = list_changes(reader, release, PageRequest(limit - len(items), cell))
        items.extend(found.items)
        if len(items) >= limit:
            more = found.next is not None or release != releases[-1]
            next = ChangeCursor(release, Cursor(items[-1].cell)) if more else None
            return ChangesPage(items, next)
    return ChangesPage(items, None)
