"""/oembed: oEmbed 1.0, so that a site that speaks it embeds an indicator from its URL.

`url` is the address of a widget (/embed/indicators/{code}) or of an indicator
(/api/v1/indicators/{code}) of this API; the answer is a `rich` embed whose html is an
iframe of the widget in the language the URL asks for (else `lang`), pinned to the release
its `as_of` names (else `as_of`'s, else live). The widget is narrowed to `maxwidth` (down
to 240 px) and its chart shortened to fit `maxheight`; the iframe's height is the widget's
at that width (api.web.widget_size). A maxheight below the least the widget needs at that
width is a 400 that says the least. As oEmbed asks, a URL this API has no embed for is a
404, and a format other than JSON a 501.
"""

from __future__ import annotations

import math
import re
from html import escape
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import Response

from api.formats import citations
from api.links import base_url
from api.params import AS_OF, LANGUAGES, Params
from api.problems import Problem
from api.responses import JSONResponse
from api.web import charts, embed, figures, pinned, widget_size
from api.web.params import pixels
from api.web.words import WORDS
from models import read
from models.cited import CitedIndicator
from models.filters import AsOf, InvalidFilter

MAX_PIXELS = 100_000
MIN_WIDTH = embed.WIDTHS[0]
# The least maxheight taken at all: no widget is shorter (its chart's least height, 280,
# and one line of each text); whether a larger one fits depends on the width and texts.
MIN_HEIGHT = charts.HEIGHT[0]

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
    """The indicator code a URL names, and the lang, theme and as_of it asks for."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidFilter("url", f"url={url!r} is not an absolute http or https URL")
    found = _EMBEDDABLE.fullmatch(parts.path)
    if parts.netloc.lower() != urlsplit(base).netloc.lower() or found is None:
        raise _not_ours(url, base)
    query = parse_qs(parts.query)
    chosen: dict[str, str] = {}
    for name, allowed in (("lang", LANGUAGES), ("theme", charts.THEMES), (AS_OF, None)):
        values = query.get(name, [])
        if len(values) > 1:
            raise InvalidFilter("url", f"give {name} in url once, not {len(values)} times")
        if values and allowed is not None and values[0] not in allowed:
            raise InvalidFilter("url", f"the {name} in url must be one of: {', '.join(allowed)}")
        if values:
            chosen[name] = values[0]
    return unquote(found["code"]), chosen


def _limit(params: Params, name: str, minimum: int) -> int | None:
    if params.once(name) is None:
        return None  # no limit
    return pixels(params, name, default=minimum, bounds=(minimum, MAX_PIXELS))


async def _release(request: Request, params: Params, chosen: dict[str, str]) -> int | None:
    """The release the embed is pinned to: the url's as_of, else ours; None: live."""
    in_url = chosen.get(AS_OF)
    text = in_url if in_url is not None else params.once(AS_OF)
    if text is None:
        return None
    parameter = "url" if in_url is not None else AS_OF
    as_of = AsOf.parse(text, parameter=parameter)
    readers = request.app.state.readers
    number: int = await readers.run(read.release_as_of, as_of, parameter=parameter)
    return number


def _text_height(
    cited: CitedIndicator, note: pinned.PinnedNote | None, lang: str, width: int
) -> int:
    item, words = figures.view(cited, "", lang), WORDS[lang]
    if item.latest is None:
        number, rest = "", words["no_value"]
    else:
        change = f" ({item.change})" if item.change else ""
        number, rest = item.latest, f"{words['in_wave']} {item.latest_wave}{change}"
    small = [item.credit, words["api_link"]]
    if note is not None:
        small.append(" ".join(filter(None, [note.shows, note.newer, note.live])))
    return widget_size.text_height(width, number, rest, small)


def _chart_height(
    cited: CitedIndicator, lang: str, width: int, text: int, max_height: int | None
) -> int:
    """The tallest chart within `max_height`, at most the default proportions, and at least
    what the indicator's chart needs at `width` (charts.smallest_height)."""
    least = charts.smallest_height(cited, lang, width)
    height = max(least, round(width * embed.HEIGHT / embed.WIDTH))
    if max_height is None:
        return height
    room = max_height - widget_size.PADDING_Y - text
    fits = math.floor(room * width / (width - widget_size.PADDING_X))
    if fits < least:
        needed = widget_size.widget_height(width, least, text)
        raise InvalidFilter(
            "maxheight",
            f"maxheight={max_height} is less than this widget needs at width {width}:"
            f" give at least maxheight={needed}",
        )
    return min(height, fits)


def widget_iframe(
    base: str,
    cited: CitedIndicator,
    lang: str,
    as_of: int | None,
    width: int = embed.WIDTH,
    max_height: int | None = None,
    note: pinned.PinnedNote | None = None,
    chosen: dict[str, str] | None = None,
) -> tuple[str, int]:
    """The widget's iframe at `width`, as tall as its chart and texts need within
    `max_height`, and that height; `chosen` are the widget URL's own parameters."""
    text = _text_height(cited, note, lang, width)
    chart_height = _chart_height(cited, lang, width, text, max_height)
    code = cited.detail.indicator.code
    title = getattr(cited.detail.indicator, f"title_{lang}")
    pin = {} if as_of is None else {AS_OF: as_of}
    query = urlencode(
        {**{k: v for k, v in (chosen or {}).items() if k != AS_OF}, "lang": lang, **pin,
         "width": width, "height": chart_height}
    )  # fmt: skip
    src = f"{base}/embed/indicators/{quote(code, safe='')}?{query}"
    height = widget_size.widget_height(width, chart_height, text)
    html = (
        f'<iframe src="{escape(src)}" width="{width}" height="{height}"'
        f' title="{escape(title)}" style="border:0" loading="lazy"></iframe>'
    )
    return html, height


async def oembed(request: Request) -> Response:
    params = Params(request.query_params, {"url", "maxwidth", "maxheight", "format", AS_OF})
    output_format = params.once("format")
    if output_format not in (None, "json"):
        raise Problem(
            501,
            "Format not implemented",
            f"format={output_format!r} is not offered; oEmbed here is JSON only: json",
            type="/problems/format-not-implemented",
        )
    url = params.once("url")
    if url is None:
        raise InvalidFilter("url", "url is required: the address of a widget or an indicator")
    max_width = _limit(params, "maxwidth", MIN_WIDTH)
    max_height = _limit(params, "maxheight", MIN_HEIGHT)
    base = base_url(request)
    code, chosen = _target(url, base)
    as_of = await _release(request, params, chosen)
    lang = chosen.get("lang", params.lang)  # the widget's own lang wins
    # The note's link is no part of its size; the widget builds its own.
    cited, note = await pinned.indicator(request.app.state.readers, code, as_of, lang, "")
    if cited is None:
        raise _not_ours(url, base)

    width = min(embed.WIDTH, max_width or embed.WIDTH)
    title = getattr(cited.detail.indicator, f"title_{lang}")
    html, height = widget_iframe(base, cited, lang, as_of, width, max_height, note, chosen)
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
