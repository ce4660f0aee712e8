"""JSON-stat 2.0 datasets as import input: each cell becomes a row of shares.csv.

The dataset needs the dimensions wave (years), question, option and segment (codes), in
any order; `value` as an array or an object by cell index; `status` (a string for every
cell, an array, or an object by index) with the statuses of seed/data; and the source
code of each figure in `extension.source` (one code for all, or an object by index, as
our own JSON-stat output writes it), with `extension.base_n` likewise. A null cell
without a status is no figure at all and is skipped.

JSON-stat has no room for notes in two languages, so a figure read from JSON-stat keeps
the notes and locator it already has; a new one has none.
"""

from __future__ import annotations

import json
import math
from typing import Any

from seed.issues import Issue, Row

DIMENSIONS = ("wave", "question", "option", "segment")


def read(name: str, content: bytes, issues: list[Issue]) -> list[Row]:
    def problem(where: str, found: Any, expected: str) -> list[Row]:
        shown = None if found is None else json.dumps(found, ensure_ascii=False)[:80]
        issues.append(Issue(name, None, where, shown, expected))
        return []

    try:
        dataset = json.loads(content.decode("utf-8"))
    except UnicodeDecodeError:
        return problem("", None, "JSON in UTF-8")
    except json.JSONDecodeError as error:
        issues.append(Issue(name, error.lineno, None, None, f"JSON ({error.msg})"))
        return []
    if not isinstance(dataset, dict) or dataset.get("class") != "dataset":
        return problem("class", dataset.get("class") if isinstance(dataset, dict) else dataset,
                       'a JSON-stat 2.0 dataset ("class": "dataset")')  # fmt: skip
    ids, sizes = dataset.get("id"), dataset.get("size")
    if not isinstance(ids, list) or sorted(ids) != sorted(DIMENSIONS):
        return problem("id", ids, "the dimensions " + ", ".join(DIMENSIONS))
    if not isinstance(sizes, list) or len(sizes) != len(ids):
        return problem("size", sizes, f"{len(ids)} sizes, one per dimension")
    codes: dict[str, list[str]] = {}
    for id_, size in zip(ids, sizes, strict=True):
        index = dataset.get("dimension", {}).get(id_, {}).get("category", {}).get("index")
        if isinstance(index, dict):
            index = sorted(index, key=index.__getitem__)
        if not isinstance(index, list) or len(index) != size:
            return problem(f"dimension.{id_}.category.index", index, f"{size} category codes")
        codes[id_] = [str(code) for code in index]
    count = math.prod(sizes)
    values = _by_index(dataset.get("value"), count)
    statuses = _by_index(dataset.get("status"), count)
    extension = dataset.get("extension") or {}
    sources = _by_index(extension.get("source"), count)
    base_ns = _by_index(extension.get("base_n"), count)
    if values is None:
        return problem("value", dataset.get("value"), f"an array of {count} values or an object")

    rows: list[Row] = []
    for index in range(count):
        value = values.get(index)
        status = statuses.get(index) if statuses else None
        if value is None and status is None:
            continue  # no figure in this cell
        cell: dict[str, str] = {}
        rest = index
        for id_, size in reversed(list(zip(ids, sizes, strict=True))):
            rest, position = divmod(rest, size)
            cell[id_] = codes[id_][position]
        base_n = base_ns.get(index) if base_ns else None
        source = sources.get(index) if sources else None
        rows.append(
            Row(
                name,
                index,
                {
                    "survey": "",
                    "wave": cell["wave"],
                    "question": cell["question"],
                    "option": cell["option"],
                    "segment": cell["segment"],
                    "value": "" if value is None else str(value),
                    "status": str(status or "published"),
                    "source": "" if source is None else str(source),
                    "base_n": "" if base_n is None else str(base_n),
                },
            )
        )
    return rows


def _by_index(field: Any, count: int) -> dict[int, Any] | None:
    """A JSON-stat value, status or extension field as {cell index: item}."""
    if field is None:
        return None
    if isinstance(field, list):
        return dict(enumerate(field))
    if isinstance(field, dict):
        return {int(key): item for key, item in field.items() if str(key).isdigit()}
    return dict.fromkeys(range(count), field)  # one item for every cell
