"""Writing a checked package in the import's transaction: descriptions, figures, totals.

Every code is resolved to an id after what it refers to is written. A figure is never
overwritten: a changed or removed figure is marked replaced by the new release, and a
changed one gets a new row; the report counts and lists each change (seed.report).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session, SQLModel, col

from models.changes import CellCodes, Change, Figure as Shown, parts_changed
from models.tables import (
    Indicator,
    IndicatorOption,
    Option,
    PublishedTotal,
    Question,
    Segment,
    Share,
    Source,
    Survey,
    Topic,
    Wave,
)
from seed.bulk import write_shares
from seed.checks import Checked, Figure
from seed.report import Progress, Report

CHUNK = 5000


def _attribute(item: object, name: str) -> Any:
    """A column or value the generic code reaches by name (every table has id; some position)."""
    return getattr(item, name)


class Writer:
    """Writes checked rows; every code is resolved to an id after what it refers to is written."""

    def __init__(
        self, session: Session, release_id: int, report: Report, progress: Progress[Any]
    ) -> None:
        self.session = session
        self.release_id = release_id
        self.report = report
        self.progress = progress

    def ids(self, table: type[SQLModel], *key: str) -> dict[Any, int]:
        columns = [_attribute(table, name) for name in ("id", *key)]
        rows = self.session.execute(select(*columns)).all()
        return {(row[1] if len(key) == 1 else tuple(row[1:])): row[0] for row in rows}

    def write(self, checked: Checked) -> None:
        self._describe(checked)
        self._figures(checked.figures)
        self._totals(checked.totals)

    def _upsert(self, table: type[SQLModel], where: dict[str, Any], values: dict[str, Any]) -> int:
        """Insert a row, or update the one matching `where`; counts what it changes."""
        existing = self.session.execute(select(table).filter_by(**where)).scalar_one_or_none()
        if existing is None:
            item = table(**where, **values)
            self.session.add(item)
            self.session.flush()
            self.report.described += 1
            return int(_attribute(item, "id"))
        if any(getattr(existing, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(existing, name, value)
            self.session.add(existing)
            self.report.described += 1
        return int(_attribute(existing, "id"))

    def _next_position(self, table: type[SQLModel], **where: Any) -> int:
        positions = self.session.scalars(select(_attribute(table, "position")).filter_by(**where))
        return max(positions, default=0) + 1

    def _describe(self, checked: Checked) -> None:
        for values in checked.rows("surveys"):
            self._upsert(Survey, {"code": values.pop("code")}, values)
        for values in checked.rows("sources"):
            self._upsert(Source, {"code": values.pop("code")}, values)
        for values in checked.rows("topics"):
            self._upsert(Topic, {"code": values.pop("code")}, values)
        for values in checked.rows("segments"):
            self._upsert(Segment, {"code": values.pop("code")}, values)
        surveys, sources = self.ids(Survey, "code"), self.ids(Source, "code")
        for values in checked.rows("waves"):
            where = {"survey_id": surveys[values.pop("survey")], "year": values.pop("year")}
            source = values.pop("source")
            self._upsert(Wave, where, {**values, "source_id": sources[source] if source else None})
        topics, touched = self.ids(Topic, "code"), set()
        for values in checked.rows("questions"):
            survey, code = surveys[values.pop("survey")], values.pop("code")
            values |= {"survey_id": survey, "topic_id": topics[values.pop("topic")]}
            if code not in self.ids(Question, "code"):
                values["position"] = self._next_position(Question, survey_id=survey)
            touched.add(self._upsert(Question, {"code": code}, values))
        questions = self.ids(Question, "code")
        for values in checked.rows("options"):
            question = questions[values.pop("question")]
            where = {"question_id": question, "code": values.pop("code")}
            if (question, where["code"]) not in self.ids(Option, "question_id", "code"):
                values["position"] = self._next_position(Option, question_id=question)
            self._upsert(Option, where, values)
            touched.add(question)
        self._search_text(touched)
        options = self.ids(Option, "question_id", "code")
        for values in checked.rows("indicators"):
            question, parts = questions[values.pop("question")], values.pop("options")
            code = values.pop("code")
            values["question_id"] = question
            if code not in self.ids(Indicator, "code"):
                values["position"] = self._next_position(Indicator)
            indicator = self._upsert(Indicator, {"code": code}, values)
            self._indicator_options(indicator, {options[(question, part)] for part in parts})
        self.session.flush()

    def _indicator_options(self, indicator: int, wanted: set[int]) -> None:
        current = set(
            self.session.scalars(
                select(col(IndicatorOption.option_id)).where(
                    col(IndicatorOption.indicator_id) == indicator
                )
            )
        )
        if current == wanted:
            return
        for option in current - wanted:
            self.session.delete(self.session.get(IndicatorOption, (indicator, option)))
        for option in wanted - current:
            self.session.add(IndicatorOption(indicator_id=indicator, option_id=option))
        self.report.described += 1

    def _search_text(self, question_ids: set[int]) -> None:
        """Questions are searched in their code, texts and option labels, casefolded."""
        self.session.flush()
        for question_id in question_ids:
            question = self.session.get(Question, question_id)
            assert question is not None
            labels = self.session.execute(
                select(col(Option.label_nb), col(Option.label_nn), col(Option.label_en)).where(
                    col(Option.question_id) == question_id
                )
            ).all()
            words = [question.code, question.text_nb, question.text_nn, question.text_en]
            words += [label for labels_of_option in labels for label in labels_of_option]
            search_text = " ".join(words).casefold()
            if question.search_text != search_text:
                question.search_text = search_text
                self.session.add(question)

    def _cell_ids(self) -> Callable[[CellCodes], tuple[int, int, int, int]]:
        surveys = self.ids(Survey, "code")
        waves = self.ids(Wave, "survey_id", "year")
        questions = self.ids(Question, "code")
        options = self.ids(Option, "question_id", "code")
        segments = self.ids(Segment, "code")

        def resolve(cell: CellCodes) -> tuple[int, int, int, int]:
            survey, year, question, option, segment = cell
            question_id = questions[question]
            return (
                waves[(surveys[survey], year)],
                question_id,
                options[(question_id, option)],
                segments[segment],
            )

        return resolve

    def _figures(self, figures: dict[CellCodes, Figure]) -> None:
        resolve = self._cell_ids()
        sources = self.ids(Source, "code")
        cells = {resolve(cell): (cell, figure) for cell, figure in figures.items()}
        current = self._current({(wave, question) for wave, question, _, _ in cells})
        replaced: list[int] = []
        new_rows: list[tuple[object, ...]] = []
        for ids, (cell, figure) in cells.items():
            found = current.pop(ids, None)
            stored = tuple(figure.stored(sources[figure.source]).values())
            if figure.keep_notes and found is not None:
                stored = (*stored[:4], *found[1][4:])  # locators and notes stay as they are
            if found is not None and found[1] == stored:
                self.report.unchanged += 1
                continue
            new = Shown(figure.value, figure.status)
            if found is None:
                self.report.note(Change.at("added", cell, None, new))
            else:
                replaced.append(found[0])
                before = Shown.of(*found[1][:3:2])
                what = parts_changed(
                    dict(zip(Figure.STORED, found[1], strict=True)),
                    dict(zip(Figure.STORED, stored, strict=True)),
                )
                self.report.note(Change.at("changed", cell, before, new, what))
            new_rows.append((*ids, *stored, self.release_id))
        if current:
            names = self._cell_names()
            for ids, (id_, old) in current.items():  # named (wave, question) pairs lack these
                replaced.append(id_)
                gone = Shown.of(*old[:3:2])
                self.report.note(Change.at("removed", names(ids), gone, None))
        for start in range(0, len(replaced), CHUNK):
            self.session.execute(
                update(Share)
                .where(col(Share.id).in_(replaced[start : start + CHUNK]))
                .values(replaced_in=self.release_id)
            )
        columns = ("wave_id", "question_id", "option_id", "segment_id", *Figure.STORED)
        write_shares(
            self.session,
            self.progress(new_rows, "Writing", len(new_rows)),
            columns=(*columns, "release_id"),
        )

    def _current(
        self, pairs: set[tuple[int, int]]
    ) -> dict[tuple[int, int, int, int], tuple[int, tuple[Any, ...]]]:
        """The current shares of the given (wave, question) pairs: by cell, (id, stored values).

        Plain rows, not ORM objects: an import compares a million of them.
        """
        stored = [_attribute(Share, name) for name in Figure.STORED]
        cell = [col(Share.wave_id), col(Share.question_id), col(Share.option_id)]
        found: dict[tuple[int, int, int, int], tuple[int, tuple[Any, ...]]] = {}
        by_wave: dict[int, list[int]] = {}
        for wave, question in pairs:
            by_wave.setdefault(wave, []).append(question)
        for wave, questions in by_wave.items():
            for start in range(0, len(questions), CHUNK):
                statement = select(col(Share.id), *cell, col(Share.segment_id), *stored).where(
                    col(Share.replaced_in).is_(None),
                    col(Share.wave_id) == wave,
                    col(Share.question_id).in_(questions[start : start + CHUNK]),
                )
                for row in self.session.execute(statement):
                    values = tuple(row[5:])
                    status = values[2]
                    values = (*values[:2], getattr(status, "value", status), *values[3:])
                    found[(row[1], row[2], row[3], row[4])] = (row[0], values)
        return found

    def _cell_names(self) -> Callable[[tuple[int, int, int, int]], CellCodes]:
        surveys = {id_: code for code, id_ in self.ids(Survey, "code").items()}
        waves = {
            id_: (surveys[s], y) for (s, y), id_ in self.ids(Wave, "survey_id", "year").items()
        }
        questions = {id_: code for code, id_ in self.ids(Question, "code").items()}
        options = {id_: code for (_, code), id_ in self.ids(Option, "question_id", "code").items()}
        segments = {id_: code for code, id_ in self.ids(Segment, "code").items()}

        def name(ids: tuple[int, int, int, int]) -> CellCodes:
            wave, question, option, segment = ids
            survey, year = waves[wave]
            return (survey, year, questions[question], options[option], segments[segment])

        return name

    def _totals(self, totals: list[dict[str, Any]]) -> None:
        surveys, waves = self.ids(Survey, "code"), self.ids(Wave, "survey_id", "year")
        indicators, segments = self.ids(Indicator, "code"), self.ids(Segment, "code")
        sources = self.ids(Source, "code")
        for total in totals:
            where = {
                "indicator_id": indicators[total["indicator"]],
                "wave_id": waves[(surveys[total["survey"]], total["wave"])],
                "segment_id": segments[total["segment"]],
            }
            values = {
                "value": total["value"],
                "source_id": sources[total["source"]],
                "locator": total["locator"],
                "note_nb": total["note_nb"],
                "note_en": total["note_en"],
                "locator_nb": total["locator_nb"],
                "note_nn": total["note_nn"],
                "locator_nn": total["locator_nn"],
            }
            old = self.session.execute(
                select(PublishedTotal)
                .filter_by(**where)
                .where(col(PublishedTotal.replaced_in).is_(None))
            ).scalar_one_or_none()
            if old is not None and all(getattr(old, n) == v for n, v in values.items()):
                continue
            if old is not None:
                old.replaced_in = self.release_id
                self.session.add(old)
                self.session.flush()
            total_row = PublishedTotal(**where, **values, release_id=self.release_id)  # type: ignore[arg-type]
            self.session.add(total_row)
            self.report.described += 1
        self.session.flush()
