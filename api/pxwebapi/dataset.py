"""JSON-stat 2.0 as PxWebApi 2 writes it, made from api.formats.jsonstat's question dataset.

What changes from /api/v1's dataset: the question dimension is the contents variable
`ContentsCode` (role metric, with its unit: per cent, and the decimals of the figures);
`category.index` is an object, as the specification's schema has it; each dimension
says whether it can be eliminated (and at which value) in its `extension`; the root
`extension.px` carries what a PX file would (decimals, contents, table id, language,
heading and stub, ...), `extension.noteMandatory` flags the notes that must be shown
(the question's note: its wording is ours, not the questionnaire's), and the
dimensions come in the order of the placement, stub first, eliminated ones left out.
Cells keep their statuses (`status`) and what /api/v1 gives of them in `extension`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import product
from typing import Any

from api.pxwebapi.codelists import Grouping
from api.pxwebapi.common import JSON
from api.pxwebapi.variables import (
    CONTENTS,
    ELIMINATION_VALUE,
    HEADING,
    STUB,
    TIME,
    eliminable,
    variable_label,
)
from models import indicators
from models.records import QuestionCube, QuestionDimensions
from models.statuses import FigureStatus

UNIT = {"nb": "prosent", "nn": "prosent", "en": "per cent"}
CELL_EXTENSIONS = ("base_n", "source", "source_published", "note")  # keyed by cell index
SHOW = "value"  # pxwebpy and PxWeb show labels unless told otherwise


def decimals(numbers: Iterable[float | None]) -> int:
    """The most decimals any of `numbers` has (0 for whole numbers)."""
    most = 0
    for number in numbers:
        if number is not None:
            text = repr(float(number))
            if "e" not in text:
                most = max(most, len(text.split(".")[1].rstrip("0")))
    return most


def _order(document: JSON, ids: Sequence[str], cell_keyed: Sequence[str]) -> None:
    """Reorder the dimensions of `document` to `ids`, leaving out those not in `ids` (each
    of size 1); values, statuses and the cell-keyed extensions follow their cells."""
    old, sizes = list(document["id"]), dict(zip(document["id"], document["size"], strict=True))
    strides: dict[str, int] = {}
    stride = 1
    for code in reversed(ids):
        strides[code] = stride
        stride *= sizes[code]
    moved = [
        sum(at * strides.get(code, 0) for code, at in zip(old, position, strict=True))
        for position in product(*(range(sizes[code]) for code in old))
    ]
    if document.get("value") is not None:
        value: list[Any] = [None] * len(moved)
        for index, new in enumerate(moved):
            value[new] = document["value"][index]
        document["value"] = value
    document["status"] = {str(moved[int(at)]): s for at, s in document.get("status", {}).items()}
    for name in cell_keyed:
        kept = document["extension"].get(name, {})
        document["extension"][name] = {str(moved[int(at)]): item for at, item in kept.items()}
    document["id"] = list(ids)
    document["size"] = [sizes[code] for code in ids]
    document["dimension"] = {code: document["dimension"][code] for code in ids}


def px_dataset(
    base: JSON,
    cube: QuestionCube,
    lang: str,
    px_lang: str,
    *,
    table: QuestionDimensions,
    stub: Sequence[str] = STUB,
    heading: Sequence[str] = HEADING,
    metadata: bool = False,
    code_lists: Sequence[JSON] = (),
    info: str | None = None,
) -> JSON:
    """`base` (jsonstat.question_dataset of `cube`) as PxWebApi writes it; `table` is the
    whole table's dimensions (what elimination is judged by). With `metadata`, no cells.
    `info` is where more is said of the table (PX's LINK)."""
    question = cube.dimensions.question
    document = dict(base)
    document["id"] = [CONTENTS if code == "question" else code for code in base["id"]]
    dimension = {
        (CONTENTS if code == "question" else code): dict(item)
        for code, item in base["dimension"].items()
    }
    figures = decimals(share.value for share in cube.table.shares)
    for code, item in dimension.items():
        index = item["category"]["index"]
        category: JSON = {
            "index": {value: at for at, value in enumerate(index)},
            "label": item["category"]["label"],
        }
        listed = list(code_lists) if code == "option" else []
        extension: JSON = {"elimination": False, "show": SHOW, "codeLists": listed}
        if code == "segment" and eliminable(table):
            extension |= {"elimination": True, "eliminationValueCode": ELIMINATION_VALUE}
        if code == CONTENTS:
            category["unit"] = {
                value: {"base": UNIT[lang], "decimals": figures} for value in category["index"]
            }
        dimension[code] = {"label": variable_label(code, lang), "category": category,
                           "extension": extension}  # fmt: skip
    document["dimension"] = dimension
    document["role"] = {"time": [TIME], "metric": [CONTENTS]}
    notes = list(base.get("note", []))
    question_note = getattr(question, f"note_{lang}")
    mandatory = {str(at): True for at, note in enumerate(notes) if note == question_note}
    waves = cube.dimensions.waves_with_figures
    extension = dict(base.get("extension", {}))
    extension["px"] = {
        "infofile": None,
        "tableid": question.code,
        "decimals": figures,
        "official-statistics": False,
        "aggregallowed": False,
        "language": px_lang,
        "contents": getattr(question, f"text_{lang}"),
        "descriptiondefault": False,
        "heading": list(heading),
        "stub": list(stub),
        "matrix": question.code,
        "subject-code": question.topic,
        "survey": question.survey,
        "link": info,
    }
    extension["px"] = {key: value for key, value in extension["px"].items() if value is not None}
    if mandatory:
        extension["noteMandatory"] = mandatory
    if waves:
        extension |= {"firstPeriod": str(waves[0]), "lastPeriod": str(waves[-1])}
    extension["discontinued"] = False
    document["extension"] = extension
    _order(document, [*stub, *heading], CELL_EXTENSIONS)
    if metadata:
        document["value"] = None
        document["status"] = {}
        for name in CELL_EXTENSIONS:
            document["extension"].pop(name, None)
    return document


def aggregate(document: JSON, cube: QuestionCube, grouping: Grouping, groups: Sequence[str],
              lang: str) -> JSON:  # fmt: skip
    """`document` with `option` replaced by the selected values of an aggregation code list:
    each cell the sum of its group's options as models.indicators computes an indicator's
    value (the parts' facts such as base_n are not carried to the sum)."""
    shares = {(str(s.wave), s.option, s.segment): s for s in cube.table.shares}
    ids, dimension = document["id"], document["dimension"]
    codes = {code: list(dimension[code]["category"]["index"]) for code in ids}
    codes["option"] = list(groups)
    value: list[float | None] = []
    status: dict[str, str] = {}
    for at, position in enumerate(product(*(codes[code] for code in ids))):
        cell = dict(zip(ids, position, strict=True))
        wave, segment = cell[TIME], cell.get("segment", ELIMINATION_VALUE)
        parts = [
            indicators.part(option, shares.get((wave, option, segment)))
            for option in grouping.options(cell["option"])
        ]
        number, reason, _rule = indicators.point_value(parts)
        value.append(number)
        if reason is not FigureStatus.PUBLISHED:
            status[str(at)] = reason.value
    option = dimension["option"]
    option["category"] = {
        "index": {code: at for at, code in enumerate(groups)},
        "label": {code: grouping.label(lang) for code in groups},
    }
    option["extension"] = {**option["extension"], "codeLists": []}
    document["size"] = [len(codes[code]) for code in ids]
    document["value"], document["status"] = value, status
    for name in CELL_EXTENSIONS:
        document["extension"][name] = {}
    figures = decimals(value)
    document["extension"]["px"]["decimals"] = figures
    for unit in dimension[CONTENTS]["category"].get("unit", {}).values():
        unit["decimals"] = figures
    return document
