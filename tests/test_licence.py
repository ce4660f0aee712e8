"""One licence statement, everywhere a user meets the data.

The licence of a survey's data is the operator's `KOMMUNEDIGI_LICENCE` when set, else the
survey's own from the data, else none. With one set, REST, GraphQL, citations (text and
CSL), JSON-stat, the data files' Link header, /openapi.json, the catalog, the charts and
the front page all state that licence, by name where a person reads it; with none, each
says none is stated and nothing claims one.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from rdflib import Graph
from rdflib.namespace import DCTERMS
from sqlalchemy import update

from models.tables import Survey
from tests.conftest import NO_RATE_LIMITS, graphql
from tests.datafile_helpers import app_for, client_of
from tests.test_contract_openapi import exchange, load_spec

pytestmark = pytest.mark.anyio

NLOD = "https://data.norge.no/nlod/no/2.0"
EU_NLOD = "http://publications.europa.eu/resource/authority/licence/NLOD_2_0"
SURVEY = "kommuneundersokelsen"
INDICATOR = "expected-better-quality"
QUESTION = "expected-effects"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"

# Every data file the REST API sends, as CSV and as JSON-stat.
DATA_FILES = [
    f"/api/v1/surveys/{SURVEY}/data",
    f"/api/v1/questions/{QUESTION}/data",
    f"/api/v1/questions/{QUESTION}",
    f"/api/v1/indicators/{INDICATOR}",
    "/api/v1/shares",
]


@pytest.fixture
async def licensed(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app whose operator states NLOD 2.0, on the shared seeded database."""
    with app_for(database_url, licence=NLOD, **NO_RATE_LIMITS) as app:
        async with client_of(app) as client:
            yield client


def link_licences(response: httpx.Response) -> list[str]:
    """The URIs a Link header names with rel="license" (RFC 4946)."""
    return re.findall(r'<([^>]+)>; rel="license"', response.headers.get("link", ""))


def licence_layer(svg_text: str) -> tuple[str, list[str]]:
    """The chart's licence line, and the addresses it links to."""
    svg = ElementTree.fromstring(svg_text)
    (group,) = [g for g in svg.iter(f"{SVG}g") if "licence_marks" in g.get("class", "").split()]
    text = " ".join(part.strip() for part in group.itertext() if part.strip())
    return text, [link.get(f"{XLINK}href", "") for link in group.iter(f"{SVG}a")]


async def statements(client: httpx.AsyncClient) -> dict[str, Any]:
    """The licence each place states: a URI, or None where it states none."""
    found: dict[str, Any] = {}
    surveys = (await client.get("/api/v1/surveys")).json()["data"]
    found["REST surveys"] = {item["licence"] for item in surveys}
    found["REST survey"] = (await client.get(f"/api/v1/surveys/{SURVEY}")).json()["licence"]
    body = await graphql(client, "{ surveys { licence } }")
    found["GraphQL"] = {item["licence"] for item in body["data"]["surveys"]}
    citation = await client.get(f"/api/v1/indicators/{INDICATOR}/citation")
    found["citation"] = citation.json()["licence"]
    csl = await client.get(f"/api/v1/questions/{QUESTION}/citation", params={"format": "csl"})
    found["CSL"] = csl.json()[0].get("license")
    for path in DATA_FILES:
        csv = await client.get(path, params={"format": "csv"})
        assert csv.status_code == 200, csv.text
        found[f"Link of {path} CSV"] = link_licences(csv) or None
        jsonstat = await client.get(path, params={"format": "jsonstat"})
        assert jsonstat.status_code == 200, jsonstat.text
        found[f"Link of {path} JSON-stat"] = link_licences(jsonstat) or None
        links = jsonstat.json()["link"].get("license")
        found[f"JSON-stat {path}"] = None if links is None else [link["href"] for link in links]
    info = (await client.get("/openapi.json")).json()["info"]
    found["OpenAPI"] = info["license"]["url"] if "license" in info else None
    catalog = Graph().parse(data=(await client.get("/catalog")).content, format="turtle")
    found["catalog"] = {str(uri) for uri in catalog.objects(None, DCTERMS.license)} or None
    chart = await client.get(f"/charts/indicators/{INDICATOR}.svg")
    found["chart"] = licence_layer(chart.text)[1] or None
    return found


async def test_every_place_states_the_operators_licence(licensed):
    found = await statements(licensed)
    assert found == {
        place: (
            {NLOD}
            if place in ("REST surveys", "GraphQL")
            else {EU_NLOD}  # DCAT-AP-NO asks for the EU vocabulary's entry for NLOD 2.0
            if place == "catalog"
            else [NLOD]
            if place.startswith(("Link", "JSON-stat", "chart"))
            else NLOD
        )
        for place in found
    }


async def test_no_place_states_a_licence_by_default(client):
    found = await statements(client)
    assert found == {
        place: {None} if place in ("REST surveys", "GraphQL") else None for place in found
    }


async def test_by_default_no_answer_names_a_licence(client):
    """Nothing claims a licence where none is stated: no name of one anywhere."""
    paths = [
        "/api/v1/surveys",
        f"/api/v1/indicators/{INDICATOR}/citation",
        f"/api/v1/questions/{QUESTION}/citation?format=csl",
        "/catalog",
        f"/charts/indicators/{INDICATOR}.svg",
        f"/embed/indicators/{INDICATOR}",
        "/",
    ]
    for path in paths:
        response = await client.get(path)
        assert response.status_code == 200, path
        for word in ("NLOD", "data.norge.no/nlod", "creativecommons.org", '"license"'):
            assert word not in response.text, f"{path} names {word}"


@pytest.mark.parametrize(
    ("uri", "nb", "en"),
    [
        (NLOD, "NLOD 2.0", "NLOD 2.0"),
        ("http://data.norge.no/nlod/en/1.0/", "NLOD 1.0", "NLOD 1.0"),
        ("https://creativecommons.org/licenses/by/4.0/", "CC BY 4.0", "CC BY 4.0"),
        ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0", "CC0 1.0"),
        # A licence we do not know is shown as its URI: we never guess a name.
        ("https://example.no/our-licence", "https://example.no/our-licence", None),
    ],
)
async def test_a_licence_is_shown_by_its_name(database_url, uri, nb, en):
    en = en or uri
    with app_for(database_url, licence=uri, **NO_RATE_LIMITS) as app:
        async with client_of(app) as client:
            rest_nb = (await client.get(f"/api/v1/surveys/{SURVEY}")).json()
            rest_en = (await client.get(f"/api/v1/surveys/{SURVEY}?lang=en")).json()
            body = await graphql(
                client, "{ surveys { licence nb: licenceName en: licenceName(lang: EN) } }"
            )
            chart_nb = await client.get(f"/charts/indicators/{INDICATOR}.svg")
            chart_en = await client.get(f"/charts/indicators/{INDICATOR}.svg?lang=en")
            front = await client.get("/")
            widget = await client.get(f"/embed/indicators/{INDICATOR}")
            citation = await client.get(f"/api/v1/indicators/{INDICATOR}/citation?lang=en")
    assert (rest_nb["licence"], rest_nb["licence_name"]) == (uri, nb)
    assert (rest_en["licence"], rest_en["licence_name"]) == (uri, en)
    assert body["data"]["surveys"] == [{"licence": uri, "nb": nb, "en": en}]
    assert licence_layer(chart_nb.text) == (f"Lisens: {nb}", [uri])
    assert licence_layer(chart_en.text) == (f"Licence: {en}", [uri])
    assert f'<p>Lisens: <a href="{uri}" rel="license">{nb}</a></p>' in front.text
    # The widget's chart, inline: the licence line links to the licence.
    assert re.search(rf'<a xlink:href="{re.escape(uri)}"><text[^>]*>Lisens: {nb}<', widget.text)
    named = f"Licence: {en}" + ("" if en == uri else f" ({uri})")
    assert f" {named}. Distributed by kommunedigi" in citation.json()["text"]


async def test_without_a_licence_the_pages_say_none_is_stated(client):
    front = await client.get("/")
    assert "<p>Lisens: ingen oppgitt av dataeieren</p>" in front.text
    survey = (await client.get(f"/api/v1/surveys/{SURVEY}?lang=en")).json()
    assert (survey["licence"], survey["licence_name"]) == (None, None)
    body = await graphql(client, "{ surveys { licence licenceName } }")
    assert body["data"]["surveys"] == [{"licence": None, "licenceName": None}]
    chart = await client.get(f"/charts/indicators/{INDICATOR}.svg?lang=en")
    assert licence_layer(chart.text) == ("Licence: none stated by the data owner", [])


async def test_openapi_states_the_licence_by_name_and_url(licensed):
    response = await licensed.get("/openapi.json")
    assert response.status_code == 200
    served = response.json()
    assert served["info"]["license"] == {"name": "NLOD 2.0", "url": NLOD}
    # Beside the licence, the served document is the committed one.
    del served["info"]["license"]
    assert served == load_spec()


async def test_licensed_answers_match_the_contract(licensed):
    spec = load_spec()
    for path in DATA_FILES:
        for output in ("csv", "jsonstat"):
            await exchange(licensed, spec, "GET", f"{path}?format={output}", 200)
    for path in [
        "/api/v1/surveys",
        f"/api/v1/surveys/{SURVEY}",
        f"/api/v1/indicators/{INDICATOR}/citation",
        f"/api/v1/indicators/{INDICATOR}/citation?format=csl",
        f"/charts/indicators/{INDICATOR}.vl.json",
    ]:
        await exchange(licensed, spec, "GET", path, 200)


async def test_a_survey_states_its_own_licence_unless_the_operator_states_one(
    fresh_database_url,
):
    """The data's own licence is served as it is; the operator's, when set, wins."""
    own = "https://creativecommons.org/licenses/by/4.0/"
    with app_for(fresh_database_url) as app:  # seeds the database
        with app.state.engine.begin() as connection:
            connection.execute(update(Survey).values(licence=own))
    with app_for(fresh_database_url, **NO_RATE_LIMITS) as app:
        async with client_of(app) as client:
            found = await statements(client)
    assert found["REST survey"] == found["citation"] == found["CSL"] == own
    assert found[f"Link of /api/v1/surveys/{SURVEY}/data CSV"] == [own]
    assert found["chart"] == [own]
    # The contract is served without the database: only an operator's licence is in it.
    assert found["OpenAPI"] is None
    with app_for(fresh_database_url, licence=NLOD, **NO_RATE_LIMITS) as app:
        async with client_of(app) as client:
            found = await statements(client)
    assert found["REST survey"] == found["CSL"] == found["OpenAPI"] == NLOD
    assert found["chart"] == [NLOD]


async def test_a_licence_that_is_no_web_address_is_named_but_not_linked(database_url):
    uri = "urn:example:licence"
    with app_for(database_url, licence=uri, **NO_RATE_LIMITS) as app:
        async with client_of(app) as client:
            survey = (await client.get(f"/api/v1/surveys/{SURVEY}")).json()
            chart = await client.get(f"/charts/indicators/{INDICATOR}.svg")
            front = await client.get("/")
            csv = await client.get(f"/api/v1/surveys/{SURVEY}/data")
    assert (survey["licence"], survey["licence_name"]) == (uri, uri)
    assert licence_layer(chart.text) == (f"Lisens: {uri}", [])
    assert f"<p>Lisens: {uri}</p>" in front.text
    assert link_licences(csv) == [uri]
