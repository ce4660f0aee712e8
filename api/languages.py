"""The languages every text is offered in, and each one's code where a format wants another.

Every label, description and fixed wording exists in each of these; `?lang=` takes the
codes, Content-Language answers with them, the tables store a column per language, and
GraphQL offers them as its `Language` enum.
"""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    """A language by its ISO 639-1 code, as `?lang=` and Content-Language give it."""

    NB = "nb"  # Norwegian bokmål, the survey's own language
    EN = "en"


CODES: tuple[str, ...] = tuple(language.value for language in Language)
DEFAULT = Language.NB.value

# DCAT-AP names a language by the code of the EU Publications Office's language authority.
EU_AUTHORITY = {Language.NB: "NOB", Language.EN: "ENG"}

# PxWebApi 2 names a language as Statistics Norway does (`no` for bokmål); ours by it.
PXWEB: dict[Language, str] = {Language.NB: "no", Language.EN: "en"}
PXWEB_DEFAULT = PXWEB[Language(DEFAULT)]


def from_pxweb(code: str) -> Language | None:
    """Our language of a PxWebApi language code (`no` → nb); None when not offered."""
    return next((language for language, named in PXWEB.items() if named == code), None)
