"""HTTP caching by data release: strong ETags, Last-Modified, Cache-Control and 304s.

Data changes only when a release is loaded, so an answer is fully determined by the
release, the code that renders it and the canonical request (host, path, sorted
query, the Accept header that picks a format, and whether the body may be gzipped). The
ETag is a digest of exactly that, computed before the app runs: a request whose
validators match is answered 304 without touching the query layer.

A worker learns of a new release within `release_check_seconds` (0: on every request).

A citation also names the day it was given (`accessed`), so its answers depend on the
day as well (DAILY_SUFFIXES): the day (UTC) is part of their ETag, their Last-Modified is
no earlier than that day's start, and caches may keep them only until the day ends. A
kept answer, a 304 or a proxy's copy thus never carries yesterday's `accessed`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import time
from email.utils import format_datetime, parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version

import orjson
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http import document_tokens, pinning
from api.http.header_lists import RawHeaders, value_of, with_replaced, with_vary
from api.http.response_cache import Answer, ResponseCache
from models import read
from models.faults import unavailable
from models.read import Readers
from models.read.release_clock import ReleaseClock
from models.records import ReleaseRecord

# The feed too: readers poll it, and it changes only with a release.
CACHED_PREFIXES = (
    "/api/v1", "/api/pxwebapi/v2", "/catalog", "/feed", "/charts", "/embed", "/oembed",
    "/indicators/", "/questions/",
)  # fmt: skip
# Pages and pictures are drawn from the data alone, so they are cached by release as well.
CACHED_PATHS = ("/", "/graphql")  # the front page; GraphQL queries sent by GET
GRAPHQL = "/graphql"
# Answers that name the day they are given: /api/v1/{indicators,questions}/{code}/citation,
# an indicator's metadata and zip, whose citation says when it was accessed, and the pages
# of indicators and questions, which show that citation.
DAILY_SUFFIXES = ("/citation", ".metadata.json", ".zip")
DAILY_PREFIXES = ("/indicators/", "/questions/")

try:
    CODE_VERSION = version("kommunedigi")
except PackageNotFoundError:  # running from a checkout that was never installed
    CODE_VERSION = "0"


def today() -> dt.date:
    """The day (UTC) an answer that names one is given on: a citation's `accessed`."""
    return dt.datetime.now(dt.UTC).date()


class NewestRelease:
    """The newest release by the worker's release clock, looked up when the clock says so.

    While the database is unavailable it keeps answering with the release it saw last
    (stale-if-error): validators still match, so 304s and kept answers are still served,
    and it asks again `interval` seconds later, as after an answer, so that what is kept
    is served without a wait meanwhile. A database that does not answer is waited for at
    most `database_wait_timeout` (models.read.Readers.check).
    """

    def __init__(self, readers: Readers, clock: ReleaseClock) -> None:
        self.readers = readers
        self.clock = clock

    async def current(self) -> ReleaseRecord | None:
        now, seen = time.monotonic(), self.clock.seen()
        if not self.clock.due(now):
            return seen
        try:
            release = await self.readers.check(read.current_release)
        except SQLAlchemyError as error:
            if not unavailable(error):
                return None  # no validators; the request itself will meet the failure
            if seen is not None:
                self.clock.saw(seen, now)
            return seen  # None if never seen: the request meets the outage
        self.clock.saw(release, now)
        return release


# The request headers the validators depend on, read in one pass over the raw list.
_READ = {
    b"host",
    b"accept",
    b"accept-encoding",
    b"content-type",
    b"if-none-match",
    b"if-modified-since",
}


def _request_headers(scope: Scope) -> dict[bytes, str]:
    found: dict[bytes, str] = {}
    for name, value in scope["headers"]:
        if name in _READ and name not in found:
            found[name] = value.decode("latin-1")
    return found


def etag(
    release: ReleaseRecord, scope: Scope, headers: dict[bytes, str], day: dt.date | None = None
) -> str:
    query = sorted(
        part for part in scope.get("query_string", b"").decode("latin-1").split("&") if part
    )
    gzip = "gzip" in headers.get(b"accept-encoding", "")
    key = "\n".join(
        [
            str(release.id),
            release.checksum,
            CODE_VERSION,
            headers.get(b"host", ""),  # absolute links in bodies follow the host asked for
            scope["path"],
            "&".join(query),
            headers.get(b"accept", ""),
            "gzip" if gzip else "identity",
            *([] if day is None else [day.isoformat()]),
        ]
    )
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


# What every validated answer says besides its ETag, as raw headers (names in lower case).
VARY = b"Accept, Accept-Encoding"


def _validator_headers(
    moment: dt.datetime, max_age: int, stale: str = "", cache_control: bytes | None = None
) -> tuple[tuple[bytes, bytes], ...]:
    return (
        (b"last-modified", format_datetime(moment, usegmt=True).encode()),
        (b"cache-control", cache_control or f"public, max-age={max_age}{stale}".encode()),
    )


def stale_directives(while_revalidate: int, if_error: int) -> str:
    """RFC 5861's extensions to Cache-Control, as they follow max-age (0: left out).

    A proxy then answers from what it keeps while it fetches an expired answer again, and
    while the API fails or is down: the data changes only with a release, so an answer a
    little old is still the figures as published.
    """
    found = (("stale-while-revalidate", while_revalidate), ("stale-if-error", if_error))
    return "".join(f", {name}={seconds}" for name, seconds in found if seconds)


# One release's validators, built once, sent on every answer.
_release_headers = functools.lru_cache(maxsize=8)(_validator_headers)


def _daily(release: ReleaseRecord, max_age: int, day: dt.date) -> tuple[dt.datetime, int]:
    """Last-Modified and max-age of an answer that names `day`: modified no earlier than
    the day's start, and fresh no longer than the day lasts."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
    left = start + dt.timedelta(days=1) - dt.datetime.now(dt.UTC)
    return max(release.created_at, start), max(0, min(max_age, int(left.total_seconds())))


def _matches(if_none_match: str, tag: str) -> bool:
    """RFC 9110 weak comparison, as If-None-Match requires."""
    candidates = {item.strip().removeprefix("W/") for item in if_none_match.split(",")}
    return "*" in candidates or tag in candidates


def _not_modified_since(if_modified_since: str, modified: dt.datetime) -> bool:
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as RFC 9110 says
    if since.tzinfo is None:
        return False
    return modified.replace(microsecond=0) <= since


class HTTPCaching:
    """ASGI middleware adding validators to GET answers of data, and answering 304."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        release: NewestRelease,
        max_age: int,
        cache: ResponseCache | None = None,
        graphql_max_tokens: int = 2000,
        stale: str = "",
    ) -> None:
        self.app = app
        self.release = release
        self.max_age = max_age
        self.stale = stale  # stale_directives(…); never on a daily answer, kept to its day
        self.cache = cache
        self.graphql_max_tokens = graphql_max_tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        if method == "POST" and path == GRAPHQL and self.cache is not None:
            await self._graphql_post(scope, receive, send, self.cache)
            return
        if method not in ("GET", "HEAD") or not (
            path.startswith(CACHED_PREFIXES) or path in CACHED_PATHS
        ):
            await self.app(scope, receive, send)
            return
        release = await self.release.current()
        if release is None:
            await self.app(scope, receive, send)
            return

        request_headers = _request_headers(scope)
        daily = path.endswith(DAILY_SUFFIXES) or path.startswith(DAILY_PREFIXES)
        if daily:
            day = today()
            tag = etag(release, scope, request_headers, day)
            modified, max_age = _daily(release, self.max_age, day)
            dated = _validator_headers(modified, max_age)
        else:
            tag = etag(release, scope, request_headers)
            modified = release.created_at
            pinned = pinning.pinned_to_release(scope)  # kept longer: api.http.pinning
            control = pinning.cache_control(self.max_age) if pinned else None
            dated = _release_headers(modified, self.max_age, self.stale, control)
        validators = ((b"etag", tag.encode()), *dated)
        if_none_match = request_headers.get(b"if-none-match")
        if if_none_match is not None:
            fresh = _matches(if_none_match, tag)
        else:
            if_modified_since = request_headers.get(b"if-modified-since")
            fresh = if_modified_since is not None and _not_modified_since(
                if_modified_since, modified
            )
        if fresh:
            headers = [validators[0], (b"vary", VARY), *validators[1:]]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        cache = self.cache if method == "GET" else None  # a HEAD answer has no body
        if cache is not None:
            cache.for_release(release.id)
        await _answer(self.app, scope, receive, send, cache, tag, validators, renew=daily)

    async def _graphql_post(
        self, scope: Scope, receive: Receive, send: Send, cache: ResponseCache
    ) -> None:
        """A GraphQL query sent by POST: kept like a GET, keyed by its normalised request."""
        # A body over graphql_max_query_bytes never gets here (api.http.body_limits refuses it).
        body, replay = await _read_body(receive, cache.largest)
        release = await self.release.current()
        key = _graphql_key(body, self.graphql_max_tokens) if body is not None else None
        if release is None or key is None:
            await self.app(scope, replay, send)
            return
        cache.for_release(release.id)
        headers = _request_headers(scope)
        # Keyed by the body's media type too: a body GraphQL does not take is refused (415),
        # never answered from what was kept for the same bytes sent as JSON.
        tag = etag(release, scope, headers) + key + ":" + headers.get(b"content-type", "")
        await _answer(self.app, scope, replay, send, cache, tag, ())


async def _answer(
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    send: Send,
    cache: ResponseCache | None,
    key: str,
    validators: tuple[tuple[bytes, bytes], ...],
    *,
    renew: bool = False,
) -> None:
    """Serve the kept answer for `key`, or run the app, adding `validators` (and Vary when
    there are any), and keep it. With `renew`, a kept answer is sent with `validators`
    rather than those it was kept with (a daily answer's max-age shrinks as the day ends)."""
    if cache is not None and (answer := cache.get(key)) is not None:
        # A copy: the layers outside may add headers to the ones they are sent.
        headers = with_replaced(answer.headers, validators) if renew else list(answer.headers)
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        for number, chunk in enumerate(answer.chunks, 1):
            more = number < len(answer.chunks)
            await send({"type": "http.response.body", "body": chunk, "more_body": more})
        return
    kept: list[bytes] | None = None
    start: Message = {}

    async def send_with_validators(message: Message) -> None:
        nonlocal kept, start
        if message["type"] == "http.response.start":
            headers = _validated(message, validators)
            if headers is None:  # not a 200, or no-store: neither kept nor validated
                await send(message)
                return
            message["headers"] = headers
            # A copy now: the layers outside may add headers to the ones they are sent.
            start = {"status": message["status"], "headers": list(headers)}
            kept = [] if cache is not None else None
        elif message["type"] == "http.response.body" and kept is not None and cache is not None:
            kept.append(message.get("body", b""))
            if sum(map(len, kept)) > cache.largest:
                kept = None  # too large to keep: passed through only
            elif not message.get("more_body", False):
                cache.put(key, Answer.kept(start["status"], start["headers"], kept))
        await send(message)

    await app(scope, receive, send_with_validators)


def _validated(start: Message, validators: tuple[tuple[bytes, bytes], ...]) -> RawHeaders | None:
    """The start's headers with `validators` in place of any of the same name and Vary
    naming what the ETag depends on; None for what is not kept: any status but 200, and
    an answer whose app said `no-store` (a GraphQL query stopped by its time budget)."""
    headers: RawHeaders = start.get("headers", [])
    cache_control = value_of(headers, b"cache-control") or b""
    if start["status"] != 200 or b"no-store" in cache_control:
        return None
    if not validators:
        return list(headers)
    return with_vary(with_replaced(headers, validators), VARY)  # gzip may have named one


async def _read_body(receive: Receive, limit: int) -> tuple[bytes | None, Receive]:
    """The request body if it is at most `limit` bytes, and a receive that replays it."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        size += len(message.get("body", b""))
        if size > limit or not message.get("more_body", False):
            break
    complete = size <= limit and messages[-1].get("more_body", False) is False
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")

    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return (body if complete and messages[-1]["type"] == "http.request" else None), replay


def _graphql_key(body: bytes, max_tokens: int) -> str | None:
    """The request as GraphQL sees it: the document's tokens (api.http.document_tokens), the
    variables and the operation; None for anything else, which is then passed through,
    not kept: a body that is not JSON, or nests it too deeply for orjson to read or
    write, a document with too many tokens or none at all, and a persisted query's
    (api.graphql.persisted), which must reach the app to be kept there."""
    try:
        request = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(request, dict) or not isinstance(request.get("query"), str):
        return None
    extensions = request.get("extensions")
    if isinstance(extensions, dict) and extensions.get("persistedQuery") is not None:
        return None
    document = document_tokens.key(request["query"], max_tokens=max_tokens)
    if document is None:
        return None
    try:
        normal = orjson.dumps(
            [document, request.get("variables") or {}, request.get("operationName")],
            option=orjson.OPT_SORT_KEYS,
        )
    except orjson.JSONEncodeError:
        return None
    return ":" + hashlib.sha256(normal).hexdigest()[:32]
