"""Lookups of descriptions: sources, surveys, topics, segments, waves, questions, options
and indicators, by code, by id (many at once) and by parent.

They read the copy of the descriptions a reader holds (models.read.context), so most cost
no statement. Batch functions ("…_by_…") take many keys and return a dict keyed by them,
ready for a DataLoader; `Lookup` and `Children` name each one as a typed value, so that an
adapter can look in a copy it holds itself and fall back to the batch read.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlmodel import col

from models.filters import QuestionFilter, ShareFilter
from models.read.context import Reader, check_codes, children, descriptions, one, pick
from models.read.descriptions import Descriptions
from models.read.statements import QUESTION, records_of
from models.records import (
    IndicatorRecord,
    OptionRecord,
    QuestionRecord,
    SegmentRecord,
    SourceRecord,
    SurveyRecord,
    TopicRecord,
    WaveRecord,
)
from models.tables import Question

K = TypeVar("K")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Lookup(Generic[K, R]):
    """A description by key: `index` finds it in a copy of the descriptions."""

    index: Callable[[Descriptions], Mapping[K, R]]

    def read(self, reader: Reader, keys: Collection[K]) -> dict[K, R]:
        """The descriptions `keys` name; keys that name nothing are left out."""
        return pick(reader, self.index, keys)


@dataclass(frozen=True, slots=True)
class Children(Generic[R]):
    """The descriptions under a parent, in order: `index` finds them in a copy that holds
    the parent (`parents`)."""

    parents: Callable[[Descriptions], Mapping[int, object]]
    index: Callable[[Descriptions], Mapping[int, tuple[R, ...]]]

    def read(self, reader: Reader, ids: Collection[int]) -> dict[int, list[R]]:
        """Each parent's children (a parent that is not known has none)."""
        return children(reader, self.parents, self.index, ids)


SOURCE_BY_ID: Lookup[int, SourceRecord] = Lookup(lambda d: d.source)
SOURCE_BY_CODE: Lookup[str, SourceRecord] = Lookup(lambda d: d.source_by_code)
SURVEY_BY_ID: Lookup[int, SurveyRecord] = Lookup(lambda d: d.survey)
TOPIC_BY_ID: Lookup[int, TopicRecord] = Lookup(lambda d: d.topic)
SEGMENT_BY_ID: Lookup[int, SegmentRecord] = Lookup(lambda d: d.segment)
WAVE_BY_ID: Lookup[int, WaveRecord] = Lookup(lambda d: d.wave)
QUESTION_BY_ID: Lookup[int, QuestionRecord] = Lookup(lambda d: d.question)
OPTION_BY_ID: Lookup[int, OptionRecord] = Lookup(lambda d: d.option)
INDICATOR_BY_ID: Lookup[int, IndicatorRecord] = Lookup(lambda d: d.indicator)
WAVES_OF_SURVEY: Children[WaveRecord] = Children(lambda d: d.survey, lambda d: d.waves_of_survey)
QUESTIONS_OF_SURVEY: Children[QuestionRecord] = Children(
    lambda d: d.survey, lambda d: d.questions_of_survey
)
QUESTIONS_OF_TOPIC: Children[QuestionRecord] = Children(
    lambda d: d.topic, lambda d: d.questions_of_topic
)
OPTIONS_OF_QUESTION: Children[OptionRecord] = Children(
    lambda d: d.question, lambda d: d.options_of_question
)
INDICATORS_OF_SURVEY: Children[IndicatorRecord] = Children(
    lambda d: d.survey, lambda d: d.indicators_of_survey
)


def list_sources(reader: Reader) -> list[SourceRecord]:
    return list(descriptions(reader).sources)


def sources_by_id(reader: Reader, ids: Collection[int]) -> dict[int, SourceRecord]:
    return SOURCE_BY_ID.read(reader, ids)


def list_surveys(reader: Reader) -> list[SurveyRecord]:
    return list(descriptions(reader).surveys)


def licences(reader: Reader, filter: ShareFilter | None = None) -> list[str]:
    """The licences stated for the data `filter` covers (None: every survey's), each once,
    sorted; empty when none is stated. A filter covers the surveys it names, else those of
    the questions it names, else every survey."""
    held = descriptions(reader)
    surveys: Iterable[SurveyRecord] = held.surveys
    if filter is not None and filter.surveys:
        surveys = [survey for survey in surveys if survey.code in filter.surveys]
    elif filter is not None and filter.questions:
        ids = {item.survey_id for item in held.questions if item.code in filter.questions}
        surveys = [survey for survey in surveys if survey.id in ids]
    return sorted({survey.licence for survey in surveys if survey.licence})


def get_survey(reader: Reader, code: str) -> SurveyRecord | None:
    return one(reader, lambda d: d.survey_by_code, code)


def surveys_by_id(reader: Reader, ids: Collection[int]) -> dict[int, SurveyRecord]:
    return SURVEY_BY_ID.read(reader, ids)


def list_topics(reader: Reader) -> list[TopicRecord]:
    return list(descriptions(reader).topics)


def topics_by_id(reader: Reader, ids: Collection[int]) -> dict[int, TopicRecord]:
    return TOPIC_BY_ID.read(reader, ids)


def topics_by_survey(reader: Reader, survey_ids: Collection[int]) -> dict[int, list[TopicRecord]]:
    """The topics each survey's questions cover, each once, in topic order."""
    questions = QUESTIONS_OF_SURVEY.read(reader, survey_ids)
    topic = descriptions(reader).topic
    return {
        survey_id: [topic[id_] for id_ in sorted({item.topic_id for item in items})]
        for survey_id, items in questions.items()
    }


def list_segments(reader: Reader) -> list[SegmentRecord]:
    return list(descriptions(reader).segments)


def segments_by_id(reader: Reader, ids: Collection[int]) -> dict[int, SegmentRecord]:
    return SEGMENT_BY_ID.read(reader, ids)


def list_waves(reader: Reader, *, surveys: Sequence[str] = ()) -> list[WaveRecord]:
    check_codes(reader, "survey", surveys)
    waves = descriptions(reader).waves
    return [wave for wave in waves if wave.survey in surveys] if surveys else list(waves)


def waves_by_id(reader: Reader, ids: Collection[int]) -> dict[int, WaveRecord]:
    return WAVE_BY_ID.read(reader, ids)


def waves_by_survey(reader: Reader, survey_ids: Collection[int]) -> dict[int, list[WaveRecord]]:
    return WAVES_OF_SURVEY.read(reader, survey_ids)


def list_questions(reader: Reader, filter: QuestionFilter) -> list[QuestionRecord]:
    check_codes(reader, "survey", filter.surveys)
    check_codes(reader, "topic", filter.topics)
    if filter.text:  # searched in the database, which holds the folded text
        needle = filter.text.casefold()
        statement = QUESTION.where(col(Question.search_text).contains(needle, autoescape=True))
        questions = records_of(reader.session, QuestionRecord, statement)
    else:
        questions = list(descriptions(reader).questions)
    return [
        question
        for question in questions
        if (not filter.surveys or question.survey in filter.surveys)
        and (not filter.topics or question.topic in filter.topics)
    ]


def get_question(reader: Reader, code: str) -> QuestionRecord | None:
    return one(reader, lambda d: d.question_by_code, code)


def questions_by_id(reader: Reader, ids: Collection[int]) -> dict[int, QuestionRecord]:
    return QUESTION_BY_ID.read(reader, ids)


def questions_by_survey(
    reader: Reader, survey_ids: Collection[int]
) -> dict[int, list[QuestionRecord]]:
    return QUESTIONS_OF_SURVEY.read(reader, survey_ids)


def questions_by_topic(
    reader: Reader, topic_ids: Collection[int]
) -> dict[int, list[QuestionRecord]]:
    return QUESTIONS_OF_TOPIC.read(reader, topic_ids)


def options_by_question(
    reader: Reader, question_ids: Collection[int]
) -> dict[int, list[OptionRecord]]:
    return OPTIONS_OF_QUESTION.read(reader, question_ids)


def options_by_id(reader: Reader, ids: Collection[int]) -> dict[int, OptionRecord]:
    return OPTION_BY_ID.read(reader, ids)


def list_indicators(reader: Reader, *, surveys: Sequence[str] = ()) -> list[IndicatorRecord]:
    check_codes(reader, "survey", surveys)
    indicators = descriptions(reader).indicators
    return [item for item in indicators if item.survey in surveys] if surveys else list(indicators)


def get_indicator(reader: Reader, code: str) -> IndicatorRecord | None:
    return one(reader, lambda d: d.indicator_by_code, code)


def indicators_by_id(reader: Reader, ids: Collection[int]) -> dict[int, IndicatorRecord]:
    return INDICATOR_BY_ID.read(reader, ids)


def indicators_by_survey(
    reader: Reader, survey_ids: Collection[int]
) -> dict[int, list[IndicatorRecord]]:
    return INDICATORS_OF_SURVEY.read(reader, survey_ids)


def sources_by_code(reader: Reader, codes: Collection[str]) -> dict[str, SourceRecord]:
    return SOURCE_BY_CODE.read(reader, codes)


def cited_sources(reader: Reader, codes: Iterable[str]) -> tuple[SourceRecord, ...]:
    """The sources `codes` name, in code order: every list of cited sources is made here."""
    found = sources_by_code(reader, set(codes))
    return tuple(found[code] for code in sorted(found))
