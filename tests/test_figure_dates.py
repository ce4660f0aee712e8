"""Each figure carries the date of the source that printed it, in every format.

The expected dates are read from seed/data/sources.csv, never from the app: a share is
dated by its source; an indicator's point by the newest source of its parts; a
published total by its own source. An undated source gives no date (null, an empty CSV
cell), never the day the figures were loaded.
"""

from __future__ import annotations

import csv
import io

import pytest

from tests.datafile_helpers import seeded_shares, seeded_source_dates

pytestmark = pytest.mark.anyio


def dated(code: str) -> str | None:
    return seeded_source_dates()[code] or None


def newest(codes: list[str]) -> str | None:
    found = [date for code in codes if (date := dated(code))]
    return max(found, default=None)


async def test_every_share_carries_its_sources_date(client):
    shares = (await client.get("/api/v1/shares", params={"limit": 1000})).json()["data"]
    assert len(shares) == len(seeded_shares())
    for share in shares:
        assert share["source_published"] == dated(share["source"]), share
    assert {share["source_published"] for share in shares} == {"2018-01-24", "2018-01", None}


async def test_every_point_and_total_carries_its_sources_date(client):
    indicators = (await client.get("/api/v1/indicators")).json()["data"]
    seen = set()
    for indicator in indicators:
        for lang in ("nb", "en"):
            path = f"/api/v1/indicators/{indicator['code']}"
            detail = (await client.get(path, params={"lang": lang})).json()
            for point in detail["series"]:
                assert point["source_published"] == newest(point["sources"]), point
                seen.add(point["source_published"])
                total = point["published_total"]
                if total is not None:
                    assert total["source_published"] == dated(total["source"])
    assert seen == {"2018-01-24", None}


async def test_series_csv_has_the_date_column(client):
    path = "/api/v1/indicators/expected-better-quality"
    text = (await client.get(path, params={"format": "csv"})).text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [(row["wave"], row["source_published"]) for row in rows] == [
        ("2015", "2018-01-24"),
        ("2016", ""),
        ("2017", "2018-01-24"),
    ]


async def test_graphql_gives_the_same_dates(client):
    query = """{
      shares(first: 100) { edges { node { sourcePublished source { code published } } } }
      indicator(code: "ict-contributed-quality") {
        series { wave sourcePublished publishedTotal { sourcePublished source { code } } }
      }
    }"""
    response = await client.post("/graphql", json={"query": query})
    data = response.json()["data"]
    nodes = [edge["node"] for edge in data["shares"]["edges"]]
    assert len(nodes) == len(seeded_shares())
    for node in nodes:
        assert (
            node["sourcePublished"] == node["source"]["published"] == dated(node["source"]["code"])
        )
    first = data["indicator"]["series"][0]
    assert first["wave"] == 2015
    assert first["sourcePublished"] is None  # e15 is undated
    assert first["publishedTotal"] == {"sourcePublished": None, "source": {"code": "cw15"}}
