"""A figure change as readers see it: named by its cell's codes, with what it was and became.

The import report, the REST release history and the GraphQL history all show this one
shape, so a change looks the same whether an import is about to make it or has made it.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.records import FigureChange
from models.tables import ShareStatus

CellCodes = tuple[str, int, str, str, str]  # survey, wave, question, option, segment


def counted(number: int, one: str, many: str | None = None) -> str:
    """A count with its noun in the number it needs: "1 error", "2 errors", "0 errors"."""
    return f"{number:,} {one if number == 1 else many or one + 's'}"


def change_counts(added: int, changed: int, removed: int) -> str:
    """What a release did to its figures, in words: "1 figure added, 0 changed, 2 removed"."""
    return f"{counted(added, 'figure')} added, {changed:,} changed, {removed:,} removed"


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure on one side of a change: its value, or why it has none."""

    value: float | None
    status: ShareStatus

    @classmethod
    def of(cls, value: float | None, status: ShareStatus | str | None) -> Figure | None:
        """The figure, or None where the cell had none (no status)."""
        return None if status is None else cls(value, ShareStatus(status))

    def as_json(self) -> dict[str, object]:
        return {"value": self.value, "status": self.status.value}

    def __str__(self) -> str:
        return f"{self.value} ({self.status.value})"


@dataclass(frozen=True, slots=True)
class Change:
    """A figure a release added, changed or removed."""

    kind: str  # added, changed or removed
    survey: str
    wave: int
    question: str
    option: str
    segment: str
    old: Figure | None  # None: the release added the figure
    new: Figure | None  # None: the release removed the figure

    @classmethod
    def at(cls, kind: str, cell: CellCodes, old: Figure | None, new: Figure | None) -> Change:
        survey, wave, question, option, segment = cell
        return cls(kind, survey, wave, question, option, segment, old, new)

    @classmethod
    def of_record(cls, record: FigureChange) -> Change:
        cell = (record.survey, record.wave, record.question, record.option, record.segment)
        old = Figure.of(record.old_value, record.old_status)
        return cls.at(record.kind, cell, old, Figure.of(record.new_value, record.new_status))

    @property
    def cell(self) -> CellCodes:
        return (self.survey, self.wave, self.question, self.option, self.segment)

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "survey": self.survey,
            "wave": self.wave,
            "question": self.question,
            "option": self.option,
            "segment": self.segment,
            "old": None if self.old is None else self.old.as_json(),
            "new": None if self.new is None else self.new.as_json(),
        }

    def __str__(self) -> str:
        where = "/".join(str(part) for part in self.cell)
        old, new = str(self.old or ""), str(self.new or "")
        return f"{self.kind:8} {where}: {old}{' -> ' if old and new else ''}{new}"
