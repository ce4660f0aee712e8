"""POST /api/v1/imports: the data steward's import over HTTP, the same code as the command.

Only a bearer token whose SHA-256 digest is in settings may import (401 without one,
403 with another); the body is capped (413). The package is a multipart upload of CSV
files (or one .zip), a `text/csv` body holding shares.csv, an `application/json` body
holding a JSON-stat 2.0 dataset, or an `application/zip` body. It is unpacked and read
as `kommunedigi import` reads a package (seed.package, within the settings' import
limits), in a thread, so that reads are answered meanwhile; every problem with it is a
422 whose report names file, line and column. `dry_run=true` checks and reports without
writing. A database that cannot be written (read-only, full) is a 503 problem that says
so; the import is one transaction, so nothing is half-written.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
from collections.abc import AsyncIterator
from typing import IO, Any

from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from api.params import Params
from api.problems import Problem, log_fault
from api.responses import JSONResponse
from api.settings import Settings
from models.changes import counted
from models.faults import fault
from seed import package
from seed.importer import ImportRejected, import_package
from seed.limits import ReadLimits
from seed.unpacking import Opener, Part


def authorise(request: Request, settings: Settings) -> None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(
            401,
            "Authentication required",
            "Imports need a token: send Authorization: Bearer <token>.",
            type="/problems/authentication-required",
            headers={"WWW-Authenticate": 'Bearer realm="kommunedigi imports"'},
        )
    digest = hashlib.sha256(token.strip().encode()).hexdigest()
    allowed = False
    for known in settings.token_hashes:  # every digest compared, in constant time each
        allowed |= hmac.compare_digest(digest, known)
    if not allowed:
        raise Problem(403, "Forbidden", "This token may not import.", type="/problems/forbidden")


def too_large(limit: int) -> Problem:
    """The 413 for an upload over `limit` bytes (api.http.body_limits refuses it)."""
    return Problem(
        413,
        "Payload too large",
        f"An import may send at most {limit:,} bytes; split the package or ask for a higher limit.",
        type="/problems/payload-too-large",
    )


# What a raw body holds, by its media type; the name is the file it is read as.
BODIES = {
    "text/csv": "shares.csv",
    "application/json": "dataset.json",  # a JSON-stat 2.0 dataset
    "application/zip": "upload.zip",
    "application/x-zip-compressed": "upload.zip",
}
FORM_FIELDS = 50  # text fields a form may have besides its files (none is read)


@contextlib.asynccontextmanager
async def _parts(request: Request, limits: ReadLimits) -> AsyncIterator[list[Part]]:
    """The files the request sends, unread: a body held in memory, or a form's files
    (Starlette spools each to disk beyond 1 MB while it parses the form as it arrives)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in BODIES:
        body = await request.body()  # capped at max_upload_bytes by api.http.body_limits
        yield [Part(BODIES[content_type], len(body), lambda: io.BytesIO(body))]
        return
    if content_type != "multipart/form-data":
        raise Problem(
            415,
            "Unsupported media type",
            "Send multipart/form-data with the files, text/csv (shares.csv), application/json"
            " (a JSON-stat dataset) or application/zip.",
            type="/problems/unsupported-media-type",
        )
    form = await request.form(max_files=limits.files, max_fields=FORM_FIELDS)
    try:
        uploads = [
            value
            for _, value in form.multi_items()
            if isinstance(value, UploadFile) and value.filename
        ]
        if not uploads:
            detail = "The form holds no files; attach the package's CSV files or a .zip."
            raise Problem(
                400,
                "No files",
                detail,
                type="/problems/no-files",
                errors=[{"parameter": "body", "detail": detail}],
            )
        yield [Part(upload.filename or "", upload.size or 0, _opener(upload)) for upload in uploads]
    finally:
        await form.close()


def _opener(upload: UploadFile) -> Opener:
    def open_upload() -> contextlib.nullcontext[IO[bytes]]:
        upload.file.seek(0)
        return contextlib.nullcontext(upload.file)  # the form closes it

    return open_upload


async def create_import(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    authorise(request, settings)
    params = Params(request.query_params, {"dry_run", "message"})
    dry_run = params.flag("dry_run")
    limits = settings.import_limits
    async with _parts(request, limits) as parts:
        # Unpacking and parsing are CPU work: in a thread, so that reads go on meanwhile.
        loaded = await run_in_threadpool(package.from_parts, "upload", parts, limits)
    message = params.text("message") or "Import over the API"
    try:
        report = await run_in_threadpool(
            import_package,
            request.app.state.engine,  # DATABASE_URL, the primary; never the read replica
            loaded,
            message=message,
            dry_run=dry_run,
            wait_seconds=settings.import_wait_seconds,
        )
    except SQLAlchemyError as error:
        # One transaction: whatever stopped it, the database is as it was.
        found = fault(error)
        if found is None:
            raise
        log_fault(found, error, "POST /api/v1/imports")
        if found.kind == "unavailable":
            raise Problem.database_unavailable(found, settings.retry_after_seconds) from None
        raise Problem.database_unwritable(found) from None
    except ImportRejected as rejected:
        problem = Problem(
            422,
            "Import rejected",
            f"{counted(len(rejected.report.errors), 'problem')} in the package;"
            " nothing was written.",
            type="/problems/import-rejected",
        )
        # A package can hold an issue on every row: listed in a thread, like the reading.
        listed = await run_in_threadpool(rejected.report.as_dict)
        return JSONResponse(
            {**problem.body(request.url.path), "report": listed},
            status_code=422,
            media_type="application/problem+json",
        )
    body_out: dict[str, Any] = report.as_dict()
    if report.release_id is None:
        return JSONResponse(body_out)
    location = f"/api/v1/releases/{report.release_id}"
    return JSONResponse(body_out, status_code=201, headers={"Location": location})
