"""Checking a package before anything is written: types, ranges, codes and references.

Every row of every file is checked against what the database already knows and what
the package itself adds, so a package may bring a new wave, question or survey along
with its figures. Each problem becomes an Issue naming file, line, column, the value
found and what was expected; checking goes on after a problem, so all are reported.

The rows of the files that could be read are checked even when others could not. A
code that an unread file may define (options.csv has a broken header, say) is not
reported as unknown on every row that uses it: one warning per file and column says
that those references were not checked, and why.

Whatever the database or Python would choke on is such a problem, never an exception:
numbers are written in ASCII digits, whole numbers fit an INTEGER column, a code fits
its column, and text holds no control characters (PostgreSQL refuses NUL).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, TypeVar

from sqlalchemy import inspect, select
from sqlmodel import AutoString, Session, SQLModel, col

from models.changes import CellCodes
from models.filters import CODE_PATTERN
from models.tables import (
    Indicator,
    Option,
    Question,
    QuestionKind,
    Segment,
    ShareStatus,
    Source,
    Survey,
    Topic,
    Wave,
)
from seed.issues import Issue, Row
from seed.package import Package

T = TypeVar("T")
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
SINGLE_CHOICE_TOLERANCE = 2.0  # percentage points a complete single-choice answer may miss 100 by
METADATA = (
    "surveys",
    "sources",
    "topics",
    "segments",
    "waves",
    "questions",
    "options",
    "indicators",
)

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


@dataclass(frozen=True)
class Figure:
    value: float | None
    base_n: int | None
    status: ShareStatus
    source: str
    locator: str | None
    note_nb: str | None
    note_en: str | None
    keep_notes: bool = False  # from JSON-stat, which cannot carry notes in both languages

    STORED: ClassVar[tuple[str, ...]] = (
        "value",
        "base_n",
        "status",
        "source_id",
        "locator",
        "note_nb",
        "note_en",
    )

    def stored(self, source_id: int) -> dict[str, Any]:
        """The share columns, in STORED order, as they are written and compared."""
        return {
            "value": self.value,
            "base_n": self.base_n,
            "status": self.status.value,
            "source_id": source_id,
            "locator": self.locator,
            "note_nb": self.note_nb,
            "note_en": self.note_en,
        }


@dataclass
class Checked:
    """A package's rows as typed values (references still codes), ready to write."""

    metadata: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    figures: dict[CellCodes, Figure] = field(default_factory=dict)
    totals: list[dict[str, Any]] = field(default_factory=list)

    def rows(self, stem: str) -> list[dict[str, Any]]:
        return [dict(values) for values in self.metadata.get(stem, [])]


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


class Checker:
    def __init__(self, session: Session, issues: list[Issue]) -> None:
        self.issues = issues
        self.unread: set[str] = set()  # files of the package not read whole
        self.all_read = True  # whether every file was read as one of the package's
        self.unchecked: dict[tuple[str, str], Unchecked] = {}  # by file and column
        self.unresolved = 0  # references neither found nor reported: they are unchecked
        self.surveys = set(session.scalars(select(col(Survey.code))))
        self.sources = set(session.scalars(select(col(Source.code))))
        self.topics = set(session.scalars(select(col(Topic.code))))
        self.segments = set(session.scalars(select(col(Segment.code))))
        self.indicators = set(session.scalars(select(col(Indicator.code))))
        self.waves: set[tuple[str, int]] = {
            (survey, year)
            for survey, year in session.execute(
                select(col(Survey.code), col(Wave.year)).join(
                    Survey, col(Survey.id) == Wave.survey_id
                )
            )
        }
        self.questions: dict[str, tuple[str, QuestionKind]] = {
            code: (survey, kind)
            for code, survey, kind in session.execute(
                select(col(Question.code), col(Survey.code), col(Question.kind)).join(
                    Survey, col(Survey.id) == Question.survey_id
                )
            )
        }
        self.options: set[tuple[str, str]] = {
            (question, option)
            for question, option in session.execute(
                select(col(Question.code), col(Option.code)).join(
                    Question, col(Question.id) == Option.question_id
                )
            )
        }

    # Typed cells ----------------------------------------------------------------------

    def bad(self, row: Row, column: str, expected: str) -> None:
        self.issues.append(Issue(row.file, row.line, column, _shown(row[column]), expected))

    def text(self, row: Row, column: str, *, lines: bool = False) -> str:
        if not row[column]:
            self.bad(row, column, "a text")
        return self.plain(row, column, lines=lines)

    def optional(self, row: Row, column: str, *, lines: bool = False) -> str | None:
        return self.plain(row, column, lines=lines) or None

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

    # Files ------------------------------------------------------------------------------

    def check(
        self, package: Package, progress: Callable[[Iterable[Row], str, int], Iterable[Row]]
    ) -> Checked:
        self.unread, self.all_read = package.unread, package.whole
        checked = Checked()
        for stem in METADATA:
            seen: dict[Any, int] = {}
            rows = checked.metadata.setdefault(stem, [])
            for row in package.rows.get(stem, []):
                key, values = getattr(self, f"_{stem}")(row)
                if key in seen:
                    self.bad(row, "code", f"each once; line {seen[key]} has it already")
                seen[key] = row.line
                rows.append(values)
        shares = package.rows.get("shares", [])
        checked.figures = self._figures(progress(shares, "Checking", len(shares)))
        checked.totals = [self._total(row) for row in package.rows.get("published_totals", [])]
        self.issues.extend(unchecked.issue() for unchecked in self.unchecked.values())
        return checked

    def _surveys(self, row: Row) -> tuple[Any, dict[str, Any]]:
        code = self.code(row, "code", Survey)
        self.surveys.add(code)
        return code, {
            "code": code,
            "title_nb": self.text(row, "title_nb"),
            "title_en": self.text(row, "title_en"),
            "publisher": self.text(row, "publisher"),
            "description_nb": self.text(row, "description_nb", lines=True),
            "description_en": self.text(row, "description_en", lines=True),
            "homepage": self.optional(row, "homepage"),
            "licence": self.optional(row, "licence"),
        }

    def _sources(self, row: Row) -> tuple[Any, dict[str, Any]]:
        code = self.code(row, "code", Source)
        self.sources.add(code)
        published = row["published"]
        if published and not _partial_date(published):
            self.bad(row, "published", "a date as YYYY-MM-DD, YYYY-MM or YYYY")
        return code, {
            "code": code,
            "title": self.text(row, "title"),
            "publisher": self.text(row, "publisher"),
            "url": self.optional(row, "url"),
            "published": published or None,
            "date_note_nb": self.optional(row, "date_note_nb", lines=True),
            "date_note_en": self.optional(row, "date_note_en", lines=True),
            "description_nb": self.text(row, "description_nb", lines=True),
            "description_en": self.text(row, "description_en", lines=True),
        }

    def _topics(self, row: Row) -> tuple[Any, dict[str, Any]]:
        code = self.code(row, "code", Topic)
        self.topics.add(code)
        return code, {
            "code": code,
            "label_nb": self.text(row, "label_nb"),
            "label_en": self.text(row, "label_en"),
        }

    def _segments(self, row: Row) -> tuple[Any, dict[str, Any]]:
        code = self.code(row, "code", Segment)
        self.segments.add(code)
        return code, {
            "code": code,
            "dimension": self.code(row, "dimension", Segment),
            "label_nb": self.text(row, "label_nb"),
            "label_en": self.text(row, "label_en"),
        }

    def _waves(self, row: Row) -> tuple[Any, dict[str, Any]]:
        self.known(row, "survey", self.surveys, "a survey")
        if row["source"]:
            self.known(row, "source", self.sources, "a source")
        key = (row["survey"], self.year(row, "year"))
        self.waves.add(key)
        return key, {
            "survey": key[0],
            "year": key[1],
            "title_nb": self.text(row, "title_nb"),
            "title_en": self.text(row, "title_en"),
            "fieldwork": self.optional(row, "fieldwork"),
            "respondents": self.whole(row, "respondents"),
            "population": self.whole(row, "population"),
            "response_rate": self.percent(row, "response_rate"),
            "published_on": self.date(row, "published_on"),
            "source": row["source"] or None,
            "note_nb": self.optional(row, "note_nb", lines=True),
            "note_en": self.optional(row, "note_en", lines=True),
        }

    def _questions(self, row: Row) -> tuple[Any, dict[str, Any]]:
        code = self.code(row, "code", Question)
        self.known(row, "survey", self.surveys, "a survey")
        self.known(row, "topic", self.topics, "a topic")
        kind = self.choice(row, "kind", [kind.value for kind in QuestionKind])
        known = self.questions.get(code)
        if known and known[0] != row["survey"]:
            self.bad(row, "survey", f"{known[0]}, the survey question {code} belongs to")
        self.questions[code] = (row["survey"], QuestionKind(kind or "single_choice"))
        return code, {
            "code": code,
            "survey": row["survey"],
            "topic": row["topic"],
            "kind": QuestionKind(kind) if kind else None,
            "text_nb": self.text(row, "text_nb", lines=True),
            "text_en": self.text(row, "text_en", lines=True),
            "note_nb": self.optional(row, "note_nb", lines=True),
            "note_en": self.optional(row, "note_en", lines=True),
        }

    def _options(self, row: Row) -> tuple[Any, dict[str, Any]]:
        self.known(row, "question", self.questions, "a question")
        key = (row["question"], self.code(row, "code", Option))
        self.options.add(key)
        return key, {
            "question": key[0],
            "code": key[1],
            "label_nb": self.text(row, "label_nb"),
            "label_en": self.text(row, "label_en"),
        }

    def _indicators(self, row: Row) -> tuple[Any, dict[str, Any]]:
        code = self.code(row, "code", Indicator)
        self.known(row, "question", self.questions, "a question")
        parts = [part.strip() for part in row["options"].split("+")]
        if any((row["question"], part) not in self.options for part in parts):
            self.unknown(row, "options", f"options of question {row['question']} joined by +")
        self.indicators.add(code)
        return code, {
            "code": code,
            "question": row["question"],
            "options": parts,
            "unit": self.optional(row, "unit") or "percent",
            "title_nb": self.text(row, "title_nb"),
            "title_en": self.text(row, "title_en"),
            "description_nb": self.text(row, "description_nb", lines=True),
            "description_en": self.text(row, "description_en", lines=True),
        }

    def _figures(self, rows: Iterable[Row]) -> dict[CellCodes, Figure]:
        figures: dict[CellCodes, Figure] = {}
        firsts: dict[CellCodes, Row] = {}  # the row each cell is first given in
        statuses = [status.value for status in ShareStatus]
        for row in rows:
            errors, unresolved = len(self.issues), self.unresolved
            jsonstat = row.file.lower().endswith(".json")
            if jsonstat and row["question"] in self.questions:
                # JSON-stat has no survey dimension: a question belongs to one survey
                row.values["survey"] = self.questions[row["question"]][0]
            year = self.year(row, "wave")
            if row["survey"] or not jsonstat:  # else its unknown question is said below
                self.known(row, "survey", self.surveys, "a survey")
                wave = f"a wave of survey {row['survey']}"
                self.known(row, "wave", self.waves, wave, (row["survey"], year))
            question = self.questions.get(row["question"])
            if question is None:
                self.unknown(row, "question", "a question known to the database or this package")
            elif question[0] != row["survey"]:
                self.bad(row, "question", f"a question of survey {row['survey']}")
            elif (row["question"], row["option"]) not in self.options:
                self.unknown(row, "option", f"an option of question {row['question']}")
            self.known(row, "segment", self.segments, "a segment")
            self.known(row, "source", self.sources, "a source")
            status = self.choice(row, "status", statuses)
            value = self.percent(row, "value")
            if status is not None:
                if ShareStatus(status).has_value and not row["value"]:
                    self.bad(row, "value", f"a percentage, as the status is {status}")
                elif not ShareStatus(status).has_value and row["value"]:
                    self.bad(row, "value", f"no value, as the status {status} says it is missing")
            base_n = self.whole(row, "base_n")
            locator = self.optional(row, "locator")
            note_nb = self.optional(row, "note_nb", lines=True)
            note_en = self.optional(row, "note_en", lines=True)
            cell = (row["survey"], year, row["question"], row["option"], row["segment"])
            if cell in firsts:
                self.bad(row, "option", f"one row per cell; line {firsts[cell].line} has this one")
            firsts.setdefault(cell, row)
            if len(self.issues) == errors and self.unresolved == unresolved and status is not None:
                figures[cell] = Figure(
                    value,
                    base_n,
                    ShareStatus(status),
                    row["source"],
                    locator,
                    note_nb,
                    note_en,
                    keep_notes=jsonstat,
                )
        self._warn_single_choice(figures, firsts)
        return figures

    def _warn_single_choice(
        self, figures: dict[CellCodes, Figure], firsts: dict[CellCodes, Row]
    ) -> None:
        if not self.all_read or {"questions.csv", "options.csv"} & self.unread:
            return  # a question's options or kind may be among what could not be read
        options: dict[str, int] = {}
        for question, _ in self.options:
            options[question] = options.get(question, 0) + 1
        groups: dict[tuple[str, int, str, str], tuple[Row, list[float]]] = {}
        for cell, figure in figures.items():
            survey, wave, question, _, segment = cell
            if (
                self.questions[question][1] is not QuestionKind.SINGLE_CHOICE
                or figure.value is None
            ):
                continue
            first, values = groups.setdefault((survey, wave, question, segment), (firsts[cell], []))
            values.append(figure.value)
        for (_, wave, question, segment), (first, values) in groups.items():
            total = sum(values)
            complete = len(values) == options[question] > 1  # one option: the rest unknown
            if complete and abs(total - 100) > SINGLE_CHOICE_TOLERANCE:
                self.issues.append(
                    Issue(
                        first.file,
                        first.line,
                        "value",
                        f"{total:g}",
                        f"the shares of single-choice question {question} in wave {wave}, segment "
                        f"{segment} to sum to about 100",
                        warning=True,
                    )
                )

    def _total(self, row: Row) -> dict[str, Any]:
        year = self.year(row, "wave")
        self.known(
            row, "wave", self.waves, f"a wave of survey {row['survey']}", (row["survey"], year)
        )
        self.known(row, "indicator", self.indicators, "an indicator")
        self.known(row, "segment", self.segments, "a segment")
        self.known(row, "source", self.sources, "a source")
        value = self.percent(row, "value")
        if value is None and not row["value"]:
            self.bad(row, "value", "a percentage from 0 to 100")
        return {
            "survey": row["survey"],
            "wave": year,
            "indicator": row["indicator"],
            "segment": row["segment"],
            "value": value,
            "source": row["source"],
            "locator": self.optional(row, "locator"),
            "note_nb": self.optional(row, "note_nb", lines=True),
            "note_en": self.optional(row, "note_en", lines=True),
        }


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


def _partial_date(text: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD, naming a month and day that exist."""
    if not PARTIAL_DATE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text + "-01" * (2 - text.count("-")))
    except ValueError:
        return False
    return True
