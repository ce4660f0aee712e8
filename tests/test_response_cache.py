"""The per-release response cache: same bytes as the uncached path, no query on a hit,
emptied by a new release, and never larger than its bound."""

import gc
import tracemalloc

import httpx
import pytest

from api.app import create_app
from api.cli import main
from api.settings import Settings
from tests.conftest import NO_RATE_LIMITS, count_queries

# The defaults: five minutes fresh, a minute stale while fetched again, a day while down.
CACHE_CONTROL = "public, max-age=300, stale-while-revalidate=60, stale-if-error=86400"

pytestmark = pytest.mark.anyio

PATHS = [
    "/api/v1/indicators/expected-better-quality",
    "/api/v1/indicators/expected-better-quality?lang=en",
    "/api/v1/questions/expected-effects",
    "/api/v1/shares?question=action-plan&format=csv",
    "/api/v1/questions/expected-effects/data?valueCodes[wave]=top(1)",
    "/api/v1/surveys/kommuneundersokelsen/data?format=jsonstat",
    "/catalog",
    "/charts/indicators/action-plan.svg",
    "/",
]


async def answers(app, paths, headers=None):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return [await client.get(path, headers=headers or {}) for path in paths]


@pytest.fixture
def apps(database_url):
    # Without rate limits: their headers rightly differ from one answer to the next.
    cached = create_app(Settings(database_url=database_url, **NO_RATE_LIMITS))
    uncached = create_app(
        Settings(database_url=database_url, response_cache_bytes=0, **NO_RATE_LIMITS)
    )
    yield cached, uncached
    cached.state.engine.dispose()
    uncached.state.engine.dispose()


async def test_cached_answers_are_byte_identical_to_uncached_ones(apps):
    cached, uncached = apps
    first = await answers(cached, PATHS)
    hits = await answers(cached, PATHS)
    plain = await answers(uncached, PATHS)
    for path, a, b, c in zip(PATHS, first, hits, plain, strict=True):
        assert a.status_code == b.status_code == c.status_code == 200, path
        assert a.content == b.content == c.content, path
        assert list(a.headers.items()) == list(b.headers.items()) == list(c.headers.items()), path


async def test_a_hit_runs_no_query(apps):
    cached, _ = apps
    await answers(cached, PATHS)
    with count_queries(cached.state.engine) as statements:
        await answers(cached, PATHS)
    # At most the release check, which looks at most every few seconds.
    assert [s for s in statements if "release" not in s.lower()] == []


async def test_head_and_gzip_are_not_confused_with_get(apps):
    cached, uncached = apps
    path = "/api/v1/shares?limit=100"
    await answers(cached, [path])
    gzipped = await answers(cached, [path], {"Accept-Encoding": "gzip"})
    plain = await answers(uncached, [path], {"Accept-Encoding": "gzip"})
    assert gzipped[0].headers["content-encoding"] == "gzip"
    assert gzipped[0].json() == plain[0].json()
    transport = httpx.ASGITransport(app=cached)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        head = await client.head(path)
    assert head.status_code == 200 and head.content == b""


async def test_new_release_empties_the_cache(fresh_database_url, tmp_path):
    app = create_app(Settings(database_url=fresh_database_url, release_check_seconds=0))
    path = "/api/v1/indicators/action-plan"
    before = (await answers(app, [path]))[0]
    shares = tmp_path / "shares.csv"
    shares.write_text(
        "survey,wave,question,option,segment,value,status,source\n"
        "kommuneundersokelsen,2017,action-plan,yes,all,77,published,pr17\n",
        encoding="utf-8",
    )
    assert main(["import", str(shares), "--database-url", fresh_database_url]) == 0
    after = (await answers(app, [path]))[0]
    app.state.engine.dispose()
    assert [p["value"] for p in before.json()["series"]] == [68, None, 76]
    assert [p["value"] for p in after.json()["series"]] == [68, None, 77]
    assert before.headers["etag"] != after.headers["etag"]


async def test_memory_stays_within_the_bound(database_url):
    bound = 400_000
    app = create_app(Settings(database_url=database_url, response_cache_bytes=bound))
    cache = app.state.response_cache
    paths = [f"/api/v1/shares?limit={n}" for n in range(1, 40)]
    paths += [f"/charts/indicators/action-plan.svg?width={w}" for w in range(400, 420)]
    seen = []
    transport = httpx.ASGITransport(app=app)
    # Uncompressed: answers are kept as sent, and gzipped ones would all fit.
    identity = {"Accept-Encoding": "identity"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers=identity
    ) as client:
        for path in paths:
            assert (await client.get(path)).status_code == 200
            seen.append(cache.size)
    app.state.engine.dispose()
    assert max(seen) <= bound
    assert 0 < len(cache) < len(paths)  # kept some, and let the least recent go


async def test_memory_held_stays_within_the_bound(database_url):
    # Measured by the allocator, not by the cache's own count: what kept answers really
    # hold, buffers larger than their bodies and the objects around them included.
    bound = 1_000_000
    app = create_app(
        Settings(database_url=database_url, response_cache_bytes=bound, **NO_RATE_LIMITS)
    )
    cache = app.state.response_cache
    paths = [f"/api/v1/shares?limit={n}" for n in range(1, 400)]
    identity = {"Accept-Encoding": "identity"}
    await answers(app, paths[:3], identity)  # statements, descriptions: held from here on
    cache.clear()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for response in await answers(app, paths, identity):
            assert response.status_code == 200
        del response
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        app.state.engine.dispose()
    assert 0 < len(cache) < len(paths)  # kept some, and let the least recent go
    assert held <= bound + 200_000, f"{held:,} bytes held for a bound of {bound:,}"


async def test_repeated_hits_stay_identical(apps):
    cached, uncached = apps
    path = "/api/v1/shares?format=jsonstat"
    plain = (await answers(uncached, [path]))[0]
    for _ in range(4):  # the layers outside must not change what is kept
        hit = (await answers(cached, [path]))[0]
        assert (hit.content, list(hit.headers.items())) == (
            plain.content,
            list(plain.headers.items()),
        )


QUERY = "query ($code: String!) { indicator(code: $code) { code series { wave value } } }"


async def test_graphql_get_carries_validators_and_answers_304(client):
    params = {"query": QUERY, "variables": '{"code": "action-plan"}'}
    first = await client.get("/graphql", params=params)
    assert first.status_code == 200
    assert first.headers["cache-control"] == CACHE_CONTROL
    again = await client.get(
        "/graphql", params=params, headers={"If-None-Match": first.headers["etag"]}
    )
    assert (again.status_code, again.content) == (304, b"")


async def test_graphql_post_is_kept_by_normalised_request(apps):
    cached, uncached = apps
    transport = httpx.ASGITransport(app=cached)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:

        async def post(query, code):
            body = {"query": query, "variables": {"code": code}}
            return await client.post("/graphql", json=body)

        first = await post(QUERY, "action-plan")
        with count_queries(cached.state.engine) as statements:
            spaced = await post(QUERY.replace(" {", "\n  {"), "action-plan")  # same document
        other = await post(QUERY, "expected-better-quality")
    transport = httpx.ASGITransport(app=uncached)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        plain = await client.post(
            "/graphql", json={"query": QUERY, "variables": {"code": "action-plan"}}
        )
    assert first.content == spaced.content == plain.content
    assert [s for s in statements if "release" not in s.lower()] == []
    assert other.json()["data"]["indicator"]["code"] == "expected-better-quality"
