"""The seed's snapshot (seed/published.sql): what the migrations and the seed make, from
which a first start makes its SQLite database."""

from __future__ import annotations

import multiprocessing
import sqlite3
from contextlib import closing
from pathlib import Path

from models import migrate
from seed import snapshot


def test_the_snapshot_is_what_the_migrations_and_the_seed_make():
    made = snapshot.made_by_seeding()
    assert made == snapshot.SNAPSHOT.read_text(encoding="utf-8"), (
        "seed/published.sql differs from what the migrations and the seed make: write it"
        " again with `python -m seed.snapshot`"
    )


def test_the_snapshot_is_at_the_newest_revision():
    assert snapshot.revision() == migrate.head()


def test_a_database_made_from_it_is_ready_and_dated_now(tmp_path):
    path = tmp_path / "new.sqlite3"
    assert not snapshot.ready(path)
    assert snapshot.restore(path) == 1
    assert snapshot.ready(path)
    with closing(sqlite3.connect(path)) as db:
        (created,) = db.execute("SELECT created_at FROM release").fetchone()
        (mode,) = db.execute("PRAGMA journal_mode").fetchone()
    assert created != snapshot.UNDATED
    assert mode == "wal"
    assert [item.name for item in tmp_path.iterdir()] == ["new.sqlite3"]


def test_an_existing_file_is_never_touched(tmp_path):
    path = tmp_path / "kept.sqlite3"
    path.write_bytes(b"not a database")
    assert snapshot.restore(path) is None
    assert path.read_bytes() == b"not a database"
    assert not snapshot.ready(path)  # the long way then says what is wrong


def test_an_older_revision_is_not_ready(tmp_path):
    path = tmp_path / "old.sqlite3"
    snapshot.restore(path)
    with closing(sqlite3.connect(path)) as db:
        db.execute("UPDATE alembic_version SET version_num = '0001'")
        db.commit()
    assert not snapshot.ready(path)


def _restore(path: str) -> int | None:
    return snapshot.restore(Path(path))


def test_processes_starting_at_once_make_one_database(tmp_path):
    path = tmp_path / "raced.sqlite3"
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        made = pool.map(_restore, [str(path)] * 8)
    assert made.count(1) == 1 and made.count(None) == 7
    assert snapshot.ready(path)
    assert [item.name for item in tmp_path.iterdir()] == ["raced.sqlite3"]


def test_only_a_plain_sqlite_file_url_starts_the_short_way():
    assert snapshot.sqlite_file("sqlite:///kommunedigi.sqlite3") == Path("kommunedigi.sqlite3")
    assert snapshot.sqlite_file("sqlite:////tmp/a.sqlite3") == Path("/tmp/a.sqlite3")
    for other in ("sqlite://", "sqlite:///:memory:", "sqlite:///a.db?timeout=3",
                  "postgresql+psycopg://postgres@127.0.0.1/test"):  # fmt: skip
        assert snapshot.sqlite_file(other) is None
