"""Engine and sessions: the only place that opens a database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlmodel import Session

from models import tables  # noqa: F401  (registers every table on SQLModel.metadata)

CONNECT_TIMEOUT_SECONDS = 5  # for a server database; a URL's ?connect_timeout= wins


def make_engine(url: str, **options: Any) -> Engine:
    """The one `create_engine` call: SQLite gets foreign keys and WAL; others, a checked pool."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # pool_pre_ping: a connection the database dropped (a restart, an outage) is replaced
    # on checkout, so the first request after it returns is served without a restart.
    parsed = make_url(url)
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        # A host that does not answer is a quick 503, not a request hung for minutes.
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **options)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    # WAL lets readers go on while an import writes; a memory database ignores it.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session
