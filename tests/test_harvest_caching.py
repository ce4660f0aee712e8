"""Validators for harvesters on every GET: walked from the app's route table.

Every GET route is asked with real codes from the seed; each answers 200 with an ETag,
Last-Modified and Cache-Control, and 304 when its ETag comes back in If-None-Match.
/health alone is never cached (a probe asks how the service is now). The answers are the
same for every origin, so none says `Vary: Origin`; every format name the contract
lists is taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from api.graphql.ide import Assets
from tests.conftest import ROOT

pytestmark = pytest.mark.anyio

PX = "/api/pxwebapi/v2"
# Routes that need a query to answer 200 at all, and the one never cached.
QUERIES = {
    "/oembed": {"url": "http://testserver/embed/indicators/{indicator}"},
    "/api/v1/changes": {"since": "1"},
}
NEVER_CACHED = {"/health"}
# Named by PxWebApi 2's specification; the contract says this server refuses it (a 400).
NOT_WRITTEN = {"parquet"}
SAVED = {
    "tableId": "{question}",
    "language": "en",
    "selection": {
        "selection": [
            {"variableCode": "ContentsCode", "valueCodes": ["*"]},
            {"variableCode": "wave", "valueCodes": ["top(1)"]},
            {"variableCode": "option", "valueCodes": ["*"]},
        ],
    },
}


def get_routes(routes: list[BaseRoute], prefix: str = "") -> Iterator[str]:
    """The path of every GET route, with a real file's name below each mount of files."""
    for route in routes:
        if isinstance(route, Mount):
            below = prefix + route.path
            if isinstance(route.app, StaticFiles):
                folder = Path(str(route.app.directory))
                yield f"{below}/{min(p.name for p in folder.iterdir() if p.is_file())}"
            elif isinstance(route.app, Assets):
                yield f"{below}/{min(route.app.files)}"
            else:
                yield from get_routes(route.routes, below)
        elif isinstance(route, Route) and "GET" in (route.methods or ()):
            yield prefix + route.path


async def real_values(client: httpx.AsyncClient) -> dict[str, str]:
    """Codes the seed holds, by the name of the path parameter they fill."""
    share = (await client.get("/api/v1/shares", params={"limit": 1})).json()["data"][0]
    indicators = (await client.get("/api/v1/indicators")).json()["data"]
    release = (await client.get("/api/v1/releases")).json()["data"][0]["id"]
    saved = SAVED | {"tableId": share["question"]}
    query = (await client.post(f"{PX}/savedqueries", json=saved)).json()["id"]
    # A code list is offered for an indicator that sums options.
    grouped = [i["code"] for i in indicators if len(i.get("options") or ()) > 1]
    return {
        "survey": share["survey"],
        "wave": str(share["wave"]),
        "question": share["question"],
        "option": share["option"],
        "segment": share["segment"],
        "indicator": indicators[0]["code"],
        "codelist": f"agg_{grouped[0]}",
        "release": str(release),
        "saved": query,
    }


def filled(template: str, values: dict[str, str]) -> str:
    """`template` with each parameter given the seed's code for what it names."""
    by_place = [
        (r"/surveys/\{code\}", f"/surveys/{values['survey']}"),
        (r"/questions/\{code\}", f"/questions/{values['question']}"),
        (r"/indicators/\{code\}", f"/indicators/{values['indicator']}"),
        (r"/releases/\{id\}", f"/releases/{values['release']}"),
        (r"/tables/\{id\}", f"/tables/{values['question']}"),
        (r"/codelists/\{id\}", f"/codelists/{values['codelist']}"),
        (r"/savedqueries/\{id\}", f"/savedqueries/{values['saved']}"),
        (r"\{(survey|wave|question|option|segment)\}", None),
    ]
    path = template
    for pattern, value in by_place:
        if value is None:
            path = re.sub(pattern, lambda match: values[match.group(1)], path)
        else:
            path = re.sub(pattern, value, path)
    assert "{" not in path, f"no real value for {template}: add one to filled()"
    return path


@pytest.fixture
async def values(client: httpx.AsyncClient) -> dict[str, str]:
    return await real_values(client)


async def test_every_get_route_answers_with_validators_and_304s(
    app: Starlette, client: httpx.AsyncClient, values: dict[str, str]
) -> None:
    templates = sorted(set(get_routes(app.routes)))
    for must in ("/openapi.json", "/graphql/schema.graphql", "/catalog", "/feed", f"{PX}/config"):
        assert must in templates
    for template in templates:
        path = filled(template, values)
        params = {k: v.format(**values) for k, v in QUERIES.get(template, {}).items()}
        answer = await client.get(path, params=params)
        assert answer.status_code == 200, (path, answer.text[:300])
        if template in NEVER_CACHED:
            assert answer.headers["cache-control"] == "no-store"
            assert "etag" not in answer.headers
            continue
        tag = answer.headers.get("etag")
        assert tag and tag.startswith('"'), path
        assert parsedate_to_datetime(answer.headers["last-modified"]).tzinfo is not None, path
        assert "max-age=" in answer.headers["cache-control"], path
        assert "no-store" not in answer.headers["cache-control"], path
        again = await client.get(path, params=params, headers={"If-None-Match": tag})
        assert again.status_code == 304, path
        assert again.headers["etag"] == tag and again.content == b"", path
        assert "cache-control" in again.headers, path


@pytest.mark.parametrize("path", ["/openapi.json", "/graphql/schema.graphql", "/docs"])
async def test_a_contract_keeps_its_etag_and_answers_if_modified_since(
    client: httpx.AsyncClient, path: str
) -> None:
    first = await client.get(path)
    second = await client.get(path)
    assert first.headers["etag"] == second.headers["etag"]
    assert first.content == second.content
    modified = first.headers["last-modified"]
    since = await client.get(path, headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    assert since.headers["etag"] == first.headers["etag"]
    # A HEAD has its GET's validators and no body.
    head = await client.head(path)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == first.headers["etag"]
    # Another tag is another version: the full answer again.
    stale = await client.get(path, headers={"If-None-Match": '"another"'})
    assert stale.status_code == 200 and stale.content == first.content


async def test_a_contract_gzipped_has_its_own_etag_and_vary(client: httpx.AsyncClient) -> None:
    plain = await client.get("/openapi.json", headers={"Accept-Encoding": "identity"})
    gzipped = await client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["content-encoding"] == "gzip"
    assert plain.headers["etag"] != gzipped.headers["etag"]
    for answer in (plain, gzipped):
        assert answer.headers.get_list("vary") == ["Accept-Encoding"]
    assert gzipped.content == plain.content  # httpx has unzipped it


@pytest.mark.parametrize("origin", [None, "https://data.norge.no", "https://example.org"])
@pytest.mark.parametrize("path", ["/catalog", "/feed", "/openapi.json", "/api/v1/surveys"])
async def test_an_answer_is_the_same_for_every_origin(
    client: httpx.AsyncClient, path: str, origin: str | None
) -> None:
    headers = {"Origin": origin} if origin else {}
    answer = await client.get(path, headers=headers)
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "ETag" in answer.headers["access-control-expose-headers"]
    varies = [name.strip().lower() for name in answer.headers.get("vary", "").split(",")]
    assert "origin" not in varies


async def test_accept_language_is_named_only_where_it_chooses(client: httpx.AsyncClient) -> None:
    for path in ("/api/v1/config", f"{PX}/config", "/api/v1/releases", "/catalog", "/feed"):
        answer = await client.get(path, headers={"Accept-Language": "nn"})
        plain = await client.get(path)
        assert "Accept-Language" not in answer.headers.get("vary", ""), path
        assert answer.content == plain.content, path
    for path in ("/api/v1/surveys", f"{PX}/tables", "/"):
        answer = await client.get(path, headers={"Accept-Language": "nn"})
        assert "Accept-Language" in answer.headers["vary"], path


def documented_format_names() -> Iterator[tuple[str, str, str]]:
    """(path, parameter, name) for every name the contract lists for a format parameter."""
    document: dict[str, Any] = yaml.safe_load((ROOT / "openapi/openapi.yaml").read_text())
    shared = document["components"]["parameters"]
    for path, item in document["paths"].items():
        for parameter in item.get("get", {}).get("parameters", []):
            if "$ref" in parameter:
                parameter = shared[parameter["$ref"].rsplit("/", 1)[-1]]
            if parameter["name"] in ("format", "outputFormat") and "enum" in parameter["schema"]:
                for name in parameter["schema"]["enum"]:
                    yield path, parameter["name"], name


async def test_every_format_name_the_contract_lists_answers(
    client: httpx.AsyncClient, values: dict[str, str]
) -> None:
    names = list(documented_format_names())
    assert ("/catalog", "format", "turtle") in names
    for path, parameter, name in names:
        if name in NOT_WRITTEN:
            continue
        needed = {k: v.format(**values) for k, v in QUERIES.get(path, {}).items()}
        answer = await client.get(filled(path, values), params={**needed, parameter: name})
        assert answer.status_code == 200, (path, name, answer.text[:300])


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("ttl", "text/turtle"),
        ("turtle", "text/turtle"),
        ("Turtle", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("json-ld", "application/ld+json"),
        ("rdfxml", "application/rdf+xml"),
        ("rdf", "application/rdf+xml"),
        ("xml", "application/rdf+xml"),
        ("rdf/xml", "application/rdf+xml"),
    ],
)
async def test_the_catalog_takes_each_name_of_its_serialisations(
    client: httpx.AsyncClient, name: str, media_type: str
) -> None:
    answer = await client.get("/catalog", params={"format": name})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(media_type)


def test_the_readme_names_only_formats_the_catalog_takes() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    catalog = readme[readme.index("## Harvesting") :]
    named = set(re.findall(r"format=([\w/+-]+)", catalog.split("\n## ", 1)[0]))
    assert named and named <= {"ttl", "turtle", "jsonld", "json-ld", "rdfxml", "rdf", "xml"}


async def test_an_unknown_catalog_format_is_a_400_naming_the_parameter(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.get("/catalog", params={"format": "n3"})
    assert answer.status_code == 400
    assert "format" in answer.text
