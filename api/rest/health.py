"""/health: is the database answering, which data release is served, and how far the
database that reads (a replica) is behind the primary.

It waits at most `database_wait_timeout` for the answer (models.read.Readers.check)."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import Response

from api.problems import log_fault, logger
from api.responses import JSONResponse
from models import read
from models.faults import fault
from models.read import Reader, Replication
from models.records import ReleaseRecord


def _serving(reader: Reader) -> tuple[ReleaseRecord | None, Replication]:
    return read.current_release(reader), read.replication(reader)


async def health(request: Request) -> Response:
    try:
        release, replication = await request.app.state.readers.check(_serving)
    except SQLAlchemyError as error:
        # Whatever the cause, the service cannot answer: an orchestrator should know.
        found = fault(error)
        if found is not None:
            log_fault(found, error, "GET /health")
        else:
            logger.exception("health check failed", exc_info=error)
        body: dict[str, object] = {
            "status": "unavailable",
            "database": "unreachable",
            "release": None,
            "replication": None,
        }
        retry_after = str(request.app.state.settings.retry_after_seconds)
        return JSONResponse(
            body, status_code=503, headers={"Retry-After": retry_after, "Cache-Control": "no-store"}
        )
    summary = release and {
        "id": release.id,
        "created_at": release.created_at,
        "message": release.message,
    }
    status = "ok" if release else "empty"
    body = {
        "status": status,
        "database": "ok",
        "release": summary,
        "replication": {"role": replication.role, "lag_seconds": replication.lag_seconds},
    }
    # A probe asks how the service is now: no cache may answer for it.
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
