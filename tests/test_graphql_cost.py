"""What a GraphQL answer cost, in `extensions.cost`, and the client's quota, in `rateLimit`."""

import datetime as dt
import hashlib
import logging
import math
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
import pytest
from starlette.applications import Starlette

from api.app import create_app
from api.settings import Settings
from tests.conftest import count_queries, figure_statements

pytestmark = pytest.mark.anyio

# Two shares of action-plan exist, in 2015 and 2017: fewer than the page of five asked for.
ACTION_PLAN = """{ shares(first: 5, filter: {questions: ["action-plan"]}) {
    totalCount edges { node { value wave { year } } } } }"""
# shares 1, totalCount 1, edges 1, and per share: node 1, value 1, wave 1, year 1.
ACTION_PLAN_REQUESTED = 1 + 1 + 1 + 5 * 4  # 23
ACTION_PLAN_ACTUAL = 1 + 1 + 1 + 2 * 4  # 11

QUOTA = """{ rateLimit { policy limit cost remaining used resetAt } }"""


@asynccontextmanager
async def client_of(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def make_app(database_url: str) -> AsyncIterator[Callable[..., Starlette]]:
    """Builds apps with the settings given; each has its own rate-limit counters."""
    apps: list[Starlette] = []

    def make(**settings: object) -> Starlette:
        app = create_app(Settings(database_url=database_url, **settings))  # type: ignore[arg-type]
        apps.append(app)
        return app

    yield make
    for app in apps:
        await app.state.rate_limiter.close()
        app.state.engine.dispose()


async def test_cost_says_what_a_page_could_hold_and_what_it_held(client):
    response = await client.post("/graphql", json={"query": ACTION_PLAN})
    assert response.status_code == 200
    body = response.json()
    assert [edge["node"]["wave"]["year"] for edge in body["data"]["shares"]["edges"]] == [
        2015,
        2017,
    ]
    assert body["extensions"] == {
        "cost": {
            "requested": ACTION_PLAN_REQUESTED,
            "actual": ACTION_PLAN_ACTUAL,
            "maximum": 50000,
        },
    }


async def test_cost_of_a_full_page_is_its_estimate(client):
    response = await client.post(
        "/graphql", json={"query": "{ shares(first: 2) { edges { node { value } } } }"}
    )
    assert len(response.json()["data"]["shares"]["edges"]) == 2
    # shares 1, edges 1, and per share: node 1, value 1.
    assert response.json()["extensions"]["cost"] == {"requested": 6, "actual": 6, "maximum": 50000}


async def test_cost_at_the_limit_is_answered_with_its_cost(make_app):
    async with client_of(make_app(graphql_max_cost=ACTION_PLAN_REQUESTED)) as client:
        response = await client.post("/graphql", json={"query": ACTION_PLAN})
    assert "errors" not in response.json()
    assert response.json()["extensions"]["cost"] == {
        "requested": ACTION_PLAN_REQUESTED,
        "actual": ACTION_PLAN_ACTUAL,
        "maximum": ACTION_PLAN_REQUESTED,
    }


async def test_refusal_for_cost_says_the_requested_cost(make_app):
    app = make_app(graphql_max_cost=ACTION_PLAN_REQUESTED - 1)
    async with client_of(app) as client:
        with count_queries(app.state.engine) as statements:
            response = await client.post("/graphql", json={"query": ACTION_PLAN})
    assert response.status_code == 400  # a request error, in application/graphql-response+json
    body = response.json()
    assert "data" not in body
    (error,) = body["errors"]
    assert error["extensions"] == {
        "code": "/problems/query-too-costly",
        "cost": {"requested": 23, "maximum": 22},
    }
    assert body["extensions"] == {"cost": {"requested": 23, "actual": 0, "maximum": 22}}
    assert figure_statements(statements) == []


async def test_an_invalid_document_has_no_cost(client):
    response = await client.post("/graphql", json={"query": "{ shares { nothing } }"})
    assert "extensions" not in response.json()


async def test_rate_limit_is_what_the_headers_of_the_same_answer_say(make_app):
    async with client_of(make_app(rate_limit_api="3/minute")) as client:
        before = time.time()
        response = await client.post("/graphql", json={"query": QUOTA})
        after = time.time()
    assert response.headers["ratelimit-policy"] == '"api";q=3;w=60'
    remaining, reset = (
        int(part.partition("=")[2]) for part in response.headers["ratelimit"].split(";")[1:]
    )
    quota = response.json()["data"]["rateLimit"]
    reset_at = dt.datetime.fromisoformat(quota.pop("resetAt")).timestamp()
    assert quota == {"policy": "api", "limit": 3, "cost": 1, "remaining": 2, "used": 1}
    assert remaining == 2
    assert before + reset <= reset_at <= math.ceil(after + reset)


async def test_rate_limit_goes_down_and_is_never_kept(make_app):
    app = make_app(rate_limit_api="3/minute")
    async with client_of(app) as client:
        posted = [await client.post("/graphql", json={"query": QUOTA}) for _ in range(2)]
        got = await client.get("/graphql", params={"query": QUOTA})
    answers = [response.json()["data"]["rateLimit"] for response in (*posted, got)]
    assert [(quota["remaining"], quota["used"]) for quota in answers] == [(2, 1), (1, 2), (0, 3)]
    for response in (*posted, got):
        assert response.headers["cache-control"] == "no-store"
        assert "etag" not in response.headers
    assert len(app.state.response_cache) == 0


async def test_rate_limit_is_costed_like_any_field(make_app):
    async with client_of(make_app(rate_limit_api="3/minute")) as client:
        response = await client.post("/graphql", json={"query": QUOTA})
    # rateLimit 1 and its six fields.
    assert response.json()["extensions"]["cost"] == {"requested": 7, "actual": 7, "maximum": 50000}


async def test_rate_limit_is_null_when_no_limit_counts_the_request(make_app):
    async with client_of(make_app(rate_limit_api="")) as client:
        response = await client.post("/graphql", json={"query": QUOTA})
    assert "ratelimit" not in response.headers
    assert response.json() == {
        "data": {"rateLimit": None},
        "extensions": {"cost": {"requested": 7, "actual": 1, "maximum": 50000}},
    }


async def test_dry_run_costs_the_query_without_running_it(make_app):
    app = make_app(rate_limit_api="3/minute")
    query = ACTION_PLAN.replace("{ shares", "{ rateLimit(dryRun: true) { cost remaining } shares")
    async with client_of(app) as client:
        with count_queries(app.state.engine) as statements:
            response = await client.post("/graphql", json={"query": query})
    assert response.json() == {
        "data": {"rateLimit": {"cost": 1, "remaining": 2}},
        "extensions": {
            "cost": {"requested": ACTION_PLAN_REQUESTED + 3, "actual": 3, "maximum": 50000}
        },
    }
    assert figure_statements(statements) == []


async def test_dry_run_may_come_in_a_variable(make_app):
    query = "query ($dry: Boolean!) { rateLimit(dryRun: $dry) { remaining } segments { code } }"
    async with client_of(make_app(rate_limit_api="3/minute")) as client:
        dry = await client.post("/graphql", json={"query": query, "variables": {"dry": True}})
        run = await client.post("/graphql", json={"query": query, "variables": {"dry": False}})
    assert dry.json()["data"] == {"rateLimit": {"remaining": 2}}
    assert run.json()["data"] == {"rateLimit": {"remaining": 1}, "segments": [{"code": "all"}]}


async def test_introspection_is_not_counted(client):
    query = "{ __typename segments { __typename code } __schema { queryType { name } } }"
    response = await client.post("/graphql", json={"query": query})
    assert response.json()["data"]["segments"] == [{"__typename": "Segment", "code": "all"}]
    # segments 1, and 1 for the code of each of the 10 segments a list is guessed to hold.
    assert response.json()["extensions"]["cost"] == {"requested": 11, "actual": 2, "maximum": 50000}


async def test_rate_limit_is_null_when_the_store_fails(make_app, caplog):
    # Nothing listens on port 1: the store fails, and the request is served unlimited.
    app = make_app(rate_limit_api="3/minute", rate_limit_storage="redis://127.0.0.1:1")
    with caplog.at_level(logging.WARNING, logger="kommunedigi"):
        async with client_of(app) as client:
            response = await client.post("/graphql", json={"query": QUOTA})
    assert "ratelimit" not in response.headers
    assert response.json()["data"] == {"rateLimit": None}


async def test_rate_limit_of_a_key_is_the_key_s_quota(make_app):
    key = "a key for a data portal"
    digest = hashlib.sha256(key.encode()).hexdigest()
    app = make_app(rate_limit_api="2/minute", api_key_hashes=digest, rate_limit_key_factor=3)
    async with client_of(app) as client:
        response = await client.post("/graphql", json={"query": QUOTA}, headers={"X-API-Key": key})
    assert response.headers["ratelimit"].startswith('"api-key";r=5;')
    quota = response.json()["data"]["rateLimit"]
    assert (quota["policy"], quota["limit"], quota["remaining"]) == ("api-key", 6, 5)
