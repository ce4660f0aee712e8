"""Queries run from plans (api.graphql.planned) answer exactly as graphql-core's executor:
the same data, the same errors with the same paths, for hand-picked and generated
documents, on an app with plans and one without (KOMMUNEDIGI_GRAPHQL_PLANNED=false)."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import hypothesis_graphql
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from starlette.applications import Starlette
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.app import create_app
from api.settings import Settings
from tests.conftest import NO_RATE_LIMITS, ROOT

pytestmark = pytest.mark.anyio

SHARES = """{ shares(first: 30) { edges { cursor node { value baseN status locator
  wave { year } option { code question { code } } segment { code } source { code } } }
  pageInfo { hasNextPage endCursor } } }"""

QUERIES: dict[str, tuple[str, dict[str, Any]]] = {
    "a page of shares and their related codes": (SHARES, {}),
    "nested lists loaded by DataLoaders": (
        """{ surveys { code waves { year shares(filter: {segments: ["all"]}) { value
          option { code } } } questions { code options { code label(lang: EN)
          shares { value status wave { year } } } } } }""",
        {},
    ),
    "fragments, inline fragments, aliases and merged fields": (
        """query Q($code: String!) { one: indicator(code: $code) { ...Ind
          series { value } } two: indicator(code: $code) { code ... on Indicator {
          series { status amount: value } } } __typename }
          fragment Ind on Indicator { code __typename series { wave rule
          parts { option value status } publishedTotal { value source { code } }
          sources { code __typename } } }""",
        {"code": "action-plan"},
    ),
    "as of a release, in English": (
        """{ surveys(asOf: "1") { code title(lang: EN) waves { year shares { value } } } }""",
        {},
    ),
    "an answer with nulls": (
        '{ question(code: "no-such-question") { code } indicator(code: "nope") { code } }',
        {},
    ),
    "a field error": ("{ shares(first: -1) { edges { node { value } } } }", {}),
    "a resolver error beside data": (
        '{ surveys { code } shares(after: "not a cursor") { edges { cursor } } }',
        {},
    ),
    "a bad asOf": ('{ surveys(asOf: "yesterday") { code } }', {}),
    "introspection beside data": ("{ __schema { queryType { name } } surveys { code } }", {}),
    "directives": (
        "query ($on: Boolean!) { surveys { code @include(if: $on) title @skip(if: $on) } }",
        {"on": True},
    ),
    "shares as figures: global ids and histories": (
        """{ shares(first: 5) { edges { node { id value history { release { id message }
          change { kind whatChanged old { value } new { value status } } } } } } }""",
        {},
    ),
    "a figure by its global id, through the Node interface": (
        """query ($id: ID!) { node(id: $id) { __typename id ... on Share { value status
          option { code } history { release { id } change { kind } } } } }""",
        # base64 of "Figure:kommuneundersokelsen/2017/action-plan/yes/all"
        {"id": "RmlndXJlOmtvbW11bmV1bmRlcnNva2Vsc2VuLzIwMTcvYWN0aW9uLXBsYW4veWVzL2FsbA=="},
    ),
    "a figure by its codes, and a malformed id": (
        """{ figure(survey: "kommuneundersokelsen", wave: 2015, question: "priority",
          option: "high-or-very-high", segment: "all") { id value status }
          node(id: "not an id") { id } }""",
        {},
    ),
}


# Refused as a whole: no data at all (the rest answer at least in part).
REFUSED = {"a field error", "a resolver error beside data", "a bad asOf"}


@pytest.fixture(scope="module")
def unplanned(database_url: str) -> Iterator[Starlette]:
    app = create_app(Settings(database_url=database_url, graphql_planned=False, **NO_RATE_LIMITS))
    yield app
    app.state.engine.dispose()


@pytest.fixture
async def clients(
    app: Starlette, unplanned: Starlette
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    planned = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t")
    plain = httpx.AsyncClient(transport=httpx.ASGITransport(unplanned), base_url="http://t")
    async with planned, plain:
        yield planned, plain


async def both(
    clients: tuple[httpx.AsyncClient, httpx.AsyncClient], query: str, variables: dict[str, Any]
) -> tuple[Any, Any]:
    answers = []
    for client in clients:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
        answers.append((response.status_code, response.json()))
    return answers[0], answers[1]


@pytest.mark.parametrize("name", QUERIES)
async def test_a_planned_query_answers_as_graphql_core_does(clients, name):
    query, variables = QUERIES[name]
    planned, plain = await both(clients, query, variables)
    assert planned == plain
    assert plain[1].get("data") is not None or name in REFUSED


async def test_the_page_of_shares_is_the_page_rest_serves(clients):
    """Not only equal to graphql-core's answer: the right figures."""
    planned, _ = await both(clients, SHARES, {})
    nodes = [edge["node"] for edge in planned[1]["data"]["shares"]["edges"]]
    rest = (await clients[0].get("/api/v1/shares", params={"limit": 30})).json()["data"]
    assert len(nodes) == len(rest) == 30
    assert [
        (n["wave"]["year"], n["option"]["question"]["code"], n["option"]["code"], n["value"])
        for n in nodes
    ] == [(item["wave"], item["question"], item["option"], item["value"]) for item in rest]
    assert [n["source"]["code"] for n in nodes] == [item["source"] for item in rest]


async def test_shares_that_implement_node_still_run_from_a_plan(app, clients, monkeypatch):
    """Share implements Node, so graphql-core checks each share's type; a plan checks it
    the same way and runs on, where a field of the Node interface leaves it to graphql-core."""
    if app.state.response_cache is not None:
        app.state.response_cache.clear()  # a kept answer would run nothing at all
    run_by_graphql_core: list[str] = []
    unplanned = StrawberryGraphQLCoreExecutionContext.execute_operation

    def counted(self: Any, serially: bool | None = None) -> Any:
        run_by_graphql_core.append(self.operation.selection_set.selections[0].name.value)
        return unplanned(self, serially)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "execute_operation", counted)
    for name in (
        "shares as figures: global ids and histories",
        "a page of shares and their related codes",
    ):
        query, variables = QUERIES[name]
        response = await clients[0].post("/graphql", json={"query": query, "variables": variables})
        assert response.json()["data"]["shares"]["edges"]
    assert run_by_graphql_core == []
    query, variables = QUERIES["a figure by its global id, through the Node interface"]
    response = await clients[0].post("/graphql", json={"query": query, "variables": variables})
    assert response.json()["data"]["node"]["value"] == 76
    assert run_by_graphql_core == ["node"]


SDL = (ROOT / "openapi" / "schema.graphql").read_text()


@given(data=st.data())
@settings(
    max_examples=40,  # bounded, so that CI stays fast
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_generated_queries_answer_as_graphql_core_does(app, unplanned, data):
    query = str(data.draw(hypothesis_graphql.queries(SDL, allow_x00=False)))

    async def ask() -> tuple[Any, Any]:
        planned = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t")
        plain = httpx.AsyncClient(transport=httpx.ASGITransport(unplanned), base_url="http://t")
        async with planned, plain:
            return await both((planned, plain), query, {})

    planned, plain = asyncio.run(ask())
    assert planned == plain
