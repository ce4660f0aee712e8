"""Throughput of kommunedigi against a bare Starlette app and Datasette, over HTTP.

Builds (or reuses) a SQLite database of N synthetic shares (`kommunedigi generate`, which
writes generated data into a database of its own, never beside the published figures;
every request below reads that data) and a separate virtual environment with datasette
and datasette-graphql (their graphql-core pin clashes with Strawberry's, so never in the
project's venv), both under bench/.work/. Then starts, each with one worker on 127.0.0.1:
a bare Starlette app (the ceiling, bench/bare_app.py), kommunedigi with its response
cache, kommunedigi without it (KOMMUNEDIGI_RESPONSE_CACHE_BYTES=0), both with the rate
limiter running at a quota no run reaches, and datasette with datasette-graphql on the
same file. Checks that they give the same figures for question `synthetic-q1` (segment
`all`), then loads each request with wrk
(-t2 -c32 -d5s --latency; `apt-get install -y wrk`) in rounds that visit every server in
turn, keeps each cell's best round, and prints req/s, p50, p99, the ratio to the bare
app and each server's peak memory (RSS). The data of question `synthetic-q1` as JSON-stat
from /api/v1 and as a PxWebApi 2 table from /api/pxwebapi/v2 (the same cells) are loaded
side by side, and their ratio per round is printed, cached and uncached (issue 17 asks
for PxWebApi 2 at no less than 0.8 of /api/v1, uncached). Datasette has no counterpart of
them, and a baseline that answers 404 to one is left out of it.

With `--baseline REF`, the kommunedigi of another commit runs beside this checkout's in
every round: REF is checked out into a temporary git worktree under bench/.work/ and
served by the same venv with its own code on PYTHONPATH (not the editable install), on a
database its own code built (REF's generate must make indicator `synthetic-i1` in a
database of its own, as this code's does). Its servers are labelled "baseline cached" and "baseline
uncached", and a last table gives, per request, each one's ratio to the bare app of the
same round and the ratio of this code to the baseline. `--without-datasette` leaves
Datasette out (it is not needed to compare two commits).

    .venv/bin/python bench/compare.py [--shares 100000] [--duration 5] [--repeats 2]
        [--baseline main] [--without-datasette]
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
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
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
    "coalesce(s.locator_nb, s.locator) as locator "
)
SQL = {
    "indicator": (
        "select w.year as wave, sum(s.value) as value, min(s.status) as status "
        "from share s join wave w on w.id = s.wave_id "
        "join indicatoroption io on io.option_id = s.option_id "
        "join indicator i on i.id = io.indicator_id join segment g on g.id = s.segment_id "
        "where i.code = 'synthetic-i1' and g.code = 'all' "
        "and s.replaced_in is null group by w.year order by w.year"
    ),
    "question": SQL_COLUMNS
    + SQL_JOINS
    + "where q.code = 'synthetic-q1' and g.code = 'all' and s.replaced_in is null "
    "order by w.year, o.position, g.code",
    "shares page": SQL_COLUMNS + SQL_JOINS + "where s.replaced_in is null "
    "order by s.wave_id, s.question_id, s.option_id, s.segment_id limit 100",
    "check": "select s.value from share s join question q on q.id = s.question_id "
    "join segment g on g.id = s.segment_id "
    "where q.code = 'synthetic-q1' and g.code = 'all' and s.replaced_in is null",
}


def graphql_path(prefix: str, query: str) -> str:
    return f"{prefix}?{urllib.parse.urlencode({'query': query})}"


def sql_path(sql: str) -> str:
    return f"/bench.json?{urllib.parse.urlencode({'sql': sql, '_shape': 'array'})}"


# PxWebApi 2's data of one table (question synthetic-q1), every value of every variable
# (the variables as api.pxwebapi names them), beside the same cells from /api/v1.
PX_TABLE_DATA = "/api/pxwebapi/v2/tables/synthetic-q1/data?" + urllib.parse.urlencode(
    {
        "outputFormat": "json-stat2",
        **{f"valuecodes[{name}]": "*" for name in ("wave", "option", "segment", "ContentsCode")},
    }
)
V1_DATA = "question data (JSON-stat)"
PX_DATA = "PxWebApi 2 table data (json-stat2)"

# request label → (kommunedigi's path, datasette's path, or None where it has no
# counterpart); the bare app answers BARE.
REQUESTS: dict[str, tuple[str, str | None]] = {
    "indicator series": ("/api/v1/indicators/synthetic-i1", sql_path(SQL["indicator"])),
    "question's shares": ("/api/v1/questions/synthetic-q1?segment=all", sql_path(SQL["question"])),
    "shares page (100)": ("/api/v1/shares?limit=100", sql_path(SQL["shares page"])),
    "GraphQL shares page (100)": (
        graphql_path("/graphql", K_SHARES_PAGE),
        graphql_path("/graphql/bench", DS_SHARES_PAGE),
    ),
    V1_DATA: ("/api/v1/questions/synthetic-q1/data?format=jsonstat", None),
    PX_DATA: (PX_TABLE_DATA, None),
}
# Issue 17: PxWebApi 2's table data at no less than this share of /api/v1's speed.
PX_FLOOR = 0.8
# Issue 18: the GraphQL page of 100 shares, uncached, at no less than this share of the
# same page over REST, and this many times datasette-graphql's.
GRAPHQL_PAGE, REST_PAGE = "GraphQL shares page (100)", "shares page (100)"
GRAPHQL_FLOOR, GRAPHQL_OVER_DATASETTE = 0.2, 30
BARE = ("constant JSON", "/")
MODES = ("cached", "uncached")  # kommunedigi with and without its response cache


@dataclass(frozen=True)
class Code:
    """A kommunedigi to serve: this checkout, or a baseline's worktree. It runs from its
    folder with the folder on PYTHONPATH, so that its own packages are imported."""

    name: str  # "kommunedigi", or "baseline"
    folder: Path
    database_name: str  # under bench/.work/, built by this code

    def command(self, *arguments: str | Path) -> list[str | Path]:
        return [PYTHON / "python", "-m", "api", *arguments]

    @property
    def env(self) -> dict[str, str]:
        return {"PYTHONPATH": str(self.folder)}


def paths(label: str) -> dict[str, str]:
    """The requests a server answers, by label, each with its path."""
    if label == "bare starlette":
        return dict([BARE])
    column = 1 if label == "datasette" else 0
    found = {request: both[column] for request, both in REQUESTS.items()}
    return {request: path for request, path in found.items() if path is not None}


def run(command: list[str | Path], **kwargs: object) -> None:
    subprocess.run([str(part) for part in command], check=True, **kwargs)  # type: ignore[call-overload]


def build_database(shares: int, code: Code) -> Path:
    """bench/.work/bench-N.sqlite3: N synthetic shares (10 waves × 100 q), alone in their
    database, written by `code` (a baseline's database is named after its commit)."""
    path = WORK / code.database_name.format(shares=shares)
    if path.exists():
        return path
    segments = max(1, shares // (10 * 100 * 10))
    partial = path.with_suffix(".partial")
    for stale in WORK.glob(f"{partial.name}*"):
        stale.unlink()
    started = time.perf_counter()
    run(
        code.command("generate", "--database-url", f"sqlite:///{partial}", "--waves", "10",
                     "--questions", "100", "--options", "10", "--segments", str(segments)),
        cwd=code.folder, env={**os.environ, **code.env},
    )  # fmt: skip
    partial.rename(path)
    print(f"built {path.name} in {time.perf_counter() - started:.0f} s")
    return path


def baseline_worktree(ref: str) -> tuple[str, Path]:
    """REF's commit, checked out (detached) at bench/.work/baseline-<commit>."""
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{ref}^{{commit}}"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    folder = WORK / f"baseline-{commit[:12]}"
    if not folder.exists():
        run(["git", "worktree", "add", "--detach", folder, commit], cwd=ROOT)
    return commit, folder


def remove_worktree(folder: Path) -> None:
    run(["git", "worktree", "remove", "--force", folder], cwd=ROOT)


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

    def __init__(
        self, label: str, command: list[str | Path], env: dict[str, str], cwd: Path = ROOT
    ) -> None:
        self.label = label
        self.port = free_port()
        self.log = (WORK / f"{label.replace(' ', '-')}.log").open("w")
        command = [str(part).replace("{port}", str(self.port)) for part in command]
        self.process = subprocess.Popen(
            command, env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT,
            cwd=cwd, start_new_session=True,
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


def servers(databases: dict[Code, Path], datasette: Path | None) -> list[Server]:
    """Every server, started: the bare app, each code cached and uncached, datasette."""
    started = [
        Server("bare starlette",
               [PYTHON / "uvicorn", "--app-dir", ROOT / "bench", "bare_app:app",
                "--port", "{port}", "--workers", "1"], {}),
    ]  # fmt: skip
    for code, database in databases.items():
        serve = code.command("serve", "--port", "{port}", "--database-url", f"sqlite:///{database}")
        env = {"KOMMUNEDIGI_WORKERS": "1", **UNLIMITED, **code.env}
        started.append(Server(f"{code.name} cached", serve, env, code.folder))
        env = {**env, "KOMMUNEDIGI_RESPONSE_CACHE_BYTES": "0"}
        started.append(Server(f"{code.name} uncached", serve, env, code.folder))
    if datasette is not None:
        # --immutable: read-only, so datasette may open several connections; -p: its port.
        database = WORK / "bench.sqlite3"
        command = [datasette, "serve", "--immutable", database, "-p", "{port}"]
        started.append(Server("datasette", command, {}))
    return started


def figures(server: Server) -> set[float]:
    """The values of question synthetic-q1's shares for segment all (10 waves × 10 options),
    by REST (or SQL) and by GraphQL."""
    if server.label != "datasette":
        rest = json.loads(get(server.base + "/api/v1/shares?question=synthetic-q1&segment=all"))
        rest_values = {row["value"] for row in rest["data"]}
        query = (
            '{ shares(first: 100, filter: {questions: ["synthetic-q1"], segments: ["all"]})'
            " { edges { node { value } } } }"
        )
        answer = json.loads(get(server.base + graphql_path("/graphql", query)))
        graph_values = {edge["node"]["value"] for edge in answer["data"]["shares"]["edges"]}
    else:
        rest_values = {
            row["value"] for row in json.loads(get(server.base + sql_path(SQL["check"])))
        }
        where = (
            "replaced_in is null"
            " and question_id = (select id from question where code = 'synthetic-q1')"
            " and segment_id = (select id from segment where code = 'all')"
        )
        query = f'{{ share(first: 100, where: "{where}") {{ nodes {{ value }} }} }}'
        answer = json.loads(get(server.base + graphql_path("/graphql/bench", query)))
        graph_values = {node["value"] for node in answer["data"]["share"]["nodes"]}
    if rest_values != graph_values:
        raise RuntimeError(f"{server.label}: REST {rest_values} but GraphQL {graph_values}")
    return rest_values


# Others: /docs, answered once the app is built (api.boot answers /health before).
READY = {"bare starlette": "/", "datasette": "/-/versions.json"}
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


def served_by(url: str) -> bool:
    """Whether a server answers `url` at all (a baseline may predate a route)."""
    try:
        get(url)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return False
        raise
    return True


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
    parser.add_argument("--baseline", metavar="REF", help="a commit to serve beside this code")
    parser.add_argument("--without-datasette", action="store_true", help="leave Datasette out")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install -y wrk")

    WORK.mkdir(parents=True, exist_ok=True)
    codes = [Code("kommunedigi", ROOT, "bench-{shares}.sqlite3")]
    baseline: Path | None = None
    try:
        if args.baseline:
            commit, baseline = baseline_worktree(args.baseline)
            print(f"baseline: {args.baseline} = {commit}", file=sys.stderr)
            codes.append(Code("baseline", baseline, f"bench-{{shares}}-{commit[:12]}.sqlite3"))
        databases = {code: build_database(args.shares, code) for code in codes}
        datasette = None if args.without_datasette else build_datasette_venv()
        # Datasette names the database after the file stem; link it as bench.sqlite3.
        link = WORK / "bench.sqlite3"
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(databases[codes[0]].name)
        rates, results, checked, peak_rss = measure(databases, datasette, args)
    finally:
        if baseline is not None:
            remove_worktree(baseline)

    values = {frozenset(v) for v in checked.values()}
    if len(values) != 1:
        raise SystemExit(f"servers disagree on question synthetic-q1: {checked}")
    print(f"same figures for question synthetic-q1 on every server: {len(values.pop())} values")

    bare = results[BARE[0], "bare starlette"][0]
    print(f"\nwrk -t2 -c32 -d{args.duration}s, best of {args.repeats} interleaved rounds; "
          f"{args.shares:,} synthetic shares alone in their database, SQLite;"
          " one worker each\n")  # fmt: skip
    print("| request | server | req/s | p50 ms | p99 ms | p99/p50 | x bare | socket errors |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for (request, label), (rate, p50, p99, errors) in results.items():
        spread = f"{p99 / p50:.1f}" if p50 else "-"
        print(f"| {request} | {label} | {rate:,.0f} | {p50:.2f} | {p99:.2f} | "
              f"{spread} | {rate / bare:.2f} | {errors} |")  # fmt: skip
    print("\n| server | peak RSS (MiB) |\n|---|---:|")
    for label, rss in peak_rss.items():
        print(f"| {label} | {rss:.0f} |")
    if datasette is not None:
        print("\n| request (REST vs datasette JSON, GraphQL vs datasette-graphql) "
              "| kommunedigi uncached / datasette (req/s) |")  # fmt: skip
        print("|---|---:|")
        for request in paths("datasette"):
            ours, theirs = (
                results[(request, label)][0] for label in ("kommunedigi uncached", "datasette")
            )
            # A server that finished no request within the run has no rate to divide by.
            ratio = f"{ours / theirs:.2f}" if theirs else "no datasette request finished"
            print(f"| {request} | {ratio} |")
    print_round_ratios(rates, with_datasette=datasette is not None)
    if baseline is not None:
        print_baseline_ratios(rates)


Cell = tuple[str, str]  # (request, server label)


def measure(
    databases: dict[Code, Path], datasette: Path | None, args: argparse.Namespace
) -> tuple[
    dict[Cell, list[float]],
    dict[Cell, tuple[float, float, float, int]],
    dict[str, set[float]],
    dict[str, float],
]:
    """Every round's req/s per cell, in round order; each cell's best round; each
    server's figures for question synthetic-q1; each server's peak RSS."""
    results: dict[Cell, tuple[float, float, float, int]] = {}
    rates: dict[Cell, list[float]] = {}
    checked: dict[str, set[float]] = {}
    # Every server runs from the start (an idle one costs nothing), and each round loads
    # every cell in turn, so a machine that slows down during the run slows all alike.
    running = servers(databases, datasette)
    try:
        cells: list[tuple[str, Server, str]] = []
        for server in running:
            server.wait(READY.get(server.label, "/docs"))
            if server.label != "bare starlette":
                checked[server.label] = figures(server)
            for request, path in paths(server.label).items():
                url = server.base + path
                if server.label.startswith("baseline") and not served_by(url):
                    print(f"  {server.label} does not serve {request}: left out",
                          file=sys.stderr)  # fmt: skip
                    continue
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
    return rates, results, checked, peak_rss


def per_round(ours: list[float], theirs: list[float]) -> str:
    """Each ratio within each round, where the two servers ran minutes apart at most: the
    median over rounds, and the lowest and highest. On a machine whose speed drifts, this
    says more than a ratio of two bests, which may come from different rounds."""
    ratios = sorted(a / b for a, b in zip(ours, theirs, strict=True) if b)
    if not ratios:
        return "- | -"
    return f"{statistics.median(ratios):.2f} | {ratios[0]:.2f}–{ratios[-1]:.2f}"


def print_round_ratios(rates: dict[Cell, list[float]], *, with_datasette: bool) -> None:
    bare = rates[BARE[0], "bare starlette"]
    print("\n| cached request / bare, per round | median | range |\n|---|---:|---:|")
    for request in REQUESTS:
        print(f"| {request} | {per_round(rates[request, 'kommunedigi cached'], bare)} |")
    print(f"\n| {PX_DATA} / {V1_DATA}, per round (at least {PX_FLOOR}) | median | range |")
    print("|---|---:|---:|")
    for mode in MODES:
        label = f"kommunedigi {mode}"
        print(f"| {mode} | {per_round(rates[PX_DATA, label], rates[V1_DATA, label])} |")
    print(f"\n| {GRAPHQL_PAGE} / {REST_PAGE}, per round (uncached at least {GRAPHQL_FLOOR})"
          " | median | range |\n|---|---:|---:|")  # fmt: skip
    for mode in MODES:
        label = f"kommunedigi {mode}"
        print(f"| {mode} | {per_round(rates[GRAPHQL_PAGE, label], rates[REST_PAGE, label])} |")
    if with_datasette:
        print(f"\n| uncached / datasette, per round ({GRAPHQL_PAGE}: at least"
              f" {GRAPHQL_OVER_DATASETTE}) | median | range |\n|---|---:|---:|")  # fmt: skip
        for request in paths("datasette"):
            ours, theirs = rates[request, "kommunedigi uncached"], rates[request, "datasette"]
            print(f"| {request} | {per_round(ours, theirs)} |")


def print_baseline_ratios(rates: dict[Cell, list[float]]) -> None:
    """This code and the baseline, each against the bare app of the same round, and this
    code against the baseline: medians (and ranges) over rounds."""
    bare = rates[BARE[0], "bare starlette"]
    print(
        "\n| request | mode | this x bare | range | baseline x bare | range "
        "| this / baseline | range |\n|---|---|---:|---:|---:|---:|---:|---:|"
    )
    for request in REQUESTS:
        for mode in MODES:
            if (request, f"baseline {mode}") not in rates:
                continue  # the baseline does not serve it
            ours, theirs = rates[request, f"kommunedigi {mode}"], rates[request, f"baseline {mode}"]
            print(f"| {request} | {mode} | {per_round(ours, bare)} | {per_round(theirs, bare)} "
                  f"| {per_round(ours, theirs)} |")  # fmt: skip


if __name__ == "__main__":
    main()
