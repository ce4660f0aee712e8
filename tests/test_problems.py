"""Bad input, tried as a new user would: a clear 4xx problem, never a 500 or a traceback."""

import httpx
import pytest

pytestmark = pytest.mark.anyio

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    ("path", "params", "status", "title", "parameter", "detail"),
    [
        (
            "/api/v1/indicators/nope",
            {},
            404,
            "Not found",
            None,
            "There is no indicator with code 'nope'",
        ),
        (
            "/api/v1/questions/nope",
            {},
            404,
            "Not found",
            None,
            "There is no question with code 'nope'",
        ),
        ("/api/v1/surveys/nope", {}, 404, "Not found", None, "There is no survey with code 'nope'"),
        (
            "/api/v1/nope",
            {},
            404,
            "Not found",
            None,
            "Nothing is published at /api/v1/nope; the API starts at /api/v1",
        ),
        (
            "/api/v1/shares",
            {"question": "nope"},
            400,
            "Unknown code",
            "question",
            "question=nope is not known; known values: action-plan, expected-effects, "
            "ict-contributed-quality, priority, service-area-nursing-homes, service-area-planning,"
            " service-area-progress",
        ),
        (
            "/api/v1/shares",
            {"wave": "2014"},
            400,
            "Unknown code",
            "wave",
            "wave=2014 is not known; known values: 2015, 2016, 2017",
        ),
        (
            "/api/v1/shares",
            {"wave": "15"},
            400,
            "Invalid parameter",
            "wave",
            "wave='15' is not a year such as 2017",
        ),
        (
            "/api/v1/shares",
            {"limit": "-1"},
            400,
            "Invalid parameter",
            "limit",
            "limit must be between 1 and 1000, not -1",
        ),
        (
            "/api/v1/shares",
            {"limit": "0"},
            400,
            "Invalid parameter",
            "limit",
            "limit must be between 1 and 1000, not 0",
        ),
        (
            "/api/v1/shares",
            {"limit": "1001"},
            400,
            "Invalid parameter",
            "limit",
            "limit must be between 1 and 1000, not 1001",
        ),
        (
            "/api/v1/shares",
            {"limit": "100000"},
            400,
            "Invalid parameter",
            "limit",
            "limit must be between 1 and 1000, not 100000",
        ),
        (
            "/api/v1/shares",
            {"limit": "ten"},
            400,
            "Invalid parameter",
            "limit",
            "limit='ten' is not a whole number",
        ),
        (
            "/api/v1/shares",
            {"lang": "xx"},
            400,
            "Invalid parameter",
            "lang",
            "lang='xx' is not offered; use one of: nb, nn, en",
        ),
        (
            "/api/v1/indicators/action-plan",
            {"lang": "xx"},
            400,
            "Invalid parameter",
            "lang",
            "lang='xx' is not offered; use one of: nb, nn, en",
        ),
        (
            "/api/v1/shares",
            {"cursor": "garbage"},
            400,
            "Invalid parameter",
            "cursor",
            "cursor is not a cursor from this API: pass the `next` value unchanged",
        ),
        (
            "/api/v1/shares",
            {"cursor": "s1.!!!!"},
            400,
            "Invalid parameter",
            "cursor",
            "cursor is not a cursor from this API: pass the `next` value unchanged",
        ),
        (
            "/api/v1/shares",
            {"cursor": "s1.LTEuMi4zLjQ"},
            400,
            "Invalid parameter",
            "cursor",
            "cursor is not a cursor from this API: pass the `next` value unchanged",
        ),
        (
            "/api/v1/shares",
            {"status": "guessed"},
            400,
            "Invalid parameter",
            "status",
            "status='guessed' is not a status; use: published, approximate, qualitative, "
            "not_published",
        ),
        (
            "/api/v1/shares",
            {"question": "Not A Code"},
            400,
            "Invalid parameter",
            "question",
            "question='Not A Code' is not a code: codes are lowercase letters, digits and - _ . : "
            "(at most 128 characters)",
        ),
        (
            "/api/v1/shares",
            {"question": "action-plan,"},
            400,
            "Invalid parameter",
            "question",
            "question has an empty value; give codes separated by commas",
        ),
        (
            "/api/v1/shares",
            {"limits": "5"},
            400,
            "Invalid parameter",
            "limits",
            "limits is not a parameter here; allowed: as_of, csv_dialect, cursor, format, lang,"
            " limit, option, question, segment, sparse, status, survey, updated_after, wave",
        ),
        (
            "/api/v1/indicators/action-plan",
            {"segment": "size:lt5000"},
            400,
            "Unknown code",
            "segment",
            "segment=size:lt5000 is not known; known values: all",
        ),
        (
            "/api/v1/questions",
            {"q": "x" * 201},
            400,
            "Invalid parameter",
            "q",
            "q is longer than 200 characters",
        ),
    ],
)
async def test_bad_request_is_a_problem(client, path, params, status, title, parameter, detail):
    response = await client.get(path, params=params)
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["title"] == title
    assert body["status"] == status
    assert body["detail"] == detail
    assert body["instance"] == path
    if parameter:
        assert body["errors"] == [{"parameter": parameter, "detail": detail}]


async def test_limit_at_maximum_is_accepted(client):
    response = await client.get("/api/v1/shares", params={"limit": "1000"})
    assert response.status_code == 200


async def test_repeated_single_value_parameter(client):
    response = await client.get("/api/v1/shares", params=[("limit", "5"), ("limit", "6")])
    assert response.status_code == 400
    assert response.json()["detail"] == "give limit once, not 2 times"


async def test_wrong_method_is_a_problem(client):
    response = await client.post("/api/v1/shares", json={})
    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["title"] == "Method not allowed"


async def test_unexpected_error_is_a_bare_500(app, broken_topics):
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/api/v1/topics")
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert response.json() == {
        "type": "about:blank",
        "title": "Internal server error",
        "status": 500,
        "detail": "The error is logged; please try again later.",
        "instance": "/api/v1/topics",
    }
    assert broken_topics not in response.text


async def test_index_checks_the_language(client):
    response = await client.get("/api/v1/", params={"lang": "xx"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"parameter": "lang", "detail": "lang='xx' is not offered; use one of: nb, nn, en"}
    ]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"{not json", "Unable to parse request body as JSON"),
        (b"{}", "No GraphQL query found in the request"),
        (b'"a string"', "The request body must be a JSON object with a `query`"),
    ],
)
async def test_graphql_request_it_cannot_take_is_a_problem(client, body, detail):
    response = await client.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/bad-graphql-request",
        "title": "Bad GraphQL request",
        "status": 400,
        "detail": detail,
        "instance": "/graphql",
    }
