"""The front page (/): every indicator with its chart and latest value, in two languages."""

from __future__ import annotations

import httpx
import pytest

from api import wording
from tests.html_helpers import checked, parsed, text_of

pytestmark = pytest.mark.anyio


async def expected_latest(client: httpx.AsyncClient, code: str, lang: str) -> str:
    """The latest value as the API serves it, worded as a page words it."""
    series = (await client.get(f"/api/v1/indicators/{code}")).json()["series"]
    with_value = [point for point in series if point["value"] is not None]
    if not with_value:
        return {"nb": "Ingen tall er publisert for denne indikatoren.",
                "en": "No figure is published for this indicator."}[lang]  # fmt: skip
    latest = with_value[-1]
    shown = wording.percent(latest["value"], lang)
    statuses = {latest["status"], *(part["status"] for part in latest["parts"])}
    if "approximate" in statuses:
        shown = {"nb": "ca. ", "en": "approx. "}[lang] + shown
    if latest["status"] == "derived":
        said = {"nb": "utregnet: summen av {} svar", "en": "derived: the sum of {} answers"}
        shown += f" ({said[lang].format(len(latest['parts']))}"
        if total := latest["published_total"]:
            printed = {"nb": "kilden oppgir", "en": "the source prints"}[lang]
            shown += f"; {printed} {wording.percent(total['value'], lang)}"
        shown += ")"
    return shown


@pytest.mark.parametrize("lang", ["nb", "en"])
async def test_front_page_lists_every_indicator_with_its_latest_value(client, lang):
    response = await client.get("/", params={"lang": lang})
    assert response.status_code == 200
    assert response.headers["content-language"] == lang
    page = parsed(response.text)
    articles = {article.get("id"): article for article in page.iter("article")}
    indicators = (await client.get("/api/v1/indicators", params={"lang": lang})).json()["data"]
    assert list(articles) == [indicator["code"] for indicator in indicators]
    for indicator in indicators:
        article = articles[indicator["code"]]
        assert text_of(article.find("h3")) == indicator["title"]
        latest = article.find(".//p[@class='latest']")
        shown = latest.find("strong")
        expected = await expected_latest(client, indicator["code"], lang)
        assert text_of(shown if shown is not None else latest) == expected
        assert article.find(".//div[@class='chart']/{http://www.w3.org/2000/svg}svg") is not None


async def test_front_page_shows_24_and_64_in_its_chart(client):
    page = parsed((await client.get("/")).text)
    article = page.find(".//article[@id='expected-better-quality']")
    chart = text_of(article.find(".//div[@class='chart']"))
    assert "24\u00a0%" in chart and "64\u00a0%" in chart
    assert text_of(article.find(".//p[@class='latest']")) == (
        "64\u00a0% i 2017 (+40 prosentpoeng siden 2015)"
    )


async def test_front_page_is_valid_html_with_assets_from_here_only(client):
    response = await client.get("/")
    elements = checked(response.text)
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "style-src 'self'" in policy
    assets = [link for link in elements.links if link.startswith("/static/")]
    assert sorted(assets) == ["/static/favicon.svg", "/static/site.css"]
    for asset in assets:
        assert (await client.get(asset)).status_code == 200
    assert "<script" not in response.text


async def test_front_page_links_to_the_ways_in(client):
    elements = checked((await client.get("/")).text)
    for link in (
        "/graphql",
        "/docs",
        "/catalog",
        "/api/v1/surveys/kommuneundersokelsen/data?format=csv&lang=nb",
        "/api/v1/surveys/kommuneundersokelsen/data?format=jsonstat&lang=nb",
        "/?lang=en",
    ):
        assert link in elements.links
    for link in elements.links:
        if link.startswith("/") and not link.startswith("/static/"):
            assert (await client.get(link)).status_code == 200, link


async def test_front_page_in_english_links_back_to_norwegian(client):
    response = await client.get("/?lang=en")
    page = parsed(response.text)
    assert page.get("lang") == "en"
    assert text_of(page.find(".//h1")) == "kommunedigi: Kommuneundersøkelsen as open data"
    switch = page.find(".//nav/a")
    assert (switch.get("href"), text_of(switch), switch.get("lang")) == (
        "/?lang=nb",
        "Norsk bokmål",
        "nb",
    )


async def test_front_page_names_its_sources(client):
    page = parsed((await client.get("/")).text)
    sources = page.find(".//section[@aria-labelledby='sources']")
    listed = [text_of(item) for item in sources.iter("li")]
    assert [item.split(":")[0] for item in listed] == [
        "Computerworld Norge",
        "EVRY",
        "Kommunal Rapport",
        "EVRY",
    ]
    assert "Kommuneundersøkelsen 2017 (2018-01-24)." in listed[3]


@pytest.mark.parametrize("query", ["lang=de", "page=2"])
async def test_front_page_rejects_bad_parameters(client, query):
    response = await client.get(f"/?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
