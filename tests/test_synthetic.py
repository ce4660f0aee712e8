"""`kommunedigi generate`: synthetic data, flagged and apart from the published survey."""

import httpx
import pytest
from sqlalchemy import inspect

from api.cli import main
from seed.synthetic import Sizes, generate
from tests.conftest import graphql

pytestmark = pytest.mark.anyio


async def test_generated_survey_is_flagged_and_kept_apart(fresh_app):
    made = generate(fresh_app.state.engine, Sizes(waves=2, questions=3, options=4, segments=5))
    assert made == 2 * 3 * 4 * 5
    transport = httpx.ASGITransport(app=fresh_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        surveys = (await client.get("/api/v1/surveys")).json()["data"]
        waves = (await client.get("/api/v1/waves", params={"survey": "synthetic"})).json()["data"]
        published = await graphql(
            client, '{ shares(filter: {surveys: ["kommuneundersokelsen"]}) { totalCount } }'
        )
        generated = await graphql(
            client, '{ shares(filter: {surveys: ["synthetic"]}) { totalCount } }'
        )
    assert [(s["code"], s["synthetic"]) for s in surveys] == [
        ("kommuneundersokelsen", False),
        ("synthetic", True),
    ]
    assert [w["year"] for w in waves] == [3001, 3002]
    assert published["data"]["shares"]["totalCount"] == 33
    assert generated["data"]["shares"]["totalCount"] == 120


def test_bulk_load_keeps_every_key_and_index(fresh_app):
    engine = fresh_app.state.engine
    before = inspect(engine)
    keys = sorted(str(key["referred_table"]) for key in before.get_foreign_keys("share"))
    indexes = sorted(index["name"] for index in before.get_indexes("share"))
    generate(engine, Sizes(waves=1, questions=2, options=2, segments=2))
    after = inspect(engine)
    assert sorted(str(k["referred_table"]) for k in after.get_foreign_keys("share")) == keys
    assert sorted(index["name"] for index in after.get_indexes("share")) == indexes


def test_generate_command_refuses_a_second_synthetic_survey(fresh_database_url, capsys):
    arguments = ["generate", "--database-url", fresh_database_url, "--waves", "1",
                 "--questions", "1", "--options", "2", "--segments", "1"]  # fmt: skip
    assert main(arguments) == 0
    assert "Generated 2 synthetic shares in survey 'synthetic'" in capsys.readouterr().out
    assert main(arguments) == 1
    assert "survey 'synthetic' exists already; use a fresh database" in capsys.readouterr().err
