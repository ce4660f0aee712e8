"""The DCAT-AP-NO catalog that data.norge.no harvests to list our datasets, as RDF: valid
against the DCAT-AP-NO 2 shapes, with what DCAT-AP-NO 3 adds (api.formats.dcat_series).

The graph is built from the query layer on every request (api.rest.catalog): one
dcat:Dataset per published survey (generated test data is never listed), a
dcat:Distribution per download format, and a dcat:DataService for each API that serves
them: the REST API, GraphQL and the PxWebApi 2 API, each with the document describing it.
DCAT-AP-NO takes several values from EU controlled vocabularies; each such value here
says which vocabulary it is in (skos:inScheme), so the catalog validates without the
vocabularies themselves.

Links are absolute: from the setting `base_url`, or from the request when it is empty.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from api import languages, licences
from api.formats.dcat_services import SERVICES, Service
from api.formats.dcat_words import KEYWORDS, TEXTS
from api.languages import in_languages
from api.settings import Settings
from models.records import PublishedSurvey, SurveyRecord

ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
# The W3C's RDF of the IANA register, which the DCAT-AP-NO 3 shapes ask for.
IANA = "https://www.w3.org/ns/iana/media-types/"
# data.norge.no names organisations by their number in its organisation catalogue.
ORGANISATIONS = "https://organization-catalog.fellesdatakatalog.digdir.no/organizations/"

THEMES = ("GOVE", "TECH")  # government and public sector; science and technology
LANGUAGES = tuple(languages.EU_AUTHORITY[language] for language in languages.Language)
FREQUENCY = "ANNUAL"  # the survey ran once a year
SPATIAL = "NOR"  # Norwegian municipalities


@dataclass(frozen=True)
class Download:
    """One way to get a survey's figures: a dcat:Distribution of every dataset."""

    key: str
    path: str  # under the base URL; {code} is the survey's code
    file_type: str  # in the EU file-type vocabulary
    media_type: str  # IANA
    whole_file: bool  # one file to download, rather than pages
    title: dict[str, str]
    description: dict[str, str]
    conforms_to: tuple[str, str] | None = None  # a standard's URI and title


DOWNLOADS = (
    Download(
        "csv",
        "/api/v1/surveys/{code}/data?format=csv",
        "CSV",
        "text/csv",
        True,
        {
            "nb": "CSV-fil med alle andelene",
            "nn": "CSV-fil med alle delane",
            "en": "CSV file of every share",
        },
        {
            "nb": "Alle gjeldende andeler i undersøkelsen i én CSV-fil, én rad per andel.",
            "nn": "Alle gjeldande delar i undersøkinga i éi CSV-fil, éi rad per del.",
            "en": "Every current share of the survey in one CSV file, one row per share.",
        },
    ),
    Download(
        "jsonstat",
        "/api/v1/surveys/{code}/data?format=jsonstat",
        "JSON",  # JSON-stat has no file type (nor media type) of its own
        "application/json",
        True,
        {
            "nb": "JSON-stat 2.0-datasett",
            "nn": "JSON-stat 2.0-datasett",
            "en": "JSON-stat 2.0 dataset",
        },
        {
            "nb": "Alle gjeldende andeler i undersøkelsen som ett JSON-stat 2.0-datasett.",
            "nn": "Alle gjeldande delar i undersøkinga som eitt JSON-stat 2.0-datasett.",
            "en": "Every current share of the survey as one JSON-stat 2.0 dataset.",
        },
        ("https://json-stat.org/format/", "JSON-stat 2.0"),
    ),
    Download(
        "json",
        "/api/v1/shares?survey={code}",
        "JSON",
        "application/json",
        False,
        {"nb": "JSON, side for side", "nn": "JSON, side for side", "en": "JSON, page by page"},
        {
            "nb": "Andelene i undersøkelsen side for side: følg next i svaret (eller "
            "Link-headeren) til neste side.",
            "nn": "Delane i undersøkinga side for side: følg next i svaret (eller "
            "Link-headeren) til neste side.",
            "en": "The survey's shares page by page: follow next in the body (or the Link "
            "header) to the next page.",
        },
    ),
)


# Our format names and rdflib's. The first is the default: DCAT-AP-NO's examples are Turtle.
SERIALISATIONS = {"ttl": "turtle", "jsonld": "json-ld", "rdfxml": "xml"}

PREFIXES = {
    "adms": ADMS,
    "dcat": DCAT,
    "dct": DCTERMS,
    "foaf": FOAF,
    "skos": SKOS,
    "vcard": VCARD,
    "xsd": XSD,
}


def serialise(graph: Graph, name: str) -> bytes:
    """The graph in one of SERIALISATIONS; the same data gives the same bytes.

    The ETag of a response is derived from the data release, so it promises identical
    bytes from every worker. rdflib's Turtle writer sorts; its RDF/XML writer follows the
    store, which keeps triples in the order they were added (see `build`); its JSON-LD
    writer orders nodes by hash, which differs between processes, so they are sorted here.
    """
    if name != "jsonld":
        return graph.serialize(format=SERIALISATIONS[name], encoding="utf-8")
    context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    document = json.loads(graph.serialize(format="json-ld", context=context))
    document["@graph"].sort(key=lambda node: node["@id"])
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


# Building the graph -------------------------------------------------------------------


def build(surveys: Sequence[PublishedSurvey], settings: Settings, base_url: str) -> Graph:
    """The whole catalog: the catalog, its publisher, the datasets and the APIs."""
    base = base_url.rstrip("/")
    graph = Graph(store="SimpleMemory")  # keeps the order triples are added in
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    catalog = URIRef(f"{base}/catalog")
    nodes = [URIRef(f"{base}/catalog#{service.key}") for service in SERVICES]
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.identifier, Literal(str(catalog))))
    _texts(graph, catalog, DCTERMS.title, TEXTS["catalog_title"])
    _texts(graph, catalog, DCTERMS.description, TEXTS["catalog_description"])
    _concepts(graph, catalog, DCTERMS.language, "language", LANGUAGES)
    for node in nodes:
        graph.add((catalog, DCAT.service, node))
    publisher = _publisher(graph, settings, base)
    graph.add((catalog, DCTERMS.publisher, publisher))
    contact = _contact_point(graph, settings, base)
    graph.add((catalog, DCAT.contactPoint, contact))
    graph.add((catalog, FOAF.homepage, URIRef(f"{base}/")))

    rest = nodes[0]  # the downloads are the REST API's
    datasets = [_dataset(graph, entry, base, publisher, contact, rest) for entry in surveys]
    for dataset in datasets:
        graph.add((catalog, DCAT.dataset, dataset))
    licence = _one_licence(surveys)
    for service, node in zip(SERVICES, nodes, strict=True):
        _data_service(graph, service, node, base, publisher, contact, datasets, licence)
    return graph


def _one_licence(surveys: Sequence[PublishedSurvey]) -> str | None:
    """A service's licence: the one every dataset it serves states, if they agree."""
    stated = {entry.survey.licence for entry in surveys}
    return stated.pop() if len(stated) == 1 else None


def _publisher(graph: Graph, settings: Settings, base: str) -> URIRef:
    """Who publishes the catalog.

    With an organisation number, the organisation as data.norge.no knows it. Without
    one, a node of our own that names no organisation: nothing is made up, and
    data.norge.no will not accept the catalog until the number is set.
    """
    if settings.publisher_id:
        publisher = URIRef(ORGANISATIONS + settings.publisher_id)
        graph.add((publisher, DCTERMS.identifier, Literal(settings.publisher_id)))
    else:
        publisher = URIRef(f"{base}/catalog#publisher")
    graph.add((publisher, RDF.type, FOAF.Agent))
    # An organisation number alone is enough: data.norge.no knows the organisation's name.
    if settings.publisher_name or not settings.publisher_id:
        _name_publisher(graph, publisher, FOAF.name, settings, base)
    return publisher


def _contact_point(graph: Graph, settings: Settings, base: str) -> URIRef:
    contact = URIRef(f"{base}/catalog#contact-point")
    graph.add((contact, RDF.type, VCARD.Organization))
    _name_publisher(graph, contact, VCARD.fn, settings, base)
    if settings.contact_email:
        address = quote(settings.contact_email.strip(), safe="@+")
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{address}")))
    return contact


def _name_publisher(
    graph: Graph, subject: URIRef, predicate: URIRef, settings: Settings, base: str
) -> None:
    """The publisher's name from the settings; unnamed, the one thing we know of it."""
    if settings.publisher_name:
        graph.add((subject, predicate, Literal(settings.publisher_name)))
    else:
        unnamed = TEXTS["unnamed_publisher"]
        _texts(graph, subject, predicate, {k: v.format(base=base) for k, v in unnamed.items()})


def _dataset(
    graph: Graph,
    entry: PublishedSurvey,
    base: str,
    publisher: URIRef,
    contact: URIRef,
    service: URIRef,
) -> URIRef:
    survey = entry.survey
    dataset = URIRef(f"{base}/catalog#dataset-{survey.code}")
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    _texts(graph, dataset, DCTERMS.title, in_languages(survey, "title"))
    _texts(graph, dataset, DCTERMS.description, in_languages(survey, "description"))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCAT.contactPoint, contact))
    _concepts(graph, dataset, DCAT.theme, "data-theme", THEMES)
    _concepts(graph, dataset, DCTERMS.accessRights, "access-right", ("PUBLIC",))
    _concepts(graph, dataset, DCTERMS.accrualPeriodicity, "frequency", (FREQUENCY,))
    _concepts(graph, dataset, DCTERMS.language, "language", LANGUAGES)
    _concepts(graph, dataset, DCTERMS.spatial, "country", (SPATIAL,))
    for lang, words in KEYWORDS.items():
        for word in words:
            graph.add((dataset, DCAT.keyword, Literal(word, lang=lang)))
    for topic in entry.topics:
        for lang, label in in_languages(topic, "label").items():
            graph.add((dataset, DCAT.keyword, Literal(label, lang=lang)))
    if entry.years is not None:
        first, last = entry.years
        period = BNode(f"temporal-{survey.code}")
        graph.add((dataset, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        graph.add((period, DCAT.startDate, Literal(dt.date(first, 1, 1), datatype=XSD.date)))
        graph.add((period, DCAT.endDate, Literal(dt.date(last, 12, 31), datatype=XSD.date)))
    # Pages a person reads: the home page, with the indicators, and the API's documentation.
    graph.add((dataset, DCAT.landingPage, URIRef(f"{base}/")))
    graph.add((dataset, FOAF.page, URIRef(f"{base}/docs")))
    if survey.homepage:
        graph.add((dataset, FOAF.page, URIRef(survey.homepage)))
    for download in DOWNLOADS:
        distribution = _distribution(graph, download, survey, base, service)
        graph.add((dataset, DCAT.distribution, distribution))
    return dataset


def _distribution(
    graph: Graph, download: Download, survey: SurveyRecord, base: str, service: URIRef
) -> URIRef:
    code = survey.code
    distribution = URIRef(f"{base}/catalog#distribution-{code}-{download.key}")
    url = URIRef(base + download.path.format(code=code))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    _texts(graph, distribution, DCTERMS.title, download.title)
    _texts(graph, distribution, DCTERMS.description, download.description)
    graph.add((distribution, DCAT.accessURL, url))
    if download.whole_file:
        graph.add((distribution, DCAT.downloadURL, url))
    graph.add((distribution, DCAT.accessService, service))
    _concepts(graph, distribution, DCTERMS.format, "file-type", (download.file_type,))
    graph.add((distribution, DCAT.mediaType, URIRef(IANA + download.media_type)))
    if download.conforms_to is not None:
        _standard(graph, distribution, download.conforms_to)
    if survey.licence:
        _licence(graph, distribution, survey.licence)
    return distribution


def _licence(graph: Graph, subject: URIRef, uri: str) -> None:
    """The shapes ask for the EU vocabulary's entry where there is one."""
    licence = URIRef(licences.eu_entry(uri))
    graph.add((subject, DCTERMS.license, licence))
    graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
    if licence.startswith(licences.EU_LICENCE + "/"):
        # DCAT-AP-NO 3 takes a licence as a concept of the EU vocabulary.
        graph.add((licence, RDF.type, SKOS.Concept))
        graph.add((licence, SKOS.inScheme, URIRef(licences.EU_LICENCE)))


def _standard(graph: Graph, subject: URIRef, conforms_to: tuple[str, str]) -> None:
    standard, title = conforms_to
    graph.add((subject, DCTERMS.conformsTo, URIRef(standard)))
    graph.add((URIRef(standard), RDF.type, DCTERMS.Standard))
    graph.add((URIRef(standard), DCTERMS.title, Literal(title)))


def _data_service(
    graph: Graph,
    service: Service,
    node: URIRef,
    base: str,
    publisher: URIRef,
    contact: URIRef,
    datasets: Iterable[URIRef],
    licence: str | None,
) -> None:
    graph.add((node, RDF.type, DCAT.DataService))
    graph.add((node, DCTERMS.identifier, Literal(str(node))))
    _texts(graph, node, DCTERMS.title, TEXTS[service.title])
    _texts(graph, node, DCTERMS.description, TEXTS[service.description])
    graph.add((node, DCAT.endpointURL, URIRef(base + service.endpoint)))
    described_by = service.described_by
    if described_by.startswith("/"):
        described_by = base + described_by
    graph.add((node, DCAT.endpointDescription, URIRef(described_by)))
    graph.add((node, DCTERMS.publisher, publisher))
    graph.add((node, DCAT.contactPoint, contact))
    _concepts(graph, node, DCTERMS.accessRights, "access-right", ("PUBLIC",))
    for media_type in service.media_types:
        graph.add((node, DCAT.mediaType, URIRef(IANA + media_type)))
    if service.conforms_to is not None:
        _standard(graph, node, service.conforms_to)
    if licence:
        _licence(graph, node, licence)
    for dataset in datasets:
        graph.add((node, DCAT.servesDataset, dataset))


def _texts(graph: Graph, subject: URIRef, predicate: URIRef, texts: dict[str, str]) -> None:
    for lang, text in texts.items():
        graph.add((subject, predicate, Literal(text, lang=lang)))


def _concepts(
    graph: Graph, subject: URIRef, predicate: URIRef, vocabulary: str, codes: Iterable[str]
) -> None:
    """Values from an EU authority table, each saying which table it is from."""
    for code in codes:
        concept = URIRef(f"{EU}{vocabulary}/{code}")
        graph.add((subject, predicate, concept))
        graph.add((concept, RDF.type, SKOS.Concept))
        graph.add((concept, SKOS.inScheme, URIRef(EU + vocabulary)))
