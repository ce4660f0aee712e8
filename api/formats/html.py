"""A question's table (a selection from it) as an accessible HTML document.

One table: its caption is the title and unit; the answer option and the segment head
each row (`<th scope="row">`), the waves head the columns (`<th scope="col">`). A value
is written as a reader of the language reads it (`38,9` in bokmål) inside a `<data>`
element whose `value` is the number as stored; every cell says its status in
`data-status`, and a cell without a value says in words why it has none. A cell's note
is a numbered link to the list of notes that follows the table. Source,
notes, licences and the release follow the table. Every text is escaped; the document
loads nothing and runs no script.
"""

from __future__ import annotations

from html import escape

from api import wording
from api.formats import jsonstat
from api.formats.grid import (
    DOCUMENTATION_LABEL,
    LICENCE_LABEL,
    NOTE_LABEL,
    SOURCE_LABEL,
    UPDATED_LABEL,
    GridCell,
    grid,
)
from models.records import QuestionCube
from models.statuses import FigureStatus

MEDIA_TYPE = "text/html; charset=utf-8"
EXTENSION = "html"
# The document needs nothing: it may load nothing, and no page may frame it.
POLICY = "default-src 'none'; frame-ancestors 'none'"
_APPROXIMATE = {"nb": "ca.", "nn": "ca.", "en": "approx."}
_DERIVED = {"nb": "utregnet", "nn": "utrekna", "en": "derived"}
_NO_COMBINATION = {"nb": "ingen kombinasjon", "nn": "ingen kombinasjon", "en": "no combination"}


def _cell(cell: GridCell, lang: str, notes: dict[str, int]) -> str:
    """A data cell; a note of the cell is a numbered link to it below the table."""
    status = cell.status or ""
    marker = ""
    if cell.note:
        number = notes.setdefault(cell.note, len(notes) + 1)
        marker = f' <sup><a href="#note-{number}">{number}</a></sup>'
    if cell.value is None:
        said = wording.MISSING[FigureStatus(status)][lang] if status else _NO_COMBINATION[lang]
        return f'<td data-status="{escape(status)}">{escape(said)}{marker}</td>'
    exact, read = wording.number(cell.value, "en"), wording.number(cell.value, lang)
    shown = f'<data value="{exact}">{read}</data>'
    if status == FigureStatus.APPROXIMATE.value:
        shown = f"{_APPROXIMATE[lang]} {shown}"
    elif status == FigureStatus.DERIVED.value:
        shown = f"{shown} ({_DERIVED[lang]})"
    return f'<td data-status="{escape(status)}">{shown}{marker}</td>'


def document(cube: QuestionCube, lang: str, *, links: jsonstat.Links) -> str:
    table = grid(cube, lang, links=links)
    labels = table.dimension_labels
    head = "".join(
        f'<th scope="col">{escape(text)}</th>'
        for text in (labels["option"], labels["segment"], *(w.label for w in table.waves))
    )
    rows: list[str] = []
    cell_notes: dict[str, int] = {}  # each distinct note of a cell, numbered in order
    for option in table.options:
        for segment in table.segments:
            cells = "".join(
                _cell(table.cell(wave.code, option.code, segment.code), lang, cell_notes)
                for wave in table.waves
            )
            rows.append(
                f'<tr><th scope="row">{escape(option.label)}</th>'
                f'<th scope="row">{escape(segment.label)}</th>{cells}</tr>'
            )
    about: list[str] = []
    if cell_notes:
        about.append(
            "<ol>"
            + "".join(f'<li id="note-{n}">{escape(note)}</li>' for note, n in cell_notes.items())
            + "</ol>"
        )
    if table.source:
        about.append(f"<p>{SOURCE_LABEL[lang]}: {escape(table.source)}</p>")
    about += [f"<p>{NOTE_LABEL[lang]}: {escape(note)}</p>" for note in table.notes]
    about += [
        f'<p>{LICENCE_LABEL[lang]}: <a href="{escape(url)}">{escape(url)}</a></p>'
        for url in table.licences
    ]
    if table.updated_seconds:
        updated = escape(table.updated_seconds)
        about.append(f"<p>{UPDATED_LABEL[lang]}: <time>{updated}</time></p>")
    docs = escape(table.documentation)
    about.append(f'<p>{DOCUMENTATION_LABEL[lang]}: <a href="{docs}">{docs}</a></p>')
    title = escape(table.title)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n</head>\n<body>\n<table>\n"
        f"<caption>{title}, {escape(table.unit)}</caption>\n"
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody>\n</table>\n"
        + "\n".join(about)
        + "\n</body>\n</html>\n"
    )
