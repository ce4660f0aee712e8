"""GET /api/v1/config: the service's public limits, so that clients can keep within them.

Published: every limit a single client can run into and act on. Left out: what only the
operator can act on (worker capacity, connection counts and timeouts inside the server,
the database's own timeouts, which database_wait_timeout already bounds for a client)
and anything secret.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from api.http.rate_limits import API_KEY_HEADER, HARVEST_DOWNLOADS, HARVEST_PATHS, RateLimiter
from api.params import Params
from api.responses import JSONResponse, audience
from api.settings import Settings

HARVEST_SCOPE = [*HARVEST_PATHS, *(f"{head}{{code}}{tail}" for head, tail in HARVEST_DOWNLOADS)]


def _policies(limiter: RateLimiter) -> list[dict[str, Any]]:
    applies_to = {"api": "every other path", "harvest": HARVEST_SCOPE}
    return [
        {
            "name": policy.name,
            "quota": policy.quota,
            "window_seconds": policy.window,
            "applies_to": applies_to[kind],
        }
        for kind, policy in limiter.policies.items()
    ]


async def config(request: Request) -> Response:
    lang = Params(request.query_params).lang
    settings: Settings = request.app.state.settings
    limiter: RateLimiter = request.app.state.rate_limiter
    return JSONResponse(
        headers=audience(lang),
        content={
            "default_page_size": settings.default_page_size,
            "max_page_size": settings.max_page_size,
            "max_cells": settings.max_cells,
            "max_upload_bytes": settings.max_upload_bytes,
            "cache_max_age": settings.cache_max_age,
            "database_wait_seconds": settings.database_wait_timeout,
            "request_head": {
                "max_header_bytes": settings.max_header_bytes,
                "max_header_fields": settings.max_header_fields,
                "header_timeout_seconds": settings.header_timeout_seconds,
            },
            "rate_limits": {
                "policies": _policies(limiter),
                "api_key_header": API_KEY_HEADER,
                "api_key_factor": limiter.key_factor,
            },
            "graphql": {
                "max_page_size": settings.max_page_size,
                "max_query_bytes": settings.graphql_max_query_bytes,
                "max_tokens": settings.graphql_max_tokens,
                "max_depth": settings.graphql_max_depth,
                "max_aliases": settings.graphql_max_aliases,
                "max_cost": settings.graphql_max_cost,
                "max_field_comparisons": settings.graphql_max_field_comparisons,
                "timeout_seconds": settings.graphql_timeout_seconds,
            },
            "imports": {
                "max_upload_bytes": settings.max_upload_bytes,
                "max_unpacked_bytes": settings.import_max_unpacked_bytes,
                "max_files": settings.import_max_files,
                "max_rows": settings.import_max_rows,
                "max_line_bytes": settings.import_max_line_bytes,
                "wait_seconds": settings.import_wait_seconds,
            },
        },
    )
