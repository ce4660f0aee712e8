"""The seeded SQLite database as SQL text (published.sql), so that a first start makes
its database from it with the standard library: migrating and seeding need SQLAlchemy,
Alembic and the importer loaded first (docs/benchmarks.md, cold start).

It is what the migrations and the seed make, with the release undated; making a database
from it dates the release then, as seeding does. `python -m seed.snapshot` writes it
again; tests/test_snapshot.py fails while it differs from what they make. This module
imports nothing outside the standard library: it runs before the app is loaded.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sqlite3
import sys
import tempfile
import threading
from contextlib import closing
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("published.sql")
UNDATED = "1970-01-01 00:00:00.000000"  # the release's date in the snapshot
_REVISION = re.compile(r"""INSERT INTO "alembic_version" VALUES\('([^']+)'\);""")


def sqlite_file(url: str) -> Path | None:
    """The file of a plain `sqlite:///path` URL; None for any other URL (another
    database, a driver or query parameters of its own, a database in memory), which
    starts the long way."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url or url[len(prefix) :] in ("", ":memory:"):
        return None
    return Path(url[len(prefix) :])


@functools.cache
def revision() -> str:
    """The schema revision the snapshot is at (Alembic's)."""
    found = _REVISION.search(SNAPSHOT.read_text(encoding="utf-8"))
    assert found is not None, f"{SNAPSHOT} names no schema revision"
    return found.group(1)


def stored_time(moment: dt.datetime) -> str:
    """A moment as the release table stores it: UTC, as SQLAlchemy writes a DateTime."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def stored_moment(text: str) -> dt.datetime:
    """The moment of a stored time (stored_time's inverse)."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def open_existing(path: Path, timeout: float = 5.0) -> sqlite3.Connection:
    """A connection to the SQLite file `path` that never creates it (sqlite3.Error when
    there is none) and, on closing, takes its WAL files away as a read-only one cannot."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=timeout)


def restore(path: Path) -> int | None:
    """Make the database `path` from the snapshot unless the file exists: the number of
    the release it holds, or None when the file was there.

    It is written beside `path` and linked into place: a start killed midway leaves no
    half-made database, and of processes starting at once, one makes it and the others
    find it. OSError or sqlite3.Error when the folder cannot take it."""
    if path.exists():
        return None
    made = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.new")  # ours
    made.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(made)) as connection:
            connection.executescript(SNAPSHOT.read_text(encoding="utf-8"))
            now = dt.datetime.now(dt.UTC).replace(microsecond=0)
            connection.execute("UPDATE release SET created_at = ?", (stored_time(now),))
            connection.commit()
            (release,) = connection.execute("SELECT max(id) FROM release").fetchone()
            connection.execute("PRAGMA journal_mode = WAL")  # as models.db opens it
        os.link(made, path)  # refuses to replace a file another process made meanwhile
    except FileExistsError:
        return None
    finally:
        made.unlink(missing_ok=True)
    return int(release)


def ready(path: Path) -> bool:
    """Whether `path` is a database at the snapshot's revision that holds a release: one a
    start need neither migrate nor seed. False for anything else, a broken file included
    (the long way then says what is wrong)."""
    try:
        with closing(open_existing(path)) as db:
            (found,) = db.execute("SELECT version_num FROM alembic_version").fetchone()
            held = db.execute("SELECT 1 FROM release LIMIT 1").fetchone()
    except (sqlite3.Error, OSError, TypeError):
        return False
    return found == revision() and held is not None


def dump(path: Path) -> str:
    """The SQL text of the database `path`, its releases undated."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("UPDATE release SET created_at = ?", (UNDATED,))
        statements = [_in_order(statement) for statement in connection.iterdump()]
    # Indexes come after every table, in the order the migrations made them, which
    # changes as the table constraints' does.
    indexes = [i for i, statement in enumerate(statements) if _INDEX.match(statement)]
    for i, statement in zip(indexes, sorted(statements[i] for i in indexes), strict=True):
        statements[i] = statement
    return "\n".join(statements) + "\n"


_INDEX = re.compile(r"CREATE (UNIQUE )?INDEX ")
_TABLE_CONSTRAINT = re.compile(r"\t(CONSTRAINT|PRIMARY KEY|UNIQUE|FOREIGN KEY|CHECK)\b")


def _in_order(statement: str) -> str:
    """A CREATE TABLE with its table constraints sorted: the migrations that rebuild a
    SQLite table list them in an order that changes from run to run. Columns keep theirs,
    which the INSERTs follow."""
    lines = statement.split("\n")
    if not statement.startswith("CREATE TABLE") or len(lines) < 3:
        return statement
    body = [line.rstrip().removesuffix(",") for line in lines[1:-1]]
    columns = [line for line in body if not _TABLE_CONSTRAINT.match(line)]
    constraints = sorted(line for line in body if _TABLE_CONSTRAINT.match(line))
    return "\n".join([lines[0], ",\n".join(columns + constraints), lines[-1]])


def made_by_seeding() -> str:
    """What the migrations and the seed make of an empty database, as SQL text."""
    from models.db import make_engine
    from seed.first_start import ensure_seeded

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "seeded.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
        try:
            ensure_seeded(engine)
        finally:
            engine.dispose()
        return dump(path)


if __name__ == "__main__":
    SNAPSHOT.write_text(made_by_seeding(), encoding="utf-8")
    sys.stderr.write(f"wrote {SNAPSHOT} at revision {revision()}\n")
