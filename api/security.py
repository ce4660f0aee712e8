"""Headers every answer carries so that browsers treat it as what it is."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS = {
    # A CSV or JSON answer is never run as a script or a page, whatever a browser guesses.
    "X-Content-Type-Options": "nosniff",
    # Links out of our pages tell the other site where they came from, not the query.
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
_SECURITY_RAW = [
    (name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                present = {name for name, _ in headers}
                message["headers"] = [
                    *headers,
                    *(item for item in _SECURITY_RAW if item[0] not in present),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
