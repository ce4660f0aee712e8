"""Run a query-layer function off the event loop, with a session of its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from models import queries
from models.db import session_scope
from models.descriptions import DescriptionCache

T = TypeVar("T")

# Each app's engine and the descriptions its worker holds (create_app registers them).
_HELD: WeakKeyDictionary[Engine, DescriptionCache] = WeakKeyDictionary()


def hold_descriptions(engine: Engine, check_seconds: float) -> DescriptionCache:
    """Keep the newest release's descriptions in memory for every query on `engine`."""
    held = _HELD[engine] = DescriptionCache(check_seconds)
    return held


def _with_session(engine: Engine, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with session_scope(engine) as session:
        held = _HELD.get(engine)
        if held is not None:
            session.info[queries.DESCRIPTIONS_SOURCE] = lambda: _current(held, session)
        return fn(session, *args, **kwargs)


def _current(held: DescriptionCache, session: Session) -> Any:
    return held.current(
        lambda: queries.newest_release_id(session), lambda: queries.load_descriptions(session)
    )


async def run_query(engine: Engine, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(session, *args, **kwargs)` in the threadpool: a Session is never shared by threads."""
    return await run_in_threadpool(_with_session, engine, fn, *args, **kwargs)
