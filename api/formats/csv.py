"""CSV (RFC 4180): UTF-8, a header row, CRLF line ends; one row per share or per point.

Labels, texts and notes are in the language asked for; codes are never translated.
Numbers have a dot for decimals and no exponent, as short as they read back exactly
(23, 38.9, 0.9); a missing value is an empty cell, and `status` says why it is missing.
Text that a spreadsheet would run as a formula is written with a leading apostrophe
(`neutralised`), as OWASP advises for CSV injection.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from models.read.updates import RemovedFigure
from models.records import IndicatorTable, SeriesPoint, ShareRecord
from models.tables import FigureStatus

SHARE_COLUMNS = (
    "survey", "wave", "question", "question_text", "option", "option_label", "segment",
    "segment_label", "value", "base_n", "status", "note", "source", "source_published",
    "locator",
)  # fmt: skip

SERIES_COLUMNS = (
    "survey", "indicator", "indicator_title", "question", "options", "segment",
    "segment_label", "wave", "value", "unit", "status", "rule", "parts", "base_n", "change",
    "change_from", "published_total", "published_total_source", "sources", "source_published",
    "notes",
)  # fmt: skip


def number(value: float | int | None) -> str:
    """A number as CSV readers in any locale take it: `23`, `38.9`, never `3.89e+01`."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    # repr is the shortest text that reads back as the same float; Decimal drops the exponent.
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# A cell starting with one of these is a formula to Excel, LibreOffice or Google Sheets
# (OWASP, CSV injection); NUL as well, by OWASP ASVS 1.2.10.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")  # as `number` writes one: never a formula


def neutralised(cell: str) -> str:
    """The cell as text a spreadsheet shows rather than runs: a leading apostrophe, which
    spreadsheets read as "this cell is text", before any text that would start a formula.
    Numbers (a change of -4, say) stay numbers."""
    if cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _in(record: object, name: str, lang: str) -> str:
    value = getattr(record, f"{name}_{lang}")
    return "" if value is None else str(value)


def _write(rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(map(_neutralised_row, rows))
    return buffer.getvalue()


def _neutralised_row(row: Sequence[str]) -> list[str]:
    return [neutralised(cell) for cell in row]


def _share_row(share: ShareRecord, lang: str) -> list[str]:
    return [
        share.survey,
        str(share.wave),
        share.question,
        _in(share, "question_text", lang),
        share.option,
        _in(share, "option_label", lang),
        share.segment,
        _in(share, "segment_label", lang),
        number(share.value),
        number(share.base_n),
        share.status.value,
        _in(share, "note", lang),
        share.source,
        share.source_published or "",
        share.locator_in(lang) or "",
    ]


def share_header() -> str:
    return _write([SHARE_COLUMNS])


def share_rows(shares: Iterable[ShareRecord], lang: str) -> str:
    """Rows without the header, for writing a long table a page at a time."""
    return _write(_share_row(share, lang) for share in shares)


def shares(shares: Iterable[ShareRecord], lang: str) -> str:
    return share_header() + share_rows(shares, lang)


def _parts(point: SeriesPoint) -> str:
    """What a derived value was computed from: "all-digital=10 (approximate);most-digital=32"."""
    return ";".join(
        f"{part.option}={number(part.value)}"
        + ("" if part.status is FigureStatus.PUBLISHED else f" ({part.status.value})")
        for part in point.parts
    )


def series(table: IndicatorTable, lang: str) -> str:
    """An indicator's series: one row per wave, with the value or the reason it is missing."""
    indicator, series = table.detail.indicator, table.detail.series
    rows = [
        [
            indicator.survey,
            indicator.code,
            _in(indicator, "title", lang),
            indicator.question,
            "+".join(indicator.options),
            series.segment,
            _in(table.segment, "label", lang),
            str(point.wave),
            number(point.value),
            indicator.unit,
            point.status.value,
            point.rule or "",
            _parts(point) if point.rule else "",
            number(point.base_n),
            number(point.change),
            number(point.change_from),
            number(point.published_total.value if point.published_total else None),
            point.published_total.source if point.published_total else "",
            ",".join(point.sources),
            point.source_published or "",
            " ".join(getattr(point, f"notes_{lang}")),
        ]
        for point in series.points
    ]
    return _write([SERIES_COLUMNS, *rows])


# Shares updated after a release (`updated_after`): each row says whether it is a tombstone.
UPDATE_COLUMNS = (*SHARE_COLUMNS, "removed")


def update_header() -> str:
    return _write([UPDATE_COLUMNS])


def update_rows(items: Iterable[ShareRecord | RemovedFigure], lang: str) -> str:
    """Added or changed shares (`removed` false), and tombstones: the codes, the rest empty."""
    rows = []
    for item in items:
        if isinstance(item, RemovedFigure):
            codes = {
                "survey": item.survey,
                "wave": str(item.wave),
                "question": item.question,
                "option": item.option,
                "segment": item.segment,
            }
            rows.append([*(codes.get(name, "") for name in SHARE_COLUMNS), "true"])
        else:
            rows.append([*_share_row(item, lang), "false"])
    return _write(rows)
