"""POST /api/v1/imports: the data steward's import over HTTP, the same code as the command.

Only a bearer token whose SHA-256 digest is in settings may import (401 without one,
403 with another); the body is capped (413). The package is a multipart upload of CSV
files (or one .zip), a `text/csv` body holding shares.csv, an `application/json` body
holding a JSON-stat 2.0 dataset, or an `application/zip` body. `dry_run=true` checks
and reports without writing. A database that cannot be written (read-only, full) is a
503 problem that says so; the import is one transaction, so nothing is half-written.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import zipfile
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message

from api.problems import Problem, log_fault
from api.responses import JSONResponse
from api.rest.params import Params
from api.settings import Settings
from models.faults import fault
from seed import package
from seed.importer import ImportRejected, import_package


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
    """The 413 for an upload over `limit` bytes (api.body_limits refuses it)."""
    return Problem(
        413,
        "Payload too large",
        f"An import may send at most {limit:,} bytes; split the package or ask for a higher limit.",
        type="/problems/payload-too-large",
    )


def _unzip(data: bytes, name: str) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {
                item.filename.rsplit("/", 1)[-1]: archive.read(item)
                for item in archive.infolist()
                if not item.is_dir()
            }
    except zipfile.BadZipFile:
        detail = f"{name} could not be read as a .zip archive"
        raise Problem(400, "Not a zip file", detail) from None


async def _files(request: Request, body: bytes) -> dict[str, bytes]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "text/csv":
        return {"shares.csv": body}
    if content_type == "application/json":
        return {"dataset.json": body}  # a JSON-stat 2.0 dataset
    if content_type in ("application/zip", "application/x-zip-compressed"):
        return _unzip(body, "the body")
    if content_type == "multipart/form-data":
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        form = await Request(request.scope, replay).form(max_files=50, max_fields=50)
        files: dict[str, bytes] = {}
        for value in form.values():
            if isinstance(value, UploadFile) and value.filename:
                content = await value.read()
                name = value.filename.rsplit("/", 1)[-1]
                files |= _unzip(content, name) if name.lower().endswith(".zip") else {name: content}
        await form.close()
        if not files:
            detail = "The form holds no files; attach the package's CSV files."
            raise Problem(400, "No files", detail)
        return files
    raise Problem(
        415,
        "Unsupported media type",
        "Send multipart/form-data with the files, text/csv (shares.csv), application/json"
        " (a JSON-stat dataset) or application/zip.",
        type="/problems/unsupported-media-type",
    )


async def create_import(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    authorise(request, settings)
    params = Params(request.query_params, {"dry_run", "message"})
    dry_run = params.flag("dry_run")
    body = await request.body()  # capped at max_upload_bytes by api.body_limits
    files = await _files(request, body)
    loaded = package.from_files("upload", files)
    message = params.text("message") or "Import over the API"
    try:
        report = await run_in_threadpool(
            import_package, request.app.state.engine, loaded, message=message, dry_run=dry_run
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
            f"{len(rejected.report.errors)} problems in the package; nothing was written.",
            type="/problems/import-rejected",
        )
        return JSONResponse(
            {**problem.body(request.url.path), "report": rejected.report.as_dict()},
            status_code=422,
            media_type="application/problem+json",
        )
    body_out: dict[str, Any] = report.as_dict()
    if report.release_id is None:
        return JSONResponse(body_out)
    location = f"/api/v1/releases/{report.release_id}"
    return JSONResponse(body_out, status_code=201, headers={"Location": location})
