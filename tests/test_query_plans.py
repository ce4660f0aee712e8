"""The main lookups are served by indexes, on both backends: no full scan of the share table.

Each request's statements are captured with their parameters and explained by the database
that ran them. PostgreSQL is asked with sequential scans disabled, so a plan that still
scans the table means no index can serve the lookup (on a table of a few rows it would
otherwise scan by choice).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event

pytestmark = pytest.mark.anyio

LOOKUPS = [
    "/api/v1/indicators",  # the waves with figures of every indicator
    "/api/v1/indicators/expected-better-quality",
    "/api/v1/questions",  # and of every question
    "/api/v1/questions/expected-effects",
    "/api/v1/questions/expected-effects/data?format=csv",
    "/api/v1/shares?limit=5",
    "/api/v1/shares?question=action-plan&segment=all",
    "/api/v1/shares?survey=kommuneundersokelsen&wave=2017&limit=5",
]


@contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every statement the engine runs in the block, with its parameters."""
    found: list[tuple[str, Any]] = []

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        found.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", before)


def share_scans(engine: Engine, statement: str, parameters: Any) -> list[str]:
    """The steps of the statement's plan that read the whole share table."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            steps = [row[-1] for row in rows]
            # "SCAN share USING INDEX ..." walks an index in order (a page stops at its
            # limit); a bare "SCAN share" reads the table itself.
            return [step for step in steps if step in ("SCAN share", "SCAN TABLE share")]
        connection.exec_driver_sql("SET enable_seqscan = off")
        plan = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters)
        (document,) = plan.one()
        nodes = _nodes(document[0]["Plan"] if isinstance(document, list) else json.loads(document))
        return [
            f"{node['Node Type']} on share"
            for node in nodes
            if node["Node Type"] == "Seq Scan" and node.get("Relation Name") == "share"
        ]


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


@pytest.mark.parametrize("path", LOOKUPS)
async def test_lookup_reads_shares_through_an_index(app, client, path):
    if app.state.response_cache is not None:
        app.state.response_cache.clear()
    engine = app.state.engine
    with captured(engine) as statements:
        response = await client.get(path)
    assert response.status_code == 200, response.text
    on_shares = [(sql, params) for sql, params in statements if "FROM share" in sql]
    assert on_shares, f"{path} read no shares"
    for sql, params in on_shares:
        assert share_scans(engine, sql, params) == [], sql
