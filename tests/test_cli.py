"""The kommunedigi command, run as a user runs it."""

import subprocess
import sys
import time

import httpx

from api.cli import main
from api.graphql import sdl
from models import migrate
from tests.conftest import ROOT, database_digest
from tests.network_helpers import free_port


def test_seed_twice_changes_nothing(fresh_database_url, capsys):
    assert main(["seed", "--database-url", fresh_database_url]) == 0
    assert capsys.readouterr().out == "Loaded 33 shares as release 1.\n"
    before = database_digest(fresh_database_url)
    assert main(["seed", "--database-url", fresh_database_url]) == 0
    assert capsys.readouterr().out == "Nothing to do: the database already holds release 1.\n"
    assert database_digest(fresh_database_url) == before


def test_db_command_migrates_up_and_down(fresh_database_url, capsys):
    url = ["--database-url", fresh_database_url]
    assert main(["db", "current", *url]) == 0
    assert capsys.readouterr().out == f"Schema revision: none (newest is {migrate.head()}).\n"
    assert main(["db", "upgrade", *url]) == 0
    assert capsys.readouterr().out == f"Schema revision: {migrate.head()} (newest).\n"
    assert main(["db", "downgrade", "base", *url]) == 0
    assert capsys.readouterr().out == f"Schema revision: none (newest is {migrate.head()}).\n"
    assert main(["db", "downgrade", *url]) == 2
    assert capsys.readouterr().err == "error: downgrade needs a revision (or base)\n"


def test_export_schema_writes_the_sdl(tmp_path):
    target = tmp_path / "schema.graphql"
    assert main(["export-schema", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == sdl()


def test_serve_creates_seeds_and_serves_an_empty_database(fresh_database_url):
    port = free_port()
    command = [sys.executable, "-m", "api", "serve", "--port", str(port), "--workers", "2",
               "--database-url", fresh_database_url]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert server.stdout is not None
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(
                    f"http://127.0.0.1:{port}/api/v1/indicators/expected-better-quality",
                    timeout=30,  # an answer waits for the app to be built (api.boot)
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
    assert "Started parent process" in output  # several workers, one seeding before them
    # Each worker writes the access log (api.http.access_log), configured in the worker itself.
    assert '"GET /api/v1/indicators/expected-better-quality HTTP/1.1" 200' in output
