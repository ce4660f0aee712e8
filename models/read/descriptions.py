"""Descriptions held in memory: the surveys, waves, topics, segments, sources, questions,
options and indicators of one release, with the indexes lookups need.

They are small (hundreds of rows where the figures are millions), they change only with
a release (an import that changes a description makes one), and nearly every request
needs some of them. A worker therefore keeps one copy per release (`DescriptionCache`)
and answers lookups by code or id from dictionaries; only figures are read from the
database per request. The read layer fills a `Descriptions` (models.read.statements) and falls
back to SQL for anything a copy does not hold yet, so a copy that lags a new release by
up to `interval` seconds serves what it knows and never fails on what it does not.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from models.read.release_clock import ReleaseClock
from models.records import (
    IndicatorRecord,
    OptionRecord,
    QuestionRecord,
    ReleaseRecord,
    SegmentRecord,
    SourceRecord,
    SurveyRecord,
    TopicRecord,
    WaveRecord,
)

R = TypeVar("R")
Coded = SurveyRecord | TopicRecord | SegmentRecord | QuestionRecord  # found by code


def _grouped(records: Iterable[R], key: Callable[[R], int]) -> dict[int, tuple[R, ...]]:
    groups: dict[int, list[R]] = defaultdict(list)
    for record in records:
        groups[key(record)].append(record)
    return {parent: tuple(items) for parent, items in groups.items()}


@dataclass(frozen=True)
class Descriptions:
    """Every description as of release `release_id`, each tuple in the query layer's order."""

    release_id: int | None
    sources: tuple[SourceRecord, ...]  # by code
    surveys: tuple[SurveyRecord, ...]  # by id
    topics: tuple[TopicRecord, ...]  # by id
    segments: tuple[SegmentRecord, ...]  # by id
    waves: tuple[WaveRecord, ...]  # by survey, year
    questions: tuple[QuestionRecord, ...]  # by survey, position
    options: tuple[OptionRecord, ...]  # by question, position
    indicators: tuple[IndicatorRecord, ...]  # by survey, position
    indicator_options: dict[int, tuple[int, ...]]  # indicator id → its option ids

    source: dict[int, SourceRecord] = field(init=False)
    source_by_code: dict[str, SourceRecord] = field(init=False)
    survey: dict[int, SurveyRecord] = field(init=False)
    survey_by_code: dict[str, SurveyRecord] = field(init=False)
    topic: dict[int, TopicRecord] = field(init=False)
    topic_by_code: dict[str, TopicRecord] = field(init=False)
    segment: dict[int, SegmentRecord] = field(init=False)
    segment_by_code: dict[str, SegmentRecord] = field(init=False)
    wave: dict[int, WaveRecord] = field(init=False)
    waves_of_survey: dict[int, tuple[WaveRecord, ...]] = field(init=False)
    question: dict[int, QuestionRecord] = field(init=False)
    question_by_code: dict[str, QuestionRecord] = field(init=False)
    questions_of_survey: dict[int, tuple[QuestionRecord, ...]] = field(init=False)
    questions_of_topic: dict[int, tuple[QuestionRecord, ...]] = field(init=False)
    option: dict[int, OptionRecord] = field(init=False)
    options_of_question: dict[int, tuple[OptionRecord, ...]] = field(init=False)
    indicator: dict[int, IndicatorRecord] = field(init=False)
    indicator_by_code: dict[str, IndicatorRecord] = field(init=False)
    indicators_of_survey: dict[int, tuple[IndicatorRecord, ...]] = field(init=False)

    def __post_init__(self) -> None:
        def index(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        index("source", {item.id: item for item in self.sources})
        index("source_by_code", {item.code: item for item in self.sources})
        index("survey", {item.id: item for item in self.surveys})
        index("survey_by_code", {item.code: item for item in self.surveys})
        index("topic", {item.id: item for item in self.topics})
        index("topic_by_code", {item.code: item for item in self.topics})
        index("segment", {item.id: item for item in self.segments})
        index("segment_by_code", {item.code: item for item in self.segments})
        index("wave", {item.id: item for item in self.waves})
        index("waves_of_survey", _grouped(self.waves, lambda item: item.survey_id))
        index("question", {item.id: item for item in self.questions})
        index("question_by_code", {item.code: item for item in self.questions})
        index("questions_of_survey", _grouped(self.questions, lambda item: item.survey_id))
        index("questions_of_topic", _grouped(self.questions, lambda item: item.topic_id))
        index("option", {item.id: item for item in self.options})
        index("options_of_question", _grouped(self.options, lambda item: item.question_id))
        index("indicator", {item.id: item for item in self.indicators})
        index("indicator_by_code", {item.code: item for item in self.indicators})
        index("indicators_of_survey", _grouped(self.indicators, lambda item: item.survey_id))

    @classmethod
    def empty(cls) -> Descriptions:
        """No descriptions: every lookup misses (and goes to the database)."""
        return cls(None, (), (), (), (), (), (), (), (), {})

    def codes(self, parameter: str) -> list[str]:
        """Every code a filter `parameter` may name, sorted (for an unknown-code error)."""
        if parameter == "wave":
            return [str(year) for year in sorted({item.year for item in self.waves})]
        found: Iterable[str] = {
            "survey": self.survey_by_code.keys(),
            "topic": self.topic_by_code.keys(),
            "segment": self.segment_by_code.keys(),
            "question": self.question_by_code.keys(),
            "option": {item.code for item in self.options},
        }[parameter]
        return sorted(found)

    def ids(self, parameter: str, value: object) -> list[int]:
        """The ids `value` names as a filter `parameter`; empty when it names nothing."""
        if parameter == "option":
            return [item.id for item in self.options if item.code == value]
        if parameter == "wave":
            return [item.id for item in self.waves if item.year == value]
        by_code: dict[str, Mapping[str, Coded]] = {
            "survey": self.survey_by_code,
            "topic": self.topic_by_code,
            "segment": self.segment_by_code,
            "question": self.question_by_code,
        }
        found = by_code[parameter].get(value) if isinstance(value, str) else None
        return [] if found is None else [found.id]


class DescriptionCache:
    """One worker's descriptions of the newest release, as its release clock last saw it.

    `newest` looks up the newest release (one cheap statement) when the clock says it is
    time, and `load` reads the descriptions; both run on the caller's session, in the
    threadpool. One thread loads while the others wait for its copy, so concurrent
    requests after a release load it once.
    """

    def __init__(self, clock: ReleaseClock) -> None:
        self.clock = clock
        self._held: Descriptions | None = None
        self._lock = threading.Lock()

    def current(
        self, newest: Callable[[], ReleaseRecord | None], load: Callable[[], Descriptions]
    ) -> Descriptions:
        release = self.clock.newest(newest)
        wanted = None if release is None else release.id
        held = self._held
        if held is not None and held.release_id == wanted:
            return held
        with self._lock:
            held = self._held
            if held is None or held.release_id != wanted:  # else another thread just loaded
                held = self._held = load()
            return held
