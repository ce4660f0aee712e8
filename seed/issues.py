"""What reading and checking an import find: rows with their place, and issues about them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    """One problem in the input: where it is, what was found and what was expected."""

    file: str
    line: int | None
    column: str | None
    found: str | None
    expected: str
    warning: bool = False

    def __str__(self) -> str:
        place = self.file + (f":{self.line}" if self.line is not None else "")
        place += f": column {self.column}" if self.column else ""
        found = f"found {self.found!r}, " if self.found is not None else ""
        kind = "warning: " if self.warning else ""
        return f"{place}: {kind}{found}expected {self.expected}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "found": self.found,
            "expected": self.expected,
            "severity": "warning" if self.warning else "error",
        }


@dataclass(frozen=True)
class Row:
    file: str
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "").strip()
