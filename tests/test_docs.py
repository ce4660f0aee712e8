"""/docs renders the contract with assets served by the API itself."""

import re

import pytest

pytestmark = pytest.mark.anyio


async def test_docs_page_loads_only_our_own_assets(client):
    response = await client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assets = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert assets == [
        "/static/favicon.svg",
        "/docs/assets/swagger-ui.css",
        "/docs/assets/swagger-ui-bundle.js",
        "/static/docs.js",
    ]
    for asset in assets:
        served = await client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.content) > 0
    assert "<script>" not in response.text  # no inline script: a strict CSP covers the page
    assert "script-src 'self'" in response.headers["content-security-policy"]


async def test_docs_script_loads_the_contract(client):
    script = (await client.get("/static/docs.js")).text
    assert 'url: "/openapi.json"' in script
