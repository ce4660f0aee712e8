"""What a reader asks for, shared by REST and GraphQL.

Both adapters turn their input into these frozen objects and hand them to
`models.queries`; no filter is written twice. Checks that need no database (bounds,
syntax) happen here and raise `InvalidFilter`; codes are checked against the
database by the query layer and raise `UnknownCode`.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Generic, TypeVar

from models.tables import ShareStatus

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

    def __init__(self, parameter: str, value: str, allowed: list[str] | None = None) -> None:
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


@dataclass(frozen=True, slots=True)
class Cursor:
    """Opaque position after the last row of a page of shares (keyset pagination)."""

    key: tuple[int, int, int, int]

    _PREFIX = "s1."

    def encode(self) -> str:
        raw = ".".join(str(part) for part in self.key).encode()
        return self._PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str, *, parameter: str = "cursor") -> Cursor:
        problem = InvalidFilter(
            parameter, f"{parameter} is not a cursor from this API: pass the `next` value unchanged"
        )
        if not text.startswith(cls._PREFIX):
            raise problem
        body = text[len(cls._PREFIX) :]
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("ascii")
            parts = tuple(int(part) for part in raw.split("."))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise problem from None
        if len(parts) != 4 or any(part < 0 for part in parts):
            raise problem
        return cls((parts[0], parts[1], parts[2], parts[3]))


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
