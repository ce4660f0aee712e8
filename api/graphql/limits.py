"""What a GraphQL request may ask of the server, checked before any resolver runs.

The document's tokens (graphql_max_tokens) bound its parse (api.graphql.documents); its
validation rules bound its depth, aliases and same-named fields, and graphql-core's
MaxIntrospectionDepthRule bounds introspection (which the depth limit skips), each in
time linear in the document (api.graphql.document_rules). Here, with the request's
variables, before execution: the variables' types, every `first` within max_page_size
and the estimated cost within graphql_max_cost. The request's size
(graphql_max_query_bytes) and its time budget (graphql_timeout_seconds) are applied by
the app in api.graphql.

The cost is the number of fields the answer could hold: each field counts 1, and the
fields under a list count once per item it may return: `first` (or its default) items
under a connection's `edges`, LIST_SIZE_GUESS under any other list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
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
)
from graphql.execution.values import get_variable_values
from graphql.utilities import get_operation_ast
from graphql.validation import (
    MaxIntrospectionDepthRule,
    OverlappingFieldsCanBeMergedRule,
    ValuesOfCorrectTypeRule,
    specified_rules,
)
from strawberry.extensions import SchemaExtension

from api.graphql import cost as answer_cost, document_rules
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
    return [lambda: PagesAndCost(settings)]


def validation_rules(settings: Settings) -> tuple[type[ASTValidationRule], ...]:
    """graphql-core's rules, three of them in a form that is linear in the document or
    says what to fix (api.graphql.document_rules), and our depth and alias limits."""
    replaced: dict[type[ASTValidationRule], type[ASTValidationRule]] = {
        MaxIntrospectionDepthRule: _IntrospectionDepthRule,
        ValuesOfCorrectTypeRule: document_rules.ValuesOfCorrectType,
        OverlappingFieldsCanBeMergedRule: document_rules.overlap_rule(settings),
    }
    return (
        *(replaced.get(rule, rule) for rule in specified_rules),
        document_rules.shape_rule(settings),
    )


class _IntrospectionDepthRule(MaxIntrospectionDepthRule):
    """graphql-core's recommended rule, with a message that says why."""

    def report_error(self, error: GraphQLError) -> None:
        detail = (
            "Introspection nests fields, interfaces, possibleTypes or inputFields more"
            " than 3 lists deep (the most graphql-core allows); ask for the types by name"
        )
        super().report_error(GraphQLError(detail, error.nodes))


class PagesAndCost(SchemaExtension):
    """Rejects, before execution, variables of the wrong type, a `first` out of range or
    a query that costs too much; says the cost in `extensions.cost` and applies a
    `rateLimit(dryRun: true)` (api.graphql.cost)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.requested: int | None = None  # the estimate, once variables and pages are right
        self.coerced_variables: Mapping[str, Any] = {}

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        operation = get_operation_ast(document, context.operation_name) if document else None
        if document is not None and operation is not None:
            errors = self._errors(context.schema._schema, document, operation)
            if errors:
                # A result set here is returned instead of executing the document.
                context.result = GraphQLExecutionResult(data=None, errors=errors)
            elif cut := answer_cost.dry_run(document, operation, self.coerced_variables):
                context.graphql_document = cut
        yield

    def get_results(self) -> dict[str, Any]:
        """`extensions.cost` (api.graphql.cost), once the cost is known."""
        if self.requested is None:
            return {}
        result = self.execution_context.result
        data = result.data if result is not None else None
        return {"cost": answer_cost.summary(self.requested, data, self.settings.graphql_max_cost)}

    def _errors(
        self, schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode
    ) -> list[GraphQLError]:
        variables = get_variable_values(
            schema, operation.variable_definitions or (), self.execution_context.variables or {}
        )
        if isinstance(variables, list):
            # The client's values, as graphql-core describes them; execution would have
            # reported them wrapped, as an error of ours.
            return [GraphQLError(error.message, error.nodes) for error in variables]
        self.coerced_variables = variables.coerced
        estimate = Cost(schema, document.definitions, operation, variables.coerced, self.settings)
        if estimate.page_errors:
            return estimate.page_errors
        self.requested = estimate.total
        return self._cost_errors(estimate.total, operation)

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
        cost_of = {"cost": {"requested": cost, "maximum": limit}}
        return [GraphQLError(detail, operation, original_error=problem, extensions=cost_of)]


# A cost as (fixed, per item): fixed + per_item × the page size of the connection whose
# `edges` it holds, so that a fragment is costed once whatever `first` it sits under.
Affine = tuple[int, int]


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
        self.variables = variables  # coerced: defaults applied
        self.settings = settings
        self.page_errors: list[GraphQLError] = []
        self._fragment_costs: dict[str, Affine] = {}
        root = schema.get_root_type(operation.operation)
        fixed, per_item = self.selections(root, operation.selection_set) if root else (0, 0)
        self.total = fixed + per_item * LIST_SIZE_GUESS  # `edges` outside a connection

    def selections(self, parent: Any, selection_set: SelectionSetNode) -> Affine:
        fixed = per_item = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                cost = self.field(parent, selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                cost = self.selections(inner, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                cost = self.fragment(selection.name.value)
            fixed, per_item = fixed + cost[0], per_item + cost[1]
        return fixed, per_item

    def fragment(self, name: str) -> Affine:
        # Kept by name: a fragment spread many times is costed once, and a cycle (which
        # validation has already refused) cannot recurse for ever.
        if name not in self._fragment_costs:
            self._fragment_costs[name] = (0, 0)
            fragment = self.fragments.get(name)
            if fragment is not None:
                inner = self.schema.get_type(fragment.type_condition.name.value)
                self._fragment_costs[name] = self.selections(inner, fragment.selection_set)
        return self._fragment_costs[name]

    def field(self, parent: Any, node: FieldNode) -> Affine:
        name = node.name.value
        if name.startswith("__"):
            return 0, 0  # introspection: bounded by the schema and its depth rule
        definition = _field_of(parent, name)
        if definition is None or node.selection_set is None:
            return 1, 0
        fixed, per_item = self.selections(get_named_type(definition.type), node.selection_set)
        if "first" in definition.args:  # a connection: its page sizes the `edges` within
            return 1 + fixed + per_item * self.first(node, definition), 0
        inner = fixed + per_item * LIST_SIZE_GUESS
        is_list = is_list_type(get_nullable_type(definition.type))
        if name == "edges" and is_list:
            return 1, inner  # one per item of the page around
        return 1 + (LIST_SIZE_GUESS if is_list else 1) * inner, 0

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
