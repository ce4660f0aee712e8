"""REST under /api/v1: the one route table of the data endpoints."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from api.params import Params
from api.responses import JSONResponse, audience
from api.rest import (
    citations,
    config,
    downloads,
    figures,
    imports,
    indicators,
    questions,
    releases,
    shares,
    surveys,
)


async def index(request: Request) -> Response:
    lang = Params(request.query_params).lang
    base = str(request.url_for("api:index")).rstrip("/")
    names = (
        "surveys",
        "waves",
        "topics",
        "segments",
        "sources",
        "questions",
        "indicators",
        "shares",
        "releases",
        "config",
    )
    return JSONResponse(
        {"name": "kommunedigi", "links": {name: f"{base}/{name}" for name in names}},
        headers=audience(lang),
    )


routes: list[BaseRoute] = [
    Route("/", index, name="index"),
    Route("/surveys", surveys.list_surveys),
    Route("/surveys/{code}", surveys.get_survey),
    Route("/surveys/{code}/data", surveys.get_survey_data),
    Route("/waves", surveys.list_waves),
    Route("/topics", surveys.list_topics),
    Route("/segments", surveys.list_segments),
    Route("/sources", surveys.list_sources),
    Route("/questions", questions.list_questions),
    Route("/questions/{code}", questions.get_question),
    Route("/questions/{code}/data", questions.get_question_data),
    Route("/questions/{code}/citation", citations.question_citation),
    Route("/indicators", indicators.list_indicators),
    # The downloads before /indicators/{code}, whose {code} would take "x.csv" whole.
    Route("/indicators/{code}.csv", downloads.indicator_csv),
    Route("/indicators/{code}.metadata.json", downloads.indicator_metadata_json),
    Route("/indicators/{code}.zip", downloads.indicator_zip),
    Route("/indicators/{code}", indicators.get_indicator),
    Route("/indicators/{code}/citation", citations.indicator_citation),
    Route("/shares", shares.list_shares),
    Route("/figures/{survey}/{wave}/{question}/{option}/{segment}", figures.get_figure),
    Route("/releases", releases.list_releases),
    Route("/changes", releases.changes_since),
    Route("/releases/{id}", releases.get_release),
    Route("/releases/{id}/changes", releases.list_changes),
    Route("/imports", imports.create_import, methods=["POST"]),
    Route("/config", config.config),
]
