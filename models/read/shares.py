"""Shares: pages, counts, every share of a filter, and shares by option or wave.

Share reads select the share table's own columns and take codes and labels from the
held descriptions: joining six tables for them doubled SQLite's time for a page, and
built a dozen strings per row that the descriptions already hold. A file holds every
share it covers rather than a page (`all_shares`); the adapters count first
(count_shares, QuestionDimensions.cells) and refuse what is over their cap.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, bindparam, func, select, tuple_
from sqlalchemy.orm import Mapped
from sqlmodel import col

from models.filters import Cursor, Page, PageRequest, ShareFilter
from models.read import prepared
from models.read.context import Reader, descriptions, ids_of, with_descriptions
from models.read.coverage import waves_with_figures
from models.read.descriptions import Descriptions
from models.read.lookups import get_question, options_by_question
from models.read.statements import SHARE, SHARE_ORDER, STATUS, Statement, group, visible
from models.records import QuestionDetail, ShareRecord
from models.statuses import ShareStatus
from models.tables import Share

EVERY_SHARE = ShareFilter()


def share_records(reader: Reader, rows: Sequence[Any]) -> list[ShareRecord]:
    """Records of `SHARE` rows, with codes and labels from the descriptions."""
    return with_descriptions(reader, lambda described: described_shares(described, rows))


def described_shares(described: Descriptions, rows: Sequence[Any]) -> list[ShareRecord]:
    waves, questions, options = described.wave, described.question, described.option
    segments, sources = described.segment, described.source
    records = []
    for row in rows:
        (id_, wave_id, question_id, option_id, segment_id, value, base_n, status,
         note_nb, note_en, note_nn, source_id, locator, locator_nb, locator_nn,
         release_id) = row  # fmt: skip
        wave, question = waves[wave_id], questions[question_id]
        option, segment, source = options[option_id], segments[segment_id], sources[source_id]
        # By position, in ShareRecord's field order: a page builds hundreds, and a call
        # with 25 keywords costs several times as much as one with 25 positions.
        # tests/test_read_layer.py checks this order against a build by name.
        records.append(
            ShareRecord(
                id_,
                wave.survey,
                wave_id,
                wave.year,
                question_id,
                question.code,
                question.text_nb,
                question.text_en,
                question.text_nn,
                option_id,
                option.code,
                option.label_nb,
                option.label_en,
                option.label_nn,
                segment_id,
                segment.code,
                segment.label_nb,
                segment.label_en,
                segment.label_nn,
                value,
                base_n,
                STATUS[status],
                note_nb,
                note_en,
                note_nn,
                source_id,
                source.code,
                locator,
                locator_nb,
                locator_nn,
                release_id,
                source.published,
            )  # fmt: skip
        )
    return records


_SHARE_COLUMNS: dict[str, Mapped[Any]] = {
    "wave_id": col(Share.wave_id),
    "question_id": col(Share.question_id),
    "option_id": col(Share.option_id),
    "segment_id": col(Share.segment_id),
    "status": col(Share.status),
}


def share_where(reader: Reader, filter: ShareFilter) -> dict[str, Any]:
    """The filter as values for conditions on the share table's own columns, by name.

    Codes are resolved to ids first (raising UnknownCode for a code that names nothing),
    so that the database can use the share indexes; a condition on a joined table's code
    made PostgreSQL walk ten million rows in index order looking for it.
    """
    params: dict[str, Any] = {}
    if filter.as_of is not None:
        params["as_of"] = filter.as_of
    if filter.updated_after is not None:
        params["updated_after"] = filter.updated_after
    waves: set[int] | None = None
    if filter.surveys:
        surveys = set(ids_of(reader, "survey", filter.surveys))
        waves = {wave.id for wave in descriptions(reader).waves if wave.survey_id in surveys}
    if filter.waves:
        years = set(ids_of(reader, "wave", filter.waves))
        waves = years if waves is None else waves & years
    if waves is not None:
        params["wave_id"] = sorted(waves)
    for parameter, values in (
        ("question", filter.questions),
        ("option", filter.options),
        ("segment", filter.segments),
    ):
        if values:
            params[f"{parameter}_id"] = ids_of(reader, parameter, values)
    if filter.statuses:
        params["status"] = [ShareStatus(status).value for status in filter.statuses]
    return params


def _share_conditions(where: Mapping[str, Any]) -> list[ColumnElement[bool]]:
    """Conditions with bound parameters for the values `_share_where` gave; the first
    picks the rows visible as of the filter's release, the next (with `updated_after`)
    those a later release published."""
    as_of: BindParameter[int] | None = bindparam("as_of") if "as_of" in where else None
    conditions: list[ColumnElement[bool]] = [visible(Share, as_of)]
    if "updated_after" in where:
        conditions.append(col(Share.release_id) > bindparam("updated_after"))
    for name, values in where.items():
        if name not in ("as_of", "updated_after"):
            conditions.append(prepared.one_of(_SHARE_COLUMNS[name], name, len(values)))
    return conditions


_AFTER = ("after_wave", "after_question", "after_option", "after_segment")


def list_shares(reader: Reader, filter: ShareFilter, page: PageRequest) -> Page[ShareRecord]:
    """One page of shares, in wave, question, option, segment order."""
    where = share_where(reader, filter)
    after = page.after is not None

    def build() -> Statement:
        statement = SHARE.where(*_share_conditions(where))
        if after:
            cursor = tuple_(*(bindparam(name) for name in _AFTER))
            statement = statement.where(tuple_(*SHARE_ORDER) > cursor)
        return statement.order_by(*SHARE_ORDER).limit(bindparam("limit"))

    params = {**where, "limit": page.limit + 1}
    if page.after is not None:
        params.update(zip(_AFTER, page.after.key, strict=True))
    rows = share_records(reader, prepared.rows(reader, "page", build, params))
    if len(rows) <= page.limit:
        return Page(rows, None)
    last = rows[page.limit - 1]
    return Page(
        rows[: page.limit],
        Cursor((last.wave_id, last.question_id, last.option_id, last.segment_id)),
    )


def count_shares(reader: Reader, filter: ShareFilter) -> int:
    where = share_where(reader, filter)

    def build() -> Statement:
        return select(func.count()).select_from(Share).where(*_share_conditions(where))

    count: int = prepared.rows(reader, "count", build, where)[0][0]
    return count


def _shares_by(
    reader: Reader,
    parent: str,
    key: Callable[[ShareRecord], int],
    ids: Collection[int],
    filter: ShareFilter,
) -> dict[int, list[ShareRecord]]:
    where = share_where(reader, filter)
    params = {**where, "parents": list(ids)}

    def build() -> Statement:
        of_parents = prepared.one_of(_SHARE_COLUMNS[parent], "parents", len(ids))
        return SHARE.where(of_parents, *_share_conditions(where)).order_by(*SHARE_ORDER)

    found = share_records(reader, prepared.rows(reader, ("by", parent), build, params))
    return group(found, key, ids)


def shares_by_option(
    reader: Reader, option_ids: Collection[int], filter: ShareFilter = EVERY_SHARE
) -> dict[int, list[ShareRecord]]:
    return _shares_by(reader, "option_id", lambda s: s.option_id, option_ids, filter)


def shares_by_wave(
    reader: Reader, wave_ids: Collection[int], filter: ShareFilter = EVERY_SHARE
) -> dict[int, list[ShareRecord]]:
    return _shares_by(reader, "wave_id", lambda s: s.wave_id, wave_ids, filter)


def all_shares(reader: Reader, filter: ShareFilter) -> list[ShareRecord]:
    where = share_where(reader, filter)

    def build() -> Statement:
        return SHARE.where(*_share_conditions(where)).order_by(*SHARE_ORDER)

    return share_records(reader, prepared.rows(reader, "all", build, where))


def question_detail(
    reader: Reader, code: str, filter: ShareFilter = EVERY_SHARE
) -> QuestionDetail | None:
    """A question, its options, each option's shares within `filter`, and its waves with
    figures in the filter's segments (`all` when it names none) as of its release."""
    question = get_question(reader, code)
    if question is None:
        return None
    share_where(reader, filter)  # an unknown code is an error even with no options
    options = options_by_question(reader, [question.id])[question.id]
    shares = shares_by_option(reader, [option.id for option in options], filter)
    covered = waves_with_figures(
        reader, [question.id], segments=filter.segments or ("all",), as_of=filter.as_of
    )
    return QuestionDetail(
        question=question,
        options=tuple(options),
        shares=shares,
        waves_with_figures=covered[question.id],
    )
