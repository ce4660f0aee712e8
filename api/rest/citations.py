"""How to cite an indicator or a question: text in bokmål, nynorsk or English, or CSL-JSON.

`format=csl` (or `Accept: application/vnd.citationstyles.csl+json`) answers CSL-JSON, which
reference managers (Zotero, Mendeley, pandoc) import; the default is this API's JSON, with
the text and the parts it is made of.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response

from api.formats.citations import Citation
from api.http import caching
from api.links import base_url
from api.params import Params
from api.problems import Problem
from api.responses import JSONResponse
from api.rest import datafiles, render
from api.rest.negotiation import MEDIA_TYPES
from models import read
from models.read import Reader

FORMATS = ("json", "csl")
C = TypeVar("C")  # what a lookup finds to cite


def _answer(citation: Citation, output_format: str) -> Response:
    if output_format == "csl":
        return JSONResponse(
            citation.csl(),
            media_type=MEDIA_TYPES["csl"],
            headers={"Content-Language": citation.lang},
        )
    return render.respond(citation.body(), citation.lang)


async def _cite(
    request: Request,
    kind: str,
    find: Callable[[Reader, str], C | None],
    cite: Callable[[C, str, str, dt.date], Citation],
) -> Response:
    """The citation of the `kind` (indicator or question) whose code the path names."""
    params = Params(request.query_params, {"format"})
    lang, output_format = params.lang, datafiles.choose(request, params, FORMATS)
    code = request.path_params["code"]
    cited = await request.app.state.readers.run(find, code)
    if cited is None:
        raise Problem.not_found(kind, code)
    url = f"{base_url(request)}/api/v1/{kind}s/{code}"
    # The day HTTP caching keys this answer by (api.http.caching.DAILY_PATHS), so a kept
    # answer or a 304 never carries another day's `accessed`.
    return _answer(cite(cited, url, lang, caching.today()), output_format)


async def indicator_citation(request: Request) -> Response:
    return await _cite(request, "indicator", read.cited_indicator, Citation.of_indicator)


async def question_citation(request: Request) -> Response:
    return await _cite(request, "question", read.cited_question, Citation.of_question)
