"""/catalog: a DCAT-AP-NO 2 catalog that data.norge.no's own SHACL shapes accept.

The shapes are kept in tests/dcat-ap-no (Apache-2.0, with their source in its README), so
that a clone anywhere validates against them; KOMMUNEDIGI_TEST_DCAT_AP_NO names another
folder, to check a newer release of them. Without them the validation tests are skipped
with the reason shown; under CI=true they fail instead.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SH, SKOS, XSD
from sqlmodel import Session
from starlette.applications import Starlette

from api.app import create_app
from api.cli import main
from api.settings import Settings
from models.tables import Survey, Wave
from tests.conftest import ROOT

pytestmark = [
    pytest.mark.anyio,
    # rdflib's own JSON-LD parser builds a ConjunctiveGraph, which rdflib 7 deprecates.
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]

SHAPES_VARIABLE = "KOMMUNEDIGI_TEST_DCAT_AP_NO"
SHAPES_FILE = "DCAT-AP-NO-shacl_shapes_2.00.ttl"
ONTOLOGIES_FILE = "ontologies.ttl"

# Our format names, the media type each answers with, and rdflib's parser for it.
SERIALISATIONS = {
    "ttl": ("text/turtle; charset=utf-8", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "rdfxml": ("application/rdf+xml", "xml"),
}

EU = "http://publications.europa.eu/resource/authority/"
SURVEY = "kommuneundersokelsen"
NLOD = "http://data.norge.no/nlod/no/2.0"
CONFIGURED = Settings(
    base_url="https://data.example.no/kommunedigi/",
    publisher_name="Eksempelkommunen",
    publisher_id="123456789",
    contact_email="data@example.no",
    licence=NLOD,
)


# The shapes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Shapes:
    shapes: Graph
    ontologies: Graph


@pytest.fixture(scope="session")
def shapes() -> Shapes:
    folder = Path(os.environ.get(SHAPES_VARIABLE) or ROOT / "tests" / "dcat-ap-no")
    missing = [name for name in (SHAPES_FILE, ONTOLOGIES_FILE) if not (folder / name).is_file()]
    if missing:
        reason = (
            f"DCAT-AP-NO shapes not found: {folder} has no {' or '.join(missing)};"
            f" set {SHAPES_VARIABLE} to the folder that holds them"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true requires them)", pytrace=False)
        pytest.skip(reason)
    return Shapes(
        Graph().parse(folder / SHAPES_FILE, format="turtle"),
        Graph().parse(folder / ONTOLOGIES_FILE, format="turtle"),
    )


@dataclass(frozen=True)
class Report:
    conforms: bool
    results: Graph
    text: str

    def with_severity(self, severity: URIRef) -> list[Any]:
        """The report's results of a severity (not the details that explain them)."""
        return [
            result
            for result in self.results.objects(None, SH.result)
            if (result, SH.resultSeverity, severity) in self.results
        ]

    def paths(self, severity: URIRef) -> set[Any]:
        return {self.results.value(item, SH.resultPath) for item in self.with_severity(severity)}


def validate(data: Graph, shapes: Shapes) -> Report:
    """pyshacl as the README of the shapes shows: ontologies beside, RDFS inference."""
    conforms, results, text = pyshacl.validate(
        data, shacl_graph=shapes.shapes, ont_graph=shapes.ontologies, inference="rdfs"
    )
    assert isinstance(results, Graph)
    return Report(bool(conforms), results, text)


# Fetching the catalog -------------------------------------------------------------------


async def fetch(client: httpx.AsyncClient, format: str = "ttl") -> Graph:
    """The catalog in one serialisation, parsed back into a graph."""
    response = await client.get("/catalog", params={"format": format})
    assert response.status_code == 200, response.text
    media_type, parser = SERIALISATIONS[format]
    assert response.headers["content-type"] == media_type
    return Graph().parse(data=response.content, format=parser)


@asynccontextmanager
async def serving(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def configured_app(fresh_database_url: str) -> Iterator[Starlette]:
    """An app whose settings name a licence, a publisher and a contact point."""
    app = create_app(replace(CONFIGURED, database_url=fresh_database_url))
    yield app
    app.state.engine.dispose()


def datasets(graph: Graph) -> list[Any]:
    return sorted(graph.subjects(RDF.type, DCAT.Dataset))


def dataset_of(graph: Graph, code: str) -> Any:
    found = [item for item in datasets(graph) if str(item).endswith(f"#dataset-{code}")]
    assert len(found) == 1, f"{code}: {found}"
    return found[0]


def texts(graph: Graph, subject: Any, predicate: URIRef) -> set[tuple[str | None, str]]:
    """The (language, text) of each literal value."""
    values = graph.objects(subject, predicate)
    return {(item.language, str(item)) for item in values if isinstance(item, Literal)}


def temporal(graph: Graph, dataset: Any) -> tuple[Any, Any]:
    period = graph.value(dataset, DCTERMS.temporal)
    assert (period, RDF.type, DCTERMS.PeriodOfTime) in graph
    return graph.value(period, DCAT.startDate), graph.value(period, DCAT.endDate)


# Validation against DCAT-AP-NO ----------------------------------------------------------


@pytest.mark.parametrize("format", SERIALISATIONS)
async def test_catalog_has_no_violation_with_default_settings(client, shapes, format):
    report = validate(await fetch(client, format), shapes)
    assert report.with_severity(SH.Violation) == [], report.text
    # What the defaults leave open is a recommendation only: no licence is stated.
    assert report.paths(SH.Warning) == {DCTERMS.license}, report.text
    assert report.with_severity(SH.Info) == [], report.text


@pytest.mark.parametrize("format", SERIALISATIONS)
async def test_catalog_conforms_when_licence_and_publisher_are_set(configured_app, shapes, format):
    async with serving(configured_app) as client:
        report = validate(await fetch(client, format), shapes)
    assert report.conforms, report.text
    assert list(report.results.subjects(RDF.type, SH.ValidationResult)) == [], report.text


async def test_shapes_find_a_dataset_without_a_theme(client, shapes):
    """The validation is not vacuous: take a mandatory value away and it is a violation."""
    graph = await fetch(client)
    graph.remove((dataset_of(graph, SURVEY), DCAT.theme, None))
    report = validate(graph, shapes)
    assert report.paths(SH.Violation) == {DCAT.theme}, report.text


# Content --------------------------------------------------------------------------------


async def test_catalog_lists_the_survey_and_the_api(client):
    graph = await fetch(client)
    catalog = URIRef("http://testserver/catalog")
    api = URIRef("http://testserver/catalog#api")
    graphql = URIRef("http://testserver/catalog#graphql")
    pxwebapi = URIRef("http://testserver/catalog#pxwebapi")
    dataset = dataset_of(graph, SURVEY)
    series = URIRef(f"http://testserver/catalog#series-{SURVEY}")
    # The survey, each of its waves, indicators and questions as a part of it, and the series.
    parts = set(graph.objects(dataset, DCTERMS.hasPart))
    assert set(graph.objects(catalog, DCAT.dataset)) == {dataset, series, *parts}
    assert set(graph.objects(catalog, DCAT.service)) == {api, graphql, pxwebapi}
    assert set(graph.objects(api, DCAT.servesDataset)) == {dataset}
    assert graph.value(api, DCAT.endpointURL) == URIRef("http://testserver/api/v1/")
    assert graph.value(api, DCAT.endpointDescription) == URIRef("http://testserver/openapi.json")
    assert {lang for lang, _ in texts(graph, catalog, DCTERMS.title)} == {"nb", "nn", "en"}
    assert texts(graph, dataset, DCTERMS.title) == {
        ("nb", "Kommuneundersøkelsen: Status for digitalisering i norske kommuner"),
        ("nn", "Kommuneundersøkelsen: Status for digitalisering i norske kommuner"),  # its name
        ("en", "The Municipal Survey: status of digitalisation in Norwegian municipalities"),
    }


async def test_catalog_lists_the_pxwebapi_service(client):
    """PxWebApi 2 clients (pxwebpy, R's pxweb) find the tables' API in the catalog."""
    graph = await fetch(client)
    service = URIRef("http://testserver/catalog#pxwebapi")
    assert (service, RDF.type, DCAT.DataService) in graph
    assert graph.value(service, DCTERMS.identifier) == Literal(str(service))
    assert graph.value(service, DCAT.endpointURL) == URIRef("http://testserver/api/pxwebapi/v2")
    assert graph.value(service, DCAT.endpointDescription) == URIRef(
        "https://github.com/PxTools/PxApiSpecs/blob/2028b3f6a3afac878e4566b900d17e90114472ef/PxAPI-2.yml"
    )
    assert set(graph.objects(service, DCAT.servesDataset)) == {dataset_of(graph, SURVEY)}
    assert {lang for lang, _ in texts(graph, service, DCTERMS.title)} == {"nb", "nn", "en"}
    assert {lang for lang, _ in texts(graph, service, DCTERMS.description)} == {"nb", "nn", "en"}
    standard = URIRef("https://github.com/PxTools/PxApiSpecs")
    assert set(graph.objects(service, DCTERMS.conformsTo)) == {standard}
    assert (standard, RDF.type, DCTERMS.Standard) in graph
    assert graph.value(standard, DCTERMS.title) == Literal("PxWebApi 2.0")
    api = URIRef("http://testserver/catalog#api")
    for predicate in (DCTERMS.publisher, DCAT.contactPoint, DCTERMS.accessRights):
        assert graph.value(service, predicate) == graph.value(api, predicate) is not None
    assert set(graph.objects(service, DCAT.mediaType)) == {
        URIRef("https://www.w3.org/ns/iana/media-types/application/json")
    }


async def test_the_pxwebapi_endpoint_is_under_the_configured_base(configured_app):
    async with serving(configured_app) as client:
        graph = await fetch(client)
    base = "https://data.example.no/kommunedigi"
    service = URIRef(f"{base}/catalog#pxwebapi")
    assert graph.value(service, DCAT.endpointURL) == URIRef(f"{base}/api/pxwebapi/v2")
    assert set(graph.objects(service, DCAT.servesDataset)) == {
        URIRef(f"{base}/catalog#dataset-{SURVEY}")
    }


async def test_shapes_find_a_pxwebapi_service_without_an_endpoint(client, shapes):
    """The service is checked by the DataService shape: take its endpoint away."""
    graph = await fetch(client)
    graph.remove((URIRef("http://testserver/catalog#pxwebapi"), DCAT.endpointURL, None))
    report = validate(graph, shapes)
    assert report.paths(SH.Violation) == {DCAT.endpointURL}, report.text


async def test_dataset_takes_its_terms_from_the_eu_vocabularies(client):
    graph = await fetch(client)
    dataset = dataset_of(graph, SURVEY)
    assert set(graph.objects(dataset, DCAT.theme)) == {
        URIRef(EU + "data-theme/GOVE"),
        URIRef(EU + "data-theme/TECH"),
    }
    assert graph.value(dataset, DCTERMS.accessRights) == URIRef(EU + "access-right/PUBLIC")
    assert graph.value(dataset, DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/ANNUAL")
    assert set(graph.objects(dataset, DCTERMS.language)) == {
        URIRef(EU + "language/NOB"),
        URIRef(EU + "language/NNO"),
        URIRef(EU + "language/ENG"),
    }
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        scheme = str(graph.value(concept, SKOS.inScheme))
        assert str(concept).startswith(scheme + "/"), concept


async def test_keywords_include_the_topics_in_both_languages(client):
    graph = await fetch(client)
    keywords = texts(graph, dataset_of(graph, SURVEY), DCAT.keyword)
    assert ("nb", "Planer og styring") in keywords
    assert ("nn", "Planar og styring") in keywords
    assert ("en", "Plans and governance") in keywords
    assert {lang for lang, _ in keywords} == {"nb", "nn", "en"}


async def test_temporal_coverage_spans_the_waves(client):
    graph = await fetch(client)
    assert temporal(graph, dataset_of(graph, SURVEY)) == (
        Literal("2015-01-01", datatype=XSD.date),
        Literal("2017-12-31", datatype=XSD.date),
    )


async def test_temporal_coverage_follows_the_waves_in_the_database(fresh_app):
    with Session(fresh_app.state.engine) as session:
        survey = Survey(
            code="later-survey",
            title_nb="En senere undersøkelse",
            title_en="A later survey",
            title_nn="A later survey (nn)",
            publisher="test",
            description_nb="Testdata.",
            description_en="Test data.",
            description_nn="Testdata (nn).",
        )
        session.add(survey)
        session.flush()
        assert survey.id is not None
        for year in (2022, 2020):
            session.add(
                Wave(survey_id=survey.id, year=year, title_nb="r", title_en="w", title_nn="r")
            )
        session.add(
            Survey(
                code="no-waves-yet",
                title_nb="Uten runder",
                title_en="Without waves",
                title_nn="Without waves (nn)",
                publisher="test",
                description_nb="Testdata.",
                description_en="Test data.",
                description_nn="Testdata (nn).",
            )
        )
        session.commit()
    async with serving(fresh_app) as client:
        graph = await fetch(client)
    assert temporal(graph, dataset_of(graph, "later-survey")) == (
        Literal("2020-01-01", datatype=XSD.date),
        Literal("2022-12-31", datatype=XSD.date),
    )
    assert graph.value(dataset_of(graph, "no-waves-yet"), DCTERMS.temporal) is None


async def test_generate_leaves_the_catalog_of_a_deployment_unchanged(
    fresh_app, fresh_database_url, databases, monkeypatch
):
    async def catalogs() -> dict[str, bytes]:
        async with serving(fresh_app) as client:
            found = {}
            for format in SERIALISATIONS:
                response = await client.get("/catalog", params={"format": format})
                assert response.status_code == 200
                found[format] = response.content
            return found

    before = await catalogs()
    monkeypatch.setenv("KOMMUNEDIGI_DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("KOMMUNEDIGI_SYNTHETIC_DATABASE_URL", databases.new())
    arguments = ["--waves", "2", "--questions", "2", "--options", "2", "--segments", "1"]
    assert main(["generate", *arguments]) == 0
    after = await catalogs()
    assert after == before
    for text in after.values():
        assert b"synthetic" not in text.lower()
        assert b"3001" not in text


async def test_every_dataset_has_the_three_distributions(client):
    graph = await fetch(client)
    distributions = list(graph.objects(dataset_of(graph, SURVEY), DCAT.distribution))
    found = {
        (
            str(graph.value(item, DCAT.accessURL)),
            graph.value(item, DCAT.downloadURL) is not None,
            str(graph.value(item, DCTERMS.format)),
            str(graph.value(item, DCAT.mediaType)),
        )
        for item in distributions
    }
    iana = "https://www.w3.org/ns/iana/media-types/"
    data = f"http://testserver/api/v1/surveys/{SURVEY}/data"
    assert found == {
        (f"{data}?format=csv", True, EU + "file-type/CSV", iana + "text/csv"),
        (f"{data}?format=jsonstat", True, EU + "file-type/JSON", iana + "application/json"),
        (
            f"http://testserver/api/v1/shares?survey={SURVEY}",
            False,
            EU + "file-type/JSON",
            iana + "application/json",
        ),
    }


async def test_each_indicator_and_question_is_a_part_with_its_page_as_landing_page(client):
    graph = await fetch(client)
    survey = dataset_of(graph, SURVEY)
    indicator = URIRef("http://testserver/catalog#indicator-action-plan")
    question = URIRef("http://testserver/catalog#question-expected-effects")
    assert {indicator, question} <= set(graph.objects(survey, DCTERMS.hasPart))
    assert graph.value(indicator, DCTERMS.isPartOf) == survey
    assert graph.value(indicator, DCAT.landingPage) == URIRef(
        "http://testserver/indicators/action-plan"
    )
    assert graph.value(question, DCAT.landingPage) == URIRef(
        "http://testserver/questions/expected-effects"
    )
    downloads = {
        str(graph.value(item, DCAT.downloadURL))
        for item in graph.objects(indicator, DCAT.distribution)
    }
    assert downloads == {
        "http://testserver/api/v1/indicators/action-plan?format=csv",
        "http://testserver/api/v1/indicators/action-plan?format=jsonstat",
    }
    for predicate in (DCTERMS.publisher, DCAT.contactPoint, DCAT.theme):
        assert set(graph.objects(indicator, predicate)) == set(graph.objects(survey, predicate))


async def test_no_licence_is_stated_by_default(client):
    graph = await fetch(client)
    assert list(graph.subject_objects(DCTERMS.license)) == []


async def test_a_configured_licence_is_on_every_distribution_and_service(configured_app):
    async with serving(configured_app) as client:
        graph = await fetch(client)
    distributions = set(graph.subjects(RDF.type, DCAT.Distribution))
    services = set(graph.subjects(RDF.type, DCAT.DataService))
    licensed = dict(graph.subject_objects(DCTERMS.license))
    # NLOD 2.0 by its entry in the EU licence vocabulary, which DCAT-AP-NO asks for.
    assert licensed == dict.fromkeys(distributions | services, URIRef(EU + "licence/NLOD_2_0"))
    # The survey's three, and two for each of its 8 indicators, 7 questions and 3 waves.
    assert (len(distributions), len(services)) == (3 + 2 * (8 + 7 + 3), 3)


async def test_services_state_no_licence_when_the_surveys_differ(fresh_app):
    """A service has one licence at most: beside the seeded survey, which states none, a
    survey under NLOD has it on its distributions, and no service claims either."""
    with Session(fresh_app.state.engine) as session:
        session.add(
            Survey(
                code="licensed-survey",
                title_nb="Testundersøkelse",
                title_en="Test survey",
                title_nn="Test survey (nn)",
                publisher="test",
                description_nb="Testdata.",
                description_en="Test data.",
                description_nn="Testdata (nn).",
                licence=NLOD,
            )
        )
        session.commit()
    async with serving(fresh_app) as client:
        graph = await fetch(client)
    licensed = dict(graph.subject_objects(DCTERMS.license))
    distributions = set(graph.objects(dataset_of(graph, "licensed-survey"), DCAT.distribution))
    assert licensed == dict.fromkeys(distributions, URIRef(EU + "licence/NLOD_2_0"))
    assert len(distributions) == 3


async def test_a_licence_outside_the_eu_vocabulary_is_stated_as_given(fresh_database_url, shapes):
    licence = "https://example.no/our-licence"
    app = create_app(Settings(database_url=fresh_database_url, licence=licence))
    try:
        async with serving(app) as client:
            graph = await fetch(client)
    finally:
        app.state.engine.dispose()
    assert set(graph.objects(None, DCTERMS.license)) == {URIRef(licence)}
    # As the README says: DCAT-AP-NO wants the EU vocabulary, so this is a violation.
    report = validate(graph, shapes)
    assert report.paths(SH.Violation) == {DCTERMS.license}, report.text


async def test_publisher_without_an_organisation_number_is_our_own_node(client):
    graph = await fetch(client)
    publisher = graph.value(URIRef("http://testserver/catalog"), DCTERMS.publisher)
    assert publisher == URIRef("http://testserver/catalog#publisher")
    assert graph.value(publisher, DCTERMS.identifier) is None
    assert set(graph.objects(publisher, FOAF.name)) == {
        Literal("Utgiveren av http://testserver", lang="nb"),
        Literal("Utgivaren av http://testserver", lang="nn"),
        Literal("The publisher of http://testserver", lang="en"),
    }
    contact = graph.value(dataset_of(graph, SURVEY), DCAT.contactPoint)
    assert graph.value(contact, URIRef("http://www.w3.org/2006/vcard/ns#hasEmail")) is None


async def test_configured_publisher_and_links_come_from_the_settings(configured_app):
    async with serving(configured_app) as client:
        graph = await fetch(client)
    base = "https://data.example.no/kommunedigi"
    publisher = graph.value(URIRef(f"{base}/catalog"), DCTERMS.publisher)
    assert publisher == URIRef(
        "https://organization-catalog.fellesdatakatalog.digdir.no/organizations/123456789"
    )
    assert graph.value(publisher, DCTERMS.identifier) == Literal("123456789")
    assert graph.value(publisher, FOAF.name) == Literal("Eksempelkommunen")
    contact = graph.value(dataset_of(graph, SURVEY), DCAT.contactPoint)
    vcard = "http://www.w3.org/2006/vcard/ns#"
    assert graph.value(contact, URIRef(vcard + "hasEmail")) == URIRef("mailto:data@example.no")
    links = {str(term) for triple in graph for term in triple if isinstance(term, URIRef)}
    assert f"{base}/catalog#dataset-{SURVEY}" in links
    assert [link for link in links if "testserver" in link] == []


# Serialisations and negotiation ---------------------------------------------------------


async def test_the_three_serialisations_hold_the_same_graph(client):
    graphs = [await fetch(client, format) for format in SERIALISATIONS]
    assert len(graphs[0]) > 100
    assert all(graph.isomorphic(graphs[0]) for graph in graphs[1:])


async def test_a_plain_get_is_turtle_and_200_every_time(client):
    for _ in range(2):  # a harvester that sends no validators never gets a 304
        response = await client.get("/catalog")
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/turtle; charset=utf-8"
        assert response.content


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/turtle", "text/turtle; charset=utf-8"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/rdf+xml;q=0.5, application/ld+json", "application/ld+json"),
        ("text/html, application/rdf+xml;q=0.9, */*;q=0.8", "application/rdf+xml"),
        ("*/*", "text/turtle; charset=utf-8"),
        ("application/json", "text/turtle; charset=utf-8"),
    ],
)
async def test_accept_chooses_the_serialisation(client, accept, media_type):
    response = await client.get("/catalog", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type


async def test_format_wins_over_accept(client):
    response = await client.get(
        "/catalog", params={"format": "rdfxml"}, headers={"Accept": "application/ld+json"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/rdf+xml"


async def test_json_ld_lists_its_nodes_in_order(client):
    response = await client.get("/catalog", params={"format": "jsonld"})
    document = json.loads(response.content)
    ids = [node["@id"] for node in document["@graph"]]
    assert ids == sorted(ids)
    assert document["@context"]["dcat"] == str(DCAT)


async def test_an_unknown_format_is_a_400_problem(client):
    response = await client.get("/catalog", params={"format": "csv"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    detail = "format='csv' is not offered here; use: ttl, jsonld, rdfxml"
    assert response.json() == {
        "type": "/problems/invalid-parameter",
        "title": "Invalid parameter",
        "status": 400,
        "detail": detail,
        "instance": "/catalog",
        "errors": [{"parameter": "format", "detail": detail}],
    }


async def test_an_unknown_parameter_is_a_400_problem(client):
    response = await client.get("/catalog", params={"lang": "en"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"parameter": "lang", "detail": "lang is not a parameter here; allowed: format"}
    ]
