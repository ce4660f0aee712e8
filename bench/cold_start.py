"""Cold start: how long `kommunedigi serve` takes to answer its first request.

Starts, in turn and over several interleaved rounds, these servers on 127.0.0.1, each
with its default settings and one worker, and measures each from process start to the
first 200 answer:

* bare: a bare Starlette app under uvicorn (bench/bare_app.py), answering `/`;
* ORM first: the same app after importing SQLAlchemy, SQLModel and the table models
  (bench/floor_app.py): the least a server that loaded them before it listened would take;
* first start: `kommunedigi serve` in a new empty folder, which makes the SQLite database
  (from the seed's snapshot) and answers `/health` (api.boot, while the app is built);
* warm start: `kommunedigi serve` on the database a first start left, answering `/health`;
* and for both starts, "figures": the same process's first answer of an indicator's
  figures, which waits for the app: when the whole API is ready.

Prints each round and a table of medians with their ratio to the bare app, and exits
with status 1 when the first start's /health median takes more than 3x the bare app's.

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
FIGURES = "/api/v1/indicators/expected-better-quality"  # answered by the app once built
TIMEOUT_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(port: int, path: str) -> bool:
    """Whether the server on `port` answers `path` with a 200 now."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def seconds_to_answers(
    command: list[str], paths: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None
) -> list[float]:
    """Starts `command` ({port} filled in), waits for a 200 on each of `paths` in turn,
    stops it, and returns the seconds from start to each answer."""
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
            seconds = []
            for path in paths:
                while not answers(port, path):
                    if process.poll() is not None:
                        raise RuntimeError(f"{command[0]} exited; see {log}")
                    if time.perf_counter() - started > TIMEOUT_SECONDS:
                        raise RuntimeError(f"no answer within {TIMEOUT_SECONDS:.0f} s; see {log}")
                    time.sleep(POLL_SECONDS)
                seconds.append(time.perf_counter() - started)
            return seconds
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
    times: dict[str, list[float]] = {"bare": [], "ORM first": []}
    for name in codes:
        for start in ("first start", "warm start"):
            times[f"{start}{name}"], times[f"{start}{name}: figures"] = [], []
    work = Path(tempfile.mkdtemp(prefix="cold-start-"))
    try:
        for round_ in range(1, args.rounds + 1):
            times["bare"] += seconds_to_answers(bare, ["/"], work, work / "bare.log")
            times["ORM first"] += seconds_to_answers(floor, ["/"], work, work / "floor.log")
            for name, (command, env) in codes.items():
                empty, warm = work / f"first{name}-{round_}", work / f"warm{name}"
                empty.mkdir()
                for start, folder in (("first start", empty), ("warm start", warm)):
                    if not folder.exists():  # the first round's database serves every warm start
                        shutil.copytree(empty, folder)
                    health, figures = seconds_to_answers(
                        command, ["/health", FIGURES], folder, work / "serve.log", env
                    )
                    times[f"{start}{name}"].append(health)
                    times[f"{start}{name}: figures"].append(figures)
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
        sys.exit(f"\nFAIL: a first start answers /health in {ratio:.1f}x the bare app's time,"
                 f" more than {LIMIT}x")  # fmt: skip
    print(f"\nOK: a first start answers /health in {ratio:.1f}x the bare app's time"
          f" (at most {LIMIT}x)")  # fmt: skip


if __name__ == "__main__":
    main()
