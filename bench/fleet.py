"""The same load against one instance direct and against nginx in front of two.

Starts the topology tests/test_topology.py runs (tests/topology_helpers.running_fleet: a
PostgreSQL primary and streaming replica of its own, `kommunedigi serve` instances
reading the replica, nginx with deploy/nginx.conf), then loads one instance directly and
the proxy with wrk and bench/load.lua over the same list of paths, and prints requests
per second and p99 for each. Needs PostgreSQL's binaries, nginx and wrk; run it as root
(the servers then run as the `postgres` user) or as a user who may run them.

    .venv/bin/python bench/fleet.py --duration 20
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.topology_helpers import missing_binaries, running_fleet  # noqa: E402

SCRIPT = ROOT / "bench" / "load.lua"
# What a dashboard or a portal asks for: indicators, pages of shares, a question's data.
PATHS = [
    "/api/v1/indicators/action-plan",
    "/api/v1/indicators/expected-better-quality",
    "/api/v1/questions/action-plan",
    "/api/v1/topics",
    "/api/v1/surveys",
    *(f"/api/v1/shares?limit={limit}" for limit in (10, 50, 100, 200)),
]


def load(base: str, duration: int, connections: int, paths_file: Path) -> dict[str, float]:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
         "-s", str(SCRIPT), base],
        check=True, capture_output=True, text=True,
        env={"LOAD_PATHS": str(paths_file), "PATH": "/usr/bin:/bin"},
    ).stdout  # fmt: skip
    statuses = dict(re.findall(r" (\d+)=(\d+)", output.split("STATUSES", 1)[1].split("\n")[0]))
    p99 = int(re.search(r"p99=(\d+)", output).group(1))  # type: ignore[union-attr]
    summary = re.search(r"requests=(\d+) duration_us=(\d+)", output)
    assert summary is not None, output
    requests, micros = int(summary.group(1)), int(summary.group(2))
    failed = sum(int(count) for status, count in statuses.items() if status != "200")
    return {"rps": requests / (micros / 1e6), "p99_ms": p99 / 1000, "failed": failed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32, help="wrk's open connections")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install -y wrk")
    if missing := missing_binaries():
        sys.exit(f"missing: {', '.join(missing)}")
    settings = {"KOMMUNEDIGI_RATE_LIMIT_API": "", "KOMMUNEDIGI_RATE_LIMIT_HARVEST": ""}
    with tempfile.TemporaryDirectory() as folder, running_fleet(settings, instances=2) as fleet:
        paths_file = Path(folder) / "paths.txt"
        paths_file.write_text("\n".join(PATHS) + "\n")
        results = {
            "one instance, direct": load(fleet.direct[0], args.duration, args.connections,
                                         paths_file),
            "nginx, two instances": load(fleet.proxy, args.duration, args.connections,
                                         paths_file),
        }  # fmt: skip
    print(f"wrk -t2 -c{args.connections} -d{args.duration}s over {len(PATHS)} paths")
    for name, result in results.items():
        print(
            f"{name:24} {result['rps']:9.0f} req/s  p99 {result['p99_ms']:7.1f} ms"
            f"  failed {result['failed']:.0f}"
        )


if __name__ == "__main__":
    main()
