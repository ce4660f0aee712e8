"""What an import says: its progress while it runs, and its report when it ends."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from models.changes import Change
from seed.issues import Issue

T = TypeVar("T")
Progress = Callable[[Iterable[T], str, int], Iterable[T]]


def no_progress(items: Iterable[T], label: str, total: int) -> Iterable[T]:
    return items


@dataclass
class Report:
    package: str
    checksum: str
    dry_run: bool
    issues: list[Issue] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    described: int = 0  # rows of surveys, questions, labels, totals … added or changed
    changes: list[Change] = field(default_factory=list)
    release_id: int | None = None

    MAX_LISTED = 1000  # changes listed one by one; the counts cover all

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if not issue.warning]

    @property
    def warnings(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.warning]

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.described)

    def note(self, change: Change) -> None:
        setattr(self, change.kind, getattr(self, change.kind) + 1)
        if len(self.changes) < self.MAX_LISTED:
            self.changes.append(change)

    def as_dict(self) -> dict[str, object]:
        return {
            "package": self.package,
            "checksum": self.checksum,
            "dry_run": self.dry_run,
            "release": self.release_id,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "described": self.described,
            "errors": [issue.as_dict() for issue in self.errors],
            "warnings": [issue.as_dict() for issue in self.warnings],
            "changes": [change.as_json() for change in self.changes],
        }
