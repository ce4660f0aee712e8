"""Writing many share rows at once, as fast as each backend allows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from sqlalchemy import insert, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from models.tables import Share

CHUNK = 10_000

SHARE_COLUMNS = (
    "wave_id", "question_id", "option_id", "segment_id", "value", "base_n", "status",
    "source_id", "release_id",
)  # fmt: skip

# The definitions as PostgreSQL itself states them, so they come back exactly as they were.
_SHARE_KEYS = """
    SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
    WHERE conrelid = 'share'::regclass AND contype = 'f' ORDER BY conname
"""
_SHARE_INDEXES = """
    SELECT indexname, indexdef FROM pg_indexes
    WHERE tablename = 'share' AND indexname <> 'share_pkey' ORDER BY indexname
"""


def write_shares(
    session: Session,
    rows: Iterable[Sequence[object]],
    *,
    columns: Sequence[str] = SHARE_COLUMNS,
    rebuild_keys: bool = False,
) -> None:
    """Insert share rows (values in `columns` order) in the caller's transaction.

    PostgreSQL: COPY. With `rebuild_keys` the share table's foreign keys and secondary
    indexes are dropped for the load and rebuilt after (checking each key once per row
    made a large load several times slower), which locks the table meanwhile: for
    generated data, not for imports beside live reads. Others: INSERT in batches.
    """
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        for chunk in _chunks(dict(zip(columns, row, strict=True)) for row in rows):
            session.execute(insert(Share), chunk)
        return
    keys = connection.execute(text(_SHARE_KEYS)).all() if rebuild_keys else []
    indexes = connection.execute(text(_SHARE_INDEXES)).all() if rebuild_keys else []
    for name, _ in keys:
        connection.execute(text(f'ALTER TABLE share DROP CONSTRAINT "{name}"'))
    for name, _ in indexes:
        connection.execute(text(f'DROP INDEX "{name}"'))
    statement = f"COPY share ({', '.join(columns)}) FROM STDIN"
    driver_error = connection.dialect.loaded_dbapi.Error
    cursor = connection.connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except driver_error as error:
        # The driver's own cursor: wrapped as SQLAlchemy wraps every other statement's error.
        raise DBAPIError.instance(statement, None, error, driver_error) from error
    for _, definition in indexes:
        connection.execute(text(definition))
    for name, definition in keys:
        connection.execute(text(f'ALTER TABLE share ADD CONSTRAINT "{name}" {definition}'))
    connection.execute(text("ANALYZE"))  # the planner should know the new sizes


def _chunks(rows: Iterable[dict[str, object]]) -> Iterator[list[dict[str, object]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk
