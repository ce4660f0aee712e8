"""The fixed words of an indicator's downloads (metadata JSON, README), per language.

Keyed by language code like api.web.words; "nn" is written beside "nb" and "en" so that
it serves as soon as nynorsk is offered. Codes (columns, statuses) are never translated.
"""

from __future__ import annotations

from typing import TypeVar

from api import languages
from models.statuses import FigureStatus

T = TypeVar("T")


def _offered(table: dict[str, T]) -> dict[str, T]:
    """`table` (language → words) in the languages offered, each of which it must have."""
    return {lang: table[lang] for lang in languages.CODES}


COLUMNS: dict[str, dict[str, str]] = _offered(
    {
        "en": {
            "survey": "The survey's code.",
            "indicator": "The indicator's code.",
            "indicator_title": "The indicator's title, in the file's language.",
            "question": "The code of the question whose answers the indicator sums.",
            "options": "The codes of the answer options summed, joined by +.",
            "segment": "The segment's code (all: every municipality that answered).",
            "segment_label": "The segment's name.",
            "wave": "The year of the survey's wave.",
            "value": (
                "The share, in per cent of the municipalities that answered; empty when no"
                " figure is known (status says why)."
            ),
            "unit": "The unit of value (percent: per cent).",
            "status": "What the value is, or why there is none (see the statuses).",
            "rule": "How a derived value was computed (sum); empty for a share a source printed.",
            "parts": (
                "What a derived value was computed from: option=value, separated by semicolons,"
                " with a part's status in brackets when it is not published."
            ),
            "base_n": "The number of municipalities that answered, where the source gives it.",
            "change": "The change in percentage points since the wave in change_from.",
            "change_from": "The latest earlier wave with a value.",
            "published_total": (
                "The total a source printed for the summed options (often rounded), beside our"
                " exact sum."
            ),
            "published_total_source": "The code of the source that printed published_total.",
            "sources": "The codes of the sources the value comes from, separated by commas.",
            "source_published": (
                "When the newest of those sources was published (YYYY, YYYY-MM or YYYY-MM-DD);"
                " empty when undated."
            ),
            "notes": "Our notes on the value, in the file's language.",
        },
        "nb": {
            "survey": "Undersøkelsens kode.",
            "indicator": "Indikatorens kode.",
            "indicator_title": "Indikatorens tittel, på filens språk.",
            "question": "Koden til spørsmålet som indikatoren summerer svar på.",
            "options": "Kodene til svaralternativene som summeres, skilt med +.",
            "segment": "Gruppens kode (all: alle kommunene som svarte).",
            "segment_label": "Gruppens navn.",
            "wave": "Året for undersøkelsens runde.",
            "value": (
                "Andelen, i prosent av kommunene som svarte; tom når ikke noe tall er kjent"
                " (status sier hvorfor)."
            ),
            "unit": "Enheten for value (percent: prosent).",
            "status": "Hva verdien er, eller hvorfor den mangler (se statusene).",
            "rule": (
                "Hvordan en utregnet verdi er regnet ut (sum); tom for en andel en kilde trykte."
            ),
            "parts": (
                "Det en utregnet verdi er regnet ut av: svaralternativ=verdi, skilt med semikolon,"
                " med delens status i parentes når den ikke er published."
            ),
            "base_n": "Antall kommuner som svarte, der kilden oppgir det.",
            "change": "Endringen i prosentpoeng siden runden i change_from.",
            "change_from": "Den siste tidligere runden med en verdi.",
            "published_total": (
                "Summen en kilde trykte for svaralternativene (ofte avrundet), ved siden av vår"
                " eksakte sum."
            ),
            "published_total_source": "Koden til kilden som trykte published_total.",
            "sources": "Kodene til kildene verdien kommer fra, skilt med komma.",
            "source_published": (
                "Når den nyeste av disse kildene ble publisert (ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD);"
                " tom når den er udatert."
            ),
            "notes": "Våre merknader til verdien, på filens språk.",
        },
        "nn": {
            "survey": "Koden til undersøkinga.",
            "indicator": "Koden til indikatoren.",
            "indicator_title": "Tittelen til indikatoren, på språket til fila.",
            "question": "Koden til spørsmålet som indikatoren summerer svar på.",
            "options": "Kodane til svaralternativa som blir summerte, skilde med +.",
            "segment": "Koden til gruppa (all: alle kommunane som svarte).",
            "segment_label": "Namnet på gruppa.",
            "wave": "Året for runden av undersøkinga.",
            "value": (
                "Delen, i prosent av kommunane som svarte; tom når ikkje noko tal er kjent"
                " (status seier kvifor)."
            ),
            "unit": "Eininga for value (percent: prosent).",
            "status": "Kva verdien er, eller kvifor han manglar (sjå statusane).",
            "rule": (
                "Korleis ein utrekna verdi er rekna ut (sum); tom for ein del ei kjelde trykte."
            ),
            "parts": (
                "Det ein utrekna verdi er rekna ut av: svaralternativ=verdi, skilde med semikolon,"
                " med statusen til delen i parentes når han ikkje er published."
            ),
            "base_n": "Talet på kommunar som svarte, der kjelda oppgir det.",
            "change": "Endringa i prosentpoeng sidan runden i change_from.",
            "change_from": "Den siste tidlegare runden med ein verdi.",
            "published_total": (
                "Summen ei kjelde trykte for svaralternativa (ofte avrunda), ved sida av den"
                " eksakte summen vår."
            ),
            "published_total_source": "Koden til kjelda som trykte published_total.",
            "sources": "Kodane til kjeldene verdien kjem frå, skilde med komma.",
            "source_published": (
                "Når den nyaste av desse kjeldene vart publisert (ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD);"
                " tom når ho er udatert."
            ),
            "notes": "Merknadene våre til verdien, på språket til fila.",
        },
    }
)

STATUSES: dict[str, dict[FigureStatus, str]] = _offered(
    {
        "en": {
            FigureStatus.PUBLISHED: "printed by a source",
            FigureStatus.APPROXIMATE: "given by the source as approximate",
            FigureStatus.DERIVED: "computed by us from published figures (see rule and parts)",
            FigureStatus.QUALITATIVE: "described by the source in words only: no number",
            FigureStatus.NOT_PUBLISHED: "named by the source without a number",
            FigureStatus.NO_SOURCE: "no source we hold reports it: no figure is known",
        },
        "nb": {
            FigureStatus.PUBLISHED: "trykt i en kilde",
            FigureStatus.APPROXIMATE: "oppgitt som omtrentlig av kilden",
            FigureStatus.DERIVED: "regnet ut av oss fra publiserte tall (se rule og parts)",
            FigureStatus.QUALITATIVE: "bare beskrevet med ord i kilden: ikke noe tall",
            FigureStatus.NOT_PUBLISHED: "nevnt i kilden uten tall",
            FigureStatus.NO_SOURCE: "ingen kilde vi har oppgir det: ikke noe tall er kjent",
        },
        "nn": {
            FigureStatus.PUBLISHED: "trykt i ei kjelde",
            FigureStatus.APPROXIMATE: "oppgitt som omtrentleg av kjelda",
            FigureStatus.DERIVED: "rekna ut av oss frå publiserte tal (sjå rule og parts)",
            FigureStatus.QUALITATIVE: "berre skildra med ord i kjelda: ikkje noko tal",
            FigureStatus.NOT_PUBLISHED: "nemnd i kjelda utan tal",
            FigureStatus.NO_SOURCE: "inga kjelde vi har oppgir det: ikkje noko tal er kjent",
        },
    }
)

# What a unit means; a unit not named here is given by its code alone.
UNITS: dict[str, dict[str, tuple[str, str]]] = {  # unit → language → (short, in words)
    "percent": _offered(
        {
            "en": ("%", "per cent of the municipalities that answered"),
            "nb": ("%", "prosent av kommunene som svarte"),
            "nn": ("%", "prosent av kommunane som svarte"),
        }
    ),
}

WORDS: dict[str, dict[str, str]] = _offered(
    {
        "en": {
            "one_option": "The share of the municipalities that gave this answer.",
            "sum": "The exact sum of the shares of the municipalities that gave these answers.",
            "about": "About the data",
            "survey": "Survey",
            "question": "Question",
            "options": "Answers summed",
            "unit": "Unit",
            "release": "Release",
            "loaded": "loaded",
            "files": "Files",
            "csv": "the series, one row per wave",
            "metadata": "this description as JSON, with the citation as CSL-JSON",
            "cff": "the citation in Citation File Format 1.2.0",
            "columns": "Columns",
            "statuses": "Statuses",
            "sources": "Sources",
            "undated": "undated",
            "where": "where",
            "citation": "How to cite",
            "licence": "Licence",
            "no_licence": "The data owner states no licence.",
            "online": "Online",
            "cff_message": "If you use these figures, please cite them as below, with the release.",
            "readme": "kommunedigi publishes the figures of {survey} as open data: only figures"
            " printed in public sources, each with its source.",
        },
        "nb": {
            "one_option": "Andelen av kommunene som ga dette svaret.",
            "sum": "Den eksakte summen av andelene av kommunene som ga disse svarene.",
            "about": "Om dataene",
            "survey": "Undersøkelse",
            "question": "Spørsmål",
            "options": "Svar som summeres",
            "unit": "Enhet",
            "release": "Datautgave",
            "loaded": "lastet",
            "files": "Filer",
            "csv": "serien, én rad per runde",
            "metadata": "denne beskrivelsen som JSON, med siteringen som CSL-JSON",
            "cff": "siteringen i Citation File Format 1.2.0",
            "columns": "Kolonner",
            "statuses": "Statuser",
            "sources": "Kilder",
            "undated": "udatert",
            "where": "hvor",
            "citation": "Slik siterer du",
            "licence": "Lisens",
            "no_licence": "Dataeieren oppgir ingen lisens.",
            "online": "På nett",
            "cff_message": "Hvis du bruker disse tallene, siter dem som nedenfor, med datautgaven.",
            "readme": "kommunedigi publiserer tallene fra {survey} som åpne data: bare tall som er"
            " trykt i offentlige kilder, hvert med kilden sin.",
        },
        "nn": {
            "one_option": "Delen av kommunane som gav dette svaret.",
            "sum": "Den eksakte summen av delane av kommunane som gav desse svara.",
            "about": "Om dataa",
            "survey": "Undersøking",
            "question": "Spørsmål",
            "options": "Svar som blir summerte",
            "unit": "Eining",
            "release": "Datautgåve",
            "loaded": "lasta",
            "files": "Filer",
            "csv": "serien, éi rad per runde",
            "metadata": "denne skildringa som JSON, med siteringa som CSL-JSON",
            "cff": "siteringa i Citation File Format 1.2.0",
            "columns": "Kolonnar",
            "statuses": "Statusar",
            "sources": "Kjelder",
            "undated": "udatert",
            "where": "kvar",
            "citation": "Slik siterer du",
            "licence": "Lisens",
            "no_licence": "Dataeigaren oppgir ingen lisens.",
            "online": "På nett",
            "cff_message": "Viss du bruker desse tala, siter dei som nedanfor, med datautgåva.",
            "readme": "kommunedigi publiserer tala frå {survey} som opne data: berre tal som er"
            " trykte i offentlege kjelder, kvart med kjelda si.",
        },
    }
)
