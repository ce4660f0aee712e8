"""Where an uncached GraphQL request's time goes, in one process, without HTTP.

Calls the ASGI app directly (no client, no server) for the page of 100 shares over REST
and over GraphQL, with GraphQL's plans on and off (KOMMUNEDIGI_GRAPHQL_PLANNED), on a
database of synthetic shares, the response cache off; prints each request's best mean
time over five runs, and with `--profile` the functions that took the most time in the
planned GraphQL request.

    python bench/graphql_time.py [--shares 4000] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.app import create_app
from api.settings import Settings
from seed.synthetic import Sizes
from tests.conftest import generate_into

QUERY = (
    "{ shares(first: 100) { edges { node { value baseN status locator wave { year } "
    "option { code question { code } } segment { code } source { code } } } } }"
)
REST = ("/api/v1/shares", "limit=100")
GRAPHQL = ("/graphql", urllib.parse.urlencode({"query": QUERY}))
UNLIMITED = "100000000/minute"


def scope(path: str, query_string: str) -> dict[str, Any]:
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": query_string.encode(), "client": ("127.0.0.1", 1), "server": ("t", 80),
        "headers": [(b"host", b"t"), (b"accept", b"application/json")],
    }  # fmt: skip


async def call(app: Any, request: tuple[str, str]) -> None:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope(*request), receive, send)
    assert sent[0]["status"] == 200, sent


async def best_ms(app: Any, request: tuple[str, str], runs: int = 5, calls: int = 100) -> float:
    for _ in range(20):  # warm up: plans, parsed documents, held descriptions
        await call(app, request)
    means = []
    for _ in range(runs):
        started = time.perf_counter()
        for _ in range(calls):
            await call(app, request)
        means.append((time.perf_counter() - started) / calls * 1000)
    return min(means)


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/synthetic.sqlite3"
        generate_into(
            url, Sizes(waves=10, questions=max(1, args.shares // 200), options=10, segments=2)
        )
        apps = {
            planned: create_app(
                Settings(
                    database_url=url,
                    response_cache_bytes=0,
                    seed_on_start=False,
                    rate_limit_api=UNLIMITED,
                    rate_limit_harvest=UNLIMITED,
                    graphql_planned=planned,
                )
            )  # fmt: skip
            for planned in (True, False)
        }
        rest = await best_ms(apps[True], REST)
        planned = await best_ms(apps[True], GRAPHQL)
        unplanned = await best_ms(apps[False], GRAPHQL)
        print("| request | ms | x REST's speed |\n|---|---:|---:|")
        for label, ms in (
            ("REST shares page (100)", rest),
            ("GraphQL shares page (100), plans", planned),
            ("GraphQL shares page (100), graphql-core", unplanned),
        ):
            print(f"| {label} | {ms:.2f} | {rest / ms:.2f} |")
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(100):
                await call(apps[True], GRAPHQL)
            profile.disable()
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
        for app in apps.values():
            app.state.engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shares", type=int, default=4000, help="synthetic shares (about)")
    parser.add_argument("--profile", action="store_true", help="profile the planned request")
    asyncio.run(main(parser.parse_args()))
