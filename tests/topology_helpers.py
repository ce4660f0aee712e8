"""Real processes for tests/test_topology.py: a PostgreSQL primary and its streaming
replica, `kommunedigi serve` instances and nginx, each on ports and in a folder of its own.

PostgreSQL refuses to run as root, so under root the servers (and nginx's workers) run
as the unprivileged `postgres` user, which owns the folder. The machine's own PostgreSQL
(port 5432) is never touched.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

from tests.conftest import ROOT
from tests.network_helpers import free_port

# Who runs the servers: root may not run PostgreSQL.
OWNER = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
RUN_AS = ["runuser", "-u", OWNER, "--"] if os.geteuid() == 0 else []
START_TIMEOUT = 90.0  # seconds; a loaded two-core machine starts slowly


def postgres_bin() -> Path | None:
    """The newest PostgreSQL's binaries that has initdb, pg_ctl and pg_basebackup."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    for folder in reversed(found):
        if all((Path(folder) / name).exists() for name in ("initdb", "pg_ctl", "pg_basebackup")):
            return Path(folder)
    which = shutil.which("pg_ctl")
    return Path(which).parent if which and shutil.which("pg_basebackup") else None


def nginx_bin() -> Path | None:
    which = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    return Path(which) if which else None


def missing_binaries() -> list[str]:
    missing = []
    if postgres_bin() is None:
        missing.append("PostgreSQL (initdb, pg_ctl, pg_basebackup)")
    if nginx_bin() is None:
        missing.append("nginx")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        missing.append("runuser")
    return missing


def owned_folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(path, OWNER, OWNER)
    return path


def run(command: list[str], log: Path, timeout: float = START_TIMEOUT) -> None:
    """A command as the owner; its output goes to `log`, shown if it fails."""
    with log.open("ab") as out:
        done = subprocess.run(
            [*RUN_AS, *command], stdout=out, stderr=subprocess.STDOUT, timeout=timeout
        )
    if done.returncode != 0:
        raise AssertionError(f"{command[0]} failed ({done.returncode}):\n{tail(log)}")


def tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class Postgres:
    """One PostgreSQL server in `folder`/data, on a port of its own."""

    def __init__(self, folder: Path, binaries: Path) -> None:
        self.folder = owned_folder(folder)
        self.data = folder / "data"
        self.log = folder / "server.log"
        self.bin = binaries
        self.port = free_port()

    def url(self, database: str = "kommunedigi") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def initdb(self) -> None:
        run([str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
             "-E", "UTF8", "--no-sync"], self.folder / "initdb.log")  # fmt: skip

    def base_backup_of(self, primary: Postgres) -> None:
        """A copy of `primary` that follows it (-R: standby.signal and primary_conninfo)."""
        run([str(self.bin / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port),
             "-U", "postgres", "-D", str(self.data), "-R", "-X", "stream",
             "--checkpoint=fast", "--no-sync"], self.folder / "basebackup.log")  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c full_page_writes=off -c shared_buffers=32MB"
            " -c wal_level=replica -c max_wal_senders=5 -c hot_standby=on"
        )
        run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
             "-t", str(int(START_TIMEOUT)), "-o", options, "start"],
            self.folder / "pg_ctl.log")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60",
                 "stop"], self.folder / "pg_ctl.log")  # fmt: skip


class Process:
    """A long-running process whose output goes to a log file; stopped, then killed."""

    def __init__(self, command: list[str], log: Path, env: dict[str, str] | None = None) -> None:
        self.log = log
        self._out: IO[bytes] = log.open("ab")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self._out, stderr=subprocess.STDOUT
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL: gone at once, mid-request."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._out.close()

    def running(self) -> bool:
        return self.process.poll() is None


def serve(port: int, env: dict[str, str], log: Path) -> Process:
    command = [sys.executable, "-m", "api", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--proxy-headers"]  # fmt: skip
    return Process(command, log, {**os.environ, **env})


def wait_for(
    what: str, check: Callable[[], bool], timeout: float, alive: Process | None = None
) -> float:
    """Seconds until `check()` is true; fails after `timeout` or when `alive` stops."""
    started = time.monotonic()
    while True:
        try:
            if check():
                return time.monotonic() - started
        except (httpx.TransportError, ValueError, KeyError):
            pass
        if alive is not None and not alive.running():
            raise AssertionError(f"{what}: the process stopped:\n{tail(alive.log)}")
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.2)


def nginx_config(template: str, *, port: int, upstreams: list[int], folder: Path) -> str:
    """deploy/nginx.conf with this test's port, instances and folder put in."""
    replacements = {
        "listen 8080;": f"listen 127.0.0.1:{port};",
        "server api:8000 max_fails=1 fail_timeout=10s;": " ".join(
            f"server 127.0.0.1:{upstream} max_fails=1 fail_timeout=10s;" for upstream in upstreams
        ),
        "/var/cache/nginx": str(folder / "cache"),
        "/var/log/nginx": str(folder),
        "worker_processes auto;": "worker_processes 2;",
    }
    for old, new in replacements.items():
        assert old in template, f"deploy/nginx.conf no longer holds {old!r}"
        template = template.replace(old, new)
    return template


def start_nginx(binary: Path, folder: Path, config: str) -> Process:
    owned_folder(folder / "cache")
    path = folder / "nginx.conf"
    path.write_text(config)
    main = f"daemon off; pid {folder}/nginx.pid;"
    if os.geteuid() == 0:
        main += f" user {OWNER} {OWNER};"  # workers unprivileged, owning the cache
    command = [str(binary), "-p", str(folder), "-c", str(path), "-e", str(folder / "error.log"),
               "-g", main]  # fmt: skip
    tested = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert tested.returncode == 0, tested.stderr
    return Process(command, folder / "nginx.out")


def health(base: str, timeout: float = 10) -> dict[str, Any]:
    answer: dict[str, Any] = httpx.get(f"{base}/health", timeout=timeout).json()
    return answer


@dataclass
class Fleet:
    folder: Path
    primary: Postgres
    replica: Postgres
    instances: list[Process]
    direct: list[str]  # each instance's own address
    proxy: str
    quota: int = 0  # the rate limits' quota, when the caller set one
    timings: dict[str, Any] = field(default_factory=dict)


@contextmanager
def running_fleet(settings: Mapping[str, str], *, instances: int = 2) -> Iterator[Fleet]:
    """A primary and its streaming replica (seeded through the primary), `instances` of
    `kommunedigi serve` with `settings` (reads from the replica, writes to the primary),
    and nginx with deploy/nginx.conf in front; everything is stopped and removed after."""
    binaries, nginx = postgres_bin(), nginx_bin()
    assert binaries is not None and nginx is not None, missing_binaries()
    folder = Path(tempfile.mkdtemp(prefix="kommunedigi-topology-"))
    folder.chmod(0o755)  # the servers' owner must reach its folders
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        primary = Postgres(folder / "primary", binaries)
        primary.initdb()
        primary.start()
        stack.callback(primary.stop, "immediate")
        created = subprocess.run(
            [*RUN_AS, str(binaries / "psql"), "-h", "127.0.0.1", "-p", str(primary.port),
             "-U", "postgres", "-d", "postgres", "-c", "CREATE DATABASE kommunedigi"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert created.returncode == 0, created.stderr
        replica = Postgres(folder / "replica", binaries)
        replica.base_backup_of(primary)
        replica.start()
        stack.callback(replica.stop, "immediate")
        # Migrated and seeded once, on the primary, as a deploy job would; the replica
        # follows it.
        seeded = subprocess.run(
            [sys.executable, "-m", "api", "seed", "--database-url", primary.url()],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert seeded.returncode == 0, seeded.stdout + seeded.stderr
        env = {
            "KOMMUNEDIGI_DATABASE_URL": primary.url(),
            "KOMMUNEDIGI_READ_DATABASE_URL": replica.url(),
            "KOMMUNEDIGI_MIGRATE_ON_START": "false",
            "KOMMUNEDIGI_SEED_ON_START": "false",
            "FORWARDED_ALLOW_IPS": "127.0.0.1",  # the proxy, and only it
            **settings,
        }
        started, direct = [], []
        for number in range(1, instances + 1):
            port = free_port()
            instance = serve(port, env, folder / f"instance{number}.log")
            stack.callback(instance.stop)
            started.append(instance)
            direct.append(f"http://127.0.0.1:{port}")
        for base, instance in zip(direct, started, strict=True):

            def healthy(base: str = base) -> bool:
                return bool(health(base)["status"] == "ok")

            wait_for(f"{base} healthy", healthy, START_TIMEOUT, instance)
        proxy_port = free_port()
        nginx_folder = owned_folder(folder / "nginx")
        config = nginx_config(
            (ROOT / "deploy" / "nginx.conf").read_text(),
            port=proxy_port,
            upstreams=[int(base.rsplit(":", 1)[1]) for base in direct],
            folder=nginx_folder,
        )
        proxy = start_nginx(nginx, nginx_folder, config)
        stack.callback(proxy.stop, signal.SIGQUIT)
        base = f"http://127.0.0.1:{proxy_port}"
        wait_for("nginx", lambda: httpx.get(f"{base}/health").status_code == 200, 30, proxy)
        yield Fleet(folder, primary, replica, started, direct, base)
