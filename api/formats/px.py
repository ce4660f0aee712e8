"""The PX file format (PC-Axis, Statistics Sweden's PX file format 2013) of a question's table.

One file holds the table in two languages: LANGUAGE is the one asked for, LANGUAGES
names both (`no` for bokmål, as Statistics Norway writes it, `nn` for nynorsk, and `en`;
the second is English, or bokmål beside English), and each language-dependent keyword
follows its default with a `[en]` or `[no]` variant. The
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
from collections.abc import Callable, Iterable, Sequence

from api.formats import csv, jsonstat
from api.formats.grid import LICENCE_LABEL, Grid, grid
from models.records import QuestionCube
from models.statuses import FigureStatus

MEDIA_TYPE = "text/plain; charset=utf-8"  # PX is text; its CODEPAGE says UTF-8 too
EXTENSION = "px"
PX_LANGUAGE = {"nb": "no", "nn": "nn", "en": "en"}
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


def _long(value: str, room: int) -> str:
    """A text in records of at most MAX_LINE characters, the first `room` long (after its
    keyword); PX joins them back."""
    text, chunks = _text(value), list[str]()
    width = max(room, 3) - 2
    while text or not chunks:
        chunks.append(text[:width])
        text, width = text[width:], MAX_LINE - 3  # the quotes, and the last one's ";"
    return LINE.join(f'"{chunk}"' for chunk in chunks)


def _list(values: Iterable[str], room: int) -> str:
    """Quoted items, comma-separated, a new record after a comma when a line would grow
    longer than MAX_LINE (the first, after its keyword, longer than `room`)."""
    lines: list[str] = []
    line, width = "", room
    for item in (_quoted(value) for value in values):
        if line and len(line) + len(item) + 2 > width:  # its comma, and a ";" or ","
            lines.append(line + ",")
            line, width = item, MAX_LINE
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


# The language-dependent keywords, in the order of the specification's recommendation.
ORDER = (
    "SUBJECT-AREA", "TITLE", "CONTENTS", "UNITS", "STUB", "HEADING", "VALUES", "TIMEVAL",
    "CODES", "SOURCE", "NOTE", "CELLNOTE", "DATASYMBOL1", "DATASYMBOL2", "DATASYMBOL3",
    "DATASYMBOL4", "DATANOTECELL",
)  # fmt: skip


def _in_language(table: Grid, language: str) -> list[tuple[str, str]]:
    """The language-dependent keywords of one language's table, as (keyword, record);
    `language` is "" for the file's default language, else "[en]" or "[no]"."""
    found: list[tuple[str, str]] = []

    def add(keyword: str, keys: str, value: Callable[[int], str]) -> None:
        head = f"{keyword}{language}{keys}="
        found.append((keyword, f"{head}{value(MAX_LINE - len(head))};"))

    def text(value: str) -> Callable[[int], str]:
        return lambda room: _long(value, room)

    def items(values: Iterable[str]) -> Callable[[int], str]:
        listed = list(values)
        return lambda room: _list(listed, room)

    labels = table.dimension_labels
    variables = (("option", table.options), ("segment", table.segments), ("wave", table.waves))
    add("SUBJECT-AREA", "", text(table.topic))
    add("TITLE", "", text(table.title))
    add("CONTENTS", "", text(table.question.label))
    add("UNITS", "", text(table.unit))
    add("STUB", "", items([labels["option"], labels["segment"]]))
    add("HEADING", "", items([labels["wave"]]))
    for name, categories in variables:
        add("VALUES", _keys([labels[name]]), items(c.label for c in categories))
    waves = [wave.code for wave in table.waves]
    add("TIMEVAL", _keys([labels["wave"]]), lambda room: "TLIST(A1)," + _list(waves, room - 10))
    for name, categories in variables:
        add("CODES", _keys([labels[name]]), items(c.code for c in categories))
    if table.source:
        add("SOURCE", "", text(table.source))
    notes = [*table.notes, *(f"{LICENCE_LABEL[table.lang]}: {url}" for url in table.licences)]
    if notes:
        add("NOTE", "", text("#".join(notes)))
    for cell in table.rows():
        if cell.note:
            add("CELLNOTE", _keys([cell.option.label, cell.segment.label, cell.wave.label]),
                text(cell.note))  # fmt: skip
    for n, symbol in SYMBOL_TEXTS.items():
        add(f"DATASYMBOL{n}", "", text(symbol))
    for cell in table.rows():
        if cell.value is not None and cell.status in NOTED:
            add("DATANOTECELL", _keys([cell.option.code, cell.segment.code, cell.wave.code]),
                text(cell.status))  # fmt: skip
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
    other = "nb" if lang == "en" else "en"  # nynorsk's second language is English
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
    first, then = _in_language(table, ""), _in_language(second, f"[{PX_LANGUAGE[other]}]")
    for keyword in ORDER:
        records += [record for name, record in first if name == keyword]
        records += [record for name, record in then if name == keyword]
    records += ["DATA=", *_data(table)]
    records[-1] += ";"
    return (LINE.join(records) + LINE).encode()
