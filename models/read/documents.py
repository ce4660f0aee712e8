"""Whole documents for one request: data files (CSV, JSON-stat), the catalog, citations
and the front page, each with the waves, sources and release it names."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlmodel import col

from models.cited import CitedQuestion, Overview
from models.filters import ShareFilter
from models.read.context import Reader
from models.read.coverage import figure_cells
from models.read.lookups import (
    SEGMENT_BY_ID,
    cited_sources,
    get_question,
    list_waves,
    options_by_question,
    surveys_by_id,
    topics_by_survey,
    waves_by_survey,
)
from models.read.releases import current_release, release_served
from models.read.series import cited_indicators
from models.read.shares import all_shares
from models.read.statements import SOURCE, SURVEY, records_of, survey_records, visible
from models.records import (
    PublishedSurvey,
    QuestionCube,
    QuestionDimensions,
    ShareTable,
    SourceRecord,
)
from models.tables import Share, Source, Survey, Wave


def share_table(reader: Reader, filter: ShareFilter) -> ShareTable:
    """Every share within `filter`, the waves of their surveys, and their sources."""
    shares = all_shares(reader, filter)
    surveys = sorted({share.survey for share in shares})
    waves = [
        wave
        for wave in (list_waves(reader, surveys=surveys) if surveys else [])
        if not filter.waves or wave.year in filter.waves
    ]
    release = release_served(reader, filter.as_of)
    return ShareTable(
        shares=tuple(shares),
        waves=tuple(waves),
        sources=cited_sources(reader, (share.source for share in shares)),
        release=release,
    )


def question_dimensions(
    reader: Reader, code: str, *, as_of: int | None = None
) -> QuestionDimensions | None:
    """The waves, options and segments a question's table is laid out by (as of a release)."""
    question = get_question(reader, code)
    if question is None:
        return None
    # Every segment the question has rows in, and the waves it has them in (coverage).
    cells = figure_cells(reader, [question.id], segments=None, as_of=as_of)
    segments = SEGMENT_BY_ID.read(reader, {segment for _, _, segment, _ in cells})
    figures = sorted({(segments[segment].code, year) for _, _, segment, year in cells})
    return QuestionDimensions(
        question=question,
        waves=tuple(waves_by_survey(reader, [question.survey_id])[question.survey_id]),
        options=tuple(options_by_question(reader, [question.id])[question.id]),
        segments=tuple(segments[id_] for id_ in sorted(segments)),
        figures=tuple(figures),
    )


def question_cube(
    reader: Reader, dimensions: QuestionDimensions, *, as_of: int | None = None
) -> QuestionCube:
    """The shares inside `dimensions` (a question's, narrowed to a selection), as of a release."""
    empty = not (dimensions.waves and dimensions.options and dimensions.segments)
    # An empty tuple in a ShareFilter means "any", so an empty selection selects nothing here.
    shares = (
        []
        if empty
        else all_shares(
            reader,
            ShareFilter(
                questions=(dimensions.question.code,),
                waves=tuple(wave.year for wave in dimensions.waves),
                options=tuple(option.code for option in dimensions.options),
                segments=tuple(segment.code for segment in dimensions.segments),
                as_of=as_of,
            ),
        )
    )
    release = release_served(reader, as_of)
    table = ShareTable(
        shares=tuple(shares),
        waves=dimensions.waves,
        sources=cited_sources(reader, (share.source for share in shares)),
        release=release,
    )
    return QuestionCube(dimensions=dimensions, table=table)


def published_surveys(reader: Reader) -> list[PublishedSurvey]:
    """Every survey but generated test data, with its waves and topics: what a catalog lists."""
    surveys = survey_records(
        reader.session,
        SURVEY.where(col(Survey.synthetic).is_(False)).order_by(col(Survey.id)),
        reader.licence,
    )
    ids = [survey.id for survey in surveys]
    waves = waves_by_survey(reader, ids)
    topics = topics_by_survey(reader, ids)
    return [
        PublishedSurvey(
            survey=survey, waves=tuple(waves[survey.id]), topics=tuple(topics[survey.id])
        )
        for survey in surveys
    ]


def cited_question(reader: Reader, code: str, *, as_of: int | None = None) -> CitedQuestion | None:
    """A question with the waves and sources of its shares (as of a release), its survey and
    the release served."""
    question = get_question(reader, code)
    if question is None:
        return None
    shares = all_shares(reader, ShareFilter(questions=(code,), as_of=as_of))
    survey = surveys_by_id(reader, [question.survey_id])[question.survey_id]
    waves = tuple(sorted({share.wave for share in shares}))
    return CitedQuestion(
        question=question,
        survey=survey,
        waves=waves,
        sources=cited_sources(reader, (share.source for share in shares)),
        release=release_served(reader, as_of),
    )


def _published_sources(reader: Reader) -> list[SourceRecord]:
    """The sources that the published surveys' current shares and their waves cite."""
    published = select(col(Wave.id)).join(Survey, col(Survey.id) == Wave.survey_id)
    published = published.where(col(Survey.synthetic).is_(False))
    by_shares = select(col(Share.source_id)).where(
        col(Share.wave_id).in_(published), visible(Share, None)
    )
    by_waves = select(col(Wave.source_id)).where(col(Wave.id).in_(published))
    cited = or_(col(Source.id).in_(by_shares), col(Source.id).in_(by_waves))
    return records_of(reader.session, SourceRecord, SOURCE.where(cited).order_by(col(Source.code)))


def overview(reader: Reader) -> Overview:
    """The published surveys, every indicator of theirs with its series, and their sources."""
    return Overview(
        surveys=tuple(published_surveys(reader)),
        indicators=tuple(cited_indicators(reader)),
        sources=tuple(_published_sources(reader)),
        release=current_release(reader),
    )
