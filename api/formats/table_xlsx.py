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

import io
from collections.abc import Iterable, Sequence

from api.formats import jsonstat
from api.formats.csv import Row
from api.formats.grid import DOCUMENTATION_LABEL, LICENCE_LABEL, UPDATED_LABEL
from api.formats.xlsx import ABOUT, SHEET, TITLE, dated, moment


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
    for url in links.licences:
        about.append([LICENCE_LABEL[lang], url])
        about.cell(about.max_row, 2).hyperlink = url
    if updated:
        about.append([UPDATED_LABEL[lang], updated])
    about.append([DOCUMENTATION_LABEL[lang], links.documentation])
    about.cell(about.max_row, 2).hyperlink = links.documentation

    for cells in (*sheet.iter_rows(), *about.iter_rows()):
        for written in cells:  # a text is never a formula, whatever it starts with
            if isinstance(written.value, str) and written.value.startswith("="):
                written.data_type = "s"
    when = moment(updated)
    book.properties.title = title
    book.properties.language = lang
    book.properties.creator = "kommunedigi"
    book.properties.created = book.properties.modified = when
    out = io.BytesIO()
    book.save(out)
    return dated(out.getvalue(), when)
