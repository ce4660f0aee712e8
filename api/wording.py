"""Numbers, lists and statuses as a reader sees them, in bokmål, nynorsk or English.

Charts, the embed widget, the front page and citations all say a figure the same way:
"24 %" in Norwegian and "24%" in English, a decimal comma in Norwegian, a missing value by
why it is missing. Values are printed as the query layer gives them, never rounded.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from models.records import SeriesPoint
from models.statuses import FigureStatus

MINUS = "\N{MINUS SIGN}"

# Why a point has no value, as a chart's placeholder and a table's cell say it.
MISSING = {
    FigureStatus.NOT_PUBLISHED: {
        "nb": "ikke publisert",
        "nn": "ikkje publisert",
        "en": "not published",
    },
    FigureStatus.QUALITATIVE: {
        "nb": "bare omtalt i ord",
        "nn": "berre omtalt i ord",
        "en": "described in words only",
    },
    FigureStatus.NO_SOURCE: {
        "nb": "ingen tall kjent",
        "nn": "ingen tal kjent",
        "en": "no figure known",
    },
}

_AND = {"nb": "og", "nn": "og", "en": "and"}
_APPROXIMATELY = {"nb": "ca.", "nn": "ca.", "en": "approx."}
_DERIVED = {"nb": "utregnet", "nn": "utrekna", "en": "derived"}
_SUM_OF = {"nb": "summen av {n} svar", "nn": "summen av {n} svar", "en": "the sum of {n} answers"}
_PRINTED = {
    "nb": "kilden oppgir {value}",
    "nn": "kjelda oppgir {value}",
    "en": "the source prints {value}",
}
# One and more; "prosentpoeng" is both.
_POINTS = {
    "nb": ("prosentpoeng", "prosentpoeng"),
    "nn": ("prosentpoeng", "prosentpoeng"),
    "en": ("percentage point", "percentage points"),
}
_SINCE = {"nb": "siden", "nn": "sidan", "en": "since"}
NORWEGIAN = ("nb", "nn")  # a decimal comma, and a space before the per cent sign


def number(value: float, lang: str) -> str:
    """A value as stored, without a trailing .0: 24.0 is "24", 94.7 is "94,7" in Norwegian."""
    text = format(Decimal(repr(value)).normalize(), "f")
    return text.replace(".", ",") if lang in NORWEGIAN else text


def percent(value: float, lang: str) -> str:
    # Norwegian puts a (non-breaking) space before the per cent sign; English does not.
    space = "\N{NO-BREAK SPACE}" if lang in NORWEGIAN else ""
    return f"{number(value, lang)}{space}%"


def point_value(point: SeriesPoint, lang: str, *, short: bool = False) -> str:
    """A point's value with its unit, or why it has none. A derived value says so, and
    (unless `short`, as under a chart's bar) what it sums and the total a source printed:
    "94,7 % (utregnet: summen av 3 svar; kilden oppgir 95 %)"."""
    if point.value is None:
        return missing(point.status, lang)
    shown = percent(point.value, lang)
    approximate = FigureStatus.APPROXIMATE in (point.status, *(p.status for p in point.parts))
    if approximate:
        shown = f"{_APPROXIMATELY[lang]} {shown}"
    if point.status is not FigureStatus.DERIVED:
        return shown
    if short:
        return f"{shown} ({_DERIVED[lang]})"
    said = [_SUM_OF[lang].format(n=len(point.parts))]
    if point.published_total is not None:
        said.append(_PRINTED[lang].format(value=percent(point.published_total.value, lang)))
    return f"{shown} ({_DERIVED[lang]}: {'; '.join(said)})"


def missing(status: FigureStatus, lang: str) -> str:
    return MISSING.get(status, MISSING[FigureStatus.NO_SOURCE])[lang]


def change(points: float, since: int, lang: str) -> str:
    """A change in percentage points with its sign: "+40 prosentpoeng siden 2015"."""
    sign = "+" if points > 0 else MINUS if points < 0 else "±"
    unit = _POINTS[lang][0 if abs(points) == 1 else 1]
    return f"{sign}{number(abs(points), lang)} {unit} {_SINCE[lang]} {since}"


def join(items: Sequence[str], lang: str) -> str:
    """ "a", "a og b", "a, b og c" (no serial comma in either language)."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {_AND[lang]} {items[-1]}"


QUOTES = {"nb": ("«", "»"), "nn": ("«", "»"), "en": ("“", "”")}


def quoted(text: str, lang: str) -> str:
    opening, closing = QUOTES[lang]
    return f"{opening}{text}{closing}"


def latest(points: Sequence[SeriesPoint]) -> SeriesPoint | None:
    """The newest point that has a value."""
    with_value = [point for point in points if point.value is not None]
    return with_value[-1] if with_value else None
