"""GraphiQL, the page GET /graphql gives a browser, with every file it loads served from here.

Strawberry's own page loads React, GraphiQL and its explorer plugin from unpkg.com, so
offline or behind a strict proxy it never leaves "Loading…". Here those released files are
vendored in `assets/` (each package's folder as `npm pack <package>@<version>` gives it,
with its licence), listed in `manifest.json` with the sha384 digest that is also the
page's integrity attribute, and served at /graphql/ide/<package>-<version>/<file>: the
version is in the address, so a browser may keep a file for good.

To update one: `npm pack <package>@<version>`, copy the file and the licence into a new
folder, and write its digest (`openssl dgst -sha384 -binary FILE | base64`) in the manifest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.types import Receive, Scope, Send

from api.http.security import graphiql_policy

PREFIX = "/graphql/ide"
HERE = Path(__file__).parent
ASSETS = HERE / "assets"
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
# A file's address names its version: it never changes, so a browser need not ask again.
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Asset:
    """A vendored file: where it is under assets/, what released it, and its digest."""

    file: str
    package: str
    licence: str
    licence_file: str
    sha384: str

    @property
    def url(self) -> str:
        return f"{PREFIX}/{self.file}"

    @property
    def integrity(self) -> str:
        return f"sha384-{self.sha384}"

    @property
    def tag(self) -> str:
        if self.file.endswith(".css"):
            return f'<link rel="stylesheet" href="{self.url}" integrity="{self.integrity}">'
        return f'<script src="{self.url}" integrity="{self.integrity}"></script>'


def load_manifest() -> list[Asset]:
    entries = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    return [Asset(**entry) for entry in entries]


def render_page(assets: list[Asset]) -> str:
    """The page, its style sheets in the head and its scripts in the manifest's order
    (React first: the others use it) before the inline script that starts GraphiQL."""
    sheets = [asset.tag for asset in assets if asset.file.endswith(".css")]
    scripts = [asset.tag for asset in assets if asset.file.endswith(".js")]
    page = (HERE / "page.html").read_text(encoding="utf-8")
    for marker, tags in (("stylesheets", sheets), ("scripts", scripts)):
        page = page.replace(f"<!-- {marker} -->", "\n    ".join(tags))
    return page


MANIFEST = load_manifest()
PAGE = render_page(MANIFEST)
POLICY = graphiql_policy(PAGE)


def page() -> Response:
    return HTMLResponse(PAGE, headers={"Content-Security-Policy": POLICY})


class Assets:
    """The vendored files, by their path under /graphql/ide; anything else is a 404."""

    def __init__(self, assets: list[Asset]) -> None:
        self.files = {asset.file: ASSETS / asset.file for asset in assets}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in ("GET", "HEAD"):
            raise HTTPException(405, headers={"Allow": "GET, HEAD"})
        # Below the Mount: its path is the end of the root path Starlette hands on.
        below = scope["path"].removeprefix(scope.get("root_path", "")).removeprefix("/")
        path = self.files.get(below)
        if path is None:
            raise HTTPException(404)
        response = FileResponse(
            path, media_type=MEDIA_TYPES[path.suffix], headers={"Cache-Control": IMMUTABLE}
        )
        await response(scope, receive, send)


served = Assets(MANIFEST)
