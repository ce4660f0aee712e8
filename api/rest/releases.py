"""The release history: every load of data, newest first, and what each one changed.

A release's changes are computed from the share rows (see read.changes_by_release) and
come a page at a time, as the shares table does: a release may load millions of figures.
Releases have no text to translate; `lang` is checked as everywhere and changes nothing.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.links import next_page
from api.params import Params, release_after
from api.problems import Problem
from api.responses import JSONResponse, audience
from api.rest import render
from models import read
from models.filters import ChangeCursor, InvalidFilter, PageRequest
from models.records import ReleaseRecord

PAGING = ("limit", "cursor")
MAX_RELEASE_DIGITS = 9  # a longer number names no release, and overflows SQLite's integers


async def list_releases(request: Request) -> Response:
    lang = Params(request.query_params).lang
    releases = await request.app.state.readers.run(read.list_releases)
    data = {"data": [render.release(item) for item in releases]}
    return JSONResponse(data, headers=audience(lang))


async def get_release(request: Request) -> Response:
    lang = Params(request.query_params).lang
    return JSONResponse(render.release(await _release(request)), headers=audience(lang))


async def list_changes(request: Request) -> Response:
    params = Params(request.query_params, PAGING)
    lang = params.lang
    settings = request.app.state.settings
    page_request = params.page(default=settings.default_page_size, maximum=settings.max_page_size)
    release = await _release(request)
    page = await request.app.state.readers.run(read.list_changes, release.id, page_request)
    next_url = next_page(request, page.next.encode()) if page.next else None
    body = {
        "release": render.release(release),
        "data": [render.figure_change(item) for item in page.items],
        "next": next_url,
    }
    paging = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
    return JSONResponse(body, headers={**audience(lang), **paging})


async def changes_since(request: Request) -> Response:
    """Every change of every release after `since`, in release order, a page at a time: what
    a harvester holding release `since` applies to catch up in one walk."""
    params = Params(request.query_params, ("since", *PAGING))
    _lang = params.lang
    settings = request.app.state.settings
    since = await release_after(request, params, "since")
    if since is None:
        raise InvalidFilter("since", "give since: a release number or an ISO 8601 date-time")
    maximum = settings.max_page_size
    limit = PageRequest.checked(params.limit(settings.default_page_size), None, maximum=maximum)
    cursor = params.once("cursor")
    after = None if cursor is None else ChangeCursor.decode(cursor)
    page = await request.app.state.readers.run(read.changes_since, since, limit.limit, after)
    next_url = next_page(request, page.next.encode()) if page.next else None
    body = {
        "since": since,
        "data": [{"release": item.release_id, **render.figure_change(item)} for item in page.items],
        "next": next_url,
    }
    return JSONResponse(body, headers={"Link": f'<{next_url}>; rel="next"'} if next_url else {})


async def _release(request: Request) -> ReleaseRecord:
    text = request.path_params["id"]
    number = int(text) if text.isascii() and text.isdigit() else None
    found: ReleaseRecord | None = None
    if number is not None and len(text) <= MAX_RELEASE_DIGITS:
        found = await request.app.state.readers.run(read.get_release, number)
    if found is None:
        detail = f"There is no release {text!r}; /api/v1/releases lists them"
        raise Problem(404, "Not found", detail, type="/problems/not-found")
    return found
