"""Faults around the code: a database that goes away or falls silent is a 503 with
Retry-After within a bounded time, kept answers are still served, and the service comes
back by itself; a database that cannot be written stops an import cleanly."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import sqlite3
import threading
import time
import warnings
from collections.abc import Awaitable, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import Pool
from sqlmodel import Session
from starlette.applications import Starlette

from api.app import create_app
from api.cli import main
from api.settings import Settings
from tests.conftest import Databases, database_digest, graphql, postgres_server_url
from tests.network_helpers import CuttableProxy, free_port, served

pytestmark = pytest.mark.anyio

PROBLEM = "application/problem+json"
UNAVAILABLE = "/problems/database-unavailable"
TOKEN = "fault tests"


@pytest.fixture
def postgres(tmp_path: Path) -> Iterator[Databases]:
    """PostgreSQL only: SQLite has no server to lose. Skipped without one; under CI, failed."""
    databases = Databases("postgresql", tmp_path)
    yield databases
    databases.close()


@pytest.fixture
def proxied(postgres: Databases) -> Iterator[tuple[CuttableProxy, str]]:
    """A new seeded database, and its URL through a proxy that is listening."""
    url = postgres.new()
    assert main(["seed", "--database-url", url]) == 0
    server = make_url(postgres_server_url() or "")
    proxy = CuttableProxy(server.host or "127.0.0.1", server.port or 5432)
    proxy.restore()
    yield proxy, make_url(url).set(host="127.0.0.1", port=proxy.port).render_as_string(False)
    proxy.close()


def client_of(app: Starlette) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


SEGMENTS = "{ segments { code } }"


async def test_outage_is_503_and_service_resumes_without_restart(proxied, caplog):
    proxy, url = proxied
    # release_check_seconds=0: the release clock meets the outage on every request too.
    app = create_app(Settings(database_url=url, release_check_seconds=0))
    async with client_of(app) as client:
        assert (await client.get("/api/v1/shares", params={"wave": "2015"})).status_code == 200
        assert (await client.get("/health")).status_code == 200

        proxy.cut()
        rest = await client.get("/api/v1/shares", params={"wave": "2017"})
        assert rest.status_code == 503
        assert rest.headers["content-type"] == PROBLEM
        assert rest.headers["retry-after"] == "5"
        assert rest.json() == {
            "type": UNAVAILABLE,
            "title": "Database unavailable",
            "status": 503,
            "detail": "The database is unreachable; please retry in 5 seconds.",
            "instance": "/api/v1/shares",
        }
        query = await client.post("/graphql", json={"query": SEGMENTS})
        assert query.status_code == 503
        assert query.headers["retry-after"] == "5"
        assert query.json() == {
            "data": None,
            "errors": [
                {
                    "message": "Database unavailable: The database is unreachable;"
                    " please retry in 5 seconds.",
                    "locations": [{"line": 1, "column": 3}],
                    "path": ["segments"],
                    "extensions": {"code": UNAVAILABLE},
                }
            ],
            "extensions": {"cost": {"requested": 11, "actual": 0, "maximum": 50000}},
        }
        health = await client.get("/health")
        assert health.status_code == 503
        assert health.headers["retry-after"] == "5"
        assert health.json() == {
            "status": "unavailable",
            "database": "unreachable",
            "release": None,
            "replication": None,
        }
        # Stale-if-error: an answer kept for the release seen last is still served.
        kept = await client.get("/api/v1/shares", params={"wave": "2015"})
        assert kept.status_code == 200

        proxy.restore()  # the same app object: no restart
        assert (await client.get("/api/v1/shares", params={"wave": "2017"})).status_code == 200
        assert (await client.post("/graphql", json={"query": SEGMENTS})).status_code == 200
        assert (await client.get("/health")).json()["status"] == "ok"
    app.state.engine.dispose()
    warnings = [r.getMessage() for r in caplog.records if r.name == "kommunedigi"]
    assert all(r.levelname == "WARNING" for r in caplog.records if r.name == "kommunedigi")
    assert warnings and all(w.startswith("database unavailable on ") for w in warnings)


async def test_first_request_after_a_database_restart_is_served(proxied):
    """The pooled connections died unseen between two requests: each is checked on checkout."""
    proxy, url = proxied
    # No release check to meet the dead connection first: the request itself checks out one.
    app = create_app(Settings(database_url=url, release_check_seconds=3600, response_cache_bytes=0))
    async with client_of(app) as client:
        assert (await client.get("/api/v1/surveys")).status_code == 200
        proxy.cut()
        proxy.restore()
        assert (await client.get("/api/v1/surveys")).status_code == 200
    app.state.engine.dispose()


async def test_started_while_the_database_is_down_serves_once_it_returns(proxied):
    proxy, url = proxied
    proxy.cut()
    # Nothing to prepare at start (as compose's api service): the app starts without it.
    settings = Settings(database_url=url, migrate_on_start=False, seed_on_start=False)
    app = create_app(settings)
    async with client_of(app) as client:
        assert (await client.get("/health")).status_code == 503
        assert (await client.get("/api/v1/surveys")).status_code == 503
        proxy.restore()
        assert (await client.get("/health")).status_code == 200
        assert (await client.get("/api/v1/surveys")).status_code == 200
    app.state.engine.dispose()


# A silent partition: packets dropped, nothing reset -------------------------------------

KEPT_SHARES = {"wave": "2015"}
TOPICS = "{ topics { code } }"
FIGURES = "{ shares(filter: {waves: [2017]}) { totalCount } }"
IN_TIME = 2.0  # seconds: the most any request may take while the database is silent


async def timed(call: Awaitable[httpx.Response]) -> tuple[httpx.Response, float]:
    start = time.monotonic()
    response = await call
    return response, time.monotonic() - start


def silent(retry_after: int) -> str:
    return f"The database did not answer in time; please retry in {retry_after} seconds."


async def test_a_read_that_outlives_its_app_leaves_no_connection_open(proxied):
    """A read abandoned to a silent database, answered only after its app was disposed,
    closes the connection it held: none is left for the garbage collector to find open."""
    proxy, url = proxied
    app = create_app(Settings(database_url=url, database_wait_timeout=0.5))
    async with client_of(app) as client:
        assert (await client.get("/health")).status_code == 200  # a connection in the pool
        proxy.freeze(at_most=60)
        assert (await client.get("/health")).status_code == 503  # its read left waiting
    app.state.engine.dispose()
    proxy.thaw()
    await asyncio.sleep(2)  # the waiting read is answered, and gives its connection back
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


async def test_a_silent_partition_is_answered_in_time_and_heals_without_restart(proxied):
    """The default wait (database_wait_timeout) with a short pause, for a quick recovery."""
    proxy, url = proxied
    app = create_app(Settings(database_url=url, retry_after_seconds=1))
    async with client_of(app) as client:
        kept = await client.get("/api/v1/shares", params=KEPT_SHARES)
        kept_query = await client.post("/graphql", json={"query": SEGMENTS})
        assert (kept.status_code, kept_query.status_code) == (200, 200)

        proxy.freeze(at_most=60)  # code that waits for it fails below, after a minute
        times: list[tuple[str, float]] = []
        for limit in (5, 6, 7, 8):  # a page size not asked before: nothing kept
            uncached, took = await timed(
                client.get("/api/v1/shares", params={"wave": "2017", "limit": limit})
            )
            times.append(("REST, not kept", took))
            assert uncached.status_code == 503
            assert uncached.headers["retry-after"] == "1"
            assert uncached.json() == {
                "type": UNAVAILABLE,
                "title": "Database unavailable",
                "status": 503,
                "detail": silent(1),
                "instance": "/api/v1/shares",
            }
            served, took = await timed(client.get("/api/v1/shares", params=KEPT_SHARES))
            times.append(("REST, kept", took))
            assert (served.status_code, served.content) == (200, kept.content)
            validated, took = await timed(
                client.get(
                    "/api/v1/shares",
                    params=KEPT_SHARES,
                    headers={"If-None-Match": kept.headers["etag"]},
                )
            )
            times.append(("REST, 304", took))
            assert validated.status_code == 304
            query, took = await timed(client.post("/graphql", json={"query": TOPICS}))
            times.append(("GraphQL, not kept", took))
            assert query.status_code == 503
            assert query.headers["retry-after"] == "1"
            assert query.json()["errors"] == [
                {
                    "message": f"Database unavailable: {silent(1)}",
                    "locations": [{"line": 1, "column": 3}],
                    "path": ["topics"],
                    "extensions": {"code": UNAVAILABLE},
                }
            ]
            served_query, took = await timed(client.post("/graphql", json={"query": SEGMENTS}))
            times.append(("GraphQL, kept", took))
            assert (served_query.status_code, served_query.content) == (200, kept_query.content)
            health, took = await timed(client.get("/health"))
            times.append(("/health", took))
            assert health.status_code == 503
            assert health.headers["retry-after"] == "1"
        assert all(took < IN_TIME for _, took in times), times

        proxy.thaw()  # the same app object: no restart
        thawed = time.monotonic()
        while (await client.get("/health")).status_code != 200:
            assert time.monotonic() - thawed < 5, "not served again within 5 s of the thaw"
            await asyncio.sleep(0.05)
        fresh = await client.get("/api/v1/shares", params={"wave": "2017", "limit": 5})
        assert fresh.status_code == 200
        assert (await client.post("/graphql", json={"query": TOPICS})).status_code == 200
    app.state.engine.dispose()


def test_served_health_answers_in_time_during_a_silent_partition(proxied):
    """`kommunedigi serve` itself: the server's /health, asked over TCP."""
    proxy, url = proxied
    with served(url, {"KOMMUNEDIGI_RETRY_AFTER_SECONDS": "1"}) as (_, address):
        assert httpx.get(f"{address}/health").status_code == 200
        proxy.freeze(at_most=60)
        try:
            for _ in range(5):
                start = time.monotonic()
                response = httpx.get(f"{address}/health", timeout=30)
                took = time.monotonic() - start
                assert (response.status_code, response.headers["retry-after"]) == (503, "1")
                assert took < IN_TIME, took
        finally:
            proxy.thaw()
        thawed = time.monotonic()
        while httpx.get(f"{address}/health", timeout=30).status_code != 200:
            assert time.monotonic() - thawed < 5, "not served again within 5 s of the thaw"
            time.sleep(0.05)


@pytest.fixture
def sqlite_seeded(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'seeded.sqlite3'}"
    assert main(["seed", "--database-url", url]) == 0
    return url


async def test_sqlite_reads_go_on_while_another_connection_writes(sqlite_seeded):
    """WAL: a write held open elsewhere (an import, a shell) holds up no read."""
    app = create_app(Settings(database_url=sqlite_seeded, release_check_seconds=0))
    writer = sqlite3.connect(make_url(sqlite_seeded).database or "", isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")  # in WAL the same as IMMEDIATE: readers go on
    writer.execute("UPDATE release SET message = message || '.'")
    try:
        async with client_of(app) as client:
            for call in (
                client.get("/api/v1/shares", params={"wave": "2017"}),
                client.post("/graphql", json={"query": FIGURES}),
                client.get("/health"),
            ):
                response, took = await timed(call)
                assert response.status_code == 200
                assert took < IN_TIME / 2, took
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    app.state.engine.dispose()


async def test_a_worker_short_of_cpu_is_busy_not_a_database_that_is_down(sqlite_seeded):
    """Reads slowed by threads that hold the CPU get their answers: the breaker's ping is
    late too, but other calls are answered meanwhile, so the database is not declared
    silent and nobody gets a 503."""
    settings = Settings(
        database_url=sqlite_seeded, release_check_seconds=0, response_cache_bytes=0,
        database_wait_timeout=0.05, rate_limit_api="1000000/minute",
    )  # fmt: skip
    app = create_app(settings)
    spinning = True

    def spin() -> None:
        while spinning:
            sum(range(1000))

    hogs = [threading.Thread(target=spin, daemon=True) for _ in range(2)]
    for hog in hogs:
        hog.start()
    try:
        async with client_of(app) as client:
            paths = ["/api/v1/questions/expected-effects/data?format=jsonstat"] * 16
            answers = await asyncio.gather(*(client.get(path) for path in paths))
    finally:
        spinning = False
        for hog in hogs:
            hog.join()
    assert [answer.status_code for answer in answers] == [200] * len(paths)


async def test_sqlite_file_held_by_another_program_is_a_quick_503(sqlite_seeded):
    """What does stop a WAL reader: a connection in exclusive locking mode (as the sqlite3
    shell can be put) holding the file. Reads wait sqlite_read_busy_timeout, not 5 s."""
    app = create_app(
        Settings(database_url=sqlite_seeded, release_check_seconds=0, retry_after_seconds=1)
    )
    async with client_of(app) as client:
        kept = await client.get("/api/v1/shares", params=KEPT_SHARES)
        assert kept.status_code == 200
        app.state.engine.dispose()  # such a program can take the file only while no one has it
        holder = sqlite3.connect(make_url(sqlite_seeded).database or "", isolation_level=None)
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("COMMIT")  # the lock stays until the connection closes
        try:
            times: list[tuple[str, float]] = []
            for limit in (5, 6, 7):
                uncached, took = await timed(
                    client.get("/api/v1/shares", params={"wave": "2017", "limit": limit})
                )
                times.append(("REST, not kept", took))
                assert (uncached.status_code, uncached.headers["retry-after"]) == (503, "1")
                detail = "The database is busy; please retry in 1 seconds."
                assert uncached.json()["detail"] == detail
                served, took = await timed(client.get("/api/v1/shares", params=KEPT_SHARES))
                times.append(("REST, kept", took))
                assert (served.status_code, served.content) == (200, kept.content)
                query, took = await timed(client.post("/graphql", json={"query": FIGURES}))
                times.append(("GraphQL", took))
                assert query.status_code == 503
                health, took = await timed(client.get("/health"))
                times.append(("/health", took))
                assert health.status_code == 503
            assert all(took < IN_TIME / 2 for _, took in times), times
        finally:
            holder.close()
        again = await client.get("/api/v1/shares", params={"wave": "2017", "limit": 5})
        assert again.status_code == 200
    app.state.engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_serve_with_the_database_down_stops_with_one_line(backend, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KOMMUNEDIGI_DATABASE_URL", "unused")  # restored after: serve sets it
    url = {
        "sqlite": f"sqlite:///{tmp_path / 'no such folder' / 'db.sqlite3'}",
        "postgresql": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test",
    }[backend]
    assert main(["serve", "--database-url", url]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert error.startswith("error: cannot prepare the database: ")
    assert "Traceback" not in error
    assert "KOMMUNEDIGI_MIGRATE_ON_START=false" in error


@pytest.fixture
def lost_question(monkeypatch, app):
    """get_question meets a lost connection, as psycopg reports one; other fields are served."""
    from models import read

    if app.state.response_cache is not None:
        app.state.response_cache.clear()

    def lost(reader, code):
        raise OperationalError(
            "SELECT", {}, psycopg.OperationalError("server closed the connection")
        )

    monkeypatch.setattr(read, "get_question", lost)
    return monkeypatch


async def test_graphql_partial_answer_says_retry_and_is_not_kept(client, lost_question):
    query = {"query": '{ segments { code } question(code: "action-plan") { code } }'}
    response = await client.post("/graphql", json=query)
    assert response.status_code == 200  # the segments were served
    assert response.headers["retry-after"] == "5"
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["data"]["question"] is None
    assert body["data"]["segments"]
    assert [error["extensions"]["code"] for error in body["errors"]] == [UNAVAILABLE]
    lost_question.undo()
    again = await client.post("/graphql", json=query)
    assert again.status_code == 200
    assert again.json()["data"]["question"] == {"code": "action-plan"}


async def test_a_wrong_statement_stays_a_500_not_a_503(client, monkeypatch, app):
    """The database answering with an error is a bug: no Retry-After would help."""
    from models import read

    if app.state.response_cache is not None:
        app.state.response_cache.clear()

    def wrong(reader):
        reader.session.execute(text("SELECT * FROM no_such_table"))

    monkeypatch.setattr(read, "list_topics", wrong)
    response = await client.get("/api/v1/topics")
    assert response.status_code == 500
    assert "retry-after" not in response.headers
    body = await graphql(client, "{ topics { code } }")
    assert body["errors"][0]["message"] == "Unexpected error."


# Imports into a database that cannot take them -----------------------------------------

SHARES_HEADER = "survey,wave,question,option,segment,value,status,source"


def big_package(folder, *, options=200, segments=20):
    """A made-up test question (not survey figures) with options × segments shares."""
    folder.mkdir()
    (folder / "questions.csv").write_text(
        "survey,code,topic,kind,text_nb,text_en\n"
        "kommuneundersokelsen,fault-q,priority,multiple_choice,Testspørsmål,Test question\n",
        encoding="utf-8",
    )
    (folder / "options.csv").write_text(
        "question,code,label_nb,label_en\n"
        + "".join(f"fault-q,o{i},Valg {i},Option {i}\n" for i in range(options)),
        encoding="utf-8",
    )
    (folder / "segments.csv").write_text(
        "code,dimension,label_nb,label_en\n"
        + "".join(f"test:{s},test,Gruppe {s},Group {s}\n" for s in range(segments)),
        encoding="utf-8",
    )
    (folder / "shares.csv").write_text(
        SHARES_HEADER
        + "\n"
        + "".join(
            f"kommuneundersokelsen,2017,fault-q,o{i},test:{s},{(i + s) % 100},published,pr17\n"
            for i in range(options)
            for s in range(segments)
        ),
        encoding="utf-8",
    )
    return folder


def read_only(url: str, backend: str) -> str:
    """The same database, opened so that it refuses every write."""
    if backend == "sqlite":
        return f"sqlite:///file:{make_url(url).database}?mode=ro&uri=true"
    options = "-c default_transaction_read_only=on"  # as a hot standby answers
    return make_url(url).update_query_dict({"options": options}).render_as_string(False)


def releases(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM release")).scalar_one()
    engine.dispose()
    return int(count)


@pytest.fixture
def seeded(fresh_database_url):
    assert main(["seed", "--database-url", fresh_database_url]) == 0
    return fresh_database_url


def test_import_into_a_read_only_database_is_a_clear_error(seeded, databases, tmp_path, capsys):
    before = database_digest(seeded)
    capsys.readouterr()
    url = read_only(seeded, databases.backend)
    assert main(["import", str(big_package(tmp_path / "package")), "--database-url", url]) == 1
    error = capsys.readouterr().err
    reason = {"sqlite": "the database file is read-only", "postgresql": "the database is read-only"}
    assert error.startswith(f"error: the import failed: {reason[databases.backend]} (")
    assert error.endswith("; nothing was written.\n")
    assert "Traceback" not in error
    assert database_digest(seeded) == before


async def test_import_over_http_into_a_read_only_database_is_a_503(seeded, databases):
    before = database_digest(seeded)
    settings = Settings(
        database_url=read_only(seeded, databases.backend),
        import_token_hashes=hashlib.sha256(TOKEN.encode()).hexdigest(),
    )
    app = create_app(settings)
    shares = SHARES_HEADER + "\nkommuneundersokelsen,2017,action-plan,yes,all,77,published,pr17\n"
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/csv"}
    async with client_of(app) as client:
        response = await client.post("/api/v1/imports", content=shares, headers=headers)
    app.state.engine.dispose()
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    reason = {"sqlite": "The database file is read-only", "postgresql": "The database is read-only"}
    assert response.json() == {
        "type": "/problems/database-unwritable",
        "title": "Database cannot be written",
        "status": 503,
        "detail": f"{reason[databases.backend]}; nothing was written. The operator has to fix"
        " this before a retry can succeed.",
        "instance": "/api/v1/imports",
    }
    assert database_digest(seeded) == before


def fill_the_disk_after_some_rows(url: str, backend: str) -> Iterator[None]:
    """Writes fail for want of space once the import has written part of its shares."""
    if backend == "sqlite":
        # Room for a few more pages: SQLITE_FULL when the shares outgrow them.
        def small_disk(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            pages = cursor.execute("PRAGMA page_count").fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages + 8}")
            cursor.close()

        event.listen(Pool, "connect", small_disk)
        yield
        event.remove(Pool, "connect", small_disk)
        return
    # PostgreSQL's own "disk full" (SQLSTATE 53100) raised from the 500th share row on.
    engine: Engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("CREATE SEQUENCE written"))
        connection.execute(
            text(
                "CREATE FUNCTION small_disk() RETURNS trigger AS $$ BEGIN"
                " IF nextval('written') > 500 THEN RAISE EXCEPTION"
                " 'could not extend file: No space left on device' USING ERRCODE = 'disk_full';"
                " END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
        )
        connection.execute(
            text(
                "CREATE TRIGGER small_disk BEFORE INSERT ON share"
                " FOR EACH ROW EXECUTE FUNCTION small_disk()"
            )
        )
    yield
    with engine.connect() as connection:
        assert connection.execute(text("SELECT last_value FROM written")).scalar_one() > 500
        connection.execute(text("DROP TRIGGER small_disk ON share"))
    engine.dispose()


def test_disk_full_mid_import_leaves_nothing_half_written(seeded, databases, tmp_path, capsys):
    package = big_package(tmp_path / "package")
    before, count = database_digest(seeded), releases(seeded)
    capsys.readouterr()
    faults = fill_the_disk_after_some_rows(seeded, databases.backend)
    next(faults)
    try:
        status = main(["import", str(package), "--verbose", "--database-url", seeded])
    finally:
        next(faults, None)
    error = capsys.readouterr().err
    assert status == 1
    # It failed while writing, after the package was checked.
    assert error.startswith("Checking 4,000 figures\nWriting 4,000 figures\n")
    reason = {"sqlite": "the disk is full", "postgresql": "the database server's disk is full"}
    assert f"error: the import failed: {reason[databases.backend]} (" in error
    assert error.endswith("; nothing was written.\n")
    assert "Traceback" not in error
    assert database_digest(seeded) == before
    assert releases(seeded) == count


# The bounds are for reads: an import is one transaction, and waits as long as it must ---


async def test_a_read_that_runs_too_long_is_stopped_by_the_server(proxied, monkeypatch):
    from models import read

    _, url = proxied
    app = create_app(Settings(database_url=url, database_statement_timeout=1))

    def slow(reader):
        reader.session.execute(text("SELECT pg_sleep(3)"))

    monkeypatch.setattr(read, "list_topics", slow)
    async with client_of(app) as client:
        response, took = await timed(client.get("/api/v1/topics"))
    app.state.engine.dispose()
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    detail = "The database took too long to answer; please retry in 5 seconds."
    assert response.json()["detail"] == detail
    assert took < 2, took


def test_an_import_is_not_stopped_by_the_read_statement_timeout(
    postgres, tmp_path, monkeypatch, capsys
):
    url = postgres.new()
    assert main(["seed", "--database-url", url]) == 0
    engine = create_engine(url)
    with engine.begin() as connection:  # each release written takes 1.5 s
        connection.execute(
            text(
                "CREATE FUNCTION slow_release() RETURNS trigger AS $$ BEGIN"
                " PERFORM pg_sleep(1.5); RETURN NEW; END $$ LANGUAGE plpgsql"
            )
        )
        connection.execute(
            text(
                "CREATE TRIGGER slow_release BEFORE INSERT ON release"
                " FOR EACH ROW EXECUTE FUNCTION slow_release()"
            )
        )
    engine.dispose()
    monkeypatch.setenv("KOMMUNEDIGI_DATABASE_STATEMENT_TIMEOUT", "1")
    package = big_package(tmp_path / "package", options=2, segments=2)
    assert main(["import", str(package), "--database-url", url]) == 0, capsys.readouterr().err
    assert releases(url) == 2


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DATABASE_WAIT_TIMEOUT", "0", "KOMMUNEDIGI_DATABASE_WAIT_TIMEOUT must be more than 0"),
        (
            "DATABASE_STATEMENT_TIMEOUT",
            "-1",
            "KOMMUNEDIGI_DATABASE_STATEMENT_TIMEOUT must not be negative",
        ),
        (
            "SQLITE_READ_BUSY_TIMEOUT",
            "-0.1",
            "KOMMUNEDIGI_SQLITE_READ_BUSY_TIMEOUT must not be negative",
        ),
    ],
)
def test_a_wait_out_of_range_stops_start_up(variable, value, message):
    with pytest.raises(ValueError) as raised:
        Settings.from_environ({f"KOMMUNEDIGI_{variable}": value})
    assert str(raised.value) == message


def test_waits_are_read_from_the_environment():
    settings = Settings.from_environ(
        {"KOMMUNEDIGI_DATABASE_WAIT_TIMEOUT": "0.5", "KOMMUNEDIGI_DATABASE_STATEMENT_TIMEOUT": "0"}
    )
    assert (settings.database_wait_timeout, settings.database_statement_timeout) == (0.5, 0)


async def test_connections_carry_the_bounds_and_a_url_s_own_parameters_win(postgres):
    from models.db import make_engine
    from models.read import Readers

    url = make_url(postgres.new()).update_query_dict(
        {"keepalives_idle": "7", "options": "-c idle_in_transaction_session_timeout=7s"}
    )
    settings = Settings(database_url=url.render_as_string(False), database_tcp_timeout=12)
    engine = make_engine(settings.database_url, **settings.engine_options)

    def bounds(session):
        parameters = session.connection().connection.driver_connection.info.get_parameters()
        shown = session.execute(
            text(
                "SELECT current_setting('statement_timeout'),"
                " current_setting('idle_in_transaction_session_timeout')"
            )
        ).one()
        return parameters, tuple(shown)

    readers = Readers(engine, **settings.reader_options)
    parameters, on_reads = await readers.run(lambda reader: bounds(reader.session))
    with Session(engine) as session:  # as an import writes
        _, on_writes = bounds(session)
    engine.dispose()
    assert {name: parameters.get(name) for name in (
        "connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval",
        "keepalives_count", "tcp_user_timeout",
    )} == {
        "connect_timeout": "5", "keepalives": "1", "keepalives_idle": "7",
        "keepalives_interval": "2", "keepalives_count": "3", "tcp_user_timeout": "12000",
    }  # fmt: skip
    assert on_reads == ("30s", "7s")
    assert on_writes == ("0", "0")


async def test_sqlite_reads_wait_for_a_lock_less_than_writes(tmp_path):
    from models.db import make_engine
    from models.read import Readers

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    engine = make_engine(settings.database_url, **settings.engine_options)

    def busy_timeout(session):
        return session.execute(text("PRAGMA busy_timeout")).scalar_one()

    with Session(engine) as session:  # as an import writes
        assert busy_timeout(session) == 5000
    readers = Readers(engine, **settings.reader_options)
    on_the_loop = await readers.run(lambda reader: busy_timeout(reader.session))
    assert on_the_loop == 100
    assert await readers.run_in_thread(lambda reader: busy_timeout(reader.session)) == 100
    with Session(engine) as session:  # a pooled connection a read has used, writing
        assert busy_timeout(session) == 5000
    engine.dispose()
