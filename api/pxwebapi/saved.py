"""PxWebApi 2 saved queries: POST /savedqueries keeps a selection from a table, GET
/savedqueries/{id} gives it back, GET /savedqueries/{id}/data runs it.

A query is checked as a data request is before it is kept (the table, the selection,
the format), so that a kept query runs; it runs on the figures served when it runs. It
is stored in the database (models.saved_queries): where the server's database role may
not write, saving is a 503 as an import is.
"""

from __future__ import annotations

import datetime as dt
import uuid

import orjson
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from api import languages
from api.problems import Problem, log_fault
from api.pxwebapi import data, outputs, pivot
from api.pxwebapi.common import JSON, PxParams, pxwebapi_errors
from api.responses import JSONResponse
from models import read
from models.faults import fault
from models.filters import InvalidFilter
from models.saved_queries import save_query


def _document(record: read.SavedQueryRecord) -> JSON:
    return {
        "id": record.id,
        "tableId": record.table_id,
        "language": record.language,
        "selection": orjson.loads(record.selection),
        "outputFormat": record.output_format,
        "outputFormatParams": [pivot.PARAMS[name] for name in record.output_format_params],
    }


def _text(document: JSON, name: str) -> str:
    value = document.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidFilter(name, f"{name} must be a non-empty string")
    return value


async def create(request: Request) -> Response:
    PxParams(request)  # no parameter but lang
    try:
        document = orjson.loads(await data.read_body(request))
    except orjson.JSONDecodeError:
        raise InvalidFilter("body", "the body is not JSON; send a saved query") from None
    if not isinstance(document, dict):
        raise InvalidFilter("body", "the body must be an object: selection, language, tableId")
    language = _text(document, "language")
    if languages.from_pxweb(language) is None:
        offered = ", ".join(languages.PXWEB.values())
        raise InvalidFilter("language", f"language={language!r} is not offered; use {offered}")
    table_id = _text(document, "tableId")
    output_format = outputs.choose(document.get("outputFormat"))
    given = document.get("outputFormatParams") or []
    if not isinstance(given, list) or not all(isinstance(item, str) for item in given):
        raise InvalidFilter("outputFormatParams", "outputFormatParams must be a list of strings")
    format_params = pivot.format_params(given)
    selection = document.get("selection")
    if not isinstance(selection, dict):
        raise InvalidFilter("selection", "selection must be an object with a selection list")
    kept = orjson.dumps(selection)
    wanted, heading, stub = data.selection_body(kept)
    await data.check(request, table_id, wanted, heading, stub)
    record = read.SavedQueryRecord(
        id=uuid.uuid4().hex,
        table_id=table_id,
        language=language,
        selection=kept.decode(),
        output_format=output_format,
        output_format_params=tuple(sorted(format_params)),
        created_at=dt.datetime.now(dt.UTC),
    )
    try:
        await run_in_threadpool(save_query, request.app.state.engine, record)
    except SQLAlchemyError as error:
        found = fault(error)
        if found is None:
            raise
        log_fault(found, error, "POST /api/pxwebapi/v2/savedqueries")
        if found.kind == "unavailable":
            retry_after = request.app.state.settings.retry_after_seconds
            raise Problem.database_unavailable(found, retry_after) from None
        raise Problem.database_unwritable(found) from None
    return JSONResponse(_document(record), status_code=201)


async def _saved(request: Request) -> read.SavedQueryRecord:
    wanted = request.path_params["id"]
    record: read.SavedQueryRecord | None = await request.app.state.readers.run(
        read.get_saved_query, wanted
    )
    if record is None:
        detail = f"There is no saved query with id {wanted!r}"
        raise Problem(404, "Not Found", detail, type="/problems/not-found")
    return record


async def get(request: Request) -> Response:
    PxParams(request)
    return JSONResponse(_document(await _saved(request)))


@pxwebapi_errors
async def run(request: Request) -> Response:
    record = await _saved(request)
    params = PxParams(request, {"outputFormat", "outputFormatParams"}, default=record.language)
    given = params.once("outputFormat")
    output_format = outputs.choose(given or record.output_format)
    named = request.query_params.getlist("outputFormatParams")
    format_params = pivot.format_params(named or record.output_format_params)
    wanted, heading, stub = data.selection_body(record.selection.encode())
    return await data.run_selection(
        request, record.table_id, wanted, heading, stub, params, output_format, format_params
    )
