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

# PxWebApi 2 names a language as Statistics Norway does (`no` for bokmål), and ours by it.
PXWEB: dict[str, Language] = {"no": Language.NB, "en": Language.EN}
PXWEB_CODE: dict[str, str] = {language.value: code for code, language in PXWEB.items()}
PXWEB_DEFAULT = PXWEB_CODE[DEFAULT]
