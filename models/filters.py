"""What a reader asks for, shared by REST and GraphQL.

Both adapters turn their input into these frozen objects and hand them to
`models.read`; no filter is written twice. Checks that need no database (bounds,
syntax) happen here and raise `InvalidFilter`; codes are checked against the
database by the query layer and raise `UnknownCode`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from dataclasses import dataclass
from typing import Generic, Self, TypeVar

from models.statuses import ShareStatus

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9:._-]{0,127}$")


class FilterError(ValueError):
    """A reader's request names something wrong. `parameter` says which input."""

    def __init__(self, parameter: str, detail: str) -> None:
        super().__init__(detail)
        self.parameter = parameter
        self.detail = detail


class InvalidFilter(FilterError):
    """A value of the wrong shape: not a number, out of range, a broken cursor."""


class UnknownCode(FilterError):
    """A well-formed code that names nothing in the database."""

    def __init__(
        self,
        parameter: str,
        value: str,
        allowed: list[str] | None = None,
        *,
        detail: str | None = None,
    ) -> None:
        if detail is None:
            detail = f"{parameter}={value!s} is not known"
            if allowed is not None:
                shown = ", ".join(allowed[:20]) + (", …" if len(allowed) > 20 else "")
                detail += f"; known values: {shown}" if allowed else "; there are none"
        super().__init__(parameter, detail)
        self.value = value
        self.allowed = allowed


class TooManyCells(FilterError):
    """A data request selects more cells than the server's `max_cells` allows.

    `parameter` is the name of the cap, not of a query parameter: any of them may be the
    one to narrow.
    """

    def __init__(self, cells: int, maximum: int, *, narrow: str) -> None:
        detail = (
            f"the request selects {cells} cells, more than this server's max_cells"
            f" ({maximum}); {narrow}"
        )
        super().__init__("max_cells", detail)
        self.cells = cells
        self.maximum = maximum

    @classmethod
    def check(cls, cells: int, maximum: int, *, narrow: str) -> None:
        if cells > maximum:
            raise cls(cells, maximum, narrow=narrow)


def check_code(parameter: str, value: str) -> str:
    if not CODE_PATTERN.match(value):
        raise InvalidFilter(
            parameter,
            f"{parameter}={value!r} is not a code: codes are lowercase letters, digits"
            " and - _ . : (at most 128 characters)",
        )
    return value


_RELEASE_NUMBER = re.compile(r"^[1-9][0-9]{0,8}$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_ISO_DATETIME = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?$"
)


@dataclass(frozen=True, slots=True)
class AsOf:
    """A point in the release history, as a reader names it: a release number or a moment.

    The query layer resolves it to a release number (`models.read.release_as_of`): the release
    itself, or the newest release created at or before `moment`.
    """

    text: str  # as given, for messages
    release: int | None = None
    moment: dt.datetime | None = None  # aware; inclusive

    @classmethod
    def parse(cls, text: str, *, parameter: str = "as_of") -> AsOf:
        """A release number (`2`), a date (`2027-03-01`, the whole day in UTC) or a date-time
        (`2027-03-01T12:00:00Z`; without an offset it is UTC). Dates are those of releases,
        when they were loaded, not those of the sources."""
        text = text.strip()
        if _RELEASE_NUMBER.match(text):
            return cls(text, release=int(text))
        try:
            if _ISO_DATE.match(text):
                # A day names what was published by its end: "as of 24 January" includes it.
                day = dt.date.fromisoformat(text)
                moment = dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)
                return cls(text, moment=moment)
            if _ISO_DATETIME.match(text):
                moment = dt.datetime.fromisoformat(text)
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=dt.UTC)
                return cls(text, moment=moment.astimezone(dt.UTC))
        except (ValueError, OverflowError):
            raise InvalidFilter(
                parameter, f"{parameter}={text!r} is not a real date or time of day"
            ) from None
        raise InvalidFilter(
            parameter,
            f"{parameter}={text!r} is neither a release number (1, 2, …) nor an ISO 8601 date"
            " (YYYY-MM-DD) or date-time (YYYY-MM-DDThh:mm:ssZ) of a release's loading",
        )


@dataclass(frozen=True, slots=True)
class Cursor:
    """Opaque position after the last row of a page of shares (keyset pagination)."""

    key: tuple[int, int, int, int]

    _PREFIX = "s1."

    def encode(self) -> str:
        return _encoded(self._PREFIX, ".".join(str(part) for part in self.key))

    @classmethod
    def decode(cls, text: str, *, parameter: str = "cursor") -> Cursor:
        problem = _not_a_cursor(parameter)
        raw = _decoded(cls._PREFIX, text, problem)
        try:
            parts = tuple(int(part) for part in raw.split("."))
        except ValueError:
            raise problem from None
        if len(parts) != 4 or any(part < 0 for part in parts):
            raise problem
        return cls((parts[0], parts[1], parts[2], parts[3]))


@dataclass(frozen=True, slots=True)
class ChangeCursor:
    """Opaque position after the last change of a page of changes since a release: the
    release, then the cell (wave, question, option, segment ids)."""

    release: int
    cell: Cursor

    _PREFIX = "c1."

    def encode(self) -> str:
        return _encoded(self._PREFIX, f"{self.release}.{self.cell.encode()}")

    @classmethod
    def decode(cls, text: str, *, parameter: str = "cursor") -> ChangeCursor:
        problem = _not_a_cursor(parameter)
        release, _, cell = _decoded(cls._PREFIX, text, problem).partition(".")
        if not _RELEASE_NUMBER.match(release):
            raise problem
        return cls(int(release), Cursor.decode(cell, parameter=parameter))


def _not_a_cursor(parameter: str) -> InvalidFilter:
    return InvalidFilter(
        parameter, f"{parameter} is not a cursor from this API: pass the `next` value unchanged"
    )


def _encoded(prefix: str, raw: str) -> str:
    """A cursor's text: its kind's prefix and its position in URL-safe base64, unpadded."""
    return prefix + base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decoded(prefix: str, text: str, problem: InvalidFilter) -> str:
    """The position `_encoded` wrote; `problem` for any other text."""
    if not text.startswith(prefix):
        raise problem
    body = text[len(prefix) :]
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        raise problem from None


@dataclass(frozen=True, slots=True)
class FigureAddress:
    """One figure named by codes: a survey's wave (its year), question, option and segment.

    Codes, never database ids, so an address stays the same across releases and databases.
    """

    survey: str
    wave: int
    question: str
    option: str
    segment: str

    PARTS = ("survey", "wave", "question", "option", "segment")

    @classmethod
    def checked(
        cls, survey: str, wave: str | int, question: str, option: str, segment: str
    ) -> Self:
        """The address of five parts as a reader gives them; InvalidFilter names a bad one."""
        survey = check_code("survey", survey)
        year = str(wave)
        if not (year.isascii() and year.isdigit() and len(year) == 4):
            raise InvalidFilter("wave", f"wave={year!r} is not a year such as 2017")
        return cls(
            survey,
            int(year),
            check_code("question", question),
            check_code("option", option),
            check_code("segment", segment),
        )

    @property
    def path(self) -> str:
        """survey/wave/question/option/segment: the address as a path."""
        return f"{self.survey}/{self.wave}/{self.question}/{self.option}/{self.segment}"


@dataclass(frozen=True, slots=True)
class ShareScope:
    """Which shares of a question or option to show: a subset of waves and segments."""

    waves: tuple[int, ...] = ()
    segments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ShareFilter:
    """The flat shares table: every field narrows; an empty tuple means no restriction."""

    surveys: tuple[str, ...] = ()
    waves: tuple[int, ...] = ()
    questions: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    statuses: tuple[ShareStatus, ...] = ()
    # The release whose figures to show (resolved by models.read.release_as_of); None: current.
    as_of: int | None = None
    # Only figures published after this release (and, where the reader asks, tombstones of
    # those removed after it: models.read.updates); None: every figure.
    updated_after: int | None = None


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int
    after: Cursor | None = None

    @classmethod
    def checked(
        cls, limit: int, after: Cursor | None, *, maximum: int, parameter: str = "limit"
    ) -> PageRequest:
        if not 1 <= limit <= maximum:
            raise InvalidFilter(
                parameter, f"{parameter} must be between 1 and {maximum}, not {limit}"
            )
        return cls(limit, after)


@dataclass(frozen=True, slots=True)
class QuestionFilter:
    text: str | None = None
    topics: tuple[str, ...] = ()
    surveys: tuple[str, ...] = ()


T = TypeVar("T")


@dataclass(slots=True)
class Page(Generic[T]):
    items: list[T]
    next: Cursor | None
