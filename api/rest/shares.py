"""The flat shares table: filter by any dimension, page with an opaque cursor.

As CSV, JSON-stat or XLSX (`?format=`, or CSV by Accept) it is every matching share in one
file, up to `max_cells` of them, rather than a page.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.links import FigureLinks, next_page
from api.params import AS_OF, SHARE_FILTERS, UPDATED_AFTER, Params, release_after, release_as_of
from api.rest import datafiles, render
from models import read
from models.filters import InvalidFilter

PAGING = ("limit", "cursor")


async def list_shares(request: Request) -> Response:
    settings = request.app.state.settings
    accepted = {*SHARE_FILTERS, *PAGING, "format", AS_OF, UPDATED_AFTER, *datafiles.FILE_OPTIONS}
    params = Params(request.query_params, accepted)
    lang = params.lang
    as_of = await release_as_of(request, params)
    filter = params.share_filter(as_of=as_of, updated_after=await release_after(request, params))
    output_format = datafiles.choose(request, params, datafiles.EVERY_FORMAT)
    options = datafiles.FileOptions.of(params, output_format)
    if output_format != "json":
        for name in PAGING:
            if name in request.query_params:
                detail = f"{name} pages JSON only; format={output_format} has every matching share"
                raise InvalidFilter(name, detail)
        prefix = filter.surveys[0] if len(filter.surveys) == 1 else "kommunedigi"
        file_name = f"{prefix}-shares"
        return await datafiles.shares_file(
            request, filter, output_format, lang, name=file_name, options=options
        )
    page_request = params.page(default=settings.default_page_size, maximum=settings.max_page_size)
    links = FigureLinks.of(request, filter.as_of)
    if filter.updated_after is None:
        page = await request.app.state.readers.run(read.list_shares, filter, page_request)
        data = render.shares(page.items, lang, links)
    else:
        updates = await request.app.state.readers.run(read.list_updates, filter, page_request)
        data = [
            render.removed_figure(item)
            if isinstance(item, read.RemovedFigure)
            else {**render.share(item, lang, links), "removed": False}
            for item in updates.items
        ]
        page = updates
    next_url = next_page(request, page.next.encode()) if page.next else None
    body = {"data": data, "next": next_url}
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
    return render.respond(body, lang, headers)
