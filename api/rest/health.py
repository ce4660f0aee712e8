"""/health: is the database answering, which data release is served, and how far the
database that reads (a replica) is behind the primary.

It waits at most `database_wait_timeout` for the answer (models.read.Readers.check)."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import Response

from api import probe
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
        retry_after = str(request.app.state.settings.retry_after_seconds)
        headers = {"Retry-After": retry_after, **probe.NO_STORE}
        return JSONResponse(probe.UNAVAILABLE, status_code=503, headers=headers)
    served = release and (release.id, release.created_at, release.message)
    body = probe.serving(served, replication.role, replication.lag_seconds)
    return JSONResponse(body, headers=probe.NO_STORE)
