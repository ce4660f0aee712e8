"""Citations: /api/v1/indicators/{code}/citation and /api/v1/questions/{code}/citation."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.anyio

CSL = "application/vnd.citationstyles.csl+json"
INDICATOR = "/api/v1/indicators/expected-better-quality"
QUESTION = "/api/v1/questions/ict-contributed-quality"
E15 = "https://www.evry.com/en/what-we-do/industry/public-sector/survey-norwegian-municipalities-still-reliant-on-paper/"


async def release(client: httpx.AsyncClient) -> tuple[int, str]:
    """The release served and the day it was published, as citations name them."""
    health = (await client.get("/health")).json()["release"]
    return health["id"], health["created_at"][:10]


async def test_indicator_citation_in_bokmal(client):
    number, day = await release(client)
    response = await client.get(f"{INDICATOR}/citation")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-language"] == "nb"
    assert response.json() == {
        "code": "expected-better-quality",
        "text": "«Forventer bedre tjenestekvalitet». I: Kommuneundersøkelsen 2015 og 2017,"
        " EVRY/NyAnalyse. Kildedokumenter: EVRY, «Kommuneundersøkelsen 2017», 2018-01-24."
        f" Publisert av kommunedigi, datautgave {number} ({day}):"
        f" http://testserver{INDICATOR}",
        "survey": "kommuneundersokelsen",
        "waves": [2015, 2017],
        "publisher": "EVRY/NyAnalyse",
        "sources": ["pr17"],
        "release": number,
        "url": f"http://testserver{INDICATOR}",
        "licence": None,
    }


async def test_indicator_citation_in_english(client):
    number, day = await release(client)
    response = await client.get(f"{INDICATOR}/citation", params={"lang": "en"})
    assert response.headers["content-language"] == "en"
    assert response.json()["text"] == (
        "“Expect better service quality”. In: Kommuneundersøkelsen 2015 and 2017,"
        " EVRY/NyAnalyse. Source documents: EVRY, “Kommuneundersøkelsen 2017”, 2018-01-24."
        f" Published by kommunedigi, release {number} ({day}): http://testserver{INDICATOR}"
    )


async def test_question_citation_names_every_document_with_its_address(client):
    number, day = await release(client)
    response = await client.get(f"{QUESTION}/citation", params={"lang": "en"})
    assert response.json()["text"] == (
        "“To what degree have digitalisation and the use of ICT contributed to better service"
        " quality?”. In: Kommuneundersøkelsen 2015, EVRY/NyAnalyse. Source documents: EVRY,"
        f" “Survey: Norwegian municipalities still relying on paper”, undated, {E15}."
        f" Published by kommunedigi, release {number} ({day}): http://testserver{QUESTION}"
    )


@pytest.mark.parametrize("how", ["format", "accept"])
async def test_csl_json(client, how):
    number, day = await release(client)
    if how == "format":
        response = await client.get(f"{INDICATOR}/citation", params={"format": "csl"})
    else:
        response = await client.get(f"{INDICATOR}/citation", headers={"Accept": CSL})
    assert response.status_code == 200
    assert response.headers["content-type"] == CSL
    year, month, day_of_month = (int(part) for part in day.split("-"))
    assert response.json() == [
        {
            "id": f"kommunedigi:expected-better-quality:{number}",
            "type": "dataset",
            "title": "Forventer bedre tjenestekvalitet",
            "container-title": "Kommuneundersøkelsen 2015 og 2017",
            "author": [{"literal": "EVRY"}, {"literal": "NyAnalyse"}],
            "publisher": "EVRY/NyAnalyse",
            "source": "kommunedigi",
            "URL": f"http://testserver{INDICATOR}",
            "language": "nb",
            "abstract": "Andel kommuner som forventer økt kvalitet på tjenestene som effekt av"
            " IKT-investeringer de neste tre årene.",
            "note": "Kildedokumenter: EVRY, «Kommuneundersøkelsen 2017», 2018-01-24",
            "version": str(number),
            "issued": {"date-parts": [[year, month, day_of_month]]},
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
