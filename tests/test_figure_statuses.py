"""Every served figure says no more than the data files: walked over REST, in both languages.

The data files (seed/data/shares.csv and published_totals.csv) hold what the sources
print. Nothing served is `published` unless a row there prints it; every `derived` value
names its rule and the parts it came from; and a wave for which no row exists is
`no_source`, never a withheld (`not_published` or `qualitative`) value.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT
from tests.datafile_helpers import seeded_shares

pytestmark = pytest.mark.anyio

LANGS = ("nb", "en")
WITH_VALUE = {"published", "approximate"}
WITHHELD = {"qualitative", "not_published"}


def printed_totals() -> dict[tuple[str, str], dict[str, str]]:
    path = ROOT / "seed" / "data" / "published_totals.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {(row["indicator"], row["wave"]): row for row in csv.DictReader(handle)}


async def every_share(client: httpx.AsyncClient, lang: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    url: str | None = f"/api/v1/shares?limit=7&lang={lang}"
    while url:
        body = (await client.get(url)).json()
        rows += body["data"]
        url = body["next"]
    return rows


@pytest.mark.parametrize("lang", LANGS)
async def test_every_served_share_is_a_row_of_the_data_files(client, lang):
    seeded = seeded_shares()
    served = await every_share(client, lang)
    keys = [(str(r["wave"]), r["question"], r["option"], r["segment"]) for r in served]
    assert sorted(keys) == sorted(seeded)
    for key, row in zip(keys, served, strict=True):
        printed = seeded[key]
        assert (row["status"], row["source"]) == (printed.status, printed.source), key
        expected = float(printed.value) if printed.status in WITH_VALUE else None
        assert row["value"] == expected, key


@pytest.mark.parametrize("lang", LANGS)
async def test_every_indicator_value_is_printed_derived_or_absent_as_the_files_say(client, lang):
    seeded = seeded_shares()
    totals = printed_totals()
    indicators = (await client.get("/api/v1/indicators", params={"lang": lang})).json()["data"]
    assert indicators
    statuses_seen: set[str] = set()
    for indicator in indicators:
        code, question, options = indicator["code"], indicator["question"], indicator["options"]
        body = (await client.get(f"/api/v1/indicators/{code}", params={"lang": lang})).json()
        for point in body["series"]:
            wave, status = str(point["wave"]), point["status"]
            statuses_seen.add(status)
            rows = [seeded.get((wave, question, option, "all")) for option in options]
            where = (code, wave)
            if status in WITH_VALUE:
                # Served as printed: one option, and a row that prints this very value.
                assert len(options) == 1 and rows[0] is not None, where
                assert (rows[0].status, float(rows[0].value)) == (status, point["value"]), where
                assert (point["rule"], point["parts"]) == (None, []), where
            elif status == "derived":
                # Ours, not a source's: it names its rule and every part, each a printed row.
                assert point["rule"] == "sum" and len(options) > 1, where
                assert [part["option"] for part in point["parts"]] == options, where
                total = Decimal()
                for part, row in zip(point["parts"], rows, strict=True):
                    assert row is not None and row.status in WITH_VALUE, where
                    assert (part["status"], part["source"]) == (row.status, row.source), where
                    assert part["value"] == float(row.value), where
                    total += Decimal(row.value)
                assert point["value"] == float(total), where
            elif status in WITHHELD:
                # Withheld only where a source says so of some part in this wave.
                assert point["value"] is None, where
                assert any(row is not None and row.status == status for row in rows), where
            else:
                assert status == "no_source", where
                assert point["value"] is None, where
                assert not any(row is not None and row.status in WITHHELD for row in rows), where
                assert any(row is None for row in rows), where
            if all(row is None for row in rows):
                assert status == "no_source", where  # no source: never called withheld
            printed = totals.get((code, wave))
            if printed is None:
                assert point["published_total"] is None, where
            else:
                shown = point["published_total"]
                assert (shown["value"], shown["source"]) == (
                    float(printed["value"]),
                    printed["source"],
                ), where
    # The walk met every kind of indicator figure the files give rise to (no indicator is
    # one approximate option; planning-digital sums one).
    kinds = {"published", "derived", "qualitative", "not_published", "no_source"}
    assert statuses_seen == kinds
