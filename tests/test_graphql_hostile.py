"""Hostile GraphQL documents and requests: each is answered with the client's error within
the issue's 100 ms, and a normal request sent at the same moment is answered as fast."""

import asyncio
import base64
import gc
import hashlib
import logging
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

import httpx
import pytest

from tests.conftest import count_queries, data_statements
from tests.network_helpers import served
from tests.test_graphql_limits import serve

pytestmark = pytest.mark.anyio

NORMAL = {"query": "{ segments { code } }"}
BOUND = 0.1  # seconds: the issue's bound for a hostile document and a normal request


@asynccontextmanager
async def fresh_client(database_url, **settings):
    """A client of a new app, so that no document is kept from an earlier request.

    The objects the app made at start are moved out of the collector's sight, as a worker
    of `kommunedigi serve` does (api.app's lifespan): otherwise a full collection over
    everything the test session has made may fall inside a timed request."""
    async with serve(database_url, **{"response_cache_bytes": 0, **settings}) as served:
        gc.collect()
        gc.freeze()
        try:
            yield served
        finally:
            gc.unfreeze()


async def timed(client, body):
    started = time.perf_counter()
    response = await client.post("/graphql", json=body)
    return response, time.perf_counter() - started


async def race(database_url, body, **settings):
    """The hostile answer and the normal one sent with it, and both times; the best of
    three fresh apps, as the machine running the tests is shared."""
    tries = []
    for _ in range(3):
        async with fresh_client(database_url, **settings) as (client, app):
            await client.post("/graphql", json=NORMAL)  # its document is kept from now on
            (answer, seconds), (normal_answer, normal_seconds) = await asyncio.gather(
                timed(client, body), timed(client, NORMAL)
            )
            tries.append((answer, seconds, normal_answer, normal_seconds))
    return min(tries, key=lambda found: max(found[1], found[3]))


def fan_out(levels, spreads, selection="segments { code }"):
    """Fragments that each spread the one before `spreads` times, `levels` deep."""
    parts = [f"fragment F0 on Query {{ {selection} }}"]
    parts += [
        f"fragment F{level} on Query {{ {' '.join([f'...F{level - 1}'] * spreads)} }}"
        for level in range(1, levels + 1)
    ]
    return f"{{ ...F{levels} }} " + " ".join(parts)


def nested_fan_out(levels):
    """Fragments on Survey that nest two fields deeper at each level, spread twice."""
    parts = ["fragment S0 on Survey { code }"]
    parts += [
        f"fragment S{level} on Survey {{ waves {{ survey {{ {spread} {spread} }} }} }}"
        for level in range(1, levels + 1)
        for spread in [f"...S{level - 1}"]
    ]
    return f"{{ surveys {{ ...S{levels} }} }} " + " ".join(parts)


def repeated(count, selection="surveys { code }"):
    return "{ " + " ".join([selection] * count) + " }"


def many_fragments(count):
    fragments = " ".join(f"fragment A{i} on Query {{ surveys {{ code }} }}" for i in range(count))
    return "{ " + " ".join(f"...A{i}" for i in range(count)) + " } " + fragments


def costly(fields):
    return (
        f"This query could return about {fields:,} fields, more than the limit of 50,000"
        " (graphql_max_cost): ask for smaller pages (`first`) or fewer nested lists, and"
        " page through the rest."
    )


COMPARED = (
    "This document selects fields of the same name, directly or through fragments, too many"
    " times to check that they agree: the check stopped after 5,000 comparisons"
    " (graphql_max_field_comparisons). Select each field once in a selection set and spread"
    " each fragment once."
)

# (name, document, messages): each is refused before any data is read.
HOSTILE = [
    ("10 spreads a level, 6 levels", fan_out(6, 10), [costly(11 * 10**6)]),
    ("10 spreads a level, 11 levels", fan_out(11, 10), [costly(11 * 10**11)]),
    ("2 spreads a level, 20 levels", fan_out(20, 2), [costly(11 * 2**20)]),
    ("2 spreads a level, 60 levels", fan_out(60, 2), [costly(11 * 2**60)]),
    (
        "aliases spread 10 times, 6 levels",
        fan_out(6, 10, "a: segments { code }"),
        ["1000000 aliases found. Allowed: 30"],
    ),
    (
        "nesting spread twice, 9 levels",
        nested_fan_out(9),
        ["'anonymous' exceeds maximum operation depth of 10"],
    ),
    ("390 repeated selections", repeated(390), [COMPARED]),
    ("499 repeated selections", repeated(499), [COMPARED]),
    ("999 repeated __typename", repeated(999, "__typename"), [COMPARED]),
    ("140 fragments of the same fields", many_fragments(140), [COMPARED]),
]


@pytest.mark.parametrize(("name", "document", "messages"), HOSTILE, ids=[h[0] for h in HOSTILE])
async def test_hostile_document_is_refused_quickly_beside_a_normal_request(
    database_url, name, document, messages
):
    answer, seconds, normal, normal_seconds = await race(database_url, {"query": document})
    assert answer.status_code == 400  # a request error, in application/graphql-response+json
    assert "data" not in answer.json()
    assert [error["message"] for error in answer.json()["errors"]] == messages
    assert normal.json() == {
        "data": {"segments": [{"code": "all"}]},
        "extensions": {"cost": {"requested": 11, "actual": 2, "maximum": 50000}},
    }
    assert seconds < BOUND and normal_seconds < BOUND, (seconds, normal_seconds)


async def test_depth_error_points_at_the_first_field_too_deep(client):
    document = nested_fan_out(9)
    response = await client.post("/graphql", json={"query": document})
    (error,) = response.json()["errors"]
    # { surveys { ...S9 } }: S9 at level 1, S8 at 3, ... S5 at 9, its `survey` at 10 and
    # the spreads of S4 within at 11.
    position = document.index("fragment S5") + len("fragment S5 on Survey { waves { survey { ")
    assert error["locations"] == [{"line": 1, "column": position + 1}]


async def test_repeated_selection_is_answered_within_the_comparisons(database_url):
    async with fresh_client(database_url, graphql_max_field_comparisons=100) as (client, _):
        allowed = await client.post("/graphql", json={"query": repeated(6, "segments { code }")})
        refused = await client.post("/graphql", json={"query": repeated(7, "segments { code }")})
    # Each of the six selections is estimated; they merge into one field in the answer.
    assert allowed.json() == {
        "data": {"segments": [{"code": "all"}]},
        "extensions": {"cost": {"requested": 66, "actual": 2, "maximum": 50000}},
    }
    assert [error["message"] for error in refused.json()["errors"]] == [
        COMPARED.replace("5,000", "100")
    ]


async def test_real_conflict_is_still_reported(client):
    response = await client.post("/graphql", json={"query": "{ surveys { x: code x: title } }"})
    assert [error["message"] for error in response.json()["errors"]] == [
        "Fields 'x' conflict because 'code' and 'title' are different fields."
        " Use different aliases on the fields to fetch both if this was intentional."
    ]


async def test_document_varied_by_comments_and_spaces_is_checked_once(database_url, monkeypatch):
    from strawberry.schema.schema import validate_document

    validated = []

    def counted(*args):
        validated.append(args[1])
        return validate_document(*args)

    monkeypatch.setattr("api.graphql.documents.validate_document", counted)
    document = "{ segments { code nope } }"
    variants = [document, f"# a comment\n{document}", document.replace(" ", "  ,  ")]
    async with fresh_client(database_url) as (client, _):
        answers = [await client.post("/graphql", json={"query": text}) for text in variants]
    assert len(validated) == 1
    message = "Cannot query field 'nope' on type 'Segment'. Did you mean 'code'?"
    # Each error is placed in the text that was sent, not the one first checked.
    column = document.index("nope") + 1
    assert [answer.json()["errors"] for answer in answers] == [
        [{"message": message, "locations": [{"line": 1, "column": column}]}],
        [{"message": message, "locations": [{"line": 2, "column": column}]}],
        [{"message": message, "locations": [{"line": 1, "column": variants[2].index("nope") + 1}]}],
    ]


async def test_kept_answer_is_found_through_a_comment_but_not_through_a_string(app):
    query = '{ questions(q: "kommunen effekt") { code } }'
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        first = await client.post("/graphql", json={"query": query})
        with count_queries(app.state.engine) as statements:
            commented = await client.post("/graphql", json={"query": f"# again\n{query}"})
        spaced = await client.post(
            "/graphql", json={"query": query.replace("kommunen effekt", "kommunen  effekt")}
        )
    assert first.json() == {
        "data": {"questions": [{"code": "expected-effects"}]},
        "extensions": {"cost": {"requested": 11, "actual": 2, "maximum": 50000}},
    }
    assert commented.content == first.content
    assert data_statements(statements) == []
    assert spaced.json() == {
        "data": {"questions": []},
        "extensions": {"cost": {"requested": 11, "actual": 1, "maximum": 50000}},
    }


def problems_logged(caplog):
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


NESTED_PREFIX = (
    b'{"query": "query ($x: [Int]) { shares(first: 1) { totalCount } }", "variables": {"x": '
)


def nested_json(levels):
    """A request whose variable is `levels` arrays deep, as raw JSON."""
    return NESTED_PREFIX + b"[" * levels + b"]" * levels + b"}}"


@pytest.mark.parametrize(("levels", "max_bytes"), [(9_000, 20_000), (100_000, 250_000)])
async def test_deeply_nested_variables_are_a_problem(database_url, caplog, levels, max_bytes):
    # A GraphQL URL may be as long as a body, and it must fit a request's head.
    limits = {"graphql_max_query_bytes": max_bytes, "max_header_bytes": 2 * max_bytes}
    async with fresh_client(database_url, **limits) as (client, _):
        started = time.perf_counter()
        response = await client.post(
            "/graphql",
            content=nested_json(levels),
            headers={"Content-Type": "application/json"},
        )
        seconds = time.perf_counter() - started
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "/problems/bad-graphql-request",
        "title": "Bad GraphQL request",
        "status": 400,
        "detail": "The request body nests JSON arrays or objects more than 1,024 deep:"
        " send variables nested less deeply",
        "instance": "/graphql",
    }
    assert problems_logged(caplog) == []
    assert seconds < BOUND


SHARES = "query ($n: Int) { shares(first: $n) { totalCount } }"
FILTERED = "query ($f: ShareFilterInput) { shares(filter: $f) { totalCount } }"

# (name, query, variables, message): the client's own mistake, said as graphql-core says it.
CLIENT_ERRORS = [
    (
        "text for an Int",
        SHARES,
        {"n": "ten"},
        "Variable '$n' has invalid value: Int cannot represent non-integer value: 'ten'",
    ),
    (
        "a list for an Int",
        SHARES,
        {"n": [1, 2]},
        "Variable '$n' has invalid value: Int cannot represent non-integer value: [1, 2]",
    ),
    (
        "text in a filter's list of Ints",
        FILTERED,
        {"f": {"waves": "x"}},
        "Variable '$f' has invalid value at .waves: Int cannot represent non-integer value: 'x'",
    ),
    (
        "10**40 in a variable",
        SHARES,
        {"n": 10**40},
        "Variable '$n' has invalid value: Int cannot represent non 32-bit signed integer"
        " value: 1e+40",
    ),
    (
        "10**40 as a literal",
        f"{{ shares(first: {10**40}) {{ totalCount }} }}",
        {},
        f"Int cannot represent non 32-bit signed integer value: {10**40}",
    ),
    (
        "10**40 as a variable's default",
        f"query ($n: Int = {10**40}) {{ shares(first: $n) {{ totalCount }} }}",
        {},
        f"Int cannot represent non 32-bit signed integer value: {10**40}",
    ),
    (
        "5,000 digits as a literal",
        "{ shares(first: %s) { totalCount } }" % ("1" * 5000),
        {},
        "Int cannot represent non 32-bit signed integer value: 111111111111…1111"
        " (5,000 characters)",
    ),
    (
        "5,000 digits in a filter",
        "{ shares(filter: {waves: [%s]}) { totalCount } }" % ("9" * 5000),
        {},
        "Int cannot represent non 32-bit signed integer value: 999999999999…9999"
        " (5,000 characters)",
    ),
]


@pytest.mark.parametrize(
    ("name", "query", "variables", "message"), CLIENT_ERRORS, ids=[c[0] for c in CLIENT_ERRORS]
)
async def test_wrong_value_is_the_clients_error_and_not_logged(
    database_url, caplog, name, query, variables, message
):
    times = []
    for _ in range(3):  # the best of three fresh apps, as the machine running the tests is shared
        async with fresh_client(database_url) as (client, app):
            await client.post("/graphql", json=NORMAL)  # what a first request does once is done
            with count_queries(app.state.engine) as statements:
                started = time.perf_counter()
                body = {"query": query, "variables": variables}
                response = await client.post("/graphql", json=body)
                times.append(time.perf_counter() - started)
        assert response.status_code == 400  # a request error: variables that do not fit
        assert "data" not in response.json()
        assert [error["message"] for error in response.json()["errors"]] == [message]
        assert problems_logged(caplog) == []
        assert data_statements(statements) == []
    assert min(times) < BOUND, times


async def test_graphiql_page_has_a_policy_allowing_what_it_loads(client):
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["content-security-policy"].split(";")
    )
    page = response.text
    scripts = [part.split('"')[0] for part in page.split('src="')[1:]]
    sheets = [
        part.split('href="')[1].split('"')[0]
        for part in page.split("<link")[1:]
        if 'rel="stylesheet"' in part
    ]
    inline = page.split("<script>")[1].split("</script>")[0]
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    assert len(scripts) == 4 and len(sheets) == 2
    # Every file comes from this server: the policy names no other host.
    assert all(url.startswith("/graphql/ide/") for url in [*scripts, *sheets])
    assert policy == {
        "default-src": "'none'",
        "script-src": f"'self' 'sha256-{digest}'",
        "style-src": "'self' 'unsafe-inline'",
        "font-src": "data:",
        "img-src": "'self' data:",
        "connect-src": "'self'",
        "base-uri": "'none'",
        "form-action": "'none'",
        "frame-ancestors": "'self'",
    }


SERVED_BOUND = 0.5  # seconds, through a real socket on a shared machine


def post_timed(base, body):
    started = time.perf_counter()
    response = httpx.post(f"{base}/graphql", json=body, timeout=30)
    return response, time.perf_counter() - started


def test_served_worker_answers_fan_out_beside_a_normal_request_and_stops_on_sigterm(
    database_url,
):
    environment = {"KOMMUNEDIGI_RESPONSE_CACHE_BYTES": "0"}
    with served(database_url, environment) as (server, base), ThreadPoolExecutor(2) as pool:
        post_timed(base, NORMAL)  # its document is kept from now on
        hostile = pool.submit(post_timed, base, {"query": fan_out(11, 10)})
        normal = pool.submit(post_timed, base, NORMAL)
        (answer, seconds), (normal_answer, normal_seconds) = hostile.result(), normal.result()
        # Another, under way when the server is told to stop.
        pool.submit(post_timed, base, {"query": fan_out(12, 10)})
        time.sleep(0.01)
        server.send_signal(signal.SIGTERM)
        started = time.monotonic()
        server.wait(timeout=20)
        stopping = time.monotonic() - started
    assert [error["message"] for error in answer.json()["errors"]] == [costly(11 * 10**11)]
    assert normal_answer.json() == {
        "data": {"segments": [{"code": "all"}]},
        "extensions": {"cost": {"requested": 11, "actual": 2, "maximum": 50000}},
    }
    assert seconds < SERVED_BOUND and normal_seconds < SERVED_BOUND, (seconds, normal_seconds)
    assert stopping < 3
