"""Fixtures: every database test runs on SQLite and on PostgreSQL.

SQLite always runs. PostgreSQL runs when KOMMUNEDIGI_TEST_POSTGRES_URL names a server
(for example postgresql+psycopg://postgres@127.0.0.1:5432/test); without it that half is
skipped with the reason shown, and under CI=true it fails instead. Each test session gets
its own seeded read database per backend; tests that write get a new empty database.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, create_engine, event, inspect, make_url, select, text, update
from sqlmodel import Session, col
from starlette.applications import Starlette

from api.app import create_app
from api.settings import Settings
from models.tables import Share
from seed.releases import open_release

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL_VARIABLE = "KOMMUNEDIGI_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")
# The suite makes many requests from one client: the shared apps do not limit them
# (tests/test_rate_limits.py builds apps with small limits of its own).
NO_RATE_LIMITS: dict[str, Any] = {"rate_limit_api": "", "rate_limit_harvest": ""}


def postgres_server_url() -> str | None:
    return os.environ.get(POSTGRES_URL_VARIABLE) or None


def _ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


class Databases:
    """Makes new empty databases on one backend and removes them at the end."""

    def __init__(self, backend: str, folder: Path) -> None:
        self.backend = backend
        self.folder = folder
        self.created: list[str] = []
        self.admin: Engine | None = None
        if backend == "postgresql":
            server = postgres_server_url()
            if server is None:
                reason = f"PostgreSQL half not run: set {POSTGRES_URL_VARIABLE} to a server URL"
                if _ci():
                    pytest.fail(f"{reason} (CI=true requires it)", pytrace=False)
                pytest.skip(reason)
            self.server = make_url(server)
            self.admin = create_engine(self.server, isolation_level="AUTOCOMMIT")
            try:
                with self.admin.connect() as connection:
                    connection.execute(text("SELECT 1"))
            except Exception as error:  # any failure to connect means the half cannot run
                message = f"PostgreSQL at {self.server!r} is unreachable: {error}"
                if _ci():
                    pytest.fail(message, pytrace=False)
                pytest.skip(message)

    def new(self) -> str:
        name = f"kommunedigi_test_{uuid.uuid4().hex[:12]}"
        if self.admin is None:
            return f"sqlite:///{self.folder / name}.sqlite3"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.server.set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        if self.admin is None:
            return
        with self.admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session", params=BACKENDS)
def databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Databases]:
    databases = Databases(request.param, tmp_path_factory.mktemp(request.param))
    yield databases
    databases.close()


@pytest.fixture(scope="session")
def database_url(databases: Databases) -> str:
    return databases.new()


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Starlette]:
    app = create_app(Settings(database_url=database_url, **NO_RATE_LIMITS))
    yield app
    app.state.engine.dispose()


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def fresh_database_url(databases: Databases) -> str:
    """A new, empty database (no tables) on the backend under test."""
    return databases.new()


@pytest.fixture
def fresh_app(fresh_database_url: str) -> Iterator[Starlette]:
    """An app on its own newly seeded database, for tests that add data."""
    # Tests that add data look for the new release on every request.
    app = create_app(
        Settings(database_url=fresh_database_url, release_check_seconds=0, **NO_RATE_LIMITS)
    )
    yield app
    app.state.engine.dispose()


def generate_into(url: str, sizes: Any) -> None:
    """Generated data of `sizes` in database `url`, made the way `kommunedigi generate`
    makes it: migrated, never seeded with the published figures."""
    from models import migrate
    from models.db import make_engine
    from seed.synthetic import generate

    engine = make_engine(url)
    migrate.upgrade(engine)
    generate(engine, sizes)
    engine.dispose()


def synthetic_app(url: str, sizes: Any, **settings: Any) -> Starlette:
    """An app over database `url` holding only generated data of `sizes`."""
    generate_into(url, sizes)
    # Tests that add data look for the new release on every request.
    options: dict[str, Any] = {"release_check_seconds": 0, **NO_RATE_LIMITS, **settings}
    return create_app(Settings(database_url=url, **options))


def correct_first_synthetic_share(engine: Engine, value: float) -> tuple[float | None, int]:
    """Replace one generated share in a new release; returns (old value, release id)."""
    with Session(engine) as session:
        release = open_release(session, message="correction", checksum="x")
        assert release.id is not None
        old = session.execute(
            select(Share).where(col(Share.base_n) == 100).order_by(col(Share.id)).limit(1)
        ).scalar_one()
        session.execute(update(Share).where(col(Share.id) == old.id).values(replaced_in=release.id))
        session.add(
            Share(
                wave_id=old.wave_id,
                question_id=old.question_id,
                option_id=old.option_id,
                segment_id=old.segment_id,
                value=value,
                base_n=old.base_n,
                status=old.status,
                source_id=old.source_id,
                release_id=release.id,
            )
        )
        session.commit()
        return old.value, release.id


@pytest.fixture
def broken_topics(monkeypatch: pytest.MonkeyPatch, app: Starlette) -> str:
    """Makes the query layer's list_topics fail unexpectedly; returns the secret it raises.

    The app's rendered answers are dropped first: a kept one would hide the failure.
    """
    from models import read

    if app.state.response_cache is not None:
        app.state.response_cache.clear()

    secret = "secret internal detail"

    def broken(reader: Any) -> None:
        raise RuntimeError(secret)

    monkeypatch.setattr(read, "list_topics", broken)
    return secret


def database_digest(url: str) -> str:
    """A digest of every row of every table: equal digests, unchanged database."""
    from models.db import make_engine

    engine = make_engine(url)
    digest = hashlib.sha256()
    with engine.connect() as connection:
        for name in sorted(inspect(engine).get_table_names()):
            for row in connection.execute(text(f'SELECT * FROM "{name}" ORDER BY 1')):
                digest.update(repr(tuple(row)).encode())
    engine.dispose()
    return digest.hexdigest()


@contextmanager
def count_queries(engine: Engine) -> Iterator[list[str]]:
    """Collects every SQL statement the engine sends while the block runs."""
    statements: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def data_statements(statements: list[str]) -> list[str]:
    """The statements a request ran for its data, without the look for a new release."""

    def release_check(statement: str) -> bool:
        # read.current_release: the newest release, one row
        flat = " ".join(statement.split())
        return "FROM release ORDER BY release.id DESC LIMIT" in flat

    return [statement for statement in statements if not release_check(statement)]


def figure_statements(statements: list[str]) -> list[str]:
    """The statements that read figures (shares, published totals), not descriptions."""
    return [
        statement
        for statement in statements
        if "FROM share" in statement or "FROM publishedtotal" in statement
    ]


async def graphql(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    """POST a GraphQL query with httpx's `Accept: */*`, so answered in
    application/graphql-response+json: 200 for an executed document, 400 for a request
    error (one that stops the document before it runs), whose answer has no `data`."""
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = response.json()
    assert response.status_code == (200 if "data" in body else 400), response.text
    return body


_BACKEND_OF: dict[str, str] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "databases" in callspec.params:
            _BACKEND_OF[item.nodeid] = callspec.params["databases"]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say plainly how each backend fared, so a skipped PostgreSQL half cannot go unseen."""
    for backend in BACKENDS:
        counts = {
            outcome: len(
                {
                    report.nodeid
                    for report in terminalreporter.stats.get(outcome, [])
                    if _BACKEND_OF.get(getattr(report, "nodeid", "")) == backend
                }
            )
            for outcome in ("passed", "failed", "error", "skipped")
        }
        summary = ", ".join(f"{count} {outcome}" for outcome, count in counts.items())
        reasons = {
            str(report.longrepr[-1])
            for report in terminalreporter.stats.get("skipped", [])
            if _BACKEND_OF.get(report.nodeid) == backend and isinstance(report.longrepr, tuple)
        }
        why = f" ({'; '.join(sorted(reasons))})" if reasons else ""
        terminalreporter.write_line(f"backend {backend}: {summary}{why}")
