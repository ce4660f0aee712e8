"""How a request gets a Reader and gives it back: inline on SQLite, else in a thread.

A SQLite database is a local file, and with the descriptions held in memory its reads
are short; a thread hop made the same work take about twice as long (docs/benchmarks.md).
So on SQLite `Readers.run` reads on the event loop. A server database answers over the
network, so its reads go to a worker thread, and so do reads of many rows (data files) and
GraphQL's DataLoader batches: its time budget stops a query at an await, and graphql-core
leaves coroutines behind when cancelled elsewhere (`Readers.run_in_thread`). A GraphQL
request's held descriptions and its page of shares are read as REST reads them. Reads on
the loop share one connection, Session and Reader (`_LoopReads`); a read in a thread gets
its own from the pool. Both are marked as reads (models.db.for_reads): they keep the
bounds that writers lift, and on SQLite wait for another connection's lock at most the
read busy timeout (on the loop, every request waits with it). A read in a thread is
waited for within the bounds of models.read.breaker, so that no request waits long for a
database that does not answer.

The app makes one `Readers` per engine and closes it on shutdown; a `Readers` that is
dropped without being closed gives its connection back as it is collected.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from functools import partial
from typing import Concatenate, ParamSpec, TypedDict, TypeVar

from sqlalchemy import Engine, event
from sqlmodel import Session

from models.db import for_reads
from models.read.breaker import Breaker
from models.read.context import Reader
from models.read.descriptions import DescriptionCache
from models.read.prepared import begin_snapshot
from models.read.release_clock import ReleaseClock

T = TypeVar("T")
P = ParamSpec("P")


class ReaderBounds(TypedDict):
    """How long a request waits for the database: `Readers`' bounds, from the settings."""

    wait: float
    statement: float
    pause: float


class Readers:
    """Every read of one engine's database: where it runs and how long it is waited for.

    `wait` bounds a check (/health, the release clock) and `statement` is the server's
    statement timeout (0: none), which with `wait` bounds any other read in a thread;
    `pause` is how long a silent database is not asked again. `clock`, if given, keeps
    the newest release's descriptions in memory for every read, checked for a newer release
    when that release clock looks. `licence` is the operator's licence for the data, which
    every survey record then carries (models.read.statements.stated_licence).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        wait: float,
        statement: float,
        pause: float,
        clock: ReleaseClock | None = None,
        licence: str | None = None,
    ) -> None:
        self.engine = engine
        self.licence = licence or None
        self.held = None if clock is None else DescriptionCache(clock)
        # A statement the server stops has its error back within `wait`.
        read = statement + wait if statement else None
        self.breaker = Breaker(engine, wait=wait, read=read, pause=pause)
        self._inline = engine.dialect.name == "sqlite"
        self._loop = _LoopReads(engine, self.held, self.licence)
        # Given back as the Readers goes, if it was never closed; what runs then must not
        # hold the Readers itself.
        self._finalizer = weakref.finalize(self, self._loop.release)
        event.listen(engine, "engine_disposed", self._loop.discard)

    def close(self) -> None:
        """Give back the connection the loop's reads hold (the app's shutdown calls it)."""
        self._loop.release()

    async def run(
        self, fn: Callable[Concatenate[Reader, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`fn(reader, *args, **kwargs)`: inline on SQLite, else in a worker thread."""
        if self._inline:
            # Yield once first, so that the loop takes in other requests before this one
            # holds it: under load that keeps the slowest answers closer to the median.
            await asyncio.sleep(0)
            return self._loop.read(fn, *args, **kwargs)
        return await self.run_in_thread(fn, *args, **kwargs)

    async def run_in_thread(
        self, fn: Callable[Concatenate[Reader, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`fn(reader, *args, **kwargs)` in a worker thread (a Session is never shared by
        threads), waited for within the breaker's bounds."""
        return await self.breaker.call(partial(self._in_thread, fn, *args, **kwargs))

    async def check(self, fn: Callable[[Reader], T]) -> T:
        """`fn(reader)` as `run` runs it, waiting at most `wait` for a server database: for
        /health and the release clock."""
        if self._inline:
            return await self.run(fn)
        return await self.breaker.call(partial(self._in_thread, fn), check=True)

    def _in_thread(self, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        """`fn` on a Session and a connection of its own from the pool (any thread)."""
        with for_reads(self.engine.connect()) as connection, Session(bind=connection) as session:
            if connection.dialect.name == "sqlite":
                begin_snapshot(connection)
            reader = Reader(session, connection, self.held, licence=self.licence)
            return fn(reader, *args, **kwargs)


class _LoopReads:
    """A connection, Session and Reader kept for the reads run on the event loop (SQLite).

    Those reads run one at a time and never await, so one connection, Session and Reader
    serve them all: making them and checking the connection out of the pool and back for
    each request was a tenth of the work of an uncached indicator series. Each read ends
    its read transaction and leaves the Session as new: no transaction, no objects. The
    connection is replaced when SQLAlchemy invalidates it.
    """

    def __init__(self, engine: Engine, held: DescriptionCache | None, licence: str | None) -> None:
        self.engine = engine
        self.held = held
        self.licence = licence
        self.reader: Reader | None = None

    def read(self, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        reader = self.reader
        if reader is None or reader.connection.invalidated:
            reader = self._open()
        else:
            reader.reset()
        begin_snapshot(reader.connection)
        try:
            return fn(reader, *args, **kwargs)
        finally:
            self._end(reader)

    def _open(self) -> Reader:
        self.release()
        connection = for_reads(self.engine.connect())
        self.reader = Reader(Session(bind=connection), connection, self.held, licence=self.licence)
        return self.reader

    def _end(self, reader: Reader) -> None:
        """End the read transaction, as the pool's reset on return would, and leave the
        Session as new."""
        try:
            session, connection = reader.session, reader.connection
            # Prepared reads leave the Session untouched; a read through the ORM (the
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

    def discard(self, _engine: Engine | None = None) -> None:
        """Close the connection now: its pool is gone (a disposed engine), and the file is
        then free for others, not held until the collector finds it."""
        self.release(discard=True)

    def release(self, *, discard: bool = False) -> None:
        reader, self.reader = self.reader, None
        if reader is not None:
            reader.session.close()
            if discard and not reader.connection.invalidated:
                reader.connection.invalidate()
            reader.connection.close()
