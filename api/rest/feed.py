"""/feed: the releases as an Atom feed (api.formats.atom), newest first."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.formats.atom import MEDIA_TYPE, build
from models import read


async def feed(request: Request) -> Response:
    """Query parameters are ignored: feed readers and proxies add their own."""
    releases = await request.app.state.readers.run(read.list_releases)
    settings = request.app.state.settings
    base = settings.base_url.rstrip("/") or str(request.base_url).rstrip("/")
    body = build(releases, base=base, author=settings.publisher_name or "kommunedigi")
    return Response(body, media_type=MEDIA_TYPE)
