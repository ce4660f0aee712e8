"""HTTP caching by release: validators on every GET of data, 304s, and new ETags per release."""

import httpx
import pytest

from seed.synthetic import Sizes
from tests.conftest import correct_first_synthetic_share, synthetic_app

# The defaults: five minutes fresh, a minute stale while fetched again, a day while down.
CACHE_CONTROL = "public, max-age=300, stale-while-revalidate=60, stale-if-error=86400"

pytestmark = pytest.mark.anyio

INDICATOR = "/api/v1/indicators/expected-better-quality"


async def test_get_of_data_carries_validators(client):
    response = await client.get(INDICATOR)
    assert response.status_code == 200
    assert response.headers["etag"].startswith('"') and response.headers["etag"].endswith('"')
    assert not response.headers["etag"].startswith("W/")
    assert response.headers["cache-control"] == CACHE_CONTROL
    assert response.headers["last-modified"].endswith(" GMT")
    assert "Accept" in response.headers["vary"]


async def test_matching_etag_is_304_without_body(client):
    tag = (await client.get(INDICATOR)).headers["etag"]
    response = await client.get(INDICATOR, headers={"If-None-Match": tag})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == tag
    assert response.headers["cache-control"] == CACHE_CONTROL


async def test_weak_and_listed_etags_match(client):
    tag = (await client.get(INDICATOR)).headers["etag"]
    response = await client.get(INDICATOR, headers={"If-None-Match": f'"other", W/{tag}'})
    assert response.status_code == 304


async def test_other_etag_gets_the_body(client):
    response = await client.get(INDICATOR, headers={"If-None-Match": '"not-this-one"'})
    assert response.status_code == 200
    assert response.json()["code"] == "expected-better-quality"


async def test_if_modified_since_release_time_is_304(client):
    last_modified = (await client.get(INDICATOR)).headers["last-modified"]
    response = await client.get(INDICATOR, headers={"If-Modified-Since": last_modified})
    assert response.status_code == 304
    earlier = await client.get(
        INDICATOR, headers={"If-Modified-Since": "Mon, 01 Jan 2018 00:00:00 GMT"}
    )
    assert earlier.status_code == 200


async def test_unreadable_if_modified_since_is_ignored(client):
    response = await client.get(INDICATOR, headers={"If-Modified-Since": "yesterday"})
    assert response.status_code == 200


async def test_plain_get_is_always_200(client):
    first = await client.get(INDICATOR)
    second = await client.get(INDICATOR)
    assert (first.status_code, second.status_code) == (200, 200)


async def test_etag_follows_the_canonical_request(client):
    async def tag(path, **headers):
        return (await client.get(path, headers=headers)).headers["etag"]

    a = await tag("/api/v1/shares?wave=2015&question=action-plan")
    b = await tag("/api/v1/shares?question=action-plan&wave=2015")
    c = await tag("/api/v1/shares?question=action-plan&wave=2017")
    d = await tag("/api/v1/shares?wave=2015&question=action-plan&lang=en")
    assert a == b
    assert len({a, c, d}) == 3
    assert await tag(INDICATOR, accept="application/json") != await tag(INDICATOR)


async def test_errors_and_non_data_routes_carry_no_validators(client):
    missing = await client.get("/api/v1/indicators/nope")
    health = await client.get("/health")
    assert missing.status_code == 404
    assert "etag" not in missing.headers
    assert "etag" not in health.headers


async def test_new_release_changes_every_etag(fresh_database_url):
    # Generated data, so that a release can be written here; the correction changes a
    # figure of synthetic-q1, never the list of surveys.
    app = synthetic_app(fresh_database_url, Sizes(waves=1, questions=1, options=1, segments=1))
    surveys = "/api/v1/surveys"
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            before = await client.get(surveys)
            tag = before.headers["etag"]
            assert (await client.get(surveys, headers={"If-None-Match": tag})).status_code == 304
            correct_first_synthetic_share(app.state.engine, 12.5)
            after = await client.get(surveys, headers={"If-None-Match": tag})
            assert after.status_code == 200
            assert after.headers["etag"] != tag
            assert after.json() == before.json()
    finally:
        app.state.engine.dispose()


async def test_large_answers_are_gzipped(client):
    response = await client.get(
        "/api/v1/shares", params={"limit": "100"}, headers={"Accept-Encoding": "gzip"}
    )
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.json()["data"]) == 33
    identity = await client.get(
        "/api/v1/shares", params={"limit": "100"}, headers={"Accept-Encoding": "identity"}
    )
    assert identity.headers["etag"] != response.headers["etag"]


async def test_cors_on_answers_errors_and_preflight(client):
    origin = {"Origin": "https://example.org"}
    ok = await client.get(INDICATOR, headers=origin)
    problem = await client.get("/api/v1/shares", params={"limit": "0"}, headers=origin)
    preflight = await client.options(
        "/graphql",
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, authorization",
        },
    )
    assert ok.headers["access-control-allow-origin"] == "*"
    assert {"ETag", "Link"} <= set(ok.headers["access-control-expose-headers"].split(", "))
    assert problem.status_code == 400
    assert problem.headers["access-control-allow-origin"] == "*"
    assert preflight.status_code == 200
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()


async def test_cors_on_unexpected_errors(app, broken_topics):
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/api/v1/topics", headers={"Origin": "https://example.org"})
    assert response.status_code == 500
    assert response.headers["access-control-allow-origin"] == "*"


async def test_every_data_get_documents_its_304(client):
    import yaml

    from tests.conftest import ROOT

    spec = yaml.safe_load((ROOT / "openapi" / "openapi.yaml").read_text(encoding="utf-8"))
    missing = [
        path
        for path, operations in spec["paths"].items()
        if (path.startswith("/api/v1") or path == "/catalog")
        and "get" in operations
        and "304" not in operations["get"]["responses"]
    ]
    assert missing == []
