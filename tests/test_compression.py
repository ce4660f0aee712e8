"""Gzip for clients that accept it; for the others, the same Vary as Starlette's gzip gives."""

import httpx
import pytest

pytestmark = pytest.mark.anyio

LARGE = "/openapi.json"  # tens of kB, and outside the caching layer's own Vary
SMALL = "/health"


def vary(response: httpx.Response) -> list[str]:
    return [name.strip() for name in response.headers.get("vary", "").split(",") if name]


async def test_a_gzip_client_gets_gzip(client):
    response = await client.get(LARGE, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in vary(response)
    assert int(response.headers["content-length"]) < len(response.content)  # decoded


async def test_another_client_gets_the_body_as_it_is_and_the_vary(client):
    response = await client.get(LARGE, headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert int(response.headers["content-length"]) == len(response.content)
    assert "Accept-Encoding" in vary(response)
    zipped = await client.get(LARGE, headers={"Accept-Encoding": "gzip"})
    assert response.content == zipped.content


async def test_a_small_answer_is_never_compressed_nor_varies(client):
    for encoding in ("gzip", "identity"):
        response = await client.get(SMALL, headers={"Accept-Encoding": encoding})
        assert response.status_code == 200
        assert "content-encoding" not in response.headers
        assert "Accept-Encoding" not in vary(response)
