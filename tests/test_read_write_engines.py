"""Reads go to KOMMUNEDIGI_READ_DATABASE_URL (a replica), writes to KOMMUNEDIGI_DATABASE_URL.

Two databases seeded alike stand for a primary and a replica that has not caught up: an
import over the API lands in the primary only, and every read keeps answering from the
other until it has the release too. tests/test_topology.py shows the same on a real
streaming replica.
"""

import hashlib

import httpx
import pytest
from sqlalchemy import text

from api.app import create_app
from api.cli import main
from api.settings import Settings
from models.db import make_engine
from models.read import Reader
from tests.conftest import NO_RATE_LIMITS, database_digest

pytestmark = pytest.mark.anyio

TOKEN = "replica test token"
CSV = (
    "survey,wave,question,option,segment,value,base_n,status,source,locator,note_nb,note_en\n"
    "kommuneundersokelsen,2017,action-plan,yes,all,77,,published,pr17,,,\n"
)


def newest_release(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT max(id) FROM release")).scalar_one())
    finally:
        engine.dispose()


async def test_imports_write_the_primary_and_reads_come_from_the_replica(databases):
    primary, replica = databases.new(), databases.new()
    assert main(["seed", "--database-url", replica]) == 0
    settings = Settings(
        database_url=primary,
        read_database_url=replica,
        import_token_hashes=hashlib.sha256(TOKEN.encode()).hexdigest(),
        release_check_seconds=0,
        **NO_RATE_LIMITS,
    )
    app = create_app(settings)  # migrates and seeds the primary
    assert app.state.read_engine is not app.state.engine
    before = database_digest(replica)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/csv"}
            imported = await client.post("/api/v1/imports", content=CSV, headers=headers)
            assert imported.status_code == 201, imported.text
            released = imported.json()["release"]
            health = (await client.get("/health")).json()
            served = await client.get("/api/v1/indicators/action-plan")
    finally:
        app.state.read_engine.dispose()
        app.state.engine.dispose()
    assert newest_release(primary) == released
    assert database_digest(replica) == before
    assert health["release"]["id"] == newest_release(replica) < released
    assert served.json()["series"][2]["value"] == 76  # the replica's figure, not the import's


async def test_one_url_serves_both_and_health_reports_a_primary(app, client):
    assert app.state.read_engine is app.state.engine
    health = (await client.get("/health")).json()
    assert health["replication"] == {"role": "primary", "lag_seconds": None}


async def test_a_read_sees_one_snapshot_on_postgresql(app):
    # An import committed between two statements of one read must not reach the second.
    if app.state.read_engine.dialect.name != "postgresql":
        pytest.skip("SQLite's read transaction is one snapshot (begin_snapshot)")

    def isolation(reader: Reader) -> str:
        return str(reader.connection.exec_driver_sql("SHOW transaction_isolation").scalar())

    assert await app.state.readers.run(isolation) == "repeatable read"
