"""GraphiQL's files, vendored and served from here: each is the released file its manifest
names, the page asks for each by its digest, and each is served with its type and kept for
good. tests/test_browser.py runs the page in a browser cut off from every other host."""

import base64
import hashlib
import json
import re

import pytest

from api.http.security import graphiql_policy
from tests.conftest import ROOT

pytestmark = pytest.mark.anyio

IDE = ROOT / "api" / "graphql" / "ide"
MANIFEST = json.loads((IDE / "manifest.json").read_text(encoding="utf-8"))
FILES = [entry["file"] for entry in MANIFEST]
ASKED = r'(?:src|href)="/graphql/ide/([^"]+)" integrity="sha384-([^"]+)"'
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


def sha384(data: bytes) -> str:
    return base64.b64encode(hashlib.sha384(data).digest()).decode()


@pytest.mark.parametrize("entry", MANIFEST, ids=FILES)
def test_vendored_file_is_the_released_one(entry):
    assert sha384((IDE / "assets" / entry["file"]).read_bytes()) == entry["sha384"]
    package, version = entry["package"].rsplit("@", 1)
    assert entry["file"].startswith(f"{package.lstrip('@').replace('/', '-')}-{version}/")
    assert entry["licence"] == "MIT"
    assert "MIT License" in (IDE / "assets" / entry["licence_file"]).read_text(encoding="utf-8")


def test_every_vendored_file_is_in_the_manifest():
    held = {
        path.relative_to(IDE / "assets").as_posix()
        for path in (IDE / "assets").rglob("*")
        if path.is_file()
    }
    licences = {entry["licence_file"] for entry in MANIFEST}
    assert held == set(FILES) | licences


async def test_page_asks_for_each_file_by_its_digest(client):
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    asked = re.findall(
        r'(?:src|href)="/graphql/ide/([^"]+)" integrity="sha384-([^"]+)"', response.text
    )
    assert asked == [
        *((e["file"], e["sha384"]) for e in MANIFEST if e["file"].endswith(".css")),
        *((e["file"], e["sha384"]) for e in MANIFEST if e["file"].endswith(".js")),
    ]
    assert "://" not in response.text  # no address on another host


@pytest.mark.parametrize("file", FILES)
async def test_vendored_file_is_served_with_its_type_and_kept_for_good(client, file):
    response = await client.get(f"/graphql/ide/{file}")
    assert response.status_code == 200
    assert response.headers["content-type"] == TYPES[file[file.rindex(".") :]]
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.content == (IDE / "assets" / file).read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "nope.js",
        "react-18.2.0/LICENSE",  # held beside the files, not served
        "graphiql-3.8.3/graphiql.min.js.map",
        "graphiql-3.8.2/graphiql.min.js",
        "../manifest.json",
        "",
    ],
)
async def test_anything_else_under_the_prefix_is_a_problem_404(client, path):
    response = await client.get(f"/graphql/ide/{path}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Not found"


async def test_vendored_files_are_read_only(client):
    response = await client.post(f"/graphql/ide/{FILES[0]}")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.json()["title"] == "Method not allowed"


@pytest.mark.parametrize(
    "tag",
    [
        '<script src="https://unpkg.com/react@18.2.0/umd/react.production.min.js"></script>',
        '<script src="//unpkg.com/react.js"></script>',
        '<link rel="stylesheet" href="https://unpkg.com/graphiql@3.8.3/graphiql.min.css">',
    ],
)
def test_policy_refuses_a_page_that_loads_from_another_host(tag):
    with pytest.raises(ValueError, match="loads from another host"):
        graphiql_policy(f"<!doctype html><html><head>{tag}</head></html>")
