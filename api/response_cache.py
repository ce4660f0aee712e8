"""Rendered answers kept per worker, so a repeated GET of data costs no query and no rendering.

An entry is the status, headers and body of a 200 answer, keyed by its ETag: the release
and the canonical request (api.caching), so a new release can never serve an old answer.
The cache is emptied when a new release is seen, and bounded by bytes (least recently
used first out); an answer larger than an eighth of the bound, such as a bulk download,
is passed through and not kept.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

Headers = list[tuple[bytes, bytes]]

ENTRY_OVERHEAD = 200  # bytes an entry costs beyond its body and headers (key, objects)


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: Headers
    chunks: tuple[bytes, ...]  # as the app sent them, so the layers outside see the same

    @property
    def size(self) -> int:
        body = sum(map(len, self.chunks))
        return body + sum(len(k) + len(v) for k, v in self.headers) + ENTRY_OVERHEAD


class ResponseCache:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.largest = max_bytes // 8
        self.size = 0
        self.release: int | None = None
        self._answers: OrderedDict[str, Answer] = OrderedDict()

    def __len__(self) -> int:
        return len(self._answers)

    def for_release(self, release: int) -> None:
        """Forget every answer of an earlier release."""
        if release != self.release:
            self.clear()
            self.release = release

    def clear(self) -> None:
        self._answers.clear()
        self.size = 0

    def get(self, key: str) -> Answer | None:
        answer = self._answers.get(key)
        if answer is not None:
            self._answers.move_to_end(key)
        return answer

    def put(self, key: str, answer: Answer) -> None:
        if answer.size > self.largest or key in self._answers:
            return
        self._answers[key] = answer
        self.size += answer.size
        while self.size > self.max_bytes:
            _, oldest = self._answers.popitem(last=False)
            self.size -= oldest.size
