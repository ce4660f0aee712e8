"""Instructions per request, counted by valgrind: what a change costs when timings are noisy.

Under `valgrind --tool=callgrind`, one process builds the app on the database
bench/compare.py built (`--shares`; run compare.py once first), with its response cache
and without it, and the bare Starlette app (bench/bare_app.py). It calls each app
directly (ASGI, no server, no socket) with each request of bench/compare.py: a few times
to warm up, then `--calls` times between two calls of os.getppid, before which callgrind
writes its counts out (--dump-before). Each part's instructions divided by `--calls` is
what one request takes; the bare app's constant JSON is counted the same way, and each
request is printed with its ratio to it. With `--baseline REF`, REF's code is counted in
the same way from a git worktree (its own database, as compare.py names it), and a last
column gives this code / the baseline.

On a shared machine wrk's rates vary by a fifth between rounds; these counts vary by
about one per cent between runs (PYTHONHASHSEED is fixed). They count work, not time:
cache misses, memory traffic, the server and the event loop's scheduling do not show, so
they complement bench/compare.py and never replace it. `apt-get install -y valgrind`.

    .venv/bin/python bench/instructions.py [--shares 100000] [--calls 20] [--baseline main]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from compare import BARE, PYTHON, REQUESTS, ROOT, WORK, baseline_worktree, remove_worktree

WARM_UP = 5
MODES = ("cached", "uncached")


def counted(folder: Path, database: Path, calls: int) -> dict[tuple[str, str], float]:
    """Instructions per call of each (request, mode), and of the bare app's, for the code
    in `folder`: one process under callgrind, one dump per part."""
    with tempfile.TemporaryDirectory() as out:
        command = [
            "valgrind", "--tool=callgrind", "--dump-before=os_getppid*",
            f"--callgrind-out-file={out}/part", PYTHON / "python", __file__,
            "--child", str(database), "--calls", str(calls),
        ]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": f"{folder}{os.pathsep}{ROOT / 'bench'}"}
        env["PYTHONHASHSEED"] = "0"
        subprocess.run(command, cwd=folder, env=env, check=True, capture_output=True)
        totals = [_instructions(path) for path in sorted(Path(out).glob("part.*"), key=_number)]
    parts = [("constant JSON", "bare")] + [(r, m) for m in MODES for r in REQUESTS]
    # Dump 1 is the start; dump k+1 the part k; the last (at exit) is left.
    return {part: totals[k + 1] / calls for k, part in enumerate(parts)}


def _number(path: Path) -> int:
    return int(path.name.split(".")[-1].split("-")[0])


def _instructions(path: Path) -> int:
    found = re.search(r"^(?:summary|totals): (\d+)", path.read_text(), re.MULTILINE)
    if found is None:
        raise RuntimeError(f"no instruction count in {path}")
    return int(found.group(1))


def child(database: str, calls: int) -> None:
    """The process valgrind runs: every part in order, os.getppid between parts."""
    from bare_app import app as bare

    from api.app import create_app
    from api.settings import Settings

    unlimited = {"rate_limit_api": "100000000/minute", "rate_limit_harvest": "100000000/minute"}
    common = {"database_url": f"sqlite:///{database}", "seed_on_start": False, **unlimited}
    apps = {
        "cached": create_app(Settings(**common)),  # type: ignore[arg-type]
        "uncached": create_app(Settings(**common, response_cache_bytes=0)),  # type: ignore[arg-type]
    }
    parts = [(bare, BARE[1])] + [(apps[m], paths[0]) for m in MODES for paths in REQUESTS.values()]

    async def call(app: object, path: str) -> None:
        route, _, query = path.partition("?")
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "GET", "scheme": "http", "path": route, "raw_path": route.encode(),
            "query_string": query.encode(), "root_path": "", "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000), "headers": [(b"host", b"127.0.0.1:8000")],
        }  # fmt: skip
        status: list[int] = []

        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, object]) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))  # type: ignore[call-overload]

        await app(scope, receive, send)  # type: ignore[operator]
        if status != [200]:
            raise RuntimeError(f"{path} answered {status}")

    async def run() -> None:
        for app, path in parts:
            for _ in range(WARM_UP):
                await call(app, path)
        for app, path in parts:
            os.getppid()
            for _ in range(calls):
                await call(app, path)
        os.getppid()

    asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shares", type=int, default=100_000, help="the database compare.py built")
    parser.add_argument("--calls", type=int, default=20, help="calls counted per request")
    parser.add_argument("--baseline", metavar="REF", help="a commit to count beside this code")
    parser.add_argument("--child", metavar="DATABASE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.calls)
        return
    database = WORK / f"bench-{args.shares}.sqlite3"
    if not database.exists():
        sys.exit(f"{database} is missing: run bench/compare.py --shares {args.shares} once")
    theirs: dict[tuple[str, str], float] | None = None
    if not args.baseline:
        ours = counted(ROOT, database, args.calls)
    else:
        commit, folder = baseline_worktree(args.baseline)
        try:
            # Side by side: the counts do not depend on what else runs.
            with ThreadPoolExecutor(2) as pool:
                mine = pool.submit(counted, ROOT, database, args.calls)
                other = WORK / f"bench-{args.shares}-{commit[:12]}.sqlite3"
                theirs = pool.submit(counted, folder, other, args.calls).result()
                ours = mine.result()
        finally:
            remove_worktree(folder)
    print(f"\ninstructions per call, in process, mean of {args.calls} calls (valgrind)\n")
    header = "| request | mode | this | x bare |"
    if theirs:
        header += f" baseline ({args.baseline}) | x bare | this / baseline |"
    print(header)
    print("|---|---|" + "---:|" * (header.count("|") - 3))
    for (request, mode), count in ours.items():
        row = f"| {request} | {mode} | {count / 1e6:.3f} M | {count / ours[BARE[0], 'bare']:.1f} |"
        if theirs:
            other = theirs[request, mode]
            bare = theirs[BARE[0], "bare"]
            row += f" {other / 1e6:.3f} M | {other / bare:.1f} | {count / other:.3f} |"
        print(row)


if __name__ == "__main__":
    main()
