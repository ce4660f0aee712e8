"""Cold start: how long `kommunedigi serve` takes to answer its first request.

Starts, in turn and over several interleaved rounds, three servers on 127.0.0.1, each
with its default settings and one worker, and measures each from process start to the
first 200 answer:

* bare: a bare Starlette app under uvicorn (bench/bare_app.py), answering `/`;
* floor: the same app after importing SQLAlchemy, SQLModel and the table models
  (bench/floor_app.py), which any start of kommunedigi needs: how near 1x it can come;
* first start: `kommunedigi serve` in a new empty folder, which creates the SQLite
  database, migrates and seeds it before it answers `/health`;
* warm start: `kommunedigi serve` on the database a first start left, answering `/health`.

Prints each round and a table of medians with their ratio to the bare app, and exits
with status 1 when the first start's median takes more than 3x the bare app's.

With `--baseline REF`, another commit's first and warm starts are measured in every round
too, from a git worktree under bench/.work/ as in bench/compare.py.

    .venv/bin/python bench/cold_start.py [--rounds 5] [--baseline main]
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from compare import baseline_worktree, remove_worktree

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
LIMIT = 3.0  # the most a first start may take, as a multiple of the bare app's
POLL_SECONDS = 0.005
TIMEOUT_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(port: int, path: str) -> bool:
    """Whether the server on `port` answers `path` with a 200 now."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def seconds_to_first_answer(
    command: list[str], path: str, cwd: Path, log: Path, env: dict[str, str] | None = None
) -> float:
    """Starts `command` ({port} filled in), waits for a 200 on `path`, stops it, and
    returns the seconds from start to that answer."""
    port = free_port()
    # The servers' own settings only: none of the caller's KOMMUNEDIGI_* variables.
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("KOMMUNEDIGI_")},
        **(env or {}),
    }
    with log.open("w") as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            [part.replace("{port}", str(port)) for part in command],
            cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            while not answers(port, path):
                if process.poll() is not None:
                    raise RuntimeError(f"{command[0]} exited; see {log}")
                if time.perf_counter() - started > TIMEOUT_SECONDS:
                    raise RuntimeError(f"no answer within {TIMEOUT_SECONDS:.0f} s; see {log}")
                time.sleep(POLL_SECONDS)
            return time.perf_counter() - started
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--baseline", metavar="REF", help="a commit to start beside this code")
    args = parser.parse_args()

    bare = [str(BIN / "uvicorn"), "--app-dir", str(ROOT / "bench"), "bare_app:app",
            "--port", "{port}", "--no-access-log"]  # fmt: skip
    serve = [str(BIN / "kommunedigi"), "serve", "--port", "{port}"]
    floor = [*bare[:3], "floor_app:app", *bare[4:]]
    # name → (command, environment): this checkout's kommunedigi, and the baseline's.
    codes = {"": (serve, {})}
    baseline = None
    if args.baseline:
        commit, baseline = baseline_worktree(args.baseline)
        print(f"baseline: {args.baseline} = {commit}", file=sys.stderr)
        base_serve = [str(BIN / "python"), "-m", "api", "serve", "--port", "{port}"]
        codes[f" ({args.baseline})"] = (base_serve, {"PYTHONPATH": str(baseline)})
    times: dict[str, list[float]] = {"bare": [], "floor": []}
    for name in codes:
        times[f"first start{name}"], times[f"warm start{name}"] = [], []
    work = Path(tempfile.mkdtemp(prefix="cold-start-"))
    try:
        for round_ in range(1, args.rounds + 1):
            times["bare"].append(seconds_to_first_answer(bare, "/", work, work / "bare.log"))
            times["floor"].append(seconds_to_first_answer(floor, "/", work, work / "floor.log"))
            for name, (command, env) in codes.items():
                empty, warm = work / f"first{name}-{round_}", work / f"warm{name}"
                empty.mkdir()
                times[f"first start{name}"].append(
                    seconds_to_first_answer(command, "/health", empty, work / "first.log", env)
                )
                if not warm.exists():  # the first round's database serves every warm start
                    shutil.copytree(empty, warm)
                times[f"warm start{name}"].append(
                    seconds_to_first_answer(command, "/health", warm, work / "warm.log", env)
                )
                shutil.rmtree(empty)
            print(f"  round {round_}: " + ", ".join(
                f"{label} {seconds[-1]:.2f} s" for label, seconds in times.items()
            ), file=sys.stderr)  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if baseline is not None:
            remove_worktree(baseline)

    medians = {label: statistics.median(seconds) for label, seconds in times.items()}
    print(f"\nSeconds from process start to the first 200, median of {args.rounds} "
          "interleaved rounds; one worker each\n")  # fmt: skip
    print("| server | median s | min s | max s | x bare |\n|---|---:|---:|---:|---:|")
    for label, seconds in times.items():
        print(f"| {label} | {medians[label]:.2f} | {min(seconds):.2f} | {max(seconds):.2f} "
              f"| {medians[label] / medians['bare']:.1f} |")  # fmt: skip
    ratio = medians["first start"] / medians["bare"]
    if ratio > LIMIT:
        sys.exit(f"\nFAIL: a first start takes {ratio:.1f}x the bare app's, more than {LIMIT}x")
    print(f"\nOK: a first start takes {ratio:.1f}x the bare app's (at most {LIMIT}x)")


if __name__ == "__main__":
    main()
