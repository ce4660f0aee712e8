"""CSV (RFC 4180): UTF-8, a header row, CRLF line ends; one row per share or per point.

Labels, texts and notes are in the language asked for; codes are never translated.
Numbers have a dot for decimals and no exponent, as short as they read back exactly
(23, 38.9, 0.9); a missing value is an empty cell, and `status` says why it is missing.
Text that a spreadsheet would run as a formula is written with a leading apostrophe
(`neutralised`), as OWASP advises for CSV injection.

That is the `rfc4180` dialect, the default. The `excel-no` dialect is the same table as
a spreadsheet with Norwegian regional settings opens it with a double click: `;` between
cells, a decimal comma (`12,5`) and a UTF-8 byte order mark, still with CRLF. Excel in
Norwegian takes `,` for the decimal sign and `;` for the list separator, so a `12.5` in a
comma-separated file would be read as text or a date, and without the mark as Windows-1252.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from models.read.updates import RemovedFigure
from models.records import IndicatorTable, SeriesPoint, ShareRecord, text_in
from models.statuses import FigureStatus


@dataclass(frozen=True, slots=True)
class Dialect:
    """How cells are separated and decimals written, and whether a byte order mark leads."""

    delimiter: str
    decimal: str
    byte_order_mark: bool


RFC4180 = Dialect(delimiter=",", decimal=".", byte_order_mark=False)
EXCEL_NO = Dialect(delimiter=";", decimal=",", byte_order_mark=True)
DIALECTS = {"rfc4180": RFC4180, "excel-no": EXCEL_NO}

# A row before it is written: numbers stay numbers, so that a workbook (api.formats.table_xlsx)
# can take the same rows.
Value = str | int | float | None
Row = list[Value]

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


def number(value: float | int | None, dialect: Dialect = RFC4180) -> str:
    """A number as CSV readers in any locale take it: `23`, `38.9`, never `3.89e+01`
    (`38,9` in a dialect with a decimal comma)."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    # repr is the shortest text that reads back as the same float; Decimal drops the exponent.
    text = format(Decimal(repr(value)), "f")
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return text.replace(".", dialect.decimal)


# A cell starting with one of these is a formula to Excel, LibreOffice or Google Sheets
# (OWASP, CSV injection); NUL as well, by OWASP ASVS 1.2.10.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
_NUMBER = re.compile(r"-?[0-9]+([.,][0-9]+)?")  # as `number` writes one: never a formula


def neutralised(cell: str) -> str:
    """The cell as text a spreadsheet shows rather than runs: a leading apostrophe, which
    spreadsheets read as "this cell is text", before any text that would start a formula.
    Numbers (a change of -4, say) stay numbers."""
    if cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _in(record: object, name: str, lang: str) -> str:
    value = text_in(record, name, lang)
    return "" if value is None else str(value)


def _write(rows: Iterable[Sequence[Value]], dialect: Dialect) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator="\r\n")
    writer.writerows([_cell(value, dialect) for value in row] for row in rows)
    return buffer.getvalue()


def _cell(value: Value, dialect: Dialect) -> str:
    if value is None or isinstance(value, int | float):
        return number(value, dialect)
    return neutralised(value)


def share_values(share: ShareRecord, lang: str) -> Row:
    """A share's row of SHARE_COLUMNS, numbers as numbers and a missing one as None."""
    return [
        share.survey,
        share.wave,
        share.question,
        _in(share, "question_text", lang),
        share.option,
        _in(share, "option_label", lang),
        share.segment,
        _in(share, "segment_label", lang),
        share.value,
        share.base_n,
        share.status.value,
        _in(share, "note", lang),
        share.source,
        share.source_published or "",
        share.locator_in(lang) or "",
    ]


def _header(columns: Sequence[str], dialect: Dialect) -> str:
    return ("\ufeff" if dialect.byte_order_mark else "") + _write([columns], dialect)


def share_header(dialect: Dialect = RFC4180) -> str:
    return _header(SHARE_COLUMNS, dialect)


def share_rows(shares: Iterable[ShareRecord], lang: str, dialect: Dialect = RFC4180) -> str:
    """Rows without the header, for writing a long table a page at a time."""
    return _write((share_values(share, lang) for share in shares), dialect)


def shares(shares: Iterable[ShareRecord], lang: str, dialect: Dialect = RFC4180) -> str:
    return share_header(dialect) + share_rows(shares, lang, dialect)


def _parts(point: SeriesPoint, dialect: Dialect) -> str:
    """What a derived value was computed from: "all-digital=10 (approximate);most-digital=32"."""
    return ";".join(
        f"{part.option}={number(part.value, dialect)}"
        + ("" if part.status is FigureStatus.PUBLISHED else f" ({part.status.value})")
        for part in point.parts
    )


def series_values(table: IndicatorTable, lang: str, dialect: Dialect = RFC4180) -> list[Row]:
    """An indicator's rows of SERIES_COLUMNS: one per wave, the value or why it is missing."""
    indicator, series = table.detail.indicator, table.detail.series
    return [
        [
            indicator.survey,
            indicator.code,
            _in(indicator, "title", lang),
            indicator.question,
            "+".join(indicator.options),
            series.segment,
            _in(table.segment, "label", lang),
            point.wave,
            point.value,
            indicator.unit,
            point.status.value,
            point.rule or "",
            _parts(point, dialect) if point.rule else "",
            point.base_n,
            point.change,
            point.change_from,
            point.published_total.value if point.published_total else None,
            point.published_total.source if point.published_total else "",
            ",".join(point.sources),
            point.source_published or "",
            " ".join(getattr(point, f"notes_{lang}")),
        ]
        for point in series.points
    ]


def series(table: IndicatorTable, lang: str, dialect: Dialect = RFC4180) -> str:
    """An indicator's series: one row per wave, with the value or the reason it is missing."""
    return _header(SERIES_COLUMNS, dialect) + _write(series_values(table, lang, dialect), dialect)


# Shares updated after a release (`updated_after`): each row says whether it is a tombstone.
UPDATE_COLUMNS = (*SHARE_COLUMNS, "removed")


def update_header(dialect: Dialect = RFC4180) -> str:
    return _header(UPDATE_COLUMNS, dialect)


def update_rows(
    items: Iterable[ShareRecord | RemovedFigure], lang: str, dialect: Dialect = RFC4180
) -> str:
    return _write(update_values(items, lang), dialect)


def update_values(items: Iterable[ShareRecord | RemovedFigure], lang: str) -> list[Row]:
    """Rows of UPDATE_COLUMNS: added or changed shares (`removed` false), and tombstones:
    the codes, the rest empty."""
    rows: list[Row] = []
    for item in items:
        if isinstance(item, RemovedFigure):
            codes: dict[str, Value] = {
                "survey": item.survey,
                "wave": item.wave,
                "question": item.question,
                "option": item.option,
                "segment": item.segment,
            }
            rows.append([*(codes.get(name, "") for name in SHARE_COLUMNS), "true"])
        else:
            rows.append([*share_values(item, lang), "false"])
    return rows
