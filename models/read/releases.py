"""Releases: the newest, every one, one by number or by moment (`as_of`), and what each
changed.

Figures (shares and published totals) are served as of a release: the current ones by
default, or those visible in an earlier release when a filter's `as_of` names it
(`release_as_of` resolves what a reader gives; models.read.statements.visible is the one
rule). Descriptions (questions, labels, waves) have no history and are always the current
ones.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlmodel import col

from models.changes import PARTS, FigureChange
from models.filters import AsOf, Cursor, Page, PageRequest, UnknownCode
from models.read import statements
from models.read.context import Reader
from models.read.statements import RELEASE, Statement, first, group, records_of
from models.records import ReleaseRecord
from models.tables import Option, Question, Release, Segment, Share, Survey, Wave


def current_release(reader: Reader) -> ReleaseRecord | None:
    return statements.newest_release(reader.session)


def list_releases(reader: Reader) -> list[ReleaseRecord]:
    """Every release, newest first."""
    return records_of(reader.session, ReleaseRecord, RELEASE.order_by(col(Release.id).desc()))


def get_release(reader: Reader, id_: int) -> ReleaseRecord | None:
    return first(records_of(reader.session, ReleaseRecord, RELEASE.where(col(Release.id) == id_)))


def release_as_of(reader: Reader, as_of: AsOf, *, parameter: str = "as_of") -> int:
    """The number of the release `as_of` names: that release, or the newest one created at or
    before its moment. UnknownCode (naming `parameter`) when there is no such release."""
    if as_of.release is not None:
        found = reader.session.scalar(
            select(col(Release.id)).where(col(Release.id) == as_of.release)
        )
    else:
        assert as_of.moment is not None
        found = reader.session.scalar(
            select(func.max(col(Release.id))).where(col(Release.created_at) <= as_of.moment)
        )
    if found is not None:
        return found
    earliest = first(
        records_of(reader.session, ReleaseRecord, RELEASE.order_by(col(Release.id)).limit(1))
    )
    latest = current_release(reader)
    if earliest is None or latest is None:
        detail = f"{parameter}={as_of.text} names no release: no data has been published yet"
    elif as_of.release is not None:
        detail = (
            f"{parameter}={as_of.text} names no release; releases are numbered"
            f" {earliest.id} to {latest.id} (see /api/v1/releases)"
        )
    else:
        # No time of loading here: the same mistake gets the same answer on every deployment.
        detail = (
            f"{parameter}={as_of.text} is before the first release, {earliest.id}: a date in"
            f" {parameter} names the newest release loaded here by then (see /api/v1/releases),"
            " not a date a source was published; give a release number or a later date"
        )
    raise UnknownCode(parameter, as_of.text, detail=detail)


def release_served(reader: Reader, as_of: int | None) -> ReleaseRecord | None:
    """The release whose figures are shown: `as_of`, or the newest."""
    return current_release(reader) if as_of is None else get_release(reader, as_of)


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
    # Which parts of a changed figure differ, as a bit mask over PARTS (models.changes).
    differs = [
        or_(*(getattr(old, name).is_distinct_from(getattr(new, name)) for name in columns))
        for columns in PARTS.values()
    ]
    parts_changed: ColumnElement[int] = literal(0)
    for bit, part_differs in enumerate(differs):
        parts_changed = parts_changed + case((part_differs, 1 << bit), else_=0)
    rows = page.limit + 1
    added_or_changed = (
        select(
            col(new.release_id).label("release_id"),
            *(column.label(name) for column, name in zip(cell(new), _CELL, strict=True)),
            col(old.value).label("old_value"),
            col(old.status).label("old_status"),
            col(new.value).label("new_value"),
            col(new.status).label("new_status"),
            parts_changed.label("parts_changed"),
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
            cast(literal(0), Integer).label("parts_changed"),
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
    reader: Reader, release_ids: Collection[int], page: PageRequest
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
    found = group(
        records_of(reader.session, FigureChange, statement), lambda c: c.release_id, release_ids
    )
    pages: dict[int, Page[FigureChange]] = {}
    for release_id, items in found.items():
        if len(items) <= page.limit:
            pages[release_id] = Page(items, None)
        else:
            pages[release_id] = Page(items[: page.limit], Cursor(items[page.limit - 1].cell))
    return pages


def list_changes(reader: Reader, release_id: int, page: PageRequest) -> Page[FigureChange]:
    """A page of the figures release `release_id` added, changed or removed."""
    return changes_by_release(reader, [release_id], page)[release_id]
