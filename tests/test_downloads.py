"""An indicator's downloads beside it, as Our World in Data gives them: `.csv`,
`.metadata.json` and a `.zip` with both, a README and a CITATION.cff.

Expected figures come from seed/data/shares.csv (tests.datafile_helpers), never from the
app: action-plan is 68 in 2015 and 76 in 2017, expected-better-quality 24 and 64.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from jsonschema import Draft7Validator

from api.app import create_app
from api.formats.csv import SERIES_COLUMNS
from api.http import caching
from api.settings import Settings
from models.statuses import FigureStatus
from tests.conftest import NO_RATE_LIMITS
from tests.datafile_helpers import client_for, client_of, seeded_shares
from tests.test_releases import CORRECTION, MESSAGE, SHARES_HEADER, date_the_seed, import_package

pytestmark = pytest.mark.anyio

# The Citation File Format's own schema of version 1.2.0 (tests/cff/README.md).
CFF_SCHEMA = json.loads((Path(__file__).parent / "cff" / "schema-1.2.0.json").read_text())
NLOD = "https://data.norge.no/nlod/no/2.0"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
EXTENSIONS = ("csv", "metadata.json", "zip")


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def values_by_wave(text: str) -> dict[str, str]:
    return {row["wave"]: row["value"] for row in rows(text) if row["value"]}


def seeded(question: str, option: str) -> dict[str, str]:
    return {
        wave: share.value
        for (wave, q, o, segment), share in seeded_shares().items()
        if (q, o, segment) == (question, option, "all") and share.value
    }


def members(response: httpx.Response) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


async def ok(client: httpx.AsyncClient, url: str, **params: Any) -> httpx.Response:
    response = await client.get(url, params=params)
    assert response.status_code == 200, response.text
    return response


# The CSV ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "question", "option", "expected"),
    [
        ("action-plan", "action-plan", "yes", {"2015": "68", "2017": "76"}),
        (
            "expected-better-quality",
            "expected-effects",
            "better-quality",
            {"2015": "24", "2017": "64"},
        ),
    ],
)
async def test_the_csv_holds_the_published_figures(client, indicator, question, option, expected):
    assert seeded(question, option) == expected  # the seed says so, not the app
    response = await ok(client, f"/api/v1/indicators/{indicator}.csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="{indicator}.csv"'
    assert response.headers["content-language"] == "nb"
    assert values_by_wave(response.text) == expected
    assert response.text.splitlines()[0] == ",".join(SERIES_COLUMNS)


async def test_the_csv_is_the_indicators_own_csv(client):
    for lang in ("nb", "en"):
        download = await ok(client, "/api/v1/indicators/planning-digital.csv", lang=lang)
        own = await ok(client, "/api/v1/indicators/planning-digital", format="csv", lang=lang)
        assert download.content == own.content
        assert download.headers["content-language"] == lang


async def test_the_csv_is_cached_by_release(client):
    first = await ok(client, "/api/v1/indicators/action-plan.csv")
    again = await client.get(
        "/api/v1/indicators/action-plan.csv", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert first.headers["cache-control"].startswith("public, max-age=")


@pytest.mark.parametrize("extension", ["metadata.json", "zip"])
async def test_a_kept_metadata_or_zip_never_carries_another_days_citation(
    client, monkeypatch, extension
):
    path = f"/api/v1/indicators/action-plan.{extension}"
    first = await ok(client, path)
    same_day = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert same_day.status_code == 304
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    monkeypatch.setattr(caching, "today", lambda: tomorrow)
    again = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 200
    body = members(again)["action-plan.metadata.json"] if extension == "zip" else again.content
    assert json.loads(body)["date_downloaded"] == tomorrow.isoformat()


# The metadata -------------------------------------------------------------------------


async def test_the_metadata_describes_the_indicator(client):
    response = await ok(client, "/api/v1/indicators/action-plan.metadata.json", lang="en")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-language"] == "en"
    assert response.headers["content-disposition"] == (
        'attachment; filename="action-plan.metadata.json"'
    )
    meta = response.json()
    assert meta["title"] == "Say the action plan mentions digitalisation"
    assert meta["indicator"] == "action-plan"
    assert meta["unit"] == {
        "code": "percent",
        "short": "%",
        "description": "per cent of the municipalities that answered",
    }
    assert meta["question"]["code"] == "action-plan"
    assert meta["question"]["text"] == (
        "Is digitalisation mentioned in the municipality's action plan?"
    )
    assert meta["options"] == [{"code": "yes", "label": "Yes, mentioned in the action plan"}]
    assert meta["waves_with_figures"] == [2015, 2017]
    assert set(meta["statuses"]) == {status.value for status in FigureStatus}
    assert list(meta["columns"]) == list(SERIES_COLUMNS)
    assert meta["licence"] is None  # the seed states none, and nothing claims one
    assert meta["date_downloaded"] == caching.today().isoformat()


async def test_the_metadata_lists_sources_with_their_locators(client):
    meta = (await ok(client, "/api/v1/indicators/action-plan.metadata.json", lang="en")).json()
    [source] = meta["sources"]
    assert (source["code"], source["publisher"], source["published"]) == (
        "pr17",
        "EVRY",
        "2018-01-24",
    )
    assert source["url"] is None
    assert [(found["wave"], found["option"]) for found in source["locators"]] == [
        (2015, "yes"),
        (2017, "yes"),
    ]
    assert source["locators"][1]["locator"] == "Section on automation: the same share in 2017."


async def test_the_metadata_names_the_release_and_its_citation(client):
    release = (await ok(client, "/api/v1/releases")).json()["data"][0]
    meta = (await ok(client, "/api/v1/indicators/action-plan.metadata.json")).json()
    number = release["id"]
    assert meta["release"]["number"] == number
    assert meta["release"]["pinned"] is False
    assert meta["last_updated"] == meta["release"]["loaded_at"]
    assert meta["last_updated"][:19] == release["created_at"][:19]
    pinned = f"http://testserver/api/v1/indicators/action-plan?as_of={number}"
    assert meta["links"]["as_of_release"] == pinned
    assert meta["links"]["csv"] == (
        f"http://testserver/api/v1/indicators/action-plan.csv?as_of={number}"
    )
    assert meta["links"]["page"] == f"http://testserver/indicators/action-plan?as_of={number}"
    [csl] = meta["citation"]["csl"]
    assert (csl["URL"], csl["version"]) == (pinned, str(number))
    assert [author["literal"] for author in csl["author"]] == ["EVRY", "NyAnalyse"]
    assert f"datautgave {number}" in meta["citation"]["text"]
    assert pinned in meta["citation"]["text"]


# The zip ------------------------------------------------------------------------------


async def test_the_zip_holds_the_csv_the_metadata_a_readme_and_a_citation(client):
    response = await ok(client, "/api/v1/indicators/action-plan.zip", lang="en")
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"] == 'attachment; filename="action-plan.zip"'
    found = members(response)
    assert list(found) == [
        "action-plan.csv",
        "action-plan.metadata.json",
        "README.md",
        "CITATION.cff",
    ]
    csv_download = await ok(client, "/api/v1/indicators/action-plan.csv", lang="en")
    assert found["action-plan.csv"] == csv_download.content
    metadata = await ok(client, "/api/v1/indicators/action-plan.metadata.json", lang="en")
    assert json.loads(found["action-plan.metadata.json"]) == metadata.json()


async def test_the_readme_says_what_the_data_is(client):
    readme = members(await ok(client, "/api/v1/indicators/action-plan.zip", lang="en"))
    text = readme["README.md"].decode()
    assert text.startswith("# Say the action plan mentions digitalisation\n")
    for heading in ("Columns", "Statuses", "Sources", "How to cite", "Licence"):
        assert f"\n## {heading}\n" in text
    for column in SERIES_COLUMNS:
        assert f"- `{column}`: " in text
    assert "- `no_source`: no source we hold reports it: no figure is known" in text
    assert "The data owner states no licence." in text
    meta = json.loads(readme["action-plan.metadata.json"])
    assert meta["citation"]["text"] in text


async def test_the_readme_is_in_the_language_asked_for(client):
    text = members(await ok(client, "/api/v1/indicators/action-plan.zip"))["README.md"].decode()
    assert text.startswith("# Oppgir at handlingsplanen omtaler digitalisering\n")
    assert "\n## Slik siterer du\n" in text
    assert "Dataeieren oppgir ingen lisens." in text


async def test_the_citation_file_is_valid_cff_naming_the_release(client):
    release = (await ok(client, "/api/v1/releases")).json()["data"][0]
    found = members(await ok(client, "/api/v1/indicators/expected-better-quality.zip"))
    cff = yaml.safe_load(found["CITATION.cff"])
    assert list(Draft7Validator(CFF_SCHEMA).iter_errors(cff)) == []
    assert cff["cff-version"] == "1.2.0"
    assert cff["title"] == "Forventer bedre tjenestekvalitet"
    assert cff["authors"] == [{"name": "EVRY"}, {"name": "NyAnalyse"}]
    assert cff["version"] == str(release["id"])
    assert cff["date-released"] == release["created_at"][:10]
    assert cff["url"] == (
        f"http://testserver/api/v1/indicators/expected-better-quality?as_of={release['id']}"
    )
    assert cff["contact"] == [{"name": "kommunedigi", "website": "http://testserver"}]
    assert "license" not in cff and "license-url" not in cff  # none is stated
    assert cff["preferred-citation"]["year"] == 2018  # pr17, published 2018-01-24


async def test_the_zip_is_the_same_for_the_same_release_and_day(app, client):
    first = await ok(client, "/api/v1/indicators/action-plan.zip", lang="en")
    if app.state.response_cache is not None:  # rendered anew, not the kept answer
        app.state.response_cache.clear()
    second = await ok(client, "/api/v1/indicators/action-plan.zip", lang="en")
    assert first.content == second.content


# Licences -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("licence", "cff_licence"),
    [(NLOD, {"license-url": NLOD}), (CC_BY, {"license": "CC-BY-4.0"})],
)
async def test_every_download_carries_the_stated_licence(database_url, licence, cff_licence):
    async with client_for(database_url, licence=licence, **NO_RATE_LIMITS) as client:
        for extension in EXTENSIONS:
            response = await ok(client, f"/api/v1/indicators/action-plan.{extension}")
            assert response.headers["link"] == f'<{licence}>; rel="license"'
        meta = (await ok(client, "/api/v1/indicators/action-plan.metadata.json")).json()
        zipped = members(await ok(client, "/api/v1/indicators/action-plan.zip"))
    assert meta["licence"]["uri"] == licence
    cff = yaml.safe_load(zipped["CITATION.cff"])
    assert list(Draft7Validator(CFF_SCHEMA).iter_errors(cff)) == []
    assert {key: cff[key] for key in ("license", "license-url") if key in cff} == cff_licence
    assert meta["licence"]["name"] in zipped["README.md"].decode()


# Pinned to a release ------------------------------------------------------------------


@pytest.fixture(scope="module")
def corrected(databases, tmp_path_factory):
    """The seed (release 1) and a correction of action-plan 2017, 76 → 77 (release 2)."""
    url = databases.new()
    app = create_app(Settings(database_url=url, release_check_seconds=0, **NO_RATE_LIMITS))
    date_the_seed(url)
    path = tmp_path_factory.mktemp("correction") / "shares.csv"
    path.write_text(f"{SHARES_HEADER}\n{CORRECTION}\n", encoding="utf-8")
    import_package(url, path, MESSAGE)
    yield app
    app.state.engine.dispose()


async def test_as_of_pins_every_download_to_its_release(corrected):
    async with client_of(corrected) as client:
        live = await ok(client, "/api/v1/indicators/action-plan.csv")
        pinned = await ok(client, "/api/v1/indicators/action-plan.csv", as_of="1")
        assert values_by_wave(live.text) == {"2015": "68", "2017": "77"}
        assert values_by_wave(pinned.text) == {"2015": "68", "2017": "76"}
        assert pinned.headers["content-disposition"] == (
            'attachment; filename="action-plan.release-1.csv"'
        )
        meta = await ok(client, "/api/v1/indicators/action-plan.metadata.json", as_of="1")
        zipped = await ok(client, "/api/v1/indicators/action-plan.zip", as_of="1")
    assert meta.headers["content-disposition"] == (
        'attachment; filename="action-plan.release-1.metadata.json"'
    )
    assert zipped.headers["content-disposition"] == (
        'attachment; filename="action-plan.release-1.zip"'
    )
    document = meta.json()
    assert (document["release"]["number"], document["release"]["pinned"]) == (1, True)
    assert document["last_updated"] == "2020-01-01T00:00:00Z"
    found = members(zipped)
    assert found["action-plan.csv"] == pinned.content
    cff = yaml.safe_load(found["CITATION.cff"])
    assert (cff["version"], cff["date-released"]) == ("1", "2020-01-01")
    assert cff["url"] == "http://testserver/api/v1/indicators/action-plan?as_of=1"


async def test_the_live_metadata_names_the_newest_release(corrected):
    async with client_of(corrected) as client:
        meta = (await ok(client, "/api/v1/indicators/action-plan.metadata.json")).json()
    assert (meta["release"]["number"], meta["release"]["pinned"]) == (2, False)
    assert meta["last_updated"] != "2020-01-01T00:00:00Z"


# Mistakes -----------------------------------------------------------------------------


@pytest.mark.parametrize("extension", EXTENSIONS)
async def test_an_unknown_indicator_is_404(client, extension):
    response = await client.get(f"/api/v1/indicators/no-such-indicator.{extension}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "There is no indicator with code 'no-such-indicator'"


@pytest.mark.parametrize("extension", EXTENSIONS)
@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"lang": "se"}, "lang"),
        ({"as_of": "99"}, "as_of"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"as_of": "1999-01-01"}, "as_of"),
        ({"format": "csv"}, "format"),
    ],
)
async def test_a_bad_parameter_is_400(client, extension, query, parameter):
    response = await client.get(f"/api/v1/indicators/action-plan.{extension}", params=query)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [error["parameter"] for error in response.json()["errors"]] == [parameter]
