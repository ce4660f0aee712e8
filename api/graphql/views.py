"""What every GraphQL object type is built on: views over records, the language and `asOf`
arguments, pages, and related descriptions reached through the read layer's lookups."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Self, TypeAlias, TypeVar

import strawberry
from strawberry.types.base import get_object_definition

from api.graphql.context import Info
from api.graphql.enums import Language
from models import read, records
from models.filters import AsOf, Cursor, PageRequest
from models.read import Children, Lookup

T = TypeVar("T")
R = TypeVar("R")

if TYPE_CHECKING:
    # A value now, or an awaitable of it: graphql-core awaits what a resolver returns when
    # it is awaitable, so a description the request's copy holds costs no await.
    Soon: TypeAlias = T | Awaitable[T]
else:

    class Soon:
        """At run time `Soon[X]` is X: the schema shows the value, whichever is returned."""

        def __class_getitem__(cls, item: object) -> object:
            return item


_COVERAGE = (
    " (a share row exists in the wave, in `segment`, as of the root's `asOf`: a number, an"
    " approximate number, words only, or an answer named without a number). Every other"
    " wave of the survey has no figure known."
)
QUESTION_WAVES = (
    "The waves (years) with figures for this question, oldest first: those in which a"
    " source we hold reports the question" + _COVERAGE
)
INDICATOR_WAVES = (
    "The waves (years) with figures for this indicator, oldest first: those in which a"
    " source we hold reports any of its options" + _COVERAGE
)

LangArg = Annotated[Language, strawberry.argument(description="Language of the text.")]


def text_in(lang: Language, record: object, name: str) -> str:
    """A record's text `name` in `lang`: its attribute `name_nb`, `name_nn` or `name_en`."""
    text = records.text_in(record, name, lang.value)
    assert isinstance(text, str)
    return text


def optional_text_in(lang: Language, record: object, name: str) -> str | None:
    """A record's text `name` in `lang`, where the record may have none."""
    text = records.text_in(record, name, lang.value)
    assert text is None or isinstance(text, str)
    return text


AsOfArg = Annotated[
    str | None,
    strawberry.argument(
        description=(
            'Show figures as published in an earlier release: a release number ("1"), or'
            " an ISO 8601 date or date-time for the newest release loaded here by then (the"
            " `createdAt` of `releases`, not the date a source was published: that is a"
            " figure's `sourcePublished`). Nested fields inherit it; null: current."
        ),
    ),
]


async def release_as_of(info: Info, as_of: str | None) -> int | None:
    """The release a root field's `asOf` names, checked against the database."""
    if as_of is None:
        return None
    parsed = AsOf.parse(as_of, parameter="asOf")
    return await info.context.readers.run_in_thread(read.release_as_of, parsed, parameter="asOf")


def page_request(info: Info, first: int | None, after: str | None) -> PageRequest:
    """`first` and `after` of a connection, checked against the server's page size."""
    settings = info.context.settings
    return PageRequest.checked(
        settings.default_page_size if first is None else first,
        Cursor.decode(after, parameter="after") if after is not None else None,
        maximum=settings.max_page_size,
        parameter="first",
    )


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@dataclass(kw_only=True)
class RecordView:
    """A GraphQL type over a record: plain fields copy the record's attributes of that name.

    `as_of` is the release whose figures the object shows (None: the current ones). A root
    field sets it from its `asOf` argument, and every object reached from there passes it on,
    so nested shares and series are read as of the same release.
    """

    record: strawberry.Private[Any]  # each type names its record's class
    as_of: strawberry.Private[int | None] = None

    @classmethod
    def of(cls, record: Any, as_of: int | None = None) -> Self:
        plain = _PLAIN.get(cls)
        if plain is None:
            definition = get_object_definition(cls, strict=True)
            plain = _PLAIN[cls] = [
                f.python_name
                for f in definition.fields
                if f.base_resolver is None and f.python_name not in ("record", "as_of")
            ]
        values = {name: getattr(record, name) for name in plain}
        return cls(record=record, as_of=as_of, **values)


_PLAIN: dict[type[RecordView], list[str]] = {}  # each view's plain fields, read once
V = TypeVar("V", bound=RecordView)


# Related descriptions are read from the request's copy (Context.descriptions), with no
# await: a page of shares has hundreds of them. Only what a release newer than the copy
# added is missing there; that goes through the lookup's DataLoader, and GraphQL awaits it.


def related(
    info: Info, lookup: Lookup[int, R], id_: int, view: type[V], as_of: int | None = None
) -> Soon[V]:
    """The description `id_` names, from the request's copy or else the lookup's loader."""
    context = info.context
    made = context.views.get((view, id_, as_of))
    if made is not None:
        return made  # type: ignore[return-value]  # kept under its own type as key
    found = lookup.index(context.descriptions).get(id_)
    if found is not None:
        made = context.views[view, id_, as_of] = view.of(found, as_of)
        return made
    return _loaded(info, lookup, id_, view, as_of)


async def _loaded(
    info: Info, lookup: Lookup[int, R], id_: int, view: type[V], as_of: int | None
) -> V:
    record = await info.context.loaders.of(lookup).load(id_)
    assert record is not None, "a foreign key guarantees it"
    return view.of(record, as_of)


def children(
    info: Info, lookup: Children[R], id_: int, view: type[V], as_of: int | None = None
) -> Soon[list[V]]:
    """The children of `id_`, from the request's copy when it holds the parent, or else
    from the lookup's loader."""
    described = info.context.descriptions
    if id_ in lookup.parents(described):
        return [view.of(item, as_of) for item in lookup.index(described).get(id_, ())]
    return _children_loaded(info, lookup, id_, view, as_of)


async def _children_loaded(
    info: Info, lookup: Children[R], id_: int, view: type[V], as_of: int | None
) -> list[V]:
    found = await info.context.loaders.children_of(lookup).load(id_)
    return [view.of(item, as_of) for item in found]
