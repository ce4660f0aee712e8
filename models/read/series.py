"""Indicator series: each indicator's value in every wave, with changes between waves and
the sources it cites, for tables, charts and citations.

A series is computed (models.indicators) from two reads that are prepared once per shape
(models.read.prepared): the shares of the indicator's options, and the totals sources
printed.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import bindparam, select
from sqlmodel import col

from models import indicators as compute
from models.cited import CitedIndicator
from models.read import prepared
from models.read.context import Reader, descriptions, ids_of, one, with_descriptions
from models.read.coverage import indicator_waves_with_figures
from models.read.lookups import (
    INDICATOR_BY_ID,
    cited_sources,
    get_indicator,
    list_indicators,
    questions_by_id,
    surveys_by_id,
)
from models.read.releases import current_release, release_served
from models.read.shares import share_records
from models.read.statements import SHARE, SURVEY, Statement, survey_records, visible
from models.records import IndicatorDetail, IndicatorTable, PublishedTotalRecord, Series
from models.tables import PublishedTotal, Share, Survey


def _series_shares(options: int, current: bool) -> Statement:
    return SHARE.where(
        prepared.one_of(col(Share.option_id), "options", options),
        col(Share.segment_id) == bindparam("segment"),
        visible(Share, None if current else bindparam("as_of")),
    )


def _series_totals(indicators: int, current: bool) -> Statement:
    return select(
        col(PublishedTotal.indicator_id),
        col(PublishedTotal.wave_id),
        col(PublishedTotal.value),
        col(PublishedTotal.source_id),
        col(PublishedTotal.locator),
        col(PublishedTotal.locator_nb),
        col(PublishedTotal.locator_nn),
        col(PublishedTotal.note_nb),
        col(PublishedTotal.note_en),
        col(PublishedTotal.note_nn),
    ).where(
        prepared.one_of(col(PublishedTotal.indicator_id), "indicators", indicators),
        visible(PublishedTotal, None if current else bindparam("as_of")),
        col(PublishedTotal.segment_id) == bindparam("segment"),
    )


def series_by_indicator(
    reader: Reader,
    indicator_ids: Collection[int],
    *,
    segment: str = "all",
    as_of: int | None = None,
) -> dict[int, Series]:
    """Each indicator's value in every wave of its survey, with changes between waves."""
    (segment_id,) = ids_of(reader, "segment", [segment])
    indicators = INDICATOR_BY_ID.read(reader, indicator_ids)
    described = descriptions(reader)
    options_of = {id_: described.indicator_options.get(id_, ()) for id_ in indicators}
    survey_of = {id_: indicator.survey_id for id_, indicator in indicators.items()}
    years_of = {
        survey_id: [wave.year for wave in described.waves_of_survey.get(survey_id, ())]
        for survey_id in survey_of.values()
    }
    option_ids = sorted({option_id for options in options_of.values() for option_id in options})
    current = as_of is None
    release = {} if current else {"as_of": as_of}
    shares = share_records(
        reader,
        prepared.rows(
            reader,
            ("series", current),
            lambda: _series_shares(len(option_ids), current),
            {"options": option_ids, "segment": segment_id, **release},
        ),
    )
    ids = list(indicator_ids)
    total_rows = prepared.rows(
        reader,
        ("totals", current),
        lambda: _series_totals(len(ids), current),
        {"indicators": ids, "segment": segment_id, **release},
    )
    totals = with_descriptions(
        reader,
        lambda described: [
            PublishedTotalRecord(
                indicator_id=indicator_id,
                wave=described.wave[wave_id].year,
                segment=segment,
                value=value,
                source=described.source[source_id].code,
                locator=locator,
                locator_nb=locator_nb,
                locator_nn=locator_nn,
                note_nb=note_nb,
                note_en=note_en,
                note_nn=note_nn,
                source_published=described.source[source_id].published,
            )
            for indicator_id, wave_id, value, source_id, *texts in total_rows
            for locator, locator_nb, locator_nn, note_nb, note_en, note_nn in [texts]
        ],
    )

    share_at = {(share.option_id, share.wave): share for share in shares}
    total_at = {(total.indicator_id, total.wave): total for total in totals}

    return {
        indicator_id: Series(
            indicator_id=indicator_id,
            segment=segment,
            points=compute.series(
                [
                    (
                        year,
                        [
                            (described.option[option].code, share_at.get((option, year)))
                            for option in options_of[indicator_id]
                        ],
                    )
                    for year in years_of[survey_of[indicator_id]]
                ],
                {year: total for (id_, year), total in total_at.items() if id_ == indicator_id},
            ),
        )
        for indicator_id in indicator_ids
        if indicator_id in survey_of
    }


def indicator_detail(
    reader: Reader, code: str, *, segment: str = "all", as_of: int | None = None
) -> IndicatorDetail | None:
    """An indicator with its series (as of a release) and the sources the series cites."""
    indicator = get_indicator(reader, code)
    if indicator is None:
        return None
    by_indicator = series_by_indicator(reader, [indicator.id], segment=segment, as_of=as_of)
    series = by_indicator[indicator.id]
    covered = indicator_waves_with_figures(reader, [indicator.id], segment=segment, as_of=as_of)
    return IndicatorDetail(
        indicator=indicator,
        series=series,
        sources=cited_sources(reader, series.cited),
        waves_with_figures=covered[indicator.id],
    )


def indicator_table(
    reader: Reader, code: str, *, segment: str = "all", as_of: int | None = None
) -> IndicatorTable | None:
    """An indicator's series with its question, its segment and the release served."""
    detail = indicator_detail(reader, code, segment=segment, as_of=as_of)
    if detail is None:
        return None
    question = questions_by_id(reader, [detail.indicator.question_id])
    found = one(reader, lambda d: d.segment_by_code, segment)
    assert found is not None  # indicator_detail has checked the code
    return IndicatorTable(
        detail=detail,
        question=question[detail.indicator.question_id],
        segment=found,
        release=release_served(reader, as_of),
    )


def cited_indicator(
    reader: Reader, code: str, *, segment: str = "all", as_of: int | None = None
) -> CitedIndicator | None:
    """An indicator's series (as of a release) with its survey and the release served: what a
    chart or a citation cites."""
    detail = indicator_detail(reader, code, segment=segment, as_of=as_of)
    if detail is None:
        return None
    survey_id = detail.indicator.survey_id
    survey = surveys_by_id(reader, [survey_id])[survey_id]
    return CitedIndicator(detail=detail, survey=survey, release=release_served(reader, as_of))


def cited_indicators(reader: Reader) -> list[CitedIndicator]:
    """Every indicator of a published survey (never generated data), with its current series.

    A fixed number of statements, however many indicators there are.
    """
    published = SURVEY.where(col(Survey.synthetic).is_(False))
    found = survey_records(reader.session, published, reader.licence)
    surveys = {survey.id: survey for survey in found}
    indicators = [item for item in list_indicators(reader) if item.survey_id in surveys]
    series = series_by_indicator(reader, [item.id for item in indicators])
    covered = indicator_waves_with_figures(reader, [item.id for item in indicators])
    release = current_release(reader)
    return [
        CitedIndicator(
            detail=IndicatorDetail(
                indicator=item,
                series=series[item.id],
                sources=cited_sources(reader, series[item.id].cited),
                waves_with_figures=covered[item.id],
            ),
            survey=surveys[item.survey_id],
            release=release,
        )
        for item in indicators
    ]
