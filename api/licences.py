"""Licences we know by name: what a page, chart, citation or contract calls a licence URI.

Which licence the data has is decided once, in the read layer (models.read.statements:
the operator's `KOMMUNEDIGI_LICENCE` when set, else the survey's own, else none); every
survey record carries the result. This module only names a licence URI for people, and
gives the DCAT catalog its entry in the EU licence vocabulary. A URI we do not know is
shown as it is: we never guess a name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

# The EU licence vocabulary the DCAT-AP-NO shapes ask for.
EU_LICENCE = "http://publications.europa.eu/resource/authority/licence"


@dataclass(frozen=True, slots=True)
class Known:
    """A licence by name in Norwegian (bokmål and nynorsk alike) and English, and its
    entry in the EU vocabulary."""

    nb: str
    en: str
    eu: str


_NLOD_1 = Known("NLOD 1.0", "NLOD 1.0", "NLOD_1_0")
_NLOD_2 = Known("NLOD 2.0", "NLOD 2.0", "NLOD_2_0")

# Licence URIs in common Norwegian use, without scheme or trailing slash.
KNOWN = {
    "data.norge.no/nlod/no/1.0": _NLOD_1,
    "data.norge.no/nlod/en/1.0": _NLOD_1,
    "data.norge.no/nlod/no/2.0": _NLOD_2,
    "data.norge.no/nlod/en/2.0": _NLOD_2,
    "creativecommons.org/licenses/by/4.0": Known("CC BY 4.0", "CC BY 4.0", "CC_BY_4_0"),
    "creativecommons.org/publicdomain/zero/1.0": Known("CC0 1.0", "CC0 1.0", "CC0"),
}

# What a URI may hold as it is (RFC 3986 reserved and unreserved characters, and %).
_URI_CHARACTERS = ":/?#[]@!$&'()*+,;=%~-._"

_WORDS = {
    "licence": {"nb": "Lisens", "nn": "Lisens", "en": "Licence"},
    "none": {
        "nb": "ingen oppgitt av dataeieren",
        "nn": "ingen oppgitt av dataeigaren",
        "en": "none stated by the data owner",
    },
}


def known(uri: str) -> Known | None:
    """What we know of `uri`, if anything (http or https, with or without a final slash)."""
    key = uri.strip().split("://", 1)[-1].removeprefix("www.").removesuffix("/")
    return KNOWN.get(key)


def name(uri: str, lang: str) -> str:
    """The licence's name ("NLOD 2.0"); the URI itself when we do not know it."""
    found = known(uri)
    return uri.strip() if found is None else found.en if lang == "en" else found.nb


def eu_entry(uri: str) -> str:
    """The licence's URI in the EU licence vocabulary when we know it; else `uri` as given."""
    found = known(uri)
    return uri.strip() if found is None else f"{EU_LICENCE}/{found.eu}"


def href(licence: str | None) -> str | None:
    """Where a page links the licence: its URI when that is a web address, else nowhere
    (a URI an import brings is never made a link to run or to open locally)."""
    uri = (licence or "").strip()
    return uri if uri.lower().startswith(("https://", "http://")) else None


def line(licence: str | None, lang: str) -> str:
    """ "Lisens: NLOD 2.0", or that the data owner states none."""
    return f"{_WORDS['licence'][lang]}: {name(licence, lang) if licence else _WORDS['none'][lang]}"


@dataclass(frozen=True, slots=True)
class Footer:
    """A page's licence line: the word, each licence by name with its URI, or that none is
    stated."""

    label: str
    links: tuple[tuple[str, str | None], ...]  # (name, address to link, if any)
    none: str


def footer(stated: Iterable[str | None], lang: str) -> Footer:
    uris = sorted({licence for licence in stated if licence})
    links = tuple((name(uri, lang), href(uri)) for uri in uris)
    return Footer(_WORDS["licence"][lang], links, _WORDS["none"][lang])


def cited(licence: str, lang: str) -> str:
    """ "Lisens: NLOD 2.0 (https://data.norge.no/nlod/no/2.0)"; the URI alone when unnamed."""
    named = name(licence, lang)
    uri = licence.strip()
    return f"{_WORDS['licence'][lang]}: {named}" + ("" if named == uri else f" ({uri})")


def link_header(licences: Iterable[str | None]) -> dict[str, str]:
    """A `Link` header naming each licence (RFC 4946 rel="license"); none when none is stated."""
    stated = sorted({licence for licence in licences if licence})
    if not stated:
        return {}
    # Quoted, so that no character of a URI can end its <…> or the header.
    quoted = (quote(licence.strip(), safe=_URI_CHARACTERS) for licence in stated)
    return {"Link": ", ".join(f'<{uri}>; rel="license"' for uri in quoted)}


def openapi_info(licence: str) -> dict[str, str]:
    """An OpenAPI `info.license` object: the licence's name and URL."""
    return {"name": name(licence, "en"), "url": licence}
