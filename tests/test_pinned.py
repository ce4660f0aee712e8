"""Charts, the widget and oEmbed pinned to a release (`as_of`), after a correction.

One database: the published figures (release 1), then an import that corrects
action-plan in 2017 from 76 to 69 (release 2). Pinned answers keep 76 and name release 1;
live ones show 69.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from api.app import create_app
from api.cli import main
from api.settings import Settings
from tests.conftest import NO_RATE_LIMITS, Databases
from tests.html_helpers import parsed, text_of

pytestmark = pytest.mark.anyio

WIDGET = "/embed/indicators/action-plan"
CHART = "/charts/indicators/action-plan"
NBSP = "\u00a0"
CORRECTION = (
    "survey,wave,question,option,segment,value,status,source\n"
    "kommuneundersokelsen,2017,action-plan,yes,all,69,published,pr17\n"
)


def corrected_database(databases: Databases, folder: Path) -> str:
    """A database with the published figures and one correction: action-plan 2017 is 69."""
    url = databases.new()
    assert main(["seed", "--database-url", url]) == 0
    path = folder / "correction.csv"
    path.write_text(CORRECTION, encoding="utf-8")
    assert main(["import", str(path), "--database-url", url]) == 0
    return url


@pytest.fixture(scope="module")
def corrected_app(
    databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Starlette]:
    url = corrected_database(databases, tmp_path_factory.mktemp("pinned"))
    app = create_app(Settings(database_url=url, **NO_RATE_LIMITS))
    yield app
    app.state.engine.dispose()


@pytest.fixture
async def client(corrected_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=corrected_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def released(client: httpx.AsyncClient, number: int) -> str:
    """The day release `number` was loaded."""
    release = (await client.get(f"/api/v1/releases/{number}")).json()
    return str(release["created_at"][:10])


async def test_a_pinned_widget_keeps_its_figures_and_says_a_newer_release_changed_them(client):
    response = await client.get(WIDGET, params={"as_of": "1"})
    assert response.status_code == 200
    page = parsed(response.text)
    assert text_of(page.find(".//p[@class='latest']")) == (
        f"76{NBSP}% i 2017 (+8 prosentpoeng siden 2015)"
    )
    day = await released(client, 1)
    assert text_of(page.find(".//p[@class='credit']")).endswith(f"datautgave 1 ({day})")
    note = page.find(".//p[@class='pinned']")
    assert text_of(note) == (
        f"Tall fra datautgave 1 ({day}). Datautgave 2 har nyere tall. Se de nyeste tallene"
    )
    assert note.find("a").get("href") == f"http://testserver{WIDGET}"
    more = page.find(".//p[@class='more']/a").get("href")
    assert more == "http://testserver/api/v1/indicators/action-plan?lang=nb&as_of=1"


async def test_a_pinned_widget_in_english_keeps_its_other_parameters_in_the_live_link(client):
    query = {"lang": "en", "as_of": "1", "theme": "dark"}
    page = parsed((await client.get(WIDGET, params=query)).text)
    note = page.find(".//p[@class='pinned']")
    day = await released(client, 1)
    assert text_of(note) == (
        f"Figures from release 1 ({day}). Release 2 has newer figures. See the latest figures"
    )
    assert note.find("a").get("href") == f"http://testserver{WIDGET}?lang=en&theme=dark"


async def test_a_widget_pinned_to_the_newest_release_says_only_which_it_is(client):
    page = parsed((await client.get(WIDGET, params={"as_of": "2"})).text)
    assert text_of(page.find(".//p[@class='latest']")).startswith(f"69{NBSP}% i 2017")
    day = await released(client, 2)
    assert text_of(page.find(".//p[@class='pinned']")) == f"Tall fra datautgave 2 ({day})."


async def test_a_pinned_widget_whose_figures_no_release_changed_says_only_which_it_is(client):
    page = parsed((await client.get("/embed/indicators/expected-better-quality?as_of=1")).text)
    day = await released(client, 1)
    assert text_of(page.find(".//p[@class='pinned']")) == f"Tall fra datautgave 1 ({day})."


async def test_a_live_widget_says_nothing_of_releases_beyond_its_credit(client):
    page = parsed((await client.get(WIDGET)).text)
    assert text_of(page.find(".//p[@class='latest']")) == (
        f"69{NBSP}% i 2017 (+1 prosentpoeng siden 2015)"
    )
    assert page.find(".//p[@class='pinned']") is None


async def test_a_widget_pinned_by_a_date_shows_the_release_loaded_by_then(client):
    day = await released(client, 2)
    page = parsed((await client.get(WIDGET, params={"as_of": day})).text)
    assert text_of(page.find(".//p[@class='pinned']")) == f"Tall fra datautgave 2 ({day})."


@pytest.mark.parametrize(
    ("path", "as_of", "title"),
    [
        (WIDGET, "soon", "Invalid parameter"),
        (WIDGET, "3", "Unknown code"),
        (f"{CHART}.svg", "0", "Invalid parameter"),
        (f"{CHART}.png", "2015-13-01", "Invalid parameter"),
        (f"{CHART}.vl.json", "1999-01-01", "Unknown code"),
    ],
)
async def test_a_bad_as_of_is_a_400_problem(client, path, as_of, title):
    response = await client.get(path, params={"as_of": as_of})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["title"] == title
    assert problem["errors"][0]["parameter"] == "as_of"


async def test_a_pinned_chart_draws_the_figures_of_its_release_and_credits_it(client):
    pinned = (await client.get(f"{CHART}.vl.json", params={"as_of": "1"})).json()
    live = (await client.get(f"{CHART}.vl.json")).json()
    assert [row["value"] for row in pinned["data"]["values"]] == [68, 76]
    assert [row["value"] for row in live["data"]["values"]] == [68, 69]
    credits = {
        name: " ".join(next(layer for layer in spec["layer"] if layer["name"] == "credits")
                       ["mark"]["text"])
        for name, spec in (("pinned", pinned), ("live", live))
    }  # fmt: skip
    assert re.search(r"datautgave 1 \(\d{4}-\d\d-\d\d\)", credits["pinned"])
    assert re.search(r"datautgave 2 \(\d{4}-\d\d-\d\d\)", credits["live"])
    svg = (await client.get(f"{CHART}.svg", params={"as_of": "1"})).text
    assert f">76{NBSP}%<" in svg and f">69{NBSP}%<" not in svg


async def test_a_chart_pinned_to_a_release_number_is_kept_longer_and_still_validates(client):
    pinned = await client.get(f"{CHART}.svg", params={"as_of": "1"})
    assert pinned.headers["cache-control"] == "public, max-age=86400, immutable"
    again = await client.get(
        f"{CHART}.svg", params={"as_of": "1"}, headers={"If-None-Match": pinned.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.headers["cache-control"] == "public, max-age=86400, immutable"
    assert again.headers["etag"] == pinned.headers["etag"]
    # A date may name a release loaded later; a widget says whether newer figures exist.
    day = await released(client, 2)
    for path, query in (
        (f"{CHART}.svg", {"as_of": day}),
        (WIDGET, {"as_of": "1"}),
        (CHART + ".svg", {}),
    ):
        answer = await client.get(path, params=query)
        assert answer.headers["cache-control"].startswith("public, max-age=300,"), (path, query)
    live = await client.get(f"{CHART}.svg")
    assert live.headers["etag"] != pinned.headers["etag"]


def iframe_src(html: str) -> str:
    found = re.search(r'<iframe src="([^"]+)"', html)
    assert found, html
    return found[1].replace("&amp;", "&")


@pytest.mark.parametrize(
    ("query", "pin"),
    [
        ({"url": f"http://testserver{WIDGET}?as_of=1"}, "1"),
        ({"url": "http://testserver/api/v1/indicators/action-plan?as_of=1"}, "1"),
        ({"url": f"http://testserver{WIDGET}", "as_of": "1"}, "1"),
        ({"url": f"http://testserver{WIDGET}?as_of=2", "as_of": "1"}, "2"),  # the url's wins
        ({"url": f"http://testserver{WIDGET}"}, None),
    ],
)
async def test_oembed_of_a_pinned_url_gives_a_pinned_iframe(client, query, pin):
    body = (await client.get("/oembed", params=query)).json()
    src = iframe_src(body["html"])
    pinned = "" if pin is None else f"&as_of={pin}"
    assert src == f"http://testserver{WIDGET}?lang=nb{pinned}&width=600&height=360"
    widget = await client.get(src.removeprefix("http://testserver"))
    assert widget.status_code == 200


async def test_oembed_pins_a_date_to_the_release_it_names(client):
    day = await released(client, 2)
    body = (
        await client.get("/oembed", params={"url": f"http://testserver{WIDGET}?as_of={day}"})
    ).json()
    assert "as_of=2&" in iframe_src(body["html"])
