"""GraphQL over HTTP, as the graphql-over-http specification gives it: the media type of an
answer, the status of a request error, and the requests refused before a document is read.

An answer is `application/graphql-response+json` when the client's Accept admits it at
least as well as `application/json`, and when there is no Accept at all (the
specification's rule since its legacy watershed, 1 January 2025). In that media type a
request error, one that stops the document before it runs (it does not parse or
validate, the operation cannot be chosen, the variables do not fit, a limit of
api.graphql.limits refuses it), is a 400 whose body has `errors` and no `data`. With
`application/json`, for older clients, it stays a 200 with `data: null`, as the
specification allows. An executed document is a 200 in both, field errors or not.

Refused as problem documents, before Strawberry reads the body: an Accept that admits
neither type (406) and a POST body that is not JSON in UTF-8 (415); and, once the document
is parsed, a mutation sent by GET (405, `Allow: POST`), which must not run whatever the
schema holds.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from api.graphql.errors import MASKED
from api.graphql.limits import TooSlow
from api.graphql.persisted import NEGOTIATION
from api.problems import Problem

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
# Most preferred first: when Accept ranks both the same, the specification's preferred type.
OFFERED = (GRAPHQL_RESPONSE, JSON)
# The only request body taken: Strawberry's multipart uploads are off, and a form would make
# a POST that browsers send across origins without asking (a CORS "simple" request).
BODY_TYPE = JSON
CHARSET = "utf-8"
_UTF8 = {"utf-8", "utf8"}


def negotiated(request: Request) -> str:
    """The media type of the answer to `request`; a Problem (406, 415) when it cannot
    be a GraphQL request we take. GraphiQL's page (a GET without `query`) is not checked."""
    if request.method == "POST":
        _check_body_type(request.headers.get("content-type"))
    elif "query" not in request.query_params:
        return JSON  # GraphiQL, or Strawberry's 400 for a GET without a query
    media_type = answer_type(request.headers.get("accept"))
    if media_type is None:
        raise Problem(
            406,
            "Not acceptable",
            f"GraphQL answers in {GRAPHQL_RESPONSE} or {JSON} (UTF-8); the Accept header"
            " admits neither.",
            type="/problems/not-acceptable",
        )
    return media_type


@functools.lru_cache(maxsize=256)  # clients send few distinct Accept headers; parse each once
def answer_type(accept: str | None) -> str | None:
    """The offered media type `accept` ranks highest (by quality, then by how exactly
    it names the type, then by our preference); None when it admits neither."""
    if accept is None or not accept.strip():
        return GRAPHQL_RESPONSE
    ranges = _ranges(accept)
    ranked = []
    for preference, offered in enumerate(OFFERED):
        quality, exactness = _quality(offered, ranges)
        if quality > 0:
            ranked.append((quality, exactness, -preference, offered))
    return max(ranked)[-1] if ranked else None


def _ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of `accept` with their quality; a range that asks for a charset
    other than UTF-8 (the only one answered in) or gives an unreadable q is left out."""
    ranges = []
    for part in accept.split(","):
        media, *params = (item.strip() for item in part.split(";"))
        quality = 1.0
        usable = bool(media)
        for param in params:
            name, _, value = param.partition("=")
            name, value = name.strip().lower(), value.strip().strip('"').lower()
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    usable = False
            elif name == "charset" and value not in _UTF8:
                usable = False
        if usable:
            ranges.append((media.lower(), quality))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """The quality the most specific range matching `media_type` gives it, and how
    specific that range is (2: the type itself, 1: `application/*`, 0: `*/*`)."""
    main = media_type.split("/")[0]
    found: tuple[int, float] | None = None
    for media, quality in ranges:
        exactness = {media_type: 2, f"{main}/*": 1, "*/*": 0}.get(media)
        if exactness is not None and (found is None or exactness > found[0]):
            found = (exactness, quality)
    return (found[1], found[0]) if found else (0.0, 0)


def _check_body_type(content_type: str | None) -> None:
    media, *params = (item.strip().lower() for item in (content_type or "").split(";"))
    charsets = []
    for param in params:
        name, _, value = param.partition("=")
        if name.strip() == "charset":
            charsets.append(value.strip().strip('"'))
    if media == BODY_TYPE and all(charset in _UTF8 for charset in charsets):
        return
    sent = f"a body of type {content_type!r}" if content_type else "a body without Content-Type"
    raise Problem(
        415,
        "Unsupported media type",
        f"A GraphQL POST sends its request as {BODY_TYPE} in UTF-8 (Content-Type:"
        f" {BODY_TYPE}); this one sent {sent}.",
        type="/problems/unsupported-media-type",
    )


def label(response: Response, media_type: str) -> None:
    """Names the media type (and charset) of a GraphQL answer; other answers (GraphiQL's
    page, a problem document) keep theirs."""
    if response.media_type == JSON:
        response.headers["content-type"] = f"{media_type}; charset={CHARSET}"


def well_formed(
    request_data: GraphQLRequestData | list[GraphQLRequestData],
) -> GraphQLRequestData | list[GraphQLRequestData]:
    """The request, if its parameters have the types the specification gives them
    (Strawberry checks `query`, `variables` and `extensions`); an empty operationName
    is none. (A batch, a list, Strawberry has already refused.)"""
    if isinstance(request_data, list):
        return request_data
    name = request_data.operation_name
    if name is not None and not isinstance(name, str):
        raise HTTPException(400, "The GraphQL request's `operationName` must be a string or null")
    return replace(request_data, operation_name=name or None)


def refused_operation(error: HTTPException, method: str) -> ExecutionResult:
    """What Strawberry's refusal of the document's operation becomes: a mutation sent by
    GET is a 405; an operation that cannot be chosen is a request error in the GraphQL
    answer, as the specification has it. Anything else is raised again."""
    cause = error.__cause__
    if isinstance(cause, InvalidOperationTypeError) and method == "GET":
        if cause.operation_type is OperationType.MUTATION:
            raise Problem(
                405,
                "Method not allowed",
                "A mutation cannot be sent by GET: send it by POST.",
                type="/problems/method-not-allowed",
                headers={"Allow": "POST"},
            ) from None
    if isinstance(cause, CannotGetOperationTypeError):
        # Without operationName Strawberry runs the first operation: none is found only
        # in a document that holds none.
        detail = error.reason
        if cause.operation_name is None:
            detail = "The document holds no operation (a query) to run."
        return ExecutionResult(data=None, errors=[GraphQLError(detail)])
    raise error


def answered(response: GraphQLHTTPResponse, result: ExecutionResult, request: Request) -> None:
    """In application/graphql-response+json, a request error's answer has no `data`
    (and so is a 400: see `status`)."""
    if answer_type(request.headers.get("accept")) == GRAPHQL_RESPONSE and _request_error(result):
        response.pop("data", None)


def status(response: GraphQLHTTPResponse | list[GraphQLHTTPResponse]) -> int | None:
    """400 for an answer without `data`: a request error in graphql-response+json."""
    return 400 if isinstance(response, dict) and "data" not in response else None


def _request_error(result: ExecutionResult) -> bool:
    """Whether the document was stopped before execution by the client's mistake: no data,
    and only errors that name no field. Our own failure (masked), the time budget
    running out, and the persisted-query protocol asking for the query (answered 200 with
    `data: null`, as clients of the protocol expect) are not the client's request errors."""
    errors = result.errors or []
    return (
        result.data is None
        and bool(errors)
        and all(
            error.path is None
            and error.message != MASKED
            and (error.extensions or {}).get("code") not in (TooSlow, *NEGOTIATION)
            for error in errors
        )
    )
