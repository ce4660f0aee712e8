"""Schema migrations (Alembic): bring any database to the newest revision, or back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported only to migrate or to list revisions: a start that finds the schema
# up to date reads the revision with a plain SELECT, sooner than Alembic imports.
MIGRATIONS = Path(__file__).parent / "migrations"
_LOCK_KEY = 0x6B64_6D69_6772  # PostgreSQL advisory lock of migrations ("kdmigr")


def config() -> Config:
    from alembic.config import Config

    alembic = Config()
    alembic.set_main_option("script_location", str(MIGRATIONS))
    return alembic


def _run(engine: Engine, action: str, revision: str) -> None:
    from alembic import command

    alembic = config()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite changes a column by rebuilding its table: a copy, then DROP of the
            # old one, which enforced foreign keys refuse while other tables reference it.
            # Off for the migration (only outside a transaction), checked before commit.
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.commit()
        try:
            with connection.begin():
                _one_at_a_time(connection)
                alembic.attributes["connection"] = connection
                getattr(command, action)(alembic, revision)
                if sqlite:
                    _check_references(connection)
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys = ON")
                connection.commit()


def _check_references(connection: Connection) -> None:
    """Raise, so that the migration rolls back, if a row references one that is gone."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"the migration left rows referencing nothing: {broken[:5]}")


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
    """The database's revision, from Alembic's table; None before the first migration."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        revision: str | None = connection.execute(
            text("SELECT version_num FROM alembic_version")
        ).scalar_one_or_none()
        return revision


def revisions() -> list[str]:
    """Every revision id, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(config())
    return [item.revision for item in reversed(list(script.walk_revisions()))]


def head() -> str:
    """The newest revision, from the file names: each file is named after its revision,
    and the ids count up (0001, 0002, ...); tests/test_migrations.py checks that Alembic
    finds the same head."""
    names = (path.name for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))
    return max(name.split("_", 1)[0] for name in names)
