"""Incremental harvesting: a harvester that holds release 1 catches up with what came after.

It harvests every share, a release adds, changes and removes figures, and it applies what
`updated_after=1` (REST and GraphQL) or `/api/v1/changes?since=1` gives to its copy: the
copy then equals a fresh harvest, row for row.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pandas
import pytest

from api.app import create_app
from api.cli import main
from api.settings import Settings
from tests.conftest import graphql
from tests.test_contract_openapi import exchange, load_spec
from tests.test_releases import SEED_SHARES_HEADER, import_package, seed_lines, write_package

pytestmark = pytest.mark.anyio

Key = tuple[str, int, str, str, str]
KEY_PARTS = ("survey", "wave", "question", "option", "segment")
ADDED: Key = ("kommuneundersokelsen", 2016, "action-plan", "yes", "all")
CHANGED: Key = ("kommuneundersokelsen", 2015, "expected-effects", "better-quality", "all")
REMOVED = {
    ("kommuneundersokelsen", 2015, "expected-effects", "simpler-routines", "all"),
    ("kommuneundersokelsen", 2015, "expected-effects", "faster-processing", "all"),
}


def key_of(row: dict[str, Any]) -> Key:
    return (row["survey"], row["wave"], row["question"], row["option"], row["segment"])


def package_row(**values: str) -> str:
    """A shares.csv line built from the seed's header: the columns given, the rest empty."""
    header = next(csv.reader([SEED_SHARES_HEADER]))
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([values.get(name, "") for name in header])
    return out.getvalue()


def changed_row(line: str, value: str) -> str:
    header = next(csv.reader([SEED_SHARES_HEADER]))
    row = dict(zip(header, next(csv.reader([line])), strict=True))
    return package_row(**{**row, "value": value})


async def harvest(client: httpx.AsyncClient, **params: str) -> list[dict[str, Any]]:
    """Every row of /api/v1/shares with `params`, page after page."""
    rows: list[dict[str, Any]] = []
    url: str | None = "/api/v1/shares"
    query: dict[str, str] | None = {"limit": "7", **params}
    while url is not None:
        answer = await client.get(url, params=query)
        assert answer.status_code == 200, answer.text
        rows.extend(answer.json()["data"])
        url, query = answer.json()["next"], None
    return rows


@pytest.fixture
async def walked(fresh_database_url, tmp_path):
    """The first harvest (release 1), then the import of release 2, and a client."""
    assert main(["seed", "--database-url", fresh_database_url]) == 0
    app = create_app(Settings(database_url=fresh_database_url, release_check_seconds=0))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        first = {key_of(row): row for row in await harvest(client)}
        added = package_row(
            survey="kommuneundersokelsen", wave="2016", question="action-plan", option="yes",
            segment="all", value="70", status="published", source="pr17",
        )  # fmt: skip
        [better] = seed_lines("kommuneundersokelsen,2015,expected-effects,better-quality,")
        changed = changed_row(better, "25")
        files = {"shares.csv": [SEED_SHARES_HEADER, added, changed]}
        folder = write_package(tmp_path / "package", files)
        import_package(fresh_database_url, folder, "Added 2016, corrected one, withdrew two")
        fresh = {key_of(row): row for row in await harvest(client)}
        yield client, first, fresh
    app.state.engine.dispose()


async def test_applying_updated_after_to_a_harvest_gives_a_fresh_harvest(walked):
    client, first, fresh = walked
    updates = await harvest(client, updated_after="1")
    copy = dict(first)
    for row in updates:
        if row.pop("removed"):
            assert (row["value"], row["status"]) == (None, None)
            del copy[key_of(row)]
        else:
            copy[key_of(row)] = row
    assert {key_of(row) for row in updates} == {ADDED, CHANGED, *REMOVED}
    assert fresh[CHANGED]["value"] == 25 and fresh[ADDED]["value"] == 70
    assert not REMOVED & fresh.keys()
    assert copy == fresh


async def test_updated_after_takes_a_date_time_and_the_newest_release_asks_for_nothing(walked):
    client, _, _ = walked
    assert await harvest(client, updated_after="2") == []
    # A date-time names the newest release loaded by then, as in as_of: now, release 2.
    assert await harvest(client, updated_after="2999-01-01T00:00:00Z") == []
    before = await client.get("/api/v1/shares", params={"updated_after": "2000-01-01T00:00:00Z"})
    assert before.status_code == 400
    bad = await client.get("/api/v1/shares", params={"updated_after": "yesterday"})
    assert bad.status_code == 400
    assert "updated_after" in bad.json()["detail"]


async def test_walking_the_changes_since_release_1_gives_a_fresh_harvest(walked):
    client, first, fresh = walked
    copy = {key: (row["value"], row["status"]) for key, row in first.items()}
    url: str | None = "/api/v1/changes"
    query: dict[str, str] | None = {"since": "1", "limit": "2"}
    kinds = {}
    while url is not None:
        answer = await client.get(url, params=query)
        assert answer.status_code == 200, answer.text
        for change in answer.json()["data"]:
            assert change["release"] == 2
            kinds[key_of(change)] = change["kind"]
            if change["new"] is None:
                del copy[key_of(change)]
            else:
                copy[key_of(change)] = (change["new"]["value"], change["new"]["status"])
        url, query = answer.json()["next"], None
    assert kinds == {ADDED: "added", CHANGED: "changed", **dict.fromkeys(REMOVED, "removed")}
    assert copy == {key: (row["value"], row["status"]) for key, row in fresh.items()}


async def test_changes_need_a_known_since(walked):
    client, _, _ = walked
    assert (await client.get("/api/v1/changes")).status_code == 400
    unknown = await client.get("/api/v1/changes", params={"since": "9"})
    assert unknown.status_code == 400
    assert unknown.json()["detail"].startswith("since=9 names no release")
    broken = await client.get("/api/v1/changes", params={"since": "1", "cursor": "s1.AAA"})
    assert broken.status_code == 400


SHARES = """query ($after: String, $since: String) {
  shares(first: 5, after: $after, updatedAfter: $since) {
    edges { node { id value status wave { survey { code } year }
      option { code question { code } } segment { code } } }
    removed { id survey wave question option segment removed }
    pageInfo { hasNextPage endCursor }
  }
}"""


def graphql_key(node: dict[str, Any]) -> Key:
    return (
        node["wave"]["survey"]["code"],
        node["wave"]["year"],
        node["option"]["question"]["code"],
        node["option"]["code"],
        node["segment"]["code"],
    )


async def graphql_harvest(
    client: httpx.AsyncClient, since: str | None = None
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Every share by its global id, and every tombstone, page after page."""
    shares: dict[str, dict[str, Any]] = {}
    removed: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        answer = await graphql(client, SHARES, after=after, since=since)
        assert "errors" not in answer, answer
        page = answer["data"]["shares"]
        shares.update((edge["node"]["id"], edge["node"]) for edge in page["edges"])
        removed.extend(page["removed"])
        if not page["pageInfo"]["hasNextPage"]:
            return shares, removed
        after = page["pageInfo"]["endCursor"]


async def test_applying_updated_after_in_graphql_gives_a_fresh_harvest(
    fresh_database_url, tmp_path
):
    assert main(["seed", "--database-url", fresh_database_url]) == 0
    app = create_app(Settings(database_url=fresh_database_url, release_check_seconds=0))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        first, none_removed = await graphql_harvest(client)
        [better] = seed_lines("kommuneundersokelsen,2015,expected-effects,better-quality,")
        added = package_row(
            survey="kommuneundersokelsen", wave="2016", question="action-plan", option="yes",
            segment="all", value="70", status="published", source="pr17",
        )  # fmt: skip
        files = {"shares.csv": [SEED_SHARES_HEADER, added, changed_row(better, "25")]}
        import_package(fresh_database_url, write_package(tmp_path / "p", files), "Release 2")
        updated, removed = await graphql_harvest(client, since="1")
        fresh, _ = await graphql_harvest(client)
    app.state.engine.dispose()
    assert none_removed == []
    assert {graphql_key(node) for node in updated.values()} == {ADDED, CHANGED}
    assert {key_of(item) for item in removed} == REMOVED
    assert all(item["removed"] for item in removed)
    copy = {**first, **updated}
    for item in removed:
        del copy[item["id"]]
    assert copy == fresh


async def test_a_survey_download_since_release_1_has_the_changes_and_tombstones(walked):
    client, first, fresh = walked
    url = "/api/v1/surveys/kommuneundersokelsen/data"
    answer = await client.get(url, params={"updated_after": "1"})
    assert answer.status_code == 200, answer.text
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert {row["removed"] for row in rows} == {"true", "false"}
    copy = {key: (row["value"], row["status"]) for key, row in first.items()}
    for row in rows:
        key = (row["survey"], int(row["wave"]), row["question"], row["option"], row["segment"])
        if row["removed"] == "true":
            assert (row["value"], row["status"]) == ("", "")
            del copy[key]
        else:
            copy[key] = (float(row["value"]), row["status"])
    assert copy == {key: (row["value"], row["status"]) for key, row in fresh.items()}
    jsonstat = await client.get(url, params={"updated_after": "1", "format": "jsonstat"})
    assert jsonstat.status_code == 200
    assert sorted(value for value in jsonstat.json()["value"] if value is not None) == [25, 70]


async def test_a_workbook_since_release_1_has_the_csv_rows_tombstones_too(walked):
    client, _, _ = walked
    url = "/api/v1/surveys/kommuneundersokelsen/data"
    as_csv = await client.get(url, params={"updated_after": "1"})
    book = await client.get(url, params={"updated_after": "1", "format": "xlsx"})
    assert book.status_code == 200, book.text
    frame = pandas.read_excel(io.BytesIO(book.content), sheet_name=0, dtype=str)
    expected = pandas.read_csv(io.StringIO(as_csv.text), dtype=str)
    assert list(frame.columns) == list(expected.columns)
    assert list(frame.columns)[-1] == "removed"
    removed = frame[frame["removed"] == "true"]
    tombstones = removed.assign(wave=removed["wave"].astype(int)).to_dict("records")
    assert {key_of({str(name): value for name, value in row.items()}) for row in tombstones} == (
        REMOVED
    )
    assert removed["value"].isna().all()
    assert frame.fillna("").to_dict("records") == expected.fillna("").to_dict("records")


async def test_each_release_in_the_feed_links_the_changes_after_it(walked):
    client, _, _ = walked
    feed = (await client.get("/feed")).text
    for release in (1, 2):
        link = f'rel="related" href="http://testserver/api/v1/changes?since={release}"'
        assert link in feed


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/shares?updated_after=1&limit=3",
        "/api/v1/shares?updated_after=1",
        "/api/v1/changes?since=1",
        "/api/v1/changes?since=1&limit=1",
        "/api/v1/surveys/kommuneundersokelsen/data?updated_after=1",
        "/api/v1/surveys/kommuneundersokelsen/data?updated_after=1&format=jsonstat",
    ],
)
async def test_what_changed_since_a_release_answers_as_the_contract_says(walked, url):
    client, _, _ = walked
    await exchange(client, load_spec(), "GET", url, 200)


async def test_updated_after_in_graphql_names_itself_when_wrong(client):
    query = '{ shares(updatedAfter: "soon") { edges { node { value } } } }'
    answer = await graphql(client, query)
    assert answer["data"] is None
    assert "updatedAfter" in answer["errors"][0]["message"]
