"""Charts of an indicator: one Vega-Lite spec, drawn as SVG or PNG by vl-convert.

The spec is built here, from the query layer's records alone: a bar per wave with its
value written on it, a grey dashed placeholder saying why where a wave has no value
(never a bar of zero), the indicator's title, and below the chart the source line
(survey, waves, publisher, documents) and the licence line: the licence's name, linked
to its text. Its data is inlined, so a page can render the same spec itself.

The layout is computed here rather than left to Vega's autosize: the spec sets the
padding around the plot, so an image is exactly the size asked for and the title and
the text lines, wrapped by an estimate of their width, always have room.
"""

from __future__ import annotations

import functools
import json
import math
import textwrap
from dataclasses import dataclass
from html import escape
from typing import Any

from api import licences, wording
from api.formats import citations
from models.cited import CitedIndicator
from models.filters import InvalidFilter
from models.records import SeriesPoint
from models.statuses import FigureStatus

VEGA_LITE = "5.21"  # the Vega-Lite version the spec is written for and drawn with
SCHEMA = f"https://vega.github.io/schema/vega-lite/v{VEGA_LITE}.0.json"

WIDTH = (320, 1600)  # the bounds of ?width= and ?height=, in pixels
HEIGHT = (280, 1200)
DEFAULT_WIDTH = 640
DEFAULT_HEIGHT = 400
THEMES = ("light", "dark")

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
TITLE_SIZE = 15
TEXT_SIZE = 11
LINE = 14  # pixels between the baselines of the small text lines
# Average advance of a character relative to the font size; DejaVu Sans, the widest of
# the fonts named above, stays under it, so wrapped lines never overflow.
CHAR_WIDTH = 0.6
MARGIN = 12  # between the image's edge and the text
LEFT = 56  # room for the y axis: its labels and its title
AXIS_BELOW = 44  # room for the x axis below the plot: its labels and its title
MIN_PLOT_HEIGHT = 56  # room for the bars at the smallest size under the longest credits

_AXIS_TITLES = {
    "x": {"nb": "År", "nn": "År", "en": "Year"},
    "y": {"nb": "Prosent", "nn": "Prosent", "en": "Percent"},
}


@dataclass(frozen=True, slots=True)
class Palette:
    background: str
    text: str
    muted: str
    grid: str
    bar: str
    missing_fill: str
    missing_stroke: str


PALETTES = {
    "light": Palette("#ffffff", "#1b1b1b", "#4d4d4d", "#dddddd", "#2f5f98", "#ededed", "#767676"),
    "dark": Palette("#1b1b1b", "#f0f0f0", "#c8c8c8", "#444444", "#7fb2ec", "#2e2e2e", "#9a9a9a"),
}

# d3-format locales, so that axis numbers read as the rest of the chart does.
LOCALES = {
    "nb": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0kr"]},
    "nn": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0kr"]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", ""]},
}


@dataclass(frozen=True, slots=True)
class ChartOptions:
    lang: str = "nb"
    width: int = DEFAULT_WIDTH
    height: int = DEFAULT_HEIGHT
    theme: str = "light"


def _wrap(text: str, width: int, size: float) -> list[str]:
    columns = max(10, int((width - 2 * MARGIN) / (size * CHAR_WIDTH)))
    return textwrap.wrap(text, columns, break_on_hyphens=False) or [""]


def _data(cited: CitedIndicator, lang: str) -> list[dict[str, Any]]:
    """One row per wave that a source reports, as /api/v1/indicators/{code} has it, with
    the words shown. A wave no source reports is absent: no bar, and no placeholder that
    would read as a withheld figure."""
    rows = []
    for point in _reported(cited):
        shown = wording.point_value(point, lang, short=True)
        rows.append(
            {
                "wave": point.wave,
                "value": point.value,
                "status": point.status.value,
                "label": shown,
                "description": f"{point.wave}: {wording.point_value(point, lang)}",
            }
        )
    return rows


def _reported(cited: CitedIndicator) -> list[SeriesPoint]:
    return [p for p in cited.detail.series.points if p.status is not FigureStatus.NO_SOURCE]


def _top(cited: CitedIndicator) -> float:
    """The top of a percent axis: 100, or above the largest value (shares of a question
    with several answers each may sum to more than 100)."""
    values = [point.value for point in cited.detail.series.points if point.value is not None]
    return max([100.0, *(math.ceil(value / 10) * 10.0 for value in values)])


@dataclass(frozen=True, slots=True)
class Layout:
    """Where things go, in pixels: the plot, and the text above and below it."""

    title: list[str]  # the title's lines
    credits: list[str]  # the source lines
    licence: list[str]  # the licence line, by name, below them
    top: int  # above the plot: the title
    bottom: int  # below the plot: the x axis and the credits
    plot_width: int
    plot_height: int


def _texts(cited: CitedIndicator, lang: str, width: int) -> tuple[list[str], ...]:
    """The title, credit and licence lines of a chart `width` pixels wide."""
    detail = cited.detail
    # Bold glyphs are a little wider than regular ones.
    title = _wrap(getattr(detail.indicator, f"title_{lang}"), width, TITLE_SIZE * 1.05)
    source = citations.source_line(
        cited.survey, citations.cited_waves(detail.series), detail.sources, cited.release, lang
    )
    credits = _wrap(source, width, TEXT_SIZE)
    licence = _wrap(licences.line(cited.survey.licence, lang), width, TEXT_SIZE)
    return title, credits, licence


def _margins(title: list[str], credits: list[str], licence: list[str]) -> tuple[int, int]:
    """Room above the plot (the title) and below it (the x axis and the credits)."""
    top = MARGIN + len(title) * (TITLE_SIZE + 4) + 16
    bottom = AXIS_BELOW + 8 + (len(credits) + len(licence)) * LINE + MARGIN
    return top, bottom


def smallest_height(cited: CitedIndicator, lang: str, width: int) -> int:
    """The least `height` that leaves room for the plot of a chart `width` pixels wide."""
    top, bottom = _margins(*_texts(cited, lang, width))
    return max(HEIGHT[0], top + bottom + MIN_PLOT_HEIGHT)


def _layout(cited: CitedIndicator, options: ChartOptions) -> Layout:
    title, credits, licence = _texts(cited, options.lang, options.width)
    top, bottom = _margins(title, credits, licence)
    plot_height = options.height - top - bottom
    if plot_height < MIN_PLOT_HEIGHT:
        needed = options.height - plot_height + MIN_PLOT_HEIGHT
        raise InvalidFilter(
            "height",
            f"height={options.height} leaves no room for the chart under this indicator's"
            f" title and sources at width={options.width}; give at least height={needed}",
        )
    width = options.width - LEFT - MARGIN
    return Layout(title, credits, licence, top, bottom, width, plot_height)


def _layers(
    cited: CitedIndicator, layout: Layout, lang: str, palette: Palette
) -> list[dict[str, Any]]:
    """Bars with their values, placeholders saying why a wave has none, title, credits."""
    indicator, link = cited.detail.indicator, licences.href(cited.survey.licence)
    reported = _reported(cited)
    every_wave = [point.wave for point in reported]
    # A layer without marks would still be drawn as an unnamed ARIA symbol: hide it.
    any_bar = any(point.value is not None for point in reported)
    any_missing = any(point.value is None for point in reported)
    x = {
        "field": "wave",
        "type": "ordinal",
        "title": _AXIS_TITLES["x"][lang],
        "scale": {"domain": every_wave, "paddingInner": 0.3, "paddingOuter": 0.2},
        "axis": {"labelAngle": 0},
    }
    y_scale = {"domain": [0, _top(cited)]} if indicator.unit == "percent" else {"zero": True}
    y = {
        "field": "value",
        "type": "quantitative",
        "title": _AXIS_TITLES["y"][lang],
        "scale": y_scale,
    }
    has_value = {"filter": "isValid(datum.value)"}
    has_none = {"filter": "!isValid(datum.value)"}
    text = {"font": FONT, "fontSize": TEXT_SIZE}
    # Title and credits are placed from the plot's corner, out into the padding.
    left_edge = MARGIN - LEFT
    return [
        {
            "name": "bars",
            "transform": [has_value],
            "mark": {"type": "bar", "color": palette.bar, "aria": any_bar},
            "encoding": {"x": x, "y": y, "description": {"field": "description"}},
        },
        {
            "name": "values",
            "transform": [has_value],
            "mark": {
                "type": "text", **text, "fontWeight": "bold", "fill": palette.text,
                "baseline": "bottom", "dy": -4, "aria": False,
            },
            "encoding": {"x": x, "y": y, "text": {"field": "label"}},
        },
        {
            # A wave without a value: a placeholder the plot's full height, never a zero bar.
            "name": "missing",
            "transform": [has_none],
            "mark": {
                "type": "bar", "fill": palette.missing_fill, "stroke": palette.missing_stroke,
                "strokeDash": [4, 3], "strokeWidth": 1, "aria": any_missing,
            },
            "encoding": {
                "x": x,
                "y": {"value": 0},
                "y2": {"value": layout.plot_height},
                "description": {"field": "description"},
            },
        },
        {
            "name": "missing_labels",
            "transform": [has_none],
            "mark": {
                "type": "text", **text, "fill": palette.muted, "lineBreak": " ",
                "baseline": "middle", "y": layout.plot_height / 2, "aria": False,
            },
            "encoding": {"x": x, "text": {"field": "label"}},
        },
        {
            "name": "heading",
            "data": {"values": [{}]},
            "mark": {
                "type": "text", "font": FONT, "fontSize": TITLE_SIZE, "fontWeight": "bold",
                "fill": palette.text, "text": layout.title, "lineHeight": TITLE_SIZE + 4,
                "align": "left", "baseline": "top", "x": left_edge, "y": MARGIN - layout.top,
            },
        },
        {
            "name": "credits",
            "data": {"values": [{}]},
            "mark": {
                "type": "text", **text, "fill": palette.muted, "text": layout.credits,
                "lineHeight": LINE, "align": "left", "baseline": "top",
                "x": left_edge, "y": layout.plot_height + AXIS_BELOW + 8,
            },
        },
        {
            # The licence by name, a link to its text where one is stated.
            "name": "licence",
            "data": {"values": [{}]},
            "mark": {
                "type": "text", **text, "fill": palette.muted, "text": layout.licence,
                "lineHeight": LINE, "align": "left", "baseline": "top", "x": left_edge,
                "y": layout.plot_height + AXIS_BELOW + 8 + len(layout.credits) * LINE,
                **({"href": link} if link else {}),
            },
        },
    ]  # fmt: skip


def spec(cited: CitedIndicator, options: ChartOptions) -> dict[str, Any]:
    """The Vega-Lite spec of an indicator's chart, its data inlined.

    Exactly `options.width` × `options.height` pixels; InvalidFilter (naming `height`) when
    the title and credits leave no room for the plot.
    """
    lang, palette = options.lang, PALETTES[options.theme]
    layout = _layout(cited, options)
    rows = _data(cited, lang)
    title = getattr(cited.detail.indicator, f"title_{lang}")
    return {
        "$schema": SCHEMA,
        "description": f"{title}: {', '.join(row['description'] for row in rows)}",
        "width": layout.plot_width,
        "height": layout.plot_height,
        "autosize": {"type": "none"},
        "padding": {"left": LEFT, "right": MARGIN, "top": layout.top, "bottom": layout.bottom},
        "background": palette.background,
        "data": {"name": "series", "values": rows},
        "layer": _layers(cited, layout, lang, palette),
        "config": {
            "locale": {"number": LOCALES[lang]},
            "font": FONT,
            "view": {"stroke": None},
            "axis": {
                "labelColor": palette.muted,
                "titleColor": palette.text,
                "gridColor": palette.grid,
                "domainColor": palette.muted,
                "tickColor": palette.muted,
                "labelFontSize": TEXT_SIZE,
                "titleFontSize": TEXT_SIZE,
                "labelFont": FONT,
                "titleFont": FONT,
            },
            "axisX": {"grid": False},
        },
    }


# A spec holds its data, so it determines its picture: drawings are kept by spec, and a
# new release (new data in the spec) draws anew. Bounded: SVGs are ~10 kB, PNGs ~80 kB.
@functools.lru_cache(maxsize=256)
def _svg(spec_json: str) -> str:
    import vl_convert  # a large native library, loaded by the first drawing, not at start

    # No base URL is allowed: the data is inlined, and drawing must never reach a network.
    text: str = vl_convert.vegalite_to_svg(spec_json, vl_version=VEGA_LITE, allowed_base_urls=[])
    return text


@functools.lru_cache(maxsize=64)
def _png(spec_json: str) -> bytes:
    import vl_convert  # as in _svg

    image: bytes = vl_convert.vegalite_to_png(
        spec_json, vl_version=VEGA_LITE, scale=1, allowed_base_urls=[]
    )
    return image


def svg(chart: dict[str, Any]) -> str:
    """The chart as SVG: an image (role="img") whose <title> names it and gives its figures
    (the spec's description), for screen readers and pages that inline it. Vega's own labels
    of marks and axes are in English whatever the language; an image's children are not
    read."""
    drawn = _svg(json.dumps(chart, sort_keys=True))
    head, end, rest = drawn.partition(">")  # the root <svg ...> tag, whose attributes hold no ">"
    title = escape(chart["description"], quote=False)
    return f'{head} role="img"{end}<title>{title}</title>{rest}'


def png(chart: dict[str, Any]) -> bytes:
    return _png(json.dumps(chart, sort_keys=True))
