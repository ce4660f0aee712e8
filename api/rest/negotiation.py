"""Output formats and content negotiation: `?format=` first, then the Accept header.

Each data endpoint names the formats it offers; the first is its default. A format
asked for by name that the endpoint does not offer is a 400; an Accept header that
names none of them gets the default (harvesters often send `*/*` or odd lists).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from starlette.requests import Request

from api.formats import bibtex, html, jsonpx, px, ris, xlsx
from models.filters import InvalidFilter

MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    # JSON-stat has no media type of its own; its documents are application/json.
    "jsonstat": "application/json",
    # The catalog (/catalog) in its three RDF serialisations.
    "ttl": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    # Citations (/api/v1/indicators/{code}/citation) for reference managers.
    "csl": "application/vnd.citationstyles.csl+json",
    "bibtex": bibtex.MEDIA_TYPE,
    "ris": ris.MEDIA_TYPE,
    # A question's table as PxWebApi 2 also offers it.
    "xlsx": xlsx.MEDIA_TYPE,
    "px": px.MEDIA_TYPE,
    "html": html.MEDIA_TYPE,
    "jsonpx": jsonpx.MEDIA_TYPE,
}

# Names a client may use for a format, PxWebApi's among them.
ALIASES = {
    "json": "json",
    "csv": "csv",
    "jsonstat": "jsonstat",
    "json-stat": "jsonstat",
    "json-stat2": "jsonstat",
    # The catalog's serialisations by the names the docs give them too: Turtle, JSON-LD, RDF/XML.
    "ttl": "ttl",
    "turtle": "ttl",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "rdfxml": "rdfxml",
    "rdf": "rdfxml",
    "xml": "rdfxml",
    "rdf-xml": "rdfxml",
    "rdf/xml": "rdfxml",
    "csl": "csl",
    "csl-json": "csl",
    "bibtex": "bibtex",
    "bib": "bibtex",
    "ris": "ris",
    "xlsx": "xlsx",
    "px": "px",
    "html": "html",
    "json-px": "jsonpx",
    "jsonpx": "jsonpx",
}

_FROM_ACCEPT = {
    "text/csv": "csv",
    "application/json": "json",
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/vnd.citationstyles.csl+json": "csl",
    "application/x-bibtex": "bibtex",
    "application/x-research-info-systems": "ris",
    xlsx.MEDIA_TYPE: "xlsx",
}


def negotiate(request: Request, offered: Sequence[str], *, parameter: str = "format") -> str:
    """The format to answer `request` in, among `offered` (the first is the default)."""
    asked = request.query_params.get(parameter)
    if asked is not None:
        chosen = ALIASES.get(asked.lower())
        if chosen is None or chosen not in offered:
            detail = f"{parameter}={asked!r} is not offered here; use: {', '.join(offered)}"
            raise InvalidFilter(parameter, detail)
        return chosen
    for media_range in _accepted(request.headers.get("accept", "")):
        accepted = _FROM_ACCEPT.get(media_range)
        if accepted is not None and accepted in offered:
            return accepted
    return offered[0]


@functools.lru_cache(maxsize=256)  # clients send few distinct Accept headers; parse each once
def _accepted(header: str) -> tuple[str, ...]:
    """Media ranges of an Accept header, most preferred first (q=0 dropped)."""
    ranges: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        media, *params = (item.strip() for item in part.split(";"))
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranges.append((-quality, position, media.lower()))
    return tuple(media for _, _, media in sorted(ranges))
