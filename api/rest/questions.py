"""Questions: search by text and topic; one question with its options and their shares."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.problems import Problem
from api.querying import run_query
from api.rest import render
from api.rest.params import Params
from models import queries
from models.filters import ShareFilter


async def list_questions(request: Request) -> Response:
    params = Params(request.query_params, {"q", "topic", "survey"})
    lang, filter = params.lang, params.question_filter()
    questions = await run_query(request.app.state.engine, queries.list_questions, filter)
    return render.respond({"data": [render.question(item, lang) for item in questions]}, lang)


async def get_question(request: Request) -> Response:
    params = Params(request.query_params, {"wave", "segment"})
    lang = params.lang
    filter = ShareFilter(waves=params.years("wave"), segments=params.codes("segment"))
    code = request.path_params["code"]
    detail = await run_query(request.app.state.engine, queries.question_detail, code, filter)
    if detail is None:
        raise Problem.not_found("question", code)
    options = [
        {
            **render.option(option, lang),
            "shares": [render.option_share(share, lang) for share in detail.shares[option.id]],
        }
        for option in detail.options
    ]
    return render.respond({**render.question(detail.question, lang), "options": options}, lang)
