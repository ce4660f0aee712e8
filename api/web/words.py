"""The fixed words of the pages in each language (texts from the data are not here)."""

from __future__ import annotations

WORDS = {
    "nb": {
        "table_caption": "verdi per år",
        "wave": "År",
        "value": "Verdi",
        "sources": "Kilde",
        "in_wave": "i",
        "no_value": "Ingen tall er publisert for denne indikatoren.",
        "api_link": "Tallene og kildene i kommunedigi",
        "language": "Språk",
        "page_title": "kommunedigi: Kommuneundersøkelsen som åpne data",
        "intro": (
            "kommunedigi publiserer tallene fra Kommuneundersøkelsen, undersøkelsen av"
            " digitalisering i norske kommuner, som åpne data. Her er bare tall som er trykt i"
            " offentlige kilder, hvert med kilden sin. Der en kilde ikke gir noe tall, mangler"
            " verdien, og det står hvorfor."
        ),
        "about": "Om dataene",
        "publisher": "Utgiver",
        "waves": "Rundene",
        "respondents": "Kommuner som svarte",
        "wave_title": "Runde",
        "note": "Merknad",
        "indicators": "Indikatorer",
        "indicators_intro": (
            "Hver indikator er andelen kommuner som ga ett eller flere svar på et spørsmål,"
            " per runde. Endringer er i prosentpoeng."
        ),
        "questions": "Spørsmål",
        "questions_intro": "Hvert spørsmål har en side med svarandelene, kildene og historikken:",
        "links": "Tallene som",
        "embed": "innbygging",
        "citation": "sitering",
        "sources_heading": "Kilder",
        "sources_intro": "Tallene er hentet fra disse dokumentene:",
        "developers": "For utviklere",
        "graphql": "GraphQL med GraphiQL i nettleseren",
        "docs": "REST-API-et, dokumentert med OpenAPI",
        "catalog": "DCAT-AP-NO-katalogen for dataportaler",
        "downloads": "Hele undersøkelsen som fil",
        "release": "Datautgave",
        "no_release": "Ingen data er lastet ennå.",
    },
    "nn": {
        "table_caption": "verdi per år",
        "wave": "År",
        "value": "Verdi",
        "sources": "Kjelde",
        "in_wave": "i",
        "no_value": "Ingen tal er publiserte for denne indikatoren.",
        "api_link": "Tala og kjeldene i kommunedigi",
        "language": "Språk",
        "page_title": "kommunedigi: Kommuneundersøkelsen som opne data",
        "intro": (
            "kommunedigi publiserer tala frå Kommuneundersøkelsen, undersøkinga av"
            " digitalisering i norske kommunar, som opne data. Her er berre tal som er trykte i"
            " offentlege kjelder, kvart med kjelda si. Der ei kjelde ikkje gir noko tal, manglar"
            " verdien, og det står kvifor."
        ),
        "about": "Om dataa",
        "publisher": "Utgivar",
        "waves": "Rundane",
        "respondents": "Kommunar som svarte",
        "wave_title": "Runde",
        "note": "Merknad",
        "indicators": "Indikatorar",
        "indicators_intro": (
            "Kvar indikator er delen av kommunane som gav eitt eller fleire svar på eit"
            " spørsmål, per runde. Endringar er i prosentpoeng."
        ),
        "links": "Tala som",
        "embed": "innbygging",
        "citation": "sitering",
        "sources_heading": "Kjelder",
        "sources_intro": "Tala er henta frå desse dokumenta:",
        "developers": "For utviklarar",
        "graphql": "GraphQL med GraphiQL i nettlesaren",
        "docs": "REST-API-et, dokumentert med OpenAPI",
        "catalog": "DCAT-AP-NO-katalogen for dataportalar",
        "downloads": "Heile undersøkinga som fil",
        "release": "Datautgåve",
        "no_release": "Ingen data er lasta enno.",
    },
    "en": {
        "table_caption": "value by year",
        "wave": "Year",
        "value": "Value",
        "sources": "Source",
        "in_wave": "in",
        "no_value": "No figure is published for this indicator.",
        "api_link": "The figures and their sources in kommunedigi",
        "language": "Language",
        "page_title": "kommunedigi: Kommuneundersøkelsen as open data",
        "intro": (
            "kommunedigi publishes the figures of Kommuneundersøkelsen, the survey of"
            " digitalisation in Norwegian municipalities, as open data. It holds only figures"
            " printed in public sources, each with its source. Where a source gives no number,"
            " the value is missing, and it says why."
        ),
        "about": "About the data",
        "publisher": "Publisher",
        "waves": "Waves",
        "respondents": "Municipalities answering",
        "wave_title": "Wave",
        "note": "Note",
        "indicators": "Indicators",
        "indicators_intro": (
            "Each indicator is the share of municipalities giving one or more answers to a"
            " question, by wave. Changes are in percentage points."
        ),
        "questions": "Questions",
        "questions_intro": "Each question has a page with its answer shares, sources and history:",
        "links": "The figures as",
        "embed": "embed",
        "citation": "citation",
        "sources_heading": "Sources",
        "sources_intro": "The figures come from these documents:",
        "developers": "For developers",
        "graphql": "GraphQL, with GraphiQL in the browser",
        "docs": "The REST API, documented with OpenAPI",
        "catalog": "The DCAT-AP-NO catalog for data portals",
        "downloads": "The whole survey as a file",
        "release": "Data release",
        "no_release": "No data has been loaded yet.",
    },
}

# Each language by its own name, as a reader of it looks for it in the language menu.
LANGUAGE_NAMES = {"nb": "Norsk bokmål", "nn": "Norsk nynorsk", "en": "English"}


def other_languages(lang: str) -> list[tuple[str, str]]:
    """The languages a page in `lang` links to, by code and own name."""
    return [(code, name) for code, name in LANGUAGE_NAMES.items() if code != lang]
