"""What every PxWebApi 2 route shares: its language parameter, its links, its errors.

Languages are named as Statistics Norway names them (`no`, `en`; api.languages.PXWEB),
and answered in ours. Errors are problem+json as everywhere, with PxWebApi's statuses:
a selection larger than `maxDataCells` is a 403, not the 400 of /api/v1.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from functools import wraps
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from api import languages
from api.links import base_url
from api.params import Params
from api.problems import Problem
from api.responses import JSONResponse
from models.filters import InvalidFilter, TooManyCells

JSON = dict[str, Any]
PREFIX = "/api/pxwebapi/v2"
Handler = Callable[[Request], Awaitable[Response]]


class PxParams(Params):
    """The query string of a PxWebApi request: `lang` is `no` or `en`."""

    def __init__(
        self, request: Request, accepted: Collection[str] = (), *, default: str | None = None
    ) -> None:
        super().__init__(request.query_params, accepted)
        self.default = default or languages.PXWEB_DEFAULT

    @property
    def px_lang(self) -> str:
        """The language as the request named it (`no`, `en`); the default when not given."""
        lang = self.once("lang")
        if lang is None:
            return self.default
        if languages.from_pxweb(lang) is None:
            offered = ", ".join(languages.PXWEB.values())
            raise InvalidFilter("lang", f"lang={lang!r} is not offered; use one of: {offered}")
        return lang

    @property
    def lang(self) -> str:
        """Our code of the language asked for (`nb`, `en`)."""
        language = languages.from_pxweb(self.px_lang)
        assert language is not None  # px_lang offers no other
        return language.value


def root(request: Request) -> str:
    """The address of /api/pxwebapi/v2 on this server; no trailing /."""
    return base_url(request) + PREFIX


def link(rel: str, href: str, px_lang: str) -> JSON:
    return {"rel": rel, "hreflang": px_lang, "href": href}


def respond(data: Any, lang: str) -> JSONResponse:
    return JSONResponse(data, headers={"Content-Language": lang})


def too_many_cells(error: TooManyCells) -> Problem:
    return Problem(
        403,
        "Forbidden",
        f"The selection has {error.cells} cells, more than this server's maxDataCells"
        f" ({error.maximum}); select fewer values, or split the query.",
        type="/problems/too-many-cells",
    )


def pxwebapi_errors(handler: Handler) -> Handler:
    """A handler whose too large selections are PxWebApi's 403."""

    @wraps(handler)
    async def checked(request: Request) -> Response:
        try:
            return await handler(request)
        except TooManyCells as error:
            raise too_many_cells(error) from None

    return checked


def not_found(table_id: str) -> Problem:
    return Problem(
        404, "Not Found", f"There is no table with id {table_id!r}", type="/problems/not-found"
    )
