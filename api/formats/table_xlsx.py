"""Any flat table the CSV gives (shares of a selection, an indicator's series) as an
Office Open XML workbook (openpyxl), for people who open data in a spreadsheet.

The first sheet is the CSV's table: a header row of the CSV's column names, then one row
per share (or per wave), with codes, labels, the value as a number (empty when there is
none), the status, the sources and the notes. The second sheet says what the table is:
its title, licences, release and documentation. A text is always text, never a formula;
the bytes depend on the table and its release only (api.formats.xlsx).

openpyxl is imported by the first workbook, not when the server starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from api.formats import jsonstat, xlsx
from api.formats.csv import Row
from api.formats.xlsx import ABOUT, SHEET, TITLE


def workbook(
    title: str,
    columns: Sequence[str],
    rows: Iterable[Row],
    lang: str,
    *,
    links: jsonstat.Links,
    updated: str | None,
) -> bytes:
    from openpyxl import Workbook  # a large library: imported by the first workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET[lang]
    sheet.append(list(columns))
    for header in sheet[1]:
        header.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"

    about = book.create_sheet(ABOUT[lang])
    about.append([TITLE[lang], title])
    return xlsx.finished(
        book, lang, title=title, licences=links.licences, updated=updated,
        documentation=links.documentation,
    )  # fmt: skip
