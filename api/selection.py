"""PxWebApi 2 value selections (`valueCodes[wave]=top(2)`), resolved against a question.

Shared by /api/v1/questions/{code}/data (api.rest) and /api/pxwebapi/v2 (api.pxwebapi).
A question's table has three dimensions to select from: `wave` (the survey's waves,
oldest first), `option` (in questionnaire order) and `segment`. Each
`valueCodes[<dimension>]` (the name in any case: the PxWebApi 2 specification writes
`valuecodes[...]`) is a comma-separated list of items, and the selection is their
union, kept in the dimension's order; a dimension not given is selected whole. Items,
as in Statistics Norway's PxWebApi 2 (case does not matter in the function names):

    2017, better-quality   a code of the dimension
    *                      every value; `*` and `?` inside a code are wildcards (`most-*`)
    top(n), top(n,k)       wave: the n latest waves with figures (skipping the k
                           latest); option, segment: the first n (skipping the first k)
    bottom(n), bottom(n,k) wave: the n earliest waves with figures; option, segment:
                           the last n
    from(x), to(x)         from or up to x, x included, in the dimension's order
    range(a,b)             from a to b, both included, in either order

On the wave dimension, `top` and `bottom` count only the waves the question has figures
for (models.read.coverage: a share row in the wave, in the segments selected), as
PxWebApi's time variable lists only the periods a table has: `top(1)` of a question
reported only for 2015 is 2015. Items that name waves (a code, `*`, a pattern, `from`,
`to`, `range`) select from every wave of the survey, and a wave without figures answers
honestly with cells that have no figure known (null, with the status `no_source`); the
dataset's `extension.waves_with_figures` lists the waves that have them.

PxWebApi's GET form wraps an item that holds a comma in brackets (`[range(2015,2017)]`);
both that and the bare form are read. A code that names no value, a pattern that
matches none, an item that selects nothing and a malformed item are each a 400 that
names the parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase

from starlette.datastructures import QueryParams

from api.params import Params
from models.filters import CODE_PATTERN, InvalidFilter, UnknownCode
from models.records import QuestionDimensions

DIMENSIONS = ("wave", "option", "segment")
PARAMETERS = tuple(f"valueCodes[{dimension}]" for dimension in DIMENSIONS)
TIME_DIMENSION = "wave"

_PARAMETER = re.compile(r"^valuecodes\[(?P<dimension>[^\]]*)\]$", re.IGNORECASE)
_FUNCTION = re.compile(r"^(?P<name>[A-Za-z]+)\((?P<arguments>[^()\[\]]*)\)$")
_COUNT = re.compile(r"^[1-9][0-9]{0,8}$")
_OFFSET = re.compile(r"^[0-9]{1,9}$")
_PATTERN = re.compile(r"^[a-z0-9:._*?-]{1,128}$")
_FORMS = "a code, *, top(n), bottom(n), from(x), to(x) or range(a,b)"


@dataclass(frozen=True, slots=True)
class Every:
    pass


@dataclass(frozen=True, slots=True)
class Code:
    code: str


@dataclass(frozen=True, slots=True)
class Pattern:
    pattern: str


@dataclass(frozen=True, slots=True)
class Top:
    count: int
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Bottom:
    count: int
    offset: int = 0


@dataclass(frozen=True, slots=True)
class From:
    code: str


@dataclass(frozen=True, slots=True)
class To:
    code: str


@dataclass(frozen=True, slots=True)
class Range:
    first: str
    last: str


Item = Every | Code | Pattern | Top | Bottom | From | To | Range


@dataclass(frozen=True, slots=True)
class Choice:
    """The items given for one dimension, with the parameter that gave them (for errors)."""

    parameter: str
    items: tuple[tuple[str, Item], ...]  # the text of each item and what it says


# Parsing: needs no database ------------------------------------------------------------


def parse(params: Params) -> dict[str, Choice]:
    """The `valueCodes[...]` parameters of a request, by dimension; each item checked."""
    return parse_query(params.query)


def given(query: QueryParams) -> set[str]:
    """The names of the query's `valueCodes[...]` parameters, as spelt (any case)."""
    return {name for name in query if _PARAMETER.match(name)}


def parse_query(query: QueryParams, dimensions: Sequence[str] = DIMENSIONS) -> dict[str, Choice]:
    """The `valueCodes[<dimension>]` parameters of a query string, by dimension; the name
    and the dimension in any case. A dimension not in `dimensions` is a 400 naming it."""
    by_name = {dimension.lower(): dimension for dimension in dimensions}
    choices: dict[str, Choice] = {}
    for parameter in dict.fromkeys(query):
        found = _PARAMETER.match(parameter)
        if not found:
            continue
        dimension = by_name.get(found["dimension"].lower())
        if dimension is None:
            known = ", ".join(dimensions)
            raise InvalidFilter(
                parameter, f"{parameter}: {found['dimension']!r} is no variable here; give {known}"
            )
        if dimension in choices:
            raise InvalidFilter(parameter, f"give the values of {dimension} in one parameter")
        choices[dimension] = choice(parameter, query.getlist(parameter))
    return choices


def choice(parameter: str, values: Iterable[str]) -> Choice:
    """The items of one dimension's values (each a comma-separated list), checked."""
    texts = [item for value in values for item in _split(parameter, value)]
    return Choice(parameter, tuple((text, _item(parameter, text)) for text in texts))


def codes(parameter: str, values: Iterable[object]) -> Choice:
    """A plain list of codes (`wave=2015,2017`) as a choice."""
    return Choice(parameter, tuple((str(value), Code(str(value))) for value in values))


def _split(parameter: str, value: str) -> list[str]:
    """Items separated by commas outside brackets and parentheses; `[...]` is unwrapped."""
    items: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(value + ","):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        if depth < 0:
            break
        if char == "," and depth == 0:
            items.append(value[start:index].strip())
            start = index + 1
    if depth != 0:
        raise InvalidFilter(parameter, f"{parameter}={value!r} has unbalanced brackets")
    found: list[str] = []
    for item in items:
        if item.startswith("[") and item.endswith("]"):
            found.extend(_split(parameter, item[1:-1]))
        else:
            found.append(item)
    return found


def _item(parameter: str, text: str) -> Item:
    if not text:
        raise InvalidFilter(parameter, f"{parameter} has an empty item; give {_FORMS}")
    if text == "*":
        return Every()
    function = _FUNCTION.match(text)
    if function:
        name = function["name"].lower()
        arguments = [part.strip() for part in function["arguments"].split(",")]
        return _function(parameter, text, name, arguments)
    if "*" in text or "?" in text:
        if not _PATTERN.match(text):
            raise InvalidFilter(parameter, f"{parameter}: {text!r} is not a pattern of codes")
        return Pattern(text)
    return Code(_code(parameter, text))


def _function(parameter: str, text: str, name: str, arguments: list[str]) -> Item:
    def wrong(form: str) -> InvalidFilter:
        return InvalidFilter(parameter, f"{parameter}: {text!r} is not {form}")

    if name in ("top", "bottom"):
        form = f"{name}(n) or {name}(n,k), with whole numbers n >= 1 and k >= 0"
        if not 1 <= len(arguments) <= 2 or not _COUNT.match(arguments[0]):
            raise wrong(form)
        if len(arguments) == 2 and not _OFFSET.match(arguments[1]):
            raise wrong(form)
        count, offset = int(arguments[0]), int(arguments[1]) if len(arguments) == 2 else 0
        return Top(count, offset) if name == "top" else Bottom(count, offset)
    if name in ("from", "to"):
        if len(arguments) != 1:
            raise wrong(f"{name}(x), with one code x")
        code = _code(parameter, arguments[0])
        return From(code) if name == "from" else To(code)
    if name == "range":
        if len(arguments) != 2:
            raise wrong("range(a,b), with two codes a and b")
        return Range(_code(parameter, arguments[0]), _code(parameter, arguments[1]))
    raise InvalidFilter(parameter, f"{parameter}: {text!r} is not a selection; give {_FORMS}")


def _code(parameter: str, text: str) -> str:
    if not CODE_PATTERN.match(text):
        raise InvalidFilter(
            parameter,
            f"{parameter}: {text!r} is not a code (lowercase letters, digits and - _ . :)",
        )
    return text


# Resolving: against the dimensions of one question -------------------------------------


def resolve(dimensions: QuestionDimensions, choices: Mapping[str, Choice]) -> QuestionDimensions:
    """`dimensions` narrowed to the values `choices` select; a dimension not chosen stays whole.

    Segments are chosen first: `top(n)` on waves counts the waves with figures in them.
    """

    def chosen(dimension: str, known: list[str], counted: list[str] | None = None) -> set[str]:
        choice = choices.get(dimension)
        return set(known) if choice is None else select(choice, dimension, known, counted)

    options = chosen("option", [option.code for option in dimensions.options])
    segments = chosen("segment", [segment.code for segment in dimensions.segments])
    narrowed = replace(
        dimensions,
        options=tuple(option for option in dimensions.options if option.code in options),
        segments=tuple(segment for segment in dimensions.segments if segment.code in segments),
    )
    covered = {str(year) for year in narrowed.waves_with_figures}
    known = [str(wave.year) for wave in dimensions.waves]
    waves = chosen("wave", known, [year for year in known if year in covered])
    return replace(
        narrowed, waves=tuple(wave for wave in dimensions.waves if str(wave.year) in waves)
    )


def select(
    choice: Choice, dimension: str, known: Sequence[str], counted: Sequence[str] | None = None
) -> set[str]:
    """The values of `known` the items select; `top` and `bottom` count in `counted` (the
    waves with figures, on the wave dimension), every other item in `known`."""
    parameter = choice.parameter
    time = dimension == TIME_DIMENSION
    countable = list(known if counted is None else counted)
    # The newest wave first, as PxWeb lists time: top(n) takes from the top of that list.
    top_first = list(reversed(countable)) if time else countable

    def at(code: str) -> int:
        if code not in known:
            raise UnknownCode(parameter, code, list(known))
        return known.index(code)

    selected: set[str] = set()
    for text, item in choice.items:
        match item:
            case Every():
                found = list(known)
            case Code(code):
                found = [known[at(code)]]
            case Pattern(pattern):
                found = [code for code in known if fnmatchcase(code, pattern)]
                if not found:
                    raise UnknownCode(parameter, pattern, list(known))
            case Top(count, offset):
                found = top_first[offset : offset + count]
            case Bottom(count, offset):
                found = list(reversed(top_first))[offset : offset + count]
            case From(code):
                found = list(known[at(code) :])
            case To(code):
                found = list(known[: at(code) + 1])
            case Range(first, last):
                low, high = sorted((at(first), at(last)))
                found = list(known[low : high + 1])
        if not found and known:
            counting = isinstance(item, Top | Bottom) and counted is not None
            waves = "1 wave" if len(countable) == 1 else f"{len(countable)} waves"
            why = f" (it has figures in {waves})" if counting else ""
            raise InvalidFilter(
                parameter, f"{parameter}: {text!r} selects no {dimension} of this question{why}"
            )
        selected.update(found)
    return selected
