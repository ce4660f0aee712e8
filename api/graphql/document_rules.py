"""Validation rules that bound a document's shape, each in time linear in its size.

They stand in for rules that are not linear on hostile documents:

* Strawberry's QueryDepthLimiter and MaxAliasesLimiter follow every fragment spread anew,
  so fragments that each spread the previous one ten times, six deep (578 bytes), took
  seconds. `Shape` measures each fragment once and adds it where it is spread.
* graphql-core's OverlappingFieldsCanBeMerged compares same-named fields pair by pair,
  so hundreds of repeated `surveys { code }` made it quadratic. graphql-core meters that
  work with a budget; ours is graphql_max_field_comparisons, a budget no real document
  comes near, and the refusal says what to change. A document whose repeated fields or
  fragments alone must exhaust it is refused after counting them, in one pass.
* graphql-core's ValuesOfCorrectType reads an Int literal with Python's int(), which
  fails, with a message about the interpreter, on more than 4,300 digits.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    Node,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    ValueNode,
    VisitorAction,
)
from graphql.language import SKIP
from graphql.validation import OverlappingFieldsCanBeMergedRule, ValuesOfCorrectTypeRule
from graphql.validation.validate import ValidationAbortedError

from api.settings import Settings


@dataclass
class _Local:
    """What one definition holds before its fragment spreads are followed."""

    depth: int = 0  # the deepest level of its own selections (0: its top)
    aliases: int = 0
    # Each spread: the fragment and its level, None under an introspection field (the
    # depth limit leaves introspection to IntrospectionDepth, as Strawberry's did).
    spreads: list[tuple[str, int | None]] = field(default_factory=list)


def _local(selection_set: SelectionSetNode) -> _Local:
    found = _Local()
    stack: list[tuple[SelectionSetNode, int | None]] = [(selection_set, 0)]
    while stack:
        selections, level = stack.pop()
        for selection in selections.selections:
            if level is not None:
                found.depth = max(found.depth, level)
            if isinstance(selection, FragmentSpreadNode):
                found.spreads.append((selection.name.value, level))
            elif isinstance(selection, FieldNode):
                found.aliases += selection.alias is not None
                if selection.selection_set is not None:
                    counted = level is not None and not selection.name.value.startswith("__")
                    below = level + 1 if level is not None and counted else None
                    stack.append((selection.selection_set, below))
            elif isinstance(selection, InlineFragmentNode):  # the same level
                stack.append((selection.selection_set, level))
    return found


class Shape:
    """The depth and alias count of each operation, every fragment spread included,
    each fragment measured once (a spread of a cycle, refused by NoFragmentCycles, and
    of an unknown fragment count nothing)."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        self._local = {name: _local(item.selection_set) for name, item in self.fragments.items()}
        self.depths: dict[str, int] = {}
        self.aliases: dict[str, int] = {}
        for name in self._local:
            self._measure(name)

    def _measure(self, root: str) -> None:
        """Measure `root` after every fragment it spreads, without recursion: a chain of
        fragments may be longer than Python's stack."""
        if root in self.depths:
            return
        path = [(root, iter(self._local[root].spreads))]
        on_path = {root}
        while path:
            name, spreads = path[-1]
            for spread, _ in spreads:
                if spread in self._local and spread not in self.depths and spread not in on_path:
                    path.append((spread, iter(self._local[spread].spreads)))
                    on_path.add(spread)
                    break
            else:
                path.pop()
                on_path.discard(name)
                self.depths[name], self.aliases[name] = self._combined(self._local[name])

    def _combined(self, local: _Local) -> tuple[int, int]:
        depth, aliases = local.depth, local.aliases
        for name, level in local.spreads:
            aliases += self.aliases.get(name, 0)
            if level is not None:
                depth = max(depth, level + self.depths.get(name, 0))
        return depth, aliases

    def of(self, operation: OperationDefinitionNode) -> tuple[int, int]:
        """The operation's depth and alias count."""
        return self._combined(_local(operation.selection_set))

    def too_deep(self, operation: OperationDefinitionNode, max_depth: int) -> Node:
        """The first selection deeper than `max_depth` in an operation that has one,
        found by following only the spreads that lead to it."""
        entered: set[str] = set()
        stack: list[tuple[SelectionSetNode, int]] = [(operation.selection_set, 0)]
        while stack:
            selections, level = stack.pop()
            for selection in selections.selections:
                if level > max_depth:
                    return selection
                if isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    if level + self.depths.get(name, 0) > max_depth and name not in entered:
                        entered.add(name)
                        stack = [(self.fragments[name].selection_set, level)]
                        break
                elif isinstance(selection, FieldNode):
                    if selection.selection_set and not selection.name.value.startswith("__"):
                        stack.append((selection.selection_set, level + 1))
                elif isinstance(selection, InlineFragmentNode):
                    stack.append((selection.selection_set, level))
        return operation


def shape_rule(settings: Settings) -> type[ValidationRule]:
    """The depth and alias limits, with Strawberry's messages."""
    max_depth, max_aliases = settings.graphql_max_depth, settings.graphql_max_aliases

    class ShapeLimits(ValidationRule):
        def enter_document(self, document: DocumentNode, *_args: Any) -> VisitorAction:
            shape = Shape(document)
            aliases = 0
            for operation in document.definitions:
                if not isinstance(operation, OperationDefinitionNode):
                    continue
                depth, operation_aliases = shape.of(operation)
                aliases += operation_aliases
                if depth > max_depth:
                    name = operation.name.value if operation.name else "anonymous"
                    message = f"'{name}' exceeds maximum operation depth of {max_depth}"
                    self.report_error(GraphQLError(message, shape.too_deep(operation, max_depth)))
            if aliases > max_aliases:
                self.report_error(GraphQLError(f"{aliases} aliases found. Allowed: {max_aliases}"))
            return None

    return ShapeLimits


def overlap_rule(settings: Settings) -> type[ValidationRule]:
    """graphql-core's OverlappingFieldsCanBeMerged within graphql_max_field_comparisons."""
    budget = settings.graphql_max_field_comparisons
    message = (
        "This document selects fields of the same name, directly or through fragments,"
        " too many times to check that they agree: the check stopped after"
        f" {budget:,} comparisons (graphql_max_field_comparisons). Select each field once"
        " in a selection set and spread each fragment once."
    )

    class OverlapWithinBudget(OverlappingFieldsCanBeMergedRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.rule_context.remaining_complexity_budget = budget

        def enter_document(self, document: DocumentNode, *_args: Any) -> None:
            # What graphql-core must spend, counted first in one pass: a document that must
            # run out of the budget is refused without the pairwise work.
            if _certain_comparisons(document) > budget:
                raise ValidationAbortedError(message)

        def enter_selection_set(self, *args: Any) -> None:
            try:
                super().enter_selection_set(*args)
            except ValidationAbortedError:
                if self.rule_context.remaining_complexity_budget >= 0:
                    raise  # stopped for another reason: too many errors
                raise ValidationAbortedError(message) from None

    return OverlapWithinBudget


def _certain_comparisons(document: DocumentNode) -> int:
    """What graphql-core's OverlappingFieldsCanBeMerged spends at least: two for every pair
    of same-named fields in a selection set, and two for every pair of the different
    fragments spread in one."""
    fragments = {
        definition.name.value
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    pairs = 0
    stack = [
        definition.selection_set
        for definition in document.definitions
        if isinstance(definition, (OperationDefinitionNode, FragmentDefinitionNode))
    ]
    while stack:
        fields: dict[str, int] = {}
        spread: set[str] = set()
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                name = (selection.alias or selection.name).value
                pairs += fields.get(name, 0)  # one new pair with each field seen before
                fields[name] = fields.get(name, 0) + 1
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in spread:
                    pairs += len(spread)
                    spread.add(name)
            if isinstance(selection, (FieldNode, InlineFragmentNode)) and selection.selection_set:
                stack.append(selection.selection_set)
    return 2 * pairs


class ValuesOfCorrectType(ValuesOfCorrectTypeRule):
    """graphql-core's rule, but an Int literal longer than Python reads as a number is
    refused as the out-of-range Int it is."""

    def is_valid_value_node(self, node: ValueNode, input_type: Any) -> VisitorAction:
        for literal in _int_literals(node):
            if len(literal.value.lstrip("-")) > _DIGITS_PYTHON_READS:
                shown = f"{literal.value[:12]}…{literal.value[-4:]}"
                message = (
                    f"Int cannot represent non 32-bit signed integer value: {shown}"
                    f" ({len(literal.value):,} characters)"
                )
                self.report_error(GraphQLError(message, literal))
                return SKIP
        return super().is_valid_value_node(node, input_type)


_DIGITS_PYTHON_READS = sys.get_int_max_str_digits() or sys.maxsize


def _int_literals(node: ValueNode) -> list[IntValueNode]:
    found: list[IntValueNode] = []
    stack: list[ValueNode] = [node]
    while stack:
        value = stack.pop()
        if isinstance(value, IntValueNode):
            found.append(value)
        elif isinstance(value, ListValueNode):
            stack.extend(value.values)
        elif isinstance(value, ObjectValueNode):
            stack.extend(item.value for item in value.fields)
    return found
