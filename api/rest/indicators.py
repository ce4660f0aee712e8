"""Indicators: named series over waves, with changes in percentage points."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.problems import Problem
from api.querying import run_query
from api.rest import render
from api.rest.params import Params
from models import queries


async def list_indicators(request: Request) -> Response:
    params = Params(request.query_params, {"survey"})
    lang, surveys = params.lang, params.codes("survey")
    indicators = await run_query(request.app.state.engine, queries.list_indicators, surveys=surveys)
    return render.respond({"data": [render.indicator(item, lang) for item in indicators]}, lang)


async def get_indicator(request: Request) -> Response:
    params = Params(request.query_params, {"segment"})
    lang, segment = params.lang, params.code("segment", "all")
    code = request.path_params["code"]
    detail = await run_query(
        request.app.state.engine, queries.indicator_detail, code, segment=segment
    )
    if detail is None:
        raise Problem.not_found("indicator", code)
    body = {
        **render.indicator(detail.indicator, lang),
        **render.series(detail.series, lang),
        "sources": [render.source(item, lang) for item in detail.sources],
    }
    return render.respond(body, lang)
