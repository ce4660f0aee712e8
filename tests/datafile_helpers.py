"""Shared by the data-file tests: apps with their own settings, the seeded figures, cells.

The expected numbers are read from seed/data/shares.csv, never from the app.
"""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.applications import Starlette

from api.app import create_app
from api.settings import Settings
from tests.conftest import ROOT

SEED_SHARES = ROOT / "seed" / "data" / "shares.csv"
SEED_SOURCES = ROOT / "seed" / "data" / "sources.csv"

Key = tuple[str, str, str, str]  # wave, question, option, segment


@dataclass(frozen=True)
class SeededShare:
    value: str  # as the seed file writes it; "" when the source gives no number
    base_n: str
    status: str
    source: str


def seeded_shares() -> dict[Key, SeededShare]:
    with SEED_SHARES.open(encoding="utf-8", newline="") as handle:
        return {
            (row["wave"], row["question"], row["option"], row["segment"]): SeededShare(
                row["value"], row["base_n"], row["status"], row["source"]
            )
            for row in csv.DictReader(handle)
        }


def seeded_source_dates() -> dict[str, str]:
    """Each source's publication date as seed/data/sources.csv gives it; "" when undated."""
    with SEED_SOURCES.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["published"] for row in csv.DictReader(handle)}


@contextmanager
def app_for(database_url: str, **settings: Any) -> Iterator[Starlette]:
    """An app on `database_url` with other settings (such as a small max_cells)."""
    app = create_app(Settings(database_url=database_url, **settings))
    try:
        yield app
    finally:
        app.state.engine.dispose()


@asynccontextmanager
async def client_of(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@asynccontextmanager
async def client_for(database_url: str, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    with app_for(database_url, **settings) as app:
        async with client_of(app) as client:
            yield client


def cells(dataset: dict[str, Any]) -> dict[Key, int]:
    """The index in `value` of every cell of a JSON-stat dataset, worked out from its
    `id`, `size` and category indexes as the JSON-stat 2.0 format defines it."""
    assert dataset["id"] == ["wave", "question", "option", "segment"]
    indexes = [dataset["dimension"][name]["category"]["index"] for name in dataset["id"]]
    assert [len(index) for index in indexes] == dataset["size"]
    found: dict[Key, int] = {}
    position = 0
    for wave in indexes[0]:
        for question in indexes[1]:
            for option in indexes[2]:
                for segment in indexes[3]:
                    found[(wave, question, option, segment)] = position
                    position += 1
    assert position == len(dataset["value"])
    return found
