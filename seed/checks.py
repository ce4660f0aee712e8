"""Checking a package before anything is written: types, ranges, codes and references.

Every row of every file is checked against what the database already knows and what
the package itself adds, so a package may bring a new wave, question or survey along
with its figures. Each problem becomes an Issue naming file, line, column, the value
found and what was expected; checking goes on after a problem, so all are reported.

The rows of the files that could be read are checked even when others could not. A
code that an unread file may define (options.csv has a broken header, say) is not
reported as unknown on every row that uses it: one warning per file and column says
that those references were not checked, and why. The checks of single cells are in
seed.cells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy import select
from sqlmodel import Session, col

from models.changes import CellCodes
from models.statuses import ShareStatus
from models.tables import (
    Indicator,
    Option,
    Question,
    QuestionKind,
    Segment,
    Source,
    Survey,
    Topic,
    Wave,
)
from seed.cells import CellChecker, is_partial_date
from seed.issues import Issue, Row
from seed.package import Package

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


@dataclass(frozen=True)
class Figure:
    value: float | None
    base_n: int | None
    status: ShareStatus
    source: str
    locator: str | None  # in English
    note_nb: str | None
    note_en: str | None
    locator_nb: str | None = None
    note_nn: str | None = None
    locator_nn: str | None = None
    keep_notes: bool = False  # from JSON-stat, which cannot carry notes in both languages

    STORED: ClassVar[tuple[str, ...]] = (
        "value",
        "base_n",
        "status",
        "source_id",
        "locator",
        "note_nb",
        "note_en",
        "locator_nb",
        "note_nn",
        "locator_nn",
    )

    def stored(self, source_id: int) -> dict[str, Any]:
        """The share columns, in STORED order, as they are written and compared."""
        given = {"status": self.status.value, "source_id": source_id}
        return {name: given[name] if name in given else getattr(self, name) for name in self.STORED}


@dataclass
class Checked:
    """A package's rows as typed values (references still codes), ready to write."""

    metadata: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    figures: dict[CellCodes, Figure] = field(default_factory=dict)
    totals: list[dict[str, Any]] = field(default_factory=list)

    def rows(self, stem: str) -> list[dict[str, Any]]:
        return [dict(values) for values in self.metadata.get(stem, [])]


class Checker(CellChecker):
    def __init__(self, session: Session, issues: list[Issue]) -> None:
        super().__init__(issues)
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
                values = self.with_nynorsk(row, values)
                if key in seen:
                    self.bad(row, "code", f"each once; line {seen[key]} has it already")
                seen[key] = row.line
                rows.append(values)
        shares = package.rows.get("shares", [])
        checked.figures = self._figures(progress(shares, "Checking", len(shares)))
        checked.totals = [self._total(row) for row in package.rows.get("published_totals", [])]
        self.issues.extend(unchecked.issue() for unchecked in self.unchecked.values())
        if not any(not issue.warning for issue in self.issues):  # else not written: no matter
            self.issues.extend(self.without_nynorsk.values())
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
        if published and not is_partial_date(published):
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
            locator_nb = self.optional(row, "locator_nb")
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
                    locator_nb,
                    self.nynorsk(row, "note", note_nb),
                    self.nynorsk(row, "locator", locator_nb),
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
        return self.with_nynorsk(
            row,
            {
                "survey": row["survey"],
                "wave": year,
                "indicator": row["indicator"],
                "segment": row["segment"],
                "value": value,
                "source": row["source"],
                "locator": self.optional(row, "locator"),
                "note_nb": self.optional(row, "note_nb", lines=True),
                "note_en": self.optional(row, "note_en", lines=True),
                "locator_nb": self.optional(row, "locator_nb"),
            },
        )
