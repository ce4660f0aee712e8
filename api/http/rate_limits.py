"""Rate limits per client, with the quota published in RateLimit-Policy and RateLimit headers.

Two policies, so that one does not use up the other: `api` (REST, GraphQL, the pages and
charts) and `harvest` (the catalog, the feed, the bulk downloads and the contracts, which
portals fetch on a schedule). /health, /docs and static assets are not limited.

A client is its address (an IPv6 address by its /64, which one subscriber usually holds
whole), or a known API key sent as X-API-Key, which gets `key_factor` times the quota in
buckets of its own. An unknown key changes nothing: the client counts by its address, and
the policy names in the headers (`api`, not `api-key`) show that the key was not taken.

The strategy is limits' sliding window counter: two counters per client and policy, kept
in this worker (api.http.sliding_windows) or in Redis (through limits). A client may spend its
whole quota in a burst; after that, as the previous window's weight decays, requests come
back steadily rather than all at once at a window's edge, much like a token bucket
refilling. A failing store (Redis down) lets requests through by default: open data is
better served unlimited than not served. With `rate_limit_store_failure=closed` they are
answered 503 with Retry-After instead, for an operator whose backends must never take
load unlimited. Either way it is logged, and never a 500.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import ipaddress
import logging
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import orjson
from limits import RateLimitItem
from limits.aio.storage import RedisStorage
from limits.errors import StorageError
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.path_memo import per_path
from api.http.sliding_windows import SlidingWindows
from api.problems import MEDIA_TYPE
from api.settings import ENV_PREFIX, Settings, parse_rate_limit

if TYPE_CHECKING:
    import coredis

logger = logging.getLogger("kommunedigi")

API_KEY_HEADER = "X-API-Key"

# Fetched on a schedule by portals and harvesters: the catalog and what it points to.
HARVEST_PATHS = ("/catalog", "/feed", "/openapi.json", "/graphql/schema.graphql")
# Downloads, each `head` + a code + `tail`: a survey's and a question's data, and an
# indicator's files (api.rest.downloads).
HARVEST_DOWNLOADS = (
    ("/api/v1/surveys/", "/data"),
    ("/api/v1/questions/", "/data"),
    ("/api/v1/indicators/", ".csv"),
    ("/api/v1/indicators/", ".metadata.json"),
    ("/api/v1/indicators/", ".zip"),
)
UNLIMITED_PATHS = ("/health", "/docs")
UNLIMITED_PREFIXES = ("/docs/", "/static/", "/graphql/ide/")


@dataclass(frozen=True)
class Policy:
    name: str
    item: RateLimitItem

    @functools.cached_property
    def quota(self) -> int:
        return self.item.amount

    @functools.cached_property
    def window(self) -> int:
        return self.item.get_expiry()

    @functools.cached_property
    def header(self) -> tuple[bytes, bytes]:
        """RateLimit-Policy, the same on every answer under this policy."""
        return (b"ratelimit-policy", f'"{self.name}";q={self.quota};w={self.window}'.encode())


@per_path
def policy_kind(path: str) -> str | None:
    """'harvest', 'api', or None for what is not limited."""
    if path in UNLIMITED_PATHS or path.startswith(UNLIMITED_PREFIXES):
        return None
    if path in HARVEST_PATHS or any(
        _download(path, head, tail) for head, tail in HARVEST_DOWNLOADS
    ):
        return "harvest"
    return "api"


def _download(path: str, head: str, tail: str) -> bool:
    """Whether `path` is `head`, one path segment (a code) and `tail`."""
    if not (path.startswith(head) and path.endswith(tail)):
        return False
    code = path[len(head) : len(path) - len(tail)]
    return bool(code) and "/" not in code


def client_address(scope: Scope) -> str:
    """The peer (uvicorn puts the forwarded address here when it trusts the proxy)."""
    client = scope.get("client")
    return _client_of(client[0] if client else "")


@functools.lru_cache(maxsize=4096)  # parsing an address costs much of a cached answer's time
def _client_of(host: str) -> str:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    policy: Policy
    remaining: int
    reset: int  # seconds until the whole quota is available again
    retry_after: int  # seconds until the next request is accepted (when not allowed)

    def headers(self) -> list[tuple[bytes, bytes]]:
        state = f'"{self.policy.name}";r={self.remaining};t={self.reset}'
        return [self.policy.header, (b"ratelimit", state.encode())]


# Where a request's verdict waits for the app (GraphQL's `rateLimit`): the ASGI scope's
# state, read and written only through the two functions below.
_VERDICT = "kommunedigi.rate_limit"


def keep_verdict(scope: Scope, verdict: Verdict) -> None:
    scope.setdefault("state", {})[_VERDICT] = verdict


def verdict_of(scope: Scope) -> Verdict | None:
    """What the RateLimit headers of this request's answer say; None when no limit
    counted it (limits off, a path not limited, or a store that failed)."""
    verdict = scope.get("state", {}).get(_VERDICT)
    return verdict if isinstance(verdict, Verdict) else None


def _verdict(allowed: bool, policy: Policy, window: tuple[int, float, int, float]) -> Verdict:
    """Remaining quota and waits from the sliding window's counters.

    `previous` requests weigh `previous_ttl / w` now (the part of the current window still
    ahead); `current` counts in full until its window rolls over, `current_ttl - w` from now.
    """
    previous, previous_ttl, current, current_ttl = window
    quota, w = policy.quota, policy.window
    weighted = previous * previous_ttl / w + current
    remaining = max(0, quota - math.floor(weighted))
    rollover = max(0.0, current_ttl - w)
    if current < quota and previous:
        # Allowed again once floor(previous * ttl / w) + current < quota.
        wait = previous_ttl - (quota - current) * w / previous
    elif current >= quota:
        # Only after the roll, once the old count's weight has fallen below the quota.
        wait = rollover + w - quota * w / current
    else:
        wait = 0.0
    reset = rollover + w if current else previous_ttl
    return Verdict(
        allowed,
        policy,
        remaining,
        reset=math.ceil(reset),
        retry_after=max(1, math.ceil(wait + 0.001)),  # just past the edge, where it is free
    )


class RateLimiter:
    """The policies in force and the store of counters, built from settings."""

    def __init__(self, settings: Settings) -> None:
        self.policies: dict[str, Policy] = {}
        for kind, text in (
            ("api", settings.rate_limit_api), ("harvest", settings.rate_limit_harvest)
        ):  # fmt: skip
            if (item := parse_rate_limit(text)) is not None:
                self.policies[kind] = Policy(kind, item)
        self.key_factor = settings.rate_limit_key_factor
        self.key_hashes = frozenset(settings.api_key_digests)
        self.fail_open = settings.rate_limit_store_failure == "open"
        self.retry_after = settings.retry_after_seconds
        self.storage, self._pool = _storage(settings.rate_limit_storage)

    async def close(self) -> None:
        if self._pool is not None:
            self._pool.disconnect()
            await asyncio.sleep(0)  # the sockets close on the loop's next turn

    def keyed(self, policy: Policy) -> Policy:
        item = type(policy.item)(policy.quota * self.key_factor, policy.item.multiples)
        return Policy(f"{policy.name}-key", item)

    def policy_and_client(self, scope: Scope) -> tuple[Policy, str] | None:
        kind = policy_kind(scope["path"])
        policy = self.policies.get(kind) if kind else None
        if policy is None:
            return None
        key = Headers(scope=scope).get(API_KEY_HEADER) if self.key_hashes else None
        if key:
            # Digests are compared, never keys; a set lookup tells nothing about a key.
            digest = hashlib.sha256(key.strip().encode()).hexdigest()
            if digest in self.key_hashes:
                return self.keyed(policy), f"key:{digest}"
        return policy, f"ip:{client_address(scope)}"

    async def hit(self, policy: Policy, client: str) -> Verdict:
        if isinstance(self.storage, SlidingWindows):
            key = f"{policy.name}/{client}"
            allowed, window = self.storage.acquire(key, policy.quota, policy.window)
            return _verdict(allowed, policy, window)
        # What limits' SlidingWindowCounterRateLimiter.hit does, with the key built once.
        key = policy.item.key_for(policy.name, client)
        allowed = await self.storage.acquire_sliding_window_entry(key, policy.quota, policy.window)
        return _verdict(allowed, policy, await self.storage.get_sliding_window(key, policy.window))


def _storage(uri: str) -> tuple[SlidingWindows | RedisStorage, coredis.ConnectionPool | None]:
    """memory:// (counted in this worker) or redis://host:port (several workers share it,
    through limits' async storage).

    Redis connections come from a pool of our own, so that they can be closed at shutdown.
    """
    name = f"{ENV_PREFIX}RATE_LIMIT_STORAGE"
    scheme = uri.split("://", 1)[0]
    if scheme not in ("memory", "redis", "rediss", "redis+unix"):
        raise ValueError(f"{name} must be memory:// or a redis:// URL, not {scheme!r}")
    if scheme == "memory":
        return SlidingWindows(), None
    import coredis  # only with Redis: it takes longer to import than the rest of start-up

    try:
        pool = coredis.ConnectionPool.from_url(uri.replace("redis+unix://", "unix://", 1))
    except ValueError as error:
        raise ValueError(f"{name} is not a Redis URL that can be used: {error}") from None
    # limits documents connection_pool, though its options are typed as plain values.
    storage = RedisStorage(f"async+{uri}", connection_pool=pool, wrap_exceptions=True)  # type: ignore[arg-type]
    return storage, pool


def too_many_requests(verdict: Verdict, scope: Scope) -> tuple[Message, Message]:
    policy = verdict.policy
    seconds = "second" if verdict.retry_after == 1 else "seconds"
    body = {
        "type": "/problems/rate-limited",
        "title": "Too many requests",
        "status": 429,
        "detail": (
            f"This client has made more than {policy.quota} requests in {policy.window} seconds"
            f" under the {policy.name!r} policy; retry in {verdict.retry_after} {seconds}."
        ),
    }
    if instance := scope.get("raw_path", b"").decode("latin-1"):
        body["instance"] = instance  # the path as sent, as in every problem
    content = orjson.dumps(body)
    headers = [
        (b"content-type", MEDIA_TYPE.encode()),
        (b"content-length", str(len(content)).encode()),
        (b"retry-after", str(verdict.retry_after).encode()),
        *verdict.headers(),
    ]
    start: Message = {"type": "http.response.start", "status": 429, "headers": headers}
    return start, {"type": "http.response.body", "body": content}


def store_failed(retry_after: int, scope: Scope) -> tuple[Message, Message]:
    """The 503 of a request not counted because the store failed, limits failing closed."""
    body = {
        "type": "/problems/rate-limits-unavailable",
        "title": "Rate limits unavailable",
        "status": 503,
        "detail": f"Requests cannot be counted just now; retry in {retry_after} seconds.",
    }
    if instance := scope.get("raw_path", b"").decode("latin-1"):
        body["instance"] = instance
    content = orjson.dumps(body)
    headers = [
        (b"content-type", MEDIA_TYPE.encode()),
        (b"content-length", str(len(content)).encode()),
        (b"retry-after", str(retry_after).encode()),
    ]
    start: Message = {"type": "http.response.start", "status": 503, "headers": headers}
    return start, {"type": "http.response.body", "body": content}


class RateLimits:
    """ASGI middleware: counts every request of a limited path, cached answers included."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter | None) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.limiter is None or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        found = self.limiter.policy_and_client(scope)
        if found is None:
            await self.app(scope, receive, send)
            return
        try:
            verdict = await self.limiter.hit(*found)
        except StorageError as error:
            if self.limiter.fail_open:
                logger.warning("rate limits not applied: the store failed: %s", error.storage_error)
                await self.app(scope, receive, send)
                return
            logger.error("request refused: the rate limits' store failed: %s", error.storage_error)
            for message in store_failed(self.limiter.retry_after, scope):
                await send(message)
            return
        if not verdict.allowed:
            for message in too_many_requests(verdict, scope):
                await send(message)
            return
        keep_verdict(scope, verdict)

        async def send_with_quota(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *verdict.headers()]
            await send(message)

        await self.app(scope, receive, send_with_quota)
