"""The reader context: what every query function reads through, and its descriptions.

A `Reader` is made for one call of a query function (models.read.session makes it) and
holds everything that call reads by: the Session and the connection it is bound to (one
read snapshot on SQLite: models.read.prepared.begin_snapshot), the worker's held copy of
the descriptions, and the copy this call reads, whose `release_id` is the release it
describes. Query functions take it as their first argument, so none can be called
without one.

Lookups of descriptions read that copy. A lookup that misses asks once per call whether
a newer release exists and, if so, reads the descriptions again: a held copy that lags a
release still finds what the release added, and a code that names nothing costs one
statement.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Connection
from sqlmodel import Session

from models.filters import UnknownCode
from models.read import statements
from models.read.descriptions import DescriptionCache, Descriptions

R = TypeVar("R")
K = TypeVar("K")


@dataclass(slots=True)
class Reader:
    """One call's way to the database; only reads.

    Prepared reads run on `connection` directly, outside the Session's transaction; reads
    through the ORM run on `session`, which is bound to the same connection.
    """

    session: Session
    connection: Connection
    held: DescriptionCache | None = None  # the worker's copy; None: read per call
    described: Descriptions | None = None  # the copy this call reads, once asked for
    rechecked: bool = False  # a miss has already looked for a newer release
    # The operator's licence for every survey's data (None: each survey's own, if any):
    # survey records carry the licence statements.stated_licence gives them under it.
    licence: str | None = None

    def reset(self) -> None:
        """Ready for the next call on the same connection (reads on the event loop)."""
        self.described = None
        self.rechecked = False


def descriptions(reader: Reader) -> Descriptions:
    """The descriptions this call reads: the held copy, or read now."""
    found = reader.described
    if found is None:
        held = reader.held
        if held is None:
            found = statements.load_descriptions(reader.session, reader.licence)
        else:
            session, licence = reader.session, reader.licence
            found = held.current(
                lambda: statements.newest_release(session),
                lambda: statements.load_descriptions(session, licence),
            )
        reader.described = found
    return found


def after_miss(reader: Reader, described: Descriptions) -> Descriptions:
    """The descriptions of a newer release if there is one, else `described` itself."""
    if reader.rechecked:
        return described
    reader.rechecked = True
    if statements.newest_release_id(reader.session) == described.release_id:
        return described
    reader.described = described = statements.load_descriptions(reader.session, reader.licence)
    return described


def with_descriptions(reader: Reader, make: Callable[[Descriptions], list[R]]) -> list[R]:
    """`make(descriptions)`; again with newer descriptions if rows name what it lacks."""
    held = descriptions(reader)
    try:
        return make(held)
    except KeyError:  # a figure of a release newer than the descriptions held
        newer = after_miss(reader, held)
        if newer is held:  # this call had looked already: the release is newer still
            newer = reader.described = statements.load_descriptions(reader.session, reader.licence)
        return make(newer)


def pick(
    reader: Reader, index: Callable[[Descriptions], Mapping[K, R]], keys: Collection[K]
) -> dict[K, R]:
    """The descriptions `keys` name in `index`; keys that name nothing are left out."""
    held = descriptions(reader)
    if any(key not in index(held) for key in keys):
        held = after_miss(reader, held)
    found = index(held)
    return {key: found[key] for key in keys if key in found}


def one(reader: Reader, index: Callable[[Descriptions], Mapping[K, R]], key: K) -> R | None:
    return pick(reader, index, [key]).get(key)


def children(
    reader: Reader,
    parents: Callable[[Descriptions], Mapping[int, object]],
    index: Callable[[Descriptions], Mapping[int, tuple[R, ...]]],
    ids: Collection[int],
) -> dict[int, list[R]]:
    """Each parent's children in the held order (a parent that is not known has none)."""
    held = descriptions(reader)
    if any(id_ not in parents(held) for id_ in ids):
        held = after_miss(reader, held)
    found = index(held)
    return {id_: list(found.get(id_, ())) for id_ in ids}


def ids_of(reader: Reader, parameter: str, values: Collection[str] | Collection[int]) -> list[int]:
    """The ids `values` name as a filter `parameter`; UnknownCode for one that is not known."""
    held = descriptions(reader)
    if any(not held.ids(parameter, value) for value in values):
        held = after_miss(reader, held)
    found: list[int] = []
    for value in values:
        named = held.ids(parameter, value)
        if not named:
            raise UnknownCode(parameter, str(value), held.codes(parameter)[:50])
        found.extend(named)
    return found


def check_codes(reader: Reader, parameter: str, values: Collection[str] | Collection[int]) -> None:
    """UnknownCode for the first of `values` that names nothing as a filter `parameter`."""
    ids_of(reader, parameter, values)
