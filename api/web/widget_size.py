"""How tall the widget is in a frame of a given width, for the iframe oEmbed gives.

A host page with kommunedigi-embed.js sets the frame's height from the widget itself;
without it the frame keeps oEmbed's height, so that height must hold the whole widget.
It is estimated from the widget's style sheet (static/embed.css: body padding, font sizes,
line heights) and its texts wrapped at the frame's width, by an average advance a little
wider than DejaVu Sans's, so the estimate errs on the tall side: a few pixels of white
below rather than a cut-off credit line.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

PADDING_Y = 16  # body: 8 px above and below
PADDING_X = 24  # body: 12 px on each side
CHAR_WIDTH = 0.57  # an average advance relative to the font size, over DejaVu Sans's
BODY_FONT = 14  # html font-size
LARGE_FONT = BODY_FONT * 1.5 * 1.05  # .latest strong: 1.5rem, bold glyphs a little wider
LATEST_LINE = 30  # .latest: a line that holds the large number, on a 1.4 line height
BODY_LINE = 20  # .latest: a line of body text only, 1rem on 1.4
LATEST_MARGIN = 8
SMALL_FONT = BODY_FONT * 0.86  # .credit, .pinned, .more
SMALL_LINE = 17  # .86rem on a 1.4 line height
SMALL_MARGIN = 4


def _lines(text: str, width: int, size: float) -> int:
    columns = max(8, int((width - PADDING_X) / (size * CHAR_WIDTH)))
    return max(1, len(textwrap.wrap(text, columns, break_on_hyphens=False)))


def chart_height_shown(width: int, chart_height: int) -> int:
    """The chart drawn `chart_height` pixels tall, scaled to the frame's inner width."""
    return math.ceil(chart_height * (width - PADDING_X) / width)


def _latest_height(width: int, number: str, rest: str) -> int:
    """The latest value: `number` in large bold type, then `rest` in body type."""
    inner = width - PADDING_X
    if (len(number) * LARGE_FONT + (len(rest) + 1) * BODY_FONT) * CHAR_WIDTH <= inner:
        return LATEST_LINE
    large = _lines(number, width, LARGE_FONT) if number else 0
    return large * LATEST_LINE + (_lines(rest, width, BODY_FONT) if rest else 0) * BODY_LINE


def text_height(width: int, number: str, rest: str, small: Sequence[str]) -> int:
    """The text below the chart: the latest value (`number` in large type, then `rest`)
    and the small paragraphs, each wrapped to the frame."""
    height = LATEST_MARGIN + _latest_height(width, number, rest)
    for paragraph in small:
        height += SMALL_MARGIN + _lines(paragraph, width, SMALL_FONT) * SMALL_LINE
    return height


def widget_height(width: int, chart_height: int, text: int) -> int:
    return PADDING_Y + chart_height_shown(width, chart_height) + text
