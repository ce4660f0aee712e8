"""Caps on request bodies, applied before any layer reads them (413 problem beyond the cap).

A body announced larger than the cap is refused before it is read; a body sent without
Content-Length (chunked) is counted as it arrives and refused at the first byte over.
POST /api/v1/imports caps its own body (api.imports), with max_upload_bytes.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import Problem, problem_response


class _TooLarge(Exception):
    pass


def _too_large(path: str, limit: int) -> Problem:
    return Problem(
        413,
        "Payload too large",
        f"A POST to {path} may send at most {limit:,} bytes.",
        type="/problems/payload-too-large",
    )


class BodyLimits:
    def __init__(self, app: ASGIApp, *, limits: dict[str, int]) -> None:
        self.app = app
        self.limits = limits  # path: the most bytes a request to it may send

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limits.get(scope["path"]) if scope["type"] == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(scope, receive, send, limit)
            return
        size = 0
        started = False

        async def counted() -> Message:
            nonlocal size
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > limit:
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
            await _refuse(scope, receive, send, limit)


async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    request = Request(scope, receive)
    response = problem_response(_too_large(scope["path"], limit), request)
    # The rest of the body is not read: the connection closes after the answer.
    response.headers["Connection"] = "close"
    await response(scope, receive, send)
