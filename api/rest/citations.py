"""How to cite an indicator or a question: text in bokmål, nynorsk or English, CSL-JSON,
BibTeX or RIS.

`format=csl|bibtex|ris` (or `Accept: application/vnd.citationstyles.csl+json`,
`application/x-bibtex`, `application/x-research-info-systems`) answers in the format
reference managers import (Zotero, Mendeley, EndNote, pandoc, LaTeX); the default is this
API's JSON, with the text and the parts it is made of. Every format is made from one
`Citation`, so each says the same. `as_of` cites an earlier release; either way the
citation names the release it cites and its URL pins it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Protocol, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from api.formats import bibtex, ris
from api.formats.citations import Citation
from api.http import caching
from api.links import base_url
from api.params import AS_OF, Params, release_as_of
from api.problems import Problem
from api.responses import JSONResponse
from api.rest import datafiles, render
from api.rest.negotiation import MEDIA_TYPES
from models import read
from models.read import Reader

FORMATS = ("json", "csl", "bibtex", "ris")
C = TypeVar("C")  # what a lookup finds to cite
Found = TypeVar("Found", covariant=True)

# The files a reference manager imports, each made from the citation and saved under a name.
_FILES: dict[str, tuple[Callable[[Citation], str], str]] = {
    "bibtex": (bibtex.entry, bibtex.EXTENSION),
    "ris": (ris.record, ris.EXTENSION),
}


class _Lookup(Protocol[Found]):
    """A query function finding what to cite by its code, as of a release."""

    def __call__(self, reader: Reader, code: str, *, as_of: int | None = None) -> Found | None: ...


def _answer(citation: Citation, output_format: str) -> Response:
    language = {"Content-Language": citation.lang}
    if output_format == "csl":
        return JSONResponse(citation.csl(), media_type=MEDIA_TYPES["csl"], headers=language)
    if output_format in _FILES:
        write, extension = _FILES[output_format]
        filename = f"{citation.code}.{extension}"
        headers = {**language, "Content-Disposition": f'attachment; filename="{filename}"'}
        return Response(write(citation), media_type=MEDIA_TYPES[output_format], headers=headers)
    return render.respond(citation.body(), citation.lang)


async def _cite(
    request: Request,
    kind: str,
    find: _Lookup[C],
    cite: Callable[[C, str, str, dt.date], Citation],
) -> Response:
    """The citation of the `kind` (indicator or question) whose code the path names, as of
    the release `as_of` names (the current one without it)."""
    params = Params(request.query_params, {"format", AS_OF})
    lang, output_format = params.lang, datafiles.choose(request, params, FORMATS)
    as_of = await release_as_of(request, params)
    code = request.path_params["code"]
    cited = await request.app.state.readers.run(find, code, as_of=as_of)
    if cited is None:
        raise Problem.not_found(kind, code)
    url = f"{base_url(request)}/api/v1/{kind}s/{code}"
    # The day HTTP caching keys this answer by (api.http.caching.DAILY_SUFFIXES), so a kept
    # answer or a 304 never carries another day's `accessed`.
    return _answer(cite(cited, url, lang, caching.today()), output_format)


async def indicator_citation(request: Request) -> Response:
    return await _cite(request, "indicator", read.cited_indicator, Citation.of_indicator)


async def question_citation(request: Request) -> Response:
    return await _cite(request, "question", read.cited_question, Citation.of_question)
