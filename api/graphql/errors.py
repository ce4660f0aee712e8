"""GraphQL's face of api.problems: client mistakes keep their message and gain a code;
anything unexpected is masked."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from api.problems import Problem
from models.filters import FilterError


def is_client_error(error: GraphQLError) -> bool:
    # Parse and validation errors have no original error: they are the client's too.
    return error.original_error is None or isinstance(error.original_error, (Problem, FilterError))


MASKED = "Unexpected error."


def should_mask(error: GraphQLError) -> bool:
    return not is_client_error(error)


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
