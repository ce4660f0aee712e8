"""A bounded load test: hold one kommunedigi server at saturation and count what it answers.

Starts `kommunedigi serve` on 127.0.0.1 (only there) with its embedded SQLite database,
seeded on first start under bench/.work/, and drives it with wrk for `--duration`
seconds (60 by default) over a mix of requests: indicator series, question tables,
pages of shares of many sizes (so the response cache keeps filling), CSV and JSON-stat
downloads, the DCAT catalog and GraphQL queries by GET and POST. Then it prints requests
served, the rate, p50/p99/max latency, the answers by status, socket errors and the
server's peak memory (RSS), and exits non-zero when any answer was an error: 429 (the
rate limiter at work) is counted apart and is not an error.

    .venv/bin/python bench/load.py [--duration 60] [--connections 64] [--workers 1]
        [--distinct 100] [--database FILE] [--env KOMMUNEDIGI_RESPONSE_CACHE_BYTES=0 ...]

The server runs with its production settings unless --env changes them: with the default
rate limits, one wrk client is mostly answered 429 (see the README for the runs quoted).

wrk comes from Debian's packages: `apt-get install -y wrk`.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

from compare import PYTHON, ROOT, WORK, Server, get, peak_rss_mib

SCRIPT = ROOT / "bench" / "load.lua"
GRAPHQL_QUERY = (
    '{ indicator(code: "expected-better-quality") { code series { points { wave value } } } '
    "shares(first: 50) { edges { node { value status wave { year } option { code } } } } }"
)


def request_mix(distinct: int) -> list[str]:
    """The paths wrk cycles through; every one answers 200 on the seeded database."""
    graphql = "/graphql?query=" + urllib.parse.quote(GRAPHQL_QUERY)
    return [
        "/api/v1/indicators/expected-better-quality",
        "/api/v1/indicators/expected-better-quality?format=csv",
        "/api/v1/questions/expected-effects",
        "/api/v1/questions/expected-effects/data?format=json-stat",
        "/api/v1/questions",
        "/api/v1/surveys",
        "/catalog",
        graphql,
        # Many distinct URLs: the response cache fills and evicts under load.
        *(f"/api/v1/shares?limit={size}" for size in range(1, distinct + 1)),
    ]


def _line(output: str, label: str) -> str:
    return output.split(label, 1)[1].split("\n", 1)[0]


def parse(output: str) -> dict[str, object]:
    statuses = {
        int(status): int(count)
        for status, count in re.findall(r"(\d+)=(\d+)", _line(output, "STATUSES"))
    }
    latency = dict(re.findall(r"(p50|p99|max)=(\d+)", output.split("LATENCY_US", 1)[1]))
    summary = dict(re.findall(r"(\w+)=(\d+)", output.split("SUMMARY", 1)[1]))
    return {"statuses": statuses, "latency_us": latency, "summary": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds at saturation")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--distinct", type=int, default=100, help="pages of shares of sizes 1..N (at most 1000)"
    )
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the server")
    parser.add_argument(
        "--database", type=Path, help="a SQLite file to serve (default: the seed alone)"
    )
    args = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    database = args.database or WORK / "load.sqlite3"
    paths_file = WORK / "load-paths.txt"
    paths = request_mix(args.distinct)
    paths_file.write_text("\n".join(paths) + "\n")
    env = {"KOMMUNEDIGI_WORKERS": str(args.workers)}
    env.update(item.split("=", 1) for item in args.env)
    command = [PYTHON / "kommunedigi", "serve", "--host", "127.0.0.1", "--port", "{port}",
               "--database-url", f"sqlite:///{database}"]  # fmt: skip
    server = Server("kommunedigi load", command, env)
    try:
        server.wait("/docs")  # answered once the app is built, unlike /health (api.boot)
        for path in paths:  # every request of the mix works before the load starts
            get(server.base + path)
        post = urllib.request.Request(  # a POST too, as GraphQL clients send them
            server.base + "/graphql",
            data=json.dumps({"query": GRAPHQL_QUERY}).encode(),
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(post, timeout=30).read()
        output = subprocess.run(
            ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "10s",
             "--latency", "-s", SCRIPT, server.base],
            check=True, capture_output=True, text=True,
            env={"LOAD_PATHS": str(paths_file), "PATH": "/usr/bin:/bin"},
        ).stdout  # fmt: skip
        rss = peak_rss_mib(server.process.pid)
    finally:
        server.stop()

    found = parse(output)
    statuses: dict[int, int] = found["statuses"]  # type: ignore[assignment]
    latency: dict[str, str] = found["latency_us"]  # type: ignore[assignment]
    summary: dict[str, str] = found["summary"]  # type: ignore[assignment]
    requests = int(summary["requests"])
    seconds = int(summary["duration_us"]) / 1e6
    socket_errors = sum(int(summary[name]) for name in ("connect", "read", "write", "timeout"))
    limited = statuses.get(429, 0)
    errors = sum(count for status, count in statuses.items() if status >= 400 and status != 429)
    errors += socket_errors
    print(
        f"wrk -t2 -c{args.connections} -d{args.duration}s over {len(paths)} URLs, "
        f"{args.workers} worker(s), 127.0.0.1, extra env {args.env or 'none'}"
    )
    print(f"requests served   {requests:,} in {seconds:.1f} s ({requests / seconds:,.0f} req/s)")
    print(f"answers by status {dict(sorted(statuses.items()))}")
    print(f"rate limited      {limited:,} (429, deliberate)")
    print(f"errors            {errors:,} (other 4xx/5xx and socket errors: {socket_errors})")
    print(
        f"latency           p50 {int(latency['p50']) / 1000:.2f} ms, "
        f"p99 {int(latency['p99']) / 1000:.2f} ms, max {int(latency['max']) / 1000:.2f} ms"
    )
    print(f"server peak RSS   {rss:.0f} MiB")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
