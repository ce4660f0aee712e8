"""`kommunedigi generate`: synthetic data, flagged, in a database of its own."""

import httpx
import pytest
from sqlalchemy import inspect

from api.cli import main
from models import migrate
from models.db import make_engine
from seed.synthetic import PublishedSurveyPresent, Sizes, generate
from tests.conftest import database_digest, graphql, synthetic_app

pytestmark = pytest.mark.anyio


async def test_generated_survey_is_flagged_and_alone_in_its_database(fresh_database_url):
    # create_app seeds an empty database on first start; a generated one it leaves alone.
    app = synthetic_app(fresh_database_url, Sizes(waves=2, questions=3, options=4, segments=5))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            surveys = (await client.get("/api/v1/surveys")).json()["data"]
            waves = (await client.get("/api/v1/waves")).json()["data"]
            releases = (await client.get("/api/v1/releases")).json()["data"]
            generated = await graphql(
                client, '{ shares(filter: {surveys: ["synthetic"]}) { totalCount } }'
            )
            everything = await graphql(client, "{ shares { totalCount } }")
    finally:
        app.state.engine.dispose()
    assert [(s["code"], s["synthetic"]) for s in surveys] == [("synthetic", True)]
    assert [w["year"] for w in waves] == [3001, 3002]
    assert [(r["id"], r["added"]) for r in releases] == [(1, 120)]
    assert generated["data"]["shares"]["totalCount"] == 120
    assert everything["data"]["shares"]["totalCount"] == 120


async def test_every_page_of_a_synthetic_database_answers(fresh_database_url):
    # No indicator cites a published total there: the front page reads series of none.
    app = synthetic_app(fresh_database_url, Sizes(waves=2, questions=3, options=4, segments=1))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            front = await client.get("/")
            indicator = await client.get("/indicators/synthetic-i1")
            question = await client.get("/questions/synthetic-q1")
    finally:
        app.state.engine.dispose()
    assert [front.status_code, indicator.status_code, question.status_code] == [200, 200, 200]
    assert "synthetic-q1" in question.text


def test_generate_refuses_a_database_with_a_published_survey(fresh_app, fresh_database_url):
    digest = database_digest(fresh_database_url)
    with pytest.raises(PublishedSurveyPresent, match="'kommuneundersokelsen'"):
        generate(fresh_app.state.engine, Sizes(waves=1, questions=1, options=1, segments=1))
    assert database_digest(fresh_database_url) == digest


def test_bulk_load_keeps_every_key_and_index(fresh_database_url):
    engine = make_engine(fresh_database_url)
    migrate.upgrade(engine)
    before = inspect(engine)
    keys = sorted(str(key["referred_table"]) for key in before.get_foreign_keys("share"))
    indexes = sorted(str(index["name"]) for index in before.get_indexes("share"))
    generate(engine, Sizes(waves=1, questions=2, options=2, segments=2))
    after = inspect(engine)
    assert sorted(str(k["referred_table"]) for k in after.get_foreign_keys("share")) == keys
    assert sorted(str(index["name"]) for index in after.get_indexes("share")) == indexes
    engine.dispose()


def test_generate_command_refuses_a_second_synthetic_survey(fresh_database_url, capsys):
    arguments = ["generate", "--database-url", fresh_database_url, "--waves", "1",
                 "--questions", "1", "--options", "2", "--segments", "1"]  # fmt: skip
    assert main(arguments) == 0
    assert "Generated 2 synthetic shares in survey 'synthetic'" in capsys.readouterr().out
    assert main(arguments) == 1
    assert "survey 'synthetic' exists already; use a fresh database" in capsys.readouterr().err
