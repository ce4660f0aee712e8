"""What a GraphQL request may ask of the server, checked before any resolver runs.

Strawberry's own extensions bound the document's tokens, depth and aliases, and
graphql-core's MaxIntrospectionDepthRule bounds introspection (which the depth limit
skips). Ours, here: every `first` within max_page_size and the estimated cost within
graphql_max_cost, both checked with the request's variables before execution; the
request's size (graphql_max_query_bytes) and its time budget (graphql_timeout_seconds)
are applied by the app in api.graphql.

The cost is the number of fields the answer could hold: each field counts 1, and the
fields under a list count once per item it may return: `first` (or its default) items
under a connection's `edges`, LIST_SIZE_GUESS under any other list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from graphql import (
    ExecutionResult as GraphQLExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
    value_from_ast_untyped,
)
from graphql.utilities import get_operation_ast
from graphql.validation import MaxIntrospectionDepthRule, ValidationContext, ValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from api.problems import Problem
from api.settings import Settings
from models.filters import FilterError, PageRequest

# A list without `first` (a survey's waves, a question's options) is counted as this many
# items: most hold a handful, and the guess only has to make nesting them cost more.
LIST_SIZE_GUESS = 10

CostlyQuery = "/problems/query-too-costly"
TooSlow = "/problems/query-too-slow"


def extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """The limit extensions, as factories: Strawberry builds them afresh for each request."""
    return [
        lambda: MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
        lambda: AddValidationRules([_depth_rule(settings.graphql_max_depth)]),
        lambda: MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases),
        IntrospectionDepth,
        lambda: PagesAndCost(settings),
    ]


def _depth_rule(max_depth: int) -> type[ValidationRule]:
    """Strawberry's QueryDepthLimiter rule, run only on fragments it can follow.

    It fails on a spread of an unknown fragment (KeyError) and on a long chain of
    fragments (RecursionError); graphql-core's own rules reject both documents, clearly.
    """
    (depth_limit,) = QueryDepthLimiter(max_depth=max_depth).validation_rules

    class DepthLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            try:
                depth_limit(context)  # it checks, and reports to the context, when made
            except (KeyError, RecursionError):
                pass

    return DepthLimit


class _IntrospectionDepthRule(MaxIntrospectionDepthRule):
    def report_error(self, error: GraphQLError) -> None:
        detail = (
            "Introspection nests fields, interfaces, possibleTypes or inputFields more"
            " than 3 lists deep (the most graphql-core allows); ask for the types by name"
        )
        super().report_error(GraphQLError(detail, error.nodes))


class IntrospectionDepth(SchemaExtension):
    """graphql-core's recommended rule (Strawberry runs it), with a message that says why."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = tuple(
            _IntrospectionDepthRule if rule is MaxIntrospectionDepthRule else rule
            for rule in context.validation_rules
        )
        yield


class PagesAndCost(SchemaExtension):
    """Rejects, before execution, a `first` out of range or a query that costs too much."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        operation = get_operation_ast(document, context.operation_name) if document else None
        if document is not None and operation is not None:
            estimate = Cost(
                context.schema._schema,
                document.definitions,
                operation,
                context.variables or {},
                self.settings,
            )
            errors = estimate.page_errors or self._cost_errors(estimate.total, operation)
            if errors:
                # A result set here is returned instead of executing the document.
                context.result = GraphQLExecutionResult(data=None, errors=errors)
        yield

    def _cost_errors(self, cost: int, operation: OperationDefinitionNode) -> list[GraphQLError]:
        limit = self.settings.graphql_max_cost
        if cost <= limit:
            return []
        detail = (
            f"This query could return about {cost:,} fields, more than the limit of"
            f" {limit:,} (graphql_max_cost): ask for smaller pages (`first`) or fewer"
            " nested lists, and page through the rest."
        )
        problem = Problem(400, "Query too costly", detail, type=CostlyQuery)
        return [GraphQLError(detail, operation, original_error=problem)]


class Cost:
    """The cost of one operation, and any `first` out of range met on the way."""

    def __init__(
        self,
        schema: GraphQLSchema,
        definitions: Any,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
        settings: Settings,
    ) -> None:
        self.schema = schema
        self.fragments = {
            item.name.value: item
            for item in definitions
            if isinstance(item, FragmentDefinitionNode)
        }
        self.variables = dict(variables)
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in self.variables and definition.default_value is not None:
                self.variables[name] = value_from_ast_untyped(definition.default_value)
        self.settings = settings
        self.page_errors: list[GraphQLError] = []
        self._fragment_costs: dict[tuple[str, int | None], int] = {}
        root = schema.get_root_type(operation.operation)
        self.total = self.selections(root, operation.selection_set, None) if root else 0

    def selections(self, parent: Any, selection_set: SelectionSetNode, page: int | None) -> int:
        """`page`: the `first` of the connection whose fields these are, for its `edges`."""
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(parent, selection, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(inner, selection.selection_set, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, page)
        return total

    def fragment(self, name: str, page: int | None) -> int:
        # Kept by name: a fragment spread many times is costed once, and a cycle (which
        # validation has already refused) cannot recurse for ever.
        key = (name, page)
        if key not in self._fragment_costs:
            self._fragment_costs[key] = 0
            fragment = self.fragments.get(name)
            if fragment is not None:
                inner = self.schema.get_type(fragment.type_condition.name.value)
                self._fragment_costs[key] = self.selections(inner, fragment.selection_set, page)
        return self._fragment_costs[key]

    def field(self, parent: Any, node: FieldNode, page: int | None) -> int:
        name = node.name.value
        if name.startswith("__"):
            return 0  # introspection: bounded by the schema and IntrospectionDepth
        definition = _field_of(parent, name)
        if definition is None or node.selection_set is None:
            return 1
        size, inner_page = 1, None
        if "first" in definition.args:
            inner_page = self.first(node, definition)
        elif name == "edges" and page is not None:
            size = page
        elif is_list_type(get_nullable_type(definition.type)):
            size = LIST_SIZE_GUESS
        inner = get_named_type(definition.type)
        return 1 + size * self.selections(inner, node.selection_set, inner_page)

    def first(self, node: FieldNode, definition: GraphQLField) -> int:
        """The page size `first` asks for; a wrong one is noted and counted as the default."""
        value: Any = definition.args["first"].default_value
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            if isinstance(argument.value, IntValueNode):
                value = int(argument.value.value)
            elif isinstance(argument.value, VariableNode):
                value = self.variables.get(argument.value.name.value)
            else:
                value = None
        default = self.settings.default_page_size
        if value is None or not isinstance(value, int) or isinstance(value, bool):
            return default  # absent, null, or of a type execution will refuse
        try:
            PageRequest.checked(value, None, maximum=self.settings.max_page_size, parameter="first")
        except FilterError as error:
            self.page_errors.append(GraphQLError(error.detail, node, original_error=error))
            return default
        return value


def _field_of(parent: Any, name: str) -> GraphQLField | None:
    if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return None
    found: GraphQLField | None = parent.fields.get(name)
    return found


def too_slow(seconds: float) -> GraphQLError:
    detail = (
        f"This query ran longer than the time budget of {seconds:g} seconds"
        " (graphql_timeout_seconds) and was stopped: ask for smaller pages (`first`)"
        " or fewer nested lists."
    )
    return GraphQLError(detail, extensions={"code": TooSlow})
