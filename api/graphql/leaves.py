"""How a query plan (api.graphql.planned) completes a scalar or an enum value: as the
type's own coercion does, with shortcuts for the values it would return unchanged."""

from __future__ import annotations

from collections.abc import Callable
from enum import EnumMeta
from math import isfinite
from typing import Any

from graphql import (
    GRAPHQL_MAX_INT,
    GRAPHQL_MIN_INT,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLFloat,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLString,
    Undefined,
)

# A value and the plan's run: the completed value.
Completion = Callable[[Any, Any], Any]


class Abandon(Exception):
    """The plan met something only graphql-core's executor answers exactly."""


def null(nullable: bool) -> None:
    if not nullable:
        raise Abandon
    return None


def leaf(type_: GraphQLLeafType, nullable: bool) -> Completion:
    """A scalar's or an enum's coercion, as the type does it, with a shortcut for values
    the type would return unchanged (a str for String, an int within 32 bits for Int, a
    finite float for Float, a bool for Boolean) and for the members of an enum."""
    coerce = type_.coerce_output_value

    def coerced(value: Any) -> Any:
        if value is None:
            return null(nullable)
        result = coerce(value)
        if result is None or result is Undefined:
            raise Abandon
        return result

    if type_ is GraphQLString or type_ is GraphQLBoolean:
        same = str if type_ is GraphQLString else bool

        def plain(value: Any, _run: object) -> Any:
            return value if type(value) is same else coerced(value)

        return plain
    if type_ is GraphQLInt:

        def integer(value: Any, _run: object) -> Any:
            if type(value) is int and GRAPHQL_MIN_INT <= value <= GRAPHQL_MAX_INT:
                return value
            return coerced(value)

        return integer
    if type_ is GraphQLFloat:

        def floating(value: Any, _run: object) -> Any:
            return value if type(value) is float and isfinite(value) else coerced(value)

        return floating
    members = _enum_names(type_)
    if members:

        def enum(value: Any, _run: object) -> Any:
            name = members.get(value) if type(value) in members.types else None
            return name if name is not None else coerced(value)

        return enum
    return lambda value, _run: coerced(value)


class _EnumNames(dict[Any, str]):
    """A Strawberry enum's members and their GraphQL names, as its type coerces them."""

    types: frozenset[type] = frozenset()


def _enum_names(type_: GraphQLLeafType) -> _EnumNames:
    names = _EnumNames()
    wrapped = getattr(type_, "wrapped_cls", None)
    if not isinstance(type_, GraphQLEnumType) or not isinstance(wrapped, EnumMeta):
        return names
    member: Any
    for member in wrapped:
        names[member] = type_.coerce_output_value(member)
    names.types = frozenset({wrapped})
    return names
