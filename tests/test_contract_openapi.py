"""The committed REST contract, openapi/openapi.yaml, checked against the app that serves it.

The document is hand-written: these tests keep it honest. Every route of the app is in it
and nothing else; real responses (successes and errors) validate against the schema of
their operation, status and media type; and /openapi.json serves the file unchanged.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import orjson
import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route
from starlette.schemas import SchemaGenerator

from api.app import create_app
from api.settings import Settings
from models.migrate import upgrade
from tests.conftest import NO_RATE_LIMITS, ROOT
from tests.network_helpers import free_port
from tests.test_concurrent_imports import release_lock_held
from tests.test_faults import read_only

pytestmark = pytest.mark.anyio

SPEC_FILE = Path(__file__).resolve().parent.parent / "openapi" / "openapi.yaml"
SPEC_URI = "urn:kommunedigi:openapi"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}

# Routes registered with include_in_schema=False that the contract documents all the same.
HIDDEN_ROUTES = {("/graphql", "get"), ("/graphql", "post")}

# Response headers that carry meaning for clients: if the app sends one, the contract says so.
MEANINGFUL_HEADERS = {"content-language", "link", "retry-after", "content-disposition"}

# A real code for each detail endpoint of the seeded database.
REAL_CODES = {
    "/api/v1/surveys/{code}": "kommuneundersokelsen",
    "/api/v1/questions/{code}": "expected-effects",
    "/api/v1/indicators/{code}": "expected-better-quality",
    "/api/v1/surveys/{code}/data": "kommuneundersokelsen",
    "/api/v1/questions/{code}/data": "expected-effects",
    "/api/v1/questions/{code}/citation": "expected-effects",
    "/api/v1/indicators/{code}/citation": "expected-better-quality",
    "/api/v1/indicators/{code}.csv": "expected-better-quality",
    "/api/v1/indicators/{code}.metadata.json": "expected-better-quality",
    "/api/v1/indicators/{code}.zip": "expected-better-quality",
    "/indicators/{code}": "expected-better-quality",
    "/questions/{code}": "expected-effects",
}
# A real path for each template with more than one part to fill in.
REAL_PATHS = {
    "/api/v1/figures/{survey}/{wave}/{question}/{option}/{segment}": (
        "/api/v1/figures/kommuneundersokelsen/2017/action-plan/yes/all"
    ),
}

# Besides /api/v1, the routes whose parameters are checked as the API's are (api.params).
CHECKED_PARAMETERS = ("/charts/", "/embed/", "/oembed", "/indicators/", "/questions/")


@cache
def load_spec() -> dict[str, Any]:
    with SPEC_FILE.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    return spec


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return load_spec()


# Walking the document -----------------------------------------------------------------


def escape(token: str) -> str:
    """One JSON Pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def follow(spec: dict[str, Any], pointer: str) -> tuple[Any, str]:
    """The object at `pointer`, following `$ref`s to local components; and its real pointer."""
    node: Any = spec
    for token in pointer.split("/")[1:]:
        key = token.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), f"only local references are expected, not {ref}"
        return follow(spec, ref[1:])
    return node, pointer


def operations(spec: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (path, method)
        for path, item in spec["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


def template_of(spec: dict[str, Any], path: str) -> str:
    """The path template of the document that a concrete request path matches; of several
    (`/indicators/{code}` and `/indicators/{code}.csv`), the one with the most fixed text,
    as the app's route table lists the longer first."""
    found: list[str] = [
        template
        for template in spec["paths"]
        if re.fullmatch(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template)), path)
    ]

    def fixed_text(template: str) -> int:
        return len(re.sub(r"\{\w+\}", "", template))

    found.sort(key=fixed_text, reverse=True)
    assert found, f"{path} matches no path of the document"
    assert len(found) == 1 or fixed_text(found[0]) > fixed_text(found[1]), (
        f"{path} matches {found} of the document alike"
    )
    return found[0]


def parameters(spec: dict[str, Any], template: str, method: str) -> dict[tuple[str, str], Any]:
    """The parameters of an operation by (location, name), path-level ones included."""
    base = f"/paths/{escape(template)}"
    found: dict[tuple[str, str], Any] = {}
    for pointer in (base, f"{base}/{method}"):
        item, _ = follow(spec, pointer)
        for index in range(len(item.get("parameters", []))):
            parameter, _ = follow(spec, f"{pointer}/parameters/{index}")
            found[(parameter["in"], parameter["name"])] = parameter
    return found


@cache
def registry() -> Registry[Any]:
    resource = DRAFT202012.create_resource(load_spec())
    found: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
    return found


def validator(pointer: str) -> Draft202012Validator:
    """A validator for the schema at `pointer`, whose `#/components/...` refs resolve."""
    return Draft202012Validator(
        {"$ref": f"{SPEC_URI}#{pointer}"},
        registry=registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def assert_valid(pointer: str, instance: Any, what: str) -> None:
    """Fail with every way `instance` breaks the schema at `pointer`, one per line."""
    errors = [
        f"  {'/'.join(str(part) for part in error.absolute_path) or '(top)'}: {error.message}"
        for error in validator(pointer).iter_errors(instance)
    ]
    assert not errors, f"{what} breaks {pointer}:\n" + "\n".join(errors[:20])


def problem_catalogue(spec: dict[str, Any]) -> dict[str, set[int]]:
    """Each documented problem type and the statuses of the answers that carry it."""
    found: dict[str, set[int]] = {}
    for entry in spec["components"]["schemas"]["ProblemType"]["oneOf"]:
        statuses = entry["x-status"]
        assert entry["const"] not in found, f"{entry['const']} is listed twice"
        found[entry["const"]] = set(statuses if isinstance(statuses, list) else [statuses])
    return found


def assert_types_are_catalogued(
    spec: dict[str, Any], status: int, media_type: str, payload: Any
) -> None:
    """A problem's type is listed with its status; a GraphQL error's code is listed."""
    catalogue = problem_catalogue(spec)
    if media_type == "application/problem+json":
        assert status in catalogue.get(payload["type"], set()), (
            f"{payload['type']} answered with {status}: not so in ProblemType"
        )
    elif media_type == "application/json" and isinstance(payload, dict):
        for error in payload.get("errors") or []:
            code = (error.get("extensions") or {}).get("code")
            assert code is None or code in catalogue, f"{code} is not in ProblemType"


# Walking the app ----------------------------------------------------------------------


def app_operations(app: Starlette) -> set[tuple[str, str]]:
    found = SchemaGenerator({}).get_endpoints(app.routes)
    return {(endpoint.path, endpoint.http_method.lower()) for endpoint in found} | HIDDEN_ROUTES


def hidden_routes(routes: list[BaseRoute], prefix: str = "") -> set[tuple[str, str]]:
    """Every (path, method) registered with include_in_schema=False, HEAD left out."""
    found: set[tuple[str, str]] = set()
    for route in routes:
        if isinstance(route, Mount):
            found |= hidden_routes(route.routes, prefix + route.path)
        elif isinstance(route, Route) and not route.include_in_schema:
            methods = route.methods or {"GET"}
            found |= {(prefix + route.path, m.lower()) for m in methods if m != "HEAD"}
    return found


# Checking one exchange against the document --------------------------------------------


async def exchange(
    client: httpx.AsyncClient,
    spec: dict[str, Any],
    method: str,
    url: str,
    status: int,
    body: Any = None,
    **sent_as: Any,
) -> httpx.Response:
    """Send a request the contract allows; check the response against the contract.

    `body` is sent as JSON; `sent_as` (content, files, headers) as httpx sends them.
    """
    method = method.lower()
    parts = urlsplit(url)
    template = template_of(spec, parts.path)
    operation_pointer = f"/paths/{escape(template)}/{method}"
    assert (template, method) in operations(spec), f"{method.upper()} {template} is not documented"

    # The request stays inside the contract: documented parameters and body only.
    documented = {name for (where, name) in parameters(spec, template, method) if where == "query"}
    sent = {name for name, _ in parse_qsl(parts.query, keep_blank_values=True)}
    assert sent <= documented, f"{url} sends undocumented parameters {sorted(sent - documented)}"
    if body is not None:
        _, request_pointer = follow(spec, f"{operation_pointer}/requestBody")
        request_schema = f"{request_pointer}/content/application~1json/schema"
        assert_valid(request_schema, body, f"the body of {method.upper()} {url}")

    request = client.build_request(method.upper(), url, json=body, **sent_as)
    media_type_sent = request.headers.get("content-type", "").split(";")[0].strip()
    if media_type_sent and status != 415:  # a 415 is the answer to an undocumented one
        request_body, _ = follow(spec, f"{operation_pointer}/requestBody")
        assert media_type_sent in request_body["content"], f"{url} sends {media_type_sent}"
    response = await client.send(request)
    assert response.status_code == status, response.text

    responses, _ = follow(spec, f"{operation_pointer}/responses")
    assert str(status) in responses, (
        f"{method.upper()} {template} answered {status}, which is not documented;"
        f" documented: {sorted(responses)}"
    )
    documented_response, response_pointer = follow(spec, f"{operation_pointer}/responses/{status}")

    media_type = response.headers["content-type"].split(";")[0].strip()
    content = documented_response.get("content", {})
    assert media_type in content, (
        f"{method.upper()} {url} answered {status} as {media_type}; documented: {sorted(content)}"
    )
    schema_pointer = f"{response_pointer}/content/{escape(media_type)}/schema"
    payload = response.json() if media_type.endswith("json") else response.text
    assert_valid(schema_pointer, payload, f"{method.upper()} {url} ({status})")
    assert_types_are_catalogued(spec, status, media_type, payload)
    if media_type == "text/csv":
        # A CSV body is only a string to the schema: check what RFC 4180 readers rely on.
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        # csv_dialect=excel-no: a byte order mark, then cells separated by semicolons
        delimiter = ";" if response.text.startswith("\ufeff") else ","
        rows = list(csv.reader(io.StringIO(response.text, newline=""), delimiter=delimiter))
        assert response.text.endswith("\r\n"), f"{url}: the last record lacks its CRLF"
        assert all(len(row) == len(rows[0]) for row in rows), f"{url}: ragged rows"

    headers = documented_response.get("headers", {})
    documented_headers = {name.lower() for name in headers}
    sent_headers = MEANINGFUL_HEADERS & set(response.headers.keys())
    assert sent_headers <= documented_headers, (
        f"{method.upper()} {url} sends {sorted(sent_headers - documented_headers)}"
        f" which the {status} response does not document"
    )
    for name in headers:
        header, header_pointer = follow(spec, f"{response_pointer}/headers/{escape(name)}")
        value = response.headers.get(name)
        if value is None:
            assert not header.get("required"), f"{method.upper()} {url} lacks header {name}"
            continue
        typed: Any = int(value) if header["schema"].get("type") == "integer" else value
        assert_valid(f"{header_pointer}/schema", typed, f"header {name} of {url}")
    return response


# The document itself ------------------------------------------------------------------


def test_document_is_valid_openapi_3_1(spec):
    assert spec["openapi"].startswith("3.1.")
    validate(spec, cls=OpenAPIV31SpecValidator)
    for schema in spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_every_operation_is_described(spec):
    missing: dict[str, list[str]] = {}
    for path, method in sorted(operations(spec)):
        operation = spec["paths"][path][method]
        absent = [
            key
            for key in ("operationId", "summary", "description", "tags", "responses")
            if not operation.get(key)
        ]
        if absent:
            missing[f"{method.upper()} {path}"] = absent
    assert missing == {}
    ids = [spec["paths"][path][method]["operationId"] for path, method in operations(spec)]
    assert len(ids) == len(set(ids)), "operationIds must be unique"


def test_object_schemas_are_closed(spec):
    """Every component object that lists its properties forbids any other."""
    open_objects: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            types = node.get("type")
            is_object = types == "object" or (isinstance(types, list) and "object" in types)
            open_by_design = where.endswith("/GraphQLRequest")  # GraphQL ignores extra keys
            if (
                is_object
                and "properties" in node
                and node.get("additionalProperties") is not False
                and not open_by_design
            ):
                open_objects.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    walk(spec["components"]["schemas"], "#/components/schemas")
    assert open_objects == []


# Problem types ------------------------------------------------------------------------

# And the codes of Apollo's persisted-query protocol, which its clients look for.
PROBLEM_TYPE = re.compile(r"/problems/[a-z0-9-]+|about:blank|PERSISTED_QUERY_[A-Z_]+")


def problem_types_in_code() -> tuple[set[str], list[str]]:
    """The problem types the code names as literals; and where it builds one at run time."""
    named: set[str] = set()
    built: list[str] = []
    for folder in ("api", "models", "seed"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    if PROBLEM_TYPE.fullmatch(node.value):
                        named.add(node.value)
                elif isinstance(node, ast.JoinedStr) and "/problems/" in ast.unparse(node):
                    built.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return named, built


async def test_every_problem_type_the_code_answers_is_catalogued(client, spec):
    named, built = problem_types_in_code()
    # The one type built at run time: a Starlette HTTPException's, by its title.
    assert [where.split(":")[0] for where in built] == ["api/problems.py"], (
        "name each problem type as a literal, so that this test finds it"
    )
    missing_path = await client.get("/api/v1/no-such-collection")
    wrong_method = await client.delete("/api/v1/surveys")
    answered = {missing_path.json()["type"], wrong_method.json()["type"]}
    assert answered == {"/problems/not-found", "/problems/method-not-allowed"}
    documented = set(problem_catalogue(spec))
    assert {
        "answered, not in ProblemType": sorted((named | answered) - documented),
        "in ProblemType, never answered": sorted(documented - named - answered),
    } == {"answered, not in ProblemType": [], "in ProblemType, never answered": []}


def test_problem_types_the_documents_name_are_catalogued(spec):
    catalogue = set(problem_catalogue(spec))
    documents = [SPEC_FILE, ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    unknown = {
        f"{found} in {document.relative_to(ROOT)}"
        for document in documents
        for found in re.findall(r"/problems/[a-z0-9-]*[a-z0-9]", document.read_text("utf-8"))
        if found not in catalogue
    }
    assert sorted(unknown) == []


# Routes -------------------------------------------------------------------------------


def test_routes_of_the_app_and_the_document_are_the_same(app, spec):
    in_app, in_spec = app_operations(app), operations(spec)
    assert {
        "served but not documented": sorted(in_app - in_spec),
        "documented but not served": sorted(in_spec - in_app),
    } == {"served but not documented": [], "documented but not served": []}


def test_the_hidden_routes_are_the_known_ones(app):
    """A new include_in_schema=False route must be added to HIDDEN_ROUTES (and documented)."""
    assert hidden_routes(app.routes) == HIDDEN_ROUTES


async def test_documented_query_parameters_are_the_accepted_ones(client, spec):
    """The app names the parameters it accepts when it rejects an unknown one."""
    mismatched: dict[str, dict[str, list[str]]] = {}
    for template, method in sorted(operations(spec)):
        if not (template.startswith(("/api/v1/", *CHECKED_PARAMETERS)) or template == "/"):
            continue
        if spec["paths"][template][method].get("security"):
            continue  # answered 401/403 before parameters: tests/test_write_api.py checks them
        path = REAL_PATHS.get(template) or template.replace("{code}", REAL_CODES.get(template, "x"))
        response = await client.request(method.upper(), f"{path}?not-a-parameter=1")
        assert response.status_code == 400, f"{template} accepted an unknown parameter"
        problem = response.json()
        assert problem["errors"][0]["parameter"] == "not-a-parameter"
        detail = problem["errors"][0]["detail"]
        assert "allowed: " in detail, f"{template}: {detail!r} does not list the allowed names"
        accepted = set(detail.split("allowed: ", 1)[1].split(", "))
        documented = {
            name for (where, name) in parameters(spec, template, method) if where == "query"
        }
        if accepted != documented:
            mismatched[template] = {
                "accepted, not documented": sorted(accepted - documented),
                "documented, not accepted": sorted(documented - accepted),
            }
    assert mismatched == {}


# Responses ----------------------------------------------------------------------------

GRAPHQL_QUERY = '{ indicator(code: "expected-better-quality") { code series { wave value } } }'
# A persisted query named by the hash of "{ segments { code } }".
PERSISTED = {
    "persistedQuery": {
        "version": 1,
        "sha256Hash": hashlib.sha256(b"{ segments { code } }").hexdigest(),
    }
}

CASES = [
    # The index and the small lists
    ("GET", "/api/v1/", None, 200),
    ("GET", "/api/v1/?lang=en", None, 200),
    ("GET", "/api/v1/config", None, 200),
    ("GET", "/api/v1/config?lang=fr", None, 400),
    ("GET", "/api/v1/surveys", None, 200),
    ("GET", "/api/v1/surveys?lang=en", None, 200),
    ("GET", "/api/v1/waves", None, 200),
    ("GET", "/api/v1/waves?survey=kommuneundersokelsen&lang=en", None, 200),
    ("GET", "/api/v1/topics", None, 200),
    ("GET", "/api/v1/segments?lang=en", None, 200),
    ("GET", "/api/v1/sources", None, 200),
    ("GET", "/api/v1/sources?lang=en", None, 200),
    # Surveys, questions and indicators, one by one
    ("GET", "/api/v1/surveys/kommuneundersokelsen", None, 200),
    ("GET", "/api/v1/surveys/no-such-survey", None, 404),
    ("GET", "/api/v1/questions", None, 200),
    ("GET", "/api/v1/questions?q=ikt&topic=expected-effects,priority&lang=en", None, 200),
    ("GET", "/api/v1/questions?survey=kommuneundersokelsen&q=nothing-matches-this", None, 200),
    ("GET", "/api/v1/questions?topic=no-such-topic", None, 400),
    ("GET", "/api/v1/questions/expected-effects", None, 200),
    ("GET", "/api/v1/questions/expected-effects?wave=2015&segment=all&lang=en", None, 200),
    ("GET", "/api/v1/questions/no-such-question", None, 404),
    ("GET", "/api/v1/indicators", None, 200),
    ("GET", "/api/v1/indicators?survey=kommuneundersokelsen&lang=en", None, 200),
    ("GET", "/api/v1/indicators/expected-better-quality", None, 200),
    ("GET", "/api/v1/indicators/ict-contributed-quality?segment=all&lang=en", None, 200),
    ("GET", "/api/v1/indicators/high-priority", None, 200),
    ("GET", "/api/v1/indicators/no-such-indicator", None, 404),
    ("GET", "/api/v1/indicators/expected-better-quality?segment=nobody", None, 400),
    # The shares table
    ("GET", "/api/v1/shares", None, 200),
    ("GET", "/api/v1/shares?limit=2", None, 200),
    ("GET", "/api/v1/shares?wave=2015&wave=2017&status=published,approximate", None, 200),
    ("GET", "/api/v1/shares?status=qualitative,not_published&lang=en", None, 200),
    (
        "GET",
        "/api/v1/shares?survey=kommuneundersokelsen&question=expected-effects"
        "&option=better-quality&segment=all&limit=1000",
        None,
        200,
    ),
    ("GET", "/api/v1/shares?limit=0", None, 400),
    ("GET", "/api/v1/shares?limit=1001", None, 400),
    ("GET", "/api/v1/shares?wave=15", None, 400),
    ("GET", "/api/v1/shares?wave=1999", None, 400),
    ("GET", "/api/v1/shares?status=lost", None, 400),
    ("GET", "/api/v1/shares?cursor=not-a-cursor", None, 400),
    ("GET", "/api/v1/surveys?lang=de", None, 400),
    # One figure at its own address
    ("GET", "/api/v1/figures/kommuneundersokelsen/2017/action-plan/yes/all", None, 200),
    (
        "GET",
        "/api/v1/figures/kommuneundersokelsen/2015/priority/high-or-very-high/all?lang=en&as_of=1",
        None,
        200,
    ),
    ("GET", "/api/v1/figures/kommuneundersokelsen/2016/action-plan/yes/all", None, 404),
    ("GET", "/api/v1/figures/kommuneundersokelsen/2017/action-plan/no/all", None, 404),
    ("GET", "/api/v1/figures/kommuneundersokelsen/17/action-plan/yes/all", None, 400),
    ("GET", "/api/v1/figures/kommuneundersokelsen/2017/action-plan/yes/all?as_of=9", None, 400),
    # Data files: CSV and JSON-stat
    ("GET", "/api/v1/shares?format=csv", None, 200),
    ("GET", "/api/v1/shares?format=csv&question=expected-effects&lang=en", None, 200),
    ("GET", "/api/v1/shares?format=jsonstat", None, 200),
    ("GET", "/api/v1/shares?format=json-stat2&status=qualitative&lang=en", None, 200),
    ("GET", "/api/v1/shares?format=jsonstat&question=no-such-question", None, 400),
    ("GET", "/api/v1/shares?format=csv&limit=10", None, 400),
    ("GET", "/api/v1/shares?format=px", None, 400),
    # Downloads for people: Excel in Norwegian, workbooks, sparse JSON-stat
    ("GET", "/api/v1/shares?format=xlsx&question=priority", None, 200),
    ("GET", "/api/v1/shares?format=csv&csv_dialect=excel-no", None, 200),
    ("GET", "/api/v1/shares?format=json&csv_dialect=excel-no", None, 400),
    ("GET", "/api/v1/surveys/kommuneundersokelsen/data?csv_dialect=excel-no", None, 200),
    ("GET", "/api/v1/surveys/kommuneundersokelsen/data?format=xlsx", None, 200),
    ("GET", "/api/v1/surveys/kommuneundersokelsen/data?format=jsonstat&sparse=true", None, 200),
    ("GET", "/api/v1/surveys/kommuneundersokelsen/data?sparse=true", None, 400),
    ("GET", "/api/v1/questions/priority/data?sparse=true", None, 200),
    ("GET", "/api/v1/questions/priority?format=xlsx", None, 200),
    ("GET", "/api/v1/indicators/action-plan?format=xlsx", None, 200),
    ("GET", "/api/v1/indicators/action-plan?format=csv&csv_dialect=excel-no", None, 200),
    ("GET", "/api/v1/indicators/action-plan.csv?csv_dialect=excel-no", None, 200),
    ("GET", "/api/v1/questions/expected-effects?format=csv", None, 200),
    ("GET", "/api/v1/questions/service-area-planning?format=jsonstat&lang=en", None, 200),
    ("GET", "/api/v1/questions/expected-effects?format=jsonstat&wave=2017", None, 200),
    ("GET", "/api/v1/questions/expected-effects?format=jsonstat&wave=2014", None, 400),
    ("GET", "/api/v1/questions/no-such-question?format=csv", None, 404),
    ("GET", "/api/v1/indicators/ict-contributed-quality?format=csv", None, 200),
    ("GET", "/api/v1/indicators/ict-contributed-quality?format=jsonstat&lang=en", None, 200),
    ("GET", "/api/v1/indicators/no-such-indicator?format=jsonstat", None, 404),
    ("GET", "/api/v1/surveys/kommuneundersokelsen/data", None, 200),
    ("GET", "/api/v1/surveys/kommuneundersokelsen/data?format=jsonstat&lang=en", None, 200),
    ("GET", "/api/v1/surveys/kommuneundersokelsen/data?format=json", None, 400),
    ("GET", "/api/v1/surveys/no-such-survey/data", None, 404),
    # PxWebApi-style selections
    ("GET", "/api/v1/questions/expected-effects/data", None, 200),
    ("GET", "/api/v1/questions/expected-effects/data?valueCodes[wave]=top(1)", None, 200),
    (
        "GET",
        "/api/v1/questions/service-area-planning/data?valueCodes[wave]=2015"
        "&valueCodes[option]=[range(all-digital,most-paper)]&valueCodes[segment]=*"
        "&outputFormat=csv&lang=en",
        None,
        200,
    ),
    ("GET", "/api/v1/questions/expected-effects/data?format=json-stat2", None, 200),
    ("GET", "/api/v1/questions/expected-effects/data?outputFormat=xlsx", None, 200),
    ("GET", "/api/v1/questions/service-area-planning/data?outputFormat=px&lang=en", None, 200),
    ("GET", "/api/v1/questions/priority/data?outputFormat=html", None, 200),
    ("GET", "/api/v1/questions/expected-effects/data?outputFormat=json-px", None, 200),
    ("GET", "/api/v1/questions/expected-effects/data?outputFormat=parquet", None, 400),
    ("GET", "/api/v1/questions/expected-effects/data?valueCodes[wave]=2014", None, 400),
    ("GET", "/api/v1/questions/expected-effects/data?valueCodes[wave]=top(x)", None, 400),
    ("GET", "/api/v1/questions/expected-effects/data?outputFormat=csv&format=csv", None, 400),
    ("GET", "/api/v1/questions/no-such-question/data", None, 404),
    # Figures as of a release (the seed is release 1, made after every date given here)
    ("GET", "/api/v1/shares?as_of=1", None, 200),
    ("GET", "/api/v1/shares?as_of=1&format=jsonstat&question=expected-effects", None, 200),
    ("GET", "/api/v1/shares?as_of=2018-01-24", None, 400),
    ("GET", "/api/v1/shares?as_of=2018-01-24T12:00:00%2B01:00", None, 400),
    ("GET", "/api/v1/shares?as_of=999", None, 400),
    ("GET", "/api/v1/shares?as_of=yesterday", None, 400),
    ("GET", "/api/v1/shares?as_of=2018-02-30", None, 400),
    ("GET", "/api/v1/questions/expected-effects?as_of=1&lang=en", None, 200),
    ("GET", "/api/v1/questions/expected-effects?as_of=1&format=csv", None, 200),
    ("GET", "/api/v1/questions/expected-effects/data?as_of=1&valueCodes[wave]=top(1)", None, 200),
    ("GET", "/api/v1/indicators/expected-better-quality?as_of=1", None, 200),
    ("GET", "/api/v1/indicators/expected-better-quality?as_of=1&format=jsonstat", None, 200),
    ("GET", "/api/v1/indicators/expected-better-quality?as_of=0", None, 400),
    ("GET", "/api/v1/surveys/kommuneundersokelsen/data?as_of=1", None, 200),
    ("GET", "/api/v1/surveys/kommuneundersokelsen/data?as_of=2", None, 400),
    # Releases and the feed
    ("GET", "/api/v1/releases", None, 200),
    ("GET", "/api/v1/releases?lang=en", None, 200),
    ("GET", "/api/v1/releases/1", None, 200),
    ("GET", "/api/v1/releases/2", None, 404),
    ("GET", "/api/v1/releases/one", None, 404),
    ("GET", "/api/v1/releases/1/changes", None, 200),
    ("GET", "/api/v1/releases/1/changes?limit=5", None, 200),
    ("GET", "/api/v1/releases/1/changes?limit=0", None, 400),
    ("GET", "/api/v1/releases/1/changes?cursor=not-a-cursor", None, 400),
    ("GET", "/api/v1/releases/99999999999999999999/changes", None, 404),
    ("GET", "/feed", None, 200),
    # The DCAT-AP-NO catalog (bodies other than JSON-LD are checked as strings only)
    ("GET", "/catalog", None, 200),
    ("GET", "/catalog?format=ttl", None, 200),
    ("GET", "/catalog?format=jsonld", None, 200),
    ("GET", "/catalog?format=rdfxml", None, 200),
    ("GET", "/catalog?format=csv", None, 400),
    # Citations
    ("GET", "/api/v1/indicators/expected-better-quality/citation", None, 200),
    ("GET", "/api/v1/indicators/expected-better-quality/citation?lang=en", None, 200),
    ("GET", "/api/v1/indicators/high-priority/citation?format=csl", None, 200),
    ("GET", "/api/v1/indicators/expected-better-quality/citation?format=csv", None, 400),
    ("GET", "/api/v1/indicators/no-such-indicator/citation", None, 404),
    ("GET", "/api/v1/questions/ict-contributed-quality/citation?format=csl&lang=en", None, 200),
    ("GET", "/api/v1/questions/expected-effects/citation", None, 200),
    ("GET", "/api/v1/questions/no-such-question/citation", None, 404),
    # An indicator's downloads
    ("GET", "/api/v1/indicators/action-plan.csv", None, 200),
    ("GET", "/api/v1/indicators/planning-digital.csv?lang=en&as_of=1", None, 200),
    ("GET", "/api/v1/indicators/action-plan.metadata.json", None, 200),
    ("GET", "/api/v1/indicators/planning-digital.metadata.json?lang=en&as_of=1", None, 200),
    ("GET", "/api/v1/indicators/action-plan.zip", None, 200),
    ("GET", "/api/v1/indicators/action-plan.zip?as_of=1&lang=en", None, 200),
    ("GET", "/api/v1/indicators/action-plan.csv?as_of=99", None, 400),
    ("GET", "/api/v1/indicators/action-plan.metadata.json?lang=se", None, 400),
    ("GET", "/api/v1/indicators/no-such-indicator.zip", None, 404),
    ("GET", "/api/v1/indicators/expected-better-quality/citation?format=bibtex", None, 200),
    ("GET", "/api/v1/indicators/expected-better-quality/citation?format=ris&as_of=1", None, 200),
    ("GET", "/api/v1/questions/ict-contributed-quality/citation?format=bibtex&lang=en", None, 200),
    ("GET", "/api/v1/questions/expected-effects/citation?format=ris", None, 200),
    ("GET", "/api/v1/questions/expected-effects/citation?as_of=1", None, 200),
    ("GET", "/api/v1/questions/expected-effects/citation?as_of=999", None, 400),
    # Pages, charts, the widget and oEmbed
    ("GET", "/", None, 200),
    ("GET", "/?lang=en", None, 200),
    ("GET", "/?lang=se", None, 400),
    ("GET", "/charts/indicators/expected-better-quality.svg", None, 200),
    ("GET", "/charts/indicators/planning-digital.svg?lang=en&width=320&height=280", None, 200),
    ("GET", "/charts/indicators/expected-better-quality.png?theme=dark", None, 200),
    ("GET", "/charts/indicators/expected-better-quality.vl.json", None, 200),
    ("GET", "/charts/indicators/high-priority.vl.json?width=1600&height=1200", None, 200),
    ("GET", "/charts/indicators/expected-better-quality.svg?width=2000", None, 400),
    ("GET", "/charts/indicators/expected-better-quality.png?theme=sepia", None, 400),
    ("GET", "/charts/indicators/no-such-indicator.svg", None, 404),
    ("GET", "/indicators/expected-better-quality", None, 200),
    ("GET", "/indicators/action-plan?lang=en&as_of=1", None, 200),
    ("GET", "/indicators/action-plan?as_of=99", None, 400),
    ("GET", "/indicators/no-such-indicator", None, 404),
    ("GET", "/questions/expected-effects?lang=en", None, 200),
    ("GET", "/questions/no-such-question", None, 404),
    ("GET", "/charts/indicators/action-plan.png?preset=og", None, 200),
    ("GET", "/charts/indicators/action-plan.png?preset=banner", None, 400),
    ("GET", "/embed/indicators/expected-better-quality", None, 200),
    ("GET", "/embed/indicators/expected-better-quality?lang=en&theme=dark&width=400", None, 200),
    ("GET", "/embed/indicators/expected-better-quality?height=0", None, 400),
    ("GET", "/embed/indicators/no-such-indicator", None, 404),
    ("GET", "/embed/indicators/expected-better-quality?as_of=1&width=240", None, 200),
    ("GET", "/oembed?url=http://testserver/embed/indicators/action-plan", None, 200),
    (
        "GET",
        "/oembed?url=http://testserver/api/v1/indicators/action-plan&maxwidth=480&format=json",
        None,
        200,
    ),
    ("GET", "/oembed?url=http://testserver/embed/indicators/action-plan&maxwidth=1", None, 400),
    ("GET", "/oembed?url=http://elsewhere.example/embed/indicators/action-plan", None, 404),
    ("GET", "/oembed?url=http://testserver/embed/indicators/action-plan&format=xml", None, 501),
    ("GET", "/oembed?url=http://testserver/embed/indicators/action-plan&as_of=1", None, 200),
    ("GET", "/oembed?url=http://testserver/embed/indicators/action-plan&as_of=x", None, 400),
    ("GET", "/charts/indicators/action-plan.vl.json?as_of=1", None, 200),
    ("GET", "/charts/indicators/action-plan.vl.json?as_of=99", None, 400),
    # PxWebApi 2
    ("GET", "/api/pxwebapi/v2/config", None, 200),
    ("GET", "/api/pxwebapi/v2/tables?lang=en&pageSize=2&pageNumber=2", None, 200),
    ("GET", "/api/pxwebapi/v2/tables?query=papir&pastDays=3", None, 200),
    ("GET", "/api/pxwebapi/v2/tables?pageSize=0", None, 400),
    ("GET", "/api/pxwebapi/v2/tables/expected-effects", None, 200),
    ("GET", "/api/pxwebapi/v2/tables/no-such-table", None, 404),
    ("GET", "/api/pxwebapi/v2/tables/expected-effects/metadata?lang=en", None, 200),
    ("GET", "/api/pxwebapi/v2/tables/expected-effects/metadata?defaultSelection=true", None, 200),
    ("GET", "/api/pxwebapi/v2/tables/expected-effects/metadata?outputFormat=json-px", None, 200),
    ("GET", "/api/pxwebapi/v2/tables/expected-effects/defaultselection", None, 200),
    ("GET", "/api/pxwebapi/v2/tables/expected-effects/data", None, 200),
    (
        "GET",
        "/api/pxwebapi/v2/tables/expected-effects/data?valuecodes[ContentsCode]=*"
        "&valuecodes[wave]=top(1)&valuecodes[option]=*&outputFormat=csv",
        None,
        200,
    ),
    ("GET", "/api/pxwebapi/v2/tables/expected-effects/data?valuecodes[wave]=2014", None, 400),
    ("GET", "/api/pxwebapi/v2/tables/no-such-table/data", None, 404),
    ("GET", "/api/pxwebapi/v2/codelists/agg_planning-digital?lang=en", None, 200),
    ("GET", "/api/pxwebapi/v2/savedqueries/no-such-query", None, 404),
    (
        "POST",
        "/api/pxwebapi/v2/savedqueries",
        {"tableId": "priority", "language": "en", "selection": {"selection": []}},
        201,
    ),
    (
        "POST",
        "/api/pxwebapi/v2/savedqueries",
        {"tableId": "x", "language": "en", "selection": {"selection": []}},
        400,
    ),
    ("GET", "/api/pxwebapi/v2/codelists/agg_high-priority", None, 404),
    ("GET", "/api/pxwebapi/v2/tables/service-area-planning/metadata", None, 200),
    (
        "GET",
        "/api/pxwebapi/v2/tables/service-area-planning/data?valuecodes[ContentsCode]=*"
        "&valuecodes[wave]=*&valuecodes[option]=*&codelist[option]=agg_planning-digital",
        None,
        200,
    ),
    (
        "POST",
        "/api/pxwebapi/v2/tables/expected-effects/data?lang=en",
        {
            "selection": [
                {"variableCode": v, "valueCodes": ["*"]} for v in ("ContentsCode", "wave", "option")
            ]
        },
        200,
    ),
    (
        "POST",
        "/api/pxwebapi/v2/tables/expected-effects/data",
        {"selection": [{"variableCode": "x"}]},
        400,
    ),
    # Service routes and GraphQL
    ("GET", "/health", None, 200),
    ("GET", "/openapi.json", None, 200),
    ("GET", "/graphql/schema.graphql", None, 200),
    ("GET", "/graphql", None, 200),
    ("GET", f"/graphql?query={GRAPHQL_QUERY}", None, 200),
    ("POST", "/graphql", {"query": GRAPHQL_QUERY}, 200),
    # A request error: in graphql-response+json (httpx's Accept is */*), a 400 without data.
    ("POST", "/graphql", {"query": "{ shares(first: 0) { pageInfo { hasNextPage } } }"}, 400),
    ("POST", "/graphql", {"query": ""}, 400),
    ("GET", "/graphql?query=mutation { x }", None, 405),
    ("GET", "/graphql?query={ surveys { code } }&variables=not-json", None, 400),
    ("GET", f"/graphql?query={{ surveys {{ code }} }}{' ' * 20_000}", None, 414),
    ("GET", f"/graphql?extensions={orjson.dumps(PERSISTED).decode()}&variables={{}}", None, 200),
    ("POST", "/graphql", {"query": "{ surveys { code } }", "extensions": PERSISTED}, 400),
    ("GET", '/graphql?extensions={"persistedQuery":{"version":2}}', None, 400),
]


@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    CASES,
    ids=[f"{method} {' '.join(url.split())[:100]} {status}" for method, url, _, status in CASES],
)
async def test_response_matches_the_contract(client, spec, method, url, body, status):
    await exchange(client, spec, method, url, status, body)


async def test_a_page_of_shares_links_to_the_next(client, spec):
    response = await exchange(client, spec, "GET", "/api/v1/shares?limit=2&wave=2015", 200)
    next_url = response.json()["next"]
    assert next_url is not None, "two rows of 2015 should not be the last page"
    assert response.headers["link"] == f'<{next_url}>; rel="next"'
    second = await exchange(client, spec, "GET", next_url.removeprefix("http://testserver"), 200)
    assert second.json()["data"] != response.json()["data"]


async def test_the_last_page_has_no_next(client, spec):
    response = await exchange(client, spec, "GET", "/api/v1/shares?limit=1000", 200)
    assert response.json()["next"] is None
    assert "link" not in response.headers


@contextmanager
def app_on(database_url: str) -> Iterator[Starlette]:
    """An app that leaves its database as it is (no tables, no seed)."""
    app = create_app(
        Settings(database_url=database_url, migrate_on_start=False, seed_on_start=False)
    )
    try:
        yield app
    finally:
        app.state.engine.dispose()


async def test_health_of_an_unreachable_database_is_503(spec, tmp_path):
    with app_on(f"sqlite:///{tmp_path / 'missing' / 'folder' / 'db.sqlite3'}") as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            await exchange(client, spec, "GET", "/health", 503)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/surveys",
        "/api/v1/shares?wave=2017",
        "/api/v1/questions/action-plan",
        "/api/v1/surveys/kommuneundersokelsen/data?format=csv",  # a download
        "/catalog",
    ],
)
async def test_a_database_that_is_down_answers_the_documented_503(spec, url):
    # Nothing listens on the port: every connection is refused, as when the server is down.
    with app_on(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/down") as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            await exchange(client, spec, "GET", url, 503)
            body = {"query": "{ surveys { code } }"}
            await exchange(client, spec, "POST", "/graphql", 503, body)


# What a GET needs besides its path to reach the database.
DATABASE_QUERIES = {
    "/oembed": "?url=http://testserver/embed/indicators/action-plan",
    "/graphql": "?query={ surveys { code } }",
    "/api/v1/changes": "?since=1",
}


async def test_every_operation_that_reads_the_database_documents_its_503(spec):
    """With the database down, an operation answers 503 if and only if it documents one."""
    with app_on(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/down") as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            for template, method in sorted(operations(spec)):
                if method != "get":
                    continue
                real = REAL_PATHS.get(template)
                path = real or template.replace("{code}", REAL_CODES.get(template, "x"))
                url = path.replace("{id}", "1") + DATABASE_QUERIES.get(template, "")
                reads = "503" in spec["paths"][template]["get"]["responses"]
                await exchange(client, spec, "GET", url, 503 if reads else 200)


async def test_health_of_an_empty_database(spec, tmp_path):
    with app_on(f"sqlite:///{tmp_path / 'empty.sqlite3'}") as app:
        upgrade(app.state.engine)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            response = await exchange(client, spec, "GET", "/health", 200)
    assert response.json() == {
        "status": "empty",
        "database": "ok",
        "release": None,
        "replication": {"role": "primary", "lag_seconds": None},
    }


@contextmanager
def app_with(database_url: str, **settings: Any) -> Iterator[Starlette]:
    app = create_app(Settings(database_url=database_url, **settings))
    try:
        yield app
    finally:
        app.state.engine.dispose()


async def test_a_rate_limited_answer_matches_the_contract(spec, database_url):
    with app_with(database_url, rate_limit_api="1/minute") as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            await client.get("/api/v1/indicators")
            await exchange(client, spec, "GET", "/api/v1/indicators", 429)
            await exchange(client, spec, "POST", "/graphql", 429, {"query": GRAPHQL_QUERY})


async def test_a_graphql_body_over_the_cap_matches_the_contract(spec, database_url):
    with app_with(database_url, graphql_max_query_bytes=10) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            await exchange(client, spec, "POST", "/graphql", 413, {"query": GRAPHQL_QUERY})


async def test_openapi_json_is_the_committed_document(client):
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with SPEC_FILE.open(encoding="utf-8") as handle:
        assert response.json() == yaml.safe_load(handle)


# Imports ------------------------------------------------------------------------------

TOKEN = "a data steward's token"
STEWARD = {"Authorization": f"Bearer {TOKEN}"}
SHARES = (
    "survey,wave,question,option,segment,value,status,source\n"
    "kommuneundersokelsen,2017,action-plan,yes,all,77,published,pr17\n"
)
CSV_BODY = {"content": SHARES, "headers": {**STEWARD, "Content-Type": "text/csv"}}
UPLOAD = ("file", ("shares.csv", SHARES.encode(), "text/csv"))
NAMELESS_PART = (
    b'--b\r\nContent-Disposition: form-data; filename="shares.csv"\r\n\r\n'
    + SHARES.encode()
    + b"\r\n--b--\r\n"
)


def import_settings(**settings: Any) -> dict[str, Any]:
    token_hash = hashlib.sha256(TOKEN.encode()).hexdigest()
    return {"import_token_hashes": token_hash, **NO_RATE_LIMITS, **settings}


IMPORT_CASES: dict[str, tuple[str, int, str | None, dict[str, Any]]] = {
    "a dry run": ("?dry_run=true", 200, None, CSV_BODY),
    "a dry run of a form": ("?dry_run=1", 200, None, {"files": [UPLOAD], "headers": STEWARD}),
    "a new release": ("?message=Corrected", 201, None, CSV_BODY),
    "a wrong flag": ("?dry_run=maybe", 400, "/problems/invalid-parameter", CSV_BODY),
    "a form without files": (
        "", 400, "/problems/no-files",
        {"files": {"message": (None, b"a field")}, "headers": STEWARD},
    ),
    "too many files": (  # import_max_files=3
        "", 400, "/problems/too-many-files", {"files": [UPLOAD] * 4, "headers": STEWARD},
    ),
    "too many fields": (
        "", 400, "/problems/too-many-fields",
        {"files": [*[(f"f{i}", (None, b"x")) for i in range(51)], UPLOAD], "headers": STEWARD},
    ),
    "a field too large": (
        "", 400, "/problems/form-field-too-large",
        {"files": [("note", (None, b"x" * 1_100_000)), UPLOAD], "headers": STEWARD},
    ),
    "a form without a boundary": (
        "", 400, "/problems/invalid-form",
        {"content": SHARES, "headers": {**STEWARD, "Content-Type": "multipart/form-data"}},
    ),
    "a part without a name": (
        "", 400, "/problems/invalid-form",
        {
            "content": NAMELESS_PART,
            "headers": {**STEWARD, "Content-Type": "multipart/form-data; boundary=b"},
        },
    ),
    "no token": (
        "", 401, "/problems/authentication-required",
        {"content": SHARES, "headers": {"Content-Type": "text/csv"}},
    ),
    "a wrong token": (
        "", 403, "/problems/forbidden",
        {"content": SHARES, "headers": {"Authorization": "Bearer x", "Content-Type": "text/csv"}},
    ),
    "a body too large": (
        "", 413, "/problems/payload-too-large",
        {"content": b"x" * 2_000_001, "headers": CSV_BODY["headers"]},
    ),
    "plain text": (
        "", 415, "/problems/unsupported-media-type",
        {"content": SHARES, "headers": {**STEWARD, "Content-Type": "text/plain"}},
    ),
    "a zip that is not one": (
        "", 422, "/problems/import-rejected",
        {"content": SHARES, "headers": {**STEWARD, "Content-Type": "application/zip"}},
    ),
    "a wrong value": (
        "", 422, "/problems/import-rejected",
        {"content": SHARES.replace(",77,", ",seventy,"), "headers": CSV_BODY["headers"]},
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", IMPORT_CASES)
async def test_an_import_answers_as_the_contract_says(spec, fresh_database_url, case):
    query, status, problem_type, sent_as = IMPORT_CASES[case]
    settings = import_settings(max_upload_bytes=2_000_000, import_max_files=3)
    with app_with(fresh_database_url, **settings) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            url = f"/api/v1/imports{query}"
            response = await exchange(client, spec, "POST", url, status, **sent_as)
    assert response.json().get("type") == problem_type


async def test_an_import_that_waits_too_long_answers_the_documented_409(spec, fresh_database_url):
    with app_with(fresh_database_url, **import_settings(import_wait_seconds=0.2)) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            with release_lock_held(fresh_database_url):
                await exchange(client, spec, "POST", "/api/v1/imports", 409, **CSV_BODY)


async def test_an_import_the_database_refuses_answers_the_documented_503(
    spec, fresh_database_url, databases
):
    with app_with(fresh_database_url):
        pass  # migrated and seeded, then opened read-only
    with app_with(read_only(fresh_database_url, databases.backend), **import_settings()) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            response = await exchange(client, spec, "POST", "/api/v1/imports", 503, **CSV_BODY)
    assert response.json()["type"] == "/problems/database-unwritable"


async def test_an_import_while_the_database_is_down_answers_the_documented_503(spec):
    down = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/down"
    settings = import_settings(migrate_on_start=False, seed_on_start=False)
    with app_with(down, **settings) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            response = await exchange(client, spec, "POST", "/api/v1/imports", 503, **CSV_BODY)
    assert response.json()["type"] == "/problems/database-unavailable"
    assert response.headers["retry-after"] == "5"
