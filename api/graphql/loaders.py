"""Per-request DataLoaders over the read layer: a nested query costs a fixed number of SQL
statements, whatever the number of rows. Never share one across requests: they cache."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from typing import Any, TypeVar, cast

from strawberry.dataloader import DataLoader

from models import read
from models.changes import FigureChange
from models.filters import Page, PageRequest, ShareFilter
from models.read import Children, Lookup, Reader, Readers
from models.records import Series, ShareRecord

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
A = TypeVar("A", bound=Hashable)


def _by_key(
    readers: Readers, fn: Callable[[Reader, Collection[K]], dict[K, T]]
) -> DataLoader[K, T | None]:
    async def load(keys: list[K]) -> Sequence[T | None]:
        found = await readers.run_in_thread(fn, set(keys))
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


def _by_parent(
    readers: Readers, fn: Callable[[Reader, Collection[int]], dict[int, list[T]]]
) -> DataLoader[int, list[T]]:
    async def load(keys: list[int]) -> Sequence[list[T]]:
        found = await readers.run_in_thread(fn, set(keys))
        return [found.get(key, []) for key in keys]

    return DataLoader(load_fn=load)


def _by_parent_and(
    readers: Readers, fn: Callable[[Reader, Collection[K], A], Mapping[K, T]], default: T
) -> DataLoader[tuple[K, A], T]:
    """Keys are (parent, argument): one query per distinct argument in the document."""

    async def load(keys: list[tuple[K, A]]) -> Sequence[T]:
        ids_by_argument: dict[A, set[K]] = defaultdict(set)
        for parent_id, argument in keys:
            ids_by_argument[argument].add(parent_id)
        found: dict[tuple[K, A], T] = {}
        for argument, ids in ids_by_argument.items():
            results = await readers.run_in_thread(fn, ids, argument)
            found.update({(id_, argument): results.get(id_, default) for id_ in ids})
        return [found[key] for key in keys]

    return DataLoader(load_fn=load)


def _series(
    reader: Reader, ids: Collection[int], segment_as_of: tuple[str, int | None]
) -> dict[int, Series]:
    segment, as_of = segment_as_of
    return read.series_by_indicator(reader, ids, segment=segment, as_of=as_of)


def _question_waves(
    reader: Reader, ids: Collection[int], segment_as_of: tuple[str, int | None]
) -> dict[int, tuple[int, ...]]:
    segment, as_of = segment_as_of
    return read.waves_with_figures(reader, ids, segments=(segment,), as_of=as_of)


def _indicator_waves(
    reader: Reader, ids: Collection[int], segment_as_of: tuple[str, int | None]
) -> dict[int, tuple[int, ...]]:
    segment, as_of = segment_as_of
    return read.indicator_waves_with_figures(reader, ids, segment=segment, as_of=as_of)


class Loaders:
    """The loaders of one request: one per lookup of the read layer it uses, made as it
    first asks (`of`, `children_of`), and one per argumented relation."""

    def __init__(self, readers: Readers) -> None:
        self.readers = readers
        # Each lookup's loader; the dict cannot say that a Lookup[K, R] key holds a
        # DataLoader[K, R | None], so `of` and `children_of` say it.
        self._loaders: dict[Lookup[Any, Any] | Children[Any], DataLoader[Any, Any]] = {}
        empty: list[ShareRecord] = []
        self.shares_of_option: DataLoader[tuple[int, ShareFilter], list[ShareRecord]] = (
            _by_parent_and(readers, read.shares_by_option, empty)
        )
        self.shares_of_wave: DataLoader[tuple[int, ShareFilter], list[ShareRecord]] = (
            _by_parent_and(readers, read.shares_by_wave, empty)
        )
        self.series: DataLoader[tuple[int, tuple[str, int | None]], Series | None] = _by_parent_and(
            readers, _series, None
        )
        # The waves with figures (models.read.coverage) of questions and of indicators.
        none: tuple[int, ...] = ()
        self.question_waves: DataLoader[tuple[int, tuple[str, int | None]], tuple[int, ...]] = (
            _by_parent_and(readers, _question_waves, none)
        )
        self.indicator_waves: DataLoader[tuple[int, tuple[str, int | None]], tuple[int, ...]] = (
            _by_parent_and(readers, _indicator_waves, none)
        )
        no_changes: Page[FigureChange] = Page([], None)
        self.changes: DataLoader[tuple[int, PageRequest], Page[FigureChange]] = _by_parent_and(
            readers, read.changes_by_release, no_changes
        )
        # Each figure's history, by its cell and the release it is shown as of.
        no_history: list[read.FigureRevision] = []
        self.histories: DataLoader[tuple[read.Cell, int | None], list[read.FigureRevision]] = (
            _by_parent_and(readers, read.figure_histories, no_history)
        )

    def of(self, lookup: Lookup[K, T]) -> DataLoader[K, T | None]:
        """The loader of `lookup`: each key's description, or None."""
        found = self._loaders.get(lookup)
        if found is None:
            found = self._loaders[lookup] = _by_key(self.readers, lookup.read)
        return cast(DataLoader[K, T | None], found)

    def children_of(self, lookup: Children[T]) -> DataLoader[int, list[T]]:
        """The loader of `lookup`: each parent's children."""
        found = self._loaders.get(lookup)
        if found is None:
            found = self._loaders[lookup] = _by_parent(self.readers, lookup.read)
        return cast(DataLoader[int, list[T]], found)
