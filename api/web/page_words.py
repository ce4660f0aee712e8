"""The fixed words of an indicator's or a question's page, in bokmål, nynorsk and English.

Kept beside api.web.words (the front page's and the widget's) so that each table stays
small; texts from the data are not here. Each table holds the languages api.languages
offers: nynorsk is written out here, and served once `nn` is among them.
"""

from __future__ import annotations

from typing import TypeVar

from api import languages
from models.statuses import FigureStatus

T = TypeVar("T")


def _offered(table: dict[str, T]) -> dict[str, T]:
    return {lang: text for lang, text in table.items() if lang in languages.CODES}


# What a figure is, as a table's status column says it (api.wording says why one is missing).
_STATUS = {
    FigureStatus.PUBLISHED: {"nb": "publisert", "nn": "publisert", "en": "published"},
    FigureStatus.APPROXIMATE: {"nb": "omtrentlig", "nn": "omtrentleg", "en": "approximate"},
    FigureStatus.DERIVED: {"nb": "utregnet", "nn": "utrekna", "en": "derived"},
    FigureStatus.QUALITATIVE: {
        "nb": "bare omtalt i ord",
        "nn": "berre omtalt i ord",
        "en": "described in words only",
    },
    FigureStatus.NOT_PUBLISHED: {
        "nb": "ikke publisert",
        "nn": "ikkje publisert",
        "en": "not published",
    },
    FigureStatus.NO_SOURCE: {
        "nb": "ingen tall kjent",
        "nn": "ingen tal kjende",
        "en": "no figure known",
    },
}

STATUS = {status: _offered(words) for status, words in _STATUS.items()}
del _STATUS

# As api.wording writes an approximate value: "ca. 24 %".
APPROXIMATELY = _offered({"nb": "ca.", "nn": "ca.", "en": "approx."})

WORDS = _offered(
    {
        "nb": {
            "home": "kommunedigi",
            "indicator": "Indikator",
            "question": "Spørsmål",
            "chart_heading": "Diagram",
            "chart_text": "Diagrammet viser",
            "figures_heading": "Tallene",
            "series_caption": "{title}: verdi per år",
            "shares_caption": "Svarandelene med kildene sine",
            "wave": "År",
            "option": "Svar",
            "segment": "Gruppe",
            "value": "Verdi",
            "status": "Status",
            "parts": "Regnet ut av",
            "source": "Kilde",
            "locator": "Hvor i kilden",
            "no_figures": "Ingen tall er publisert ennå.",
            "sources_heading": "Kilder",
            "undated": "udatert",
            "downloads_heading": "Last ned",
            "downloads_intro": "Tallene som fil og gjennom API-et:",
            "chart_files": "Diagrammet som",
            "citation_heading": "Slik siterer du",
            "citation_formats": "Sitatet som",
            "history_heading": "Historikk",
            "history_intro": "Datautgavene som endret disse tallene, nyeste først:",
            "history_none": "Ingen datautgave har endret disse tallene ennå.",
            "release": "Datautgave",
            "added": "lagt til",
            "changed": "endret",
            "removed": "fjernet",
            "figures_count": "tall",
            "embed_heading": "Bygg inn",
            "embed_intro": "Kopier denne koden inn på en nettside for å vise diagrammet der:",
            "embed_code": "Kode for innbygging",
            "oembed": "oEmbed for nettsteder som bruker det",
            "indicators_heading": "Indikatorer over dette spørsmålet",
            "question_of": "Spørsmålet",
            "pinned": "Siden viser tallene slik de var i datautgave {release} ({date}).",
            "pinned_newer": "En nyere datautgave finnes: {release} ({date}).",
            "pinned_current": "Se de gjeldende tallene",
            "other_language": "English",
            "other_language_code": "en",
            "language": "Språk",
            "not_found_title": "Fant ikke siden",
            "not_found_text": "Det finnes ingen {what} med koden «{code}».",
            "not_found_back": "Til forsiden",
            "what_indicator": "indikator",
            "what_question": "spørsmål",
        },
        "nn": {
            "home": "kommunedigi",
            "indicator": "Indikator",
            "question": "Spørsmål",
            "chart_heading": "Diagram",
            "chart_text": "Diagrammet viser",
            "figures_heading": "Tala",
            "series_caption": "{title}: verdi per år",
            "shares_caption": "Svardelane med kjeldene sine",
            "wave": "År",
            "option": "Svar",
            "segment": "Gruppe",
            "value": "Verdi",
            "status": "Status",
            "parts": "Rekna ut av",
            "source": "Kjelde",
            "locator": "Kvar i kjelda",
            "no_figures": "Ingen tal er publiserte enno.",
            "sources_heading": "Kjelder",
            "undated": "udatert",
            "downloads_heading": "Last ned",
            "downloads_intro": "Tala som fil og gjennom API-et:",
            "chart_files": "Diagrammet som",
            "citation_heading": "Slik siterer du",
            "citation_formats": "Sitatet som",
            "history_heading": "Historikk",
            "history_intro": "Datautgåvene som endra desse tala, nyaste først:",
            "history_none": "Inga datautgåve har endra desse tala enno.",
            "release": "Datautgåve",
            "added": "lagt til",
            "changed": "endra",
            "removed": "fjerna",
            "figures_count": "tal",
            "embed_heading": "Bygg inn",
            "embed_intro": "Kopier denne koden inn på ei nettside for å vise diagrammet der:",
            "embed_code": "Kode for innbygging",
            "oembed": "oEmbed for nettstader som brukar det",
            "indicators_heading": "Indikatorar over dette spørsmålet",
            "question_of": "Spørsmålet",
            "pinned": "Sida viser tala slik dei var i datautgåve {release} ({date}).",
            "pinned_newer": "Ei nyare datautgåve finst: {release} ({date}).",
            "pinned_current": "Sjå dei gjeldande tala",
            "other_language": "English",
            "other_language_code": "en",
            "language": "Språk",
            "not_found_title": "Fann ikkje sida",
            "not_found_text": "Det finst ingen {what} med koden «{code}».",
            "not_found_back": "Til framsida",
            "what_indicator": "indikator",
            "what_question": "spørsmål",
        },
        "en": {
            "home": "kommunedigi",
            "indicator": "Indicator",
            "question": "Question",
            "chart_heading": "Chart",
            "chart_text": "The chart shows",
            "figures_heading": "The figures",
            "series_caption": "{title}: value by year",
            "shares_caption": "The answer shares with their sources",
            "wave": "Year",
            "option": "Answer",
            "segment": "Group",
            "value": "Value",
            "status": "Status",
            "parts": "Derived from",
            "source": "Source",
            "locator": "Where in the source",
            "no_figures": "No figure is published yet.",
            "sources_heading": "Sources",
            "undated": "undated",
            "downloads_heading": "Download",
            "downloads_intro": "The figures as files and through the API:",
            "chart_files": "The chart as",
            "citation_heading": "How to cite",
            "citation_formats": "The citation as",
            "history_heading": "History",
            "history_intro": "The data releases that changed these figures, newest first:",
            "history_none": "No data release has changed these figures yet.",
            "release": "Data release",
            "added": "added",
            "changed": "changed",
            "removed": "removed",
            "figures_count": "figures",
            "embed_heading": "Embed",
            "embed_intro": "Copy this code into a web page to show the chart there:",
            "embed_code": "Code to embed",
            "oembed": "oEmbed for sites that use it",
            "indicators_heading": "Indicators over this question",
            "question_of": "The question",
            "pinned": (
                "This page shows the figures as they were in data release {release} ({date})."
            ),
            "pinned_newer": "A newer data release exists: {release} ({date}).",
            "pinned_current": "See the current figures",
            "other_language": "Norsk",
            "other_language_code": "nb",
            "language": "Language",
            "not_found_title": "Page not found",
            "not_found_text": "There is no {what} with the code “{code}”.",
            "not_found_back": "To the front page",
            "what_indicator": "indicator",
            "what_question": "question",
        },
    }
)
