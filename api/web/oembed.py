"""/oembed: oEmbed 1.0, so that a site that speaks it embeds an indicator from its URL.

`url` is the address of a widget (/embed/indicators/{code}) or of an indicator
(/api/v1/indicators/{code}) of this API; the answer is a `rich` embed whose html is an
iframe of the widget, no larger than `maxwidth` and `maxheight`, in the language the URL
asks for (else `lang`). As oEmbed asks, a URL this API has no embed for is a 404; a
format other than JSON is a 400, as any parameter's mistake is here.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import Response

from api.formats import citations
from api.links import base_url
from api.params import LANGUAGES, Params
from api.problems import Problem
from api.responses import JSONResponse
from api.web import charts, embed
from api.web.params import pixels
from models import read
from models.filters import InvalidFilter

# Room the widget needs below its chart (latest value, credit line, link), in pixels.
TEXT_BELOW = 150
MAX_PIXELS = 100_000
MIN_WIDTH = charts.WIDTH[0]
MIN_HEIGHT = charts.HEIGHT[0] + TEXT_BELOW

_EMBEDDABLE = re.compile(r"/(?:embed/indicators|api/v1/indicators)/(?P<code>[^/]+)")


def _not_ours(url: str, base: str) -> Problem:
    return Problem(
        404,
        "Not found",
        f"{url} is not the address of a widget or an indicator of this API; use"
        f" {base}/embed/indicators/<code> or {base}/api/v1/indicators/<code>",
        type="/problems/not-found",
    )


def _target(url: str, base: str) -> tuple[str, dict[str, str]]:
    """The indicator code a URL names, and the lang and theme it asks for."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidFilter("url", f"url={url!r} is not an absolute http or https URL")
    found = _EMBEDDABLE.fullmatch(parts.path)
    if parts.netloc.lower() != urlsplit(base).netloc.lower() or found is None:
        raise _not_ours(url, base)
    query = parse_qs(parts.query)
    chosen: dict[str, str] = {}
    for name, allowed in (("lang", LANGUAGES), ("theme", charts.THEMES)):
        values = query.get(name, [])
        if len(values) > 1 or (values and values[0] not in allowed):
            raise InvalidFilter("url", f"the {name} in url must be one of: {', '.join(allowed)}")
        if values:
            chosen[name] = values[0]
    return unquote(found["code"]), chosen


def _limit(params: Params, name: str, minimum: int) -> int | None:
    if params.once(name) is None:
        return None  # no limit
    return pixels(params, name, default=minimum, bounds=(minimum, MAX_PIXELS))


def _size(max_width: int | None, max_height: int | None) -> tuple[int, int]:
    """The widget's chart size within the limits, keeping the default proportions."""
    width = min(embed.WIDTH, max_width or embed.WIDTH)
    height = round(width * embed.HEIGHT / embed.WIDTH)
    height = max(charts.HEIGHT[0], height)
    if max_height is not None:
        height = min(height, max_height - TEXT_BELOW)
    return width, height


async def oembed(request: Request) -> Response:
    params = Params(request.query_params, {"url", "maxwidth", "maxheight", "format"})
    output_format = params.once("format")
    if output_format not in (None, "json"):
        # oEmbed suggests 501 here; a 400 that says what to ask for is what every other
        # parameter of this API answers, and no 5xx ever means a client's mistake.
        raise InvalidFilter(
            "format", f"format={output_format!r} is not offered; oEmbed here is JSON only: json"
        )
    url = params.once("url")
    if url is None:
        raise InvalidFilter("url", "url is required: the address of a widget or an indicator")
    max_width = _limit(params, "maxwidth", MIN_WIDTH)
    max_height = _limit(params, "maxheight", MIN_HEIGHT)
    base = base_url(request)
    code, chosen = _target(url, base)
    cited = await request.app.state.readers.run(read.cited_indicator, code)
    if cited is None:
        raise _not_ours(url, base)

    width, chart_height = _size(max_width, max_height)
    lang = chosen.get("lang", params.lang)  # the widget's own lang wins
    title = getattr(cited.detail.indicator, f"title_{lang}")
    query = urlencode({**chosen, "lang": lang, "width": width, "height": chart_height})
    src = f"{base}/embed/indicators/{quote(code, safe='')}?{query}"
    height = chart_height + TEXT_BELOW
    html = (
        f'<iframe src="{escape(src)}" width="{width}" height="{height}"'
        f' title="{escape(title)}" style="border:0" loading="lazy"></iframe>'
    )
    return JSONResponse(
        {
            "version": "1.0",
            "type": "rich",
            "title": title,
            "author_name": citations.publisher(cited.survey),
            "provider_name": citations.API_NAME,
            "provider_url": f"{base}/",
            "cache_age": request.app.state.settings.cache_max_age,
            "html": html,
            "width": width,
            "height": height,
        },
        headers={"Content-Language": lang},  # the title's language
    )
