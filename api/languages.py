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
    NN = "nn"  # Norwegian nynorsk, the other written standard public bodies publish in
    EN = "en"


CODES: tuple[str, ...] = tuple(language.value for language in Language)
DEFAULT = Language.NB.value

# DCAT-AP names a language by the code of the EU Publications Office's language authority.
EU_AUTHORITY = {Language.NB: "NOB", Language.NN: "NNO", Language.EN: "ENG"}

# PxWebApi 2 names a language as Statistics Norway does (`no` for bokmål); ours by it.
# Statistics Norway publishes no nynorsk table, so PxWebApi has no code of its own for it:
# we name it by its ISO 639-1 code, `nn`, as PxWeb names every other language.
PXWEB: dict[Language, str] = {Language.NB: "no", Language.NN: "nn", Language.EN: "en"}
PXWEB_DEFAULT = PXWEB[Language(DEFAULT)]


def from_pxweb(code: str) -> Language | None:
    """Our language of a PxWebApi language code (`no` → nb); None when not offered."""
    return next((language for language, named in PXWEB.items() if named == code), None)


def in_languages(record: object, name: str) -> dict[str, str]:
    """A record's text `name` in every language, by code: its `name_nb`, `name_nn`, `name_en`."""
    return {code: getattr(record, f"{name}_{code}") for code in CODES}


NORWEGIAN = "no"  # Accept-Language's Norwegian, either written standard: bokmål here


def negotiate(accept_language: str) -> Language:
    """The language an Accept-Language header (RFC 9110) prefers among ours: the highest
    q-value wins, the earlier tag on a tie; `*`, no match or a malformed header: bokmål."""
    best, best_q = Language(DEFAULT), 0.0
    for item in accept_language.split(","):
        tag, _, parameters = item.partition(";")
        q = _quality(parameters)
        primary = tag.strip().lower().split("-", 1)[0]
        language = _language_of(primary)
        if language is not None and q > best_q:
            best, best_q = language, q
    return best


def _quality(parameters: str) -> float:
    """The q of a tag's parameters ("q=0.8"); 1 when none, 0 when malformed."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value)
            except ValueError:
                return 0.0
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0


def _language_of(primary: str) -> Language | None:
    if primary in ("*", NORWEGIAN):
        return Language(DEFAULT)
    return next((language for language in Language if language.value == primary), None)
