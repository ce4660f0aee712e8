"""Charts: /charts/indicators/{code}.svg, .png and .vl.json, drawn from the database.

The expected figures are those of the published sources (shared/sources/FIGURES.md):
24 % in 2015 and 64 % in 2017 expected better service quality; 2016 has no figure.
"""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ElementTree

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from api.web import charts

pytestmark = pytest.mark.anyio

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
CHART = "/charts/indicators/expected-better-quality"
SOURCE_NB = (
    "Kilde: Kommuneundersøkelsen 2015 og 2017, EVRY/NyAnalyse. Kildedokumenter: EVRY,"
    " «Kommuneundersøkelsen 2017», 2018-01-24. kommunedigi, datautgave {number} ({day})."
)
SOURCE_EN = (
    "Source: Kommuneundersøkelsen 2015 and 2017, EVRY/NyAnalyse. Source documents: EVRY,"
    " “Kommuneundersøkelsen 2017”, 2018-01-24. kommunedigi, release {number} ({day})."
)


async def loaded(client: httpx.AsyncClient) -> dict[str, object]:
    """The release served and the day it was loaded, as credits name them."""
    release = (await client.get("/health")).json()["release"]
    return {"number": release["id"], "day": release["created_at"][:10]}


def layer(svg: ElementTree.Element, name: str) -> ElementTree.Element:
    """The group of the marks of one layer of the spec (Vega names it `<layer>_marks`)."""
    found = [g for g in svg.iter(f"{SVG}g") if f"{name}_marks" in g.get("class", "").split()]
    assert len(found) == 1, f"{name}: {len(found)} groups"
    return found[0]


def texts(group: ElementTree.Element) -> list[str]:
    """Each text item of a group, its lines joined by a space."""
    return [
        " ".join(part.strip() for part in text.itertext() if part.strip())
        for text in group.iter(f"{SVG}text")
    ]


def bars(group: ElementTree.Element) -> dict[str, float]:
    """The height of each bar of a group, by its accessible label."""
    found = {}
    for path in group.iter(f"{SVG}path"):
        vertical = re.search(r"v(-?[\d.]+(?:e-?\d+)?)", path.get("d", ""))
        assert vertical, path.get("d")
        found[path.get("aria-label", "")] = abs(float(vertical[1]))
    return found


async def get_svg(client: httpx.AsyncClient, query: str = "") -> ElementTree.Element:
    response = await client.get(f"{CHART}.svg{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/svg+xml"
    return ElementTree.fromstring(response.text)


async def test_svg_writes_each_value_on_its_bar(client):
    svg = await get_svg(client)
    heights = bars(layer(svg, "bars"))
    assert sorted(heights) == ["2015: 24\u00a0%", "2017: 64\u00a0%"]
    ratio = heights["2017: 64\u00a0%"] / heights["2015: 24\u00a0%"]
    assert ratio == pytest.approx(64 / 24, rel=1e-3)
    assert texts(layer(svg, "values")) == ["24\u00a0%", "64\u00a0%"]
    assert texts(layer(svg, "heading")) == ["Forventer bedre tjenestekvalitet"]


async def test_a_wave_no_source_reports_is_absent_not_withheld(client):
    svg = await get_svg(client)
    drawn = bars(layer(svg, "bars"))
    assert sorted(drawn) == ["2015: 24\u00a0%", "2017: 64\u00a0%"]  # no bar at all for 2016
    assert all(height > 0 for height in drawn.values())
    # No source reports the 2016 wave: no placeholder, and no 2016 on the axis.
    assert list(bars(layer(svg, "missing"))) == []
    assert "2016" not in ElementTree.tostring(svg, encoding="unicode")


async def test_svg_marks_a_withheld_figure_without_a_zero_bar(client):
    svg = await get_svg_of(client, "expected-faster-processing")
    assert list(bars(layer(svg, "bars"))) == []
    placeholder = bars(layer(svg, "missing"))
    assert list(placeholder) == ["2015: ikke publisert", "2017: ikke publisert"]
    assert min(placeholder.values()) > 100  # the plot's full height
    assert texts(layer(svg, "missing_labels")) == ["ikke publisert", "ikke publisert"]


async def test_svg_is_an_image_named_by_its_figures(client):
    """Its <title> gives every figure, a withheld one by why; a layer with no marks is
    hidden from screen readers rather than an unnamed symbol."""
    svg = await get_svg(client)
    assert svg.get("role") == "img"
    assert svg.findtext(f"{SVG}title") == (
        "Forventer bedre tjenestekvalitet: 2015: 24\u00a0%, 2017: 64\u00a0%"
    )
    assert layer(svg, "missing").get("aria-hidden") == "true"
    withheld = await get_svg_of(client, "expected-faster-processing")
    assert withheld.findtext(f"{SVG}title") == (
        "Forventer raskere saksgang: 2015: ikke publisert, 2017: ikke publisert"
    )
    assert layer(withheld, "bars").get("aria-hidden") == "true"


def credits(svg: ElementTree.Element) -> str:
    """The lines under the chart: the source, then the licence."""
    return " ".join([*texts(layer(svg, "credits")), *texts(layer(svg, "licence"))])


async def test_svg_names_its_source_and_licence(client):
    svg = await get_svg(client)
    source = SOURCE_NB.format(**await loaded(client))
    assert credits(svg) == f"{source} Lisens: ingen oppgitt av dataeieren"
    assert list(layer(svg, "licence").iter(f"{SVG}a")) == []  # nothing to link to


async def test_svg_in_english(client):
    response = await client.get(f"{CHART}.svg?lang=en")
    assert response.headers["content-language"] == "en"
    svg = ElementTree.fromstring(response.text)
    assert texts(layer(svg, "heading")) == ["Expect better service quality"]
    assert texts(layer(svg, "values")) == ["24%", "64%"]
    assert texts(layer(svg, "missing_labels")) == []
    source = SOURCE_EN.format(**await loaded(client))
    assert credits(svg) == f"{source} Licence: none stated by the data owner"


async def test_svg_names_the_configured_licence(database_url):
    licence = "https://data.norge.no/nlod/no/2.0"
    app = create_app(Settings(database_url=database_url, licence=licence))
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            svg = await get_svg(client)
            source = SOURCE_NB.format(**await loaded(client))
    finally:
        app.state.engine.dispose()
    assert credits(svg) == f"{source} Lisens: NLOD 2.0"
    (link,) = layer(svg, "licence").iter(f"{SVG}a")
    assert link.get(f"{XLINK}href") == licence


async def test_a_question_with_no_figure_says_why_in_every_wave(client):
    svg = await get_svg_of(client, "high-priority")
    assert list(bars(layer(svg, "bars"))) == []
    assert list(bars(layer(svg, "missing"))) == [
        "2015: bare omtalt i ord",
        "2017: bare omtalt i ord",
    ]


async def get_svg_of(client: httpx.AsyncClient, code: str) -> ElementTree.Element:
    response = await client.get(f"/charts/indicators/{code}.svg")
    assert response.status_code == 200, response.text
    return ElementTree.fromstring(response.text)


async def test_approximate_and_decimal_values_are_written_as_stored(client):
    planning = await get_svg_of(client, "planning-digital")
    # Sums we computed say so: nær 10 + 32, and 38,9 + 42,5 + 13,3.
    assert texts(layer(planning, "values")) == ["ca. 42\u00a0% (utregnet)"]
    quality = await get_svg_of(client, "ict-contributed-quality")
    assert texts(layer(quality, "values")) == ["94,7\u00a0% (utregnet)"]
    described = bars(layer(quality, "bars"))
    assert list(described) == [
        "2015: 94,7\u00a0% (utregnet: summen av 3 svar; kilden oppgir 95\u00a0%)"
    ]


def png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    assert body[12:16] == b"IHDR"
    width, height = struct.unpack(">II", body[16:24])
    return width, height


async def test_png_is_the_default_size(client):
    response = await client.get(f"{CHART}.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert png_size(response.content) == (charts.DEFAULT_WIDTH, charts.DEFAULT_HEIGHT)


@pytest.mark.parametrize(("width", "height"), [(320, 280), (800, 500), (1600, 1200)])
async def test_png_is_the_size_asked_for(client, width, height):
    response = await client.get(f"{CHART}.png", params={"width": width, "height": height})
    assert response.status_code == 200, response.text
    assert png_size(response.content) == (width, height)


async def test_svg_is_the_size_asked_for(client):
    svg = await get_svg(client, "?width=500&height=300&theme=dark")
    assert (svg.get("width"), svg.get("height")) == ("500", "300")
    background = svg.find(f"{SVG}rect")
    assert background is not None and background.get("fill") == charts.PALETTES["dark"].background


async def test_spec_data_is_the_api_series(client):
    spec = (await client.get(f"{CHART}.vl.json?lang=en")).json()
    indicator = (await client.get("/api/v1/indicators/expected-better-quality?lang=en")).json()
    assert spec["$schema"] == charts.SCHEMA
    assert [(row["wave"], row["value"], row["status"]) for row in spec["data"]["values"]] == [
        (point["wave"], point["value"], point["status"])
        for point in indicator["series"]
        if point["status"] != "no_source"
    ]
    assert [row["value"] for row in spec["data"]["values"]] == [24, 64]
    padding = spec["padding"]
    assert spec["width"] + padding["left"] + padding["right"] == charts.DEFAULT_WIDTH
    assert spec["height"] + padding["top"] + padding["bottom"] == charts.DEFAULT_HEIGHT


async def test_every_indicator_fits_at_the_smallest_and_largest_size(client):
    codes = [item["code"] for item in (await client.get("/api/v1/indicators")).json()["data"]]
    for code in codes:
        for lang in ("nb", "en"):
            for width, height in ((charts.WIDTH[0], charts.HEIGHT[0]), (1600, 1200)):
                query = {"lang": lang, "width": width, "height": height}
                response = await client.get(f"/charts/indicators/{code}.vl.json", params=query)
                assert response.status_code == 200, (code, query, response.text)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("width=319", "width"),
        ("width=1601", "width"),
        ("height=279", "height"),
        ("height=1201", "height"),
        ("width=wide", "width"),
        ("width=-400", "width"),
        ("width=640&width=320", "width"),
        ("theme=blue", "theme"),
        ("lang=de", "lang"),
        ("colour=red", "colour"),
    ],
)
@pytest.mark.parametrize("suffix", [".svg", ".png", ".vl.json"])
async def test_bad_parameters_are_400_problems(client, query, parameter, suffix):
    response = await client.get(f"{CHART}{suffix}?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["parameter"] == parameter


@pytest.mark.parametrize("suffix", [".svg", ".png", ".vl.json"])
async def test_unknown_indicator_is_a_404_problem(client, suffix):
    response = await client.get(f"/charts/indicators/no-such-indicator{suffix}")
    assert response.status_code == 404
    assert response.json() == {
        "type": "/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "There is no indicator with code 'no-such-indicator'",
        "instance": f"/charts/indicators/no-such-indicator{suffix}",
    }


async def test_charts_are_cached_by_release(client):
    first = await client.get(f"{CHART}.svg")
    assert first.headers["cache-control"].startswith("public, max-age=")
    again = await client.get(f"{CHART}.svg", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
