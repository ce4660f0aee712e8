"""A memo of what a layer decides from a request's path alone.

Every request asks the rate limits and Accept-Language what its path is (limited? in a
language?), kept answers included, and deciding it again each time was a visible part of
a kept answer's time. Paths are the client's to choose, up to the request head's limit:
only paths no longer than LONGEST are kept, at most MOST of them per layer, so that no
client can make a worker hold more than about a megabyte for it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

R = TypeVar("R")

LONGEST = 256  # characters: longer than any path a route of ours answers with a code in it
MOST = 4096


def per_path(decide: Callable[[str], R]) -> Callable[[str], R]:
    kept = functools.lru_cache(maxsize=MOST)(decide)

    @functools.wraps(decide)
    def decided(path: str) -> R:
        return kept(path) if len(path) <= LONGEST else decide(path)

    return decided
