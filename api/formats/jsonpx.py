"""PxWebApi's `json-px`: the table as PxWeb's JSON serializer writes it.

The field names are PxWeb's (PCAxis.Query's TableResponse): `columns` (the variables,
`type` "t" for time, "d" for the others and "c" for the contents, which carries the unit
and, as its `comment`, the table's notes), `comments` (notes on values: none here),
`data` (one row per cell: its `key`, the codes of its wave, option and segment, and its
`values`) and `metadata` (`label`, `source`, `updated`, `infofile`). As in PxWeb, values
are text: the number as stored (`38.9`), or for a cell without one the symbol the PX
file gives its status (api.formats.px: `no_source`, `not_published`, `qualitative`). Our
addition, on a row whose cell is not `published`: `comments`, holding its status.
"""

from __future__ import annotations

from typing import Any

from api.formats import csv, jsonstat
from api.formats.grid import grid
from api.formats.px import SYMBOL_TEXTS, SYMBOLS
from models.records import QuestionCube
from models.statuses import FigureStatus

MEDIA_TYPE = "application/json"
EXTENSION = "px.json"
_SYMBOL_TEXT = {symbol: SYMBOL_TEXTS[len(symbol)] for symbol in SYMBOLS.values()}


def table_response(cube: QuestionCube, lang: str, *, links: jsonstat.Links) -> dict[str, Any]:
    table = grid(cube, lang, links=links)
    labels = table.dimension_labels
    columns: list[dict[str, Any]] = [
        {"code": "wave", "text": labels["wave"], "type": "t"},
        {"code": "option", "text": labels["option"], "type": "d"},
        {"code": "segment", "text": labels["segment"], "type": "d"},
        {
            "code": table.question.code,
            "text": table.question.label,
            "type": "c",
            "unit": table.unit,
        },
    ]
    if table.notes:  # what the statuses mean, and the question's note
        columns[3]["comment"] = " ".join(table.notes)
    data: list[dict[str, Any]] = []
    for wave in table.waves:
        for option in table.options:
            for segment in table.segments:
                cell = table.cell(wave.code, option.code, segment.code)
                if cell.value is not None:
                    value = csv.number(cell.value)
                else:
                    value = _SYMBOL_TEXT[SYMBOLS.get(cell.status, SYMBOLS[None])]
                key = [wave.code, option.code, segment.code]
                row: dict[str, Any] = {"key": key, "values": [value]}
                if cell.status != FigureStatus.PUBLISHED.value:
                    row["comments"] = [cell.status or _SYMBOL_TEXT[SYMBOLS[None]]]
                data.append(row)
    metadata: dict[str, Any] = {"infofile": table.documentation, "label": table.title}
    if table.updated_seconds is not None:
        metadata["updated"] = table.updated_seconds  # PxWeb's form
    if table.source is not None:
        metadata["source"] = table.source
    return {"columns": columns, "comments": [], "data": data, "metadata": [metadata]}
