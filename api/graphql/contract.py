"""/graphql/schema.graphql: the schema's SDL, as `kommunedigi export-schema` writes it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from api.graphql import sdl


async def graphql_sdl(request: Request) -> Response:
    return PlainTextResponse(sdl(), media_type="application/graphql; charset=utf-8")
