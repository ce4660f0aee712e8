"""Run a query-layer function off the event loop, with a session of its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from models.db import session_scope

T = TypeVar("T")


def _with_session(engine: Engine, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with session_scope(engine) as session:
        return fn(session, *args, **kwargs)


async def run_query(engine: Engine, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(session, *args, **kwargs)` in the threadpool: a Session is never shared by threads."""
    return await run_in_threadpool(_with_session, engine, fn, *args, **kwargs)
