"""Descriptions are held in memory per release: what a new release adds is found at once,
what it changes is served within release_check_seconds, and figures are always read fresh."""

import sqlite3
from typing import Any

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import event

from seed.synthetic import Sizes
from tests.conftest import count_queries, data_statements, generate_into, graphql
from tests.datafile_helpers import app_for, client_of

pytestmark = pytest.mark.anyio

SIZES = Sizes(waves=2, questions=3, options=2, segments=2)
# A database that holds nothing yet, into which `kommunedigi generate` writes while it is
# served (generated data never goes beside the published figures).
EMPTY: dict[str, Any] = {
    "seed_on_start": False,
    "release_check_seconds": 3600,
    "response_cache_bytes": 0,
}


async def test_a_release_adding_descriptions_is_served_before_the_next_check(
    fresh_database_url,
):
    # An hour between checks: only the look-up of what is missing can find the new survey.
    with app_for(fresh_database_url, **EMPTY) as app:
        async with client_of(app) as client:
            assert (await client.get("/api/v1/questions")).json() == {"data": []}
            unknown = await client.get("/api/v1/questions/synthetic-q1")
            assert unknown.status_code == 404

            generate_into(fresh_database_url, SIZES)

            question = await client.get("/api/v1/questions/synthetic-q1")
            assert question.status_code == 200, question.text
            assert question.json()["survey"] == "synthetic"
            shares = await client.get("/api/v1/shares", params={"survey": "synthetic"})
            assert shares.status_code == 200, shares.text
            assert len(shares.json()["data"]) == 2 * 3 * 2 * 2
            body = await graphql(
                client, '{ survey(code: "synthetic") { questions { code options { code } } } }'
            )
            assert "errors" not in body, body
            questions = body["data"]["survey"]["questions"]
            assert [item["code"] for item in questions] == [
                "synthetic-q1",
                "synthetic-q2",
                "synthetic-q3",
            ]


async def test_figures_naming_descriptions_a_held_copy_lacks_are_described(fresh_database_url):
    # No code in these requests names the new survey, so no look-up misses first: the
    # shares themselves name waves, questions and options the held copy does not have.
    with app_for(fresh_database_url, **EMPTY) as app:
        async with client_of(app) as client:
            assert (await client.get("/api/v1/shares")).status_code == 200  # copy held

            generate_into(fresh_database_url, SIZES)

            response = await client.get("/api/v1/shares", params={"limit": 1000, "lang": "en"})
            assert response.status_code == 200, response.text
            synthetic = [row for row in response.json()["data"] if row["survey"] == "synthetic"]
            assert len(synthetic) == 2 * 3 * 2 * 2
            first = synthetic[0]
            assert (first["question"], first["option"], first["option_label"]) == (
                "synthetic-q1",
                "o1",
                "Option 1",
            )
            assert first["source"] == "synthetic"
            assert first["wave"] == synthetic[-1]["wave"] - 1


async def test_an_unknown_code_costs_one_statement_and_lists_the_known_ones(client, app):
    if app.state.response_cache is not None:
        app.state.response_cache.clear()
    await client.get("/api/v1/questions")  # the descriptions are held from here on
    with count_queries(app.state.engine) as statements:
        response = await client.get("/api/v1/shares", params={"question": "no-such-question"})
    assert response.status_code == 400
    assert "action-plan" in response.json()["detail"]
    # Only the look for a newer release that might define the code.
    assert data_statements(statements) == []
    assert len(statements) <= 2


def _in_transaction(dbapi_connection: Any) -> bool:
    if isinstance(dbapi_connection, sqlite3.Connection):
        return dbapi_connection.in_transaction
    return bool(dbapi_connection.info.transaction_status != TransactionStatus.IDLE)


async def test_the_reads_of_a_request_share_one_transaction(client, app):
    """An import committed between two reads cannot give one answer figures of two releases."""
    engine = app.state.engine
    seen: list[bool] = []
    used: list[Any] = []

    def after(connection: Any, *args: Any) -> None:
        used.append(connection.connection.dbapi_connection)
        seen.append(_in_transaction(used[-1]))

    event.listen(engine, "after_cursor_execute", after)
    try:
        for _ in range(3):
            if app.state.response_cache is not None:
                app.state.response_cache.clear()
            response = await client.get("/api/v1/indicators/expected-better-quality")
            assert response.status_code == 200
    finally:
        event.remove(engine, "after_cursor_execute", after)
    assert len(seen) >= 6  # the shares and the published totals, three times
    assert all(seen)
    # Every transaction ended with its request, on whichever connection read it.
    assert not any(_in_transaction(connection) for connection in used)
