"""The API serves from a database it cannot write to: reads take no write lock.

On PostgreSQL it runs as a role with SELECT rights only (imports use another role); on
SQLite, from a file opened read-only.
"""

import uuid

import httpx
import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from api.app import create_app
from api.settings import Settings
from tests.conftest import graphql

pytestmark = pytest.mark.anyio


async def read_everything(app):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        indicator = (await client.get("/api/v1/indicators/expected-better-quality")).json()
        shares = (await client.get("/api/v1/shares", params={"limit": "1000"})).json()
        health = (await client.get("/health")).json()
        body = await graphql(
            client, '{ question(code: "action-plan") { options { shares { value } } } }'
        )
    assert [p["value"] for p in indicator["series"]] == [24, None, 64]
    assert len(shares["data"]) == 33
    assert health["status"] == "ok"
    assert body["data"]["question"]["options"][0]["shares"] == [{"value": 68}, {"value": 76}]


@pytest.fixture
def seeded_url(fresh_app, fresh_database_url):
    """A database migrated and seeded by its owner; the owner's engine is closed."""
    fresh_app.state.engine.dispose()
    return fresh_database_url


@pytest.fixture
def reader_url(seeded_url, databases):
    """The same database, reached as a reader that can do nothing but read."""
    if databases.backend == "sqlite":
        path = make_url(seeded_url).database
        yield f"sqlite:///file:{path}?mode=ro&uri=true"
        return
    role = f"kommunedigi_reader_{uuid.uuid4().hex[:8]}"
    owner = create_engine(seeded_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as connection:
        connection.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        connection.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"'))
    yield (
        make_url(seeded_url).set(username=role, password=None).render_as_string(hide_password=False)
    )
    with owner.connect() as connection:
        connection.execute(text(f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"'))
        connection.execute(text(f'DROP ROLE "{role}"'))
    owner.dispose()


async def test_serves_everything_as_a_reader(reader_url):
    # Default settings: migrating and seeding an up-to-date database must only read.
    app = create_app(Settings(database_url=reader_url))
    try:
        await read_everything(app)
    finally:
        app.state.engine.dispose()


def test_the_reader_really_cannot_write(reader_url):
    engine = create_engine(reader_url)
    try:
        with pytest.raises((ProgrammingError, OperationalError), match="denied|readonly"):
            with engine.begin() as connection:
                connection.execute(text("UPDATE share SET note_en = 'x'"))
    finally:
        engine.dispose()
