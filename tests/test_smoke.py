import httpx
import pytest

from api.app import create_app
from api.settings import Settings

pytestmark = pytest.mark.anyio


async def test_health_reports_seed_release(client):
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["release"]["id"] == 1


async def test_health_says_when_the_database_is_unreachable(tmp_path):
    missing = tmp_path / "no such folder" / "db.sqlite3"
    settings = Settings(
        database_url=f"sqlite:///{missing}", migrate_on_start=False, seed_on_start=False
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/health")
    app.state.engine.dispose()
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json() == {
        "status": "unavailable",
        "database": "unreachable",
        "release": None,
        "replication": None,
    }


@pytest.mark.parametrize(
    "path", ["/", "/api/v1/shares", "/api/v1/nope", "/graphql?query={segments{code}}", "/docs"]
)
async def test_every_answer_carries_the_security_headers(client, path):
    response = await client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


async def test_security_headers_reach_unexpected_errors(app, broken_topics):
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/api/v1/topics")
    assert response.status_code == 500
    assert response.headers["x-content-type-options"] == "nosniff"
