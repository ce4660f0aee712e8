"""Automatic persisted queries at /graphql, as Apollo's clients send them: by hash, by GET
and POST, kept per worker within bounds, and checked like a document sent in full."""

import hashlib
import json

import pytest

from tests.conftest import count_queries, data_statements
from tests.test_graphql_hostile import HOSTILE
from tests.test_graphql_limits import serve

pytestmark = pytest.mark.anyio

QUERY = "query Segments($lang: Language) { segments { code label(lang: $lang) } }"
SEGMENTS = {
    "data": {"segments": [{"code": "all", "label": "All responding municipalities"}]},
    "extensions": {"cost": {"requested": 21, "actual": 3, "maximum": 50000}},
}
VARIABLES = {"lang": "EN"}
NOT_FOUND = [
    {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
]
MISMATCH = [
    {
        "message": "provided sha does not match query",
        "extensions": {"code": "PERSISTED_QUERY_HASH_MISMATCH"},
    }
]


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def extensions(text):
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256(text)}}


def by_hash(text, variables=None):
    """The query string Apollo Client sends for a hashed query by GET."""
    return {
        "operationName": "Segments",
        "variables": json.dumps(variables or {}),
        "extensions": json.dumps(extensions(text)),
    }


def registration(text, variables=None):
    return {"query": text, "variables": variables or {}, "extensions": extensions(text)}


async def test_round_trip_by_get_is_cached_like_any_get(database_url):
    async with serve(database_url) as (client, app):
        missed = await client.get("/graphql", params=by_hash(QUERY, VARIABLES))
        registered = await client.post("/graphql", json=registration(QUERY, VARIABLES))
        found = await client.get("/graphql", params=by_hash(QUERY, VARIABLES))
        with count_queries(app.state.engine) as statements:
            kept = await client.get("/graphql", params=by_hash(QUERY, VARIABLES))
        revalidated = await client.get(
            "/graphql",
            params=by_hash(QUERY, VARIABLES),
            headers={"If-None-Match": found.headers["etag"]},
        )
    assert missed.status_code == 200
    assert missed.json()["errors"] == NOT_FOUND
    assert missed.json().get("data") is None
    assert missed.headers["cache-control"] == "no-store"
    assert "etag" not in missed.headers
    assert registered.status_code == 200
    assert registered.json() == SEGMENTS
    assert found.status_code == 200
    assert found.json() == SEGMENTS
    assert found.headers["cache-control"].startswith("public, max-age=")
    assert {"Accept", "Accept-Encoding"} <= set(found.headers["vary"].split(", "))
    assert kept.content == found.content
    assert data_statements(statements) == []
    assert revalidated.status_code == 304
    assert revalidated.headers["etag"] == found.headers["etag"]


async def test_registration_by_get_is_run_and_never_kept(database_url):
    params = {**by_hash(QUERY), "query": QUERY}
    async with serve(database_url) as (client, _):
        registered = await client.get("/graphql", params=params)
        again = await client.get("/graphql", params=params)
        found = await client.get("/graphql", params=by_hash(QUERY))
    for answer in (registered, again):
        assert answer.status_code == 200
        assert answer.json() == {
            "data": {"segments": [{"code": "all", "label": "Alle kommuner som svarte"}]},
            "extensions": SEGMENTS["extensions"],
        }
        # Sent again, it must reach the worker, which may have dropped the hash meanwhile.
        assert answer.headers["cache-control"] == "no-store"
        assert "etag" not in answer.headers
    assert found.json() == registered.json()
    assert "etag" in found.headers


async def test_registration_by_post_reaches_the_worker_past_a_kept_answer(database_url):
    async with serve(database_url, graphql_persisted_queries=1) as (client, _):
        plain = await client.post("/graphql", json={"query": QUERY})  # kept by the cache
        await client.post("/graphql", json=registration(QUERY))
        await client.post("/graphql", json=registration("{ surveys { code } }"))  # drops QUERY
        await client.post("/graphql", json=registration(QUERY))
        found = await client.post("/graphql", json={"extensions": extensions(QUERY)})
    assert found.json() == plain.json()


async def test_unknown_hash_by_post_is_the_protocols_error_whatever_is_accepted(client):
    for accept in ("application/json", "application/graphql-response+json"):
        response = await client.post(
            "/graphql",
            json={"extensions": extensions("{ unknown }"), "variables": {}},
            headers={"Accept": accept},
        )
        # Not a 4xx: Apollo Client stops sending hashes after a 400.
        assert response.status_code == 200
        assert response.json()["errors"] == NOT_FOUND
        assert response.headers["cache-control"] == "no-store"


async def test_hash_only_get_from_a_browser_is_not_graphiql(client):
    response = await client.get(
        "/graphql", params=by_hash("{ unknown }"), headers={"Accept": "text/html"}
    )
    assert response.status_code == 200
    assert response.json()["errors"] == NOT_FOUND


async def test_hash_that_does_not_match_the_query_is_refused_and_not_kept(database_url):
    wrong = {"query": QUERY, "extensions": extensions("{ segments { code } }")}
    async with serve(database_url) as (client, _):
        refused = await client.post("/graphql", json=wrong)
        named = await client.post("/graphql", json={"extensions": wrong["extensions"]})
    assert refused.status_code == 400
    assert refused.json()["errors"] == MISMATCH
    assert refused.headers["cache-control"] == "no-store"
    assert named.json()["errors"] == NOT_FOUND


@pytest.mark.parametrize(
    ("persisted_query", "detail"),
    [
        ("x", "`extensions.persistedQuery` must be an object"),
        (
            {"version": 2, "sha256Hash": sha256(QUERY)},
            "Unsupported persisted query version: `persistedQuery.version` must be 1",
        ),
        (
            {"version": True, "sha256Hash": sha256(QUERY)},
            "Unsupported persisted query version: `persistedQuery.version` must be 1",
        ),
        (
            {"version": 1, "sha256Hash": "abc"},
            "`persistedQuery.sha256Hash` must be the SHA-256 of the query,"
            " as 64 hexadecimal digits",
        ),
        (
            {"version": 1},
            "`persistedQuery.sha256Hash` must be the SHA-256 of the query,"
            " as 64 hexadecimal digits",
        ),
    ],
)
async def test_malformed_persisted_query_is_a_problem(client, persisted_query, detail):
    response = await client.get(
        "/graphql", params={"extensions": json.dumps({"persistedQuery": persisted_query})}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "/problems/bad-graphql-request",
        "title": "Bad GraphQL request",
        "status": 400,
        "detail": detail,
        "instance": "/graphql",
    }


async def test_hash_in_capitals_names_the_same_document(database_url):
    asked = {"persistedQuery": {"version": 1, "sha256Hash": sha256(QUERY).upper()}}
    async with serve(database_url) as (client, _):
        await client.post("/graphql", json=registration(QUERY))
        found = await client.post("/graphql", json={"extensions": asked})
    assert found.json()["data"]["segments"][0]["code"] == "all"


async def test_store_keeps_its_number_of_documents_least_recently_used_first_out(database_url):
    documents = ["{ segments { code } }", "{ surveys { code } }", "{ topics { code } }"]
    async with serve(database_url, graphql_persisted_queries=2) as (client, _):
        for document in documents:
            await client.post("/graphql", json=registration(document))
        found = [
            await client.post("/graphql", json={"extensions": extensions(document)})
            for document in documents
        ]
    assert found[0].json()["errors"] == NOT_FOUND
    assert "errors" not in found[1].json()
    assert "errors" not in found[2].json()


async def test_store_keeps_its_bytes(database_url):
    short, long = "{ segments { code } }", "{ surveys { code title } }"
    # Room for the short document and its hash, not for both documents.
    async with serve(database_url, graphql_persisted_query_bytes=260) as (client, _):
        await client.post("/graphql", json=registration(short))
        first = await client.post("/graphql", json={"extensions": extensions(short)})
        await client.post("/graphql", json=registration(long))
        dropped = await client.post("/graphql", json={"extensions": extensions(short)})
        kept = await client.post("/graphql", json={"extensions": extensions(long)})
    assert first.json()["data"] == {"segments": [{"code": "all"}]}
    assert dropped.json()["errors"] == NOT_FOUND
    assert "errors" not in kept.json()


async def test_no_store_says_persisted_queries_are_not_supported(database_url):
    async with serve(database_url, graphql_persisted_queries=0) as (client, _):
        response = await client.post("/graphql", json=registration(QUERY))
    assert response.status_code == 200
    assert response.json()["errors"] == [
        {
            "message": "PersistedQueryNotSupported",
            "extensions": {"code": "PERSISTED_QUERY_NOT_SUPPORTED"},
        }
    ]


@pytest.mark.parametrize(("name", "document", "messages"), HOSTILE, ids=[h[0] for h in HOSTILE])
async def test_hostile_document_is_refused_by_hash_as_in_full(
    database_url, name, document, messages
):
    async with serve(database_url, response_cache_bytes=0) as (client, app):
        with count_queries(app.state.engine) as statements:
            sent = await client.post("/graphql", json=registration(document))
            named = await client.get("/graphql", params=by_hash(document))
    assert sent.status_code == 400  # a request error, in application/graphql-response+json
    assert [error["message"] for error in sent.json()["errors"]] == messages
    assert named.json()["errors"] == NOT_FOUND
    assert data_statements(statements) == []


async def test_kept_document_is_checked_again_with_each_requests_variables(database_url):
    shares = "query Segments($n: Int) { shares(first: $n) { totalCount } }"
    async with serve(database_url) as (client, _):
        registered = await client.post("/graphql", json=registration(shares, {"n": 1}))
        in_full = await client.post("/graphql", json={"query": shares, "variables": {"n": 10**5}})
        named = await client.get("/graphql", params=by_hash(shares, {"n": 10**5}))
        named_again = await client.get("/graphql", params=by_hash(shares, {"n": 2}))
    assert registered.json()["data"]["shares"]["totalCount"] > 0
    assert in_full.status_code == named.status_code == 400  # `first` out of range
    assert "data" not in in_full.json()
    assert named.json() == in_full.json()
    assert named_again.json() == registered.json()


async def test_mutation_by_get_is_not_kept(database_url):
    mutation = "mutation { x }"
    async with serve(database_url) as (client, _):
        refused = await client.get("/graphql", params={**by_hash(mutation), "query": mutation})
        named = await client.post("/graphql", json={"extensions": extensions(mutation)})
    assert refused.status_code == 400
    assert named.json()["errors"] == NOT_FOUND
