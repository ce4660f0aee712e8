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

A citation cites one release and says so: it names the release ("datautgave 1, lastet inn
2026-12-03") and its URL pins it (`?as_of=1` on the cited resource's address), so that
whoever follows it sees the figures that were cited, whatever was loaded since.
`Citation` is the one record of those facts; its text and CSL-JSON are made here, BibTeX
and RIS in api.formats.bibtex and api.formats.ris, each from the same record.

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

from api import languages, licences, wording
from models import dates
from models.cited import CitedIndicator, CitedQuestion
from models.records import ReleaseRecord, Series, SourceRecord, SurveyRecord

API_NAME = "kommunedigi"

_PARTIES = re.compile(r"\s+(?:with|and|og|med|&)\s+|\s*[,/]\s*")


def _offered(table: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """`table` in the languages offered, each of which it must have."""
    return {key: {lang: words[lang] for lang in languages.CODES} for key, words in table.items()}


# Nynorsk ("nn") is written out beside bokmål and English; only the languages offered
# (api.languages) are kept, so it is used as soon as `lang=nn` is.
_WORDS = _offered(
    {
        "source": {"nb": "Kilde", "nn": "Kjelde", "en": "Source"},
        "documents": {"nb": "Kildedokumenter", "nn": "Kjeldedokument", "en": "Source documents"},
        "undated": {"nb": "udatert", "nn": "udatert", "en": "undated"},
        "distributed_by": {"nb": "Distribuert av", "nn": "Distribuert av", "en": "Distributed by"},
        "release": {"nb": "datautgave", "nn": "datautgåve", "en": "release"},
        "no_release": {"nb": "ingen datautgave", "nn": "inga datautgåve", "en": "no release"},
        "loaded": {"nb": "lastet inn", "nn": "lasta inn", "en": "loaded"},
        "accessed": {"nb": "lest", "nn": "henta", "en": "accessed"},
        "genre": {"nb": "Datasett", "nn": "Datasett", "en": "Data set"},
    }
)


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


def release_loaded(release: ReleaseRecord | None, lang: str) -> str:
    """ "datautgave 1, lastet inn 2026-12-03": how a citation names the release it cites."""
    if release is None:
        return _WORDS["no_release"][lang]
    day = release.created_at.date().isoformat()
    return f"{_WORDS['release'][lang]} {release.id}, {_WORDS['loaded'][lang]} {day}"


def pinned(url: str, release: ReleaseRecord | None) -> str:
    """`url` pinned to `release` (`?as_of=1`), as a citation links what it cites."""
    if release is None:
        return url
    return f"{url}{'&' if '?' in url else '?'}as_of={release.id}"


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
    """How to cite one indicator or question as served by one release on one day.

    `url` is the cited resource's address; the citation gives it pinned to the release
    (`cited_url`). The properties below are the facts every format gives, made once.
    """

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

    @property
    def key(self) -> str:
        """The item's identifier in reference managers: the API, the code and the release."""
        release = "" if self.release is None else f":{self.release.id}"
        return f"{API_NAME}:{self.code}{release}"

    @property
    def authors(self) -> tuple[str, ...]:
        return parties(self.survey)

    @property
    def cited_url(self) -> str:
        """The address the citation gives: the resource's, pinned to the release cited."""
        return pinned(self.url, self.release)

    @property
    def container(self) -> str:
        """The survey and the waves cited: "Kommuneundersøkelsen 2015 og 2017"."""
        return survey_waves(self.survey, self.waves, self.lang)

    @property
    def genre(self) -> str:
        return _WORDS["genre"][self.lang]

    @property
    def distribution(self) -> str:
        """ "Distribuert av kommunedigi, datautgave 1, lastet inn 2026-12-03"."""
        return (
            f"{_WORDS['distributed_by'][self.lang]} {API_NAME},"
            f" {release_loaded(self.release, self.lang)}"
        )

    @property
    def documents(self) -> str | None:
        """ "Kildedokumenter: EVRY, «…», 2018-01-24"; None when no source is cited."""
        if not self.sources:
            return None
        listed = "; ".join(document(source, self.lang) for source in self.sources)
        return f"{_WORDS['documents'][self.lang]}: {listed}"

    @property
    def licence_line(self) -> str | None:
        """ "Lisens: NLOD 2.0 (…)"; None when none is stated (the citation claims none)."""
        return licences.cited(self.survey.licence, self.lang) if self.survey.licence else None

    def notes(self) -> list[str]:
        """What BibTeX and RIS, having no field of their own for it, say in a note: the
        release with the day it was loaded, the source documents and the licence."""
        return [
            part
            for part in (self.distribution, self.documents, self.licence_line)
            if part is not None
        ]

    def text(self) -> str:
        """One paragraph: authors and year, title, survey and waves, documents, the API with
        the release, and the day accessed."""
        lang = self.lang
        parts = [
            f"{wording.join(self.authors, lang)} ({_year(self.issued, lang)}):",
            f"{wording.quoted(self.title, lang)}.",
            f"{self.container}.",
            *(f"{part}." for part in (self.documents, self.licence_line) if part is not None),
            f"{self.distribution}: {self.cited_url},"
            f" {_WORDS['accessed'][lang]} {self.accessed.isoformat()}.",
        ]
        return " ".join(parts)

    def csl(self) -> list[dict[str, Any]]:
        """CSL-JSON: a list of one item of type dataset, as reference managers import it.

        The survey's parties are its authors; this API, which distributes the figures, is
        its publisher, and the release its version, with the day the release was loaded as
        `available-date`.
        """
        item: dict[str, Any] = {
            "id": self.key,
            "type": "dataset",
            "genre": self.genre,
            "title": self.title,
            "container-title": self.container,
            "author": [{"literal": name} for name in self.authors],
            "publisher": API_NAME,
            "source": API_NAME,
            "URL": self.cited_url,
            "language": self.lang,
        }
        if self.abstract:
            item["abstract"] = self.abstract
        if self.survey.licence:
            item["license"] = self.survey.licence
        if self.documents is not None:
            item["note"] = self.documents
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
            "authors": list(self.authors),
            "waves": list(self.waves),
            "publisher": publisher(self.survey),
            "sources": [source.code for source in self.sources],
            "issued": self.issued,
            "distributor": API_NAME,
            "release": None if self.release is None else self.release.id,
            "release_date": self.release_date,
            "accessed": self.accessed,
            "url": self.cited_url,
            "licence": self.survey.licence,
        }
