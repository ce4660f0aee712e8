"""Database failures that are the surroundings' fault, not the code's.

    Unavailable   the database cannot serve now (unreachable, shut down, busy, out of
                  connections); it may come back by itself, so a client should retry
    Unwritable    the database answers but cannot store (a read-only file or server, a
                  full disk, no write permission); someone has to act before a retry helps

`NoAnswer` is raised where a caller stops waiting for a database that has not answered
(models.read.session): it is unavailable, though the thread that asked may still be waiting.

`fault(error)` says which, or None: anything else (a wrong statement, a missing table,
a broken constraint) is a bug and must stay a 500 with its traceback in the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.exc import (
    DBAPIError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
    TimeoutError as PoolTimeout,
)

Kind = Literal["unavailable", "unwritable"]


@dataclass(frozen=True)
class Fault:
    kind: Kind
    reason: str  # for people: "the database is unreachable"


# SQLite primary result codes (https://sqlite.org/rescode.html); the extended code's low byte.
_SQLITE: dict[int, Fault] = {
    5: Fault("unavailable", "the database is busy"),  # SQLITE_BUSY: another writer holds it
    6: Fault("unavailable", "the database is busy"),  # SQLITE_LOCKED
    8: Fault("unwritable", "the database file is read-only"),  # SQLITE_READONLY
    10: Fault("unwritable", "the disk could not be read or written"),  # SQLITE_IOERR
    13: Fault("unwritable", "the disk is full"),  # SQLITE_FULL
    14: Fault("unavailable", "the database file cannot be opened"),  # SQLITE_CANTOPEN
}

# PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_POSTGRES: dict[str, Fault] = {
    "53100": Fault("unwritable", "the database server's disk is full"),
    "53200": Fault("unavailable", "the database server is out of memory"),
    "53300": Fault("unavailable", "the database server has no free connections"),
    # statement_timeout (models.db): a read the server stopped after running too long
    "57014": Fault("unavailable", "the database took too long to answer"),
    "57P01": Fault("unavailable", "the database server is shutting down"),
    "57P02": Fault("unavailable", "the database server is shutting down"),
    "57P03": Fault("unavailable", "the database server is starting up"),
    "25006": Fault("unwritable", "the database is read-only"),
    "42501": Fault("unwritable", "the database role may not write"),
}
_POSTGRES_CLASSES = {"08": Fault("unavailable", "the connection to the database failed")}

UNREACHABLE = Fault("unavailable", "the database is unreachable")
SILENT = Fault("unavailable", "the database did not answer in time")


class NoAnswer(SQLAlchemyError):
    """The database did not answer within the time its caller waits."""


def fault(error: BaseException) -> Fault | None:
    """What went wrong around the code, or None when the code itself is at fault."""
    if isinstance(error, NoAnswer):
        return SILENT
    if isinstance(error, PoolTimeout):
        return Fault("unavailable", "no database connection became free in time")
    if not isinstance(error, DBAPIError):
        return None
    code = getattr(error.orig, "sqlite_errorcode", None)
    sqlstate = getattr(error.orig, "sqlstate", None)
    if isinstance(code, int):
        known = _SQLITE.get(code & 0xFF)
    elif isinstance(sqlstate, str):
        known = _POSTGRES.get(sqlstate) or _POSTGRES_CLASSES.get(sqlstate[:2])
    else:
        known = None
    if known is not None:
        return known
    if error.connection_invalidated or isinstance(error, InterfaceError):
        return UNREACHABLE
    # An OperationalError with no SQLSTATE comes from the driver: no connection was made.
    if isinstance(error, OperationalError) and code is None and sqlstate is None:
        return UNREACHABLE
    return None


def unavailable(error: BaseException) -> Fault | None:
    """The fault if the database cannot serve now; None otherwise."""
    found = fault(error)
    return found if found is not None and found.kind == "unavailable" else None
