"""PxWebApi 2 saved queries: kept as they were sent (models.read.saved_queries reads them).

A saved query is no figure: it is a request kept for later, so it is written here and
not by seed/ (which alone writes data). Its selection is stored as the JSON it came in;
running it reads the figures of the release served then, as any request does.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from models.read.saved_queries import SavedQueryRecord
from models.tables import SavedQuery


def save_query(engine: Engine, record: SavedQueryRecord) -> None:
    """Store `record` (one short transaction)."""
    with Session(engine) as session, session.begin():
        session.add(
            SavedQuery(
                id=record.id,
                table_id=record.table_id,
                language=record.language,
                selection=record.selection,
                output_format=record.output_format,
                output_format_params=",".join(record.output_format_params),
                created_at=record.created_at,
            )
        )
