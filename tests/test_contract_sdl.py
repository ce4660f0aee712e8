"""The committed GraphQL SDL is the schema the code serves."""

import pytest

from api.graphql import sdl
from tests.conftest import ROOT

pytestmark = pytest.mark.anyio


def test_sdl_is_current():
    committed = (ROOT / "openapi" / "schema.graphql").read_text(encoding="utf-8")
    assert committed == sdl(), (
        "openapi/schema.graphql is stale: run `kommunedigi export-schema -o openapi/schema.graphql`"
    )


async def test_sdl_is_served(client):
    response = await client.get("/graphql/schema.graphql")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/graphql; charset=utf-8"
    assert response.text == sdl()
