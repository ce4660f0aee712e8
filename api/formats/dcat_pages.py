"""The indicators and questions of the catalog: a dcat:Dataset each, whose landing page is
its page (/indicators/{code}, /questions/{code}).

Each is a part of its survey's dataset (dct:isPartOf, and dct:hasPart back) and takes from
it what they share: publisher, contact point, themes, access rights, frequency, languages
and place; it has its own title, description, landing page and downloads (CSV and
JSON-stat), served by the REST API. Added to the graph api.formats.dcat builds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from api import languages
from api.formats import dcat
from models.records import IndicatorRecord, PublishedSurvey, QuestionRecord

# What a part has as its survey's dataset has it.
SHARED = (
    DCTERMS.publisher,
    DCAT.contactPoint,
    DCAT.theme,
    DCTERMS.accessRights,
    DCTERMS.accrualPeriodicity,
    DCTERMS.language,
    DCTERMS.spatial,
)

JSON_STAT = ("https://json-stat.org/format/", "JSON-stat 2.0")

TEXTS = {
    "csv_title": {"nb": "CSV-fil", "nn": "CSV-fil", "en": "CSV file"},
    "csv_description": {
        "nb": "Tallene i én CSV-fil, med status og kilde for hvert.",
        "nn": "Tala i éi CSV-fil, med status og kjelde for kvart.",
        "en": "The figures in one CSV file, each with its status and source.",
    },
    "jsonstat_title": {
        "nb": "JSON-stat 2.0-datasett",
        "nn": "JSON-stat 2.0-datasett",
        "en": "JSON-stat 2.0 dataset",
    },
    "jsonstat_description": {
        "nb": "Tallene som ett JSON-stat 2.0-datasett.",
        "nn": "Tala som eitt JSON-stat 2.0-datasett.",
        "en": "The figures as one JSON-stat 2.0 dataset.",
    },
}


@dataclass(frozen=True, slots=True)
class Part:
    """An indicator or a question, as the catalog lists it."""

    kind: str  # "indicator" or "question": its page is /{kind}s/{code}
    code: str
    survey: str
    title: dict[str, str]
    description: dict[str, str]
    data: str  # the path of its data, which takes ?format=csv or jsonstat


def parts(indicators: Iterable[IndicatorRecord], questions: Iterable[QuestionRecord]) -> list[Part]:
    found = [
        Part(
            "indicator",
            item.code,
            item.survey,
            {lang: getattr(item, f"title_{lang}") for lang in languages.CODES},
            {lang: getattr(item, f"description_{lang}") for lang in languages.CODES},
            f"/api/v1/indicators/{quote(item.code, safe='')}",
        )
        for item in indicators
    ]
    found += [
        Part(
            "question",
            item.code,
            item.survey,
            {lang: getattr(item, f"text_{lang}") for lang in languages.CODES},
            # A question's note where it has one; else what it asks.
            {
                lang: getattr(item, f"note_{lang}") or getattr(item, f"text_{lang}")
                for lang in languages.CODES
            },
            f"/api/v1/questions/{quote(item.code, safe='')}/data",
        )
        for item in questions
    ]
    return found


def add(graph: Graph, found: Sequence[Part], surveys: Sequence[PublishedSurvey], base: str) -> None:
    """A dataset for each part of a survey in the graph, listed in its catalog."""
    base = base.rstrip("/")
    catalog, service = URIRef(f"{base}/catalog"), URIRef(f"{base}/catalog#api")
    licences = {entry.survey.code: entry.survey.licence for entry in surveys}
    for part in found:
        if part.survey not in licences:
            continue  # not a published survey: never listed
        parent = URIRef(f"{base}/catalog#dataset-{part.survey}")
        dataset = URIRef(f"{base}/catalog#{part.kind}-{part.code}")
        graph.add((catalog, DCAT.dataset, dataset))
        graph.add((dataset, RDF.type, DCAT.Dataset))
        graph.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
        dcat._texts(graph, dataset, DCTERMS.title, part.title)
        dcat._texts(graph, dataset, DCTERMS.description, part.description)
        for predicate in SHARED:
            for value in list(graph.objects(parent, predicate)):
                graph.add((dataset, predicate, value))
        graph.add((dataset, DCTERMS.isPartOf, parent))
        graph.add((parent, DCTERMS.hasPart, dataset))
        page = URIRef(f"{base}/{part.kind}s/{quote(part.code, safe='')}")
        graph.add((dataset, DCAT.landingPage, page))
        downloads(graph, dataset, f"{base}{part.data}?", licences[part.survey], service)


def downloads(
    graph: Graph, dataset: URIRef, data: str, licence: str | None, service: URIRef
) -> None:
    """A dataset's CSV and JSON-stat: `data` is the URL its ?format=... completes."""
    for key, file_type, media_type, standard in (
        ("csv", "CSV", "text/csv", None),
        ("jsonstat", "JSON", "application/json", JSON_STAT),
    ):
        distribution = URIRef(f"{dataset}-{key}")
        url = URIRef(f"{data}format={key}")
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        dcat._texts(graph, distribution, DCTERMS.title, TEXTS[f"{key}_title"])
        dcat._texts(graph, distribution, DCTERMS.description, TEXTS[f"{key}_description"])
        graph.add((distribution, DCAT.accessURL, url))
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add((distribution, DCAT.accessService, service))
        dcat._concepts(graph, distribution, DCTERMS.format, "file-type", (file_type,))
        graph.add((distribution, DCAT.mediaType, URIRef(dcat.IANA + media_type)))
        if standard is not None:
            dcat._standard(graph, distribution, standard)
        if licence:
            dcat._licence(graph, distribution, licence)
