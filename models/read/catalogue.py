"""Questions as the tables of a statistics catalogue (PxWebApi 2's /tables): each with its
survey, topic and waves with figures, and the release that loaded the figures.

The records are defined here, beside the one function that returns them.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.filters import QuestionFilter
from models.read.context import Reader
from models.read.coverage import Years, covered_questions
from models.read.lookups import surveys_by_id, topics_by_id
from models.read.releases import current_release
from models.records import QuestionRecord, ReleaseRecord, SurveyRecord, TopicRecord


@dataclass(frozen=True, slots=True)
class QuestionTable:
    question: QuestionRecord
    survey: SurveyRecord
    topic: TopicRecord
    waves_with_figures: Years  # in the segment all (models.read.coverage), oldest first


@dataclass(frozen=True, slots=True)
class QuestionTables:
    tables: tuple[QuestionTable, ...]  # in the order of the questions' listing
    release: ReleaseRecord | None  # the release being served: when the figures were loaded


def question_tables(reader: Reader, filter: QuestionFilter) -> QuestionTables:
    """The questions `filter` finds, as tables."""
    covered = covered_questions(reader, filter)
    surveys = surveys_by_id(reader, {question.survey_id for question, _ in covered})
    topics = topics_by_id(reader, {question.topic_id for question, _ in covered})
    return QuestionTables(
        tables=tuple(
            QuestionTable(question, surveys[question.survey_id], topics[question.topic_id], years)
            for question, years in covered
        ),
        release=current_release(reader),
    )
