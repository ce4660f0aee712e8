import pytest

pytestmark = pytest.mark.anyio


async def test_health_reports_seed_release(client):
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["release"]["id"] == 1
