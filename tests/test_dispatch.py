"""api.http.dispatch tries fewer routes than Starlette's Router, never other ones: every
request gets the answer it gets from the same app routed by Starlette, down to the status,
the redirect's Location and the body."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route, Router

from api.app import create_app
from api.http.dispatch import Dispatch
from api.settings import Settings
from tests.conftest import NO_RATE_LIMITS

pytestmark = pytest.mark.anyio

# A value for each path parameter: one the seed has where it matters, else any code.
EXAMPLES = {"code": "ict-contributed-quality", "survey": "kommuneundersokelsen", "wave": "2015"}


def _paths(routes: list[BaseRoute], prefix: str = "") -> Iterator[str]:
    """Every route's path with its parameters filled in, mounts walked into."""
    for route in routes:
        path = prefix + getattr(route, "path", "")
        if isinstance(route, Mount):
            yield path + "/"
            yield from _paths(list(route.routes), path)
        elif isinstance(route, Route):
            yield re.sub(r"\{(\w+)(:\w+)?\}", lambda m: EXAMPLES.get(m[1], "x"), path)


def _starlette_routed(app: Starlette) -> Starlette:
    """`app` with Starlette's Router wherever it has a Dispatch."""
    for route in app.router.routes:
        if isinstance(route, Mount) and isinstance(route.app, Dispatch):
            route.app = Router(routes=route.app.routes)
    app.router = Router(app.router.routes, lifespan=app.router.lifespan_context)
    return app


@pytest.fixture(scope="module")
def apps(database_url: str) -> Iterator[tuple[Starlette, Starlette]]:
    settings = Settings(database_url=database_url, response_cache_bytes=0, **NO_RATE_LIMITS)
    ours, theirs = create_app(settings), _starlette_routed(create_app(settings))
    yield ours, theirs
    for app in (ours, theirs):
        app.state.engine.dispose()


@pytest.fixture
async def clients(
    apps: tuple[Starlette, Starlette],
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    ours, theirs = (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        for app in apps
    )
    async with ours, theirs:
        yield ours, theirs


def _odd_paths(paths: list[str]) -> list[str]:
    """Each path with and without a trailing slash, and paths no route has."""
    odd = ["/", "//", "/api", "/api/v1", "/api/v1//shares", "/API/v1/shares", "/nowhere/x"]
    return sorted({*paths, *(p.rstrip("/") or "/" for p in paths), *(p + "/" for p in paths), *odd})


async def test_every_route_answers_as_starlette_routes_it(apps, clients):
    ours, theirs = clients
    paths = _odd_paths(list(_paths(list(apps[0].router.routes))))
    assert len(paths) > 100
    for path in paths:
        for method in ("GET", "POST", "DELETE"):
            mine = await ours.request(method, path, headers={"content-type": "text/plain"})
            other = await theirs.request(method, path, headers={"content-type": "text/plain"})
            assert (mine.status_code, mine.headers.get("location")) == (
                other.status_code,
                other.headers.get("location"),
            ), (method, path)
            if mine.status_code != 200:  # a 200 may hold a time; a refusal does not
                assert mine.content == other.content, (method, path)


async def test_a_route_found_by_its_first_segment_is_the_one_starlette_finds(clients):
    ours, _ = clients
    assert (await ours.get("/api/v1/shares", params={"limit": 1})).status_code == 200
    slash = await ours.get("/api/v1/shares/")
    assert (slash.status_code, slash.headers["location"]) == (
        307,
        "http://testserver/api/v1/shares",
    )
    assert (await ours.post("/api/v1/shares")).status_code == 405
    assert (await ours.get("/api/v1/no-such-thing")).status_code == 404
