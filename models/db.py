"""Engine and sessions: the only place that opens a database.

How long a database may keep its caller waiting is bounded at every level a connection
has (`Timeouts`): opening it, each statement, a transaction left idle, a network gone
silent, and (SQLite) another connection's lock. The statement and idle bounds are for
reads, and so is SQLite's short wait for a lock: a writer (an import, a migration, the
seed) is one transaction that would only be lost and started again if a clock cut it,
so each transaction on a connection not marked `for_reads` lifts them for itself.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session

from models import tables  # noqa: F401  (registers every table on SQLModel.metadata)


@dataclass(frozen=True)
class Timeouts:
    """Seconds a connection may keep its caller waiting; 0: no limit."""

    connect: int = 5  # PostgreSQL: to open a connection
    statement: int = 30  # PostgreSQL: one statement of a read
    idle: int = 60  # PostgreSQL: a read's transaction left idle
    tcp: int = 30  # PostgreSQL: the network silent (keepalives, unacknowledged sends)
    busy: float = 5.0  # SQLite: a write, for another connection's lock
    read_busy: float = 0.1  # SQLite: a read, for another connection's lock


_SQLITE_BUSY = 5  # sqlite3's error code for a lock it could not take

# On a read's connection: its transactions keep the read bounds.
_READS = "kommunedigi_reads"


@dataclass(frozen=True)
class _Made:
    timeouts: Timeouts
    unpooled: Engine  # the same database without a pool, for `ping`


_MADE: WeakKeyDictionary[Engine, _Made] = WeakKeyDictionary()


def make_engine(url: str, *, timeouts: Timeouts | None = None, **options: Any) -> Engine:
    """The one `create_engine` call: SQLite gets foreign keys and WAL; others, a checked pool.

    A URL's own query parameters (`?connect_timeout=`, `?keepalives_idle=`, `?timeout=`)
    win over `timeouts`; its `options=` are sent after ours, so its `-c` settings win too.
    """
    timeouts = timeouts or Timeouts()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if "timeout" in parsed.query:  # the URL's wait for a lock, for reads and writes alike
            given = float(str(parsed.query["timeout"]))
            timeouts = replace(timeouts, busy=given, read_busy=given)
        # A read's wait from the start: opening a connection reads the file (the pragmas).
        connect_args = {"check_same_thread": False, "timeout": timeouts.read_busy}
        engine = create_engine(url, connect_args=connect_args, **options)
        event.listen(engine, "connect", partial(_sqlite_pragmas, timeouts))
        event.listen(engine, "begin", _sqlite_writers_wait)
    else:
        postgres = parsed.get_backend_name() == "postgresql"
        connect_args = _postgres_connect_args(parsed, timeouts) if postgres else {}
        # pool_pre_ping: a connection the database dropped (a restart, an outage) is
        # replaced on checkout, so the first request after it returns is served.
        engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args, **options)
        if "options" in connect_args:
            event.listen(engine, "begin", _writers_unbounded)
    unpooled = create_engine(url, poolclass=NullPool, connect_args=connect_args)
    _MADE[engine] = _Made(timeouts, unpooled)
    return engine


def _postgres_connect_args(parsed: URL, timeouts: Timeouts) -> dict[str, Any]:
    """The client's and the server's bounds, but for those the URL sets itself."""
    found = {
        name: value
        for name, value in _postgres_client(timeouts).items()
        if name not in parsed.query
    }
    if server := _postgres_server(timeouts):
        given = parsed.query.get("options", ())
        found["options"] = " ".join([server, *([given] if isinstance(given, str) else given)])
    return found


def _postgres_client(timeouts: Timeouts) -> dict[str, Any]:
    """libpq's own bounds: on opening, and on a network that stops answering."""
    found: dict[str, Any] = {}
    if timeouts.connect:
        found["connect_timeout"] = timeouts.connect  # a host that does not answer: a quick 503
    if timeouts.tcp:
        # Keepalives find a peer gone silent while we wait for its answer; tcp_user_timeout
        # (Linux) ends a send it never acknowledges. Both give up after `tcp` seconds.
        found |= {
            "keepalives": 1,
            "keepalives_idle": max(1, timeouts.tcp // 2),
            "keepalives_interval": max(1, timeouts.tcp // 6),
            "keepalives_count": 3,
            "tcp_user_timeout": timeouts.tcp * 1000,
        }
    return found


def _postgres_server(timeouts: Timeouts) -> str:
    """The server's own bounds for reads, as startup options (empty: none)."""
    settings = {
        "statement_timeout": timeouts.statement,
        "idle_in_transaction_session_timeout": timeouts.idle,
    }
    return " ".join(f"-c {name}={seconds}s" for name, seconds in settings.items() if seconds)


_UNBOUNDED = (
    "SELECT set_config('statement_timeout', '0', true),"
    " set_config('idle_in_transaction_session_timeout', '0', true)"
)


def _writers_unbounded(connection: Connection) -> None:
    """A transaction that is not a read runs without the read bounds (until it ends)."""
    if not connection.get_execution_options().get(_READS):
        _run(connection, _UNBOUNDED)


def _sqlite_writers_wait(connection: Connection) -> None:
    """A transaction that is not a read waits for a lock as long as a write may."""
    made = _MADE.get(connection.engine)
    if made is not None and not connection.get_execution_options().get(_READS):
        _run(connection, _busy(made.timeouts.busy))


def _busy(seconds: float) -> str:
    return f"PRAGMA busy_timeout = {round(seconds * 1000)}"


def _run(connection: Connection, sql: str) -> None:
    # On the driver's cursor: inside a "begin" listener SQLAlchemy's transaction is not in
    # place yet, and a read must not begin one.
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


def for_reads(connection: Connection) -> Connection:
    """`connection`, marked as one that only reads: its transactions keep the read bounds,
    and on SQLite it waits for a lock only as long as a read may.

    On PostgreSQL its transactions are REPEATABLE READ: every statement of one read sees
    the snapshot the first one saw, so an import committed meanwhile (on the primary, or
    replayed on a replica) never gives one answer figures of two releases. (SQLite's read
    transaction does the same: models.read.prepared.begin_snapshot.)"""
    made = _MADE.get(connection.engine)
    if made is not None and connection.dialect.name == "sqlite":
        _run(connection, _busy(made.timeouts.read_busy))
    if connection.dialect.name == "postgresql":
        return connection.execution_options(isolation_level="REPEATABLE READ", **{_READS: True})
    return connection.execution_options(**{_READS: True})


def ping(engine: Engine) -> None:
    """Ask the database the simplest question on a new connection of its own: the pool's
    may all be held by reads that wait, and none of them proves the database answers."""
    made = _MADE.get(engine)
    with (made.unpooled if made else engine).connect() as connection:
        connection.exec_driver_sql("SELECT 1")


def _sqlite_pragmas(timeouts: Timeouts, dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    # WAL lets readers go on while an import writes; a memory database ignores it.
    started = time.monotonic()
    try:
        cursor.execute("PRAGMA journal_mode = WAL")
    except sqlite3.OperationalError as error:
        # Busy at once, without waiting: another connection is making the same new file
        # WAL, and SQLite lets only one of two such connections wait (both would wait
        # for ever). This one waits as a write does, then finds the file made WAL. A lock
        # held for longer (busy after the wait) is still the caller's quick error.
        at_once = time.monotonic() - started < timeouts.read_busy / 2
        if error.sqlite_errorcode != _SQLITE_BUSY or not at_once:
            raise
        cursor.execute(_busy(timeouts.busy))
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(_busy(timeouts.read_busy))
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session
