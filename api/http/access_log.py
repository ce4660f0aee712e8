"""One line per answer, like uvicorn's access log, at a fraction of its cost.

uvicorn's access log copies each record, formats it through its colour-aware formatter
and looks up the status phrase, a noticeable part of an uncached answer's time under
load (docs/benchmarks.md). `kommunedigi serve` turns it off and configures the `kommunedigi.access`
logger instead (stdout, in every worker: `log_config`), which this layer writes the same
line to, built once with an f-string:

    INFO:     127.0.0.1:51234 - "GET /api/v1/indicators/x?lang=en HTTP/1.1" 200

The path is the one the client sent (raw_path), not re-quoted. Where the logger is not
configured (tests, the app served by another server) the layer only checks its level.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOGGER_NAME = "kommunedigi.access"
logger = logging.getLogger(LOGGER_NAME)

# For uvicorn's log_config (logging.config.dictConfig): the logger, its formatter and
# handler, in the shape uvicorn's own access logger has.
LOG_CONFIG: dict[str, dict[str, Any]] = {
    "formatters": {LOGGER_NAME: {"format": "%(levelname)s:     %(message)s"}},
    "handlers": {
        LOGGER_NAME: {
            "class": "logging.StreamHandler",
            "formatter": LOGGER_NAME,
            "stream": "ext://sys.stdout",
        }
    },
    "loggers": {LOGGER_NAME: {"handlers": [LOGGER_NAME], "level": "INFO", "propagate": False}},
}


def lean_log_records() -> None:
    """Log records without the caller's frame, thread and process, which no log format of
    ours prints (the logging documentation's own advice for speed): an access line then
    costs less. Called as each worker starts."""
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not logger.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = False

        async def send_logged(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                logger.info(_line(scope, message["status"]))
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        except BaseException:
            if not started:  # the server's error layer answers 500
                logger.info(_line(scope, 500))
            raise


def _line(scope: Scope, status: int) -> str:
    client = scope.get("client")
    address = f"{client[0]}:{client[1]}" if client else ""
    path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
    if query := scope.get("query_string"):
        path = f"{path}?{query.decode('latin-1')}"
    return f'{address} - "{scope["method"]} {path} HTTP/{scope["http_version"]}" {status}'
