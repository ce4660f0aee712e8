"""A table's metadata as json-px: PxWebApi's TableMetadataResponse, from its JSON-stat.

The same variables, values, notes, code lists and elimination as the JSON-stat metadata
(api.pxwebapi.dataset), laid out as PxWebApi's own server maps a table's metadata: a list
of variables, each typed (TimeVariable, ContentsVariable, RegularVariable) with its
values as code and label.
"""

from __future__ import annotations

from typing import Any

from api.pxwebapi.variables import CONTENTS, TIME

JSON = dict[str, Any]


def _values(dimension: JSON) -> list[JSON]:
    labels = dimension["category"]["label"]
    index = dimension["category"]["index"]
    ordered = sorted(index, key=index.__getitem__) if isinstance(index, dict) else index
    return [{"code": code, "label": labels[code]} for code in ordered]


def _variable(code: str, dimension: JSON, document: JSON) -> JSON:
    variable: JSON = {"id": code, "label": dimension["label"], "values": _values(dimension)}
    extension = dimension.get("extension", {})
    if code == TIME:
        root = document.get("extension", {})
        return variable | {
            "type": "TimeVariable",
            "timeUnit": "Annual",
            "firstPeriod": root.get("firstPeriod"),
            "lastPeriod": root.get("lastPeriod"),
        }
    if code == CONTENTS:
        units = dimension["category"].get("unit", {})
        for value in variable["values"]:
            unit = units.get(value["code"], {})
            value |= {"unit": unit.get("base"), "preferedNumberOfDecimals": unit.get("decimals")}
        return variable | {"type": "ContentsVariable"}
    variable |= {"type": "RegularVariable", "elimination": extension.get("elimination", False)}
    if "eliminationValueCode" in extension:
        variable["eliminationValueCode"] = extension["eliminationValueCode"]
    variable["codeLists"] = extension.get("codeLists", [])
    return variable


def _licence(document: JSON) -> str | None:
    found: list[JSON] = document.get("link", {}).get("license", [])
    return str(found[0]["href"]) if found else None


def table_metadata(document: JSON, table_id: str, px_lang: str, links: list[JSON]) -> JSON:
    """The TableMetadataResponse of a table whose JSON-stat metadata is `document`."""
    extension = document.get("extension", {})
    px = extension.get("px", {})
    mandatory = extension.get("noteMandatory", {})
    notes = [
        {"mandatory": bool(mandatory.get(str(at), False)), "text": text}
        for at, text in enumerate(document.get("note", []))
    ]
    return {
        "language": px_lang,
        "id": table_id,
        "label": document["label"],
        "description": px.get("contents", document["label"]),
        "aggregationAllowed": bool(px.get("aggregallowed", False)),
        "officialStatistics": bool(px.get("official-statistics", False)),
        "subjectCode": px.get("subject-code"),
        "source": document.get("source"),
        "licence": _licence(document),
        "updated": document.get("updated"),
        "discontinued": bool(extension.get("discontinued", False)),
        "notes": notes,
        "contacts": [],
        "variables": [
            _variable(code, document["dimension"][code], document) for code in document["id"]
        ],
        "links": links,
    }
