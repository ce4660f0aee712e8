"""Rendered answers kept per worker, so a repeated GET of data costs no query and no rendering.

An entry is the status, headers and body of a 200 answer, keyed by its ETag: the release
and the canonical request (api.http.caching), so a new release can never serve an old answer.
The cache is emptied when a new release is seen, and bounded by bytes (least recently
used first out); an answer larger than an eighth of the bound, such as a bulk download,
is passed through and not kept.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from dataclasses import dataclass

Headers = list[tuple[bytes, bytes]]

SLOT = 100  # bytes the key's place in the ordered dict takes, beyond the key itself


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: Headers
    chunks: tuple[bytes, ...]  # as the app sent them, so the layers outside see the same

    @classmethod
    def kept(cls, status: int, headers: Headers, chunks: list[bytes]) -> Answer:
        """An answer to keep, its chunks copied to their exact size: orjson's output holds
        up to six times its length (a 67 kB body held 227 kB), and the bound counts bytes
        as they are held."""
        return cls(status, headers, tuple(bytes(memoryview(chunk)) for chunk in chunks))

    @property
    def size(self) -> int:
        """Bytes held by the answer and every object in it."""
        size = sys.getsizeof(self) + sys.getsizeof(self.headers) + sys.getsizeof(self.chunks)
        size += sum(map(sys.getsizeof, self.chunks))
        for pair in self.headers:
            size += sys.getsizeof(pair) + sum(map(sys.getsizeof, pair))
        return size


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
        held = _held(key, answer)
        if held > self.largest or key in self._answers:
            return
        self._answers[key] = answer
        self.size += held
        while self.size > self.max_bytes:
            oldest_key, oldest = self._answers.popitem(last=False)
            self.size -= _held(oldest_key, oldest)


def _held(key: str, answer: Answer) -> int:
    return sys.getsizeof(key) + SLOT + answer.size
