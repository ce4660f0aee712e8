"""Headers every answer carries so that browsers treat it as what it is, and the content
security policy of the GraphiQL page."""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser

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


def graphiql_policy(page: str) -> str:
    """The content security policy of the GraphiQL page `page` (GET /graphql in a
    browser), allowing exactly what it loads, all of it from this server: its scripts and
    style sheets, its one inline script by its digest, fonts and pictures embedded as data:
    URLs, its icon, and requests to this server; and framing by our own pages only.

    Styles may be inline: GraphiQL's dialogs lock scrolling by writing a <style> element
    whose text holds the scrollbar's width as measured in the browser, so no digest can
    name it beforehand (and a digest beside 'unsafe-inline' would switch it off). A page
    that loads a file from another host is refused."""
    assets = _PageAssets()
    assets.feed(page)
    elsewhere = [url for url in [*assets.scripts, *assets.style_sheets] if not _own(url)]
    if elsewhere:
        raise ValueError(f"the GraphiQL page loads from another host: {', '.join(elsewhere)}")
    inline = " ".join(f"'sha256-{_digest(text)}'" for text in assets.inline_scripts)
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' {inline}",
            "style-src 'self' 'unsafe-inline'",
            "font-src data:",
            "img-src 'self' data:",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'self'",
        ]
    )


def _own(url: str) -> bool:
    """Whether `url` is a path on this server (not `//host/...` nor `scheme:...`)."""
    return url.startswith("/") and not url.startswith("//")


def _digest(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


class _PageAssets(HTMLParser):
    """The scripts and style sheets a page loads."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)  # a digest covers the script as written
        self.scripts: list[str] = []
        self.style_sheets: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            source = attributes.get("src")
            if source:
                self.scripts.append(source)
            else:
                self._in_inline_script = True
                self.inline_scripts.append("")
        elif tag == "link" and attributes.get("rel") == "stylesheet" and attributes.get("href"):
            self.style_sheets.append(attributes["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data: str) -> None:
        if self._in_inline_script:
            self.inline_scripts[-1] += data
