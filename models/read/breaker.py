"""Waiting for the database in a thread, within bounds, and failing fast while it is silent.

A thread blocked in a socket read cannot be stopped: when the network drops packets it
waits until TCP gives up (models.db.Timeouts.tcp). The request waiting for it can stop:

- a check (/health, the release clock) waits at most `wait` seconds, any other call at
  most `read` seconds;
- a call not answered within half of `wait` has the worker ping the database on a new
  connection (models.db.ping); a ping not answered within the other half opens the
  breaker, and every call waiting on it ends at once;
- while open, calls fail at once for `pause` seconds (the Retry-After clients are told);
  then one call pings first, and the breaker closes when the ping is answered.

Such a call ends in models.faults.NoAnswer, which every layer answers as a database that
is unavailable: a 503 with Retry-After, or the answer kept for the release seen last.
A thread left waiting gives its token back to anyio's limiter as its caller stops
(abandon_on_cancel), so it holds up no other call; the breaker keeps such threads to
the calls in flight when the silence began and one ping per pause.

A worker whose threads are starved of the CPU (many heavy reads at once) is slow, not its
database: a ping that never got a thread (every token in use), or that is late while
other calls get their answers, leaves the breaker closed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

import anyio
from sqlalchemy import Engine

from models.db import ping
from models.faults import NoAnswer

T = TypeVar("T")


class Breaker:
    """Bounds every wait for one engine's database in a thread."""

    def __init__(self, engine: Engine, *, wait: float, read: float | None, pause: float) -> None:
        self.engine = engine
        self.wait = wait
        self.read = read
        self.pause = pause
        self._open_until: float | None = None  # None: closed
        self._pinging = False
        self._answered_at = 0.0  # monotonic time of the last call the database answered
        self._waiting: set[anyio.CancelScope] = set()
        self._pings: set[asyncio.Task[bool]] = set()  # held, so that none is collected

    async def call(self, work: Callable[[], T], *, check: bool = False) -> T:
        """`work()` in a thread; NoAnswer if the database does not answer in time."""
        if self._open_until is not None:
            await self._half_open()
        bound = self.wait if check else self.read
        suspicion = asyncio.get_running_loop().call_later(self.wait / 2, self._suspect)
        with anyio.move_on_after(bound) as scope:
            self._waiting.add(scope)
            try:
                return await anyio.to_thread.run_sync(self._answered, work, abandon_on_cancel=True)
            finally:
                suspicion.cancel()
                self._waiting.discard(scope)
        if self._open_until is not None:
            raise self._silent()
        raise NoAnswer(f"no answer from the database within {bound} s")

    def _answered(self, work: Callable[[], T]) -> T:
        """`work()`, noting when it was answered (in its thread: the loop may be busy)."""
        pool = self.engine.pool
        try:
            result = work()
        finally:
            if self.engine.pool is not pool:
                # The engine was disposed while this waited (a call left waiting, answered
                # after its app shut down): the connection went back to the old pool, which
                # nothing else closes; the garbage collector would find it open.
                pool.dispose()
        self._answered_at = time.monotonic()
        return result

    def _suspect(self) -> None:
        if self._pinging or self._open_until is not None:
            return
        task = asyncio.get_running_loop().create_task(self._ping())
        self._pings.add(task)
        task.add_done_callback(self._pings.discard)

    async def _half_open(self) -> None:
        assert self._open_until is not None
        if self._pinging or time.monotonic() < self._open_until or not await self._ping():
            raise self._silent()
        self._open_until = None

    def _silent(self) -> NoAnswer:
        return NoAnswer(f"no answer from the database to a ping within {self.wait / 2} s")

    async def _ping(self) -> bool:
        """Whether the database answers (or could not be asked); opens the breaker if not."""
        self._pinging = True
        asked = time.monotonic()
        started = False

        def ask() -> None:
            nonlocal started
            started = True
            ping(self.engine)
            self._answered_at = time.monotonic()

        try:
            with anyio.move_on_after(self.wait / 2):
                await anyio.to_thread.run_sync(ask, abandon_on_cancel=True)
                return True
        except Exception:
            return True  # an answer, if an error: the calls meet it themselves
        finally:
            self._pinging = False
        if not started or self._answered_at > asked:
            return True  # a busy worker, not a silent database
        self._open_until = time.monotonic() + self.pause
        for scope in list(self._waiting):
            scope.cancel()
        return False
