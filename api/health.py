"""/health: is the database answering, and which data release is served."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import Response

from api.querying import run_query
from api.responses import JSONResponse
from models import queries

logger = logging.getLogger("kommunedigi")


async def health(request: Request) -> Response:
    try:
        release = await run_query(request.app.state.engine, queries.current_release)
    except SQLAlchemyError as error:
        logger.warning("health check: database unavailable: %s", error)
        body = {"status": "unavailable", "database": "unreachable", "release": None}
        return JSONResponse(body, status_code=503, headers={"Retry-After": "5"})
    summary = release and {
        "id": release.id,
        "created_at": release.created_at,
        "message": release.message,
    }
    status = "ok" if release else "empty"
    return JSONResponse({"status": status, "database": "ok", "release": summary})
