"""Opening a release: the row every write of data hangs on, made one writer at a time.

Every release is made under one lock, held from the start of its transaction to the end:
the release number is the next in a count, and the figures are compared with those the
release before left. A second import waits for the first, then checks and compares
against what the first wrote; after `wait_seconds` it gives up with ImportInProgress.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col

from models.tables import Release

WAIT_SECONDS = 30.0  # api.settings' import_wait_seconds; the CLI and the API pass it

_POSTGRES_LOCK_TIMEOUT = "55P03"  # lock_not_available
_SQLITE_BUSY = 5


class ImportInProgress(Exception):
    """Another import held the release lock for all of `waited` seconds; nothing was written."""

    def __init__(self, waited: float) -> None:
        super().__init__(f"another import is being written; waited {waited:g} s for it")
        self.waited = waited

    @property
    def retry_after(self) -> int:
        """Seconds to wait before trying again: as long as this one waited."""
        return max(1, math.ceil(self.waited))


def lock_releases(session: Session, *, wait_seconds: float = WAIT_SECONDS) -> None:
    """Hold the release lock until the session's transaction ends; take it before reading.

    PostgreSQL: the release table in EXCLUSIVE mode (readers go on; any other writer of a
    release waits, whether it asked for the lock or not). SQLite: the database's write
    lock (BEGIN IMMEDIATE), which readers in WAL mode do not need. Taking it again in the
    same transaction is a no-op.
    """
    connection = session.connection()
    wait_ms = max(1, round(wait_seconds * 1000))
    try:
        if connection.dialect.name == "postgresql":
            _lock_postgres(connection, wait_ms)
        else:
            _lock_sqlite(connection, wait_ms)
    except OperationalError as error:
        code = getattr(error.orig, "sqlite_errorcode", None)
        busy = isinstance(code, int) and code & 0xFF == _SQLITE_BUSY
        if not busy and getattr(error.orig, "sqlstate", None) != _POSTGRES_LOCK_TIMEOUT:
            raise
        raise ImportInProgress(wait_seconds) from None


def _lock_postgres(connection: Connection, wait_ms: int) -> None:
    before = connection.scalar(text("SELECT current_setting('lock_timeout')"))
    connection.execute(
        text("SELECT set_config('lock_timeout', :wait, true)"), {"wait": f"{wait_ms}ms"}
    )
    connection.execute(text("LOCK TABLE release IN EXCLUSIVE MODE"))
    connection.execute(text("SELECT set_config('lock_timeout', :before, true)"), {"before": before})


def _lock_sqlite(connection: Connection, wait_ms: int) -> None:
    driver = connection.connection.driver_connection
    if driver is None or driver.in_transaction:
        return  # begun by this lock or by a write: the write lock is held already
    before = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    connection.exec_driver_sql(f"PRAGMA busy_timeout = {wait_ms}")
    try:
        # The driver begins a transaction only before a write; reads before it would see
        # an older database, so the transaction begins here, holding the write lock.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(before or 0)}")


def open_release(session: Session, *, message: str, checksum: str) -> Release:
    """A new release with the next number, flushed so that rows can refer to it.

    The number is counted, not drawn from a sequence: a rolled-back dry run would
    otherwise leave a gap, and stewards read release numbers as a count. The release
    lock makes the count safe (taken here unless the caller took it first).
    """
    lock_releases(session)
    number = (session.scalar(select(func.max(col(Release.id)))) or 0) + 1
    release = Release(
        id=number,
        created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        message=message,
        checksum=checksum,
    )
    session.add(release)
    session.flush()
    return release
