"""Request bodies are capped: a POST over the cap is a 413 problem, announced or chunked."""

import hashlib
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from tests.conftest import NO_RATE_LIMITS

pytestmark = pytest.mark.anyio

CAP = 1000
TOKEN = "an import token"


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        database_url=database_url,
        graphql_max_query_bytes=CAP,
        max_upload_bytes=CAP,
        import_token_hashes=hashlib.sha256(TOKEN.encode()).hexdigest(),
        **NO_RATE_LIMITS,
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
    app.state.engine.dispose()


def query_of_size(size: int) -> bytes:
    """A GraphQL request of exactly `size` bytes (the document padded with spaces)."""
    body = json.dumps({"query": "{ surveys { code } }"}).encode()
    return body[:-2] + b" " * (size - len(body)) + body[-2:]


async def chunked(body: bytes, size: int = 100) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize("send_chunked", [False, True], ids=["content-length", "chunked"])
async def test_graphql_takes_a_body_at_the_cap(client, send_chunked):
    body = query_of_size(CAP)
    content = chunked(body) if send_chunked else body
    answer = await client.post("/graphql", content=content, headers=JSON)
    assert answer.status_code == 200
    assert answer.json() == {
        "data": {"surveys": [{"code": "kommuneundersokelsen"}]},
        "extensions": {"cost": {"requested": 11, "actual": 2, "maximum": 50000}},
    }


@pytest.mark.parametrize("send_chunked", [False, True], ids=["content-length", "chunked"])
async def test_graphql_refuses_a_body_over_the_cap(client, send_chunked):
    body = query_of_size(CAP + 1)
    content = chunked(body) if send_chunked else body
    answer = await client.post("/graphql", content=content, headers=JSON)
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json() == {
        "type": "/problems/graphql-request-too-large",
        "title": "Payload too large",
        "status": 413,
        "detail": "A GraphQL request may send at most 1,000 bytes (graphql_max_query_bytes):"
        " send a shorter query, use variables for long values, or split it into several"
        " requests.",
        "instance": "/graphql",
    }


async def test_a_chunked_import_over_the_cap_is_refused(client):
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/csv"}
    answer = await client.post(
        "/api/v1/imports?dry_run=true", content=chunked(b"x" * (CAP + 1)), headers=headers
    )
    assert answer.status_code == 413
    assert answer.json()["title"] == "Payload too large"
    assert answer.json()["detail"].startswith("An import may send at most 1,000 bytes")
