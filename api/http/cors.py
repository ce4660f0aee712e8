"""CORS for open data: Starlette's middleware, with a shorter path for simple requests.

Any page may read our answers (`allow_origins=["*"]`, no credentials). Starlette's
middleware builds a Headers object for every request and a MutableHeaders for every
answer; here a request that is not OPTIONS gets the simple headers
(Access-Control-Allow-Origin: *, Access-Control-Expose-Headers) added to the raw list,
whether it sends an Origin or not. The answer is then the same for every origin and for
none, so it says no `Vary: Origin`: a shared cache keeps one copy, not one per origin,
and a copy kept for a harvester without Origin still opens to a page. Preflights go to
Starlette's own code.
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.header_lists import with_replaced


class OpenCORS(CORSMiddleware):
    """Every origin may read answers, sending `allow_headers` and reading `expose_headers`."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        allow_methods: Collection[str],
        allow_headers: Collection[str],
        expose_headers: Collection[str],
        max_age: int,
    ) -> None:
        super().__init__(
            app,
            allow_origins=["*"],
            allow_methods=allow_methods,
            allow_headers=allow_headers,
            expose_headers=expose_headers,
            max_age=max_age,
        )
        self.simple = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in self.simple_headers.items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "OPTIONS":
            await super().__call__(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_replaced(message.get("headers", []), self.simple)
            await send(message)

        await self.app(scope, receive, send_with_cors)
