"""How long caches may keep an answer pinned to a release.

A chart asked for `as_of=<release number>` (/charts/…?as_of=2) shows figures no later
release changes, so browsers and proxies may keep it longer than a live answer, without
asking again (`immutable`). Only the figures are fixed: titles and source descriptions are
the current ones, and a new version of the code may draw differently, so it is kept a day
rather than for good. Its ETag is that of any answer (api.http.caching), so validation is
unchanged. A widget pinned the same way is not: it says whether a newer release changed
its figures, which a new release may change. A date in `as_of` is not a pin either: a
release loaded later that day would change what it names.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.types import Scope

from models.filters import AsOf, InvalidFilter

PINNED_PREFIXES = ("/charts/",)
PINNED_MAX_AGE = 86_400  # a day: how long a re-described title may stay unseen


def pinned_to_release(scope: Scope) -> bool:
    """Whether the request asks for a chart as of a release named by its number."""
    if not scope["path"].startswith(PINNED_PREFIXES):
        return False
    query = scope.get("query_string", b"").decode("latin-1")
    values = [value for name, value in parse_qsl(query) if name == "as_of"]
    if len(values) != 1:
        return False
    try:
        return AsOf.parse(values[0]).release is not None
    except InvalidFilter:
        return False  # answered 400, never kept


def cache_control(max_age: int) -> bytes:
    """The Cache-Control of a pinned answer; none longer when the operator keeps nothing."""
    if max_age == 0:
        return b"public, max-age=0"
    return f"public, max-age={max(max_age, PINNED_MAX_AGE)}, immutable".encode()
