"""What DCAT-AP-NO 3 adds to the catalog api.formats.dcat builds: the waves of a survey as a
dcat:DatasetSeries, and the data release as the version of each survey's dataset.

Each wave is a dcat:Dataset in its survey's series (dcat:inSeries), linked to the wave
before and after it (dcat:prev, dcat:next) and part of the survey's dataset; it takes
from that dataset what they share (as the indicators and questions do) and has its own
year as temporal coverage, and its figures as CSV and JSON-stat from /api/v1/shares.
The version of a survey's dataset is the number of the release its figures are from
(dcat:version), with that release's message (adms:versionNotes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from api import languages
from api.formats import dcat, dcat_pages
from models.records import PublishedSurvey, ReleaseRecord, WaveRecord

# DCAT 3's terms: rdflib's DCAT is DCAT 2 and warns at each term it does not know.
DCAT3 = Namespace(str(DCAT))

# What the series has as its survey's dataset has it (DCAT-AP-NO 3's DatasetSeries).
SERIES_SHARED = (
    DCTERMS.publisher,
    DCAT.contactPoint,
    DCAT.theme,
    DCTERMS.accrualPeriodicity,
    DCTERMS.spatial,
    DCTERMS.temporal,
)

TEXTS = {
    "series_title": {
        "nb": "{title}: alle rundene",
        "nn": "{title}: alle rundane",
        "en": "{title}: every wave",
    },
    "series_description": {
        "nb": "Rundene av undersøkelsen, én per år, hver et datasett i serien.",
        "nn": "Rundane av undersøkinga, éin per år, kvar eit datasett i serien.",
        "en": "The survey's waves, one a year, each a dataset in the series.",
    },
    "wave_description": {
        "nb": "Andelene fra runden i {year} av {title}.",
        "nn": "Delane frå runden i {year} av {title}.",
        "en": "The shares of the {year} wave of {title}.",
    },
}

# DCAT-AP-NO wants the notes in a language, but a release's message is whatever the person
# importing typed (`kommunedigi import --message`): BCP 47's "undetermined" says so.
RELEASE_MESSAGE_LANGUAGE = "und"


def add(
    graph: Graph, surveys: Sequence[PublishedSurvey], release: ReleaseRecord | None, base: str
) -> None:
    """The series of each survey with waves, and the release as each survey's version."""
    base = base.rstrip("/")
    catalog, service = URIRef(f"{base}/catalog"), URIRef(f"{base}/catalog#api")
    for entry in surveys:
        code = entry.survey.code
        parent = URIRef(f"{base}/catalog#dataset-{code}")
        if release is not None:
            graph.add((parent, DCAT3.version, Literal(str(release.id))))
            notes = Literal(release.message, lang=RELEASE_MESSAGE_LANGUAGE)
            graph.add((parent, dcat.ADMS.versionNotes, notes))
            modified = Literal(release.loaded_at.date(), datatype=XSD.date)
            graph.add((parent, DCTERMS.modified, modified))
        if not entry.waves:
            continue
        titles = languages.in_languages(entry.survey, "title")
        series = URIRef(f"{base}/catalog#series-{code}")
        graph.add((catalog, DCAT.dataset, series))
        graph.add((series, RDF.type, DCAT3.DatasetSeries))
        graph.add((series, DCTERMS.identifier, Literal(str(series))))
        series_titles = {k: v.format(title=titles[k]) for k, v in TEXTS["series_title"].items()}
        dcat._texts(graph, series, DCTERMS.title, series_titles)
        dcat._texts(graph, series, DCTERMS.description, TEXTS["series_description"])
        _copy(graph, parent, series, SERIES_SHARED)
        waves = [
            _wave(graph, wave, titles, parent, series, entry.survey.licence, base, service)
            for wave in entry.waves
        ]
        graph.add((series, DCAT3.first, waves[0]))
        graph.add((series, DCAT3.last, waves[-1]))
        for before, after in zip(waves, waves[1:], strict=False):
            graph.add((after, DCAT3.prev, before))
            graph.add((before, DCAT3.next, after))


def _wave(
    graph: Graph,
    wave: WaveRecord,
    titles: dict[str, str],
    parent: URIRef,
    series: URIRef,
    licence: str | None,
    base: str,
    service: URIRef,
) -> URIRef:
    dataset = URIRef(f"{base}/catalog#wave-{wave.survey}-{wave.year}")
    graph.add((URIRef(f"{base}/catalog"), DCAT.dataset, dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    dcat._texts(graph, dataset, DCTERMS.title, languages.in_languages(wave, "title"))
    descriptions = {
        lang: text.format(year=wave.year, title=titles[lang])
        for lang, text in TEXTS["wave_description"].items()
    }
    dcat._texts(graph, dataset, DCTERMS.description, descriptions)
    _copy(graph, parent, dataset, dcat_pages.SHARED)
    graph.add((dataset, DCAT3.inSeries, series))
    graph.add((dataset, DCTERMS.isPartOf, parent))
    graph.add((parent, DCTERMS.hasPart, dataset))
    period = BNode(f"temporal-{wave.survey}-{wave.year}")
    graph.add((dataset, DCTERMS.temporal, period))
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    start, end = dt.date(wave.year, 1, 1), dt.date(wave.year, 12, 31)
    graph.add((period, DCAT.startDate, Literal(start, datatype=XSD.date)))
    graph.add((period, DCAT.endDate, Literal(end, datatype=XSD.date)))
    if wave.published_on is not None:
        graph.add((dataset, DCTERMS.issued, Literal(wave.published_on, datatype=XSD.date)))
    data = f"{base}/api/v1/shares?survey={wave.survey}&wave={wave.year}&"
    dcat_pages.downloads(graph, dataset, data, licence, service)
    return dataset


def _copy(graph: Graph, source: URIRef, target: URIRef, predicates: Sequence[URIRef]) -> None:
    for predicate in predicates:
        for value in list(graph.objects(source, predicate)):
            graph.add((target, predicate, value))
