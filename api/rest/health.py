"""/health: is the database answering, and which data release is served.

It waits at most `database_wait_timeout` for the answer (models.read.Readers.check)."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import Response

from api.problems import log_fault, logger
from api.responses import JSONResponse
from models import read
from models.faults import fault


async def health(request: Request) -> Response:
    try:
        release = await request.app.state.readers.check(read.current_release)
    except SQLAlchemyError as error:
        # Whatever the cause, the service cannot answer: an orchestrator should know.
        found = fault(error)
        if found is not None:
            log_fault(found, error, "GET /health")
        else:
            logger.exception("health check failed", exc_info=error)
        body = {"status": "unavailable", "database": "unreachable", "release": None}
        retry_after = str(request.app.state.settings.retry_after_seconds)
        return JSONResponse(body, status_code=503, headers={"Retry-After": retry_after})
    summary = release and {
        "id": release.id,
        "created_at": release.created_at,
        "message": release.message,
    }
    status = "ok" if release else "empty"
    return JSONResponse({"status": status, "database": "ok", "release": summary})
