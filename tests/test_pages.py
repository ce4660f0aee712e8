"""The page of each indicator (/indicators/{code}) and question (/questions/{code}).

Read as a browser and a link preview read them: the figures with their statuses, the
citation the API gives, the card tags whose picture is the chart in the og preset, the
links to the page from the front page and the catalog, and a page pinned to a release.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import struct
from typing import Any

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT

from api.app import create_app
from api.cli import main
from api.http import caching
from api.settings import Settings
from tests.html_helpers import checked, parsed, text_of

pytestmark = pytest.mark.anyio

NBSP = "\u00a0"
HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}


def png_size(image: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header: its signature, then the IHDR chunk."""
    assert image[:8] == b"\x89PNG\r\n\x1a\n" and image[12:16] == b"IHDR"
    width, height = struct.unpack(">II", image[16:24])
    return width, height


def meta(page: Any) -> dict[str, str]:
    """The head's <meta property|name=… content=…> tags."""
    found = {}
    for tag in page.iter("meta"):
        key = tag.get("property") or tag.get("name")
        if key:
            found[key] = tag.get("content")
    return found


def cells(page: Any, caption_starts: str) -> list[list[str]]:
    """The body rows of the table whose caption starts so, as the texts of their cells."""
    for table in page.iter("table"):
        caption = table.find("caption")
        if caption is not None and text_of(caption).startswith(caption_starts):
            return [[text_of(cell) for cell in row] for row in table.find("tbody")]
    raise AssertionError(f"no table captioned {caption_starts!r}")


async def test_indicator_page_shows_24_and_64_and_its_citation(client):
    response = await client.get("/indicators/expected-better-quality")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-language"] == "nb"
    front = await client.get("/")
    # The front page's policy: nothing from another origin, no script.
    assert response.headers["content-security-policy"] == front.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in response.text
    checked(response.text)
    page = parsed(response.text)
    assert text_of(page.find(".//h1")) == "Forventer bedre tjenestekvalitet"
    rows = cells(page, "Forventer bedre tjenestekvalitet: verdi per år")
    assert [row[:3] for row in rows] == [
        ["2015", f"24{NBSP}%", "publisert"],
        ["2017", f"64{NBSP}%", "publisert"],
    ]
    chart = page.find(".//figure")
    assert "24\u00a0%" in text_of(chart.find(".//div[@class='chart']"))
    # The chart said in words, for those who cannot see it.
    assert f"2015: 24{NBSP}%, 2017: 64{NBSP}%" in text_of(chart.find("figcaption"))
    citation = await client.get("/api/v1/indicators/expected-better-quality/citation")
    shown = text_of(page.find(".//blockquote[@class='citation']"))
    assert shown == citation.json()["text"]


async def test_action_plan_page_shows_its_figures_with_their_sources_and_locators(client):
    page = parsed((await client.get("/indicators/action-plan?lang=en")).text)
    rows = cells(page, "Say the action plan mentions digitalisation: value by year")
    assert [row[:3] for row in rows] == [["2015", "68%", "published"], ["2017", "76%", "published"]]
    shares = cells(page, "The answer shares with their sources")
    api = (await client.get("/api/v1/shares?question=action-plan&lang=en")).json()["data"]
    assert [(row[0], row[3], row[6]) for row in shares] == [
        (str(share["wave"]), f"{share['value']:g}%", share["locator"] or "") for share in api
    ]
    sources = text_of(page.find(".//section[@aria-labelledby='sources']"))
    assert "Kommuneundersøkelsen 2017" in sources


async def test_a_derived_value_shows_its_parts(client):
    page = parsed((await client.get("/indicators/ict-contributed-quality?lang=en")).text)
    [row] = cells(page, "Say ICT raised service quality: value by year")
    assert row[:4] == [
        "2015",
        "94.7% (derived: the sum of 3 answers; the source prints 95%)",
        "derived",
        "To a moderate degree: 38.9%; To a high degree: 42.5%; To a very high degree: 13.3%",
    ]


async def test_card_tags_name_the_page_and_a_1200_by_630_chart(client):
    response = await client.get("/indicators/action-plan?lang=en")
    page = parsed(response.text)
    tags = meta(page)
    canonical = page.find(".//link[@rel='canonical']").get("href")
    assert canonical == "http://testserver/indicators/action-plan?lang=en"
    assert tags["og:url"] == canonical
    assert tags["og:title"] == text_of(page.find(".//h1"))
    assert tags["og:description"].startswith("Share of municipalities")
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["og:image"] == tags["twitter:image"]
    assert tags["og:image"].startswith("http://testserver/charts/indicators/action-plan.png?")
    image = await client.get(tags["og:image"])
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert png_size(image.content) == (1200, 630)
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")


async def test_png_presets_and_an_unknown_one(client):
    square = await client.get("/charts/indicators/action-plan.png?preset=square")
    assert png_size(square.content) == (1080, 1080)
    unknown = await client.get("/charts/indicators/action-plan.png?preset=banner")
    assert unknown.status_code == 400
    assert unknown.headers["content-type"] == "application/problem+json"
    assert unknown.json()["errors"][0]["parameter"] == "preset"
    sized = await client.get("/charts/indicators/action-plan.png?preset=og&width=400")
    assert sized.status_code == 400 and sized.json()["errors"][0]["parameter"] == "width"


async def test_question_page_shows_its_options_figures_and_statuses(client):
    response = await client.get("/questions/expected-effects?lang=en")
    assert response.status_code == 200
    checked(response.text)
    page = parsed(response.text)
    rows = cells(page, "The answer shares with their sources")
    shown = {(row[0], row[1]): (row[3], row[4]) for row in rows}
    assert shown[("2015", "Better service quality")] == ("24%", "published")
    assert shown[("2017", "Better service quality")] == ("64%", "published")
    # A figure the source names without a number: why, in a box of its own.
    assert shown[("2017", "Faster case handling/shorter response times")] == (
        "not published",
        "not published",
    )
    boxes = [text_of(cell) for cell in page.iter("td") if cell.get("class") == "missing"]
    assert boxes and set(boxes) == {"not published"}
    indicators = {a.get("href") for a in page.iter("a") if a.get("href", "").startswith("/ind")}
    assert "/indicators/expected-better-quality?lang=en" in indicators


async def test_every_link_of_a_page_answers(client):
    """Downloads, charts, citations and the pages it links to (BibTeX and RIS come with the
    citation formats)."""
    for path in ("/indicators/action-plan", "/questions/ict-contributed-quality?lang=en"):
        elements = checked((await client.get(path)).text)
        for link in elements.links:
            if "format=bibtex" in link or "format=ris" in link:
                continue
            if link.startswith(("/", "http://testserver/")):
                assert (await client.get(link)).status_code == 200, link


async def test_embed_code_frames_the_widget(client):
    page = parsed((await client.get("/indicators/action-plan")).text)
    code = text_of(page.find(".//textarea"))
    src = re.search(r'src="([^"]+)"', code)
    assert code.startswith("<iframe ") and src is not None
    # The iframe /oembed gives, and the script that lets it size itself.
    oembed = await client.get(
        "/oembed", params={"url": "http://testserver/embed/indicators/action-plan?lang=nb"}
    )
    assert code.split("<script")[0].strip() == oembed.json()["html"]
    assert html.unescape(src[1]).startswith("http://testserver/embed/indicators/action-plan?")
    assert (await client.get(html.unescape(src[1]))).status_code == 200
    assert "/static/kommunedigi-embed.js" in code


@pytest.mark.parametrize("path", ["/indicators/no-such-indicator", "/questions/no-such-question"])
async def test_unknown_code_is_a_404_page_for_a_browser_and_a_problem_otherwise(client, path):
    page = await client.get(path, headers=HTML)
    assert page.status_code == 404
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "no-such-" in text_of(parsed(page.text).find(".//main"))
    checked(page.text)
    problem = await client.get(path)
    assert problem.status_code == 404
    assert problem.headers["content-type"] == "application/problem+json"
    assert problem.json()["type"] == "/problems/not-found"


async def test_front_page_links_to_every_indicator_and_question_page(client):
    links = set(checked((await client.get("/")).text).links)
    indicators = (await client.get("/api/v1/indicators")).json()["data"]
    questions = (await client.get("/api/v1/questions")).json()["data"]
    assert indicators and questions
    for item in indicators:
        assert f"/indicators/{item['code']}?lang=nb" in links
    for item in questions:
        assert f"/questions/{item['code']}?lang=nb" in links


async def test_catalog_gives_the_pages_as_landing_pages(client):
    graph = Graph().parse(data=(await client.get("/catalog")).text, format="turtle")
    pages = {str(page) for page in graph.objects(None, DCAT.landingPage)}
    assert "http://testserver/indicators/expected-better-quality" in pages
    assert "http://testserver/questions/expected-effects" in pages
    for page in pages - {"http://testserver/api/v1/surveys/kommuneundersokelsen"}:
        response = await client.get(page.removeprefix("http://testserver"))
        assert response.status_code == 200, page
    assert URIRef("http://testserver/indicators/action-plan") in set(
        graph.objects(None, DCAT.landingPage)
    )


async def test_a_page_is_kept_by_release_and_day_as_its_citation_is(client, monkeypatch):
    path = "/indicators/action-plan"
    first = await client.get(path)
    assert "public" in first.headers["cache-control"]
    again = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    monkeypatch.setattr(caching, "today", lambda: tomorrow)
    next_day = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert next_day.status_code == 200
    assert f"lest {tomorrow.isoformat()}" in next_day.text


async def test_an_unknown_parameter_or_release_is_a_400(client):
    response = await client.get("/indicators/action-plan?colour=red")
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "colour"
    response = await client.get("/questions/action-plan?as_of=99")
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "as_of"


# A page pinned to a release, after a correction ----------------------------------------

SHARES_HEADER = (
    "survey,wave,question,option,segment,value,base_n,status,source,locator,note_nb,note_en"
)
CORRECTION = "kommuneundersokelsen,2017,action-plan,yes,all,77,,published,pr17,,,"


@pytest.fixture(scope="module")
def corrected_app(databases, tmp_path_factory):
    """The seed (release 1), then action-plan 2017 corrected from 76 to 77 (release 2)."""
    url = databases.new()
    assert main(["seed", "--database-url", url]) == 0
    path = tmp_path_factory.mktemp("correction") / "shares.csv"
    path.write_text(f"{SHARES_HEADER}\n{CORRECTION}\n", encoding="utf-8")
    message = "Corrected action plan 2017"
    assert main(["import", str(path), "--database-url", url, "--message", message]) == 0
    app = create_app(Settings(database_url=url, release_check_seconds=0))
    yield app
    app.state.engine.dispose()


@pytest.fixture
async def corrected(corrected_app):
    transport = httpx.ASGITransport(app=corrected_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_history_lists_the_release_that_changed_a_figure(corrected):
    page = parsed((await corrected.get("/indicators/action-plan?lang=en")).text)
    history = page.find(".//section[@aria-labelledby='history']")
    headings = [text_of(h) for h in history.iter("h3")]
    assert [h.split(" (")[0] for h in headings] == ["Data release 2", "Data release 1"]
    [row] = cells(page, "Data release 2")
    assert row == [
        "2017",
        "Yes, mentioned in the action plan",
        "All responding municipalities",
        "changed",
        "76% → 77%",
    ]
    series = cells(page, "Say the action plan mentions digitalisation")
    assert [row[1] for row in series] == ["68%", "77%"]


async def test_a_pinned_page_shows_its_release_and_says_a_newer_one_exists(corrected):
    response = await corrected.get("/indicators/action-plan?lang=en&as_of=1")
    assert response.status_code == 200
    checked(response.text)
    page = parsed(response.text)
    series = cells(page, "Say the action plan mentions digitalisation")
    assert [row[1] for row in series] == ["68%", "76%"]
    pinned = text_of(page.find(".//p[@class='pinned']"))
    assert "data release 1" in pinned and "A newer data release exists: 2" in pinned
    history = page.find(".//section[@aria-labelledby='history']")
    assert [text_of(h).split(" (")[0] for h in history.iter("h3")] == ["Data release 1"]
    canonical = page.find(".//link[@rel='canonical']").get("href")
    assert canonical == "http://testserver/indicators/action-plan?lang=en&as_of=1"
    downloads = page.find(".//section[@aria-labelledby='downloads']")
    csv_link = next(a.get("href") for a in downloads.iter("a") if text_of(a) == "CSV")
    assert "as_of=1" in csv_link
    assert "76" in (await corrected.get(csv_link)).text
    question = parsed((await corrected.get("/questions/action-plan?lang=en&as_of=1")).text)
    assert [row[3] for row in cells(question, "The answer shares")] == ["68%", "76%"]
