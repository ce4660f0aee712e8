"""JSON-stat 2.0 datasets as import input: each cell becomes a row of shares.csv.

The dataset needs the dimensions wave (years), question, option and segment (codes), in
any order; `value` as an array or an object by cell index; `status` (a string for every
cell, an array, or an object by index) with the statuses of seed/data (a cell our own
output marks `no_source` is no figure, as a null cell without a status); and the source
code of each figure in `extension.source` (one code for all, or an object by index, as
our own JSON-stat output writes it), with `extension.base_n` likewise. A null cell
without a status is no figure at all and is skipped.

JSON-stat has no room for notes in two languages, so a figure read from JSON-stat keeps
the notes and locators it already has; a new one has none.

Every part is checked for its shape before it is used, and the cells the sizes declare
count against the package's rows before any is made: a malformed dataset is an issue
naming the part (as the column), never an error of the reader.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from collections.abc import Callable
from itertools import islice
from typing import Any, TypeGuard

import orjson

from models.changes import counted
from seed.issues import Issue, Row
from seed.limits import Budget

DIMENSIONS = ("wave", "question", "option", "segment")
CELL_INDEX = re.compile(r"[0-9]{1,18}")  # ASCII digits only: int() reads other digits too

Cells = Callable[[int], Any]  # a value, status or extension field: cell index -> item


class _Malformed(Exception):
    """A part of the dataset that is not as JSON-stat says: where, what, what was expected."""

    def __init__(self, where: str | None, found: Any, expected: str) -> None:
        self.where, self.found, self.expected = where, found, expected


def read(name: str, content: bytes, issues: list[Issue], rows: Budget) -> list[Row]:
    try:
        # orjson refuses, with its place, what Python's json lets through to fail later: a
        # lone surrogate (text no report can be written in), an integer too long for int(),
        # nesting over 1,024 levels deep. An integer over 64 bits is read as a float.
        dataset = orjson.loads(content.removeprefix(codecs.BOM_UTF8))
    except orjson.JSONDecodeError as error:
        issues.append(_not_json(name, content, error))
        return []
    try:
        return _cells(name, dataset, rows)
    except _Malformed as malformed:
        issues.append(
            Issue(name, None, malformed.where, _shown(malformed.found), malformed.expected)
        )
        return []


def _not_json(name: str, content: bytes, error: orjson.JSONDecodeError) -> Issue:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as undecodable:
        line = content.count(b"\n", 0, undecodable.start) + 1
        return Issue(name, line, None, None, "JSON in UTF-8")
    where = f"at character {error.colno} of the line"
    return Issue(name, error.lineno, None, None, f"JSON ({error.msg}, {where})")


def _cells(name: str, dataset: Any, rows: Budget) -> list[Row]:
    if not isinstance(dataset, dict):
        raise _Malformed(None, dataset, 'a JSON-stat 2.0 dataset (an object, "class": "dataset")')
    if dataset.get("class") != "dataset":
        raise _Malformed(
            "class", dataset.get("class"), 'a JSON-stat 2.0 dataset ("class": "dataset")'
        )
    ids, sizes = dataset.get("id"), dataset.get("size")
    if not _list_of(ids, str) or sorted(ids) != sorted(DIMENSIONS):
        raise _Malformed("id", ids, "the dimensions " + ", ".join(DIMENSIONS))
    if not _list_of(sizes, int) or len(sizes) != len(ids) or min(sizes) < 1:
        raise _Malformed(
            "size", sizes, f"{counted(len(ids), 'whole number')} of at least 1, one per dimension"
        )
    count = math.prod(sizes)
    if not rows.take(count):
        expected = f"at most {rows.limit:,} cells (CSV rows and JSON-stat cells)"
        raise _Malformed("size", sizes, expected)
    dimensions = _object(dataset, "dimension")
    codes = [_codes(dimensions, id_, size) for id_, size in zip(ids, sizes, strict=True)]
    if dataset.get("value") is None:
        expected = f"an array of {counted(count, 'value')} or an object by cell index"
        raise _Malformed("value", None, expected)
    values = _by_index(dataset.get("value"), count, "value", scalar=False)
    statuses = _by_index(dataset.get("status"), count, "status", scalar=True)
    extension = _object(dataset, "extension", missing_ok=True)
    sources = _by_index(extension.get("source"), count, "extension.source", scalar=True)
    base_ns = _by_index(extension.get("base_n"), count, "extension.base_n", scalar=True)

    found: list[Row] = []
    axes = list(zip(ids, sizes, codes, strict=True))[::-1]  # the last varies fastest
    for index in range(count):
        value, status = values(index), statuses(index)
        if value is None and status in (None, "no_source"):
            continue  # no figure in this cell: no source reports it
        cell: dict[str, str] = {}
        rest = index
        for id_, size, dimension in axes:
            rest, position = divmod(rest, size)
            cell[id_] = dimension[position]
        source, base_n = sources(index), base_ns(index)
        values_of_row = {
            "survey": "",
            "wave": cell["wave"],
            "question": cell["question"],
            "option": cell["option"],
            "segment": cell["segment"],
            "value": _text(value),
            "status": _text(status) or "published",
            "source": _text(source),
            "base_n": _text(base_n),
        }
        found.append(Row(name, index, values_of_row))
    return found


def _list_of(items: object, kind: type) -> TypeGuard[list[Any]]:
    """A non-empty list of `kind` (True and False are no whole numbers here)."""
    return (
        isinstance(items, list)
        and bool(items)
        and all(isinstance(item, kind) and not isinstance(item, bool) for item in items)
    )


def _object(parent: dict[str, Any], key: str, *, missing_ok: bool = False) -> dict[str, Any]:
    found = parent.get(key)
    if found is None and missing_ok:
        return {}
    if not isinstance(found, dict):
        raise _Malformed(key, found, "an object")
    return found


def _codes(dimensions: dict[str, Any], id_: str, size: int) -> list[str]:
    """A dimension's category codes in index order."""
    where = f"dimension.{id_}.category.index"
    dimension = dimensions.get(id_)
    category = dimension.get("category") if isinstance(dimension, dict) else None
    index = category.get("index") if isinstance(category, dict) else None
    expected = f"{size} category codes: an array, or an object of positions 0 to {size - 1}"
    if isinstance(index, dict):
        positions = list(index.values())
        if not _list_of(positions, int) or sorted(positions) != list(range(size)):
            raise _Malformed(where, index, expected)
        index = sorted(index, key=index.__getitem__)
    if not isinstance(index, list) or len(index) != size:
        raise _Malformed(where, index, expected)
    if not all(isinstance(code, (str, int)) and not isinstance(code, bool) for code in index):
        raise _Malformed(where, index, f"{size} category codes, each a string or a whole number")
    return [str(code) for code in index]


def _by_index(field: Any, count: int, where: str, *, scalar: bool) -> Cells:
    """A value, status or extension field as a lookup by cell index; missing is None."""
    if field is None:
        return lambda index: None
    if isinstance(field, list):
        if len(field) != count:
            raise _Malformed(where, field, f"an array of {counted(count, 'item')}, one per cell")
        return field.__getitem__
    if isinstance(field, dict):
        by_index: dict[int, Any] = {}
        for key, item in field.items():
            if not CELL_INDEX.fullmatch(key) or int(key) >= count:
                raise _Malformed(where, key, f"cell indexes from 0 to {count - 1}")
            by_index[int(key)] = item
        return by_index.get
    if scalar and not isinstance(field, (dict, list)):
        return lambda index: field  # one item for every cell
    expected = f"an array of {counted(count, 'item')} or an object by cell index"
    raise _Malformed(where, field, expected)


def _text(item: Any) -> str:
    """An item of a cell as the text a CSV cell would hold; the checks judge it."""
    if item is None:
        return ""
    if isinstance(item, (list, dict)):
        return _shown(item) or ""  # never a number: the checks say what was expected
    return str(item)


def _shown(found: Any) -> str | None:
    """A short piece of what was found, for the issue (containers cut before dumping)."""
    if found is None:
        return None
    if isinstance(found, list):
        found = found[:10]
    elif isinstance(found, dict):
        found = dict(islice(found.items(), 10))
    try:
        return json.dumps(found, ensure_ascii=False)[:80]
    except (RecursionError, ValueError):
        return type(found).__name__
