"""Slow clients and big request heads against the real `kommunedigi serve` (api.http.server).

Each server is the command as a user runs it, one worker, on a seeded SQLite file of its
own. Misbehaving clients are raw sockets; well-behaved ones are httpx.
"""

from __future__ import annotations

import json
import os
import re
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from api.settings import Settings
from tests.conftest import ROOT
from tests.network_helpers import free_port, wait_until_healthy

SERIES = "/api/v1/indicators/expected-better-quality"
HEAD = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
MiB = 1024 * 1024


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def proc(self, file: str, pattern: str) -> tuple[str, ...]:
        """What `pattern` finds in /proc/<pid>/<file> of the server process."""
        text = Path(f"/proc/{self.process.pid}/{file}").read_text()
        found = re.search(pattern, text, re.MULTILINE)
        assert found is not None, text
        return found.groups()

    def peak_rss(self) -> int:
        return int(self.proc("status", r"^VmHWM:\s*(\d+) kB")[0]) * 1024

    def open_files_limit(self) -> tuple[int, int]:
        soft, hard = self.proc("limits", r"^Max open files\s+(\d+)\s+(\d+)")
        return int(soft), int(hard)


@contextmanager
def serving(
    folder: Path, open_files: tuple[int, int] | None = None, **settings: object
) -> Iterator[Server]:
    """`kommunedigi serve` with these settings (KOMMUNEDIGI_*), rate limits off."""
    port = free_port()
    environment = {"KOMMUNEDIGI_RATE_LIMIT_API": "", "KOMMUNEDIGI_RATE_LIMIT_HARVEST": ""}
    environment |= {f"KOMMUNEDIGI_{name.upper()}": str(value) for name, value in settings.items()}
    database = f"sqlite:///{folder / f'serve-{port}.sqlite3'}"
    command = [sys.executable, "-m", "api", "serve", "--port", str(port),
               "--database-url", database]  # fmt: skip
    log = folder / f"serve-{port}.log"

    def limit_open_files() -> None:
        if open_files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, open_files)

    with log.open("wb") as sink:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**_inherited(), **environment},
            stdout=sink,
            stderr=subprocess.STDOUT,
            preexec_fn=limit_open_files,
        )
    server = Server(port, process, log)
    try:
        wait_until_healthy(server.base, process, server.output)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)


def _inherited() -> dict[str, str]:
    return {
        name: value for name, value in os.environ.items() if not name.startswith("KOMMUNEDIGI_")
    }


@pytest.fixture(scope="module")
def patient(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose slow heads outlast each test, with small request and connection limits."""
    folder = tmp_path_factory.mktemp("patient")
    with serving(
        folder, max_concurrency=50, max_connections=100, header_timeout_seconds=60
    ) as server:
        yield server


@pytest.fixture(scope="module")
def hasty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server that gives a client one second to send a request's head, started with
    room for 1,024 open files (as many shells give)."""
    folder = tmp_path_factory.mktemp("hasty")
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    with serving(folder, open_files=(1024, hard), header_timeout_seconds=1) as server:
        yield server


def connect(server: Server) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=10)


def answer(sock: socket.socket, timeout: float = 5) -> bytes:
    """What the server sends until it closes the connection (a reset counts as closing)."""
    sock.settimeout(timeout)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    return received


def one_answer(sock: socket.socket) -> bytes:
    """One answer with a Content-Length, read whole from a connection kept open."""
    sock.settimeout(5)
    received = b""
    while b"\r\n\r\n" not in received:
        received += sock.recv(65536)
    length = int(received.split(b"content-length: ")[1].split(b"\r\n")[0])
    while len(received.partition(b"\r\n\r\n")[2]) < length:
        received += sock.recv(65536)
    return received


def waiting(sock: socket.socket) -> bool:
    """The connection is open and the server has sent nothing on it."""
    timeout = sock.gettimeout()
    sock.setblocking(False)
    try:
        sock.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return True
    except ConnectionResetError:
        pass
    finally:
        sock.settimeout(timeout)
    return False


def problem(received: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = received.partition(b"\r\n\r\n")
    assert b"content-type: application/problem+json" in head, head
    return int(head.split()[1]), json.loads(body)


@contextmanager
def slow_connections(server: Server, count: int) -> Iterator[list[socket.socket]]:
    """`count` connections that each send part of a head and then nothing more."""
    with ExitStack() as stack:
        opened = []
        for _ in range(count):
            sock = stack.enter_context(connect(server))
            sock.sendall(HEAD + b"X-Slow: ")
            opened.append(sock)
        yield opened


def timed_gets(get: Callable[[str], httpx.Response], times: int) -> list[tuple[int, float]]:
    """(status, seconds) of `times` GETs of the indicator series."""
    results = []
    for _ in range(times):
        started = time.perf_counter()
        response = get(SERIES)
        results.append((response.status_code, time.perf_counter() - started))
    return results


# A huge head is never read whole.


def test_a_ten_megabyte_header_is_refused_before_it_is_read(patient):
    huge = HEAD + b"X-Huge: " + b"a" * (10 * MiB)  # and never the end of the head

    def send_huge_head(results: list[bytes]) -> None:
        with connect(patient) as sock:
            try:
                sock.sendall(huge)
            except OSError:  # the server stopped reading and closed
                pass
            results.append(answer(sock))

    httpx.get(f"{patient.base}{SERIES}")  # the server has answered a request before
    before = patient.peak_rss()
    results: list[bytes] = []
    clients = [threading.Thread(target=send_huge_head, args=(results,)) for _ in range(20)]
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=30)
    grown = patient.peak_rss() - before
    assert len(results) == 20
    assert grown < 4 * MiB, f"peak RSS grew {grown / MiB:.1f} MiB"
    refused = [problem(received) for received in results if received]
    # Each client sees the 431, or the connection closed under it while it was still sending.
    assert refused, "no client saw the 431"
    assert all(status == 431 for status, _ in refused)
    assert refused[0][1] == {
        "type": "/problems/request-header-too-large",
        "title": "Request header fields too large",
        "status": 431,
        "detail": "A request's line and header fields may take at most 65,536 bytes"
        " (max_header_bytes).",
    }


def test_a_head_at_the_byte_limit_is_served(patient):
    # The request line, two fields, a padding field and the blank line: 65,536 bytes.
    line = f"GET {SERIES} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".encode()
    padding = 65_536 - len(line) - len(b"X-Pad: \r\n\r\n")
    with connect(patient) as sock:
        sock.sendall(line + b"X-Pad: " + b"a" * padding + b"\r\n\r\n")
        assert answer(sock).startswith(b"HTTP/1.1 200 OK")
    with connect(patient) as sock:
        sock.sendall(line + b"X-Pad: " + b"a" * (padding + 1) + b"\r\n\r\n")
        assert problem(answer(sock))[0] == 431


def test_a_long_graphql_query_in_the_url_fits_the_head(patient):
    query = "{ surveys { code } }" + "+" * 19_900  # spaces, within graphql_max_query_bytes
    response = httpx.get(f"{patient.base}/graphql?query={query}")
    assert response.status_code == 200
    assert response.json()["data"]["surveys"]


# Too many header fields.


def fields(count: int) -> bytes:
    return b"".join(b"X-Field-%d: x\r\n" % number for number in range(count))


def test_too_many_header_fields_get_431(patient):
    with connect(patient) as sock:
        sock.sendall(HEAD + fields(100) + b"\r\n")  # and Host: 101 fields
        status, body = problem(answer(sock))
    assert status == 431
    assert body["detail"] == "A request may send at most 100 header fields (max_header_fields)."
    with connect(patient) as sock:
        sock.sendall(HEAD + fields(98) + b"Connection: close\r\n\r\n")  # 100 fields
        assert answer(sock).startswith(b"HTTP/1.1 200 OK")


# A head sent too slowly.


def drip(sock: socket.socket, data: bytes, every: float) -> float | None:
    """Send `data` a byte at a time; the seconds until the server closed, or None."""
    started = time.monotonic()
    for byte in data:
        try:
            if not waiting(sock):
                return time.monotonic() - started
            sock.sendall(bytes([byte]))
        except OSError:
            return time.monotonic() - started
        time.sleep(every)
    return None


def test_a_head_sent_byte_by_byte_is_closed_after_the_timeout(hasty):
    with connect(hasty) as sock:
        closed_after = drip(sock, HEAD + b"X-Slow: " + b"a" * 200, every=0.05)
        received = answer(sock)
    assert closed_after is not None and 0.9 < closed_after < 2.0, closed_after
    assert problem(received) == (
        408,
        {
            "type": "/problems/request-timeout",
            "title": "Request timeout",
            "status": 408,
            "detail": "The request's line and header fields did not arrive within 1 seconds"
            " (header_timeout_seconds).",
        },
    )


def test_a_slow_head_within_the_timeout_is_served(hasty):
    with connect(hasty) as sock:
        assert drip(sock, HEAD + b"Connection: close\r\n\r\n", every=0.01) is None
        assert answer(sock).startswith(b"HTTP/1.1 200 OK")


def test_the_next_head_on_a_kept_alive_connection_has_the_same_time(hasty):
    with connect(hasty) as sock:
        sock.sendall(HEAD + b"\r\n")
        assert one_answer(sock).startswith(b"HTTP/1.1 200 OK")
        closed_after = drip(sock, HEAD + b"X-Slow: " + b"a" * 200, every=0.05)
    assert closed_after is not None and 0.9 < closed_after < 2.0


def test_a_connection_that_sends_nothing_is_closed_without_an_answer(hasty):
    with connect(hasty) as sock:
        started = time.monotonic()
        assert answer(sock) == b""
        assert 0.9 < time.monotonic() - started < 2.0


# Slow connections leave room for requests.


def test_slow_connections_beyond_max_concurrency_leave_requests_alone(patient):
    with slow_connections(patient, 60) as slow, httpx.Client(base_url=patient.base) as kept:
        fresh = timed_gets(lambda path: httpx.get(f"{patient.base}{path}"), 20)
        reused = timed_gets(kept.get, 20)
        still_open = sum(waiting(sock) for sock in slow)
    slowest = max(seconds for _, seconds in fresh + reused)
    assert [status for status, _ in fresh + reused] == [200] * 40
    assert slowest < 1.0, f"the slowest GET took {slowest:.3f} s"
    assert still_open == 60  # served beside them, not by dropping them


def test_connections_beyond_max_connections_close_the_longest_waiting(patient):
    with slow_connections(patient, 150) as slow:
        results = timed_gets(lambda path: httpx.get(f"{patient.base}{path}"), 20)
        time.sleep(0.2)  # the last closes reach the clients
        still_open = [waiting(sock) for sock in slow]
    slowest = max(seconds for _, seconds in results)
    assert [status for status, _ in results] == [200] * 20
    assert slowest < 1.0, f"the slowest GET took {slowest:.3f} s"
    # Every new connection closed the one that had waited longest: the first ones opened.
    assert sum(still_open) <= 100
    assert not any(still_open[:50]) and all(still_open[-50:])


def test_requests_beyond_max_concurrency_get_503_at_once(patient):
    body_start = b'{"query": "{ surveys { code } }"'
    post = (
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body_start) + 1, body_start)
    )
    with ExitStack() as stack:
        for _ in range(50):  # requests in flight, waiting for the rest of their body
            stack.enter_context(connect(patient)).sendall(post)
        busy, seconds = first_answer(patient, 503)
    assert busy.status_code == 503
    assert seconds < 1.0, f"the 503 took {seconds:.3f} s"
    assert busy.headers["content-type"] == "application/problem+json"
    assert busy.headers["retry-after"] == "1"
    assert busy.json() == {
        "type": "/problems/server-busy",
        "title": "Server busy",
        "status": 503,
        "detail": "The server is answering 50 requests (max_concurrency); please retry shortly.",
    }
    assert first_answer(patient, 200)[0].status_code == 200  # once the 50 have gone


def first_answer(server: Server, status: int) -> tuple[httpx.Response, float]:
    """The first answer with `status` to GETs of the series made for up to 5 s, and the
    seconds it took (the requests that fill the server may take a moment to arrive)."""
    deadline = time.monotonic() + 5
    while True:
        started = time.perf_counter()
        response = httpx.get(f"{server.base}{SERIES}")
        if response.status_code == status or time.monotonic() > deadline:
            return response, time.perf_counter() - started
        time.sleep(0.05)


# Ordinary clients.


def test_ordinary_requests_keep_their_connection(patient):
    headers = {f"X-Ordinary-{number}": "value" for number in range(30)}
    headers["Cookie"] = "session=" + "c" * 8000
    with httpx.Client(base_url=patient.base, headers=headers) as client:
        statuses = [client.get(SERIES).status_code for _ in range(5)]
    assert statuses == [200] * 5
    ports = re.findall(rf'127\.0\.0\.1:(\d+) - "GET {SERIES} HTTP/1.1" 200', patient.output())
    assert len(set(ports[-5:])) == 1  # one connection for all five


# The open-file limit.


def test_serve_raises_the_open_file_limit_to_fit_max_connections(hasty):
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard != resource.RLIM_INFINITY and hard < 4096 + 256:
        pytest.skip(f"the hard open-file limit here is {hard}")
    assert hasty.open_files_limit() == (4096 + 256, hard)  # started at 1024


def test_serve_says_when_the_open_file_limit_holds_fewer_connections(tmp_path):
    with serving(tmp_path, open_files=(1024, 1024)) as server:
        assert httpx.get(f"{server.base}{SERIES}").status_code == 200
        assert (
            "warning: the open-file limit (ulimit -Hn) leaves room for 768 connections per"
            " worker, not KOMMUNEDIGI_MAX_CONNECTIONS=4096." in server.output()
        )


# The settings.


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"MAX_CONNECTIONS": "10", "MAX_CONCURRENCY": "20"}, "MAX_CONNECTIONS must be at least"),
        ({"MAX_HEADER_BYTES": "20000"}, "MAX_HEADER_BYTES must be more than KOMMUNEDIGI_GRAPHQL"),
        ({"MAX_HEADER_FIELDS": "0"}, "MAX_HEADER_FIELDS must be at least 1"),
        ({"HEADER_TIMEOUT_SECONDS": "0"}, "HEADER_TIMEOUT_SECONDS must be more than 0"),
    ],
)
def test_bad_server_limits_stop_start_up(variables, message):
    with pytest.raises(ValueError, match=f"KOMMUNEDIGI_{message}"):
        Settings.from_environ({f"KOMMUNEDIGI_{name}": value for name, value in variables.items()})
