"""Generated data never meets the published survey: `kommunedigi generate`, run with a
deployment's own settings, writes a database of its own, and every answer about the
published survey stays byte for byte what it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import make_url

from api.cli import main
from tests.conftest import NO_RATE_LIMITS, Databases, database_digest
from tests.datafile_helpers import app_for, client_of

pytestmark = pytest.mark.anyio

GENERATE = ["generate", "--waves", "2", "--questions", "3", "--options", "2", "--segments", "3"]
QUERIES = {
    "shares": "{ shares(first: 100) { totalCount edges { node { value status locator"
    " wave { year } option { code question { code } } segment { code label }"
    " source { code } } } } }",
    "waves": "{ waves { year title survey { code } } }",
}
# Every answer the issue names, and the pages and files around them.
PATHS = [
    "/api/v1/shares",
    "/api/v1/shares?format=csv",
    "/api/v1/shares?format=jsonstat",
    "/api/v1/shares?limit=1000&lang=en",
    "/api/v1/shares?segment=all",
    "/api/v1/surveys",
    "/api/v1/waves",
    "/api/v1/segments",
    "/api/v1/topics",
    "/api/v1/sources",
    "/api/v1/questions",
    "/api/v1/questions?q=synthetic",
    "/api/v1/indicators",
    "/api/v1/indicators/action-plan",
    "/api/v1/indicators/action-plan?segment=synthetic:1",
    "/api/v1/indicators/expected-better-quality",
    "/api/v1/indicators/expected-better-quality/citation",
    "/api/v1/indicators/expected-better-quality/citation?format=csl",
    "/api/v1/questions/expected-effects/citation?format=csl",
    "/api/v1/questions/synthetic-q1",
    "/api/v1/releases",
    "/api/v1/releases/2",
    "/feed",
    "/catalog?format=ttl",
    "/catalog?format=jsonld",
    "/",
    "/charts/indicators/expected-better-quality.svg",
    "/embed/indicators/expected-better-quality",
]
KEPT_HEADERS = ("etag", "last-modified", "content-type", "link")

Answers = dict[str, tuple[int, dict[str, str], bytes]]


async def answers(client: httpx.AsyncClient) -> Answers:
    found: Answers = {}
    for path in PATHS:
        response = await client.get(path)
        found[path] = (response.status_code, _headers(response), response.content)
    for name, query in QUERIES.items():
        response = await client.post("/graphql", json={"query": query})
        assert "errors" not in response.json(), response.text
        found[f"graphql {name}"] = (response.status_code, _headers(response), response.content)
    return found


def _headers(response: httpx.Response) -> dict[str, str]:
    return {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}


def operator_environment(
    monkeypatch: pytest.MonkeyPatch, databases: Databases, deployment: str
) -> str:
    """The deployment's settings as an operator's shell holds them; returns the URL that
    `generate` should write: beside a SQLite file, or a database the settings name."""
    monkeypatch.setenv("KOMMUNEDIGI_DATABASE_URL", deployment)
    if databases.backend == "sqlite":
        monkeypatch.delenv("KOMMUNEDIGI_SYNTHETIC_DATABASE_URL", raising=False)
        path = Path(make_url(deployment).database or "")
        return f"sqlite:///{path.with_name(f'{path.stem}-synthetic{path.suffix}')}"
    target = databases.new()
    monkeypatch.setenv("KOMMUNEDIGI_SYNTHETIC_DATABASE_URL", target)
    return target


async def test_generate_changes_no_answer_about_the_published_survey(
    databases, fresh_database_url, monkeypatch, capsys
):
    deployment = fresh_database_url
    settings: dict[str, Any] = {"release_check_seconds": 0, **NO_RATE_LIMITS}
    with app_for(deployment, **settings) as app:
        async with client_of(app) as client:
            before = await answers(client)
            digest = database_digest(deployment)
            target = operator_environment(monkeypatch, databases, deployment)

            assert main(GENERATE) == 0
            assert "Generated 36 synthetic shares" in capsys.readouterr().out

            after = await answers(client)
    with app_for(deployment, **settings) as app:  # a worker started after generate
        async with client_of(app) as client:
            restarted = await answers(client)
    for path, answer in before.items():
        assert after[path] == answer, path
        assert restarted[path] == answer, path
    assert database_digest(deployment) == digest
    assert before["/api/v1/indicators/action-plan?segment=synthetic:1"][0] == 400
    assert before["/api/v1/questions/synthetic-q1"][0] == 404
    # The generated data is where the settings say, and alone there.
    with app_for(target, **settings) as app:
        async with client_of(app) as client:
            surveys = (await client.get("/api/v1/surveys")).json()["data"]
            releases = (await client.get("/api/v1/releases")).json()["data"]
            shares = (await client.get("/api/v1/shares", params={"limit": 1000})).json()["data"]
    assert [(survey["code"], survey["synthetic"]) for survey in surveys] == [("synthetic", True)]
    assert [release["id"] for release in releases] == [1]
    assert len(shares) == 36
    assert {share["survey"] for share in shares} == {"synthetic"}


async def test_generate_refuses_the_published_database(fresh_app, fresh_database_url, capsys):
    digest = database_digest(fresh_database_url)
    assert main([*GENERATE, "--database-url", fresh_database_url]) == 1
    error = capsys.readouterr().err
    assert "the database holds the published survey 'kommuneundersokelsen'" in error
    assert "KOMMUNEDIGI_SYNTHETIC_DATABASE_URL" in error
    assert "nothing was written" in error
    assert database_digest(fresh_database_url) == digest


async def test_generate_refuses_a_setting_that_names_the_published_database(
    fresh_app, fresh_database_url, monkeypatch, capsys
):
    digest = database_digest(fresh_database_url)
    monkeypatch.setenv("KOMMUNEDIGI_DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("KOMMUNEDIGI_SYNTHETIC_DATABASE_URL", fresh_database_url)
    assert main(GENERATE) == 1
    assert "holds the published survey" in capsys.readouterr().err
    assert database_digest(fresh_database_url) == digest


def test_generate_without_a_target_for_a_server_database_says_what_to_set(monkeypatch, capsys):
    monkeypatch.setenv("KOMMUNEDIGI_DATABASE_URL", "postgresql+psycopg://kd@db.example/kd")
    monkeypatch.delenv("KOMMUNEDIGI_SYNTHETIC_DATABASE_URL", raising=False)
    assert main(GENERATE) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: KOMMUNEDIGI_SYNTHETIC_DATABASE_URL is not set")


def test_serve_synthetic_serves_the_generated_database_unseeded(
    databases, fresh_database_url, monkeypatch
):
    import uvicorn

    target = operator_environment(monkeypatch, databases, fresh_database_url)
    # serve writes these for its workers; monkeypatch puts them back afterwards.
    monkeypatch.setenv("KOMMUNEDIGI_SEED_ON_START", "true")
    monkeypatch.setenv("KOMMUNEDIGI_MIGRATE_ON_START", "true")
    monkeypatch.setenv("KOMMUNEDIGI_SYNTHETIC_DATABASE_URL", target)
    served: list[dict[str, str]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: served.append(dict(environ())))
    assert main(["serve", "--synthetic"]) == 1  # nothing generated yet
    assert served == []
    assert main(GENERATE) == 0  # so serve seeded nothing there: generate would refuse it
    digest = database_digest(target)
    assert main(["serve", "--synthetic"]) == 0
    assert served[0]["KOMMUNEDIGI_DATABASE_URL"] == target
    assert database_digest(target) == digest


def environ() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items() if key.startswith("KOMMUNEDIGI_")}
