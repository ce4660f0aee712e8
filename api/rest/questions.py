"""Questions: search by text and topic; one question with its options and their shares.

One question is also a table of waves × options × segments, as CSV or JSON-stat, and
`/questions/{code}/data` selects from that table the way PxWebApi 2 does
(see api.selection).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api import selection
from api.links import FigureLinks
from api.params import AS_OF, Params, release_as_of
from api.problems import Problem
from api.rest import datafiles, render
from models import read
from models.filters import ShareFilter


async def list_questions(request: Request) -> Response:
    params = Params(request.query_params, {"q", "topic", "survey"})
    lang, filter = params.lang, params.question_filter()
    questions = await request.app.state.readers.run(read.covered_questions, filter)
    return render.listing(questions, render.covered_question, lang)


async def get_question(request: Request) -> Response:
    params = Params(
        request.query_params, {"wave", "segment", "format", AS_OF, *datafiles.FILE_OPTIONS}
    )
    lang, as_of = params.lang, await release_as_of(request, params)
    filter = ShareFilter(waves=params.years("wave"), segments=params.codes("segment"), as_of=as_of)
    code = request.path_params["code"]
    output_format = datafiles.choose(request, params, datafiles.EVERY_FORMAT)
    file_options = datafiles.FileOptions.of(params, output_format)
    if output_format != "json":
        choices = {
            dimension: selection.codes(dimension, values)
            for dimension, values in (("wave", filter.waves), ("segment", filter.segments))
            if values
        }
        return await _table(request, code, choices, output_format, lang, as_of, file_options)
    detail = await request.app.state.readers.run(read.question_detail, code, filter)
    if detail is None:
        raise Problem.not_found("question", code)
    links = FigureLinks.of(request, as_of)
    options = [
        {
            **render.option(option, lang),
            "shares": render.option_shares(detail.shares[option.id], lang, links),
        }
        for option in detail.options
    ]
    question = render.covered_question((detail.question, detail.waves_with_figures), lang)
    return render.respond({**question, "options": options}, lang)


async def get_question_data(request: Request) -> Response:
    """A selection from the question's table, as PxWebApi 2 takes it."""
    selections = {*selection.PARAMETERS, *selection.given(request.query_params)}
    accepted = {*selections, "outputFormat", "format", AS_OF, *datafiles.FILE_OPTIONS}
    params = Params(request.query_params, accepted)
    lang, as_of = params.lang, await release_as_of(request, params)
    names = ("outputFormat", "format")
    output_format = datafiles.choose(request, params, datafiles.TABLE_FILES, names=names)
    file_options = datafiles.FileOptions.of(params, output_format)
    choices = selection.parse(params)
    code = request.path_params["code"]
    return await _table(request, code, choices, output_format, lang, as_of, file_options)


async def _table(
    request: Request,
    code: str,
    choices: dict[str, selection.Choice],
    output_format: str,
    lang: str,
    as_of: int | None,
    options: datafiles.FileOptions,
) -> Response:
    readers = request.app.state.readers
    dimensions = await readers.run(read.question_dimensions, code, as_of=as_of)
    if dimensions is None:
        raise Problem.not_found("question", code)
    selected = selection.resolve(dimensions, choices)
    return await datafiles.question_file(
        request, selected, output_format, lang, as_of=as_of, options=options
    )
