"""What `kommunedigi serve` runs: a server that listens at once, with the app built beside.

Loading the app (SQLAlchemy and the tables, Strawberry and the schema, the adapters) takes
several times as long as starting a bare Starlette app (docs/benchmarks.md, cold start).
A server that listened only after it would refuse connections all that time. This one
listens as soon as uvicorn can, builds the app (api.app.create_app) in a thread, and hands
it every request once it is ready: a request that comes sooner waits for it, and none is
refused. /health need not wait on a SQLite file: it reads the file's newest release itself
and says what the app's /health says (tests/test_boot.py compares the two); on any other
database, or if the file cannot be read, it waits like the rest.

If the app cannot be built, the error is logged, the requests waiting get a 503 and the
process exits with status 1.

This module loads nothing the app alone needs: what it imports is what every start needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from api import probe
from api.http.outer import OUTER_LAYERS
from api.problems import Problem, problem_response
from api.responses import JSONResponse
from api.settings import Settings
from seed.snapshot import open_existing, sqlite_file, stored_moment

if TYPE_CHECKING:
    from starlette.applications import Starlette

logger = logging.getLogger("kommunedigi")

# api.rest.health's read of the release (models.read.current_release), in SQL for sqlite3.
_NEWEST_RELEASE = "SELECT id, created_at, message FROM release ORDER BY id DESC LIMIT 1"


def create() -> Boot:
    """uvicorn's factory, in each worker."""
    settings = Settings.from_environ()

    def build() -> Starlette:
        from api.app import create_app

        return create_app(settings)

    # A replica's lag only the app can tell: then /health waits for it.
    same = settings.reads_url == settings.database_url
    path = sqlite_file(settings.database_url) if same else None
    return Boot(build, health_file=path, timeout=settings.sqlite_read_busy_timeout)


def _exit_failed() -> None:
    """Exit with status 1 at once: the app never started, so a graceful shutdown would
    close nothing; and uvicorn ends one caused by a signal by dying of that signal, which
    an init system may take for a clean stop rather than a failure to restart."""
    logging.shutdown()
    os._exit(1)


class Boot:
    def __init__(
        self,
        build: Callable[[], Starlette],
        *,
        health_file: Path | None,
        timeout: float,
        stop: Callable[[], None] = _exit_failed,
    ) -> None:
        self.build = build
        self.health_file = health_file
        self.timeout = timeout
        self.stop = stop
        self.stopping = False
        self.app: Starlette | None = None
        self.ready = asyncio.Event()  # set when the app is ready or cannot be
        self.lifespan = contextlib.AsyncExitStack()  # the app's own, once it is built
        health: ASGIApp = self.health
        for layer in reversed(OUTER_LAYERS):
            health = layer.cls(health, *layer.args, **layer.kwargs)
        self.outer_health = health

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.serve_lifespan(receive, send)
            return
        if self.app is None:
            if self.health_file and _is_health_probe(scope):
                await self.outer_health(scope, receive, send)
                return
            await self.ready.wait()
        if self.app is None:
            await self.unavailable(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def health(self, scope: Scope, receive: Receive, send: Send) -> None:
        """/health from the SQLite file while the app is built; from the app if it is
        ready meanwhile or the file cannot be read."""
        assert self.health_file is not None
        try:
            release = await anyio.to_thread.run_sync(
                _newest_release, self.health_file, self.timeout
            )
        except sqlite3.Error:  # no such file, no such table, locked: the app will tell
            await self.ready.wait()
            await (self.app or self.unavailable)(scope, receive, send)
            return
        body = probe.serving(release, "primary", None)
        await JSONResponse(body, headers=probe.NO_STORE)(scope, receive, send)

    async def unavailable(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # a websocket closes unanswered
        problem = Problem(503, "Service unavailable", "The server could not start; see its log.")
        await problem_response(problem)(scope, receive, send)

    async def serve_lifespan(self, receive: Receive, send: Send) -> None:
        await receive()  # lifespan.startup
        loop = asyncio.get_running_loop()
        threading.Thread(target=self.build_in_thread, args=(loop,), daemon=True).start()
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown
        self.stopping = True
        await self.lifespan.aclose()
        await send({"type": "lifespan.shutdown.complete"})

    def build_in_thread(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            app = self.build()
        except BaseException:
            logger.exception("the app could not be built")
            with contextlib.suppress(RuntimeError):  # the server stopped meanwhile
                loop.call_soon_threadsafe(self.fail)
            return
        with contextlib.suppress(RuntimeError):
            asyncio.run_coroutine_threadsafe(self.start(app), loop)

    async def start(self, app: Starlette) -> None:
        if self.stopping:
            return  # built after a shutdown began: never started, nothing to close
        try:
            await self.lifespan.enter_async_context(app.router.lifespan_context(app))
        except BaseException:
            logger.exception("the app could not start")
            self.fail()
            return
        self.app = app
        self.ready.set()

    def fail(self) -> None:
        """Answer 503 to whoever waits, then stop (the answers are written meanwhile)."""
        self.ready.set()
        asyncio.get_running_loop().call_later(0.1, self.stop)


def _is_health_probe(scope: Scope) -> bool:
    return (
        scope["type"] == "http"
        and scope["path"] == "/health"
        and scope["method"] in ("GET", "HEAD")
    )


def _newest_release(path: Path, timeout: float) -> tuple[int, dt.datetime, str] | None:
    """The newest release in the SQLite file `path`, None when it holds none. It opens the
    file, never creates it: sqlite3.Error when there is none."""
    with closing(open_existing(path, timeout)) as db:
        row = db.execute(_NEWEST_RELEASE).fetchone()
    if row is None:
        return None
    id_, created_at, message = row
    return id_, stored_moment(created_at), message
