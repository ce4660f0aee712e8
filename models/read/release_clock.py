"""One worker's clock for new releases: when it last looked for the newest, and what it saw.

A worker notices a new release in two places: HTTP caching (api.http.caching: validators and
kept answers) and the descriptions it holds (models.read.descriptions). Both read the release
from this one clock, so a worker looks at most once every `interval` seconds (the
`release_check_seconds` setting) and both go by the same release.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from models.records import ReleaseRecord


class ReleaseClock:
    """The newest release as last seen, and whether it is time to look again."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        # One tuple, replaced whole: the loop and the threadpool read it without a lock.
        self._seen: tuple[float, ReleaseRecord | None] = (float("-inf"), None)
        self._lock = threading.Lock()

    def seen(self) -> ReleaseRecord | None:
        return self._seen[1]

    def due(self, now: float) -> bool:
        return now - self._seen[0] >= self.interval

    def saw(self, release: ReleaseRecord | None, at: float) -> None:
        self._seen = (at, release)

    def newest(self, look: Callable[[], ReleaseRecord | None]) -> ReleaseRecord | None:
        """The release last seen, or `look()`'s when it is time to look again.

        One thread looks while the others wait for what it saw.
        """
        if not self.due(time.monotonic()):
            return self.seen()
        with self._lock:
            at = time.monotonic()
            if not self.due(at):  # another thread has just looked
                return self.seen()
            release = look()
            self.saw(release, at)
            return release
