"""Citations of indicators and questions, and the source lines of charts and widgets.

Every part comes from the database: the survey's name and its authors, the waves the
cited figures are from, the documents they were printed in and when those were
published, and the release served (the data version a reader can ask for again). A
citation is text in bokmål, nynorsk or English, or CSL-JSON for reference managers.

Its dates each mean one thing: `issued` is when the source that printed the cited
figures was published (the newest of them; none when every one is undated, which APA
renders "n.d."), never when this API loaded them; the release is named with its number
and the day it was loaded (a day, so that deployments made the same day cite alike); and
`accessed` is the day of the request.

A survey's title is "<name>: <subtitle>" ("Kommuneundersøkelsen: Status for …"); a
citation names it by its name, which as a title is not translated. Its publisher is
stored as the parties' names joined by words ("EVRY with NyAnalyse"); a source line
lists them with a slash, as the survey's own materials do ("EVRY/NyAnalyse").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from api import licences, wording
from models import dates
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
    "source": {"nb": "Kilde", "nn": "Kjelde", "en": "Source"},
    "documents": {"nb": "Kildedokumenter", "nn": "Kjeldedokument", "en": "Source documents"},
    "undated": {"nb": "udatert", "nn": "udatert", "en": "undated"},
    "distributed_by": {"nb": "Distribuert av", "nn": "Distribuert av", "en": "Distributed by"},
    "release": {"nb": "datautgave", "nn": "datautgåve", "en": "release"},
    "no_release": {"nb": "ingen datautgave", "nn": "inga datautgåve", "en": "no release"},
    "accessed": {"nb": "lest", "nn": "henta", "en": "accessed"},
    "genre": {"nb": "Datasett", "nn": "Datasett", "en": "Data set"},
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


def issued(sources: Sequence[SourceRecord]) -> str | None:
    """When the newest of `sources` was published (models.dates); None: all undated."""
    return dates.newest(source.published for source in sources)


def release_words(release: ReleaseRecord | None, lang: str) -> str:
    """ "datautgave 1 (2026-12-03)": the release's number and the day it was loaded."""
    if release is None:
        return _WORDS["no_release"][lang]
    return f"{_WORDS['release'][lang]} {release.id} ({release.created_at.date().isoformat()})"


def _year(published: str | None, lang: str) -> str:
    """The year a citation gives: that of the newest source, or "udatert" / "undated"."""
    return published[:4] if published else _WORDS["undated"][lang]


def _dated(
    survey: SurveyRecord, waves: Sequence[int], sources: Sequence[SourceRecord], lang: str
) -> str:
    """ "Kommuneundersøkelsen 2015 og 2017, EVRY/NyAnalyse (2018)"."""
    year = _year(issued(sources), lang)
    return f"{survey_waves(survey, waves, lang)}, {publisher(survey)} ({year})"


def source_line(
    survey: SurveyRecord,
    waves: Sequence[int],
    sources: Sequence[SourceRecord],
    release: ReleaseRecord | None,
    lang: str,
) -> str:
    """A chart's credit: "Kilde: Kommuneundersøkelsen 2015 og 2017, EVRY/NyAnalyse.
    Kildedokumenter: EVRY, «…», 2018-01-24. kommunedigi, datautgave 1 (2026-12-03)."; the
    documents carry their dates, so the year is not given twice."""
    line = f"{_WORDS['source'][lang]}: {survey_waves(survey, waves, lang)}, {publisher(survey)}."
    if sources:
        documents = "; ".join(document(source, lang, with_url=False) for source in sources)
        line += f" {_WORDS['documents'][lang]}: {documents}."
    return f"{line} {API_NAME}, {release_words(release, lang)}."


def short_line(
    survey: SurveyRecord,
    waves: Sequence[int],
    sources: Sequence[SourceRecord],
    release: ReleaseRecord | None,
    lang: str,
) -> str:
    """A widget's credit: "Kilde: Kommuneundersøkelsen 2015 og 2017, EVRY/NyAnalyse (2018);
    kommunedigi, datautgave 1 (2026-12-03)"."""
    return (
        f"{_WORDS['source'][lang]}: {_dated(survey, waves, sources, lang)};"
        f" {API_NAME}, {release_words(release, lang)}"
    )


def cited_waves(series: Series) -> tuple[int, ...]:
    """The waves whose points cite a source: those a figure or a statement comes from (a
    wave no source reports is not cited)."""
    return tuple(point.wave for point in series.points if point.sources)


def _csl_day(day: dt.date) -> dict[str, Any]:
    return {"date-parts": [[day.year, day.month, day.day]]}


@dataclass(frozen=True, slots=True)
class Citation:
    """How to cite one indicator or question as served by one release on one day."""

    code: str
    title: str
    abstract: str | None
    survey: SurveyRecord
    waves: tuple[int, ...]
    sources: tuple[SourceRecord, ...]  # those that printed the cited figures
    release: ReleaseRecord | None
    url: str
    lang: str
    accessed: dt.date

    @classmethod
    def of_indicator(
        cls, cited: CitedIndicator, url: str, lang: str, accessed: dt.date
    ) -> Citation:
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
            accessed=accessed,
        )

    @classmethod
    def of_question(cls, cited: CitedQuestion, url: str, lang: str, accessed: dt.date) -> Citation:
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
            accessed=accessed,
        )

    @property
    def issued(self) -> str | None:
        """When the newest source of the cited figures was published; None: all undated."""
        return issued(self.sources)

    @property
    def release_date(self) -> dt.date | None:
        return None if self.release is None else self.release.created_at.date()

    def text(self) -> str:
        """One paragraph: authors and year, title, survey and waves, documents, the API with
        the release, and the day accessed."""
        lang = self.lang
        parts = [
            f"{wording.join(parties(self.survey), lang)} ({_year(self.issued, lang)}):",
            f"{wording.quoted(self.title, lang)}.",
            f"{survey_waves(self.survey, self.waves, lang)}.",
        ]
        if self.sources:
            documents = "; ".join(document(source, lang) for source in self.sources)
            parts.append(f"{_WORDS['documents'][lang]}: {documents}.")
        if self.survey.licence:  # none stated: the citation claims none
            parts.append(f"{licences.cited(self.survey.licence, lang)}.")
        parts.append(
            f"{_WORDS['distributed_by'][lang]} {API_NAME}, {release_words(self.release, lang)}:"
            f" {self.url}, {_WORDS['accessed'][lang]} {self.accessed.isoformat()}."
        )
        return " ".join(parts)

    def csl(self) -> list[dict[str, Any]]:
        """CSL-JSON: a list of one item of type dataset, as reference managers import it.

        The survey's parties are its authors; this API, which distributes the figures, is
        its publisher, and the release its version, with the day the release was loaded as
        `available-date`.
        """
        item: dict[str, Any] = {
            "id": f"{API_NAME}:{self.code}"
            + (f":{self.release.id}" if self.release is not None else ""),
            "type": "dataset",
            "genre": _WORDS["genre"][self.lang],
            "title": self.title,
            "container-title": survey_waves(self.survey, self.waves, self.lang),
            "author": [{"literal": name} for name in parties(self.survey)],
            "publisher": API_NAME,
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
        if self.issued is not None:
            item["issued"] = {"date-parts": [dates.parts(self.issued)]}
        if self.release is not None:
            item["version"] = str(self.release.id)
            item["available-date"] = _csl_day(self.release.created_at.date())
        item["accessed"] = _csl_day(self.accessed)
        return [item]

    def body(self) -> dict[str, Any]:
        """The citation as this API's JSON: the text and the parts it is made of."""
        return {
            "code": self.code,
            "text": self.text(),
            "survey": self.survey.code,
            "authors": list(parties(self.survey)),
            "waves": list(self.waves),
            "publisher": publisher(self.survey),
            "sources": [source.code for source in self.sources],
            "issued": self.issued,
            "distributor": API_NAME,
            "release": None if self.release is None else self.release.id,
            "release_date": self.release_date,
            "accessed": self.accessed,
            "url": self.url,
            "licence": self.survey.licence,
        }
