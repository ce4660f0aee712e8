"""Does the API slow down as the data grows? 100 synthetic shares against N.

Makes (or reuses) two PostgreSQL databases of generated data on one server (generated
data lives in a database of its own, never beside the published figures): a small one
that holds just what the requests answer (10 waves × 1 question × 10 options, segment
`all`) and one with a synthetic survey of N shares, whose extra questions and segments
the requests never select. Then times the same requests against each through the app in
this process (no network, no response cache) and prints the median latencies and their
ratio.

    python bench/scale.py --server postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        --shares 10000000 --requests 300
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.app import create_app
from api.settings import Settings
from models import migrate
from models.db import make_engine
from seed.synthetic import Sizes, generate, surveys_in

# Each answers the same figures at every size: 10 waves, 10 options, segment all.
REQUESTS = {
    "indicator series": "/api/v1/indicators/synthetic-i1",
    "one question's shares": "/api/v1/questions/synthetic-q1?segment=all",
    "shares page, one question": "/api/v1/shares?question=synthetic-q1&segment=all",
}
SMALL = Sizes(waves=10, questions=1, options=10, segments=1)


def sizes_for(shares: int) -> Sizes:
    """10 waves × 1000 questions × 10 options × the segments that reach `shares`."""
    segments = max(1, shares // (10 * 1000 * 10))
    return Sizes(waves=10, questions=1000, options=10, segments=segments)


def database(server: str, name: str, sizes: Sizes) -> str:
    """The URL of database `name`, created and filled unless it is already complete."""
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = make_engine(url)
    if not surveys_in(engine, synthetic=True):
        migrate.upgrade(engine)
        started = time.perf_counter()
        generate(engine, sizes)
        print(f"generated {sizes.shares:,} shares in {time.perf_counter() - started:.0f} s")
    engine.dispose()
    return url


async def medians(url: str, count: int) -> tuple[dict[str, float], int]:
    # No response cache and no rate limits: every request queries, and none is refused.
    settings = Settings(
        database_url=url,
        migrate_on_start=False,
        seed_on_start=False,
        response_cache_bytes=0,
        rate_limit_api="",
        rate_limit_harvest="",
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    results: dict[str, float] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        total = (await client.post("/graphql", json={"query": "{ shares { totalCount } }"})).json()
        for label, path in REQUESTS.items():
            for _ in range(20):  # warm the pool and the database's caches
                assert (await client.get(path)).status_code == 200
            timings = []
            for _ in range(count):
                started = time.perf_counter()
                response = await client.get(path)
                timings.append(time.perf_counter() - started)
                assert response.status_code == 200
            results[label] = statistics.median(timings) * 1000
    app.state.engine.dispose()
    return results, total["data"]["shares"]["totalCount"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--shares", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    sizes = sizes_for(args.shares)
    small = database(args.server, f"kommunedigi_bench_{SMALL.shares}", SMALL)
    large = database(args.server, f"kommunedigi_bench_{sizes.shares}", sizes)
    small_ms, small_total = asyncio.run(medians(small, args.requests))
    large_ms, large_total = asyncio.run(medians(large, args.requests))

    print(f"machine: {platform.machine()}, {platform.python_implementation()} "
          f"{platform.python_version()}, PostgreSQL at {make_url(args.server).host}")  # fmt: skip
    print(f"median of {args.requests} requests each, in-process, no response cache")
    print(f"{'request':28} {f'{small_total:,} shares':>14} {f'{large_total:,} shares':>18} ratio")
    for label in REQUESTS:
        ratio = large_ms[label] / small_ms[label]
        print(f"{label:28} {small_ms[label]:11.2f} ms {large_ms[label]:15.2f} ms {ratio:5.2f}")


if __name__ == "__main__":
    main()
