"""CSV as PxWebApi 2 writes it: a pivot of the selection, the stub's values down the rows
and the heading's across the columns.

`outputFormatParams`: UseTexts (the default), UseCodes or UseCodesAndTexts for what names
values and variables; IncludeTitle for the table's title on a first line; SeparatorTab,
SeparatorSpace or SeparatorSemicolon instead of commas. A cell is its figure with the
table's decimals, or, where no figure is known, its status (`no_source`, `qualitative`,
`not_published`): the status of every cell without a value has a place here.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from itertools import product

from api.pxwebapi.common import JSON
from models.filters import InvalidFilter

NAMING = {"usecodes": "codes", "usetexts": "texts", "usecodesandtexts": "both"}
SEPARATORS = {"separatortab": "\t", "separatorspace": " ", "separatorsemicolon": ";"}
PARAMS = {
    "usecodes": "UseCodes", "usetexts": "UseTexts", "usecodesandtexts": "UseCodesAndTexts",
    "includetitle": "IncludeTitle", "separatortab": "SeparatorTab",
    "separatorspace": "SeparatorSpace", "separatorsemicolon": "SeparatorSemicolon",
}  # fmt: skip


def format_params(given: Iterable[str]) -> set[str]:
    """The `outputFormatParams` (any case, repeated or comma-separated), each checked."""
    found: set[str] = set()
    for value in given:
        for item in value.split(","):
            name = item.strip().lower()
            if name not in PARAMS:
                known = ", ".join(PARAMS.values())
                raise InvalidFilter(
                    "outputFormatParams",
                    f"outputFormatParams: {item.strip()!r} is not one of {known}",
                )
            found.add(name)
    for group in (NAMING, SEPARATORS):
        chosen = [PARAMS[name] for name in found if name in group]
        if len(chosen) > 1:
            raise InvalidFilter(
                "outputFormatParams",
                f"outputFormatParams: give one of {' and '.join(sorted(chosen))}",
            )
    return found


def _name(code: str, label: str, naming: str) -> str:
    return code if naming == "codes" else label if naming == "texts" else f"{code} {label}"


def pivot(dataset: JSON, stub: Sequence[str], heading: Sequence[str], params: set[str]) -> str:
    """The CSV of a PxWebApi dataset (api.pxwebapi.dataset) whose dimensions are `stub`
    then `heading`."""
    naming = next((NAMING[name] for name in params if name in NAMING), "texts")
    separator = next((SEPARATORS[name] for name in params if name in SEPARATORS), ",")
    dimension = dataset["dimension"]
    decimals: int = dataset["extension"]["px"]["decimals"]

    def categories(code: str) -> list[str]:
        labels = dimension[code]["category"]["label"]
        return [
            _name(value, labels[value], naming) for value in dimension[code]["category"]["index"]
        ]

    def variable(code: str) -> str:
        return _name(code, dimension[code]["label"], naming)

    rows = list(product(*(categories(code) for code in stub)))
    columns = [" ".join(names) for names in product(*(categories(code) for code in heading))]
    width = max(1, math.prod(len(dimension[code]["category"]["index"]) for code in heading))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    if "includetitle" in params:
        writer.writerow([dataset["label"]])
    writer.writerow([*(variable(code) for code in stub), *columns])
    values, status = dataset["value"], dataset["status"]
    for row_at, names in enumerate(rows):
        cells = []
        for at in range(row_at * width, (row_at + 1) * width):
            value = values[at]
            cells.append(status.get(str(at), "") if value is None else f"{value:.{decimals}f}")
        writer.writerow([*names, *cells])
    return out.getvalue()
