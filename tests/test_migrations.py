"""Migrations: every revision up and down on each backend, and no drift from the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel

from models import migrate
from models.db import make_engine


@pytest.fixture
def engine(fresh_database_url):
    engine = make_engine(fresh_database_url)
    yield engine
    engine.dispose()


def tables(engine):
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def drift(engine):
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)


def test_every_revision_goes_up_and_down(engine):
    revisions = migrate.revisions()
    assert revisions[0] == "0001"
    for revision in revisions:
        migrate.upgrade(engine, revision)
        assert migrate.current_revision(engine) == revision
    assert tables(engine) == set(SQLModel.metadata.tables)
    for previous in [*reversed(revisions[:-1]), "base"]:
        migrate.downgrade(engine, "-1")
        assert migrate.current_revision(engine) == (None if previous == "base" else previous)
    assert tables(engine) == set()
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head()


def test_the_newest_revision_by_file_name_is_alembics_head():
    script = ScriptDirectory.from_config(migrate.config())
    assert migrate.head() == script.get_current_head()
    assert migrate.revisions()[-1] == migrate.head()


def test_migrated_schema_matches_the_models(engine):
    migrate.upgrade(engine)
    assert drift(engine) == [], (
        "the models and the migrations differ: write a migration "
        "(alembic revision --autogenerate -m '...')"
    )


def test_upgrade_twice_changes_nothing(engine):
    migrate.upgrade(engine)
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head()
