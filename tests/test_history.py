"""History from the first table: a correction adds a row, and reads serve the current one.

Corrections arrive through imports (a later feature); here one is written the way an
import writes it, on generated data, and read back through the public API.
"""

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models.tables import Share
from seed.synthetic import Sizes
from tests.conftest import correct_first_synthetic_share, graphql, synthetic_app

pytestmark = pytest.mark.anyio


async def test_reads_serve_the_current_row_after_a_correction(fresh_database_url):
    app = synthetic_app(fresh_database_url, Sizes(waves=1, questions=1, options=2, segments=1))
    old, release_id = correct_first_synthetic_share(app.state.engine, 12.5)
    assert old != 12.5

    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            rows = (await client.get("/api/v1/shares", params={"survey": "synthetic"})).json()
            connection = await graphql(
                client,
                '{ shares(filter: {surveys: ["synthetic"]})'
                " { totalCount edges { node { value } } } }",
            )
            health = (await client.get("/health")).json()
    finally:
        app.state.engine.dispose()
    rows = rows["data"]

    assert [row["value"] for row in rows][0] == 12.5
    assert len(rows) == 2
    assert connection["data"]["shares"]["totalCount"] == 2
    assert connection["data"]["shares"]["edges"][0]["node"]["value"] == 12.5
    assert health["release"]["id"] == release_id


def test_one_current_figure_per_cell(fresh_app):
    with Session(fresh_app.state.engine) as session:
        existing = session.execute(select(Share).limit(1)).scalar_one()
        duplicate = Share(
            wave_id=existing.wave_id,
            question_id=existing.question_id,
            option_id=existing.option_id,
            segment_id=existing.segment_id,
            value=existing.value,
            status=existing.status,
            source_id=existing.source_id,
            release_id=existing.release_id,
        )
        session.add(duplicate)
        with pytest.raises(IntegrityError, match="UNIQUE constraint failed|duplicate key value"):
            session.commit()
