"""Rate limits: a burst from one client is answered 429 while others are still served."""

import hashlib
import logging
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from api.app import create_app
from api.settings import Settings
from tests.network_helpers import free_port, served

pytestmark = pytest.mark.anyio

REDIS_URL_VARIABLE = "KOMMUNEDIGI_TEST_REDIS_URL"
KEY = "a key for a data portal"
KEY_DIGEST = hashlib.sha256(KEY.encode()).hexdigest()


@asynccontextmanager
async def client_at(
    app: Starlette, address: str = "203.0.113.7"
) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def limited(database_url: str) -> AsyncIterator[Callable[..., Starlette]]:
    """Builds apps with small limits; each has its own counters (memory://)."""
    apps: list[Starlette] = []

    def make(**settings: object) -> Starlette:
        defaults: dict[str, object] = {
            "rate_limit_api": "3/minute",
            "rate_limit_harvest": "2/minute",
        }
        app = create_app(Settings(database_url=database_url, **{**defaults, **settings}))  # type: ignore[arg-type]
        apps.append(app)
        return app

    yield make
    for app in apps:
        await app.state.rate_limiter.close()
        app.state.engine.dispose()


async def test_a_burst_is_refused_while_another_client_is_served(limited):
    app = limited()
    async with client_at(app, "203.0.113.7") as first, client_at(app, "198.51.100.9") as second:
        statuses = [(await first.get("/api/v1/topics")).status_code for _ in range(5)]
        other = await second.get("/api/v1/topics")
    assert statuses == [200, 200, 200, 429, 429]
    assert other.status_code == 200
    assert other.headers["ratelimit"].startswith('"api";r=2;')


async def test_every_limited_answer_carries_the_policy_and_what_remains(limited):
    app = limited()
    async with client_at(app) as client:
        answers = [await client.get("/api/v1/surveys") for _ in range(3)]
    for answer, remaining in zip(answers, (2, 1, 0), strict=True):
        assert answer.headers["ratelimit-policy"] == '"api";q=3;w=60'
        state = answer.headers["ratelimit"]
        assert state.startswith(f'"api";r={remaining};t=')
        assert 0 < int(state.rpartition("t=")[2]) <= 120  # whole again within two windows


async def test_429_is_a_problem_saying_when_to_retry(limited):
    app = limited()
    async with client_at(app) as client:
        for _ in range(3):
            await client.get("/api/v1/topics")
        refused = await client.get(
            "/api/v1/topics?lang=en", headers={"Origin": "https://a.example"}
        )
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    retry_after = int(refused.headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert refused.json() == {
        "type": "/problems/rate-limited",
        "title": "Too many requests",
        "status": 429,
        "detail": "This client has made more than 3 requests in 60 seconds under the 'api'"
        f" policy; retry in {retry_after} second{'s' if retry_after > 1 else ''}.",
        "instance": "/api/v1/topics",
    }
    assert refused.headers["ratelimit-policy"] == '"api";q=3;w=60'
    assert refused.headers["ratelimit"].startswith('"api";r=0;t=')
    # Browsers can read it, and it is marked like every other answer.
    assert refused.headers["access-control-allow-origin"] == "*"
    assert "Retry-After" in refused.headers["access-control-expose-headers"]
    assert refused.headers["x-content-type-options"] == "nosniff"


async def test_kept_answers_and_304s_count_too(limited):
    app = limited()
    async with client_at(app) as client:
        first = await client.get("/api/v1/indicators")
        again = await client.get("/api/v1/indicators")  # from the response cache
        revalidated = await client.get(
            "/api/v1/indicators", headers={"If-None-Match": first.headers["etag"]}
        )
        refused = await client.get(
            "/api/v1/indicators", headers={"If-None-Match": first.headers["etag"]}
        )
    assert [first.status_code, again.status_code, revalidated.status_code] == [200, 200, 304]
    assert refused.status_code == 429


async def test_harvesting_is_not_starved_by_an_api_burst(limited):
    app = limited()
    async with client_at(app) as client:
        while (await client.get("/api/v1/shares")).status_code != 429:
            pass
        catalog = await client.get("/catalog")
        download = await client.get("/api/v1/surveys/kommuneundersokelsen/data")
        refused = await client.get("/feed")
    assert catalog.status_code == download.status_code == 200
    assert catalog.headers["ratelimit-policy"] == '"harvest";q=2;w=60'
    assert download.headers["ratelimit"].startswith('"harvest";r=0;')
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith(
        "This client has made more than 2 requests in 60 seconds under the 'harvest' policy"
    )


@pytest.mark.parametrize(
    ("path", "policy"),
    [
        ("/api/v1/questions/action-plan/data", "harvest"),
        ("/api/v1/indicators/action-plan.csv", "harvest"),
        ("/api/v1/indicators/action-plan.metadata.json", "harvest"),
        ("/api/v1/indicators/action-plan.zip?as_of=1", "harvest"),
        ("/api/v1/indicators/action-plan.pdf", "api"),
        ("/openapi.json", "harvest"),
        ("/graphql/schema.graphql", "harvest"),
        ("/api/v1/questions/action-plan", "api"),
        ("/api/v1/config", "api"),
        ("/graphql?query={surveys{code}}", "api"),
        ("/charts/indicators/action-plan.vl.json", "api"),
        ("/api/v1/no-such-thing", "api"),
        ("/docs-and-more", "api"),
        ("/api/v1/surveys/kommuneundersokelsen/data/more", "api"),
        # Paths too long to be kept in api.http.path_memo are decided the same way.
        ("/api/v1/indicators/" + "x" * 3000 + ".csv", "harvest"),
        ("/api/v1/" + "y" * 3000, "api"),
    ],
)
async def test_each_path_counts_under_its_policy(limited, path, policy):
    async with client_at(limited()) as client:
        answer = await client.get(path)
    assert answer.headers["ratelimit-policy"].startswith(f'"{policy}";')


async def test_health_docs_and_assets_are_not_limited(limited):
    app = limited(rate_limit_api="1/minute")
    async with client_at(app) as client:
        await client.get("/api/v1/topics")
        assert (await client.get("/api/v1/topics")).status_code == 429
        for path in (
            "/health",
            "/docs",
            "/docs/assets/swagger-ui.css",
            "/static/site.css",
            "/graphql/ide/graphiql-3.8.3/graphiql.min.css",
        ):
            answers = [await client.get(path) for _ in range(3)]
            assert [a.status_code for a in answers] == [200] * 3, path
            assert "ratelimit" not in answers[-1].headers, path


async def test_a_known_api_key_has_its_own_larger_quota(limited):
    app = limited(rate_limit_api="2/minute", api_key_hashes=KEY_DIGEST, rate_limit_key_factor=3)
    async with client_at(app) as client:
        for _ in range(2):
            await client.get("/api/v1/topics")
        assert (await client.get("/api/v1/topics")).status_code == 429
        keyed = [await client.get("/api/v1/topics", headers={"X-API-Key": KEY}) for _ in range(7)]
    assert [a.status_code for a in keyed] == [200] * 6 + [429]
    assert keyed[0].headers["ratelimit-policy"] == '"api-key";q=6;w=60'
    assert keyed[0].headers["ratelimit"].startswith('"api-key";r=5;')


async def test_an_unknown_api_key_counts_as_its_address(limited):
    app = limited(rate_limit_api="2/minute", api_key_hashes=KEY_DIGEST)
    async with client_at(app) as client:
        answers = [
            await client.get("/api/v1/topics", headers={"X-API-Key": f"guess {n}"})
            for n in range(3)
        ]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[0].headers["ratelimit-policy"] == '"api";q=2;w=60'


async def test_ipv6_clients_count_by_their_64_prefix(limited):
    app = limited(rate_limit_api="1/minute")
    async with (
        client_at(app, "2001:db8:1:2::10") as one,
        client_at(app, "2001:db8:1:2::99") as same,
    ):
        assert (await one.get("/api/v1/topics")).status_code == 200
        assert (await same.get("/api/v1/topics")).status_code == 429
    async with client_at(app, "2001:db8:1:3::10") as other:
        assert (await other.get("/api/v1/topics")).status_code == 200


async def test_no_limit_when_turned_off(limited):
    app = limited(rate_limit_api="", rate_limit_harvest="0")
    async with client_at(app) as client:
        answers = [await client.get("/api/v1/topics") for _ in range(10)]
        catalog = await client.get("/catalog")
    assert {a.status_code for a in answers} == {200}
    assert "ratelimit" not in answers[-1].headers
    assert "ratelimit" not in catalog.headers


async def test_the_limits_are_published_in_config(limited):
    app = limited(rate_limit_api="600/minute", rate_limit_harvest="100/10 seconds")
    async with client_at(app) as client:
        answer = await client.get("/api/v1/config")
        index = await client.get("/api/v1/")
    assert answer.status_code == 200
    assert answer.json() == {
        "default_page_size": 100,
        "max_page_size": 1000,
        "max_cells": 10000,
        "max_upload_bytes": 50000000,
        "cache_max_age": 300,
        "database_wait_seconds": 1.5,
        "request_head": {
            "max_header_bytes": 65536,
            "max_header_fields": 100,
            "header_timeout_seconds": 10.0,
        },
        "rate_limits": {
            "policies": [
                {
                    "name": "api",
                    "quota": 600,
                    "window_seconds": 60,
                    "applies_to": "every other path",
                },
                {
                    "name": "harvest",
                    "quota": 100,
                    "window_seconds": 10,
                    "applies_to": [
                        "/catalog",
                        "/feed",
                        "/openapi.json",
                        "/graphql/schema.graphql",
                        "/api/v1/surveys/{code}/data",
                        "/api/v1/questions/{code}/data",
                        "/api/v1/indicators/{code}.csv",
                        "/api/v1/indicators/{code}.metadata.json",
                        "/api/v1/indicators/{code}.zip",
                    ],
                },
            ],
            "api_key_header": "X-API-Key",
            "api_key_factor": 10,
        },
        "graphql": {
            "max_page_size": 1000,
            "max_query_bytes": 20000,
            "max_tokens": 2000,
            "max_depth": 10,
            "max_aliases": 30,
            "max_cost": 50000,
            "max_field_comparisons": 5000,
            "timeout_seconds": 10.0,
        },
        "imports": {
            "max_upload_bytes": 50000000,
            "max_unpacked_bytes": 100000000,
            "max_files": 50,
            "max_rows": 1000000,
            "max_line_bytes": 65536,
            "wait_seconds": 30.0,
        },
    }
    assert index.json()["links"]["config"] == "http://testserver/api/v1/config"


async def test_config_lists_no_policy_when_limits_are_off(client):
    answer = await client.get("/api/v1/config")
    assert answer.json()["rate_limits"]["policies"] == []


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"rate_limit_api": "lots"}, "KOMMUNEDIGI_RATE_LIMIT_API must be a count per period"),
        ({"rate_limit_harvest": "0/minute"}, "KOMMUNEDIGI_RATE_LIMIT_HARVEST must be a count"),
        ({"rate_limit_api": "1/second;10/minute"}, "KOMMUNEDIGI_RATE_LIMIT_API must be a count"),
        ({"rate_limit_key_factor": 0}, "KOMMUNEDIGI_RATE_LIMIT_KEY_FACTOR must be at least 1"),
        ({"api_key_hashes": "secret"}, "KOMMUNEDIGI_API_KEY_HASHES must hold SHA-256 hex digests"),
    ],
)
def test_bad_settings_stop_start_up_with_the_variable_named(settings, message):
    with pytest.raises(ValueError, match=message):
        Settings(**settings)


def test_settings_read_limits_from_the_environment():
    settings = Settings.from_environ(
        {"KOMMUNEDIGI_RATE_LIMIT_API": "50/minute", "KOMMUNEDIGI_RATE_LIMIT_HARVEST": ""}
    )
    assert (settings.rate_limit_api, settings.rate_limit_harvest) == ("50/minute", "")


def test_an_unknown_store_stops_start_up(database_url):
    with pytest.raises(ValueError, match="KOMMUNEDIGI_RATE_LIMIT_STORAGE must be memory:// or"):
        create_app(Settings(database_url=database_url, rate_limit_storage="memcached://x:1"))


async def test_an_unreachable_store_lets_requests_through(limited, caplog):
    # Nothing listens on port 1: the store fails, and the request is served unlimited.
    app = limited(rate_limit_storage="redis://127.0.0.1:1")
    with caplog.at_level(logging.WARNING, logger="kommunedigi"):
        async with client_at(app) as client:
            answer = await client.get("/api/v1/topics")
    assert answer.status_code == 200
    assert "ratelimit" not in answer.headers
    assert "rate limits not applied: the store failed" in caplog.text


async def test_an_unreachable_store_refuses_requests_when_set_to_fail_closed(limited, caplog):
    app = limited(rate_limit_storage="redis://127.0.0.1:1", rate_limit_store_failure="closed")
    with caplog.at_level(logging.WARNING, logger="kommunedigi"):
        async with client_at(app) as client:
            refused = await client.get("/api/v1/topics")
            unlimited = await client.get("/health")
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == str(app.state.settings.retry_after_seconds)
    assert refused.json()["type"] == "/problems/rate-limits-unavailable"
    assert unlimited.status_code == 200  # what is never limited is never refused
    assert "request refused: the rate limits' store failed" in caplog.text


@pytest.fixture
def own_redis() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A redis-server of this test's own, on a free port, that the test may stop."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("redis-server is missing (CI=true requires it)", pytrace=False)
        pytest.skip("redis-server is missing")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}", server
    server.kill()
    server.wait()


@pytest.mark.parametrize(("failure", "status"), [("open", 200), ("closed", 503)])
async def test_redis_stopping_mid_run_fails_as_set_and_fast(
    limited, own_redis, caplog, failure, status
):
    url, server = own_redis
    app = limited(rate_limit_storage=url, rate_limit_store_failure=failure)
    with caplog.at_level(logging.WARNING, logger="kommunedigi"):
        async with client_at(app) as client:
            counted = await client.get("/api/v1/topics")
            server.kill()  # gone at once, its connections with it
            server.wait()
            started = time.monotonic()
            after = await client.get("/api/v1/topics")
            took = time.monotonic() - started
    assert counted.status_code == 200 and "ratelimit" in counted.headers
    assert after.status_code == status
    assert "ratelimit" not in after.headers
    assert took < 5
    assert "store failed" in caplog.text  # logged either way


@pytest.fixture
def redis_url() -> str:
    """KOMMUNEDIGI_TEST_REDIS_URL or the local Redis; skipped if it is down, failed under CI."""
    url = os.environ.get(REDIS_URL_VARIABLE) or "redis://127.0.0.1:6379"
    where = urlsplit(url)
    try:
        socket.create_connection((where.hostname, where.port or 6379), timeout=2).close()
    except OSError as error:
        message = f"Redis at {url} is unreachable ({error}); set {REDIS_URL_VARIABLE}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message} (CI=true requires it)", pytrace=False)
        pytest.skip(message)
    return url


async def test_workers_sharing_redis_share_the_counts(limited, redis_url):
    # Two apps stand for two workers; a client new to Redis each run, so no count is left over.
    workers = [limited(rate_limit_storage=redis_url) for _ in range(2)]
    address = f"2001:db8:{uuid.uuid4().hex[:4]}::1"
    async with client_at(workers[0], address) as one, client_at(workers[1], address) as two:
        answers = [await one.get("/api/v1/topics"), await two.get("/api/v1/topics")]
        answers += [await one.get("/api/v1/topics"), await two.get("/api/v1/topics")]
    assert "ratelimit" in answers[0].headers, "Redis did not answer: see the warnings logged"
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[2].headers["ratelimit"].startswith('"api";r=0;')
    assert answers[3].headers["ratelimit-policy"] == '"api";q=3;w=60'


def test_a_served_burst_is_refused_while_another_address_is_served(fresh_database_url):
    """Over real TCP with `kommunedigi serve`: 127.0.0.1 bursts, 127.0.0.2 is still served."""
    environment = {"KOMMUNEDIGI_RATE_LIMIT_API": "5/minute"}
    with served(fresh_database_url, environment) as (_, address):
        url = f"{address}/api/v1/topics"
        with httpx.Client() as first:
            burst = [first.get(url) for _ in range(8)]
        other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"))
        with other:
            answer = other.get(url)
    assert [a.status_code for a in burst] == [200] * 5 + [429] * 3
    assert burst[-1].headers["content-type"] == "application/problem+json"
    assert int(burst[-1].headers["retry-after"]) >= 1
    assert answer.status_code == 200
    assert answer.headers["ratelimit"].startswith('"api";r=4;')


async def test_a_refused_client_is_served_again_as_its_window_moves_on(limited, monkeypatch):
    app = limited()
    counts = app.state.rate_limiter.storage
    now = [1_800_000_000.0]  # the start of a window: 60 s windows divide it
    monkeypatch.setattr(counts, "clock", lambda: now[0])
    async with client_at(app) as client:
        codes = [(await client.get("/api/v1/surveys")).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        now[0] += 90  # half the previous window's three still weigh: 1.5, floored to 1
        again = await client.get("/api/v1/surveys")
        assert again.status_code == 200
        assert again.headers["RateLimit"].startswith('"api";r=1;')
        now[0] += 60  # the three weigh nothing now; the one at 90 s weighs half
        fresh = await client.get("/api/v1/surveys")
        assert fresh.headers["RateLimit"].startswith('"api";r=2;')


async def test_clients_silent_for_two_windows_are_forgotten(limited, monkeypatch):
    app = limited()
    counts = app.state.rate_limiter.storage
    now = [1_800_000_000.0]
    monkeypatch.setattr(counts, "clock", lambda: now[0])
    for number in range(1, 51):
        async with client_at(app, f"198.51.100.{number}") as client:
            assert (await client.get("/api/v1/surveys")).status_code == 200
    assert len(counts) == 50
    now[0] += 180
    async with client_at(app, "203.0.113.9") as client:
        assert (await client.get("/api/v1/surveys")).status_code == 200
    assert len(counts) == 1  # the new client; the fifty are gone
