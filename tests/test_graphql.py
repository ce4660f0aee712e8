"""GraphQL at /graphql: the same data and filters as REST, and errors that say what to fix."""

import pytest

from tests.conftest import graphql

pytestmark = pytest.mark.anyio

INDICATOR = """
query ($code: String!) {
  indicator(code: $code) {
    title(lang: EN)
    series { wave value status change changeFrom sources { code title } }
    changes { fromWave toWave points }
  }
}
"""


async def test_indicator_same_numbers_as_rest(client):
    body = await graphql(client, INDICATOR, code="expected-better-quality")
    assert "errors" not in body
    indicator = body["data"]["indicator"]
    assert indicator["title"] == "Expect better service quality"
    assert [(p["wave"], p["value"], p["status"]) for p in indicator["series"]] == [
        (2015, 24, "PUBLISHED"),
        (2016, None, "NO_SOURCE"),
        (2017, 64, "PUBLISHED"),
    ]
    assert indicator["series"][2]["change"] == 40
    assert indicator["series"][0]["sources"] == [
        {"code": "pr17", "title": "Kommuneundersøkelsen 2017"}
    ]
    assert indicator["changes"] == [{"fromWave": 2015, "toWave": 2017, "points": 40}]
    rest = (await client.get("/api/v1/indicators/expected-better-quality")).json()
    assert [p["value"] for p in indicator["series"]] == [p["value"] for p in rest["series"]]


async def test_published_total_beside_computed_sum(client):
    query = """{ indicator(code: "ict-contributed-quality") {
        series { wave value publishedTotal { value source { code } note(lang: EN) } } } }"""
    series = (await graphql(client, query))["data"]["indicator"]["series"]
    assert series[0]["value"] == 94.7
    assert series[0]["publishedTotal"] == {
        "value": 95,
        "source": {"code": "cw15"},
        "note": "Rounded sum of the three answers: 38.9 + 42.5 + 13.3 = 94.7.",
    }


async def test_nested_question_options_shares(client):
    query = """{ question(code: "service-area-planning") {
        kind topic { code } options { code label(lang: EN)
          shares { value status baseN note(lang: EN) wave { year } source { code } } } } }"""
    question = (await graphql(client, query))["data"]["question"]
    assert question["kind"] == "SINGLE_CHOICE"
    assert question["topic"] == {"code": "service-areas"}
    first = question["options"][0]
    assert first["label"] == "All services are digital and paper-free"
    assert first["shares"] == [
        {
            "value": 10,
            "status": "APPROXIMATE",
            "baseN": 113,
            "note": 'The source says "nearly 10 percent".',
            "wave": {"year": 2015},
            "source": {"code": "cw15"},
        }
    ]


async def test_unknown_code_is_null(client):
    body = await graphql(client, '{ question(code: "nope") { code } }')
    assert body == {
        "data": {"question": None},
        "extensions": {"cost": {"requested": 2, "actual": 1, "maximum": 50000}},
    }


async def test_shares_connection_pages_through_everything(client):
    query = """query ($after: String) {
        shares(first: 8, after: $after) {
          totalCount pageInfo { hasNextPage endCursor }
          edges { cursor node { value question { code } option { code } wave { year } } } } }"""
    seen, after, pages = [], None, 0
    while True:
        connection = (await graphql(client, query, after=after))["data"]["shares"]
        assert connection["totalCount"] == 33
        seen += [
            (e["node"]["wave"]["year"], e["node"]["question"]["code"], e["node"]["option"]["code"])
            for e in connection["edges"]
        ]
        pages += 1
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
        assert after == connection["edges"][-1]["cursor"]
    assert pages == 5
    assert len(seen) == len(set(seen)) == 33


async def test_shares_filter_matches_rest(client):
    query = """{ shares(filter: {questions: ["action-plan"], waves: [2017]}) {
        totalCount edges { node { value source { code } } } } }"""
    connection = (await graphql(client, query))["data"]["shares"]
    assert connection["totalCount"] == 1
    assert connection["edges"] == [{"node": {"value": 76, "source": {"code": "pr17"}}}]


async def test_wave_shares_filtered(client):
    query = """{ waves { year shares(filter: {questions: ["action-plan"]}) { value } } }"""
    waves = (await graphql(client, query))["data"]["waves"]
    assert waves == [
        {"year": 2015, "shares": [{"value": 68}]},
        {"year": 2016, "shares": []},
        {"year": 2017, "shares": [{"value": 76}]},
    ]


async def test_question_search(client):
    query = '{ questions(q: "SYKEHJEM") { code text(lang: EN) } }'
    assert (await graphql(client, query))["data"]["questions"] == [
        {
            "code": "service-area-nursing-homes",
            "text": "How digital are the services in nursing homes?",
        },
        {  # nursing homes are also an option of the ranking of service areas
            "code": "service-area-progress",
            "text": "Which service areas are furthest along in digitalisation, and which least?",
        },
    ]


async def test_get_query_is_allowed(client):
    response = await client.get("/graphql", params={"query": "{ segments { code } }"})
    assert response.status_code == 200
    assert response.json() == {
        "data": {"segments": [{"code": "all"}]},
        "extensions": {"cost": {"requested": 11, "actual": 2, "maximum": 50000}},
    }


async def test_browser_get_serves_graphiql(client):
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


@pytest.mark.parametrize(
    ("query", "message", "code"),
    [
        ("{ shares(", "Syntax Error: Expected Name, found <EOF>.", None),
        ("{ xyzzy }", "Cannot query field 'xyzzy' on type 'Query'.", None),
        (
            "{ shares(first: 1001) { totalCount } }",
            "first must be between 1 and 1000, not 1001",
            "/problems/invalid-parameter",
        ),
        (
            "{ shares(first: 0) { totalCount } }",
            "first must be between 1 and 1000, not 0",
            "/problems/invalid-parameter",
        ),
        (
            '{ shares(after: "xyz") { totalCount } }',
            "after is not a cursor from this API: pass the `next` value unchanged",
            "/problems/invalid-parameter",
        ),
        (
            "{ shares(filter: {waves: [2014]}) { totalCount } }",
            "wave=2014 is not known; known values: 2015, 2016, 2017",
            "/problems/unknown-code",
        ),
        (
            '{ indicator(code: "action-plan") { series(segment: "size:x") { value } } }',
            "segment=size:x is not known; known values: all",
            "/problems/unknown-code",
        ),
        (
            '{ questions(topics: ["Bad Topic"]) { code } }',
            "topics='Bad Topic' is not a code: codes are lowercase letters, digits and - _ . : "
            "(at most 128 characters)",
            "/problems/invalid-parameter",
        ),
    ],
)
async def test_client_mistakes_keep_their_message(client, query, message, code):
    body = await graphql(client, query)
    assert [error["message"] for error in body["errors"]] == [message]
    assert body["errors"][0].get("extensions", {}).get("code") == code


async def test_unexpected_error_is_masked(client, broken_topics):
    body = await graphql(client, "{ topics { code } }")
    assert body["errors"][0]["message"] == "Unexpected error."
    assert broken_topics not in str(body)


async def test_only_unexpected_errors_are_logged(client, broken_topics, caplog):
    await graphql(client, "{ shares(first: 0) { totalCount } }")
    assert caplog.records == []
    await graphql(client, "{ topics { code } }")
    assert [broken_topics in record.getMessage() for record in caplog.records] == [True]
