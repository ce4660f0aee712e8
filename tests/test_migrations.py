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


def test_a_database_with_figures_goes_down_and_up_again_keeping_them(fresh_database_url):
    """An operator's upgrade: a database holding figures crosses every revision that
    rebuilds a referenced table (SQLite rebuilds a table to change a column), both ways,
    and keeps every figure and reference."""
    from api.cli import main

    assert main(["seed", "--database-url", fresh_database_url]) == 0
    engine = make_engine(fresh_database_url)
    try:
        before = figures(engine)
        migrate.downgrade(engine, "0005")
        assert migrate.current_revision(engine) == "0005"
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head()
        assert figures(engine) == before
        assert len(before) == 33
    finally:
        engine.dispose()


def figures(engine):
    """Every share with the codes of what it references, so a broken reference shows."""
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT w.year, q.code, o.code, g.code, src.code, s.value, s.status FROM share s"
            " JOIN wave w ON w.id = s.wave_id JOIN question q ON q.id = s.question_id"
            " JOIN option o ON o.id = s.option_id JOIN segment g ON g.id = s.segment_id"
            " JOIN source src ON src.id = s.source_id ORDER BY 1, 2, 3, 4"
        )
        return [tuple(row) for row in rows]
