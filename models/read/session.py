"""Run a query-layer function with a session: inline on SQLite, else in a thread.

A SQLite database is a local file, and with the descriptions held in memory its reads
take about a millisecond; a thread hop made the same work take twice as long (an
indicator's series: 0.96 ms inline, 1.81 ms through the threadpool, in-process). So on
SQLite `run_query` reads on the event loop. A server database answers over the network,
so its reads go to the threadpool, and so do reads of many rows (data files) and
GraphQL's: its time budget stops a query at an await, and graphql-core leaves coroutines
behind when cancelled elsewhere (`run_query_in_thread`). Reads on the loop share one
connection and Session (`_LoopConnection`); a read in a thread gets its own from the pool.
Both are marked as reads (models.db.for_reads): they keep the bounds that writers lift,
and on SQLite wait for another connection's lock at most `sqlite_read_busy_timeout` (on
the loop, every request waits with it). A read in a thread is waited for within the
bounds of api.breaker, so that no request waits long for a database that does not answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, event
from sqlmodel import Session

from api.settings import Settings
from models.db import for_reads
from models.read import prepared, queries
from models.read.breaker import Breaker
from models.read.descriptions import DescriptionCache

T = TypeVar("T")

# Each app's engine and the descriptions its worker holds (create_app registers them).
_HELD: WeakKeyDictionary[Engine, DescriptionCache] = WeakKeyDictionary()


def hold_descriptions(engine: Engine, check_seconds: float) -> DescriptionCache:
    """Keep the newest release's descriptions in memory for every query on `engine`."""
    held = _HELD[engine] = DescriptionCache(check_seconds)
    return held


def bound_waits(engine: Engine, settings: Settings) -> None:
    """Bound how long a request waits for `engine`'s database (create_app calls it)."""
    wait, statement = settings.database_wait_timeout, settings.database_statement_timeout
    _BREAKERS[engine] = Breaker(
        engine,
        wait=wait,
        # A statement the server stops has its error back within `wait`.
        read=statement + wait if statement else None,
        pause=settings.retry_after_seconds,
    )


_BREAKERS: WeakKeyDictionary[Engine, Breaker] = WeakKeyDictionary()


def _breaker(engine: Engine) -> Breaker:
    if engine not in _BREAKERS:
        bound_waits(engine, Settings())
    return _BREAKERS[engine]


def _with_session(engine: Engine, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn` on a session of its own and a connection from the pool (any thread)."""
    with for_reads(engine.connect()) as connection, Session(bind=connection) as session:
        return _read(session, connection, fn, *args, **kwargs)


def _on_the_loop(engine: Engine, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn` on the session and connection the loop's reads share (SQLite)."""
    held = _LoopConnection.of(engine)
    session, connection = held.session_and_connection()
    try:
        return _read(session, connection, fn, *args, **kwargs)
    finally:
        held.end_reads()


def _read(
    session: Session, connection: Connection, fn: Callable[..., T], *args: Any, **kwargs: Any
) -> T:
    """`fn(session, ...)`; every function run here only reads.

    The session is bound to `connection`, and prepared reads run on it directly
    (models.prepared.READS_ON): one connection a request, and no Session transaction to
    begin. On SQLite its reads share one snapshot (models.prepared.begin_snapshot).
    """
    if connection.dialect.name == "sqlite":
        prepared.begin_snapshot(connection)
    session.info[prepared.READS_ON] = connection
    held = _HELD.get(connection.engine)
    if held is not None:
        session.info[queries.DESCRIPTIONS_SOURCE] = lambda: _current(held, session)
    return fn(session, *args, **kwargs)


class _LoopConnection:
    """A connection and Session kept for the reads run on the event loop (SQLite only).

    Those reads run one at a time and never await, so one connection and one Session
    serve them all: making a Connection and a Session, checking the connection out of the
    pool and back and closing the Session for each request was about 10% of the
    instructions of an uncached indicator series. Each call ends its read transaction,
    and leaves the Session as a new one: no transaction, no objects, no info. The
    connection goes back to the pool when the engine is disposed (or collected), and is
    replaced when SQLAlchemy invalidates it.
    """

    _ATTRIBUTE = "kommunedigi_loop_connection"  # on the engine: it lives as long as it

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.held: tuple[Session, Connection] | None = None
        event.listen(engine, "engine_disposed", lambda _engine: self.release(discard=True))

    @classmethod
    def of(cls, engine: Engine) -> _LoopConnection:
        found: _LoopConnection | None = engine.__dict__.get(cls._ATTRIBUTE)
        if found is None:
            found = cls(engine)
            setattr(engine, cls._ATTRIBUTE, found)
        return found

    def session_and_connection(self) -> tuple[Session, Connection]:
        if self.held is None or self.held[1].invalidated:
            self.release()
            connection = for_reads(self.engine.connect())
            self.held = (Session(bind=connection), connection)
        return self.held

    def end_reads(self) -> None:
        """End the call's read transaction, as the pool's reset on return would, and
        leave the Session as new."""
        if self.held is None:
            return
        session, connection = self.held
        try:
            session.info.clear()
            # Prepared reads leave the Session untouched; a reader through the ORM (the
            # release lookup, the catalog) leaves a transaction and maybe objects, and
            # closing the Session ends them: a new Session starts from that state.
            if session.in_transaction() or len(session.identity_map):
                session.close()
            if connection.invalidated:
                self.release()
                return
            connection.connection.rollback()
        except Exception:
            self.release()
            raise

    def release(self, *, discard: bool = False) -> None:
        held, self.held = self.held, None
        if held is not None:
            session, connection = held
            session.close()
            if discard and not connection.invalidated:
                # Its pool is gone (a disposed engine): closed now, not left open until the
                # collector finds it, so that the file is free for others.
                connection.invalidate()
            connection.close()

    def __del__(self) -> None:
        self.release()


def _current(held: DescriptionCache, session: Session) -> Any:
    return held.current(
        lambda: queries.newest_release_id(session), lambda: queries.load_descriptions(session)
    )


async def run_query(engine: Engine, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(session, *args, **kwargs)`: inline on SQLite, else in the threadpool."""
    if engine.dialect.name == "sqlite":
        # Yield once first, so that the loop takes in other requests before this one holds
        # it: under wrk -c32 that made p99 4.9x p50 rather than 12x, and 596 req/s not 428.
        await asyncio.sleep(0)
        return _on_the_loop(engine, fn, *args, **kwargs)
    return await run_query_in_thread(engine, fn, *args, **kwargs)


async def run_query_in_thread(engine: Engine, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(session, *args, **kwargs)` in the threadpool (a Session is never shared by threads)."""
    return await _breaker(engine).call(partial(_with_session, engine, fn, *args, **kwargs))


async def run_check(engine: Engine, fn: Callable[[Session], T]) -> T:
    """`fn(session)` as run_query runs it, waiting at most `database_wait_timeout` for a
    server database: for /health and the release clock."""
    if engine.dialect.name == "sqlite":
        return await run_query(engine, fn)
    return await _breaker(engine).call(partial(_with_session, engine, fn), check=True)
