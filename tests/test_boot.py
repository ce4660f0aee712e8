"""`kommunedigi serve` listens before its app is built (api.boot): /health answers from the
SQLite file meanwhile, as the app would; other requests wait for the app and are answered."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from starlette.applications import Starlette

from api.app import create_app
from api.boot import Boot
from api.settings import Settings
from seed import snapshot
from tests.conftest import ROOT
from tests.network_helpers import free_port

pytestmark = pytest.mark.anyio

INDICATOR = "/api/v1/indicators/expected-better-quality"
# What may differ between two answers of one server a moment apart.
VARYING = {"date", "content-length"}


@asynccontextmanager
async def running(boot: Boot) -> AsyncIterator[httpx.AsyncClient]:
    """`boot` started as uvicorn starts it (the lifespan), and a client of it; stopped after."""
    to_app: asyncio.Queue[MutableMapping[str, Any]] = asyncio.Queue()
    from_app: asyncio.Queue[MutableMapping[str, Any]] = asyncio.Queue()
    lifespan = asyncio.create_task(boot({"type": "lifespan"}, to_app.get, from_app.put))
    await to_app.put({"type": "lifespan.startup"})
    assert (await from_app.get())["type"] == "lifespan.startup.complete"
    transport = httpx.ASGITransport(app=boot)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
    await to_app.put({"type": "lifespan.shutdown"})
    assert (await from_app.get())["type"] == "lifespan.shutdown.complete"
    await lifespan


def gated(build: Callable[[], Starlette]) -> tuple[Callable[[], Starlette], threading.Event]:
    """`build`, held until the event is set: an app that takes as long as a test wants."""
    gate = threading.Event()

    def held() -> Starlette:
        assert gate.wait(30), "the test never let the app be built"
        return build()

    return held, gate


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "kommunedigi.sqlite3"
    assert snapshot.restore(path) == 1
    return path


async def test_health_answers_from_the_file_as_the_app_does(database):
    app = create_app(Settings(database_url=f"sqlite:///{database}"))
    build, gate = gated(lambda: app)
    boot = Boot(build, health_file=database, timeout=1)
    try:
        async with running(boot) as client:
            early = await client.get("/health")
            assert boot.app is None  # answered before the app was built
            gate.set()
            await client.get(INDICATOR)  # waits for the app
            assert boot.app is app
            late = await client.get("/health")
    finally:
        app.state.engine.dispose()
    assert early.status_code == late.status_code == 200
    assert early.json() == late.json()
    assert early.json()["release"]["id"] == 1
    assert {k: v for k, v in early.headers.items() if k not in VARYING} == {
        k: v for k, v in late.headers.items() if k not in VARYING
    }


async def held_then_answered(app: Starlette, health_file: Path, path: str) -> httpx.Response:
    """A request for `path` that comes while `app` is being built: held (not answered
    within 0.3 s, not refused), then answered once the app is ready."""
    build, gate = gated(lambda: app)
    answers: list[httpx.Response] = []
    try:
        async with running(Boot(build, health_file=health_file, timeout=1)) as client:

            async def ask() -> None:
                answers.append(await client.get(path))

            async with anyio.create_task_group() as tasks:
                tasks.start_soon(ask)
                await anyio.sleep(0.3)
                assert answers == []
                gate.set()
    finally:
        app.state.engine.dispose()
    return answers[0]


async def test_a_request_before_the_app_waits_for_it_and_is_answered(database):
    app = create_app(Settings(database_url=f"sqlite:///{database}"))
    answer = await held_then_answered(app, database, INDICATOR)
    assert answer.status_code == 200
    assert [point["value"] for point in answer.json()["series"]] == [24, None, 64]


async def test_health_on_a_missing_file_waits_for_the_app(tmp_path):
    missing = tmp_path / "none.sqlite3"
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'other.sqlite3'}"))
    answer = await held_then_answered(app, missing, "/health")
    assert answer.status_code == 200
    assert not missing.exists()  # a probe never creates a database


async def test_an_app_that_cannot_be_built_answers_503_and_stops_the_server(database):
    def broken() -> Starlette:
        raise RuntimeError("broken on purpose")

    stopped = threading.Event()
    boot = Boot(broken, health_file=database, timeout=1, stop=stopped.set)
    async with running(boot) as client:
        answer = await client.get(INDICATOR)
        with anyio.fail_after(5):
            while not stopped.is_set():
                await anyio.sleep(0.02)
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["detail"] == "The server could not start; see its log."


def serve(folder: Path, port: int, *prelude: str) -> subprocess.Popen[bytes]:
    """`kommunedigi serve` in `folder` on its defaults; `prelude`, Python run before it."""
    script = "\n".join([*prelude, "from api.cli import main", "raise SystemExit(main())"])
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KOMMUNEDIGI_")}
    return subprocess.Popen(
        [sys.executable, "-c", script, "serve", "--port", str(port)],
        cwd=folder, env={**environment, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip


def first_health(port: int, server: subprocess.Popen[bytes]) -> httpx.Response:
    deadline = time.monotonic() + 30
    while True:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/health")
        except httpx.TransportError:
            assert server.poll() is None, server.communicate()[0].decode()
            assert time.monotonic() < deadline, "no answer in 30 s"
            time.sleep(0.02)


def test_serve_in_an_empty_folder_answers_at_once_and_serves_the_figures(tmp_path):
    port = free_port()
    server = serve(tmp_path, port)
    try:
        health = first_health(port, server)
        figures = httpx.get(f"http://127.0.0.1:{port}{INDICATOR}", timeout=30)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert health.status_code == 200 and health.json()["status"] == "ok", output
    assert [point["value"] for point in figures.json()["series"]] == [24, None, 64]
    assert "Loaded the published figures as release 1." in output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["kommunedigi.sqlite3"]


def test_serve_exits_1_when_its_app_cannot_be_built(tmp_path):
    port = free_port()
    broken = [
        "import api.app",
        "def broken(settings=None):",
        "    raise RuntimeError('broken on purpose')",
        "api.app.create_app = broken",
    ]
    server = serve(tmp_path, port, *broken)
    output = server.communicate(timeout=60)[0].decode()
    assert server.returncode == 1, output
    assert "the app could not be built" in output
    assert "RuntimeError: broken on purpose" in output


def test_sigterm_while_the_app_is_built_stops_the_server(tmp_path):
    port = free_port()
    server = serve(tmp_path, port)
    assert first_health(port, server).status_code == 200
    server.send_signal(signal.SIGTERM)  # most likely while the app is still being built
    output = server.communicate(timeout=30)[0].decode()
    assert server.returncode == -signal.SIGTERM, output  # as uvicorn ends on SIGTERM
    assert "Traceback" not in output
    assert "Finished server process" in output


def test_serve_on_a_folder_that_cannot_hold_the_database_says_so(tmp_path):
    """The snapshot cannot be written there: the long way then names the fault."""
    url = f"sqlite:///{tmp_path / 'missing' / 'kommunedigi.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "-m", "api", "serve", "--port", str(free_port()), "--database-url", url],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "error: cannot prepare the database: the database file cannot be opened" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "missing").exists()
