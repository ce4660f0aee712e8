"""Caps on request bodies, applied before any layer reads them (a 413 problem beyond the cap).

A body announced larger than the cap is refused before it is read; a body sent without
Content-Length (chunked) is counted as it arrives and refused at the first byte over. Each
capped path says in its own words what to do instead (`too_large`).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import Problem, problem_response


@dataclass(frozen=True)
class BodyCap:
    limit: int  # the most bytes a request to the path may send
    too_large: Problem  # the 413 for one that sends more


class _TooLarge(Exception):
    pass


class BodyLimits:
    def __init__(self, app: ASGIApp, *, caps: dict[str, BodyCap]) -> None:
        self.app = app
        self.caps = caps  # by path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cap = self.caps.get(scope["path"]) if scope["type"] == "http" else None
        if cap is None:
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > cap.limit:
            await _refuse(scope, receive, send, cap)
            return
        size = 0
        started = False

        async def counted() -> Message:
            nonlocal size
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > cap.limit:
                    raise _TooLarge
            return message

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except _TooLarge:
            if started:
                raise
            await _refuse(scope, receive, send, cap)


async def _refuse(scope: Scope, receive: Receive, send: Send, cap: BodyCap) -> None:
    response = problem_response(cap.too_large, Request(scope, receive))
    # The rest of the body is not read: the connection closes after the answer.
    response.headers["Connection"] = "close"
    await response(scope, receive, send)
