"""What a GraphQL answer cost, said in the open: `extensions.cost` and the `rateLimit` field.

Every answer whose document reached the cost check (api.graphql.limits) carries
`extensions.cost`:

- `requested`: the cost estimated before execution and checked against the limit;
- `actual`: the same count over the answer as returned, each field 1 and the fields of a
  list once per item it holds: 0 for an answer refused before it ran;
- `maximum`: the limit, graphql_max_cost.

`actual` is counted by one walk over the answer's data, so it costs time in proportion to
the answer and nothing per resolver. Introspection is not counted, as the estimate does
not count it: `__typename`, and `__schema` and `__type` at the root (under an alias they
are counted like any field).

`rateLimit` shows the quota of the RateLimit headers of the same answer (api.http.rate_limits).
An answer that selects it is never kept by a cache: a kept one would show a stale count.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Mapping
from typing import Annotated, Any

import strawberry
from graphql import (
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from starlette.responses import Response

from api.graphql.context import Info
from api.http.rate_limits import verdict_of

RATE_LIMIT = "rateLimit"
DRY_RUN = "dryRun"


# Keys of the data the estimate does not count: introspection, which only `__typename`
# reaches below the root.
ROOT_INTROSPECTION = frozenset({"__schema", "__type", "__typename"})


def actual(data: object) -> int:
    """Fields in an answer's data: each key 1, the items of a list each counted."""
    if not isinstance(data, dict):
        return 0
    return sum(1 + _within(item) for key, item in data.items() if key not in ROOT_INTROSPECTION)


# Recursive, with exact type checks (faster than isinstance); the depth is bounded by
# graphql_max_depth.
def _within(value: object) -> int:
    if type(value) is dict:
        return _in_object(value)
    if type(value) is list:
        return _in_list(value)
    return 0


def _in_object(value: dict[str, object]) -> int:
    count = len(value) - ("__typename" in value)
    for item in value.values():
        if type(item) is dict:
            count += _in_object(item)
        elif type(item) is list:
            count += _in_list(item)
    return count


def _in_list(items: list[object]) -> int:
    count = 0
    for item in items:
        if type(item) is dict:
            count += _in_object(item)
        elif type(item) is list:
            count += _in_list(item)
    return count


def summary(requested: int, data: object, maximum: int) -> dict[str, int]:
    """The answer's `extensions.cost`."""
    return {"requested": requested, "actual": actual(data), "maximum": maximum}


def dry_run(
    document: DocumentNode, operation: OperationDefinitionNode, variables: Mapping[str, Any]
) -> DocumentNode | None:
    """The document with only its root `rateLimit` fields, when one of them asks for a dry
    run; None otherwise. The rest is costed, and not run."""
    kept = tuple(
        selection
        for selection in operation.selection_set.selections
        if isinstance(selection, FieldNode) and selection.name.value == RATE_LIMIT
    )
    if not any(_dry(field, variables) for field in kept):
        return None
    cut = OperationDefinitionNode(
        operation=operation.operation,
        name=operation.name,
        variable_definitions=operation.variable_definitions,
        directives=operation.directives,
        selection_set=SelectionSetNode(selections=kept),
    )
    definitions = tuple(cut if item is operation else item for item in document.definitions)
    return DocumentNode(definitions=definitions)


def _dry(field: FieldNode, variables: Mapping[str, Any]) -> bool:
    for argument in field.arguments or ():
        if argument.name.value != DRY_RUN:
            continue
        if isinstance(argument.value, BooleanValueNode):
            return argument.value.value
        if isinstance(argument.value, VariableNode):
            return variables.get(argument.value.name.value) is True
    return False


DryRunArg = Annotated[
    bool,
    strawberry.argument(
        description=(
            "Only cost the query: the other root fields are not run, and"
            " `extensions.cost.requested` says what the whole query would cost."
        )
    ),
]


@strawberry.type(
    description=(
        "This client's quota of requests, as the RateLimit headers of the same answer state it."
    )
)
class RateLimit:
    policy: str = strawberry.field(
        description="The policy that counts this request: `api`, `api-key`."
    )
    limit: int = strawberry.field(description="Requests the policy allows in its window.")
    cost: int = strawberry.field(
        description=(
            "Requests this query counted against the quota: always 1, whatever it asks"
            " for (what it may ask for is bounded by `extensions.cost.maximum`)."
        )
    )
    remaining: int = strawberry.field(description="Requests left now, this one counted.")
    used: int = strawberry.field(description="Requests counted in the sliding window now.")
    reset_at: dt.datetime = strawberry.field(
        description="When the whole quota is back, at the latest (UTC, whole seconds)."
    )


def rate_limit(info: Info) -> RateLimit | None:
    """The request's quota; None when no rate limit counted it. Never kept by a cache."""
    response = info.context.response
    if isinstance(response, Response):
        response.headers["Cache-Control"] = "no-store"
    verdict = verdict_of(info.context.request.scope)
    if verdict is None:
        return None
    limit = verdict.policy.quota
    reset_at = dt.datetime.fromtimestamp(math.ceil(time.time() + verdict.reset), dt.UTC)
    return RateLimit(
        policy=verdict.policy.name,
        limit=limit,
        cost=1,
        remaining=verdict.remaining,
        used=limit - verdict.remaining,
        reset_at=reset_at,
    )
