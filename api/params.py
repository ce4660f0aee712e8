"""Query string → the shared filter objects; every mistake is a 400 that names the parameter.

Lists are given either repeated (`wave=2015&wave=2017`) or comma-separated
(`wave=2015,2017`). A parameter an endpoint does not know is rejected, not ignored:
a mistyped filter must not silently return everything.
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.datastructures import QueryParams
from starlette.requests import Request

from api import languages
from models import read
from models.filters import (
    AsOf,
    Cursor,
    InvalidFilter,
    PageRequest,
    QuestionFilter,
    ShareFilter,
    check_code,
)
from models.read import Readers
from models.statuses import ShareStatus

LANGUAGES = languages.CODES
DEFAULT_LANGUAGE = languages.DEFAULT
SHARE_FILTERS = ("survey", "wave", "question", "option", "segment", "status")
AS_OF = "as_of"  # every endpoint that serves figures takes it
UPDATED_AFTER = "updated_after"  # the shares and a survey's download take it
MAX_TEXT = 200


class Params:
    """The query string of one request, checked against the names the endpoint accepts."""

    def __init__(self, query: QueryParams, accepted: Collection[str] = ()) -> None:
        self.query = query
        known = {"lang", *accepted}
        for name in query:
            if name not in known:
                allowed = ", ".join(sorted(known))
                raise InvalidFilter(name, f"{name} is not a parameter here; allowed: {allowed}")

    def _one(self, name: str) -> str | None:
        values = self.query.getlist(name)
        if len(values) > 1:
            raise InvalidFilter(name, f"give {name} once, not {len(values)} times")
        return values[0] if values else None

    def once(self, name: str) -> str | None:
        """The value of a parameter that may be given at most once; None when absent."""
        return self._one(name)

    def _list(self, name: str) -> list[str]:
        items = [item.strip() for value in self.query.getlist(name) for item in value.split(",")]
        if any(not item for item in items):
            raise InvalidFilter(name, f"{name} has an empty value; give codes separated by commas")
        return items

    @property
    def lang(self) -> str:
        lang = self._one("lang")
        if lang is None:
            return DEFAULT_LANGUAGE
        if lang not in LANGUAGES:
            raise InvalidFilter(
                "lang", f"lang={lang!r} is not offered; use one of: {', '.join(LANGUAGES)}"
            )
        return lang

    def codes(self, name: str) -> tuple[str, ...]:
        return tuple(check_code(name, item) for item in self._list(name))

    def code(self, name: str, default: str) -> str:
        value = self._one(name)
        return default if value is None else check_code(name, value)

    def years(self, name: str = "wave") -> tuple[int, ...]:
        items = self._list(name)
        for item in items:
            if not (item.isascii() and item.isdigit() and len(item) == 4):
                raise InvalidFilter(name, f"{name}={item!r} is not a year such as 2017")
        return tuple(int(item) for item in items)

    def statuses(self, name: str = "status") -> tuple[ShareStatus, ...]:
        allowed = [status.value for status in ShareStatus]
        items = self._list(name)
        for item in items:
            if item not in allowed:
                raise InvalidFilter(
                    name, f"{name}={item!r} is not a status; use: {', '.join(allowed)}"
                )
        return tuple(ShareStatus(item) for item in items)

    def flag(self, name: str) -> bool:
        value = self._one(name)
        if value is None or value.lower() in ("false", "0"):
            return False
        if value.lower() in ("true", "1"):
            return True
        raise InvalidFilter(name, f"{name}={value!r} is neither true nor false")

    def text(self, name: str) -> str | None:
        value = self._one(name)
        if value is not None and len(value) > MAX_TEXT:
            raise InvalidFilter(name, f"{name} is longer than {MAX_TEXT} characters")
        return value.strip() or None if value is not None else None

    def page(self, *, default: int, maximum: int) -> PageRequest:
        cursor = self._one("cursor")
        after = Cursor.decode(cursor) if cursor is not None else None
        return PageRequest.checked(self.limit(default), after, maximum=maximum)

    def limit(self, default: int) -> int:
        """`limit` as a whole number (its bounds are PageRequest.checked's); `default` if absent."""
        raw = self._one("limit")
        if raw is None:
            return default
        if raw.isascii() and raw.lstrip("-").isdigit() and len(raw) < 10:
            return int(raw)
        raise InvalidFilter("limit", f"limit={raw!r} is not a whole number")

    def as_of(self) -> AsOf | None:
        value = self._one(AS_OF)
        return None if value is None else AsOf.parse(value, parameter=AS_OF)

    def release_point(self, name: str) -> AsOf | None:
        """A release named as `as_of` names one (a number or a date-time), under `name`."""
        value = self._one(name)
        return None if value is None else AsOf.parse(value, parameter=name)

    def share_filter(
        self, *, as_of: int | None = None, updated_after: int | None = None
    ) -> ShareFilter:
        return ShareFilter(
            surveys=self.codes("survey"),
            waves=self.years("wave"),
            questions=self.codes("question"),
            options=self.codes("option"),
            segments=self.codes("segment"),
            statuses=self.statuses("status"),
            as_of=as_of,
            updated_after=updated_after,
        )

    def question_filter(self) -> QuestionFilter:
        return QuestionFilter(
            text=self.text("q"), topics=self.codes("topic"), surveys=self.codes("survey")
        )


async def release_as_of(request: Request, params: Params) -> int | None:
    """The release `as_of` names, checked against the database; None (current) when not given."""
    as_of = params.as_of()
    if as_of is None:
        return None
    readers: Readers = request.app.state.readers
    return await readers.run(read.release_as_of, as_of, parameter=AS_OF)


async def release_after(request: Request, params: Params, name: str = UPDATED_AFTER) -> int | None:
    """The release `name` (updated_after, since) names, as `as_of` would; None when not given."""
    point = params.release_point(name)
    if point is None:
        return None
    readers: Readers = request.app.state.readers
    return await readers.run(read.release_as_of, point, parameter=name)
