"""One access log line per answer, with the path and query as sent and the status."""

import logging

import pytest

from api.http.access_log import LOGGER_NAME

pytestmark = pytest.mark.anyio


async def test_each_answer_is_logged_with_its_status(client, caplog):
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        await client.get("/api/v1/indicators/expected-better-quality?lang=en")
        await client.get("/api/v1/no-such-thing")
    lines = [record.getMessage() for record in caplog.records if record.name == LOGGER_NAME]
    assert lines == [
        '127.0.0.1:123 - "GET /api/v1/indicators/expected-better-quality?lang=en HTTP/1.1" 200',
        '127.0.0.1:123 - "GET /api/v1/no-such-thing HTTP/1.1" 404',
    ]


async def test_nothing_is_logged_where_the_logger_is_not_configured(client, caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER_NAME):
        response = await client.get("/api/v1/surveys")
    assert response.status_code == 200
    assert [record for record in caplog.records if record.name == LOGGER_NAME] == []
