"""HTTP caching of what changes only with the code: the contracts, the docs and their files.

`/openapi.json`, `/graphql/schema.graphql`, `/docs` and the files under `/docs/assets`,
`/static` and `/graphql/ide` are the same for every request until the server restarts
with other code or settings (the operator's licence is in `/openapi.json`). Data
releases do not change them, so api.http.caching's validators would be wrong here:

- the ETag is a digest of the body as rendered (before gzip, whose header holds a time)
  with its media type and whether api.http.compression will gzip it, so every worker of
  one version gives the same one; it is kept per request for the life of the process,
  so a matching If-None-Match is answered 304 without rendering. Compression names
  Accept-Encoding in Vary on every answer it may gzip; a 304 names it here;
- Last-Modified is when the process started: no code or setting it serves is newer;
- Cache-Control is the data's (`cache_max_age` and the stale directives), unless the
  app set its own (GraphiQL's files, named by version, are immutable).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from email.utils import format_datetime, parsedate_to_datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.header_lists import RawHeaders, value_of, with_replaced, with_vary

CODE_PATHS = ("/openapi.json", "/graphql/schema.graphql", "/docs")
CODE_PREFIXES = ("/docs/assets/", "/static/", "/graphql/ide/")
STARTED = dt.datetime.now(dt.UTC).replace(microsecond=0)
# Query strings are the client's to choose: the tags kept are bounded.
KEPT_TAGS = 512
VARY = b"Accept-Encoding"


def serves_code(path: str) -> bool:
    return path in CODE_PATHS or path.startswith(CODE_PREFIXES)


def _request(scope: Scope) -> tuple[str, str, str, bool]:
    """The request as a key (host, path, query, gzip) and its two conditional headers."""
    found: dict[bytes, str] = {}
    for name, value in scope["headers"]:
        if name not in found:
            found[name] = value.decode("latin-1")
    gzip = "gzip" in found.get(b"accept-encoding", "")
    key = "\n".join(
        [found.get(b"host", ""), scope["path"], scope.get("query_string", b"").decode("latin-1")]
    )
    return key, found.get(b"if-none-match", ""), found.get(b"if-modified-since", ""), gzip


def _matches(if_none_match: str, tag: str) -> bool:
    candidates = {item.strip().removeprefix("W/") for item in if_none_match.split(",")}
    return "*" in candidates or tag in candidates


def _fresh(tag: str, if_none_match: str, if_modified_since: str) -> bool:
    """RFC 9110: If-None-Match decides when sent; else If-Modified-Since."""
    if if_none_match:
        return _matches(if_none_match, tag)
    return bool(if_modified_since) and _unmodified_since(if_modified_since)


def _unmodified_since(if_modified_since: str) -> bool:
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as RFC 9110 says
    return since.tzinfo is not None and STARTED <= since


class CodeCaching:
    """ASGI middleware: validators and 304s for the answers that change only with the code."""

    def __init__(self, app: ASGIApp, *, max_age: int, gzip_minimum: int, stale: str = "") -> None:
        self.app = app
        self.gzip_minimum = gzip_minimum  # api.http.compression's minimum_size
        self.cache_control = f"public, max-age={max_age}{stale}".encode()
        # (host, path, query) and gzip: the tag and Cache-Control of the answer last given.
        self.tags: dict[tuple[str, bool], tuple[str, bytes]] = {}

    def _validators(self, tag: str) -> RawHeaders:
        return [
            (b"etag", tag.encode()),
            (b"last-modified", format_datetime(STARTED, usegmt=True).encode()),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not serves_code(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        key, if_none_match, if_modified_since, gzip = _request(scope)
        kept = self.tags.get((key, gzip))
        if kept is not None and _fresh(kept[0], if_none_match, if_modified_since):
            await self._not_modified(send, *kept)
            return
        await self._render(scope, receive, send, key, gzip, (if_none_match, if_modified_since))

    async def _not_modified(self, send: Send, tag: str, control: bytes) -> None:
        headers = with_vary([*self._validators(tag), (b"cache-control", control)], VARY)
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    async def _render(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        key: str,
        gzip: bool,
        conditions: tuple[str, str],
    ) -> None:
        """Run the app as a GET (a HEAD's tag is its GET's), hold a 200 until its body is
        complete, then send it with validators (without the body to a HEAD)."""
        head = scope["method"] == "HEAD"
        start: Message = {}
        chunks: list[bytes] = []
        passing = False

        async def hold(message: Message) -> None:
            nonlocal start, passing
            if message["type"] == "http.response.start":
                if message["status"] != 200:
                    passing = True
                    await send(message)
                    return
                start = message
                return
            if passing or message["type"] != "http.response.body":
                if not (head and message["type"] == "http.response.body"):
                    await send(message)
                elif not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            headers: RawHeaders = list(start.get("headers", []))
            media = value_of(headers, b"content-type") or b""
            gzipped = gzip and len(body) >= self.gzip_minimum
            digest = hashlib.sha256(media + b"\n" + (b"gzip" if gzipped else b"identity"))
            digest.update(body)
            tag = '"' + digest.hexdigest()[:32] + '"'
            control = value_of(headers, b"cache-control") or self.cache_control
            if len(self.tags) >= KEPT_TAGS:
                self.tags.clear()
            self.tags[(key, gzip)] = (tag, control)
            if _fresh(tag, *conditions):
                await self._not_modified(send, tag, control)
                return
            headers = with_replaced(headers, [*self._validators(tag), (b"cache-control", control)])
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": b"" if head else body})

        await self.app({**scope, "method": "GET"} if head else scope, receive, hold)
