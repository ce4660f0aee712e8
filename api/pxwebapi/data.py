"""GET /tables/{id}/metadata, /tables/{id}/defaultselection and GET or POST
/tables/{id}/data: a question's table described, and a selection from it answered.

GET takes `valuecodes[<variable>]` (any case; the expressions of api.selection),
`codelist[<variable>]`, `heading` and `stub`; POST takes the specification's body
(`selection`: a list of `variableCode`, `valueCodes`, `codeList`; `placement`: `heading`
and `stub`). Both take `outputFormat`, `outputFormatParams` and `lang`. A selection that
names no variable is the default selection (api.pxwebapi.variables). The cells are read
as /api/v1/questions/{code}/data reads them (models.read.question_cube), so every number
is the same.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from api.formats import html, jsonstat
from api.licences import link_header
from api.links import base_url
from api.problems import Problem
from api.pxwebapi import metadata_px, outputs, pivot, variables
from api.pxwebapi.codelists import Grouping, groupings, listed
from api.pxwebapi.common import JSON, PxParams, link, not_found, pxwebapi_errors, respond, root
from api.pxwebapi.dataset import aggregate, px_dataset
from api.responses import JSONResponse
from models import read
from models.filters import InvalidFilter, ShareFilter, TooManyCells
from models.records import QuestionCube, QuestionDimensions

MAX_BODY_BYTES = 64 * 1024  # a selection of every value of every variable is far smaller
_CODELIST = re.compile(r"^codelist\[(?P<variable>[^\]]*)\]$", re.IGNORECASE)
_VALUECODES = re.compile(r"^valuecodes\[(?P<variable>[^\]]*)\]$", re.IGNORECASE)
DATA_PARAMETERS = {"outputFormat", "outputFormatParams", "heading", "stub"}


async def _dimensions(request: Request, table_id: str | None = None) -> QuestionDimensions:
    table_id = table_id or request.path_params["id"]
    readers = request.app.state.readers
    dimensions: QuestionDimensions | None = await readers.run(read.question_dimensions, table_id)
    if dimensions is None:
        raise not_found(table_id)
    return dimensions


async def _groupings(request: Request, dimensions: QuestionDimensions) -> dict[str, Grouping]:
    """The code lists offered for the table's options (api.pxwebapi.codelists)."""
    indicators = await request.app.state.readers.run(read.list_indicators)
    return groupings(indicators, dimensions.question.code)


def _codelists(request: Request) -> dict[str, str]:
    """`codelist[<variable>]` by variable as named."""
    found: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if match := _CODELIST.match(name):
            found[match["variable"]] = value
    return found


def _check_codelists(codelists: dict[str, str]) -> None:
    for name, codelist in codelists.items():
        code = variables.variable_code(name, f"codelist[{name}]")
        raise InvalidFilter(
            f"codelist[{name}]", f"codelist[{name}]: there is no code list {codelist!r} for {code}"
        )


async def _answer(
    request: Request, dimensions: QuestionDimensions, cube: QuestionCube,
    selected: variables.Selected, params: PxParams, output_format: str,
    format_params: set[str], *, metadata: bool = False, code_lists: list[JSON] | None = None,
) -> Response:  # fmt: skip
    lang, px_lang = params.lang, params.px_lang
    code = dimensions.question.code
    licences = tuple(
        await request.app.state.readers.run(read.licences, ShareFilter(questions=(code,)))
    )
    headers = {"Content-Language": lang, **link_header(licences)}
    links = jsonstat.Links(documentation=f"{base_url(request)}/docs", licences=licences)
    if output_format in outputs.renderers and not metadata:
        if selected.grouping is not None:
            raise InvalidFilter(
                "outputFormat", "a code list is applied in json-stat2 and csv only, so far"
            )
        renderer = outputs.renderers[output_format]
        body = renderer.render(cube, lang, links=links)
        headers["Content-Disposition"] = f'attachment; filename="{code}.{renderer.extension}"'
        if output_format == "html":
            headers["Content-Security-Policy"] = html.POLICY
        return Response(body, media_type=renderer.media_type, headers=headers)
    base = jsonstat.question_dataset(cube, lang, links=links)
    dataset = px_dataset(
        base, cube, lang, px_lang, table=dimensions, stub=selected.stub,
        heading=selected.heading, metadata=metadata, code_lists=code_lists or [],
        info=f"{base_url(request)}/api/v1/questions/{code}",
    )  # fmt: skip
    if selected.grouping is not None:
        dataset = aggregate(dataset, cube, selected.grouping, selected.groups, lang)
    if metadata and output_format == "json-px":
        # The same metadata laid out as PxWebApi's TableMetadataResponse.
        links_px = _metadata_links(request, code, px_lang)
        return JSONResponse(
            metadata_px.table_metadata(dataset, code, px_lang, links_px), headers=headers
        )
    if output_format == "csv":
        text = pivot.pivot(dataset, selected.stub, selected.heading, format_params)
        headers["Content-Disposition"] = f'attachment; filename="{code}.csv"'
        return Response(text.encode(), media_type="text/csv; charset=utf-8", headers=headers)
    return JSONResponse(dataset, headers=headers)


async def check(
    request: Request, table_id: str, wanted: dict[str, variables.Wanted],
    heading: list[str] | None, stub: list[str] | None,
) -> None:  # fmt: skip
    """A 400 unless the selection would be answered (a saved query is checked so)."""
    readers = request.app.state.readers
    if await readers.run(read.question_dimensions, table_id) is None:
        raise InvalidFilter("tableId", f"tableId: there is no table with id {table_id!r}")
    await _resolve(request, wanted, heading, stub, table_id)


async def run_selection(
    request: Request, table_id: str, wanted: dict[str, variables.Wanted],
    heading: list[str] | None, stub: list[str] | None, params: PxParams, output_format: str,
    format_params: set[str],
) -> Response:  # fmt: skip
    """The answer to a selection from the table `table_id`."""
    dimensions, selected, cube = await _select(request, wanted, heading, stub, table_id=table_id)
    return await _answer(request, dimensions, cube, selected, params, output_format, format_params)


async def _resolve(
    request: Request, wanted: dict[str, variables.Wanted], heading: list[str] | None,
    stub: list[str] | None, table_id: str | None = None,
) -> tuple[QuestionDimensions, variables.Selected]:  # fmt: skip
    dimensions = await _dimensions(request, table_id)
    offered = await _groupings(request, dimensions)
    selected = variables.resolve(dimensions, wanted, heading=heading, stub=stub, groupings=offered)
    maximum = request.app.state.settings.max_cells
    TooManyCells.check(selected.cells, maximum, narrow="select fewer values")
    return dimensions, selected


async def _select(
    request: Request, wanted: dict[str, variables.Wanted], heading: list[str] | None,
    stub: list[str] | None, *, table_id: str | None = None,
) -> tuple[QuestionDimensions, variables.Selected, QuestionCube]:  # fmt: skip
    dimensions, selected = await _resolve(request, wanted, heading, stub, table_id)
    cube = await request.app.state.readers.run_in_thread(read.question_cube, selected.dimensions)
    return dimensions, selected, cube


def _list(params: PxParams, name: str) -> list[str] | None:
    given = params.query.getlist(name)
    if not given:
        return None
    return [item.strip() for value in given for item in value.split(",") if item.strip()]


@pxwebapi_errors
async def get_data(request: Request) -> Response:
    query = request.query_params
    accepted = {name for name in query if _VALUECODES.match(name) or _CODELIST.match(name)}
    params = PxParams(request, {*accepted, *DATA_PARAMETERS})
    output_format = outputs.choose(params.once("outputFormat"))
    format_params = pivot.format_params(query.getlist("outputFormatParams"))
    codelists = _codelists(request)
    wanted = {
        match["variable"]: variables.Wanted(
            name, tuple(query.getlist(name)), codelists.get(match["variable"])
        )
        for name in dict.fromkeys(query)
        if (match := _VALUECODES.match(name))
    }
    unmatched = {name: value for name, value in codelists.items() if name not in wanted}
    _check_codelists(unmatched)
    dimensions, selected, cube = await _select(
        request, wanted, _list(params, "heading"), _list(params, "stub")
    )
    return await _answer(request, dimensions, cube, selected, params, output_format, format_params)


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidFilter(where, f"{where} must be a list of strings")
    return value


def selection_body(
    body: bytes,
) -> tuple[dict[str, variables.Wanted], list[str] | None, list[str] | None]:
    try:
        document = orjson.loads(body) if body.strip() else {}
    except orjson.JSONDecodeError:
        raise InvalidFilter("body", "the body is not JSON; send a selection object") from None
    if not isinstance(document, dict):
        raise InvalidFilter("body", "the body must be an object with a selection list")
    items = document.get("selection", [])
    if not isinstance(items, list):
        raise InvalidFilter("selection", "selection must be a list of variable selections")
    wanted: dict[str, variables.Wanted] = {}
    for at, item in enumerate(items):
        where = f"selection[{at}]"
        if not isinstance(item, dict) or not isinstance(item.get("variableCode"), str):
            raise InvalidFilter(where, f"{where} must be an object with a variableCode")
        name = item["variableCode"]
        codelist = item.get("codeList", item.get("codelist"))
        if codelist is not None and not isinstance(codelist, str):
            raise InvalidFilter(where, f"{where}.codeList must be a string")
        if name in wanted:
            raise InvalidFilter(where, f"{where}: {name} is selected twice")
        values = _strings(item.get("valueCodes", []), f"{where}.valueCodes")
        wanted[name] = variables.Wanted(f"selection[{name}]", tuple(values), codelist or None)
    placement = document.get("placement") or {}
    if not isinstance(placement, dict):
        raise InvalidFilter("placement", "placement must be an object with heading and stub")
    heading = placement.get("heading")
    stub = placement.get("stub")
    return (
        wanted,
        None if heading is None else _strings(heading, "placement.heading"),
        None if stub is None else _strings(stub, "placement.stub"),
    )


async def read_body(request: Request) -> bytes:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise Problem(
                413, "Content Too Large",
                f"A selection may have at most {MAX_BODY_BYTES} bytes; select by expressions"
                " such as * or top(n) rather than by listing every code.",
                type="/problems/payload-too-large",
            )  # fmt: skip
    return body


@pxwebapi_errors
async def post_data(request: Request) -> Response:
    params = PxParams(request, {"outputFormat", "outputFormatParams"})
    output_format = outputs.choose(params.once("outputFormat"))
    format_params = pivot.format_params(request.query_params.getlist("outputFormatParams"))
    wanted, heading, stub = selection_body(await read_body(request))
    dimensions, selected, cube = await _select(request, wanted, heading, stub)
    return await _answer(request, dimensions, cube, selected, params, output_format, format_params)


@pxwebapi_errors
async def metadata(request: Request) -> Response:
    accepted = {name for name in request.query_params if _CODELIST.match(name)}
    params = PxParams(request, {*accepted, "defaultSelection", "outputFormat"})
    given = (params.once("outputFormat") or "json-stat2").lower()
    if given not in ("json-stat2", "json-px"):
        raise InvalidFilter(
            "outputFormat", f"outputFormat={given!r}: metadata is written as json-stat2 or json-px"
        )
    dimensions = await _dimensions(request)
    offered = await _groupings(request, dimensions)
    _check_codelists({k: v for k, v in _codelists(request).items() if v not in offered})
    wanted = {} if params.flag("defaultSelection") else {
        code: variables.Wanted(code, ("*",)) for code in variables.VARIABLES
    }  # fmt: skip
    selected = variables.resolve(dimensions, wanted)
    cube = await request.app.state.readers.run_in_thread(read.question_cube, selected.dimensions)
    code_lists = listed(request, list(offered.values()), params.px_lang, params.lang)
    return await _answer(
        request, dimensions, cube, selected, params, given, set(), metadata=True,
        code_lists=code_lists,
    )  # fmt: skip


def _metadata_links(request: Request, code: str, px_lang: str) -> list[JSON]:
    href = f"{root(request)}/tables/{code}"
    return [
        link("self", f"{href}/metadata?lang={px_lang}&outputFormat=json-px", px_lang),
        link("data", f"{href}/data?lang={px_lang}", px_lang),
    ]


async def default_selection(request: Request) -> Response:
    params = PxParams(request)
    px_lang = params.px_lang
    dimensions = await _dimensions(request)
    href = f"{root(request)}/tables/{dimensions.question.code}"
    return respond(
        {
            "language": px_lang,
            **variables.default_selection(dimensions),
            "links": [
                link("self", f"{href}/defaultselection?lang={px_lang}", px_lang),
                link("data", f"{href}/data?lang={px_lang}", px_lang),
            ],
        },
        params.lang,
    )


async def data(request: Request) -> Response:
    """GET or POST /tables/{id}/data."""
    return await (post_data(request) if request.method == "POST" else get_data(request))
