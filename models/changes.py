"""A figure change as readers see it: named by its cell's codes, with what it was and became.

The import report, the REST release history and the GraphQL history all show this one
shape, so a change looks the same whether an import is about to make it or has made it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from models.statuses import ShareStatus


@dataclass(frozen=True, slots=True)
class FigureChange:
    """A figure a release added, changed or removed; what it was and what it became."""

    release_id: int
    wave_id: int
    question_id: int
    option_id: int
    segment_id: int
    survey: str
    wave: int
    question: str
    option: str
    segment: str
    old_value: float | None
    old_status: ShareStatus | None  # None: the cell had no figure before this release
    new_value: float | None
    new_status: ShareStatus | None  # None: the release removed the cell's figure
    parts_changed: int = 0  # of a changed figure, a bit mask over models.changes.PARTS

    @property
    def kind(self) -> str:
        if self.old_status is None:
            return "added"
        if self.new_status is None:
            return "removed"
        return "changed"

    @property
    def cell(self) -> tuple[int, int, int, int]:
        return (self.wave_id, self.question_id, self.option_id, self.segment_id)


CellCodes = tuple[str, int, str, str, str]  # survey, wave, question, option, segment


# What a change can touch, in the order a change lists them. A share column counts for the
# part it belongs to: every language's note is the note, the source's id is the source.
PARTS: dict[str, tuple[str, ...]] = {
    "value": ("value",),
    "base_n": ("base_n",),
    "status": ("status",),
    "source": ("source_id",),
    "locator": ("locator", "locator_nb", "locator_nn"),
    "note": ("note_nb", "note_en", "note_nn"),
}


def parts_changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    """The parts whose share columns differ between two versions of a figure."""
    return tuple(
        part
        for part, columns in PARTS.items()
        if any(old.get(column) != new.get(column) for column in columns)
    )


def parts_of_mask(mask: int) -> tuple[str, ...]:
    """The parts a bit mask names: bit i stands for the i-th part of PARTS."""
    return tuple(part for bit, part in enumerate(PARTS) if mask & (1 << bit))


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
    what: tuple[str, ...] = ()  # of a changed figure, the PARTS that changed

    @classmethod
    def at(
        cls,
        kind: str,
        cell: CellCodes,
        old: Figure | None,
        new: Figure | None,
        what: Sequence[str] = (),
    ) -> Change:
        survey, wave, question, option, segment = cell
        return cls(kind, survey, wave, question, option, segment, old, new, tuple(what))

    @classmethod
    def of_record(cls, record: FigureChange) -> Change:
        cell = (record.survey, record.wave, record.question, record.option, record.segment)
        old = Figure.of(record.old_value, record.old_status)
        new = Figure.of(record.new_value, record.new_status)
        what = parts_of_mask(record.parts_changed) if record.kind == "changed" else ()
        return cls.at(record.kind, cell, old, new, what)

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
            "what_changed": list(self.what),
        }

    def __str__(self) -> str:
        """One line: the figure, what it was where its value or status changed, and what
        else changed ("76.0 (published); note changed", never "76.0 -> 76.0")."""
        where = "/".join(str(part) for part in self.cell)
        old, new = str(self.old or ""), str(self.new or "")
        shown = f"{old} -> {new}" if old and new and old != new else new or old
        what = f"; {', '.join(self.what)} changed" if self.what else ""
        return f"{self.kind:8} {where}: {shown}{what}"
