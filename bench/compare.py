"""Throughput of kommunedigi against a bare Starlette app and Datasette, over HTTP.

Builds (or reuses) a SQLite database with the seed plus N synthetic shares and a separate
virtual environment with datasette and datasette-graphql (their graphql-core pin clashes
with Strawberry's, so never in the project's venv), both under bench/.work/. Then starts,
each with one worker on 127.0.0.1: a bare Starlette app (the ceiling, bench/bare_app.py),
kommunedigi with its response cache, kommunedigi without it
(KOMMUNEDIGI_RESPONSE_CACHE_BYTES=0), both with the rate limiter running at a quota no
run reaches, and datasette with datasette-graphql on the same file. Checks that they
give the same figures for question `action-plan`, then loads each request with wrk
(-t2 -c32 -d5s --latency; `apt-get install -y wrk`) in rounds that visit every server in
turn, keeps each cell's best round, and prints req/s, p50, p99, the ratio to the bare
app and each server's peak memory (RSS).

    .venv/bin/python bench/compare.py [--shares 100000] [--duration 5] [--repeats 2]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
PYTHON = ROOT / ".venv" / "bin"
DS_VENV = WORK / "datasette-venv"
# sqlite-utils 4 reports compound foreign keys (share → option) with column None, which
# datasette-graphql 2.2 cannot build a schema from; 3.x lists them column by column.
DS_PACKAGES = ["datasette", "datasette-graphql", "sqlite-utils<4"]

K_SHARES_PAGE = (
    "{ shares(first: 100) { edges { node { value baseN status locator wave { year } "
    "option { code question { code } } segment { code } source { code } } } } }"
)
DS_SHARES_PAGE = (
    '{ share(first: 100, where: "replaced_in is null", sort: id) { nodes { value base_n '
    "status locator wave_id { year } option_id { code question_id { code } } "
    "segment_id { code } source_id { code } } } }"
)
SQL_JOINS = (
    "from share s join wave w on w.id = s.wave_id join question q on q.id = s.question_id "
    "join option o on o.id = s.option_id join segment g on g.id = s.segment_id "
    "join source src on src.id = s.source_id join survey v on v.id = q.survey_id "
)
SQL_COLUMNS = (
    "select v.code as survey, w.year as wave, q.code as question, o.code as option, "
    "g.code as segment, s.value, s.base_n, s.status, s.note_nb as note, src.code as source, "
    "s.locator "
)
SQL = {
    "indicator": (
        "select w.year as wave, sum(s.value) as value, min(s.status) as status "
        "from share s join wave w on w.id = s.wave_id "
        "join indicatoroption io on io.option_id = s.option_id "
        "join indicator i on i.id = io.indicator_id join segment g on g.id = s.segment_id "
        "where i.code = 'expected-better-quality' and g.code = 'all' "
        "and s.replaced_in is null group by w.year order by w.year"
    ),
    "question": SQL_COLUMNS
    + SQL_JOINS
    + "where q.code = 'expected-effects' and s.replaced_in is null "
    "order by w.year, o.position, g.code",
    "shares page": SQL_COLUMNS + SQL_JOINS + "where s.replaced_in is null "
    "order by s.wave_id, s.question_id, s.option_id, s.segment_id limit 100",
    "check": "select s.value from share s join question q on q.id = s.question_id "
    "where q.code = 'action-plan' and s.replaced_in is null",
}


def graphql_path(prefix: str, query: str) -> str:
    return f"{prefix}?{urllib.parse.urlencode({'query': query})}"


def sql_path(sql: str) -> str:
    return f"/bench.json?{urllib.parse.urlencode({'sql': sql, '_shape': 'array'})}"


# request label → {server label → path}; the server labels are those of `servers()`.
REQUESTS: dict[str, dict[str, str]] = {
    "indicator series": {
        "kommunedigi cached": "/api/v1/indicators/expected-better-quality",
        "kommunedigi uncached": "/api/v1/indicators/expected-better-quality",
        "datasette": sql_path(SQL["indicator"]),
    },
    "question's shares": {
        "kommunedigi cached": "/api/v1/questions/expected-effects",
        "kommunedigi uncached": "/api/v1/questions/expected-effects",
        "datasette": sql_path(SQL["question"]),
    },
    "shares page (100)": {
        "kommunedigi cached": "/api/v1/shares?limit=100",
        "kommunedigi uncached": "/api/v1/shares?limit=100",
        "datasette": sql_path(SQL["shares page"]),
    },
    "GraphQL shares page (100)": {
        "kommunedigi cached": graphql_path("/graphql", K_SHARES_PAGE),
        "kommunedigi uncached": graphql_path("/graphql", K_SHARES_PAGE),
        "datasette": graphql_path("/graphql/bench", DS_SHARES_PAGE),
    },
    "constant JSON": {"bare starlette": "/"},
}


def run(command: list[str | Path], **kwargs: object) -> None:
    subprocess.run([str(part) for part in command], check=True, **kwargs)  # type: ignore[call-overload]


def build_database(shares: int) -> Path:
    """bench/.work/bench-N.sqlite3: the seed plus N synthetic shares (10 waves × 100 q)."""
    path = WORK / f"bench-{shares}.sqlite3"
    if path.exists():
        return path
    segments = max(1, shares // (10 * 100 * 10))
    partial = path.with_suffix(".partial")
    for stale in WORK.glob(f"{partial.name}*"):
        stale.unlink()
    started = time.perf_counter()
    run(
        [PYTHON / "kommunedigi", "generate", "--database-url", f"sqlite:///{partial}",
         "--waves", "10", "--questions", "100", "--options", "10", "--segments", str(segments)]
    )  # fmt: skip
    partial.rename(path)
    print(f"built {path.name} in {time.perf_counter() - started:.0f} s")
    return path


def build_datasette_venv() -> Path:
    datasette = DS_VENV / "bin" / "datasette"
    if not datasette.exists():
        run([sys.executable, "-m", "venv", DS_VENV])
        run([DS_VENV / "bin" / "pip", "install", "-q", *DS_PACKAGES])
    return datasette


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 30) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


class Server:
    """One server process on 127.0.0.1; always stopped by `stop` (use in try/finally)."""

    def __init__(self, label: str, command: list[str | Path], env: dict[str, str]) -> None:
        self.label = label
        self.port = free_port()
        self.log = (WORK / f"{label.replace(' ', '-')}.log").open("w")
        command = [str(part).replace("{port}", str(self.port)) for part in command]
        self.process = subprocess.Popen(
            command, env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT,
            cwd=ROOT, start_new_session=True,
        )  # fmt: skip

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self, path: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.label} exited; see {self.log.name}")
            try:
                get(self.base + path, timeout=2)
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.label} did not answer {path} within 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# The rate limiter runs, as in production, with a quota no benchmark reaches.
UNLIMITED = {
    "KOMMUNEDIGI_RATE_LIMIT_API": "100000000/minute",
    "KOMMUNEDIGI_RATE_LIMIT_HARVEST": "100000000/minute",
}


def servers(database: Path, datasette: Path) -> list[tuple[str, list[str | Path], dict[str, str]]]:
    url = f"sqlite:///{database}"
    kommunedigi = [PYTHON / "kommunedigi", "serve", "--port", "{port}", "--database-url", url]
    return [
        ("bare starlette",
         [PYTHON / "uvicorn", "--app-dir", ROOT / "bench", "bare_app:app", "--port", "{port}",
          "--workers", "1"], {}),
        ("kommunedigi cached", kommunedigi, {"KOMMUNEDIGI_WORKERS": "1", **UNLIMITED}),
        ("kommunedigi uncached", kommunedigi,
         {"KOMMUNEDIGI_WORKERS": "1", "KOMMUNEDIGI_RESPONSE_CACHE_BYTES": "0", **UNLIMITED}),
        # --immutable: read-only, so datasette may open several connections; -p: its port.
        ("datasette", [datasette, "serve", "--immutable", database, "-p", "{port}"], {}),
    ]  # fmt: skip


def figures(server: Server) -> set[float]:
    """The values of question action-plan's shares, by REST (or SQL) and by GraphQL."""
    if server.label.startswith("kommunedigi"):
        rest = json.loads(get(server.base + "/api/v1/shares?question=action-plan"))
        rest_values = {row["value"] for row in rest["data"]}
        query = '{ shares(filter: {questions: ["action-plan"]}) { edges { node { value } } } }'
        answer = json.loads(get(server.base + graphql_path("/graphql", query)))
        graph_values = {edge["node"]["value"] for edge in answer["data"]["shares"]["edges"]}
    else:
        rest_values = {
            row["value"] for row in json.loads(get(server.base + sql_path(SQL["check"])))
        }
        where = (
            "replaced_in is null and question_id = "
            "(select id from question where code = 'action-plan')"
        )
        query = f'{{ share(where: "{where}") {{ nodes {{ value }} }} }}'
        answer = json.loads(get(server.base + graphql_path("/graphql/bench", query)))
        graph_values = {node["value"] for node in answer["data"]["share"]["nodes"]}
    if rest_values != graph_values:
        raise RuntimeError(f"{server.label}: REST {rest_values} but GraphQL {graph_values}")
    return rest_values


READY = {
    "bare starlette": "/",
    "kommunedigi cached": "/health",
    "kommunedigi uncached": "/health",
    "datasette": "/-/versions.json",
}
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, duration: int) -> tuple[float, float, float, int]:
    """Requests/s, p50 and p99 in ms, and socket errors (timeouts: 10 s) of one wrk run."""
    output = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{duration}s", "--timeout", "10s", "--latency", url],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    if "Non-2xx" in output:
        raise RuntimeError(f"wrk saw failures for {url}:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    latency = {
        percent: float(value) * UNITS[unit]
        for percent, value, unit in re.findall(r"\s(50|99)%\s+([\d.]+)(us|ms|s)\b", output)
    }
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    return rate, latency.get("50", 0.0), latency.get("99", 0.0), errors


def peak_rss_mib(pid: int) -> float:
    """A process's high-water resident memory, from /proc (Linux)."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shares", type=int, default=100_000, help="synthetic shares")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--repeats", type=int, default=2, help="runs per cell; best kept")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install -y wrk")

    WORK.mkdir(parents=True, exist_ok=True)
    database = build_database(args.shares)
    datasette = build_datasette_venv()
    # Datasette names the database after the file stem; link it as bench.sqlite3.
    link = WORK / "bench.sqlite3"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(database.name)

    results: dict[tuple[str, str], tuple[float, float, float, int]] = {}
    rates: dict[tuple[str, str], list[float]] = {}  # every round's req/s, in round order
    checked: dict[str, set[float]] = {}
    peak_rss: dict[str, float] = {}
    # Every server runs from the start (an idle one costs nothing), and each round loads
    # every cell in turn, so a machine that slows down during the run slows all alike.
    running = [Server(label, command, env) for label, command, env in servers(link, datasette)]
    try:
        cells: list[tuple[str, Server, str]] = []
        for server in running:
            server.wait(READY[server.label])
            if server.label != "bare starlette":
                checked[server.label] = figures(server)
            for request, paths in REQUESTS.items():
                if server.label in paths:
                    url = server.base + paths[server.label]
                    for _ in range(3):  # warm up: schema caches, response cache, page cache
                        get(url)
                    cells.append((request, server, url))
        for round_ in range(args.repeats):
            for request, server, url in cells:
                measured = wrk(url, args.duration)
                key = (request, server.label)
                results[key] = max(results.get(key, measured), measured)
                rates.setdefault(key, []).append(measured[0])
                rate, errors = measured[0], measured[3]
                print(f"  round {round_ + 1} | {server.label} | {request}: "
                      f"{rate:.0f} req/s, {errors} errors", file=sys.stderr)  # fmt: skip
        peak_rss = {server.label: peak_rss_mib(server.process.pid) for server in running}
    finally:
        for server in running:
            server.stop()

    values = {frozenset(v) for v in checked.values()}
    if len(values) != 1:
        raise SystemExit(f"servers disagree on question action-plan: {checked}")
    print(f"same figures for question action-plan on every server: {sorted(checked['datasette'])}")

    bare = results[("constant JSON", "bare starlette")][0]
    print(f"\nwrk -t2 -c32 -d{args.duration}s, best of {args.repeats} interleaved rounds; "
          f"{args.shares:,} synthetic shares + seed, SQLite; one worker each\n")  # fmt: skip
    print("| request | server | req/s | p50 ms | p99 ms | p99/p50 | x bare | socket errors |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for (request, label), (rate, p50, p99, errors) in results.items():
        spread = f"{p99 / p50:.1f}" if p50 else "-"
        print(f"| {request} | {label} | {rate:,.0f} | {p50:.2f} | {p99:.2f} | "
              f"{spread} | {rate / bare:.2f} | {errors} |")  # fmt: skip
    print("\n| server | peak RSS (MiB) |\n|---|---:|")
    for label, rss in peak_rss.items():
        print(f"| {label} | {rss:.0f} |")
    print("\n| request (REST vs datasette JSON, GraphQL vs datasette-graphql) "
          "| kommunedigi uncached / datasette (req/s) |")  # fmt: skip
    print("|---|---:|")
    for request, paths in REQUESTS.items():
        if "datasette" in paths:
            ours, theirs = (
                results[(request, label)][0] for label in ("kommunedigi uncached", "datasette")
            )
            # A server that finished no request within the run has no rate to divide by.
            ratio = f"{ours / theirs:.2f}" if theirs else "no datasette request finished"
            print(f"| {request} | {ratio} |")
    print_round_ratios(rates)


def print_round_ratios(rates: dict[tuple[str, str], list[float]]) -> None:
    """Each ratio within each round, where the two servers ran minutes apart at most: the
    median over rounds, and the lowest and highest. On a machine whose speed drifts, this
    says more than a ratio of two bests, which may come from different rounds."""

    def line(request: str, ours: list[float], theirs: list[float]) -> str:
        ratios = sorted(a / b for a, b in zip(ours, theirs, strict=True) if b)
        if not ratios:
            return f"| {request} | - | - |"
        return f"| {request} | {statistics.median(ratios):.2f} | {ratios[0]:.2f}–{ratios[-1]:.2f} |"

    bare = rates[("constant JSON", "bare starlette")]
    print("\n| cached request / bare, per round | median | range |\n|---|---:|---:|")
    for request, paths in REQUESTS.items():
        if "kommunedigi cached" in paths:
            print(line(request, rates[(request, "kommunedigi cached")], bare))
    print("\n| uncached / datasette, per round | median | range |\n|---|---:|---:|")
    for request, paths in REQUESTS.items():
        if "datasette" in paths:
            ours = rates[(request, "kommunedigi uncached")]
            print(line(request, ours, rates[(request, "datasette")]))


if __name__ == "__main__":
    main()
