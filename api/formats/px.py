"""The PX file format (PC-Axis, Statistics Sweden's PX file format 2013) of a question's table.

One file holds the table in both languages: LANGUAGE is the one asked for, LANGUAGES
names both (`no` for bokmål, as Statistics Norway writes it, and `en`), and each
language-dependent keyword follows its default with a `[en]` or `[no]` variant. The
file is UTF-8: `CHARSET="ANSI"` with `CODEPAGE="utf-8"`, as PxWeb writes its own.

The stub is answer option × segment and the heading is the wave (the time variable,
with TIMEVAL). DATA has one line per stub row, one cell per wave. Numbers are written
as stored (`23`, `38.9`; DECIMALS is the most any value has). A cell without a value is
written as dots, and the DATASYMBOL keywords name each count of dots by the cell's
status: `..` no_source, `...` not_published, `....` qualitative (and `.` no
combination, which a question's table never has). A cell with a value whose status is
approximate or derived has a DATANOTECELL with that status, given by the codes of its
values in stub-then-heading order. Each cell's note is a CELLNOTE (by value texts, as
the format asks). Texts cannot hold a double quote in PX: one becomes a single quote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from api.formats import csv, jsonstat
from api.formats.grid import LICENCE_LABEL, Grid, grid
from models.records import QuestionCube
from models.tables import FigureStatus

PX_LANGUAGE = {"nb": "no", "en": "en"}
LINE = "\r\n"
MAX_LINE = 256  # the longest text a record of a PX file holds

# The dots a cell without a value is written as, by its status (None: no combination).
SYMBOLS: dict[str | None, str] = {
    None: ".",
    FigureStatus.NO_SOURCE.value: "..",
    FigureStatus.NOT_PUBLISHED.value: "...",
    FigureStatus.QUALITATIVE.value: "....",
}
SYMBOL_TEXTS = {
    1: "no-combination",
    2: FigureStatus.NO_SOURCE.value,
    3: FigureStatus.NOT_PUBLISHED.value,
    4: FigureStatus.QUALITATIVE.value,
}
NOTED = (FigureStatus.APPROXIMATE.value, FigureStatus.DERIVED.value)


def _text(value: str) -> str:
    return value.replace('"', "'").replace("\r", " ").replace("\n", " ")


def _quoted(value: str) -> str:
    return f'"{_text(value)}"'


def _long(value: str) -> str:
    """A text in records of at most MAX_LINE characters; PX joins them back."""
    text = _text(value)
    chunks = [text[at : at + MAX_LINE - 2] for at in range(0, len(text), MAX_LINE - 2)]
    return LINE.join(f'"{chunk}"' for chunk in chunks or [""])


def _list(values: Iterable[str]) -> str:
    """Quoted items, comma-separated, a new record after a comma when a line grows long."""
    lines: list[str] = []
    line = ""
    for item in (_quoted(value) for value in values):
        if line and len(line) + len(item) + 1 > MAX_LINE:
            lines.append(line + ",")
            line = item
        else:
            line = f"{line},{item}" if line else item
    return LINE.join([*lines, line])


def _keys(values: Sequence[str]) -> str:
    return "(" + ",".join(_quoted(value) for value in values) + ")"


def _px_date(updated: str | None) -> str | None:
    """An ISO 8601 instant as PX writes dates: CCYYMMDD hh:mm."""
    if updated is None:
        return None
    return dt.datetime.fromisoformat(updated.replace("Z", "+00:00")).strftime("%Y%m%d %H:%M")


def _decimals(values: Iterable[float | None]) -> int:
    numbers = [csv.number(value) for value in values if value is not None]
    return max((len(n.partition(".")[2]) for n in numbers), default=0)


Keyword = tuple[str, str, str]  # keyword, its sub-key ("" or "(...)"), its value

# The language-dependent keywords, in the order of the specification's recommendation.
ORDER = (
    "SUBJECT-AREA", "TITLE", "CONTENTS", "UNITS", "STUB", "HEADING", "VALUES", "TIMEVAL",
    "CODES", "SOURCE", "NOTE", "CELLNOTE", "DATASYMBOL1", "DATASYMBOL2", "DATASYMBOL3",
    "DATASYMBOL4", "DATANOTECELL",
)  # fmt: skip


def _in_language(table: Grid) -> list[Keyword]:
    """The language-dependent keywords of one language's table."""
    labels = table.dimension_labels
    variables = (("option", table.options), ("segment", table.segments), ("wave", table.waves))
    found: list[Keyword] = [
        ("SUBJECT-AREA", "", _quoted(table.topic)),
        ("TITLE", "", _long(table.title)),
        ("CONTENTS", "", _long(table.question.label)),
        ("UNITS", "", _quoted(table.unit)),
        ("STUB", "", _list([labels["option"], labels["segment"]])),
        ("HEADING", "", _list([labels["wave"]])),
    ]
    found += [("VALUES", _keys([labels[n]]), _list(c.label for c in cs)) for n, cs in variables]
    waves = ",".join(_quoted(wave.code) for wave in table.waves)
    found.append(("TIMEVAL", _keys([labels["wave"]]), f"TLIST(A1),{waves}"))
    found += [("CODES", _keys([labels[n]]), _list(c.code for c in cs)) for n, cs in variables]
    if table.source:
        found.append(("SOURCE", "", _long(table.source)))
    notes = [*table.notes, *(f"{LICENCE_LABEL[table.lang]}: {url}" for url in table.licences)]
    if notes:
        found.append(("NOTE", "", _long("#".join(notes))))
    for cell in table.rows():
        if cell.note:
            keys = _keys([cell.option.label, cell.segment.label, cell.wave.label])
            found.append(("CELLNOTE", keys, _long(cell.note)))
    found += [(f"DATASYMBOL{n}", "", _quoted(text)) for n, text in SYMBOL_TEXTS.items()]
    for cell in table.rows():
        if cell.value is not None and cell.status in NOTED:
            keys = _keys([cell.option.code, cell.segment.code, cell.wave.code])
            found.append(("DATANOTECELL", keys, _quoted(cell.status)))
    return found


def _data(table: Grid) -> list[str]:
    """One record per stub row (option × segment): its cells, one per wave."""
    lines: list[str] = []
    for option in table.options:
        for segment in table.segments:
            cells = [table.cell(wave.code, option.code, segment.code) for wave in table.waves]
            lines.append(
                " ".join(
                    csv.number(cell.value) if cell.value is not None
                    else f'"{SYMBOLS.get(cell.status, SYMBOLS[None])}"'
                    for cell in cells
                )
            )  # fmt: skip
    return lines


def px_file(cube: QuestionCube, lang: str, *, links: jsonstat.Links) -> bytes:
    """The question's table (a selection from it) as a PX file, in UTF-8."""
    other = "en" if lang == "nb" else "nb"
    table, second = grid(cube, lang, links=links), grid(cube, other, links=links)
    decimals = _decimals(cell.value for cell in table.cells.values())
    records = [
        'CHARSET="ANSI";',
        'AXIS-VERSION="2013";',
        'CODEPAGE="utf-8";',
        f'LANGUAGE="{PX_LANGUAGE[lang]}";',
        f'LANGUAGES="{PX_LANGUAGE[lang]}","{PX_LANGUAGE[other]}";',
    ]
    if (created := _px_date(table.updated)) is not None:
        records.append(f'CREATION-DATE="{created}";')
    records += [
        f"DECIMALS={decimals};",
        f"SHOWDECIMALS={decimals};",
        f"MATRIX={_quoted(table.question.code)};",
        f"SUBJECT-CODE={_quoted(table.topic)};",
    ]
    if created is not None:
        records.append(f'LAST-UPDATED="{created}";')
    first, then = _in_language(table), _in_language(second)
    suffix = f"[{PX_LANGUAGE[other]}]"
    for keyword in ORDER:
        records += [f"{k}{keys}={value};" for k, keys, value in first if k == keyword]
        records += [f"{k}{suffix}{keys}={value};" for k, keys, value in then if k == keyword]
    records += ["DATA=", *_data(table)]
    records[-1] += ";"
    return (LINE.join(records) + LINE).encode()
