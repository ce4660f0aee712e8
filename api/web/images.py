"""/charts/indicators/{code}.svg, .png and .vl.json: an indicator's chart, or its spec.

The three answers come from one Vega-Lite spec (api.web.charts), so the picture and the spec
a page renders itself always agree. With `as_of` they show the figures of that release and
credit it (api.http.pinning lets caches keep them longer).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from api.params import Params, release_as_of
from api.problems import Problem
from api.responses import JSONResponse
from api.web import charts
from api.web.params import CHART_PARAMETERS, chart_options
from models import read
from models.filters import InvalidFilter

# Sizes of social cards: Open Graph's and Twitter's large image, and a square post.
PRESETS = {"og": (1200, 630), "square": (1080, 1080)}


def _options(params: Params) -> charts.ChartOptions:
    """The chart's options; a PNG's `preset` names its size in place of width and height."""
    preset = params.once("preset")
    if preset is None:
        return chart_options(params)
    if preset not in PRESETS:
        allowed = ", ".join(PRESETS)
        raise InvalidFilter("preset", f"preset={preset!r} is not offered; use one of: {allowed}")
    for name in ("width", "height"):
        if params.once(name) is not None:
            raise InvalidFilter(name, f"{name} cannot be given with preset, which sets the size")
    width, height = PRESETS[preset]
    return chart_options(params, width=width, height=height)


async def _spec(request: Request, *, presets: bool = False) -> tuple[dict[str, Any], str]:
    """The chart's spec and its language."""
    accepted = (*CHART_PARAMETERS, "preset") if presets else CHART_PARAMETERS
    params = Params(request.query_params, accepted)
    options = _options(params)
    as_of = await release_as_of(request, params)
    code = request.path_params["code"]
    cited = await request.app.state.readers.run(read.cited_indicator, code, as_of=as_of)
    if cited is None:
        raise Problem.not_found("indicator", code)
    return charts.spec(cited, options), options.lang


def _headers(lang: str) -> dict[str, str]:
    # An SVG opened on its own is a document: it may load nothing and run nothing.
    return {
        "Content-Language": lang,
        "Content-Security-Policy": "default-src 'none'",
        "X-Content-Type-Options": "nosniff",
    }


async def chart_svg(request: Request) -> Response:
    spec, lang = await _spec(request)
    svg = await run_in_threadpool(charts.svg, spec)
    return Response(svg, media_type="image/svg+xml", headers=_headers(lang))


async def chart_png(request: Request) -> Response:
    spec, lang = await _spec(request, presets=True)
    png = await run_in_threadpool(charts.png, spec)
    return Response(png, media_type="image/png", headers=_headers(lang))


async def chart_spec(request: Request) -> Response:
    spec, lang = await _spec(request)
    return JSONResponse(spec, headers=_headers(lang))
