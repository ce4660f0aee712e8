"""Sliding-window counters kept in this worker: the rate limits' store for memory://.

The counts and their arithmetic are those of limits' SlidingWindowCounterRateLimiter and
its MemoryStorage, which a redis:// store still uses. That storage counts through
coroutines, a lock per key and an expiry task, a large part of a kept answer's time
under load; a counter that one event loop owns needs none of them.

A window is `expiry` seconds long and numbered from the epoch. A client's weight is its
count in the previous window, scaled by the part of that window still inside the last
`expiry` seconds, plus its count in the current one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

# (previous count, seconds the previous count still weighs, current count, seconds until
# the current count is forgotten): what limits' get_sliding_window returns.
Window = tuple[int, float, int, float]


@dataclass(slots=True)
class _Counts:
    number: int  # the window these counts are of: floor(time / expiry)
    previous: int
    current: int


class SlidingWindows:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._counts: dict[str, _Counts] = {}
        self._swept = clock()

    def acquire(self, key: str, limit: int, expiry: int) -> tuple[bool, Window]:
        """Count one request against `limit` if it fits; the window after it either way."""
        now = self.clock()
        number = math.floor(now / expiry)
        counts = self._counts.get(key)
        if counts is None:
            counts = self._counts[key] = _Counts(number, 0, 0)
            self._sweep(now, expiry)
        elif counts.number != number:
            counts.previous = counts.current if counts.number == number - 1 else 0
            counts.current, counts.number = 0, number
        previous_ttl = (1 - ((now - expiry) / expiry) % 1) * expiry if counts.previous else 0.0
        weighted = counts.previous * previous_ttl / expiry + counts.current
        allowed = math.floor(weighted) + 1 <= limit
        if allowed:
            counts.current += 1
        current_ttl = (1 - (now / expiry) % 1) * expiry + expiry
        return allowed, (counts.previous, previous_ttl, counts.current, current_ttl)

    def _sweep(self, now: float, expiry: int) -> None:
        """Forget clients silent for two windows, at most once a window (when one arrives)."""
        if now - self._swept < expiry:
            return
        self._swept = now
        oldest = math.floor(now / expiry) - 1
        for key in [key for key, counts in self._counts.items() if counts.number < oldest]:
            del self._counts[key]

    def __len__(self) -> int:
        return len(self._counts)
