"""Dates as sources print them: ISO 8601 with a year, a month or a day ("2018",
"2018-01", "2018-01-24"), or none for an undated source.

Such dates sort as text in the order of time, a period before the days within it
("2018-01" before "2018-01-24"), so the newest is the greatest. A figure is dated by
the source that printed it; a figure or citation that rests on several sources, by
the newest of them.
"""

from __future__ import annotations

from collections.abc import Iterable


def newest(dates: Iterable[str | None]) -> str | None:
    """The newest of `dates`; None when every one is None (undated sources)."""
    return max((date for date in dates if date), default=None)


def parts(date: str) -> list[int]:
    """The date as CSL date-parts: [2018, 1, 24], [2018, 1] or [2018]."""
    return [int(part) for part in date.split("-")]
