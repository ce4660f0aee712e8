"""Hostile GraphQL: each limit rejects at its value + 1, says which limit, and runs no SQL."""

import json
import time
from contextlib import asynccontextmanager

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from tests.conftest import count_queries, data_statements, figure_statements

pytestmark = pytest.mark.anyio

PROBLEM = "application/problem+json"


@asynccontextmanager
async def serve(database_url, **settings):
    """A client of an app on the shared database with these settings, and the app."""
    app = create_app(Settings(database_url=database_url, **settings))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client, app
    finally:
        app.state.engine.dispose()


def chain_of_fragments(length):
    spreads = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(length))
    return f"{{ ...F0 }} {spreads} fragment F{length} on Query {{ segments {{ code }} }}"


def post(query, variables=None):
    return {"json": {"query": query, "variables": variables or {}}}


def raw(body):
    return {"content": body, "headers": {"Content-Type": "application/json"}}


NESTED = "questions { survey { " * 6 + "code" + " } }" * 6
COST_BOMB = (
    "{ shares(first: 1000) { edges { node { question { options { shares { value } } } } } } }"
)

# (name, request, expected message), every one refused under the default settings.
HOSTILE = [
    (
        "deep nesting",
        post("{ " + NESTED + " }"),
        "'anonymous' exceeds maximum operation depth of 10",
    ),
    (
        "nesting too deep to parse",
        post("{" + "a{" * 300 + "b" + "}" * 301),
        "Syntax Error: Document is nested too deeply. Parsing aborted.",
    ),
    (
        "alias bomb",
        post("{ " + " ".join(f"a{i}: segments {{ code }}" for i in range(100)) + " }"),
        "100 aliases found. Allowed: 30",
    ),
    (
        "fragment cycle",
        post("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"),
        "Cannot spread fragment 'A' within itself via 'B'.",
    ),
    ("unknown fragment", post("{ ...Nope }"), "Unknown fragment 'Nope'."),
    ("long chain of fragments", post(chain_of_fragments(220)), "Validation aborted."),
    (
        "huge first",
        post("{ shares(first: 1000000000) { totalCount } }"),
        "first must be between 1 and 1000, not 1000000000",
    ),
    (
        "huge first in a variable",
        post("query ($n: Int) { shares(first: $n) { totalCount } }", {"n": 10**9}),
        "first must be between 1 and 1000, not 1000000000",
    ),
    (
        "huge first in a fragment",
        post("{ ...Page } fragment Page on Query { shares(first: 5000) { totalCount } }"),
        "first must be between 1 and 1000, not 5000",
    ),
    (
        "costly nesting of pages and lists",
        post(COST_BOMB),
        "This query could return about 113,002 fields, more than the limit of 50,000"
        " (graphql_max_cost): ask for smaller pages (`first`) or fewer nested lists,"
        " and page through the rest.",
    ),
    (
        "many operations",
        post(" ".join(f"query q{i} {{ segments {{ code }} }}" for i in range(400))),
        "Syntax Error: Document contains more than 2000 tokens. Parsing aborted.",
    ),
    (
        "introspection bomb",
        post("{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"),
        "Introspection nests fields, interfaces, possibleTypes or inputFields more than 3 lists"
        " deep (the most graphql-core allows); ask for the types by name",
    ),
]

TOO_LARGE = (
    "A GraphQL request may send at most 20,000 bytes (graphql_max_query_bytes): send a"
    " shorter query, use variables for long values, or split it into several requests."
)

# (name, request, status, detail): refused before GraphQL sees them, as problem documents.
REFUSED = [
    (
        "very long string",
        post('{ questions(q: "' + "x" * 1_000_000 + '") { code } }'),
        413,
        TOO_LARGE,
    ),
    (
        "very long variable",
        post("query ($q: String) { questions(q: $q) { code } }", {"q": "x" * 1_000_000}),
        413,
        TOO_LARGE,
    ),
    (
        "batch of operations",
        raw(json.dumps([{"query": "{ segments { code } }"}] * 50).encode()),
        400,
        "Batching is not enabled",
    ),
]


def clean(text):
    """No traceback, no internal detail, no failure of ours masked as one."""
    return "Traceback" not in text and 'File "' not in text and "Unexpected error." not in text


async def timed(client, request, attempt):
    """The answer and its time; each attempt sends a new text, so no cache can answer it."""
    if "json" in request and attempt:
        request = {"json": {**request["json"], "query": request["json"]["query"] + f"#{attempt}"}}
    started = time.perf_counter()
    response = await client.post("/graphql", **request)
    return response, time.perf_counter() - started


@pytest.mark.parametrize(("name", "request_", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
async def test_hostile_document_is_refused_quickly_without_sql(
    database_url, name, request_, message
):
    async with serve(database_url, response_cache_bytes=0) as (client, app):
        with count_queries(app.state.engine) as statements:
            answers = [await timed(client, request_, attempt) for attempt in range(3)]
    for response, _ in answers:
        assert response.status_code == 400  # a request error, in graphql-response+json
        assert "data" not in response.json()
        assert [error["message"] for error in response.json()["errors"]] == [message]
        assert clean(response.text)
    assert data_statements(statements) == []
    # The bound; the best of three, as the machine running the tests is shared.
    assert min(seconds for _, seconds in answers) < 0.1


@pytest.mark.parametrize(
    ("name", "request_", "status", "detail"), REFUSED, ids=[r[0] for r in REFUSED]
)
async def test_hostile_request_is_a_problem_quickly_without_sql(
    database_url, name, request_, status, detail
):
    async with serve(database_url, response_cache_bytes=0) as (client, app):
        with count_queries(app.state.engine) as statements:
            answers = [await timed(client, request_, attempt) for attempt in range(3)]
    for response, _ in answers:
        assert response.status_code == status
        assert response.headers["content-type"] == PROBLEM
        assert response.json() == {
            "type": "/problems/graphql-request-too-large"
            if status == 413
            else "/problems/bad-graphql-request",
            "title": {413: "Payload too large", 400: "Bad GraphQL request"}[status],
            "status": status,
            "detail": detail,
            "instance": "/graphql",
        }
    assert data_statements(statements) == []
    assert min(seconds for _, seconds in answers) < 0.1


async def test_long_get_url_is_refused(client):
    response = await client.get(
        "/graphql", params={"query": "{ segments { code } }" + " " * 20_000}
    )
    assert response.status_code == 414
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["detail"] == (
        "A GraphQL URL's query may hold at most 20,000 bytes (graphql_max_query_bytes): send a"
        " shorter query, use variables for long values, or split it into several requests."
    )


def padded(query, size):
    """A JSON body of exactly `size` bytes asking `query` (spaces added after it)."""
    body = json.dumps({"query": query}).encode()
    return body[:-2] + b" " * (size - len(body)) + body[-2:]


# (setting, value, query at the limit, query one over it, message for the second).
BOUNDARIES = [
    (
        "graphql_max_depth",
        3,
        "{ questions { survey { waves { year } } } }",
        "{ questions { survey { waves { survey { code } } } } }",
        "'anonymous' exceeds maximum operation depth of 3",
    ),
    (
        "graphql_max_aliases",
        2,
        "{ a: segments { code } b: segments { code } }",
        "{ a: segments { code } b: segments { code } c: segments { code } }",
        "3 aliases found. Allowed: 2",
    ),
    (
        "graphql_max_tokens",
        6,  # graphql-core counts the end of the document as a token too
        "{ segments { code } }",
        "{ segments { code dimension } }",
        "Syntax Error: Document contains more than 6 tokens. Parsing aborted.",
    ),
    (
        "graphql_max_cost",
        11,  # segments: a list, so 1 + 10 × its fields
        "{ segments { code } }",
        "{ segments { code dimension } }",
        "This query could return about 21 fields, more than the limit of 11"
        " (graphql_max_cost): ask for smaller pages (`first`) or fewer nested lists,"
        " and page through the rest.",
    ),
    (
        "graphql_max_cost",
        1 + 1 + 8 * 2,  # shares, edges, and first × (node, value)
        "{ shares(first: 8) { edges { node { value } } } }",
        "query ($n: Int = 9) { shares(first: $n) { edges { node { value } } } }",
        "This query could return about 20 fields, more than the limit of 18"
        " (graphql_max_cost): ask for smaller pages (`first`) or fewer nested lists,"
        " and page through the rest.",
    ),
]


@pytest.mark.parametrize(("setting", "value", "at", "over", "message"), BOUNDARIES)
async def test_limit_allows_its_value_and_refuses_one_more(
    database_url, setting, value, at, over, message
):
    async with serve(database_url, **{setting: value}) as (client, app):
        allowed = await client.post("/graphql", json={"query": at})
        with count_queries(app.state.engine) as statements:
            refused = await client.post("/graphql", json={"query": over})
    assert allowed.status_code == 200
    assert "errors" not in allowed.json()
    assert refused.status_code == 400
    assert [error["message"] for error in refused.json()["errors"]] == [message]
    assert data_statements(statements) == []


async def test_cost_error_names_its_code(client):
    response = await client.post("/graphql", json={"query": COST_BOMB})
    assert response.json()["errors"][0]["extensions"] == {
        "code": "/problems/query-too-costly",
        "cost": {"requested": 113002, "maximum": 50000},
    }


async def test_largest_page_is_allowed(client):
    response = await client.post(
        "/graphql",
        json={
            "query": "{ shares(first: 1000) { totalCount edges { node { value baseN status"
            " locator wave { year } option { code question { code } } segment { code }"
            " source { code } } } } }"
        },
    )
    assert "errors" not in response.json()
    assert (
        len(response.json()["data"]["shares"]["edges"])
        == response.json()["data"]["shares"]["totalCount"]
    )


async def test_request_size_allows_its_value_and_refuses_one_more(database_url):
    query = "{ segments { code } }"
    async with serve(database_url, graphql_max_query_bytes=100) as (client, _):
        allowed = await client.post("/graphql", **raw(padded(query, 100)))
        refused = await client.post("/graphql", **raw(padded(query, 101)))
    assert allowed.json() == {
        "data": {"segments": [{"code": "all"}]},
        "extensions": {"cost": {"requested": 11, "actual": 2, "maximum": 50000}},
    }
    assert refused.status_code == 413
    assert refused.json()["detail"].startswith("A GraphQL request may send at most 100 bytes")


async def test_introspection_stays_open(client):
    response = await client.post(
        "/graphql", json={"query": "{ __schema { queryType { fields { name } } } }"}
    )
    names = [field["name"] for field in response.json()["data"]["__schema"]["queryType"]["fields"]]
    assert "shares" in names


TIMEOUT = (
    "This query ran longer than the time budget of 1e-06 seconds (graphql_timeout_seconds)"
    " and was stopped: ask for smaller pages (`first`) or fewer nested lists."
)
NESTED_QUERY = "{ questions { options { shares { value } } } }"


async def test_time_budget_overrun_is_an_error_and_stops_the_queries(database_url):
    async with serve(database_url) as (client, app):
        with count_queries(app.state.engine) as statements:
            whole = await client.post("/graphql", json={"query": NESTED_QUERY})
    assert "errors" not in whole.json()
    async with serve(database_url, graphql_timeout_seconds=0.000001) as (client, app):
        with count_queries(app.state.engine) as statements_cut:
            cut = await client.post("/graphql", json={"query": NESTED_QUERY})
    # Descriptions (questions, options) are read once per release; then the shares.
    assert len(figure_statements(statements)) == 1
    assert cut.status_code == 200
    assert cut.json() == {
        "data": None,
        "errors": [{"message": TIMEOUT, "extensions": {"code": "/problems/query-too-slow"}}],
    }
    # A statement under way when the budget runs out finishes; no later one starts.
    assert len(figure_statements(statements_cut)) == 0


async def test_time_budget_overrun_is_never_kept(database_url):
    async with serve(database_url, graphql_timeout_seconds=0.000001) as (client, app):
        by_post = await client.post("/graphql", json={"query": NESTED_QUERY})
        by_get = await client.get("/graphql", params={"query": NESTED_QUERY})
        kept = len(app.state.response_cache)
    for response in (by_post, by_get):
        assert response.json()["errors"][0]["message"] == TIMEOUT
        assert response.headers["cache-control"] == "no-store"
        assert "etag" not in response.headers
    assert kept == 0


async def test_refusal_is_kept_only_under_its_own_request(client, app):
    refused = await client.post("/graphql", json={"query": COST_BOMB})
    answered = await client.post("/graphql", json={"query": "{ segments { code } }"})
    again = await client.post("/graphql", json={"query": COST_BOMB})
    assert refused.json() == again.json()
    assert refused.status_code == again.status_code == 400
    assert "data" not in refused.json()
    assert answered.json() == {
        "data": {"segments": [{"code": "all"}]},
        "extensions": {"cost": {"requested": 11, "actual": 2, "maximum": 50000}},
    }


def test_limits_are_read_from_the_environment():
    settings = Settings.from_environ(
        {"KOMMUNEDIGI_GRAPHQL_TIMEOUT_SECONDS": "2.5", "KOMMUNEDIGI_GRAPHQL_MAX_COST": "900"}
    )
    assert (settings.graphql_timeout_seconds, settings.graphql_max_cost) == (2.5, 900)


@pytest.mark.parametrize(
    ("variable", "message"),
    [
        ("GRAPHQL_TIMEOUT_SECONDS", "KOMMUNEDIGI_GRAPHQL_TIMEOUT_SECONDS must be more than 0"),
        ("GRAPHQL_MAX_DEPTH", "KOMMUNEDIGI_GRAPHQL_MAX_DEPTH must be at least 1"),
    ],
)
def test_a_limit_of_zero_stops_start_up(variable, message):
    with pytest.raises(ValueError) as raised:
        Settings.from_environ({f"KOMMUNEDIGI_{variable}": "0"})
    assert str(raised.value) == message


async def test_failure_before_execution_is_masked(database_url, monkeypatch):
    from api.graphql import limits

    secret = "secret internal detail"

    def broken(*args):
        raise RuntimeError(secret)

    monkeypatch.setattr(limits, "Cost", broken)
    async with serve(database_url, response_cache_bytes=0) as (client, _):
        response = await client.post("/graphql", json={"query": "{ segments { code } }"})
    assert response.json() == {"data": None, "errors": [{"message": "Unexpected error."}]}
    assert secret not in response.text
