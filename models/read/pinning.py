"""An indicator pinned to a release: its figures then, and whether the newest release
shows other figures, so that an embed that keeps the old ones can say so."""

from __future__ import annotations

from models.cited import PinnedIndicator
from models.read.context import Reader
from models.read.releases import current_release
from models.read.series import cited_indicator, series_by_indicator
from models.records import Series
from models.statuses import FigureStatus


def _shown(series: Series) -> tuple[tuple[int, float | None, FigureStatus], ...]:
    """What a reader sees of a series: each wave's value and status."""
    return tuple((point.wave, point.value, point.status) for point in series.points)


def pinned_indicator(
    reader: Reader, code: str, as_of: int, *, segment: str = "all"
) -> PinnedIndicator | None:
    """The indicator as of release `as_of`, and whether the newest release changed what it
    shows; None for an unknown code."""
    pinned = cited_indicator(reader, code, segment=segment, as_of=as_of)
    if pinned is None:
        return None
    newest = current_release(reader)
    changed = False
    if newest is not None and newest.id != as_of:
        indicator_id = pinned.detail.indicator.id
        now = series_by_indicator(reader, [indicator_id], segment=segment)[indicator_id]
        changed = _shown(now) != _shown(pinned.detail.series)
    return PinnedIndicator(cited=pinned, newest=newest, changed_since=changed)
