"""The kommunedigi command, run as a user runs it."""

import hashlib
import socket
import sqlite3
import subprocess
import sys
import time

import httpx

from api.cli import main
from api.graphql import sdl
from tests.conftest import ROOT


def table_digest(path):
    connection = sqlite3.connect(path)
    tables = [
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
    ]
    digest = hashlib.sha256()
    for table in sorted(tables):
        for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
            digest.update(repr(row).encode())
    connection.close()
    return digest.hexdigest()


def test_seed_twice_changes_nothing(tmp_path, capsys):
    path = tmp_path / "db.sqlite3"
    assert main(["seed", "--database-url", f"sqlite:///{path}"]) == 0
    assert capsys.readouterr().out == "Loaded 21 shares as release 1.\n"
    before = table_digest(path)
    assert main(["seed", "--database-url", f"sqlite:///{path}"]) == 0
    assert capsys.readouterr().out == "Nothing to do: the database already holds release 1.\n"
    assert table_digest(path) == before


def test_export_schema_writes_the_sdl(tmp_path):
    target = tmp_path / "schema.graphql"
    assert main(["export-schema", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == sdl()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_creates_seeds_and_serves_an_empty_database(tmp_path):
    port, path = free_port(), tmp_path / "first.sqlite3"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "api",
            "serve",
            "--port",
            str(port),
            "--database-url",
            f"sqlite:///{path}",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert server.stdout is not None
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(
                    f"http://127.0.0.1:{port}/api/v1/indicators/expected-better-quality"
                )
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "the server did not start in 30 s"
                time.sleep(0.2)
        assert response.status_code == 200
        assert [p["value"] for p in response.json()["series"]] == [24, None, 64]
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0].decode()
    assert "Loaded the published figures as release 1." in output
    assert path.exists()
