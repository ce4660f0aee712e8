"""Schema migrations (Alembic): bring any database to the newest revision, or back."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).parent / "migrations"
_LOCK_KEY = 0x6B64_6D69_6772  # PostgreSQL advisory lock of migrations ("kdmigr")


def config() -> Config:
    alembic = Config()
    alembic.set_main_option("script_location", str(MIGRATIONS))
    return alembic


def _run(engine: Engine, action: str, revision: str) -> None:
    alembic = config()
    with engine.begin() as connection:
        _one_at_a_time(connection)
        alembic.attributes["connection"] = connection
        getattr(command, action)(alembic, revision)


def _one_at_a_time(connection: Connection) -> None:
    """Hold a lock until the migration's transaction ends, taken before Alembic reads the
    revision: processes (or threads) starting at once on a new database then migrate one
    after another, and the later ones find nothing to do. PostgreSQL: an advisory lock;
    SQLite: the database's write lock, which also makes the migration one transaction."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade(engine: Engine, revision: str = "head") -> None:
    if revision == "head" and current_revision(engine) == head():
        return  # the usual start: nothing to do, and no lock to wait for
    _run(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str) -> None:
    _run(engine, "downgrade", revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def revisions() -> list[str]:
    """Every revision id, oldest first."""
    script = ScriptDirectory.from_config(config())
    return [item.revision for item in reversed(list(script.walk_revisions()))]


def head() -> str:
    head = ScriptDirectory.from_config(config()).get_current_head()
    assert head is not None, "the migrations folder has a head revision"
    return head
