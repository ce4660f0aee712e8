"""/catalog in DCAT-AP-NO 3: waves as a series, the release as the version, the three APIs
as data services with the documents that describe them, against the draft 3.0 shapes.

The shapes are kept in tests/dcat-ap-no-3 (Apache-2.0, with their source in its README);
KOMMUNEDIGI_TEST_DCAT_AP_NO_3 names another folder, to check a newer draft. The draft
has one defect our catalog meets (README, Harvesting): its media-type pattern admits only
`application/` types, so `text/csv` is a violation of `hasShapeCVPattern-mediaType`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SH, SKOS, XSD
from starlette.applications import Starlette

from api.app import create_app
from tests.conftest import ROOT
from tests.test_catalog import (
    CONFIGURED,
    EU,
    SERIALISATIONS,
    SURVEY,
    Report,
    Shapes,
    fetch,
    serving,
    validate,
)

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]

SHAPES_VARIABLE = "KOMMUNEDIGI_TEST_DCAT_AP_NO_3"
SHAPE_FILES = (
    "dcatapno3-core-shapes.ttl",
    "dcatapno3-range-shapes.ttl",
    "dcatapno3-vocabulary-shapes.ttl",
)
DCAT3 = Namespace(str(DCAT))
ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
CSV_TYPE = URIRef("https://www.w3.org/ns/iana/media-types/text/csv")
# The draft's defect (see the module's docstring): the one shape we are allowed to violate.
MEDIA_TYPE_SHAPE = "hasShapeCVPattern-mediaType"
BASE = "http://testserver"


@pytest.fixture(scope="session")
def shapes3() -> Shapes:
    """The three files of the draft as one shapes graph, as their README suggests."""
    folder = Path(os.environ.get(SHAPES_VARIABLE) or ROOT / "tests" / "dcat-ap-no-3")
    missing = [name for name in SHAPE_FILES if not (folder / name).is_file()]
    if missing:
        reason = f"DCAT-AP-NO 3 shapes not found: {folder} has no {', '.join(missing)}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true requires them)", pytrace=False)
        pytest.skip(reason)
    graph = Graph()
    for name in SHAPE_FILES:
        graph.parse(folder / name, format="turtle")
    ontologies = ROOT / "tests" / "dcat-ap-no" / "ontologies.ttl"
    return Shapes(graph, Graph().parse(ontologies, format="turtle"))


@pytest.fixture
def configured_app(fresh_database_url: str) -> Iterator[Starlette]:
    app = create_app(replace(CONFIGURED, database_url=fresh_database_url))
    yield app
    app.state.engine.dispose()


def violations_but_the_drafts_defect(report: Report) -> list[str]:
    """Each violation but the media-type pattern's on text/csv: its shape, node and value."""
    found = []
    for result in report.with_severity(SH.Violation):
        # By its name in its file (each file has a namespace of its own).
        shape = str(report.results.value(result, SH.sourceShape)).rpartition("#")[2]
        value = report.results.value(result, SH.value)
        if shape == MEDIA_TYPE_SHAPE and value == CSV_TYPE:
            continue
        found.append(f"{shape} {report.results.value(result, SH.focusNode)} {value}")
    return found


# Validation -------------------------------------------------------------------------------


@pytest.mark.parametrize("format", SERIALISATIONS)
async def test_catalog_has_no_violation_but_the_drafts_media_type_pattern(
    configured_app, shapes3, format
):
    async with serving(configured_app) as client:
        report = validate(await fetch(client, format), shapes3)
    assert violations_but_the_drafts_defect(report) == [], report.text
    # The one defect is met: every CSV download, and nothing else.
    csv_downloads = {
        report.results.value(result, SH.focusNode) for result in report.with_severity(SH.Violation)
    }
    assert len(csv_downloads) == 1 + 8 + 7 + 3, report.text


async def test_defaults_miss_only_the_contact_address(client, shapes3):
    """DCAT-AP-NO 3 wants an e-mail address or a URL for the contact point: without
    KOMMUNEDIGI_CONTACT_EMAIL there is none, and none is made up (README, Harvesting)."""
    report = validate(await fetch(client), shapes3)
    assert violations_but_the_drafts_defect(report) == [
        f"hasMin1Shape-vcardHasEmail-OR-vcardHasURL {BASE}/catalog#contact-point None"
    ], report.text


async def test_shapes_find_a_series_without_a_contact_point(client, shapes3):
    """The validation is not vacuous: the DatasetSeries shape checks the series."""
    graph = await fetch(client)
    graph.remove((URIRef(f"{BASE}/catalog#series-{SURVEY}"), DCAT.contactPoint, None))
    report = validate(graph, shapes3)
    assert violations_but_the_drafts_defect(report) != []
    assert DCAT.contactPoint in report.paths(SH.Violation), report.text


# Content ----------------------------------------------------------------------------------


async def test_waves_are_datasets_in_the_surveys_series_in_order(client):
    graph = await fetch(client)
    series = URIRef(f"{BASE}/catalog#series-{SURVEY}")
    survey = URIRef(f"{BASE}/catalog#dataset-{SURVEY}")
    assert (series, RDF.type, DCAT3.DatasetSeries) in graph
    waves = [URIRef(f"{BASE}/catalog#wave-{SURVEY}-{year}") for year in (2015, 2016, 2017)]
    assert set(graph.subjects(DCAT3.inSeries, series)) == set(waves)
    assert (graph.value(series, DCAT3.first), graph.value(series, DCAT3.last)) == (
        waves[0],
        waves[-1],
    )
    assert [graph.value(wave, DCAT3.prev) for wave in waves] == [None, *waves[:2]]
    assert [graph.value(wave, DCAT3.next) for wave in waves] == [*waves[1:], None]
    for wave in waves:
        assert (wave, RDF.type, DCAT.Dataset) in graph
        assert graph.value(wave, DCTERMS.isPartOf) == survey
        for predicate in (DCTERMS.publisher, DCAT.contactPoint, DCAT.theme, DCTERMS.spatial):
            assert set(graph.objects(wave, predicate)) == set(graph.objects(survey, predicate))
    period = graph.value(waves[1], DCTERMS.temporal)
    assert (graph.value(period, DCAT.startDate), graph.value(period, DCAT.endDate)) == (
        Literal("2016-01-01", datatype=XSD.date),
        Literal("2016-12-31", datatype=XSD.date),
    )
    # The series spans the survey: its temporal coverage and place are the survey's.
    assert graph.value(series, DCTERMS.temporal) == graph.value(survey, DCTERMS.temporal)
    assert graph.value(series, DCTERMS.spatial) == URIRef(EU + "country/NOR")


async def test_a_waves_downloads_answer_with_that_waves_figures(client):
    graph = await fetch(client)
    wave = URIRef(f"{BASE}/catalog#wave-{SURVEY}-2015")
    urls = {
        str(graph.value(item, DCAT.downloadURL)) for item in graph.objects(wave, DCAT.distribution)
    }
    data = f"{BASE}/api/v1/shares?survey={SURVEY}&wave=2015&format="
    assert urls == {data + "csv", data + "jsonstat"}
    response = await client.get(data.removeprefix(BASE) + "csv")
    assert response.status_code == 200, response.text
    rows = response.text.splitlines()
    header = rows[0].split(",")
    years = {row.split(",")[header.index("wave")] for row in rows[1:]}
    assert years == {"2015"}
    response = await client.get(data.removeprefix(BASE) + "jsonstat")
    assert response.status_code == 200, response.text


async def test_the_surveys_version_is_the_current_release(client):
    graph = await fetch(client)
    releases = (await client.get("/api/v1/releases")).json()
    newest = releases["data"][0]
    survey = URIRef(f"{BASE}/catalog#dataset-{SURVEY}")
    assert graph.value(survey, DCAT3.version) == Literal(str(newest["id"]))
    assert graph.value(survey, ADMS.versionNotes) == Literal(newest["message"], lang="und")


async def test_each_api_is_a_data_service_with_its_description(client):
    graph = await fetch(client)
    found = {
        str(graph.value(service, DCAT.endpointURL)): str(
            graph.value(service, DCAT.endpointDescription)
        )
        for service in graph.subjects(RDF.type, DCAT.DataService)
    }
    assert found == {
        f"{BASE}/api/v1/": f"{BASE}/openapi.json",
        f"{BASE}/graphql": f"{BASE}/graphql/schema.graphql",
        f"{BASE}/api/pxwebapi/v2": "https://github.com/PxTools/PxApiSpecs/blob/"
        "2028b3f6a3afac878e4566b900d17e90114472ef/PxAPI-2.yml",
    }
    # Ours answer: the contract and the SDL.
    for path in ("/openapi.json", "/graphql/schema.graphql"):
        assert (await client.get(path)).status_code == 200


async def test_landing_pages_are_pages_a_person_reads(client):
    graph = await fetch(client)
    survey = URIRef(f"{BASE}/catalog#dataset-{SURVEY}")
    assert graph.value(survey, DCAT.landingPage) == URIRef(f"{BASE}/")
    assert graph.value(URIRef(f"{BASE}/catalog"), FOAF.homepage) == URIRef(f"{BASE}/")
    for page in graph.objects(None, DCAT.landingPage):
        response = await client.get(str(page).removeprefix(BASE))
        assert response.status_code == 200, page
        assert response.headers["content-type"].startswith("text/html"), page


async def test_the_catalog_has_the_contact_point_and_licence_as_a_concept(configured_app):
    async with serving(configured_app) as client:
        graph = await fetch(client)
    base = "https://data.example.no/kommunedigi"
    contact = graph.value(URIRef(f"{base}/catalog"), DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Organization) in graph  # a vcard:Kind
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:data@example.no")
    licence = URIRef(EU + "licence/NLOD_2_0")
    assert (licence, RDF.type, SKOS.Concept) in graph
    assert graph.value(licence, SKOS.inScheme) == URIRef(EU + "licence")
