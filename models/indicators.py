"""Indicator values: pure arithmetic over shares, shared by every output format.

An indicator of one option serves that option's share as it is, with its status. An
indicator of several options serves their sum, `derived` (rule `sum`) with the parts it
came from: we computed it, no source printed it. Sums are exact in decimal (38.9 + 42.5 +
13.3 is 94.7, not 94.69999…). A sum is missing when any part is missing, and says why: a
part the source names without a number or describes in words withholds the sum; a part
no source reports leaves no figure known (`no_source`). Changes are in percentage points
from the latest earlier wave that has a value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from models import dates
from models.records import PublishedTotalRecord, SeriesPart, SeriesPoint, ShareRecord
from models.statuses import FIGURE_STATUS_OF, FigureStatus

# Which reason wins when parts of a sum are missing for different reasons: the one that
# tells the reader most (words say more than a name without a number, which says more
# than silence).
_MISSING_PRECEDENCE = (FigureStatus.QUALITATIVE, FigureStatus.NOT_PUBLISHED)

SUM = "sum"

Parts = Sequence[tuple[str, ShareRecord | None]]  # (option code, its share or None)


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value))


def part(option: str, share: ShareRecord | None) -> SeriesPart:
    if share is None:
        return SeriesPart(option=option, value=None, status=FigureStatus.NO_SOURCE, source=None)
    return SeriesPart(option, share.value, FIGURE_STATUS_OF[share.status], share.source)


def point_value(parts: Sequence[SeriesPart]) -> tuple[float | None, FigureStatus, str | None]:
    """The value of the parts, its status and the rule that made it (None: no rule)."""
    statuses = {item.status for item in parts}
    if not parts or not all(status.has_value for status in statuses):
        for status in _MISSING_PRECEDENCE:
            if status in statuses:
                return None, status, None
        return None, FigureStatus.NO_SOURCE, None
    if len(parts) == 1:
        return parts[0].value, parts[0].status, None
    values = [item.value for item in parts if item.value is not None]
    return float(sum(map(_decimal, values), Decimal())), FigureStatus.DERIVED, SUM


def change(earlier: float, later: float) -> float:
    return float(_decimal(later) - _decimal(earlier))


def series(
    cells: Sequence[tuple[int, Parts]],
    totals: Mapping[int, PublishedTotalRecord],
) -> tuple[SeriesPoint, ...]:
    """One point per (wave, parts) cell, in the order given (oldest wave first)."""
    points: list[SeriesPoint] = []
    previous: tuple[int, float] | None = None
    for wave, shares in cells:
        parts = tuple(part(option, share) for option, share in shares)
        value, status, rule = point_value(parts)
        present = [share for _, share in shares if share is not None]
        base_ns = {share.base_n for share in present}
        points.append(
            SeriesPoint(
                wave=wave,
                value=value,
                status=status,
                rule=rule,
                parts=parts,
                base_n=base_ns.pop() if len(base_ns) == 1 else None,
                sources=tuple(dict.fromkeys(share.source for share in present)),
                notes_nb=tuple(dict.fromkeys(s.note_nb for s in present if s.note_nb)),
                notes_en=tuple(dict.fromkeys(s.note_en for s in present if s.note_en)),
                notes_nn=tuple(dict.fromkeys(s.note_nn for s in present if s.note_nn)),
                published_total=totals.get(wave),
                change=change(previous[1], value) if previous and value is not None else None,
                change_from=previous[0] if previous and value is not None else None,
                source_published=dates.newest(part.source_published for part in present),
            )
        )
        if value is not None:
            previous = (wave, value)
    return tuple(points)
