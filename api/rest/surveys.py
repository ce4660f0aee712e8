"""Surveys, their waves, and the small lists that describe them: topics, segments, sources."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.params import AS_OF, UPDATED_AFTER, Params, release_after, release_as_of
from api.problems import Problem
from api.rest import datafiles, lists, render
from models import read
from models.filters import ShareFilter


async def list_surveys(request: Request) -> Response:
    return await lists.every(request, read.list_surveys, render.survey)


async def get_survey(request: Request) -> Response:
    lang = Params(request.query_params).lang
    code = request.path_params["code"]
    survey = await request.app.state.readers.run(read.get_survey, code)
    if survey is None:
        raise Problem.not_found("survey", code)
    waves = await request.app.state.readers.run(read.list_waves, surveys=[code])
    body = {**render.survey(survey, lang), "waves": [render.wave(item, lang) for item in waves]}
    return render.respond(body, lang)


async def get_survey_data(request: Request) -> Response:
    """Every share of a survey: CSV streamed with no cap, or JSON-stat or XLSX up to max_cells."""
    params = Params(request.query_params, {"format", AS_OF, UPDATED_AFTER, *datafiles.FILE_OPTIONS})
    lang, output_format = params.lang, datafiles.choose(request, params, datafiles.FILES)
    options = datafiles.FileOptions.of(params, output_format)
    as_of = await release_as_of(request, params)
    updated_after = await release_after(request, params)
    code = request.path_params["code"]
    survey = await request.app.state.readers.run(read.get_survey, code)
    if survey is None:
        raise Problem.not_found("survey", code)
    filter = ShareFilter(surveys=(code,), as_of=as_of, updated_after=updated_after)
    label = render.text(survey, "title", lang)
    return await datafiles.shares_file(
        request,
        filter,
        output_format,
        lang,
        name=f"{code}-shares",
        label=label,
        cap_csv=False,
        options=options,
    )


async def list_waves(request: Request) -> Response:
    return await lists.of_surveys(request, read.list_waves, render.wave)


async def list_topics(request: Request) -> Response:
    return await lists.every(request, read.list_topics, render.topic)


async def list_segments(request: Request) -> Response:
    return await lists.every(request, read.list_segments, render.segment)


async def list_sources(request: Request) -> Response:
    return await lists.every(request, read.list_sources, render.source)
