"""Citations of indicators and questions, and the source lines of charts and widgets.

Every part comes from the database: the survey's name and its publisher, the waves the
figures are from, the documents they were printed in, and the release served (the
data version a reader can ask for again). A citation is text in bokmål or English, or
CSL-JSON for reference managers.

A survey's title is "<name>: <subtitle>" ("Kommuneundersøkelsen: Status for …"); a
citation names it by its name, which as a title is not translated. Its publisher is
stored as the parties' names joined by words ("EVRY with NyAnalyse"); a source line
lists them with a slash, as the survey's own materials do ("EVRY/NyAnalyse").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from api import licences, wording
from models.records import (
    CitedIndicator,
    CitedQuestion,
    ReleaseRecord,
    Series,
    SourceRecord,
    SurveyRecord,
)

API_NAME = "kommunedigi"

_PARTIES = re.compile(r"\s+(?:with|and|og|med|&)\s+|\s*[,/]\s*")

_WORDS = {
    "source": {"nb": "Kilde", "en": "Source"},
    "documents": {"nb": "Kildedokumenter", "en": "Source documents"},
    "undated": {"nb": "udatert", "en": "undated"},
    "in": {"nb": "I", "en": "In"},
    "published_by": {"nb": "Publisert av", "en": "Published by"},
    "release": {"nb": "datautgave", "en": "release"},
    "no_release": {"nb": "ingen datautgave", "en": "no release"},
}


def survey_name(survey: SurveyRecord) -> str:
    return survey.title_nb.split(":", 1)[0].strip()


def parties(survey: SurveyRecord) -> tuple[str, ...]:
    """The organisations behind a survey, in the order its publisher names them."""
    return tuple(part for part in _PARTIES.split(survey.publisher.strip()) if part)


def publisher(survey: SurveyRecord) -> str:
    return "/".join(parties(survey))


def survey_waves(survey: SurveyRecord, waves: Sequence[int], lang: str) -> str:
    """ "Kommuneundersøkelsen 2015 og 2017"; the name alone when no wave is known."""
    years = wording.join([str(year) for year in waves], lang)
    return f"{survey_name(survey)} {years}" if years else survey_name(survey)


def document(source: SourceRecord, lang: str, *, with_url: bool = True) -> str:
    """A source document: publisher, «title», date (or undated), and its URL when known."""
    parts = [
        source.publisher,
        wording.quoted(source.title, lang),
        source.published or _WORDS["undated"][lang],
    ]
    if with_url and source.url:
        parts.append(source.url)
    return ", ".join(parts)


def source_line(
    survey: SurveyRecord, waves: Sequence[int], sources: Sequence[SourceRecord], lang: str
) -> str:
    """ "Kilde: Kommuneundersøkelsen 2015 og 2017, EVRY/NyAnalyse. Kildedokumenter: …" """
    line = f"{_WORDS['source'][lang]}: {survey_waves(survey, waves, lang)}, {publisher(survey)}."
    if sources:
        documents = "; ".join(document(source, lang, with_url=False) for source in sources)
        line += f" {_WORDS['documents'][lang]}: {documents}."
    return line


def short_line(survey: SurveyRecord, wave: int | None, lang: str) -> str:
    """The one-line credit of a widget: "Kilde: Kommuneundersøkelsen 2017, EVRY/NyAnalyse"."""
    waves = [] if wave is None else [wave]
    return f"{_WORDS['source'][lang]}: {survey_waves(survey, waves, lang)}, {publisher(survey)}"


def cited_waves(series: Series) -> tuple[int, ...]:
    """The waves whose points cite a source: those a figure or a statement comes from."""
    return tuple(point.wave for point in series.points if point.sources)


def credited_wave(series: Series) -> int | None:
    """The wave a widget credits: that of the latest value, else the latest cited wave."""
    latest = wording.latest(series.points)
    if latest is not None:
        return latest.wave
    waves = cited_waves(series)
    return waves[-1] if waves else None


@dataclass(frozen=True, slots=True)
class Citation:
    """How to cite one indicator or question as served by one release."""

    code: str
    title: str
    abstract: str | None
    survey: SurveyRecord
    waves: tuple[int, ...]
    sources: tuple[SourceRecord, ...]
    release: ReleaseRecord | None
    url: str
    lang: str

    @classmethod
    def of_indicator(cls, cited: CitedIndicator, url: str, lang: str) -> Citation:
        indicator = cited.detail.indicator
        return cls(
            code=indicator.code,
            title=getattr(indicator, f"title_{lang}"),
            abstract=getattr(indicator, f"description_{lang}"),
            survey=cited.survey,
            waves=cited_waves(cited.detail.series),
            sources=cited.detail.sources,
            release=cited.release,
            url=url,
            lang=lang,
        )

    @classmethod
    def of_question(cls, cited: CitedQuestion, url: str, lang: str) -> Citation:
        return cls(
            code=cited.question.code,
            title=getattr(cited.question, f"text_{lang}"),
            abstract=getattr(cited.question, f"note_{lang}"),
            survey=cited.survey,
            waves=cited.waves,
            sources=cited.sources,
            release=cited.release,
            url=url,
            lang=lang,
        )

    @property
    def _release_words(self) -> str:
        if self.release is None:
            return _WORDS["no_release"][self.lang]
        issued = self.release.created_at.date().isoformat()
        return f"{_WORDS['release'][self.lang]} {self.release.id} ({issued})"

    def text(self) -> str:
        """One paragraph: title, survey and waves, publisher, documents, API and release."""
        lang = self.lang
        parts = [
            f"{wording.quoted(self.title, lang)}.",
            f"{_WORDS['in'][lang]}: {survey_waves(self.survey, self.waves, lang)},"
            f" {publisher(self.survey)}.",
        ]
        if self.sources:
            documents = "; ".join(document(source, lang) for source in self.sources)
            parts.append(f"{_WORDS['documents'][lang]}: {documents}.")
        if self.survey.licence:  # none stated: the citation claims none
            parts.append(f"{licences.cited(self.survey.licence, lang)}.")
        parts.append(
            f"{_WORDS['published_by'][lang]} {API_NAME}, {self._release_words}: {self.url}"
        )
        return " ".join(parts)

    def csl(self) -> list[dict[str, Any]]:
        """CSL-JSON: a list of one item of type dataset, as reference managers import it."""
        item: dict[str, Any] = {
            "id": f"{API_NAME}:{self.code}"
            + (f":{self.release.id}" if self.release is not None else ""),
            "type": "dataset",
            "title": self.title,
            "container-title": survey_waves(self.survey, self.waves, self.lang),
            "author": [{"literal": name} for name in parties(self.survey)],
            "publisher": publisher(self.survey),
            "source": API_NAME,
            "URL": self.url,
            "language": self.lang,
        }
        if self.abstract:
            item["abstract"] = self.abstract
        if self.survey.licence:
            item["license"] = self.survey.licence
        if self.sources:
            documents = "; ".join(document(source, self.lang) for source in self.sources)
            item["note"] = f"{_WORDS['documents'][self.lang]}: {documents}"
        if self.release is not None:
            issued = self.release.created_at.date()
            item["version"] = str(self.release.id)
            item["issued"] = {"date-parts": [[issued.year, issued.month, issued.day]]}
        return [item]

    def body(self) -> dict[str, Any]:
        """The citation as this API's JSON: the text and the parts it is made of."""
        return {
            "code": self.code,
            "text": self.text(),
            "survey": self.survey.code,
            "waves": list(self.waves),
            "publisher": publisher(self.survey),
            "sources": [source.code for source in self.sources],
            "release": None if self.release is None else self.release.id,
            "url": self.url,
            "licence": self.survey.licence,
        }
