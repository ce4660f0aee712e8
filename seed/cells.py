"""Checking the cells of a package's rows: texts, codes, numbers, dates and references.

Each problem becomes an Issue naming file, line, column, the value found and what was
expected, and checking goes on: a cell that fails gives None (a year: 0) in its place.

Whatever the database or Python would choke on is such a problem, never an exception:
numbers are written in ASCII digits, whole numbers fit an INTEGER column, a code fits
its column, and text holds no control characters (PostgreSQL refuses NUL).

A reference whose defining file could not be read whole is not reported on every row
that uses it: one warning per file and column says that those references were not
checked, and why (`Unchecked`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import inspect
from sqlmodel import AutoString, SQLModel

from models.filters import CODE_PATTERN
from seed.issues import Issue, Row

# Digits are ASCII 0-9 only: int(), float() and Decimal() also read "7_6", "٧٦" and "７６"
# as 76, and float() reads "nan" and "inf".
DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
PARTIAL_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?", re.ASCII)
# A decimal number with a dot, as a spreadsheet or JSON writes it: 12.5, .5, 1e-05.
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
INTEGER_MAX = 2**31 - 1  # the largest an INTEGER column holds (PostgreSQL: 4 bytes)
# C0 control characters and DEL: PostgreSQL refuses NUL in text, and none of them
# belongs in a title or label. Longer texts may hold tabs and line breaks.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FOUND_SHOWN = 100  # characters of a cell an issue repeats

# The file that defines what a column refers to (or the database, when it knows it).
DEFINED_IN = {
    "survey": "surveys",
    "source": "sources",
    "topic": "topics",
    "segment": "segments",
    "wave": "waves",
    "question": "questions",
    "option": "options",
    "options": "options",
    "indicator": "indicators",
}


@dataclass
class Unchecked:
    """References of one file and column that could not be checked: the first, and how many."""

    first: Row
    column: str
    expected: str
    why: str  # what could not be read
    rows: int = 0

    def issue(self) -> Issue:
        found = _shown(self.first[self.column])
        where = f" in this row and {self.rows - 1:,} more" if self.rows > 1 else ""
        expected = f"{self.expected}; not checked{where}, as {self.why}"
        return Issue(self.first.file, self.first.line, self.column, found, expected, warning=True)


class CellChecker:
    """The checks of single cells, writing what they find to `issues`."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        self.unread: set[str] = set()  # files of the package not read whole
        self.all_read = True  # whether every file was read as one of the package's
        self.unchecked: dict[tuple[str, str], Unchecked] = {}  # by file and column
        self.unresolved = 0  # references neither found nor reported: they are unchecked
        # Columns a nynorsk text was missing from, by (file, column): the first row's warning.
        self.without_nynorsk: dict[tuple[str, str], Issue] = {}

    def bad(self, row: Row, column: str, expected: str) -> None:
        self.issues.append(Issue(row.file, row.line, column, _shown(row[column]), expected))

    def text(self, row: Row, column: str, *, lines: bool = False) -> str:
        if not row[column]:
            self.bad(row, column, "a text")
        return self.plain(row, column, lines=lines)

    def optional(self, row: Row, column: str, *, lines: bool = False) -> str | None:
        return self.plain(row, column, lines=lines) or None

    def with_nynorsk(self, row: Row, values: dict[str, Any]) -> dict[str, Any]:
        """`values` with the nynorsk (`*_nn`) of each bokmål text (`*_nb`) beside it."""
        for column in [column for column in values if column.endswith("_nb")]:
            values[column[:-3] + "_nn"] = self.nynorsk(row, column[:-3], values[column])
        return values

    def nynorsk(self, row: Row, name: str, bokmal: str | None) -> str | None:
        """The text of column `name`_nn. A package without it (written before nynorsk, or
        by a data owner who writes none) gets the bokmål in its place, and one warning per
        file and column says so (when the package is otherwise fit to be written): nynorsk
        readers then read bokmål there, never English."""
        column = f"{name}_nn"
        if row[column]:
            return self.plain(row, column, lines=True)
        if bokmal and (row.file, column) not in self.without_nynorsk:
            expected = "a nynorsk text; the bokmål is used in its place here and on later rows"
            issue = Issue(row.file, row.line, column, None, expected, warning=True)
            self.without_nynorsk[(row.file, column)] = issue
        return bokmal

    def plain(self, row: Row, column: str, *, lines: bool) -> str:
        """The cell as it is; reported if it holds a control character (`lines`: but tab,
        line feed and carriage return, as a paragraph may)."""
        value = row[column]
        if (CONTROL_BUT_LINES if lines else CONTROL).search(value):
            but = " other than tab and line breaks" if lines else ""
            self.bad(row, column, f"text without control characters{but}")
        return value

    def code(self, row: Row, column: str, table: type[SQLModel]) -> str:
        """A code for `table`'s column of the same name, no longer than that column holds."""
        longest = _longest(table, column)
        if not CODE_PATTERN.match(row[column]) or len(row[column]) > longest:
            expected = f"a code: lowercase letters, digits and - _ . : (at most {longest})"
            self.bad(row, column, expected)
        return row[column]

    def known(
        self, row: Row, column: str, known: Iterable[Any], what: str, key: Any = None
    ) -> bool:
        """Whether the code in `column` (or `key`) is among `known`; reported if not."""
        if (row[column] if key is None else key) in known:
            return True
        self.unknown(row, column, f"{what} known to the database or this package")
        return False

    def unknown(self, row: Row, column: str, expected: str) -> None:
        """A reference in `column` not found: an issue, or, when the file that would define
        it was not read whole, one warning for all such references of the file's column."""
        defined_in = f"{DEFINED_IN[column]}.csv"
        if self.all_read and defined_in not in self.unread:
            self.bad(row, column, expected)
            return
        key = (row.file, column)
        if key not in self.unchecked:
            why = f"{defined_in} could not be read whole"
            if not self.all_read:
                why = "not every file of the package could be read"
            self.unchecked[key] = Unchecked(row, column, expected, why)
        self.unchecked[key].rows += 1
        self.unresolved += 1

    def whole(self, row: Row, column: str) -> int | None:
        value = row[column]
        if not value:
            return None
        significant = value.lstrip("0")
        if not (value.isascii() and value.isdigit()) or not significant:
            self.bad(row, column, "a whole number of at least 1")
            return None
        # Length first: int() refuses more than 4,300 digits with a ValueError.
        if len(significant) > len(str(INTEGER_MAX)) or int(significant) > INTEGER_MAX:
            self.bad(row, column, f"a whole number of at most {INTEGER_MAX}")
            return None
        return int(significant)

    def year(self, row: Row, column: str) -> int:
        value = row[column]
        if not (value.isascii() and value.isdigit() and len(value) == 4):
            self.bad(row, column, "a year such as 2017")
            return 0
        return int(value)

    def percent(self, row: Row, column: str) -> float | None:
        value = row[column]
        if not value:
            return None
        if not NUMBER.fullmatch(value):
            hint = " with a dot as decimal mark" if "," in value else ""
            self.bad(row, column, f"a number{hint}")
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:  # an exponent too large for any decimal
            number = Decimal("Infinity")
        if not 0 <= number <= 100:
            self.bad(row, column, "a percentage from 0 to 100")
            return None
        return float(number) + 0.0  # -0 is stored as 0

    def date(self, row: Row, column: str) -> dt.date | None:
        if not row[column]:
            return None
        try:
            if DATE.fullmatch(row[column]):
                return dt.date.fromisoformat(row[column])
        except ValueError:
            pass  # such as 2017-02-30
        self.bad(row, column, "a date as YYYY-MM-DD")
        return None

    def choice(self, row: Row, column: str, choices: Iterable[str]) -> str | None:
        options = list(choices)
        if row[column] not in options:
            self.bad(row, column, "one of " + ", ".join(options))
            return None
        return row[column]


def _shown(found: str) -> str:
    """A cell as an issue repeats it: of a 5,000-digit number or a page of text, its start."""
    if len(found) > FOUND_SHOWN:
        return f"{found[:FOUND_SHOWN]}… ({len(found):,} characters)"
    return found


def _longest(table: type[SQLModel], column: str) -> int:
    """The characters `table`'s text column holds (its VARCHAR length on PostgreSQL)."""
    column_type = inspect(table).columns[column].type
    assert isinstance(column_type, AutoString), f"{table.__name__}.{column} is no text"
    return int(column_type.length)


def is_partial_date(text: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD, naming a month and day that exist."""
    if not PARTIAL_DATE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text + "-01" * (2 - text.count("-")))
    except ValueError:
        return False
    return True
