"""GraphQL's face of api.problems: client mistakes keep their message and gain a code;
a database outage says so and when to retry; anything else unexpected is masked."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from api.problems import Problem
from models.faults import unavailable
from models.filters import FilterError

DATABASE_UNAVAILABLE = "/problems/database-unavailable"


def is_client_error(error: GraphQLError) -> bool:
    # Parse and validation errors have no original error: they are the client's too.
    return error.original_error is None or isinstance(error.original_error, (Problem, FilterError))


MASKED = "Unexpected error."


def outage(error: GraphQLError) -> bool:
    return error.original_error is not None and unavailable(error.original_error) is not None


def should_mask(error: GraphQLError) -> bool:
    # An outage's message is rewritten by ProblemCodes, so none of the driver's text shows.
    return not (is_client_error(error) or outage(error))


def masked(error: GraphQLError) -> GraphQLError:
    """The error as a client sees it: where it happened, not what it was."""
    return GraphQLError(MASKED, error.nodes, error.source, error.positions, error.path)


class ProblemCodes(SchemaExtension):
    """Adds `extensions.code` (and the parameter at fault) to errors from our filters."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or ():
            original = error.original_error
            if isinstance(original, FilterError):
                problem = Problem.from_filter_error(original)
                error.extensions = {
                    **(error.extensions or {}),
                    "code": problem.type,
                    "parameter": original.parameter,
                }
            elif isinstance(original, Problem):
                error.extensions = {**(error.extensions or {}), "code": original.type}
            elif original is not None and (fault := unavailable(original)) is not None:
                retry_after = self.execution_context.context.settings.retry_after_seconds
                problem = Problem.database_unavailable(fault, retry_after)
                error.message = f"{problem.title}: {problem.detail}"
                error.extensions = {**(error.extensions or {}), "code": problem.type}
