"""The tables of an indicator's or a question's page, as its template shows them.

Every value is said as api.wording says it; a figure without a value says why, in a cell
of its own kind (the template draws it as a box). A wave no source reports is left out,
as the charts leave it out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from api import wording
from api.web.page_words import APPROXIMATELY, STATUS
from models.changes import FigureChange
from models.read import ReleaseChanges
from models.records import (
    OptionRecord,
    SeriesPoint,
    ShareRecord,
    SourceRecord,
)
from models.statuses import FIGURE_STATUS_OF, FigureStatus


@dataclass(frozen=True, slots=True)
class SeriesRow:
    """A wave of an indicator: its value (or why none), its status and what it sums."""

    wave: int
    value: str
    status: str
    missing: bool  # no value: the cell is drawn as a box
    parts: str  # of a derived value, each option's share; else empty
    sources: str


@dataclass(frozen=True, slots=True)
class ShareRow:
    """An answer share: the figure a source printed, with the place in the source."""

    wave: int
    option: str
    segment: str
    value: str
    status: str
    missing: bool
    source: str
    locator: str


@dataclass(frozen=True, slots=True)
class ChangeRow:
    kind: str  # added, changed or removed, in words
    wave: int
    option: str
    segment: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class HistoryItem:
    release: int
    date: str
    message: str
    counts: str  # "1 lagt til, 2 endret"
    changes: tuple[ChangeRow, ...]


def status_words(status: FigureStatus, lang: str) -> str:
    return STATUS[status][lang]


def share_value(value: float | None, status: FigureStatus, lang: str) -> str:
    if value is None:
        return wording.missing(status, lang)
    shown = wording.percent(value, lang)
    return f"{APPROXIMATELY[lang]} {shown}" if status is FigureStatus.APPROXIMATE else shown


def series_rows(
    points: Sequence[SeriesPoint],
    options: dict[str, str],
    sources: dict[str, SourceRecord],
    lang: str,
) -> tuple[SeriesRow, ...]:
    """The waves a source reports, with the option labels of a derived value's parts."""
    return tuple(
        SeriesRow(
            wave=point.wave,
            value=wording.point_value(point, lang),
            status=status_words(point.status, lang),
            missing=point.value is None,
            parts=_parts(point, options, lang) if point.status is FigureStatus.DERIVED else "",
            sources="; ".join(sources[code].title for code in point.sources if code in sources),
        )
        for point in points
        if point.status is not FigureStatus.NO_SOURCE
    )


def _parts(point: SeriesPoint, options: dict[str, str], lang: str) -> str:
    """What a derived value sums: "I moderat grad: 38,9 %; …"."""
    return "; ".join(
        f"{options.get(part.option, part.option)}: {share_value(part.value, part.status, lang)}"
        for part in point.parts
    )


def share_rows(
    shares: Iterable[ShareRecord], sources: dict[str, SourceRecord], lang: str
) -> tuple[ShareRow, ...]:
    rows = []
    for share in sorted(shares, key=lambda s: (s.wave, s.option_id, s.segment_id)):
        status = FIGURE_STATUS_OF[share.status]
        source = sources.get(share.source)
        rows.append(
            ShareRow(
                wave=share.wave,
                option=getattr(share, f"option_label_{lang}"),
                segment=getattr(share, f"segment_label_{lang}"),
                value=share_value(share.value, status, lang),
                status=status_words(status, lang),
                missing=share.value is None,
                source=source.title if source is not None else share.source,
                locator=share.locator_in(lang) or "",
            )
        )
    return tuple(rows)


def option_labels(options: Iterable[OptionRecord], lang: str) -> dict[str, str]:
    return {option.code: getattr(option, f"label_{lang}") for option in options}


def labels(shares: Iterable[ShareRecord], lang: str) -> dict[str, str]:
    """The labels of the options and segments the shares are in, by code."""
    found: dict[str, str] = {}
    for share in shares:
        found[share.option] = getattr(share, f"option_label_{lang}")
        found[share.segment] = getattr(share, f"segment_label_{lang}")
    return found


def history(
    releases: Iterable[ReleaseChanges], labels: dict[str, str], words: dict[str, str], lang: str
) -> tuple[HistoryItem, ...]:
    """Each release with what it did in words; `labels` names options and segments."""
    items = []
    for entry in releases:
        counted: dict[str, int] = {}
        for change in entry.changes:
            counted[change.kind] = counted.get(change.kind, 0) + 1
        counts = ", ".join(
            f"{counted[kind]} {words['figures_count']} {words[kind]}"
            for kind in ("added", "changed", "removed")
            if kind in counted
        )
        release = entry.release
        items.append(
            HistoryItem(
                release=release.id,
                date=release.loaded_at.date().isoformat(),
                message=release.message,
                counts=counts,
                changes=tuple(_change_row(change, labels, words, lang) for change in entry.changes),
            )
        )
    return tuple(items)


def _change_row(
    change: FigureChange, labels: dict[str, str], words: dict[str, str], lang: str
) -> ChangeRow:
    def said(value: float | None, status: object) -> str:
        if status is None:
            return "–"
        return share_value(value, FIGURE_STATUS_OF[status], lang)  # type: ignore[index]

    return ChangeRow(
        kind=words[change.kind],
        wave=change.wave,
        option=labels.get(change.option, change.option),
        segment=labels.get(change.segment, change.segment),
        old=said(change.old_value, change.old_status),
        new=said(change.new_value, change.new_status),
    )
