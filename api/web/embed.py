"""/embed/indicators/{code}: a small page of one indicator, made to be put in an iframe.

It shows the chart (inline SVG), the latest value and its change, the credit line and a
link to the figures in the API, with a data table for screen readers in place of the
chart. Any site may frame it. It loads one script of ours (static/embed-height.js), which
tells the host page its height; without it, the iframe works at the height it is given.

With `as_of` it is pinned: it shows the figures of that release, says which, and says
when the newest release shows other figures, with a link to the live widget.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from api.links import base_url
from api.params import AS_OF, Params, release_as_of
from api.problems import Problem
from api.web import charts, figures, pages, pinned
from api.web.params import CHART_PARAMETERS, chart_options
from api.web.words import WORDS

# The chart's default size in the widget; the widget is as wide as its chart.
WIDTH = 600
HEIGHT = 360
# The widget's chart may be narrower than a chart on its own: it fits a phone's column.
WIDTHS = (240, charts.WIDTH[1])


async def embed(request: Request) -> Response:
    params = Params(request.query_params, CHART_PARAMETERS)
    options = chart_options(params, width=WIDTH, height=HEIGHT, widths=WIDTHS)
    as_of = await release_as_of(request, params)
    code, readers = request.path_params["code"], request.app.state.readers
    base, lang = base_url(request), options.lang
    address, query = f"{base}{request.url.path}", request.url.query
    page_url = f"{address}?{query}" if query else address
    live = pinned.live(address, request.query_params)
    cited, note = await pinned.indicator(readers, code, as_of, lang, live)
    if cited is None:
        raise Problem.not_found("indicator", code)
    spec = charts.spec(cited, options)
    svg = await run_in_threadpool(charts.svg, spec)
    figures_query = {"lang": lang, **({} if as_of is None else {AS_OF: as_of})}
    context = {
        "item": figures.view(cited, svg, lang),
        "words": WORDS[lang],
        "theme": options.theme,
        "css": pages.EMBED_CSS,
        "pinned": note,
        "api_url": f"{base}/api/v1/indicators/{code}?{urlencode(figures_query)}",
        "oembed_url": f"{base}/oembed?{urlencode({'url': page_url, 'format': 'json'})}",
    }
    return pages.render(request, "embed.html", context, lang=lang, policy=pages.EMBED_POLICY)
