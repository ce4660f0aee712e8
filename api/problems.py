"""One error body for every error: RFC 9457 problem details.

Hierarchy:

    Problem                 an error the client can fix, or a known condition (status 4xx/503)
      ├── database_unavailable  503 /problems/database-unavailable, with Retry-After
      ├── database_unwritable   503 /problems/database-unwritable (an import could not write)
      └── import_in_progress    409 /problems/import-in-progress, with Retry-After
    models.FilterError      raised by the query layer and the filters
      ├── InvalidFilter     400 /problems/invalid-parameter
      ├── UnknownCode       400 /problems/unknown-code
      └── TooManyCells      400 /problems/too-many-cells (the detail names max_cells)
    starlette HTTPException 404 /problems/not-found, 405 /problems/method-not-allowed;
                            400 from the form parser: a type per kind (_FORM_ERRORS)

REST turns each into `application/problem+json`; GraphQL puts the same title and
detail in `errors[].message` with `extensions.code` (see api.graphql). A database
that cannot serve (models.faults) is a 503 with Retry-After, logged as one warning line.
Anything else unexpected becomes a bare 500 problem: logged here, never shown to the client.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.filters import FilterError, TooManyCells, UnknownCode

if TYPE_CHECKING:
    from models.faults import Fault
    from seed.releases import ImportInProgress

logger = logging.getLogger("kommunedigi")

MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        type: str = "about:blank",
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type
        self.errors = errors or []
        self.headers = headers or {}

    @classmethod
    def from_filter_error(cls, error: FilterError) -> Problem:
        if isinstance(error, TooManyCells):
            # No `errors` entry: the cap is no query parameter, and any of them may narrow.
            return cls(400, "Too many cells", error.detail, type="/problems/too-many-cells")
        unknown = isinstance(error, UnknownCode)
        return cls(
            400,
            "Unknown code" if unknown else "Invalid parameter",
            error.detail,
            type="/problems/unknown-code" if unknown else "/problems/invalid-parameter",
            errors=[{"parameter": error.parameter, "detail": error.detail}],
        )

    @classmethod
    def not_found(cls, what: str, code: str) -> Problem:
        return cls(
            404, "Not found", f"There is no {what} with code {code!r}", type="/problems/not-found"
        )

    @classmethod
    def database_unavailable(cls, fault: Fault, retry_after: int) -> Problem:
        return cls(
            503,
            "Database unavailable",
            f"{fault.reason.capitalize()}; please retry in {retry_after} seconds.",
            type="/problems/database-unavailable",
            headers={"Retry-After": str(retry_after)},
        )

    @classmethod
    def database_unwritable(cls, fault: Fault) -> Problem:
        return cls(
            503,
            "Database cannot be written",
            f"{fault.reason.capitalize()}; nothing was written. The operator has to fix this"
            " before a retry can succeed.",
            type="/problems/database-unwritable",
        )

    @classmethod
    def import_in_progress(cls, busy: ImportInProgress) -> Problem:
        return cls(
            409,
            "Import in progress",
            f"Another import is being written; this one waited {busy.waited:g} s for it and"
            f" wrote nothing. Try again in {busy.retry_after} s.",
            type="/problems/import-in-progress",
            headers={"Retry-After": str(busy.retry_after)},
        )

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = self.errors
        return body


def problem_response(problem: Problem, request: Request | None = None) -> Response:
    # The path as sent, still percent-encoded: `instance` is a URI reference.
    instance = request.scope.get("raw_path", b"").decode("latin-1") or None if request else None
    return Response(
        orjson.dumps(problem.body(instance)),
        status_code=problem.status,
        media_type=MEDIA_TYPE,
        headers=problem.headers,
    )


async def _problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return problem_response(exc, request)


async def _filter_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FilterError)
    return problem_response(Problem.from_filter_error(exc), request)


async def _import_in_progress(request: Request, exc: Exception) -> Response:
    from seed.releases import ImportInProgress

    assert isinstance(exc, ImportInProgress)
    return problem_response(Problem.import_in_progress(exc), request)


_HTTP_TITLES = {404: "Not found", 405: "Method not allowed"}

# Starlette's form parser says what is wrong in a 400 HTTPException's detail; each kind
# gets a type of its own, found by how the message starts. Another 400 is a bad request.
_FORM_ERRORS = {
    "Too many files.": ("/problems/too-many-files", "Too many files"),
    "Too many fields.": ("/problems/too-many-fields", "Too many form fields"),
    "Part exceeded maximum size": ("/problems/form-field-too-large", "Form field too large"),
    "Invalid multipart data": ("/problems/invalid-form", "Invalid form"),
    "Missing boundary in multipart": ("/problems/invalid-form", "Invalid form"),
    "The Content-Disposition header field": ("/problems/invalid-form", "Invalid form"),
}


def _form_problem(exc: HTTPException) -> Problem | None:
    """The problem for a 400 that Starlette's form parser raised, or None for another."""
    if exc.status_code != 400:
        return None
    type_, title = next(
        (found for start, found in _FORM_ERRORS.items() if exc.detail.startswith(start)),
        ("/problems/bad-request", "Bad request"),
    )
    errors = [{"parameter": "body", "detail": exc.detail}]
    return Problem(400, title, exc.detail, type=type_, errors=errors)


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if (form := _form_problem(exc)) is not None:
        return problem_response(form, request)
    title = _HTTP_TITLES.get(exc.status_code, exc.detail)
    detail = {
        404: f"Nothing is published at {request.url.path}; the API starts at /api/v1",
        405: f"{request.method} is not allowed on {request.url.path}",
    }.get(exc.status_code)
    problem = Problem(
        exc.status_code,
        title,
        detail,
        type=f"/problems/{title.lower().replace(' ', '-')}",
        headers=dict(exc.headers or {}),
    )
    return problem_response(problem, request)


def log_fault(fault: Fault, error: BaseException, where: str) -> None:
    """One line, no traceback: the surroundings failed, there is no bug to debug."""
    text = str(error).strip()
    first_line = text.splitlines()[0] if text else type(error).__name__
    logger.warning(
        "database %s on %s: %s (%s); answered 503", fault.kind, where, fault.reason, first_line
    )


def _server_error(request: Request, exc: Exception, retry_after: int) -> Response:
    from models.faults import unavailable  # SQLAlchemy's errors: not before a 500

    where = f"{request.method} {request.url.path}"
    fault = unavailable(exc)
    if fault is not None:
        log_fault(fault, exc, where)
        return problem_response(Problem.database_unavailable(fault, retry_after), request)
    logger.exception("unhandled error on %s", where, exc_info=exc)
    problem = Problem(500, "Internal server error", "The error is logged; please try again later.")
    return problem_response(problem, request)


class ServerErrors:
    """Turns an unexpected exception into the bare 500 problem inside the middleware stack.

    Starlette answers unhandled errors in its outermost layer, outside CORS, so a browser
    would see a 500 without CORS headers as a network failure; listed after CORS, this
    answers first. A database that cannot serve is a 503 with `Retry-After: retry_after`.
    """

    def __init__(self, app: ASGIApp, *, retry_after: int) -> None:
        self.app = app
        self.retry_after = retry_after

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as error:
            if started:
                raise  # too late for a problem document; let the server close the connection
            response = _server_error(Request(scope), error, self.retry_after)
            await response(scope, receive, send)


def handlers() -> dict[Any, Any]:
    """Each error the app answers with a problem, and its handler. A function, so that
    the server (api.http.server) imports this module before the importer is loaded."""
    from seed.releases import ImportInProgress

    return {
        Problem: _problem,
        FilterError: _filter_error,
        ImportInProgress: _import_in_progress,
        HTTPException: _http_exception,
    }
