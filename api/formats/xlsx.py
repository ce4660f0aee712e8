"""A question's table (a selection from it) as an Office Open XML workbook (openpyxl).

The first sheet holds the table: a title row, then a header row, then one row per cell
(wave × option × segment) with the wave as a number, the codes and labels of the option
and the segment, the value as a number (empty when there is none), the cell's status
(`published`, `approximate`, `derived`, `qualitative`, `not_published`, `no_source`),
the respondents, the source and the note. The second sheet says what the table is: its
source, notes, licences, release and documentation. A text is always text, never a
formula, even one that starts with "=". The workbook is the same bytes for
the same table and release: its dates are the release's, not the moment it is written.

openpyxl is imported by the first workbook, not when the server starts.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from typing import Any

from api.formats import jsonstat
from api.formats.grid import (
    BASE_N_LABEL,
    CODE_LABEL,
    DOCUMENTATION_LABEL,
    LICENCE_LABEL,
    NOTE_LABEL,
    SOURCE_LABEL,
    STATUS_LABEL,
    UPDATED_LABEL,
    VALUE_LABEL,
    grid,
)
from models.records import QuestionCube

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSION = "xlsx"
SHEET = {"nb": "Tabell", "nn": "Tabell", "en": "Table"}
ABOUT = {"nb": "Om tabellen", "nn": "Om tabellen", "en": "About"}
TITLE = {"nb": "Tittel", "nn": "Tittel", "en": "Title"}
EPOCH = dt.datetime(2000, 1, 1)  # the workbook's date when no release is loaded yet


def workbook(cube: QuestionCube, lang: str, *, links: jsonstat.Links) -> bytes:
    from openpyxl import Workbook  # a large library: imported by the first workbook
    from openpyxl.styles import Font

    table = grid(cube, lang, links=links)
    labels = table.dimension_labels
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET[lang]
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True)
    code = CODE_LABEL[lang]
    sheet.append([
        labels["wave"], f"{labels['option']} ({code})", labels["option"],
        f"{labels['segment']} ({code})", labels["segment"], VALUE_LABEL[lang],
        STATUS_LABEL[lang], BASE_N_LABEL[lang], SOURCE_LABEL[lang], NOTE_LABEL[lang],
    ])  # fmt: skip
    for header in sheet[2]:
        header.font = Font(bold=True)
    for wave in table.waves:
        for option in table.options:
            for segment in table.segments:
                one = table.cell(wave.code, option.code, segment.code)
                sheet.append([
                    int(wave.code), option.code, option.label, segment.code, segment.label,
                    one.value, one.status, one.base_n, one.source, one.note,
                ])  # fmt: skip
    sheet.freeze_panes = "A3"

    about = book.create_sheet(ABOUT[lang])
    about.append([TITLE[lang], table.title])
    if table.source:
        about.append([SOURCE_LABEL[lang], table.source])
    for note in table.notes:
        about.append([NOTE_LABEL[lang], note])
    return finished(
        book, lang, title=table.title, licences=table.licences, updated=table.updated,
        documentation=table.documentation,
    )  # fmt: skip


def finished(
    book: Any,
    lang: str,
    *,
    title: str,
    licences: Sequence[str],
    updated: str | None,
    documentation: str,
) -> bytes:
    """`book` with its about sheet (the last) ended by the licences, the date and the
    documentation, every text kept from being read as a formula, dated by `updated`."""
    about = book.worksheets[-1]
    for url in licences:
        about.append([LICENCE_LABEL[lang], url])
        about.cell(about.max_row, 2).hyperlink = url
    if updated:
        about.append([UPDATED_LABEL[lang], updated])
    about.append([DOCUMENTATION_LABEL[lang], documentation])
    about.cell(about.max_row, 2).hyperlink = documentation
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:  # a text is never a formula, whatever it starts with
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    when = moment(updated)
    book.properties.title = title
    book.properties.language = lang
    book.properties.creator = "kommunedigi"
    book.properties.created = book.properties.modified = when
    written = io.BytesIO()
    # ExcelWriter, not book.save: save_workbook dates `modified` by the clock, so that two
    # writings of one table a second apart differed.
    from openpyxl.writer.excel import ExcelWriter

    ExcelWriter(book, zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED)).save()
    return dated(written.getvalue(), when)


def moment(updated: str | None) -> dt.datetime:
    if updated is None:
        return EPOCH
    instant = dt.datetime.fromisoformat(updated.replace("Z", "+00:00"))
    return instant.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)


def dated(archive: bytes, when: dt.datetime) -> bytes:
    """The zip with every member dated `when`, so that the bytes depend on the table only."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(member.filename))
    return out.getvalue()
