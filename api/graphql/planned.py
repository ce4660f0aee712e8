"""Queries executed from a plan made once per document, instead of field by field.

This replaces graphql-core's general executor for the queries it can: for every field of
every item, graphql-core builds a resolve-info object and a path, coerces arguments, asks
whether the value is awaitable and goes through Strawberry's resolver wrapper, which makes
an uncached page of shares many times slower than the same page over REST
(docs/benchmarks.md). A plan does that work once per document: which resolver answers each
field, with which arguments, and how each value is completed. Running it calls the same
resolvers with the same arguments and completes values with the same scalar and enum
coercion, awaiting what a resolver returns as graphql-core does (root fields and
DataLoaders together, so loads still batch).

A plan covers queries of fields on object types without directives: a document with a
field whose type is an interface (`node`) is left to graphql-core, which resolves the
object's type. Anything out of the ordinary while running it (a resolver raising, a null
where the schema says non-null, a resolver asking `info` for more than the context, a value
not of its type) abandons the plan and the request is executed again by graphql-core, so
that errors, their paths and null propagation are always graphql-core's own. Reads have no
side effects, and the request's DataLoaders keep what the first try loaded.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, NamedTuple, cast

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import FragmentDetails
from graphql.execution.values import get_argument_values
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField

from api.graphql.leaves import Abandon, Completion, leaf, null

logger = logging.getLogger(__name__)

# Plans kept, by operation: CheckedDocuments keeps parsed documents, so a document sent
# again brings the same operation node.
PLANS_KEPT = 256
# Selections a plan may visit: fragments spread in several places are planned in each,
# so a document's plan can outgrow the document; past this it is run by graphql-core.
MOST_SELECTIONS = 20_000


class _ContextOnly:
    """The `info` resolvers get from a plan: the context, and nothing else to rely on."""

    __slots__ = ("context",)

    def __init__(self, context: Any) -> None:
        self.context = context


class _Field(NamedTuple):
    """A field of a selection: its key in the answer, how its value is read (a plain
    field's attribute, or a resolver's call) and how the value is completed."""

    key: str
    attribute: Callable[[Any], Any] | None
    call: Callable[[Any, _Run], Any] | None
    complete: Completion


@dataclass(slots=True, eq=False)
class _Resolver:
    """A Strawberry resolver and what it is called with, as Strawberry calls it."""

    field: StrawberryField
    function: Callable[..., Any]
    definition: GraphQLField
    node: FieldNode
    convert: Callable[[dict[str, Any], Any], dict[str, Any]]
    takes_self: bool
    source_names: tuple[str, ...]  # parameters that take the source by name (parent, root)
    info_name: str | None

    def call(self, source: Any, run: _Run) -> Any:
        kwargs = run.arguments.get(self)
        if kwargs is None:
            kwargs = run.arguments[self] = self._arguments(run)
        if self.source_names:
            kwargs = {**kwargs, **dict.fromkeys(self.source_names, source)}
        return self.function(source, **kwargs) if self.takes_self else self.function(**kwargs)

    def _arguments(self, run: _Run) -> dict[str, Any]:
        raw = get_argument_values(self.definition, self.node, run.variables)
        kwargs = self.convert(raw, run.info) if raw or self.field.arguments else {}
        if self.info_name is not None:
            kwargs[self.info_name] = run.info
        return kwargs


@dataclass(slots=True, eq=False)
class _Run:
    """One execution of a plan."""

    info: _ContextOnly
    variables: Any
    arguments: dict[_Resolver, dict[str, Any]] = field(default_factory=dict)
    pending: list[tuple[Any, _Field, dict[str, Any]]] = field(default_factory=list)

    def object(self, source: Any, fields: list[_Field]) -> dict[str, Any]:
        answer: dict[str, Any] = {}
        for planned in fields:
            key, attribute, call, complete = planned
            if attribute is not None:
                value = attribute(source)
            else:
                assert call is not None
                value = call(source, self)
                if optimized_is_awaitable(value):
                    answer[key] = None  # filled in once awaited, in its place
                    self.pending.append((value, planned, answer))
                    continue
            if isinstance(value, Exception):
                raise Abandon
            answer[key] = complete(value, self)
        return answer

    async def settle(self) -> None:
        """Await what resolvers left pending, level by level, so that loads batch."""
        while self.pending:
            waiting, self.pending = self.pending, []
            values = await asyncio.gather(*(w[0] for w in waiting), return_exceptions=True)
            for (_, planned, answer), value in zip(waiting, values, strict=True):
                if isinstance(value, BaseException):
                    raise Abandon
                answer[planned.key] = planned.complete(value, self)

    def abandon(self) -> None:
        for awaitable, _, _ in self.pending:
            if asyncio.iscoroutine(awaitable):
                awaitable.close()
            elif isinstance(awaitable, asyncio.Future):
                awaitable.cancel()
        self.pending.clear()


class PlannedExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, running a query from its plan where there is one."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        plan = _plan_of(self)
        if plan is None:
            return super().execute_operation(serially)
        return self._execute_planned(plan, serially)

    async def _execute_planned(self, plan: list[_Field], serially: bool | None) -> Any:
        run = _Run(_ContextOnly(self.context_value), self.variable_values)
        try:
            data = run.object(self.root_value, plan)
            await run.settle()
        except Exception:  # graphql-core answers it, error and all
            run.abandon()
            result = super().execute_operation(serially)
            return await result if inspect.isawaitable(result) else result
        return self.build_response(data)


_plans: OrderedDict[int, tuple[OperationDefinitionNode, GraphQLSchema, list[_Field] | None]]
_plans = OrderedDict()


def _plan_of(executor: PlannedExecutor) -> list[_Field] | None:
    operation, schema = executor.operation, executor.schema
    if operation.operation is not OperationType.QUERY or _middleware_in_use(executor):
        return None
    kept = _plans.get(id(operation))
    if kept is not None and kept[0] is operation and kept[1] is schema:
        _plans.move_to_end(id(operation))
        return kept[2]
    try:
        plan = _Planner(schema, executor.fragments).plan(operation)
    except Exception:  # a document no plan foresaw: graphql-core runs it, as before plans
        logger.exception("No plan for a GraphQL operation")
        plan = None
    _plans[id(operation)] = (operation, schema, plan)
    if len(_plans) > PLANS_KEPT:
        _plans.popitem(last=False)
    return plan


def _middleware_in_use(executor: PlannedExecutor) -> bool:
    """Whether an extension resolves fields itself (ours do not), which plans skip."""
    manager = executor.middleware_manager
    return manager is not None and bool(getattr(manager, "middlewares", ()))


class _Planner:
    def __init__(self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDetails]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.visited = 0
        strawberry_schema = schema._strawberry_schema  # type: ignore[attr-defined]
        self.config = strawberry_schema.config
        self.scalars = strawberry_schema.schema_converter.scalar_registry

    def plan(self, operation: OperationDefinitionNode) -> list[_Field] | None:
        root = self.schema.query_type
        if root is None or operation.directives:
            return None
        try:
            return self._fields(root, [operation.selection_set])
        except Abandon:
            return None

    def _fields(
        self, parent: GraphQLObjectType, selections: list[SelectionSetNode]
    ) -> list[_Field]:
        grouped: dict[str, list[FieldNode]] = {}
        for selection_set in selections:
            self._collect(selection_set, grouped)
        return [self._field(parent, key, nodes) for key, nodes in grouped.items()]

    def _collect(
        self, selection_set: SelectionSetNode, grouped: dict[str, list[FieldNode]]
    ) -> None:
        for selection in selection_set.selections:
            self.visited += 1
            if self.visited > MOST_SELECTIONS or selection.directives:
                raise Abandon
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                grouped.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                self._collect(selection.selection_set, grouped)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is None or fragment.variable_signatures or selection.arguments:
                    raise Abandon  # fragment arguments: graphql-core's experiment
                self._collect(fragment.definition.selection_set, grouped)

    def _field(self, parent: GraphQLObjectType, key: str, nodes: list[FieldNode]) -> _Field:
        name = nodes[0].name.value
        if name == "__typename":
            type_name = parent.name
            return _Field(key, lambda _source: type_name, None, _as_is)
        definition = parent.fields.get(name)
        strawberry_field = (
            (definition.extensions or {}).get("strawberry-definition") if definition else None
        )
        if definition is None or not isinstance(strawberry_field, StrawberryField):
            raise Abandon  # introspection, or a field Strawberry did not make
        if strawberry_field.extensions:
            raise Abandon  # field extensions (permissions among them) run in Strawberry's wrapper
        complete = self._completion(definition.type, nodes)
        if strawberry_field.base_resolver is None:
            return _Field(key, attrgetter(strawberry_field.python_name), None, complete)
        resolver = self._resolver(strawberry_field, definition, nodes[0])
        return _Field(key, None, resolver.call, complete)

    def _resolver(
        self, field_: StrawberryField, definition: GraphQLField, node: FieldNode
    ) -> _Resolver:
        base = field_.base_resolver
        assert base is not None
        arguments, scalars, config = field_.arguments, self.scalars, self.config

        def convert(raw: dict[str, Any], info: Any) -> dict[str, Any]:
            return convert_arguments(
                raw, arguments, scalar_registry=scalars, config=config, info=info
            )

        sources = tuple(
            p.name for p in (base.parent_parameter, base.root_parameter) if p is not None
        )
        info = base.info_parameter
        if not callable(base.wrapped_func):
            raise Abandon  # Strawberry's wrapper says so, as an error
        return _Resolver(
            field=field_,
            function=base.wrapped_func,
            definition=definition,
            node=node,
            convert=convert,
            takes_self=base.self_parameter is not None,
            source_names=sources,
            info_name=info.name if info is not None else None,
        )

    def _completion(
        self, type_: GraphQLOutputType, nodes: list[FieldNode], nullable: bool = True
    ) -> Completion:
        """How a value of `type_` is completed: a null where the schema says non-null
        abandons the plan (graphql-core then says which field, and nulls its parent)."""
        if is_non_null_type(type_):
            return self._completion(type_.of_type, nodes, nullable=False)
        if is_list_type(type_):
            item = self._completion(type_.of_type, nodes)

            def listed(value: Any, run: _Run) -> Any:
                if value is None:
                    return null(nullable)
                if isinstance(value, str | bytes) or not isinstance(value, Iterable):
                    raise Abandon
                return [item(each, run) for each in value]

            return listed
        if is_leaf_type(type_):
            return leaf(type_, nullable)
        if not is_object_type(type_):
            raise Abandon  # an interface or a union: graphql-core resolves the type
        fields = self._fields(type_, [n.selection_set for n in nodes if n.selection_set])
        # A type that implements an interface checks its values, as graphql-core has it do;
        # Strawberry's check reads the value alone, not the resolve info.
        is_type_of = type_.is_type_of

        def object_(value: Any, run: _Run) -> Any:
            if value is None:
                return null(nullable)
            if is_type_of is not None and is_type_of(value, cast(Any, run.info)) is not True:
                raise Abandon
            return run.object(value, fields)

        return object_


def _as_is(value: Any, _run: _Run) -> Any:
    return value
