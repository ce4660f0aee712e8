"""The catalog's own words, in each language (the data's texts come from the database)."""

from __future__ import annotations

KEYWORDS = {
    "nb": ("digitalisering", "kommuner", "IKT", "spørreundersøkelse"),
    "nn": ("digitalisering", "kommunar", "IKT", "spørjeundersøking"),
    "en": ("digitalisation", "municipalities", "ICT", "survey"),
}

TEXTS = {
    "catalog_title": {
        "nb": "Datakatalog for kommunedigi",
        "nn": "Datakatalog for kommunedigi",
        "en": "kommunedigi data catalogue",
    },
    "catalog_description": {
        "nb": "Datasettene og API-et til kommunedigi, som publiserer svarandelene fra "
        "Kommuneundersøkelsen om digitalisering i norske kommuner.",
        "nn": "Datasetta og API-et til kommunedigi, som publiserer svarfordelinga frå "
        "Kommuneundersøkelsen om digitalisering i norske kommunar.",
        "en": "The datasets and the API of kommunedigi, which publishes the answer shares of "
        "Kommuneundersøkelsen, the survey of digitalisation in Norwegian municipalities.",
    },
    "service_title": {
        "nb": "kommunedigi REST-API",
        "nn": "kommunedigi REST-API",
        "en": "kommunedigi REST API",
    },
    "service_description": {
        "nb": "Undersøkelser, runder, spørsmål, indikatorer og svarandeler som JSON, CSV og "
        "JSON-stat. Kontrakten er et OpenAPI 3.1-dokument; de samme dataene finnes også "
        "gjennom GraphQL.",
        "nn": "Undersøkingar, rundar, spørsmål, indikatorar og svarfordelingar som JSON, CSV og "
        "JSON-stat. Kontrakten er eit OpenAPI 3.1-dokument; dei same dataa finst også "
        "gjennom GraphQL.",
        "en": "Surveys, waves, questions, indicators and answer shares as JSON, CSV and "
        "JSON-stat. The contract is an OpenAPI 3.1 document; the same data is also served "
        "through GraphQL.",
    },
    "graphql_title": {
        "nb": "kommunedigi GraphQL-API",
        "nn": "kommunedigi GraphQL-API",
        "en": "kommunedigi GraphQL API",
    },
    "graphql_description": {
        "nb": "De samme dataene som REST-API-et gjennom GraphQL: én spørring henter akkurat "
        "feltene klienten ber om. Skjemaet er SDL-dokumentet.",
        "nn": "Dei same dataa som REST-API-et gjennom GraphQL: éi spørjing hentar akkurat "
        "felta klienten ber om. Skjemaet er SDL-dokumentet.",
        "en": "The same data as the REST API through GraphQL: one query fetches exactly the "
        "fields the client asks for. Its schema is the SDL document.",
    },
    "pxwebapi_title": {
        "nb": "kommunedigi PxWebApi 2",
        "nn": "kommunedigi PxWebApi 2",
        "en": "kommunedigi PxWebApi 2",
    },
    "pxwebapi_description": {
        "nb": "Svarandelene som tabeller gjennom PxWebApi 2, API-et til Statistikkbanken hos "
        "SSB og SCB: én tabell per spørsmål, med metadata og data som JSON-stat 2.0, for "
        "klienter som pxwebpy og R-pakken pxweb.",
        "nn": "Svarfordelinga som tabellar gjennom PxWebApi 2, API-et til Statistikkbanken hos "
        "SSB og SCB: éin tabell per spørsmål, med metadata og data som JSON-stat 2.0, for "
        "klientar som pxwebpy og R-pakken pxweb.",
        "en": "The answer shares as tables through PxWebApi 2, the API of the statistics "
        "databases of Statistics Norway and Sweden: one table per question, with metadata "
        "and data as JSON-stat 2.0, for clients such as pxwebpy and R's pxweb.",
    },
    "unnamed_publisher": {
        "nb": "Utgiveren av {base}",
        "nn": "Utgivaren av {base}",
        "en": "The publisher of {base}",
    },
}
