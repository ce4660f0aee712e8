"""Schema migrations (Alembic): bring any database to the newest revision, or back."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def config() -> Config:
    alembic = Config()
    alembic.set_main_option("script_location", str(MIGRATIONS))
    return alembic


def _run(engine: Engine, action: str, revision: str) -> None:
    alembic = config()
    with engine.begin() as connection:
        alembic.attributes["connection"] = connection
        getattr(command, action)(alembic, revision)


def upgrade(engine: Engine, revision: str = "head") -> None:
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
