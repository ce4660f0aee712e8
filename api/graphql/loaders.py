"""Per-request DataLoaders over the query layer: a nested query costs a fixed number of SQL
statements, whatever the number of rows. Never share one across requests: they cache."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from typing import TypeVar

from sqlalchemy import Engine
from sqlmodel import Session
from strawberry.dataloader import DataLoader

from models.filters import Page, PageRequest, ShareFilter
from models.read import queries
from models.read.session import run_query_in_thread
from models.records import (
    FigureChange,
    IndicatorRecord,
    OptionRecord,
    QuestionRecord,
    SegmentRecord,
    Series,
    ShareRecord,
    SourceRecord,
    SurveyRecord,
    TopicRecord,
    WaveRecord,
)

T = TypeVar("T")


K = TypeVar("K", bound=Hashable)
A = TypeVar("A", bound=Hashable)


def _by_key(
    engine: Engine, fn: Callable[[Session, Collection[K]], dict[K, T]]
) -> DataLoader[K, T | None]:
    async def load(keys: list[K]) -> Sequence[T | None]:
        found = await run_query_in_thread(engine, fn, set(keys))
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


def _by_parent(
    engine: Engine, fn: Callable[[Session, Collection[int]], dict[int, list[T]]]
) -> DataLoader[int, list[T]]:
    async def load(keys: list[int]) -> Sequence[list[T]]:
        found = await run_query_in_thread(engine, fn, set(keys))
        return [found.get(key, []) for key in keys]

    return DataLoader(load_fn=load)


def _by_parent_and(
    engine: Engine, fn: Callable[[Session, Collection[int], A], Mapping[int, T]], default: T
) -> DataLoader[tuple[int, A], T]:
    """Keys are (parent id, argument): one query per distinct argument in the document."""

    async def load(keys: list[tuple[int, A]]) -> Sequence[T]:
        ids_by_argument: dict[A, set[int]] = defaultdict(set)
        for parent_id, argument in keys:
            ids_by_argument[argument].add(parent_id)
        found: dict[tuple[int, A], T] = {}
        for argument, ids in ids_by_argument.items():
            results = await run_query_in_thread(engine, fn, ids, argument)
            found.update({(id_, argument): results.get(id_, default) for id_ in ids})
        return [found[key] for key in keys]

    return DataLoader(load_fn=load)


def _series(
    session: Session, ids: Collection[int], segment_as_of: tuple[str, int | None]
) -> dict[int, Series]:
    segment, as_of = segment_as_of
    return queries.series_by_indicator(session, ids, segment=segment, as_of=as_of)


class Loaders:
    def __init__(self, engine: Engine) -> None:
        self.survey: DataLoader[int, SurveyRecord | None] = _by_key(engine, queries.surveys_by_id)
        self.wave: DataLoader[int, WaveRecord | None] = _by_key(engine, queries.waves_by_id)
        self.topic: DataLoader[int, TopicRecord | None] = _by_key(engine, queries.topics_by_id)
        self.question: DataLoader[int, QuestionRecord | None] = _by_key(
            engine, queries.questions_by_id
        )
        self.option: DataLoader[int, OptionRecord | None] = _by_key(engine, queries.options_by_id)
        self.segment: DataLoader[int, SegmentRecord | None] = _by_key(
            engine, queries.segments_by_id
        )
        self.source: DataLoader[int, SourceRecord | None] = _by_key(engine, queries.sources_by_id)
        self.source_by_code: DataLoader[str, SourceRecord | None] = _by_key(
            engine, queries.sources_by_code
        )
        self.indicator: DataLoader[int, IndicatorRecord | None] = _by_key(
            engine, queries.indicators_by_id
        )
        self.waves_of_survey = _by_parent(engine, queries.waves_by_survey)
        self.questions_of_survey = _by_parent(engine, queries.questions_by_survey)
        self.questions_of_topic = _by_parent(engine, queries.questions_by_topic)
        self.indicators_of_survey = _by_parent(engine, queries.indicators_by_survey)
        self.options_of_question = _by_parent(engine, queries.options_by_question)
        empty: list[ShareRecord] = []
        self.shares_of_option: DataLoader[tuple[int, ShareFilter], list[ShareRecord]] = (
            _by_parent_and(engine, queries.shares_by_option, empty)
        )
        self.shares_of_wave: DataLoader[tuple[int, ShareFilter], list[ShareRecord]] = (
            _by_parent_and(engine, queries.shares_by_wave, empty)
        )
        self.series: DataLoader[tuple[int, tuple[str, int | None]], Series | None] = _by_parent_and(
            engine, _series, None
        )
        no_changes: Page[FigureChange] = Page([], None)
        self.changes: DataLoader[tuple[int, PageRequest], Page[FigureChange]] = _by_parent_and(
            engine, queries.changes_by_release, no_changes
        )
