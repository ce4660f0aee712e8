"""An indicator as a download: its series, and everything its metadata and citation say.

One read gives the CSV, the metadata JSON and the zip the same release, so the three
files of one request never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.cited import CitedIndicator
from models.filters import ShareFilter
from models.read.context import Reader, descriptions
from models.read.lookups import surveys_by_id
from models.read.series import indicator_table
from models.read.shares import all_shares
from models.records import IndicatorTable, OptionRecord, ReleaseRecord, ShareRecord, SurveyRecord

SEGMENT = "all"  # a download is the indicator's headline series, over every municipality


@dataclass(frozen=True, slots=True)
class IndicatorDownload:
    """An indicator's series (as of a release) with its survey, the options it sums and
    the shares its points are made of, whose locators say where each source prints them."""

    table: IndicatorTable
    survey: SurveyRecord
    options: tuple[OptionRecord, ...]  # in the indicator's order
    shares: tuple[ShareRecord, ...]  # in wave, option order

    @property
    def release(self) -> ReleaseRecord | None:
        return self.table.release

    @property
    def cited(self) -> CitedIndicator:
        """What a citation of this download cites: the series as of its release."""
        return CitedIndicator(detail=self.table.detail, survey=self.survey, release=self.release)


def indicator_download(
    reader: Reader, code: str, *, as_of: int | None = None
) -> IndicatorDownload | None:
    """The indicator `code` as a download, as of release `as_of` (None: the newest)."""
    table = indicator_table(reader, code, segment=SEGMENT, as_of=as_of)
    if table is None:
        return None
    indicator = table.detail.indicator
    survey = surveys_by_id(reader, [indicator.survey_id])[indicator.survey_id]
    held = descriptions(reader)
    options = tuple(held.option[id_] for id_ in held.indicator_options[indicator.id])
    shares = all_shares(
        reader,
        ShareFilter(
            questions=(indicator.question,),
            options=indicator.options,
            segments=(SEGMENT,),
            as_of=as_of,
        ),
    )
    return IndicatorDownload(table=table, survey=survey, options=options, shares=tuple(shares))
