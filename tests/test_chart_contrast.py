"""The colours of a chart meet WCAG 2.1 AA, in both themes: text 4.5:1 against what it
stands on (SC 1.4.3), bars and the withheld placeholder's outline 3:1 against the
background (SC 1.4.11). axe-core reads no colour inside an SVG image, so the drawn SVG
is measured here.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import httpx
import pytest

from tests.test_charts import SVG, layer

pytestmark = pytest.mark.anyio

TEXT = 4.5
GRAPHICS = 3.0


def luminance(colour: str) -> float:
    """WCAG's relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


async def drawn(client: httpx.AsyncClient, code: str, theme: str) -> ElementTree.Element:
    response = await client.get(f"/charts/indicators/{code}.svg", params={"theme": theme})
    assert response.status_code == 200
    return ElementTree.fromstring(response.text)


def background_of(svg: ElementTree.Element) -> str:
    """The fill of the rectangle drawn first, under everything."""
    first = svg.find(f"{SVG}rect")
    assert first is not None
    return first.get("fill", "")


def fills(group: ElementTree.Element, tag: str, attribute: str = "fill") -> set[str]:
    return {element.get(attribute, "") for element in group.iter(f"{SVG}{tag}")}


@pytest.mark.parametrize("theme", ["light", "dark"])
async def test_values_text_and_bars_stand_out_from_the_background(client, theme):
    svg = await drawn(client, "expected-better-quality", theme)
    background = background_of(svg)
    texts = fills(svg, "text")
    assert len(texts) >= 2  # the values, the title, the axes and the credits
    ratios = {colour: round(contrast(colour, background), 2) for colour in texts}
    assert {colour: ratio for colour, ratio in ratios.items() if ratio < TEXT} == {}
    (bar,) = fills(layer(svg, "bars"), "path")
    assert contrast(bar, background) >= GRAPHICS


@pytest.mark.parametrize("theme", ["light", "dark"])
async def test_a_withheld_figure_says_why_legibly(client, theme):
    svg = await drawn(client, "expected-faster-processing", theme)
    background = background_of(svg)
    placeholder = layer(svg, "missing")
    (fill,) = fills(placeholder, "path")
    (outline,) = fills(placeholder, "path", "stroke")
    assert contrast(outline, background) >= GRAPHICS
    (label,) = fills(layer(svg, "missing_labels"), "text")
    assert contrast(label, fill) >= TEXT  # the words stand on the placeholder
