"""A nested GraphQL query costs a fixed number of SQL statements, whatever the data size
(the published figures, and a database of generated ones).

Descriptions (questions, options, waves, ...) are read once per release and worker, so the
first query after a release pays for reading them and later ones read only figures.
"""

import httpx
import pytest

from seed.synthetic import Sizes
from tests.conftest import count_queries, data_statements, graphql, synthetic_app

pytestmark = pytest.mark.anyio

QUESTIONS = """{
  questions {
    code topic { code } survey { code }
    options { code label shares { value status wave { year } segment { code } source { code } } }
  }
}"""

# Root fields resolve concurrently and share loaders (and their caches), so how loads fall
# into batches depends on timing: the count is bounded by the document (at most one batch
# per place a loader is used), never by the rows. 46 questions would mean 46+ statements.
EVERYTHING = """{
  questions { code options { code shares { value wave { year } } } }
  indicators { code options { code } series { value sources { code } } }
  surveys { waves { year } }
}"""


@pytest.fixture
def large_app(databases):
    """Generated data, in a database of its own: 40 questions, 1,440 shares."""
    app = synthetic_app(databases.new(), Sizes(waves=3, questions=40, options=4, segments=3))
    yield app
    app.state.engine.dispose()


async def _run(app, query):
    if app.state.response_cache is not None:
        app.state.response_cache.clear()  # the query runs, rather than its kept answer
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        with count_queries(app.state.engine) as statements:
            body = await graphql(client, query)
    assert "errors" not in body
    questions = body["data"]["questions"]
    shares = sum(len(option["shares"]) for q in questions for option in q["options"])
    return len(data_statements(statements)), len(questions), shares


async def test_all_questions_options_shares_cost_the_same_at_two_sizes(fresh_app, large_app):
    small_first, small = await _run(fresh_app, QUESTIONS), await _run(fresh_app, QUESTIONS)
    large_first, large = await _run(large_app, QUESTIONS), await _run(large_app, QUESTIONS)

    assert small[1:] == (7, 33)
    assert large[1:] == (40, 3 * 40 * 4 * 3)
    # The descriptions, read after each release: sources, surveys, topics, segments, waves,
    # questions, options, indicators, indicator options (twice: their codes and their ids).
    assert small_first[0] == large_first[0] == 11
    # Then only the shares.
    assert small[0] == large[0] == 1


async def test_concurrent_root_fields_stay_bounded(fresh_app, large_app):
    small = await _run(fresh_app, EVERYTHING)
    large = await _run(large_app, EVERYTHING)

    assert small[1:] == (7, 33)
    assert large[1:] == (40, 3 * 40 * 4 * 3)
    assert small[0] <= 20
    assert large[0] <= 20


COVERAGE = """{
  questions { code wavesWithFigures }
  indicators { code wavesWithFigures }
}"""


async def _statements(app, request):
    """The data statements `request(client)` runs, after a first call that reads the
    descriptions."""
    if app.state.response_cache is not None:
        app.state.response_cache.clear()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        await request(client)
        if app.state.response_cache is not None:
            app.state.response_cache.clear()
        with count_queries(app.state.engine) as statements:
            found = await request(client)
    return data_statements(statements), found


async def test_waves_with_figures_of_every_question_cost_the_same_at_two_sizes(
    fresh_app, large_app
):
    async def rest(client):
        response = await client.get("/api/v1/questions")
        assert response.status_code == 200
        return len(response.json()["data"])

    async def document(client):
        body = await graphql(client, COVERAGE)
        assert "errors" not in body
        return len(body["data"]["questions"]), len(body["data"]["indicators"])

    small_rest, small_graphql = (
        await _statements(fresh_app, rest),
        await _statements(fresh_app, document),
    )
    large_rest, large_graphql = (
        await _statements(large_app, rest),
        await _statements(large_app, document),
    )

    assert (small_rest[1], large_rest[1]) == (7, 40)
    # One statement reads the coverage of every question listed.
    assert len(small_rest[0]) == len(large_rest[0]) == 1
    assert "FROM share" in small_rest[0][0]
    # One for the questions, one for the indicators.
    assert len(small_graphql[0]) == len(large_graphql[0]) == 2
