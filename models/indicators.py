"""Indicator values: pure arithmetic over shares, shared by every output format.

An indicator's value in a wave is the sum of its options' shares. Sums are exact in
decimal (38.9 + 42.5 + 13.3 is 94.7, not 94.69999…). A sum is missing when any part
is missing, and says why; a sum with an approximate part is approximate. Changes are
in percentage points from the latest earlier wave that has a value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from models import dates
from models.records import PublishedTotalRecord, SeriesPoint, ShareRecord
from models.tables import ShareStatus

# Which reason wins when parts of a sum are missing for different reasons: the one that
# tells the reader most (a qualitative statement says more than silence).
_MISSING_PRECEDENCE = (ShareStatus.QUALITATIVE, ShareStatus.NOT_PUBLISHED)
_WITH_VALUE = frozenset(status for status in ShareStatus if status.has_value)


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value))


def point_value(parts: Sequence[ShareRecord | None]) -> tuple[float | None, ShareStatus]:
    """The sum of the parts and its status; a part that is None has no row at all."""
    statuses = {part.status if part else ShareStatus.NOT_PUBLISHED for part in parts}
    if not parts or not statuses <= _WITH_VALUE:
        for status in _MISSING_PRECEDENCE:
            if status in statuses:
                return None, status
        return None, ShareStatus.NOT_PUBLISHED
    values = [part.value for part in parts if part and part.value is not None]
    # One part is its own sum (repr round-trips a float exactly); only sums need decimals.
    total = values[0] if len(values) == 1 else float(sum(map(_decimal, values), Decimal()))
    status = (
        ShareStatus.APPROXIMATE if ShareStatus.APPROXIMATE in statuses else ShareStatus.PUBLISHED
    )
    return total, status


def change(earlier: float, later: float) -> float:
    return float(_decimal(later) - _decimal(earlier))


def series(
    cells: Sequence[tuple[int, Sequence[ShareRecord | None]]],
    totals: Mapping[int, PublishedTotalRecord],
) -> tuple[SeriesPoint, ...]:
    """One point per (wave, parts) cell, in the order given (oldest wave first)."""
    points: list[SeriesPoint] = []
    previous: tuple[int, float] | None = None
    for wave, parts in cells:
        value, status = point_value(parts)
        present = [part for part in parts if part is not None]
        base_ns = {part.base_n for part in present}
        points.append(
            SeriesPoint(
                wave=wave,
                value=value,
                status=status,
                base_n=base_ns.pop() if len(base_ns) == 1 else None,
                sources=tuple(dict.fromkeys(part.source for part in present)),
                notes_nb=tuple(dict.fromkeys(p.note_nb for p in present if p.note_nb)),
                notes_en=tuple(dict.fromkeys(p.note_en for p in present if p.note_en)),
                published_total=totals.get(wave),
                change=change(previous[1], value) if previous and value is not None else None,
                change_from=previous[0] if previous and value is not None else None,
                source_published=dates.newest(part.source_published for part in present),
            )
        )
        if value is not None:
            previous = (wave, value)
    return tuple(points)
