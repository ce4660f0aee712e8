"""Coverage: the waves a question or an indicator has figures for.

A question has figures in a wave when a source we hold reports it for that wave: a share
row of the question exists in the wave (a number, an approximate number, words only, or an
answer named without a number), in the segment asked for (`all` unless a caller names
one), among the rows the release asked for serves. Every other wave of the survey has no
figure known. An indicator has figures in the waves where any of its options has a row.

Every caller (REST, GraphQL, JSON-stat, PxWebApi selections) reads coverage here, in one
statement whatever the number of questions or indicators: the distinct (question, option,
segment, wave) of their shares.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence

from sqlalchemy import bindparam, select
from sqlmodel import col

from models.filters import QuestionFilter
from models.read import prepared
from models.read.context import Reader, descriptions, ids_of, with_descriptions
from models.read.lookups import INDICATOR_BY_ID, list_indicators, list_questions
from models.read.statements import Statement, visible
from models.records import IndicatorRecord, QuestionRecord
from models.tables import Share

Years = tuple[int, ...]
# (question id, option id, segment id, wave year) of a question's rows
Cell = tuple[int, int, int, int]


def _cells_statement(questions: int, segments: int | None, current: bool) -> Statement:
    conditions = [
        prepared.one_of(col(Share.question_id), "questions", questions),
        visible(Share, None if current else bindparam("as_of")),
    ]
    if segments is not None:
        conditions.append(prepared.one_of(col(Share.segment_id), "segments", segments))
    columns = (col(Share.question_id), col(Share.option_id), col(Share.segment_id))
    return select(*columns, col(Share.wave_id)).where(*conditions).distinct()


def figure_cells(
    reader: Reader,
    question_ids: Collection[int],
    *,
    segments: Sequence[str] | None = ("all",),
    as_of: int | None = None,
) -> list[Cell]:
    """Each (question, option, segment, wave year) of the questions that has a share row
    in `segments` (None: any segment), as of release `as_of` (None: current). UnknownCode
    for a segment that is not known."""
    ids = sorted(question_ids)
    if not ids:  # nothing to cover: an empty database has no segment to name either
        return []
    segment_ids = None if segments is None else ids_of(reader, "segment", segments)
    if segment_ids == []:
        return []
    current = as_of is None
    params: dict[str, object] = {"questions": ids}
    if segment_ids is not None:
        params["segments"] = segment_ids
    if not current:
        params["as_of"] = as_of
    count = None if segment_ids is None else len(segment_ids)
    rows = prepared.rows(
        reader,
        ("coverage", count is None, current),
        lambda: _cells_statement(len(ids), count, current),
        params,
    )
    return with_descriptions(
        reader, lambda described: [(q, o, s, described.wave[w].year) for q, o, s, w in rows]
    )


def years(cells: Iterable[Cell]) -> Years:
    """The waves (years) `cells` fall in, oldest first: the one rule for coverage."""
    return tuple(sorted({year for *_, year in cells}))


def _by(cells: Iterable[Cell], key: Callable[[Cell], int]) -> dict[int, list[Cell]]:
    grouped: dict[int, list[Cell]] = defaultdict(list)
    for cell in cells:
        grouped[key(cell)].append(cell)
    return grouped


def waves_with_figures(
    reader: Reader,
    question_ids: Collection[int],
    *,
    segments: Sequence[str] = ("all",),
    as_of: int | None = None,
) -> dict[int, Years]:
    """Each question's waves with figures in any of `segments`, as of release `as_of`."""
    cells = figure_cells(reader, question_ids, segments=segments, as_of=as_of)
    of_question = _by(cells, lambda cell: cell[0])
    return {id_: years(of_question.get(id_, ())) for id_ in question_ids}


def indicator_waves_with_figures(
    reader: Reader,
    indicator_ids: Collection[int],
    *,
    segment: str = "all",
    as_of: int | None = None,
) -> dict[int, Years]:
    """Each indicator's waves where any of its options has figures in `segment`."""
    indicators = INDICATOR_BY_ID.read(reader, indicator_ids)
    options_of = descriptions(reader).indicator_options
    questions = {indicator.question_id for indicator in indicators.values()}
    cells = figure_cells(reader, questions, segments=(segment,), as_of=as_of)
    of_option = _by(cells, lambda cell: cell[1])
    return {
        id_: years(cell for option in options_of.get(id_, ()) for cell in of_option.get(option, ()))
        for id_ in indicators
    }


def covered_questions(reader: Reader, filter: QuestionFilter) -> list[tuple[QuestionRecord, Years]]:
    """The questions `filter` finds, each with its current waves with figures (segment all)."""
    questions = list_questions(reader, filter)
    covered = waves_with_figures(reader, [question.id for question in questions])
    return [(question, covered[question.id]) for question in questions]


def covered_indicators(
    reader: Reader, *, surveys: Sequence[str] = ()
) -> list[tuple[IndicatorRecord, Years]]:
    """The indicators of `surveys` (all: every survey), each with its current waves with
    figures (segment all)."""
    indicators = list_indicators(reader, surveys=surveys)
    covered = indicator_waves_with_figures(reader, [item.id for item in indicators])
    return [(item, covered[item.id]) for item in indicators]
