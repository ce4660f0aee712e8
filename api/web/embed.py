"""/embed/indicators/{code}: a small page of one indicator, made to be put in an iframe.

It shows the chart (inline SVG), the latest value and its change, the credit line and a
link to the figures in the API, with a data table for screen readers in place of the
chart. Any site may frame it; it loads nothing, not even from here.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from api.links import base_url
from api.params import Params
from api.problems import Problem
from api.web import charts, figures, pages
from api.web.params import CHART_PARAMETERS, chart_options
from api.web.words import WORDS
from models import read

# The chart's default size in the widget; the widget is as wide as its chart.
WIDTH = 600
HEIGHT = 360


async def embed(request: Request) -> Response:
    params = Params(request.query_params, CHART_PARAMETERS)
    options = chart_options(params, width=WIDTH, height=HEIGHT)
    code = request.path_params["code"]
    cited = await request.app.state.readers.run(read.cited_indicator, code)
    if cited is None:
        raise Problem.not_found("indicator", code)
    spec = charts.spec(cited, options)
    svg = await run_in_threadpool(charts.svg, spec)
    base, lang = base_url(request), options.lang
    query = request.url.query
    page_url = f"{base}{request.url.path}" + (f"?{query}" if query else "")
    context = {
        "item": figures.view(cited, svg, lang),
        "words": WORDS[lang],
        "theme": options.theme,
        "css": pages.EMBED_CSS,
        "api_url": f"{base}/api/v1/indicators/{code}?{urlencode({'lang': lang})}",
        "oembed_url": f"{base}/oembed?{urlencode({'url': page_url, 'format': 'json'})}",
    }
    return pages.render(request, "embed.html", context, lang=lang, policy=pages.EMBED_POLICY)
