"""Reads built and compiled once per shape, then run on a cursor of the database driver.

The figures are read on every request, and SQLAlchemy's work per statement cost more than
the database's: SQL compiled once and run on the driver's cursor takes a fraction of the
time of Session.execute (docs/benchmarks.md). `_fetch` keeps what SQLAlchemy adds there
that matters: engine listeners see each statement, driver errors are raised as
SQLAlchemy's (which `models.faults` classifies) and a connection the database dropped is
discarded.

A shape is what the statement depends on: the caller's key, the parameters' names and the
length of each list parameter. A list of n values is bound as n parameters (`one_of`):
SQLAlchemy's expanding parameters are rendered per execution, which is the work this
module saves. Values are passed as the driver takes them (ints, floats, plain strings),
and rows come back as the driver gives them (tuples, no type conversion).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, ClauseElement, ColumnElement, bindparam, false
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler

from models.read.context import Reader

# A bound on the shapes kept: clients choose how many codes they filter by, and each
# count is a shape. Past it the cache starts again (compiling a shape costs a few reads).
MOST_SHAPES = 4096


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # every parameter, in the order a positional driver takes them
    fixed: dict[str, Any]  # values the statement binds itself (an OFFSET 0, say)
    positional: bool


_COMPILED: dict[Hashable, _Compiled] = {}


def one_of(column: Any, name: str, count: int) -> ColumnElement[bool]:
    """`column IN (...)` with one parameter per value of the list parameter `name`; false
    for an empty list (SQLAlchemy would render an empty IN at run time, not compiled once)."""
    if count == 0:
        return false()
    values: list[BindParameter[Any]] = [bindparam(f"{name}_{index}") for index in range(count)]
    condition: ColumnElement[bool] = column.in_(values)
    return condition


def rows(
    reader: Reader,
    key: Hashable,
    build: Callable[[], ClauseElement],
    params: Mapping[str, Any],
) -> Sequence[Any]:
    """The rows (tuples) of the statement `build()` gives for `params`.

    `build` is called once per shape, so the statement it returns must depend only on
    `key` and on the parameters' names and list lengths, never on their values.
    """
    # Straight on the reader's connection, outside the Session's transaction: beginning and
    # ending that transaction cost more than these reads, which need none (SQLite and
    # PostgreSQL each read one statement's snapshot, or the reader's on SQLite).
    connection = reader.connection
    dialect = connection.dialect
    shape = (dialect.name, key, *(_length(name, value) for name, value in params.items()))
    compiled = _COMPILED.get(shape)
    if compiled is None:
        if len(_COMPILED) >= MOST_SHAPES:
            _COMPILED.clear()
        compiled = _COMPILED[shape] = _compile(build(), dialect)
    values = dict(compiled.fixed)
    for name, value in params.items():
        if isinstance(value, list):
            values.update((f"{name}_{index}", item) for index, item in enumerate(value))
        else:
            values[name] = value
    args = tuple(values[name] for name in compiled.names) if compiled.positional else values
    return _fetch(connection, compiled.sql, args)


def begin_snapshot(connection: Connection) -> None:
    """On SQLite, begin a read transaction on `connection`: its reads until the caller's
    rollback (the pool's reset on return, or the end of a call on the event loop,
    models.read.session) see one
    snapshot of the database.

    Without it each statement is a transaction of its own: an import committed between two
    reads of a request could give it figures of two releases, and SQLite takes and drops
    its file locks for each statement (two fcntl calls and a stat, which under load cost
    more than reading a few rows). DEFERRED: no lock is taken until the first read.
    """
    _fetch(connection, "BEGIN DEFERRED", (), announce=False)


def _fetch(connection: Connection, sql: str, args: Any, *, announce: bool = True) -> Sequence[Any]:
    """Every row of `sql` from a cursor of the connection's driver; a driver error is raised
    as SQLAlchemy's, and a connection the database dropped is discarded, as SQLAlchemy does.
    A statement that reads no data is not `announce`d to the engine's listeners."""
    dbapi_connection = connection.connection
    cursor = dbapi_connection.cursor()
    # Listeners on the engine (statement logs, tracing, the tests' statement counts) see
    # these statements as they see SQLAlchemy's own.
    events = connection.dispatch if announce else None
    try:
        if events is not None and events.before_cursor_execute:
            events.before_cursor_execute(connection, cursor, sql, args, None, False)
        cursor.execute(sql, args)
        if events is not None and events.after_cursor_execute:
            events.after_cursor_execute(connection, cursor, sql, args, None, False)
        found: Sequence[Any] = cursor.fetchall()
    except connection.dialect.loaded_dbapi.Error as error:
        dropped = connection.dialect.is_disconnect(error, dbapi_connection, cursor)
        if dropped:
            connection.invalidate(error)
        raise DBAPIError.instance(
            sql, args, error, connection.dialect.loaded_dbapi.Error,
            connection_invalidated=dropped, dialect=connection.dialect,
        ) from error  # fmt: skip
    finally:
        cursor.close()
    return found


def _length(name: str, value: object) -> tuple[str, int | None]:
    return (name, len(value) if isinstance(value, list) else None)


def _compile(statement: ClauseElement, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)  # a SELECT compiles to SQL
    sql = str(compiled)
    if "POSTCOMPILE" in sql:
        raise ValueError("an expanding parameter cannot be compiled once; use one_of")
    binds = compiled.binds.items()
    fixed = {name: bind.effective_value for name, bind in binds if not bind.required}
    names = tuple(compiled.positiontup or compiled.binds)
    return _Compiled(sql, names, fixed, positional=compiled.positional)
