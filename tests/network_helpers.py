"""Real sockets for the fault tests: a free port, a proxy to PostgreSQL that a test can
cut or freeze, and `kommunedigi serve` as a process of its own."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Coroutine, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class CuttableProxy:
    """A TCP proxy to the database that a test can cut (listener and every live connection
    closed) and restore on the same port, or freeze and thaw.

    Frozen, it forwards nothing either way, on live connections or on new ones (which it
    still accepts), and closes nothing: as a network that drops packets looks to both
    ends. Its kernel still acknowledges what the app sends, so the app's TCP timeouts do
    not fire (in a real partition they would, after `database_tcp_timeout`): only the
    app's own bounds end its waits.

    It runs its own event loop in a thread: the app's database calls block (create_app,
    the threadpool), and must not wait on the test's own loop.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server: asyncio.Server | None = None
        self.connections: set[asyncio.StreamWriter] = set()
        self.flowing = asyncio.Event()
        self.flowing.set()
        self._thaw: asyncio.TimerHandle | None = None

    def _run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    def restore(self) -> None:
        self._run(self._listen())

    def cut(self) -> None:
        self._run(self._cut())

    def freeze(self, *, at_most: float) -> None:
        """Stop forwarding; it flows again on `thaw`, or by itself after `at_most` seconds
        (so that code that waits for it fails a test rather than hanging it)."""
        self._run(self._freeze(at_most))

    def thaw(self) -> None:
        self._run(self._thaw_now())

    def close(self) -> None:
        self.thaw()
        if self.server is not None:
            self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()

    async def _freeze(self, at_most: float) -> None:
        self.flowing.clear()
        self._thaw = self.loop.call_later(at_most, self.flowing.set)

    async def _thaw_now(self) -> None:
        if self._thaw is not None:
            self._thaw.cancel()
        self.flowing.set()

    async def _listen(self) -> None:
        self.server = await asyncio.start_server(self._pipe, "127.0.0.1", self.port)

    async def _cut(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in list(self.connections):
            writer.transport.abort()  # as a crashed server or a pulled cable would
        self.connections.clear()
        await self.server.wait_closed()
        self.server = None

    async def _pipe(
        self, client: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        await self.flowing.wait()
        try:
            upstream, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        self.connections |= {client_writer, upstream_writer}

        async def copy(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    await self.flowing.wait()
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                sink.transport.abort()

        await asyncio.gather(copy(client, upstream_writer), copy(upstream, client_writer))
        self.connections -= {client_writer, upstream_writer}


@contextmanager
def served(
    database_url: str, environment: Mapping[str, str]
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A `kommunedigi serve` started with `environment` added, and its address, once it
    answers; it is stopped after (killed if it does not stop)."""
    port = free_port()
    command = [sys.executable, "-m", "api", "serve", "--port", str(port),
               "--database-url", database_url]  # fmt: skip
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **environment},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(address, server, lambda: server.communicate()[0].decode())
        yield server, address
    finally:
        server.terminate()
        try:
            server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()


def wait_until_healthy(base: str, process: subprocess.Popen[Any], output: Any) -> None:
    """Wait up to 30 s for a `kommunedigi serve` just started at `base` to say it is ok,
    and for its app to be built (api.boot answers /health before); `output()` is what it
    printed, shown if it stops."""
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/health").json()["status"] == "ok":
                # /docs is never rate-limited, and is answered once the app is built.
                httpx.get(f"{base}/docs", timeout=max(1.0, deadline - time.monotonic()))
                return
        except httpx.TransportError:
            pass
        assert process.poll() is None, output()
        assert time.monotonic() < deadline, "the server did not start in 30 s"
        time.sleep(0.2)
