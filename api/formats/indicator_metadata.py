"""An indicator's metadata as a download: `<indicator>.metadata.json`, as Our World in Data
gives one beside each chart (title, description, unit, sources, citation, last updated),
in this API's snake_case and with what our figures need besides: the question and the
answers an indicator sums, where each source prints each figure (its locators), the
release the figures are from, what each status means and what each CSV column holds.

`last_updated` is when the release served was loaded; `date_downloaded` the day the
citation gives as accessed. Every link pins the release served, so that the files a
metadata document names are the files it describes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from api import licences
from api.formats import download_words as words
from api.formats.citations import Citation, survey_name
from api.formats.csv import SERIES_COLUMNS
from models.read import IndicatorDownload
from models.records import ReleaseRecord, ShareRecord, SourceRecord, text_in

JSON = dict[str, Any]
EXTENSIONS = ("csv", "metadata.json", "zip")


@dataclass(frozen=True, slots=True)
class Addresses:
    """Where an indicator and its downloads are, and what the files are called."""

    base: str  # the API's public base URL, without a final slash
    code: str
    release: int | None  # the release served
    pinned: bool  # the request named the release (as_of)

    @property
    def indicator(self) -> str:
        return f"{self.base}/api/v1/indicators/{self.code}"

    @property
    def page(self) -> str:
        """The indicator's page for people, as of the release served."""
        return f"{self.base}/indicators/{self.code}{self._as_of()}"

    def _as_of(self) -> str:
        return "" if self.release is None else f"?as_of={self.release}"

    @property
    def cited(self) -> str:
        """The indicator as of the release served: what a citation of a download links."""
        return self.indicator + self._as_of()

    def file(self, extension: str) -> str:
        return f"{self.indicator}.{extension}{self._as_of()}"

    def filename(self, extension: str) -> str:
        """`<code>.<ext>`; `<code>.release-<n>.<ext>` when the request pinned a release."""
        if self.pinned and self.release is not None:
            return f"{self.code}.release-{self.release}.{extension}"
        return f"{self.code}.{extension}"


def timestamp(moment: dt.datetime) -> str:
    """An instant in UTC as ISO 8601 with Z, as JSON-stat's `updated` gives it."""
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def citation_of(download: IndicatorDownload, at: Addresses, lang: str, day: dt.date) -> Citation:
    # The citation pins the address to the release it cites itself.
    return Citation.of_indicator(download.cited, at.indicator, lang, day)


def _unit(unit: str, lang: str) -> JSON:
    short, in_words = words.UNITS.get(unit, {}).get(lang, (None, None))
    return {"code": unit, "short": short, "description": in_words}


def _locators(code: str, shares: tuple[ShareRecord, ...], lang: str) -> list[JSON]:
    return [
        {"wave": share.wave, "option": share.option, "locator": share.locator_in(lang)}
        for share in shares
        if share.source == code and share.locator_in(lang)
    ]


def _source(source: SourceRecord, download: IndicatorDownload, lang: str) -> JSON:
    totals = [
        {"wave": point.wave, "option": None, "locator": total.locator_in(lang)}
        for point in download.table.detail.series.points
        if (total := point.published_total) is not None
        and total.source == source.code
        and total.locator_in(lang)
    ]
    return {
        "code": source.code,
        "title": source.title,
        "publisher": source.publisher,
        "published": source.published,
        "date_note": text_in(source, "date_note", lang),
        "url": source.url,
        "description": text_in(source, "description", lang),
        "locators": _locators(source.code, download.shares, lang) + totals,
    }


def _release(release: ReleaseRecord | None, at: Addresses) -> JSON | None:
    if release is None:
        return None
    return {
        "number": release.id,
        "loaded_at": timestamp(release.loaded_at),
        "pinned": at.pinned,
        "url": f"{at.base}/api/v1/releases/{release.id}",
    }


def _licence(uri: str | None, lang: str) -> JSON | None:
    return None if uri is None else {"uri": uri, "name": licences.name(uri, lang)}


def metadata(download: IndicatorDownload, at: Addresses, lang: str, day: dt.date) -> JSON:
    """The metadata document of `download` in `lang`, its citation accessed on `day`."""
    detail, release = download.table.detail, download.release
    indicator, question = detail.indicator, download.table.question
    citation = citation_of(download, at, lang, day)
    said, segment = words.WORDS[lang], download.table.segment
    return {
        "title": text_in(indicator, "title", lang),
        "description": text_in(indicator, "description", lang),
        "indicator": indicator.code,
        "language": lang,
        "unit": _unit(indicator.unit, lang),
        "survey": {
            "code": download.survey.code,
            "name": survey_name(download.survey),
            "title": text_in(download.survey, "title", lang),
            "publisher": download.survey.publisher,
        },
        "question": {
            "code": question.code,
            "text": text_in(question, "text", lang),
            "note": text_in(question, "note", lang),
        },
        "options": [
            {"code": option.code, "label": text_in(option, "label", lang)}
            for option in download.options
        ],
        "processing": said["sum"] if len(download.options) > 1 else said["one_option"],
        "segment": {"code": segment.code, "label": text_in(segment, "label", lang)},
        "waves": [point.wave for point in detail.series.points],
        "waves_with_figures": list(detail.waves_with_figures),
        "sources": [_source(source, download, lang) for source in detail.sources],
        "licence": _licence(download.survey.licence, lang),
        "citation": {"text": citation.text(), "csl": citation.csl()},
        "release": _release(release, at),
        "last_updated": None if release is None else timestamp(release.loaded_at),
        "date_downloaded": day.isoformat(),
        "statuses": {status.value: meaning for status, meaning in words.STATUSES[lang].items()},
        "columns": {name: words.COLUMNS[lang][name] for name in SERIES_COLUMNS},
        "links": {
            "indicator": at.indicator,
            "as_of_release": at.cited,
            "page": at.page,
            "csv": at.file("csv"),
            "metadata": at.file("metadata.json"),
            "zip": at.file("zip"),
            "citation": f"{at.indicator}/citation",
        },
    }
