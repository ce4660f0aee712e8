"""GraphQL at /graphql: schema, context and the ASGI app that serves it (GraphiQL on GET,
from api.graphql.ide)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson
import strawberry
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.types import ExecutionContext, ExecutionResult, SubscriptionExecutionResult

from api.graphql import ide, limits, transport
from api.graphql.context import Context
from api.graphql.documents import CheckedDocuments, Documents
from api.graphql.errors import (
    DATABASE_UNAVAILABLE,
    MASKED,
    ProblemCodes,
    is_client_error,
    masked,
    outage,
    should_mask,
)
from api.graphql.loaders import Loaders
from api.graphql.persisted import PersistedQueries
from api.graphql.planned import PlannedExecutor
from api.graphql.query import Query
from api.problems import Problem, log_fault, problem_response
from api.settings import Settings
from models import read
from models.faults import UNREACHABLE, unavailable
from models.read import Readers


class HeldDescriptions(SchemaExtension):
    """Hands resolvers the worker's copy of the descriptions once a document is valid, so
    that a rejected document reads nothing."""

    async def on_execute(self) -> AsyncIterator[None]:
        if self.execution_context.result is not None:
            yield  # refused before execution (api.graphql.limits): nothing to read
            return
        context = self.execution_context.context
        try:
            context.descriptions = await context.readers.run(read.descriptions)
        except SQLAlchemyError as error:
            if unavailable(error) is None:
                raise
            # Resolvers then go through the loaders, which meet the outage and say so.
        yield


class _Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # A client's mistake is answered, not logged: the log is for our own failures.
        # An outage is logged once per request, as one warning line.
        outages = [error for error in errors if outage(error)]
        if outages and outages[0].original_error is not None:
            original = outages[0].original_error
            log_fault(unavailable(original) or UNREACHABLE, original, "/graphql")
        unexpected = [error for error in errors if not (is_client_error(error) or outage(error))]
        super().process_errors(unexpected, execution_context)


def make_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema; limits and masking come from settings, the SDL does not depend on them."""
    settings = settings or Settings()
    documents = Documents(
        limits.validation_rules(settings),
        max_tokens=settings.graphql_max_tokens,
        budget_seconds=settings.graphql_timeout_seconds,
    )
    # Factories, not instances: Strawberry builds a fresh extension for every request.
    extensions: list[Callable[[], SchemaExtension]] = [
        ProblemCodes,
        lambda: CheckedDocuments(documents),
        *limits.extensions(settings),
        HeldDescriptions,
    ]
    if not settings.debug:
        # Listed first so that it runs last, after ProblemCodes has read the original errors.
        extensions.insert(
            0, lambda: MaskErrors(should_mask_error=should_mask, error_message=MASKED)
        )
    # Plans are graphql-core's execution made once per document (api.graphql.planned).
    executor = PlannedExecutor if settings.graphql_planned else None
    return _Schema(query=Query, extensions=extensions, execution_context_class=executor)


class _GraphQLApp(GraphQL[Context, None]):
    def __init__(self, schema: strawberry.Schema, readers: Readers, settings: Settings) -> None:
        super().__init__(schema, graphql_ide="graphiql")
        self.readers = readers
        self.settings = settings
        self.persisted = PersistedQueries(
            max_entries=settings.graphql_persisted_queries,
            max_bytes=settings.graphql_persisted_query_bytes,
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        return ide.page()  # Strawberry's, but with every file it loads served from here

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # A GET of a persisted query's hash has `extensions` and no `query`.
        return "extensions" not in request.query_params and super().should_render_graphql_ide(
            request
        )

    async def get_context(self, request: Any, response: Any) -> Context:
        return Context(request, response, self.readers, self.settings, Loaders(self.readers))

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        """An answer that met an outage says when to retry, and is not kept by any cache;
        if nothing could be served it is a 503."""
        response = super().create_response(response_data, sub_response)
        response.status_code = transport.status(response_data) or response.status_code
        if isinstance(response_data, dict) and _met_outage(response_data):
            response.headers["Retry-After"] = str(self.settings.retry_after_seconds)
            response.headers["Cache-Control"] = "no-store"
            if not _served_anything(response_data):
                response.status_code = 503
        return response

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        try:
            decoded = orjson.loads(data)
        except orjson.JSONDecodeError as error:
            if "depth limit" not in str(error):
                raise  # Strawberry says the body is not JSON
            raise HTTPException(
                400,
                "The request body nests JSON arrays or objects more than 1,024 deep:"
                " send variables nested less deeply",
            ) from None
        if not isinstance(decoded, dict | list):
            # Strawberry expects an object (or a batch) and would fail on anything else.
            raise HTTPException(400, "The request body must be a JSON object with a `query`")
        return decoded

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """As Strawberry's; in graphql-response+json a request error's answer has no `data`."""
        response = await super().process_result(request, result)
        transport.answered(response, result, request)
        return response

    async def execute_operation(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: Response,
    ) -> ExecutionResult | list[ExecutionResult] | SubscriptionExecutionResult:
        """As Strawberry's, for a document sent or named by its hash (api.graphql.persisted),
        with GraphQL over HTTP's answer to an operation that cannot run."""
        run = functools.partial(
            super().execute_operation,
            request,
            request_adapter,
            context=context,
            root_value=root_value,
            sub_response=sub_response,
        )
        try:
            return await self.persisted.execute(
                transport.well_formed(request_data), sub_response, run
            )
        except HTTPException as error:
            return transport.refused_operation(error, request_adapter.method)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """As Strawberry's, within the time budget; an overrun is an error, never kept."""
        budget = self.settings.graphql_timeout_seconds
        try:
            async with asyncio.timeout(budget):
                result = await super().execute_single(
                    request, request_adapter, sub_response, context, root_value, request_data
                )
        except TimeoutError:
            # A statement already sent finishes in its thread; no further one starts.
            sub_response.headers["Cache-Control"] = "no-store"  # the next try may be quicker
            return ExecutionResult(data=None, errors=[limits.too_slow(budget)])
        if result.errors and not self.settings.debug:
            # An extension that fails while parsing or validating skips MaskErrors' hook.
            result.errors = [
                masked(error) if should_mask(error) else error for error in result.errors
            ]
        return result

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """As Strawberry's, but a request it cannot take is a problem document, not plain text."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        limit = self.settings.graphql_max_query_bytes  # a POST's body: api.http.body_limits
        try:
            if len(scope.get("query_string", b"")) > limit:
                what = f"A GraphQL URL's query may hold at most {limit:,}"
                raise _too_large(414, "URI too long", what)
            media_type = transport.negotiated(request)
            response = await self.run(request)
            transport.label(response, media_type)
        except HTTPException as error:
            problem = Problem(
                error.status_code,
                "Bad GraphQL request",
                error.reason,
                type="/problems/bad-graphql-request",
            )
            response = problem_response(problem, request)
        except Problem as problem:
            response = problem_response(problem, request)
        await response(scope, receive, send)


def too_large(limit: int) -> Problem:
    """The 413 for a GraphQL body over `limit` bytes (api.http.body_limits refuses it)."""
    return _too_large(413, "Payload too large", f"A GraphQL request may send at most {limit:,}")


def _too_large(status: int, title: str, what: str) -> Problem:
    detail = (
        f"{what} bytes (graphql_max_query_bytes): send a shorter query, use variables"
        " for long values, or split it into several requests."
    )
    return Problem(status, title, detail, type="/problems/graphql-request-too-large")


def _errors(result: GraphQLHTTPResponse) -> list[dict[str, Any]]:
    return [error for error in result.get("errors") or [] if isinstance(error, dict)]


def _met_outage(result: GraphQLHTTPResponse) -> bool:
    codes = ((error.get("extensions") or {}).get("code") for error in _errors(result))
    return DATABASE_UNAVAILABLE in codes


def _served_anything(result: GraphQLHTTPResponse) -> bool:
    """A field that holds a value, or is null without an error, was served."""
    failed = {error["path"][0] for error in _errors(result) if error.get("path")}
    data = result.get("data") or {}
    return any(value is not None or key not in failed for key, value in data.items())


def make_graphql_app(readers: Readers, settings: Settings) -> GraphQL[Context, None]:
    return _GraphQLApp(make_schema(settings), readers, settings)


def sdl() -> str:
    """The schema in SDL, as committed at openapi/schema.graphql."""
    return make_schema().as_str() + "\n"
