"""The query parameters of charts, widgets and oEmbed: sizes in pixels, a theme, and the
release to show (`as_of`, parsed as REST parses it: api.params).

Each is checked as every parameter of the API is (api.params.Params): given once,
of the right shape, within its bounds, and a mistake is a 400 that names it.
"""

from __future__ import annotations

from collections.abc import Sequence

from api.params import AS_OF, Params
from api.web import charts
from models.filters import InvalidFilter

CHART_PARAMETERS = ("width", "height", "theme", AS_OF)


def pixels(params: Params, name: str, *, default: int, bounds: tuple[int, int]) -> int:
    raw = params.once(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6):
        raise InvalidFilter(name, f"{name}={raw!r} is not a whole number of pixels")
    value, (low, high) = int(raw), bounds
    if not low <= value <= high:
        raise InvalidFilter(name, f"{name} must be between {low} and {high} pixels, not {value}")
    return value


def choice(params: Params, name: str, choices: Sequence[str]) -> str:
    """One of `choices`; the first when the parameter is not given."""
    raw = params.once(name)
    if raw is None:
        return choices[0]
    if raw not in choices:
        allowed = ", ".join(choices)
        raise InvalidFilter(name, f"{name}={raw!r} is not offered; use one of: {allowed}")
    return raw


def chart_options(
    params: Params,
    *,
    width: int = charts.DEFAULT_WIDTH,
    height: int = charts.DEFAULT_HEIGHT,
    widths: tuple[int, int] = charts.WIDTH,
) -> charts.ChartOptions:
    return charts.ChartOptions(
        lang=params.lang,
        width=pixels(params, "width", default=width, bounds=widths),
        height=pixels(params, "height", default=height, bounds=charts.HEIGHT),
        theme=choice(params, "theme", charts.THEMES),
    )
