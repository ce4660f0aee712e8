"""PxWebApi 2 saved queries, read back by id (models.saved_queries writes them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import col

from models.read.context import Reader
from models.tables import SavedQuery


@dataclass(frozen=True, slots=True)
class SavedQueryRecord:
    id: str
    table_id: str
    language: str  # as PxWebApi names it: no, en
    selection: str  # the VariablesSelection, as JSON
    output_format: str
    output_format_params: tuple[str, ...]
    created_at: dt.datetime


def get_saved_query(reader: Reader, id_: str) -> SavedQueryRecord | None:
    """The saved query with id `id_`, or None."""
    row = reader.session.execute(
        select(SavedQuery).where(col(SavedQuery.id) == id_)
    ).scalar_one_or_none()
    if row is None:
        return None
    return SavedQueryRecord(
        id=row.id,
        table_id=row.table_id,
        language=row.language,
        selection=row.selection,
        output_format=row.output_format,
        output_format_params=tuple(item for item in row.output_format_params.split(",") if item),
        created_at=row.created_at,
    )
