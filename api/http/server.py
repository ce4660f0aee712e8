"""What `kommunedigi serve` adds to uvicorn's HTTP/1.1 protocol (httptools): limits on
the head of a request and on what slow clients may hold.

uvicorn bounds neither the size of a request's head (request line and header fields) nor
the time a client takes to send it, and its one concurrency number counts open
connections and running requests together, so connections that never finish a request
use up the slots that requests need. Here, in each worker:

- a head over `max_header_bytes`, or with more than `max_header_fields` fields, is
  answered 431 and the connection closed; the parser never gets more of a head than
  the byte limit, so no more of it is kept;
- a head not complete `header_timeout` seconds after the connection opened, or after the
  previous answer on a kept-alive connection, closes the connection (with a 408 if part
  of a head came);
- at most `max_requests` are answered at once, and a request beyond gets 503 at once;
  connections still waiting for a request are not counted;
- at most `max_connections` are open: beyond, the connection that has waited longest for
  a request is closed to make room.

The protocol reaches uvicorn as its `http` option (`protocol(limits)`).
"""

from __future__ import annotations

import asyncio
import functools
import resource
import weakref
from dataclasses import dataclass, replace
from typing import Any

import httptools
import orjson
from uvicorn._types import ASGI3Application, ASGIReceiveCallable, ASGISendCallable, Scope
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from api.problems import MEDIA_TYPE, Problem
from api.settings import Settings

# Files a worker keeps open besides its connections: database connections (SQLite opens
# three files for each thread's), the listening socket, logs.
RESERVED_FILES = 256


@dataclass(frozen=True)
class ServerLimits:
    max_connections: int
    max_requests: int
    max_header_bytes: int
    max_header_fields: int
    header_timeout: float

    @classmethod
    def from_settings(cls, settings: Settings) -> ServerLimits:
        return cls(
            max_connections=settings.max_connections,
            max_requests=settings.max_concurrency,
            max_header_bytes=settings.max_header_bytes,
            max_header_fields=settings.max_header_fields,
            header_timeout=settings.header_timeout_seconds,
        )


def fit_open_files(limits: ServerLimits) -> ServerLimits:
    """Raise this process's open-file limit (workers inherit it) so that a worker can hold
    max_connections; where the hard limit is lower, the limits with fewer connections."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = limits.max_connections + RESERVED_FILES
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return limits
    raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
        soft = raised
    except (ValueError, OSError):  # a system that caps it below the hard limit
        pass
    return replace(
        limits, max_connections=max(1, min(limits.max_connections, soft - RESERVED_FILES))
    )


def protocol(limits: ServerLimits) -> functools.partial[LimitedHttpProtocol]:
    """uvicorn's `http` option: it calls this as it would a protocol class. A partial of a
    module's class pickles, so the workers uvicorn spawns get the same limits."""
    return functools.partial(LimitedHttpProtocol, limits=limits)


class _TooManyFields(Exception):
    """Raised in a parser callback to stop the parser at a head with too many fields."""


class Waiting:
    """A server's connections waiting for a request's head, the longest waiting first,
    with one timer, for the first of them to run out of time: a timer for each request
    would cost more than all the rest of this module does."""

    def __init__(self, loop: asyncio.AbstractEventLoop, timeout: float) -> None:
        self.loop = loop
        self.timeout = timeout
        self.since: dict[LimitedHttpProtocol, float] = {}
        self.timer: asyncio.TimerHandle | None = None

    def add(self, connection: LimitedHttpProtocol) -> None:
        self.since.pop(connection, None)  # to the end of the line
        self.since[connection] = self.loop.time()
        if self.timer is None:
            self.timer = self.loop.call_later(self.timeout, self._expire)

    def discard(self, connection: LimitedHttpProtocol) -> None:
        self.since.pop(connection, None)

    def longest(self) -> LimitedHttpProtocol:
        return next(iter(self.since))

    def _expire(self) -> None:
        self.timer = None
        now = self.loop.time()
        while self.since:
            connection, since = next(iter(self.since.items()))
            if since + self.timeout > now:
                self.timer = self.loop.call_at(since + self.timeout, self._expire)
                return
            del self.since[connection]
            connection.head_timed_out()


_waiting: weakref.WeakKeyDictionary[ServerState, Waiting] = weakref.WeakKeyDictionary()


class LimitedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with the limits above."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
        *,
        limits: ServerLimits,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limits = limits
        waiting = _waiting.get(server_state)
        if waiting is None:
            waiting = _waiting[server_state] = Waiting(self.loop, limits.header_timeout)
        self.waiting = waiting
        # Bytes the head being received may still take; None while no head is expected.
        self.head_left: int | None = limits.max_header_bytes

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.waiting.add(self)
        if len(self.connections) > self.limits.max_connections:
            self.logger.warning(
                "%d connections open (max_connections): closed the one waiting longest",
                len(self.connections),
            )
            self.waiting.longest().drop()  # this one, if every other one is busy

    def connection_lost(self, exc: Exception | None) -> None:
        self.waiting.discard(self)
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        # The parser gets no more of a head than its limit: it would keep the whole head.
        while self.head_left is not None and len(data) > self.head_left:
            if self.head_left == 0:
                self._refuse(
                    431,
                    f"A request's line and header fields may take at most"
                    f" {self.limits.max_header_bytes:,} bytes (max_header_bytes).",
                )
                return
            part, data = data[: self.head_left], data[self.head_left :]
            self.head_left = 0
            self._parse(part)
            if self.transport.is_closing():
                return
        if self.head_left is not None:
            # Where a pipelined head starts inside `data`, its first bytes go uncounted.
            self.head_left -= len(data)
        self._parse(data)

    def _parse(self, data: bytes) -> None:
        """uvicorn's data_received, with a head stopped for too many fields answered 431."""
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as error:
            if isinstance(error.__context__, _TooManyFields):
                self._refuse(
                    431,
                    f"A request may send at most {self.limits.max_header_fields:,} header"
                    " fields (max_header_fields).",
                )
                return
            message = "Invalid HTTP request received."
            self.logger.warning(message)
            self.send_400_response(message)
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()

    def on_headers_complete(self) -> None:
        # Counted here rather than field by field, which would cost more: the byte limit
        # already bounds what the fields hold.
        if len(self.headers) > self.limits.max_header_fields:
            raise _TooManyFields  # stops the parser; _parse answers
        self.waiting.discard(self)
        self.head_left = None
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self.head_left = self.limits.max_header_bytes  # what follows is the next head
        super().on_message_complete()

    def _start_asgi_task(self, cycle: Any, app: ASGI3Application) -> None:
        if len(self.tasks) >= self.limits.max_requests:
            self.logger.warning("Exceeded concurrency limit.")
            app = self._busy
        super()._start_asgi_task(cycle, app)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # A pipelined request already received is answered next; otherwise wait for one.
        if not self.transport.is_closing() and self.cycle.response_complete:
            self.waiting.add(self)

    def head_timed_out(self) -> None:
        if self.head_left is None or self.head_left == self.limits.max_header_bytes:
            # Idle, or sending the rest of a body already answered: no request to answer.
            self.drop()
            return
        self._refuse(
            408,
            f"The request's line and header fields did not arrive within"
            f" {self.limits.header_timeout:g} seconds (header_timeout_seconds).",
        )

    def drop(self) -> None:
        self.waiting.discard(self)
        self.transport.close()

    def _refuse(self, status: int, detail: str) -> None:
        """Answer a head this server will not take, then close the connection."""
        client = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
        self.logger.warning("Answered %d to %s: %s", status, client, detail)
        if self.cycle is None or self.cycle.response_complete:  # no answer is being sent
            problem = Problem(status, _TITLES[status], detail, type=_TYPES[status])
            body = orjson.dumps(problem.body())
            head = [STATUS_LINE[status]]
            head += [
                name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers
            ]
            head.append(
                b"content-type: %s\r\ncontent-length: %d\r\n" % (MEDIA_TYPE.encode(), len(body))
            )
            self.transport.write(b"".join([*head, b"connection: close\r\n\r\n", body]))
        self.drop()

    async def _busy(
        self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        detail = (
            f"The server is answering {self.limits.max_requests:,} requests (max_concurrency);"
            " please retry shortly."
        )
        problem = Problem(503, "Server busy", detail, type="/problems/server-busy")
        body = orjson.dumps(problem.body())
        headers = [
            (b"content-type", MEDIA_TYPE.encode()),
            (b"content-length", b"%d" % len(body)),
            (b"retry-after", b"1"),  # requests finish in milliseconds: a slot is soon free
        ]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})


_TITLES = {408: "Request timeout", 431: "Request header fields too large"}
_TYPES = {408: "/problems/request-timeout", 431: "/problems/request-header-too-large"}
