"""Gzip for the clients that ask for it; the others pass by with only a Vary header added.

Starlette's GZipMiddleware compresses for clients that accept gzip. For the others it
still holds each response's start until the body arrives, only to add
`Vary: Accept-Encoding` to a body of `minimum_size` bytes or more (a shared cache then
knows that a gzip client would get another answer), a measurable part of an uncached
answer's time (docs/benchmarks.md). Here that header is added from Content-Length as the start
passes, with the same rule: a body of unknown length (streamed) gets it too.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import Message, Receive, Scope, Send

from api.http.header_lists import value_of, with_vary


class Compression(GZipMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _accepts_gzip(scope):
            await super().__call__(scope, receive, send)
            return
        minimum = self.minimum_size

        async def send_with_vary(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                length = value_of(headers, b"content-length")
                if (
                    (length is None or int(length) >= minimum)
                    and value_of(headers, b"content-encoding") is None
                    and message["status"] != 206
                ):
                    message["headers"] = with_vary(headers, b"Accept-Encoding")
            await send(message)

        await self.app(scope, receive, send_with_vary)


def _accepts_gzip(scope: Scope) -> bool:
    """What GZipMiddleware asks: does Accept-Encoding mention gzip?"""
    for name, value in scope["headers"]:
        if name == b"accept-encoding":
            return b"gzip" in value
    return False
