"""What a new server loads before it answers: the libraries that only some requests need
wait for the first of them, so that `kommunedigi serve` answers sooner (bench/cold_start.py)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Each with the requests that load it.
LOADED_BY_THEIR_REQUESTS = {
    "vl_convert": "charts",
    "rdflib": "/catalog",
    "coredis": "none: only a Redis rate-limit store",
    "jinja2": "pages",
    "yaml": "/openapi.json",
    "openpyxl": "outputFormat=xlsx",
}

SCRIPT = """
import asyncio, sys
import httpx
from api.app import create_app
from api.settings import Settings

async def health(app):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return (await client.get("/health")).status_code

app = create_app(Settings(database_url=sys.argv[1]))
print(asyncio.run(health(app)))
print(" ".join(sorted(name for name in sys.argv[2:] if name in sys.modules)))
"""


def start(url: str, names: list[str]) -> tuple[str, str]:
    """A new process's app on `url`: its /health status, and which of `names` it loaded."""
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, url, *names],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    status, loaded = result.stdout.splitlines()
    return status, loaded


def test_a_new_app_answers_health_without_the_libraries_of_other_requests(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    assert start(url, list(LOADED_BY_THEIR_REQUESTS)) == ("200", "")


def test_an_app_on_an_up_to_date_database_does_not_load_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    start(url, [])  # the first start migrates
    assert start(url, ["alembic", *LOADED_BY_THEIR_REQUESTS]) == ("200", "")


def test_the_server_listens_before_the_orm_and_the_schema_are_loaded():
    """What `kommunedigi serve` imports before uvicorn listens (api.serve, api.boot and the
    server protocol) leaves SQLAlchemy, SQLModel, Strawberry and Alembic to the app."""
    script = (
        "import sys, api.cli, api.serve, api.boot, api.http.server, seed.snapshot\n"
        "api.boot.create()\n"
        "print(' '.join(sorted({'sqlalchemy', 'sqlmodel', 'strawberry', 'alembic'}"
        " & set(sys.modules))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == ""
