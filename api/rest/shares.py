"""The flat shares table: filter by any dimension, page with an opaque cursor."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.querying import run_query
from api.rest import render
from api.rest.params import SHARE_FILTERS, Params
from models import queries


async def list_shares(request: Request) -> Response:
    settings = request.app.state.settings
    params = Params(request.query_params, {*SHARE_FILTERS, "limit", "cursor"})
    lang, filter = params.lang, params.share_filter()
    page_request = params.page(default=settings.default_page_size, maximum=settings.max_page_size)
    page = await run_query(request.app.state.engine, queries.list_shares, filter, page_request)
    next_url = (
        str(request.url.include_query_params(cursor=page.next.encode())) if page.next else None
    )
    body = {"data": [render.share(item, lang) for item in page.items], "next": next_url}
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
    return render.respond(body, lang, headers)
