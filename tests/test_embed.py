"""The widget (/embed/indicators/{code}) and oEmbed (/oembed)."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from api.app import create_app
from api.cli import main
from api.settings import Settings
from api.web import charts
from api.web.pinned_words import PINNED_WORDS
from tests.conftest import ROOT
from tests.html_helpers import checked, foreign_links, parsed, text_of

pytestmark = pytest.mark.anyio

EMBED = "/embed/indicators/expected-better-quality"
NBSP = "\u00a0"


async def test_widget_is_valid_html_that_loads_nothing_from_elsewhere(client):
    response = await client.get(EMBED)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-language"] == "nb"
    elements = checked(response.text)
    assert response.text.startswith("<!doctype html>")
    assert foreign_links(elements.links, "testserver") == []
    assert "http://testserver/api/v1/indicators/expected-better-quality?lang=nb" in elements.links


async def loaded(client):
    """The release served and the day it was loaded, as credits name them."""
    release = (await client.get("/health")).json()["release"]
    return release["id"], release["created_at"][:10]


async def test_widget_shows_the_latest_value_its_change_and_the_credit(client):
    page = parsed((await client.get(EMBED)).text)
    assert text_of(page.find(".//p[@class='latest']")) == (
        f"64{NBSP}% i 2017 (+40 prosentpoeng siden 2015)"
    )
    number, day = await loaded(client)
    assert text_of(page.find(".//p[@class='credit']")) == (
        "Kilde: Kommuneundersøkelsen 2015 og 2017, EVRY/NyAnalyse (2018);"
        f" kommunedigi, datautgave {number} ({day})"
    )
    chart = page.find(".//div[@class='chart']")
    # An image to a reader, named by its figures; the table below says the same.
    svg = chart.find("{http://www.w3.org/2000/svg}svg")
    assert svg.get("role") == "img"
    assert text_of(svg.find("{http://www.w3.org/2000/svg}title")) == (
        f"Forventer bedre tjenestekvalitet: 2015: 24{NBSP}%, 2017: 64{NBSP}%"
    )
    assert f"24{NBSP}%" in text_of(chart) and f"64{NBSP}%" in text_of(chart)


async def test_widget_has_a_data_table_for_screen_readers(client):
    page = parsed((await client.get(EMBED)).text)
    table = page.find(".//table")
    assert text_of(table.find("caption")) == "Forventer bedre tjenestekvalitet: verdi per år"
    assert [(th.get("scope"), text_of(th)) for th in table.findall("thead/tr/th")] == [
        ("col", "År"),
        ("col", "Verdi"),
        ("col", "Kilde"),
    ]
    rows = [[text_of(cell) for cell in row] for row in table.findall("tbody/tr")]
    assert rows == [
        ["2015", f"24{NBSP}%", "EVRY, «Kommuneundersøkelsen 2017», 2018-01-24"],
        ["2017", f"64{NBSP}%", "EVRY, «Kommuneundersøkelsen 2017», 2018-01-24"],
    ]
    assert {row.find("th").get("scope") for row in table.findall("tbody/tr")} == {"row"}


async def test_a_change_of_one_point_is_singular_in_english(fresh_database_url, tmp_path):
    """68 in 2015, 69 in 2017: "+1 percentage point"; bokmål says "prosentpoeng" for any."""
    assert main(["seed", "--database-url", fresh_database_url]) == 0
    path = tmp_path / "shares.csv"
    path.write_text(
        "survey,wave,question,option,segment,value,status,source\n"
        "kommuneundersokelsen,2017,action-plan,yes,all,69,published,pr17\n",
        encoding="utf-8",
    )
    assert main(["import", str(path), "--database-url", fresh_database_url]) == 0
    app = create_app(Settings(database_url=fresh_database_url))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        latest = {}
        for lang in ("en", "nb"):
            response = await client.get("/embed/indicators/action-plan", params={"lang": lang})
            latest[lang] = text_of(parsed(response.text).find(".//p[@class='latest']"))
    app.state.engine.dispose()
    assert latest == {
        "en": "69% in 2017 (+1 percentage point since 2015)",
        "nb": f"69{NBSP}% i 2017 (+1 prosentpoeng siden 2015)",
    }


async def test_widget_in_english(client):
    response = await client.get(EMBED, params={"lang": "en", "theme": "dark"})
    assert response.headers["content-language"] == "en"
    page = parsed(response.text)
    assert page.get("lang") == "en"
    assert page.find("body").get("class") == "dark"
    assert text_of(page.find(".//p[@class='latest']")) == (
        "64% in 2017 (+40 percentage points since 2015)"
    )
    number, day = await loaded(client)
    assert text_of(page.find(".//p[@class='credit']")) == (
        "Source: Kommuneundersøkelsen 2015 and 2017, EVRY/NyAnalyse (2018);"
        f" kommunedigi, release {number} ({day})"
    )


async def test_widget_of_an_indicator_without_a_figure(client):
    page = parsed((await client.get("/embed/indicators/high-priority")).text)
    latest = text_of(page.find(".//p[@class='latest']"))
    assert latest == "Ingen tall er publisert for denne indikatoren."
    # Credited to the waves a source speaks of, here only in words.
    number, day = await loaded(client)
    credit = text_of(page.find(".//p[@class='credit']"))
    assert credit == (
        "Kilde: Kommuneundersøkelsen 2015 og 2017, EVRY/NyAnalyse (2018);"
        f" kommunedigi, datautgave {number} ({day})"
    )


async def test_widget_of_a_2015_only_indicator_credits_2015_and_no_year(client):
    page = parsed((await client.get("/embed/indicators/ict-contributed-quality")).text)
    number, day = await loaded(client)
    credit = text_of(page.find(".//p[@class='credit']"))
    assert credit == (
        "Kilde: Kommuneundersøkelsen 2015, EVRY/NyAnalyse (udatert);"
        f" kommunedigi, datautgave {number} ({day})"
    )


async def test_widget_may_be_framed_anywhere_and_loads_only_its_height_script(client):
    response = await client.get(EMBED)
    directives = response.headers["content-security-policy"].split(";")
    policy = dict(directive.strip().split(" ", 1) for directive in directives)
    assert policy["frame-ancestors"] == "*"
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert "x-frame-options" not in response.headers
    # The one inline style sheet is allowed by its digest, and nothing else is.
    styles = checked(response.text).styles
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    assert policy["style-src"] == f"'sha256-{digest}'"
    scripts = [script.get("src") for script in parsed(response.text).iter("script")]
    assert scripts == ["/static/embed-height.js"]


@pytest.mark.parametrize(
    ("script", "says"),
    [
        ("embed-height.js", "kommunedigi:height"),  # the widget tells its height
        ("kommunedigi-embed.js", "event.origin"),  # the host believes only the frame's origin
    ],
)
async def test_the_sizing_scripts_are_served_as_javascript(client, script, says):
    response = await client.get(f"/static/{script}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        ("text/javascript", "application/javascript")
    )
    assert says in response.text


def test_pinned_words_are_written_in_bokmal_nynorsk_and_english():
    assert set(PINNED_WORDS) == {"nb", "nn", "en"}
    keys = {language: set(words) for language, words in PINNED_WORDS.items()}
    assert keys["nn"] == keys["nb"] == keys["en"]
    assert PINNED_WORDS["nn"]["shows"] == "Tal frå datautgåve {release} ({day})."


async def test_widget_links_to_its_oembed(client):
    page = parsed((await client.get(EMBED + "?lang=en")).text)
    link = page.find(".//link[@type='application/json+oembed']")
    query = parse_qs(urlsplit(link.get("href")).query)
    assert query == {"url": [f"http://testserver{EMBED}?lang=en"], "format": ["json"]}


@pytest.mark.parametrize(("query", "status"), [("width=100", 400), ("bogus=1", 400)])
async def test_widget_rejects_bad_parameters(client, query, status):
    response = await client.get(f"{EMBED}?{query}")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


async def test_widget_of_an_unknown_indicator_is_a_404(client):
    response = await client.get("/embed/indicators/no-such-indicator")
    assert response.status_code == 404
    assert response.json()["type"] == "/problems/not-found"


# oEmbed --------------------------------------------------------------------------------


def iframe(html: str) -> dict[str, str]:
    found = re.fullmatch(r"<iframe (.*)></iframe>", html)
    assert found, html
    return dict(re.findall(r'(\w+)="([^"]*)"', found[1]))


async def test_oembed_of_a_widget(client):
    response = await client.get("/oembed", params={"url": f"http://testserver{EMBED}"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    html = body.pop("html")
    assert body == {
        "version": "1.0",
        "type": "rich",
        "title": "Forventer bedre tjenestekvalitet",
        "author_name": "EVRY/NyAnalyse",
        "provider_name": "kommunedigi",
        "provider_url": "http://testserver/",
        "cache_age": 300,
        "width": 600,
        "height": 459,  # the chart, 360 drawn and 346 shown, and the text below it
    }
    attributes = iframe(html)
    assert attributes["src"] == f"http://testserver{EMBED}?lang=nb&amp;width=600&amp;height=360"
    assert (attributes["width"], attributes["height"]) == ("600", str(body["height"]))
    assert attributes["title"] == "Forventer bedre tjenestekvalitet"


async def test_oembed_of_an_indicator_url_in_english_within_limits(client):
    url = "http://testserver/api/v1/indicators/expected-better-quality?lang=en"
    response = await client.get(
        "/oembed", params={"url": url, "maxwidth": 400, "maxheight": 450, "format": "json"}
    )
    body = response.json()
    assert body["title"] == "Expect better service quality"
    src = iframe(body["html"])["src"].replace("&amp;", "&")
    assert src == f"http://testserver{EMBED}?lang=en&width=400&height=280"
    assert (body["width"], body["height"]) == (400, 414)
    widget = await client.get(src.removeprefix("http://testserver"))
    assert widget.status_code == 200


@pytest.mark.parametrize("max_width", [240, 241, 320])
async def test_oembed_gives_a_narrower_widget_down_to_240(client, max_width):
    url = f"http://testserver{EMBED}"
    body = (await client.get("/oembed", params={"url": url, "maxwidth": max_width})).json()
    assert body["width"] == max_width
    src = iframe(body["html"])["src"].replace("&amp;", "&")
    query = parse_qs(urlsplit(src).query)
    assert query["width"] == [str(max_width)]
    # The chart is as tall as this indicator's chart needs at that width, or taller.
    assert int(query["height"][0]) >= charts.HEIGHT[0]
    widget = await client.get(src.removeprefix("http://testserver"))
    assert widget.status_code == 200


async def test_oembed_says_the_least_maxheight_that_fits(client):
    url = f"http://testserver{EMBED}"
    response = await client.get("/oembed", params={"url": url, "maxheight": 381})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "parameter": "maxheight",
            "detail": "maxheight=381 is less than this widget needs at width 600:"
            " give at least maxheight=382",
        }
    ]
    fitted = (await client.get("/oembed", params={"url": url, "maxheight": 382})).json()
    assert (fitted["width"], fitted["height"]) == (600, 382)
    assert iframe(fitted["html"])["src"].endswith("width=600&amp;height=280")


async def test_oembed_answers_501_for_a_format_it_does_not_speak(client):
    url = f"http://testserver{EMBED}"
    response = await client.get("/oembed", params={"url": url, "format": "xml"})
    assert response.status_code == 501
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "/problems/format-not-implemented",
        "title": "Format not implemented",
        "status": 501,
        "detail": "format='xml' is not offered; oEmbed here is JSON only: json",
        "instance": "/oembed",
    }


@pytest.mark.parametrize(
    ("query", "status", "parameter"),
    [
        ({}, 400, "url"),
        ({"url": "expected-better-quality"}, 400, "url"),
        ({"url": f"http://testserver{EMBED}?lang=de"}, 400, "url"),
        ({"url": f"http://testserver{EMBED}", "maxwidth": "239"}, 400, "maxwidth"),
        ({"url": f"http://testserver{EMBED}", "maxheight": "100"}, 400, "maxheight"),
        ({"url": f"http://testserver{EMBED}", "maxheight": "300"}, 400, "maxheight"),
        ({"url": f"http://testserver{EMBED}?as_of=soon"}, 400, "url"),
        ({"url": f"http://testserver{EMBED}?as_of=1&as_of=2"}, 400, "url"),
        ({"url": f"http://testserver{EMBED}?as_of=99"}, 400, "url"),
        ({"url": f"http://testserver{EMBED}", "as_of": "soon"}, 400, "as_of"),
        ({"url": f"http://testserver{EMBED}", "maxwidth": "wide"}, 400, "maxwidth"),
        ({"url": f"http://testserver{EMBED}", "callback": "f"}, 400, "callback"),
        ({"url": f"http://elsewhere.example{EMBED}"}, 404, None),
        ({"url": "http://testserver/embed/indicators/no-such-indicator"}, 404, None),
        ({"url": "http://testserver/api/v1/questions/expected-effects"}, 404, None),
    ],
)
async def test_oembed_problems(client, query, status, parameter):
    response = await client.get("/oembed", params=query)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    if parameter is not None:
        assert problem["errors"][0]["parameter"] == parameter


async def test_readme_shows_the_iframe_oembed_gives(client):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (shown,) = re.findall(r"```html\n\s*(<iframe .*?</iframe>)\n", readme)
    widget = "http://127.0.0.1:8000/embed/indicators/expected-better-quality"
    response = await client.get(
        "/oembed", params={"url": widget}, headers={"Host": "127.0.0.1:8000"}
    )
    assert response.json()["html"] == shown


async def test_oembed_shrinks_the_chart_to_fit_maxheight(client):
    url = f"http://testserver{EMBED}"
    body = (await client.get("/oembed", params={"url": url, "maxheight": 420})).json()
    assert (body["width"], body["height"]) == (600, 420)
    assert iframe(body["html"])["src"].endswith("width=600&amp;height=319")
