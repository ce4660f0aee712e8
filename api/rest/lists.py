"""The list endpoints' common body: read the records, render each in the language asked for."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from api.params import Params
from api.rest import render
from api.rest.render import JSON
from models.read import Reader

R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class BySurvey(Protocol[R_co]):
    """A read of the records of some surveys (all of them when `surveys` is empty)."""

    def __call__(self, reader: Reader, *, surveys: Sequence[str] = ...) -> Sequence[R_co]: ...


async def every(
    request: Request, fetch: Callable[[Reader], Sequence[R]], each: Callable[[R, str], JSON]
) -> Response:
    """Every record `fetch` reads; the query string may give only `lang`."""
    lang = Params(request.query_params).lang
    return render.listing(await request.app.state.readers.run(fetch), each, lang)


async def of_surveys(
    request: Request, fetch: BySurvey[R], each: Callable[[R, str], JSON]
) -> Response:
    """The records of the surveys the `survey` parameter names, or of every survey."""
    params = Params(request.query_params, {"survey"})
    lang, surveys = params.lang, params.codes("survey")
    found = await request.app.state.readers.run(fetch, surveys=surveys)
    return render.listing(found, each, lang)
