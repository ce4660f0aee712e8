"""The response schemas of PxWebApi 2, for checking what /api/pxwebapi/v2 answers.

Written for these tests from the PxWebApi 2 OpenAPI description, `PxAPI-2.yml` in the
public repository PxTools/PxApiSpecs (https://github.com/PxTools/PxApiSpecs), at commit
2028b3f6a3afac878e4566b900d17e90114472ef. The file itself is not copied here: these are
its response schemas restated by hand, without its descriptions and examples. The
repository, as we could read it, carries no licence file; the names and structure below
are those an implementation must use to be compatible with the specification.

The schemas keep the specification's OpenAPI 3.0 dialect (`nullable`, a boolean
`exclusiveMaximum`); `validate` turns them into JSON Schema 2020-12 first, as OpenAPI 3.1
would write them. One deliberate difference: the specification gives `updated` both
`format: date-time` and a pattern that only a date (2024-01-31) matches, and PxWebApi
itself serves date-times (2024-01-31T07:00:00Z); both forms are accepted here. And a
variable's selection must have `valueCodes`, where the specification requires a `values`
it declares nowhere (see VariableSelection). Formats
(`uri`, `date-time`) are annotations, as JSON Schema has them by default: our problems'
`type` and `instance` are relative references, which RFC 9457 allows.
"""

from __future__ import annotations

import copy
from typing import Any

from jsonschema import Draft202012Validator

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(items: Schema, **more: Any) -> Schema:
    return {"type": "array", "items": items, **more}


_STRING: Schema = {"type": "string"}
_DATE = r"^((19|20)\d\d)\-(0?[1-9]|1[012])\-(0?[1-9]|[12][0-9]|3[01])$"
# RFC 3339 date-time, as PxWebApi writes `updated` (see the module's docstring).
_DATE_TIME = (
    r"^((19|20)\d\d)-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$"
)
_UPDATED: Schema = {"type": "string", "anyOf": [{"pattern": _DATE}, {"pattern": _DATE_TIME}]}

# components.schemas of PxAPI-2.yml: the ones the responses use.
SCHEMAS: dict[str, Schema] = {
    "OutputFormatType": {
        "type": "string",
        "enum": ["px", "json-stat2", "csv", "xlsx", "html", "json-px", "parquet"],
    },
    "OutputFormatParamType": {
        "type": "string",
        "enum": [
            "UseCodes",
            "UseTexts",
            "UseCodesAndTexts",
            "IncludeTitle",
            "SeparatorTab",
            "SeparatorSpace",
            "SeparatorSemicolon",
        ],
    },
    "SavedQuery": {
        "type": "object",
        "required": ["selection", "language", "tableId"],
        "properties": {
            "id": _STRING,
            "selection": _ref("VariablesSelection"),
            "language": _STRING,
            "tableId": _STRING,
            "outputFormat": _ref("OutputFormatType"),
            "outputFormatParams": _array(_ref("OutputFormatParamType")),
        },
    },
    "VariablesSelection": {
        "type": "object",
        "required": ["selection"],
        "properties": {
            "selection": _array(_ref("VariableSelection")),
            "placement": _ref("VariablePlacementType"),
        },
    },
    "VariablePlacementType": {
        "type": "object",
        "properties": {"heading": _array(_STRING), "stub": _array(_STRING)},
    },
    "SelectionResponse": {
        "allOf": [_ref("VariablesSelection")],
        "type": "object",
        "required": ["language", "links"],
        "properties": {"language": _STRING, "links": _array(_ref("Link"))},
    },
    "VariableSelection": {
        "type": "object",
        # The specification requires "values", a name none of its properties has: the
        # property is valueCodes, and that is what PxWebApi serves and is required here.
        "required": ["variableCode", "valueCodes"],
        "properties": {
            "variableCode": _STRING,
            "codeList": {"type": "string", "nullable": True},
            "valueCodes": _array(_STRING),
        },
    },
    "ConfigResponse": {
        "type": "object",
        "required": [
            "apiVersion",
            "appVersion",
            "languages",
            "defaultLanguage",
            "maxDataCells",
            "maxCallsPerTimeWindow",
            "timeWindow",
            "license",
            "defaultDataFormat",
            "dataFormats",
        ],
        "properties": {
            "apiVersion": _STRING,
            "appVersion": _STRING,
            "languages": _array(_ref("Language")),
            "defaultLanguage": _STRING,
            "maxDataCells": {"type": "integer", "minimum": 0},
            "maxCallsPerTimeWindow": {"type": "integer", "minimum": 1},
            "timeWindow": {"type": "integer", "minimum": 1},
            "license": _STRING,
            "sourceReferences": _array(_ref("SourceReference")),
            "defaultDataFormat": _STRING,
            "dataFormats": _array(_STRING),
            "features": _array(_ref("ApiFeature")),
        },
    },
    "Language": {
        "type": "object",
        "required": ["id", "label"],
        "properties": {"id": _STRING, "label": _STRING},
    },
    "SourceReference": {
        "type": "object",
        "required": ["language", "text"],
        "properties": {"language": _STRING, "text": _STRING},
    },
    "ApiFeature": {
        "type": "object",
        "required": ["id"],
        "properties": {"id": _STRING, "params": _array(_ref("KeyValuePair"))},
    },
    "KeyValuePair": {
        "type": "object",
        "required": ["key", "value"],
        "properties": {"key": _STRING, "value": _STRING},
    },
    "FolderContentItemTypeEnum": {
        "type": "string",
        "enum": ["Heading", "FolderInformation", "Table"],
    },
    "FolderContentItem": {
        "type": "object",
        "required": ["type", "id", "label"],
        "properties": {
            "type": _ref("FolderContentItemTypeEnum"),
            "id": _STRING,
            "label": {"type": "string", "nullable": True},
            "description": {"type": "string", "nullable": True},
            "sortCode": _STRING,
        },
    },
    "TableResponse": {
        "allOf": [_ref("Table")],
        "required": ["language"],
        "properties": {"language": _STRING},
    },
    "PathElement": {
        "type": "object",
        "required": ["id", "label"],
        "properties": {"id": _STRING, "label": _STRING},
    },
    "Table": {
        "allOf": [_ref("FolderContentItem")],
        "type": "object",
        "required": ["updated", "firstPeriod", "lastPeriod", "variableNames", "links"],
        "properties": {
            "tags": _array(_STRING),
            "updated": {**_UPDATED, "nullable": True},
            "firstPeriod": {"type": "string", "nullable": True},
            "lastPeriod": {"type": "string", "nullable": True},
            "category": {"type": "string", "enum": ["internal", "public", "private", "section"]},
            "variableNames": _array(_STRING),
            "discontinued": _ref("Discontinued"),
            "source": _STRING,
            "subjectCode": _STRING,
            "timeUnit": _ref("TimeUnit"),
            "paths": _array(_array(_ref("PathElement"))),
            "links": {**_array(_ref("Link")), "nullable": True},
        },
    },
    "Discontinued": {"type": "boolean", "nullable": True},
    "PageInfo": {
        "type": "object",
        "required": ["pageNumber", "pageSize", "totalElements", "totalPages"],
        "properties": {
            "pageNumber": {"type": "integer", "minimum": 1},
            "pageSize": {"type": "integer", "minimum": 1},
            "totalElements": {"type": "integer", "minimum": 0},
            "totalPages": {"type": "integer", "minimum": 1},
            "links": _array(_ref("Link")),
        },
    },
    "TablesResponse": {
        "type": "object",
        "required": ["language", "tables", "page"],
        "properties": {
            "language": _STRING,
            "tables": _array(_ref("Table")),
            "page": _ref("PageInfo"),
            "links": _array(_ref("Link")),
        },
    },
    "Note": {
        "type": "object",
        "required": ["text"],
        "properties": {"mandatory": {"type": "boolean"}, "text": _STRING},
    },
    "CodeListInformation": {
        "type": "object",
        "required": ["id", "label", "type", "links"],
        "properties": {
            "id": _STRING,
            "label": _STRING,
            "type": _ref("CodeListType"),
            "links": _array(_ref("Link")),
        },
    },
    "Contact": {
        "type": "object",
        "required": ["raw"],
        "properties": {
            "name": _STRING,
            "organization": _STRING,
            "phone": _STRING,
            "mail": _STRING,
            "raw": _STRING,
        },
    },
    "CodeListType": {"type": "string", "enum": ["Aggregation", "Valueset"]},
    "CodeListResponse": {
        "type": "object",
        "required": ["id", "label", "language", "languages", "type", "values", "links"],
        "properties": {
            "id": _STRING,
            "label": _STRING,
            "language": _STRING,
            "languages": _array(_STRING),
            "elimination": {"type": "boolean"},
            "eliminationValueCode": _STRING,
            "type": _ref("CodeListType"),
            "values": _array(_ref("ValueMap")),
            "links": _array(_ref("Link")),
        },
    },
    "ValueMap": {
        "type": "object",
        "required": ["code", "label", "valueMap"],
        "properties": {
            "code": _STRING,
            "label": _STRING,
            "valueMap": _array(_STRING),
            "notes": _array(_ref("Note")),
        },
    },
    "Link": {
        "type": "object",
        "required": ["rel", "hreflang", "href"],
        "properties": {"rel": _STRING, "hreflang": _STRING, "href": _STRING},
    },
    "Problem": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "format": "uri"},
            "title": _STRING,
            "status": {
                "type": "integer",
                "minimum": 100,
                "maximum": 600,
                "exclusiveMaximum": True,
            },
            "detail": _STRING,
            "instance": {"type": "string", "format": "uri"},
        },
    },
    # JSON-stat 2.0, with the extensions PxWebApi puts in it.
    "strarray": {"type": "array", "items": _STRING, "uniqueItems": True},
    "updated": _UPDATED,
    "href": {"type": "string", "format": "uri"},
    "label": _STRING,
    "source": _STRING,
    "extension-root": {
        "type": "object",
        "properties": {
            "noteMandatory": _ref("jsonstat-noteMandatory"),
            "px": {
                "type": "object",
                "properties": {
                    "infofile": _STRING,
                    "tableid": _STRING,
                    "decimals": {"type": "integer"},
                    "official-statistics": {"type": "boolean"},
                    "aggregallowed": {"type": "boolean"},
                    "copyright": {"type": "boolean"},
                    "language": _STRING,
                    "contents": _STRING,
                    "description": _STRING,
                    "descriptiondefault": {"type": "boolean"},
                    "heading": _array(_STRING),
                    "stub": _array(_STRING),
                    "matrix": _STRING,
                    "subject-code": _STRING,
                    "subject-area": _STRING,
                    "nextUpdate": _ref("updated"),
                    "survey": _STRING,
                    "link": _STRING,
                    "updateFrequency": _STRING,
                },
            },
            "firstPeriod": _STRING,
            "lastPeriod": _STRING,
            "tags": _array(_STRING),
            "discontinued": _ref("Discontinued"),
            "contact": _array(_ref("Contact")),
        },
    },
    "extension-dimension": {
        "type": "object",
        "properties": {
            "elimination": {"type": "boolean"},
            "eliminationValueCode": _STRING,
            "noteMandatory": _ref("jsonstat-noteMandatory"),
            "categoryNoteMandatory": {
                "type": "object",
                "additionalProperties": _ref("jsonstat-noteMandatory"),
            },
            "refperiod": {"type": "object", "additionalProperties": _STRING},
            "show": _STRING,
            "codeLists": _ref("CodeLists"),
            "measuringType": {"type": "object", "additionalProperties": _ref("MeasuringType")},
            "priceType": {"type": "object", "additionalProperties": _ref("PriceType")},
            "adjustment": {"type": "object", "additionalProperties": _ref("Adjustment")},
            "basePeriod": {"type": "object", "additionalProperties": _ref("BasePeriod")},
        },
    },
    "strarray-by-str-dict": {
        "type": "object",
        "additionalProperties": {"type": "array", "items": _STRING, "uniqueItems": True},
    },
    "jsonstat-link": {
        "type": "object",
        "additionalProperties": _array(
            {
                "type": "object",
                "properties": {"type": _STRING, "href": _ref("href")},
                "additionalProperties": False,
            }
        ),
    },
    "jsonstat-extension-link": {
        "type": "object",
        "properties": {
            "describedby": _array(
                {
                    "type": "object",
                    "properties": {
                        "extension": {"type": "object", "additionalProperties": _STRING}
                    },
                    "additionalProperties": False,
                }
            )
        },
        "additionalProperties": False,
    },
    "jsonstat-note": _array(_STRING),
    "jsonstat-noteMandatory": {"type": "object", "additionalProperties": {"type": "boolean"}},
    "jsonstat-category": {
        "type": "object",
        "properties": {
            "index": {"type": "object", "additionalProperties": {"type": "integer"}},
            "label": {"type": "object", "minProperties": 1, "additionalProperties": _STRING},
            "note": {"type": "object", "additionalProperties": _ref("jsonstat-note")},
            "child": _ref("strarray-by-str-dict"),
            "unit": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "properties": {"base": _STRING, "decimals": {"type": "integer"}},
                },
            },
        },
        "additionalProperties": False,
    },
    "Role": {
        "type": "object",
        "properties": {
            "time": _ref("strarray"),
            "geo": _ref("strarray"),
            "metric": _ref("strarray"),
        },
        "additionalProperties": False,
    },
    "Dimension": {
        "type": "object",
        "additionalProperties": {
            "type": "object",
            "properties": {
                "label": _ref("label"),
                "note": _ref("jsonstat-note"),
                "category": _ref("jsonstat-category"),
                "extension": _ref("extension-dimension"),
                "link": _ref("jsonstat-extension-link"),
            },
            "additionalProperties": False,
        },
    },
    "CodeLists": _array(_ref("CodeListInformation")),
    "Adjustment": {"type": "string", "enum": ["None", "SesOnly", "WorkOnly", "WorkAndSes"]},
    "PriceType": {"type": "string", "enum": ["NotApplicable", "Current", "Fixed"]},
    "MeasuringType": {"type": "string", "enum": ["Stock", "Flow", "Average", "Other"]},
    "TimeUnit": {
        "type": "string",
        "enum": ["Annual", "Quarterly", "Monthly", "Weekly", "Other"],
    },
    "BasePeriod": _STRING,
    "Dataset": {
        "type": "object",
        "properties": {
            "version": {"type": "string", "enum": ["2.0"]},
            "class": _ref("ClassType"),
            "href": _ref("href"),
            "label": _ref("label"),
            "source": _ref("source"),
            "updated": _ref("updated"),
            "link": _ref("jsonstat-link"),
            "note": _ref("jsonstat-note"),
            "role": _ref("Role"),
            "id": _ref("strarray"),
            "size": _array({"type": "integer"}),
            "dimension": _ref("Dimension"),
            "extension": _ref("extension-root"),
            "value": {**_array({"type": "number", "nullable": True}), "nullable": True},
            "status": {"type": "object", "additionalProperties": _STRING},
        },
        "additionalProperties": False,
        "required": ["version", "class", "value", "id", "size", "dimension"],
    },
    "ClassType": {"type": "string", "enum": ["dataset"]},
}

# What each route answers with (200 or 201), by the specification's schema name.
RESPONSES = {
    "ConfigResponse": "GET /config",
    "TablesResponse": "GET /tables",
    "TableResponse": "GET /tables/{id}",
    "Dataset": "GET /tables/{id}/metadata, and data as json-stat2",
    "SelectionResponse": "GET /tables/{id}/defaultselection",
    "CodeListResponse": "GET /codelists/{id}",
    "SavedQuery": "POST /savedqueries, GET /savedqueries/{id}",
    "Problem": "every 4xx, as application/problem+json",
}
# The specification answers saved queries with SavedQuery itself; the name we use for it.
ALIASES = {"SavedQueryResponse": "SavedQuery"}


def to_json_schema(schema: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema 2020-12: `nullable: true` adds "null" to the
    type (and to an enum), a boolean `exclusiveMaximum` becomes the bound itself, and
    references point into `$defs`."""
    if isinstance(schema, list):
        return [to_json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {key: to_json_schema(value) for key, value in schema.items()}
    if converted.pop("nullable", False):
        if {"$ref", "allOf", "anyOf"} & converted.keys():
            # "null", or anything else that matches the schema as it is.
            converted = {"anyOf": [{"type": "null"}, converted]}
        else:
            if isinstance(converted.get("type"), str):
                converted["type"] = [converted["type"], "null"]
            if "enum" in converted:
                converted["enum"] = [*converted["enum"], None]
    for bound in ("Maximum", "Minimum"):
        exclusive = f"exclusive{bound}"
        if converted.get(exclusive) is True:
            converted[exclusive] = converted.pop(bound.lower())
        elif converted.get(exclusive) is False:
            del converted[exclusive]
    ref = converted.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        converted["$ref"] = "#/$defs/" + ref.removeprefix("#/components/schemas/")
    return converted


_DEFS = {name: to_json_schema(copy.deepcopy(schema)) for name, schema in SCHEMAS.items()}
_VALIDATORS: dict[str, Draft202012Validator] = {}


def validator(name: str) -> Draft202012Validator:
    name = ALIASES.get(name, name)
    if name not in SCHEMAS:
        raise KeyError(f"{name} is not a schema here; known: {', '.join(sorted(SCHEMAS))}")
    if name not in _VALIDATORS:
        schema = {"$defs": _DEFS, "$ref": f"#/$defs/{name}"}
        Draft202012Validator.check_schema(schema)
        _VALIDATORS[name] = Draft202012Validator(schema)
    return _VALIDATORS[name]


def errors(name: str, body: Any) -> list[str]:
    """Where `body` breaks schema `name`, one line per error; empty when it is valid."""
    found = sorted(validator(name).iter_errors(body), key=lambda error: list(error.path))
    return [f"{'/'.join(map(str, error.path)) or '(root)'}: {error.message}" for error in found]


def validate(name: str, body: Any) -> None:
    """Raise AssertionError naming every place `body` breaks the specification's `name`."""
    found = errors(name, body)
    assert not found, f"{name}: {len(found)} error(s):\n" + "\n".join(found[:20])
