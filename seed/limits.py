"""How much one import package may hold. Reading counts as it goes and stops at a limit,
so a package that passes one (a zip bomb, a dataset declaring billions of cells) costs
no more memory than one that stays within it. The defaults let a package of a million
figures through; api.settings reads the operator's values.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadLimits:
    unpacked_bytes: int = 100_000_000  # the package's files, once unpacked, in all
    files: int = 50  # files in the package, hidden ones included (folders are not files)
    rows: int = 1_000_000  # CSV rows and JSON-stat cells (as declared), in all
    line_bytes: int = 65_536  # one line of a CSV file


DEFAULT_LIMITS = ReadLimits()


class Budget:
    """What is left of a limit while a package is read; `take` says whether it still fits."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def take(self, amount: int) -> bool:
        self.used += amount
        return not self.spent

    @property
    def spent(self) -> bool:
        """Whether more was taken than the limit allows."""
        return self.used > self.limit
