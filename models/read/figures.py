"""One figure by its address, as of a release, and every release that changed it.

A figure is one cell of a survey: a wave × question × option × segment. Its history is read
from the cell's share rows alone, by the rule a release's changes follow
(models.read.releases): a row published in release N added the figure, or changed it when
it replaced a row of the same cell in N; a row replaced in N by none removed it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, tuple_
from sqlmodel import col

from models.changes import PARTS, CellCodes, FigureChange, parts_changed
from models.filters import FigureAddress
from models.read.context import Reader, after_miss, descriptions, with_descriptions
from models.read.descriptions import Descriptions
from models.read.shares import share_records
from models.read.statements import RELEASE, SHARE, records_of, visible
from models.records import (
    OptionRecord,
    QuestionRecord,
    ReleaseRecord,
    SegmentRecord,
    ShareRecord,
    SourceRecord,
    WaveRecord,
)
from models.statuses import FIGURE_STATUS_OF, FigureStatus, ShareStatus
from models.tables import Release, Share

Cell = tuple[int, int, int, int]  # the ids of a figure's wave, question, option and segment
_CELL = (col(Share.wave_id), col(Share.question_id), col(Share.option_id), col(Share.segment_id))
_HISTORY = select(*SHARE.selected_columns, col(Share.replaced_in))


@dataclass(frozen=True, slots=True)
class FigureRevision:
    """A release that added, changed or removed a figure, and what it did."""

    release: ReleaseRecord
    change: FigureChange


@dataclass(frozen=True, slots=True)
class FigureRecord:
    """One figure: a wave × question × option × segment of a survey, as of a release."""

    wave: WaveRecord
    question: QuestionRecord
    option: OptionRecord
    segment: SegmentRecord
    share: ShareRecord | None  # None: no figure as of the release
    source: SourceRecord | None  # the share's source
    history: tuple[FigureRevision, ...]  # up to the release, oldest first

    @property
    def status(self) -> FigureStatus:
        share = self.share
        return FigureStatus.NO_SOURCE if share is None else FIGURE_STATUS_OF[share.status]


@dataclass(frozen=True, slots=True)
class NoFigure:
    """Why an address names no figure: the part that names nothing, or the empty cell."""

    detail: str


@dataclass(frozen=True, slots=True)
class _Located:
    wave: WaveRecord
    question: QuestionRecord
    option: OptionRecord
    segment: SegmentRecord

    @property
    def cell(self) -> Cell:
        return (self.wave.id, self.question.id, self.option.id, self.segment.id)


def get_figure(
    reader: Reader, address: FigureAddress, *, as_of: int | None = None
) -> FigureRecord | NoFigure:
    """The figure at `address` as of release `as_of` (None: the current one), with its
    history up to that release; NoFigure when a code names nothing or no release up to
    `as_of` had a figure there."""
    located = _located(reader, address)
    if isinstance(located, NoFigure):
        return located
    cell = located.cell
    history = figure_histories(reader, [cell], as_of)[cell]
    current = reader.session.execute(
        SHARE.where(*(column == id_ for column, id_ in zip(_CELL, cell, strict=True))).where(
            visible(Share, as_of)
        )
    ).all()
    share = next(iter(share_records(reader, current)), None)
    if share is None and not history:
        releases = "No release" if as_of is None else f"No release up to {as_of}"
        return NoFigure(f"{releases} has a figure for {address.path}")
    source = None if share is None else descriptions(reader).source.get(share.source_id)
    return FigureRecord(
        located.wave, located.question, located.option, located.segment, share, source,
        tuple(history),
    )  # fmt: skip


def figure_histories(
    reader: Reader, cells: Collection[Cell], as_of: int | None = None
) -> dict[Cell, list[FigureRevision]]:
    """Each cell's revisions, oldest first, up to release `as_of` (None: every release)."""
    if not cells:
        return {}
    rows = reader.session.execute(
        _HISTORY.where(tuple_(*_CELL).in_(list(cells))).order_by(*_CELL, col(Share.release_id))
    ).all()
    by_cell: dict[Cell, list[Any]] = defaultdict(list)
    for row in rows:
        by_cell[(row.wave_id, row.question_id, row.option_id, row.segment_id)].append(row)
    ordered = sorted(cells)
    # Codes from the descriptions, read again if a cell is of a release newer than they are.
    coded = with_descriptions(reader, lambda described: [_codes(described, c) for c in ordered])
    changes = {
        cell: _changes(cell, codes, by_cell.get(cell, []), as_of)
        for cell, codes in zip(ordered, coded, strict=True)
    }
    numbers = {change.release_id for found in changes.values() for change in found}
    releases = {
        release.id: release
        for release in records_of(
            reader.session, ReleaseRecord, RELEASE.where(col(Release.id).in_(sorted(numbers)))
        )
    }
    return {
        cell: [FigureRevision(releases[change.release_id], change) for change in found]
        for cell, found in changes.items()
    }


def _changes(
    cell: Cell, codes: CellCodes, rows: Sequence[Any], as_of: int | None
) -> list[FigureChange]:
    """What each release did to the cell, from its rows in the order they were published."""
    published = {row.release_id for row in rows}
    found: list[FigureChange] = []
    before: Any = None
    for row in rows:
        replaced = before if before is not None and before.replaced_in == row.release_id else None
        found.append(_change(row.release_id, cell, codes, replaced, row))
        if row.replaced_in is not None and row.replaced_in not in published:
            found.append(_change(row.replaced_in, cell, codes, row, None))
        before = row
    found.sort(key=lambda change: change.release_id)
    return [change for change in found if as_of is None or change.release_id <= as_of]


def _codes(described: Descriptions, cell: Cell) -> CellCodes:
    wave = described.wave[cell[0]]
    question, option = described.question[cell[1]], described.option[cell[2]]
    return (wave.survey, wave.year, question.code, option.code, described.segment[cell[3]].code)


def _change(
    release_id: int,
    cell: Cell,
    codes: CellCodes,
    old: Any,
    new: Any,
) -> FigureChange:
    """The change of a release that replaced `old` by `new` (either None: added, removed)."""
    mask = 0
    if old is not None and new is not None:
        differ = parts_changed(old._mapping, new._mapping)
        mask = sum(1 << bit for bit, part in enumerate(PARTS) if part in differ)
    survey, wave, question, option, segment = codes
    return FigureChange(
        release_id,
        *cell,
        survey=survey,
        wave=wave,
        question=question,
        option=option,
        segment=segment,
        old_value=None if old is None else old.value,
        old_status=None if old is None else ShareStatus(old.status),
        new_value=None if new is None else new.value,
        new_status=None if new is None else ShareStatus(new.status),
        parts_changed=mask,
    )


def _located(reader: Reader, address: FigureAddress) -> _Located | NoFigure:
    """The descriptions the address names; looked for again in a newer release's on a miss."""
    held = descriptions(reader)
    found = _locate(held, address)
    if isinstance(found, NoFigure):
        newer = after_miss(reader, held)
        if newer is not held:
            found = _locate(newer, address)
    return found


def _locate(described: Descriptions, address: FigureAddress) -> _Located | NoFigure:
    survey = described.survey_by_code.get(address.survey)
    if survey is None:
        return NoFigure(f"There is no survey {address.survey!r}")
    waves = described.waves_of_survey.get(survey.id, ())
    wave = next((item for item in waves if item.year == address.wave), None)
    if wave is None:
        years = ", ".join(str(item.year) for item in waves) or "none"
        return NoFigure(f"Survey {survey.code!r} has no wave {address.wave}; its waves: {years}")
    question = described.question_by_code.get(address.question)
    if question is None or question.survey_id != survey.id:
        return NoFigure(f"Survey {survey.code!r} has no question {address.question!r}")
    options = described.options_of_question.get(question.id, ())
    option = next((item for item in options if item.code == address.option), None)
    if option is None:
        codes = ", ".join(item.code for item in options) or "none"
        return NoFigure(
            f"Question {question.code!r} has no option {address.option!r}; its options: {codes}"
        )
    segment = described.segment_by_code.get(address.segment)
    if segment is None:
        codes = ", ".join(sorted(described.segment_by_code))
        return NoFigure(f"There is no segment {address.segment!r}; segments: {codes}")
    return _Located(wave, question, option, segment)
