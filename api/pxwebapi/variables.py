"""A question's table as PxWebApi 2 variables, and a selection from it.

The variables, by code: `option` (the answer options, in questionnaire order), `segment`
(the groups of municipalities), `ContentsCode` (the contents: one value, the question's
share of respondents, coded by the question's code) and `wave` (the time variable, every
wave of the survey, oldest first). `segment` can be eliminated when the table has the
segment `all` (its elimination value); the others are mandatory, as in PxWebApi: a
selection that names variables must name each mandatory one.

Values are chosen with the expressions of api.selection; names of variables and codes
of values are matched in any case, and `time` names the time variable. A selection that
names no variable at all is the table's default selection (`default_selection`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from api import selection
from api.formats.jsonstat import DIMENSION_LABELS
from api.pxwebapi.codelists import Grouping
from models.filters import InvalidFilter
from models.records import QuestionDimensions

CONTENTS = "ContentsCode"
TIME = "wave"
STUB = ("option", "segment")  # the table's own placement, as a PX file's STUB and HEADING
HEADING = (CONTENTS, TIME)
VARIABLES = (*STUB, *HEADING)
ELIMINATION_VALUE = "all"
LABELS = {
    **DIMENSION_LABELS,
    CONTENTS: {"nb": "Statistikkvariabel", "nn": "Statistikkvariabel", "en": "Contents"},
}


def variable_label(code: str, lang: str) -> str:
    return LABELS[code][lang]


def eliminable(dimensions: QuestionDimensions) -> bool:
    return any(segment.code == ELIMINATION_VALUE for segment in dimensions.segments)


def mandatory(dimensions: QuestionDimensions) -> tuple[str, ...]:
    return tuple(code for code in VARIABLES if code != "segment" or not eliminable(dimensions))


def values(dimensions: QuestionDimensions, variable: str) -> list[str]:
    """The codes of a variable's values, in its order."""
    if variable == CONTENTS:
        return [dimensions.question.code]
    if variable == TIME:
        return [str(wave.year) for wave in dimensions.waves]
    if variable == "option":
        return [option.code for option in dimensions.options]
    return [segment.code for segment in dimensions.segments]


def variable_code(given: str, parameter: str) -> str:
    """Our code of the variable a request names (any case; `time` for the time variable)."""
    wanted = given.lower()
    if wanted == "time":
        return TIME
    for code in VARIABLES:
        if code.lower() == wanted:
            return code
    raise InvalidFilter(
        parameter,
        f"{parameter}: {given!r} is no variable of this table; give {', '.join(VARIABLES)}",
    )


@dataclass(frozen=True, slots=True)
class Wanted:
    """One variable of a request's selection, as given."""

    parameter: str  # what an error names: valuecodes[wave], selection[wave]
    values: tuple[str, ...]
    codelist: str | None = None


@dataclass(frozen=True, slots=True)
class Selected:
    """A selection resolved: the dimensions it keeps, and how they are placed."""

    dimensions: QuestionDimensions  # narrowed to the selection
    stub: tuple[str, ...]
    heading: tuple[str, ...]
    eliminated: tuple[str, ...]  # variables left out of the answer (at their elimination value)
    grouping: Grouping | None = None  # the code list applied to `option`, if any
    groups: tuple[str, ...] = ()  # the values of `grouping` selected, in its order

    @property
    def cells(self) -> int:
        """The cells of the answer: one per group of a code list, not per option it sums."""
        table = self.dimensions
        options = len(self.groups) if self.grouping else len(table.options)
        return len(table.waves) * options * len(table.segments)


def default_selection(dimensions: QuestionDimensions) -> dict[str, Any]:
    """PxWebApi's default selection (its algorithm "Bjarte3", case C: contents, time and two
    classification variables, `option` mandatory): the first contents value and the latest
    wave, both in the stub; of `option` and `segment`, the one with more values in the stub
    (its first 1500), the other in the heading (its first 11). The latest wave is the
    latest with figures (models.read.coverage), as `top(1)` counts, rather than a wave no
    source we hold reports."""
    waves = [str(year) for year in dimensions.waves_with_figures] or values(dimensions, TIME)
    options, segments = values(dimensions, "option"), values(dimensions, "segment")
    stub, heading = ("option", "segment") if len(options) > len(segments) else ("segment", "option")
    chosen = {CONTENTS: values(dimensions, CONTENTS)[:1], TIME: waves[-1:]}
    chosen[stub] = values(dimensions, stub)[:1500]
    chosen[heading] = values(dimensions, heading)[:11]
    return {
        "selection": [
            {"variableCode": code, "codeList": None, "valueCodes": chosen[code]}
            for code in (CONTENTS, TIME, stub, heading)
        ],
        "placement": {"heading": [heading], "stub": [CONTENTS, TIME, stub]},
    }


def _placement(
    heading: Sequence[str] | None, stub: Sequence[str] | None, kept: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(stub, heading): as given, the rest of `kept` in the table's order on the other side."""
    named: dict[str, list[str]] = {}
    for side, given in (("heading", heading), ("stub", stub)):
        if given is None:
            continue
        codes = [variable_code(name, side) for name in given if name]
        unknown = [code for code in codes if code not in kept]
        if unknown:
            raise InvalidFilter(side, f"{side}: {unknown[0]} is not among the variables answered")
        named[side] = codes
    every = [*named.get("stub", []), *named.get("heading", [])]
    if len(set(every)) != len(every):
        raise InvalidFilter("heading", "a variable is placed twice in heading and stub")
    if not named:
        return tuple(c for c in STUB if c in kept), tuple(c for c in HEADING if c in kept)
    rest = [code for code in VARIABLES if code in kept and code not in every]
    if "stub" in named and "heading" in named:
        if rest:
            raise InvalidFilter("heading", f"heading and stub leave out {', '.join(rest)}")
        return tuple(named["stub"]), tuple(named["heading"])
    if "stub" in named:
        return tuple(named["stub"]), tuple(rest)
    return tuple(rest), tuple(named["heading"])


def resolve(
    dimensions: QuestionDimensions,
    wanted: Mapping[str, Wanted],
    *,
    heading: Sequence[str] | None = None,
    stub: Sequence[str] | None = None,
    groupings: Mapping[str, Grouping] | None = None,
) -> Selected:
    """A request's selection (by variable as named) resolved against a table; the default
    selection when it names no variable."""
    if not wanted:
        default = default_selection(dimensions)
        wanted = {
            item["variableCode"]: Wanted(item["variableCode"], tuple(item["valueCodes"]))
            for item in default["selection"]
        }
        if heading is None and stub is None:
            heading, stub = default["placement"]["heading"], default["placement"]["stub"]
    by_code: dict[str, Wanted] = {}
    for name, item in wanted.items():
        code = variable_code(name, item.parameter)
        if code in by_code:
            raise InvalidFilter(item.parameter, f"{item.parameter}: {code} is selected twice")
        if item.codelist and (code != "option" or item.codelist not in (groupings or {})):
            raise InvalidFilter(
                item.parameter,
                f"{item.parameter}: there is no code list {item.codelist!r} for {code}",
            )
        by_code[code] = item
    for code in mandatory(dimensions):
        if code not in by_code or not by_code[code].values:
            raise InvalidFilter(
                f"valuecodes[{code}]",
                f"the selection has no value of the mandatory variable {code}",
            )
    eliminated = tuple(
        code for code in VARIABLES if code not in by_code or not by_code[code].values
    )
    choices = {
        code: selection.choice(item.parameter, [value.lower() for value in item.values])
        for code, item in by_code.items()
        if item.values
    }
    grouping: Grouping | None = None
    groups: tuple[str, ...] = ()
    if "option" in by_code and by_code["option"].codelist:
        grouping = (groupings or {})[by_code["option"].codelist]
        picked = selection.select(choices["option"], "option", grouping.codes)
        groups = tuple(code for code in grouping.codes if code in picked)
        members = {option for code in groups for option in grouping.options(code)}
        choices["option"] = selection.codes("option", sorted(members))
    contents = choices.pop(CONTENTS)
    selection.select(contents, CONTENTS, values(dimensions, CONTENTS))
    if eliminated:  # only segment can be: at its elimination value
        choices["segment"] = selection.codes("segment", [ELIMINATION_VALUE])
    narrowed = selection.resolve(dimensions, choices)
    kept = [code for code in VARIABLES if code not in eliminated]
    stub_codes, heading_codes = _placement(heading, stub, kept)
    return Selected(narrowed, stub_codes, heading_codes, eliminated, grouping, groups)
