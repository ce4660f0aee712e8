"""/catalog: the DCAT-AP-NO catalog of our datasets (api.formats.dcat), for harvesters.

Turtle by default; `?format=jsonld` or `rdfxml`, or the Accept header, asks for the others.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.rest.negotiation import MEDIA_TYPES, negotiate
from api.settings import Settings
from models import read
from models.filters import InvalidFilter, QuestionFilter


async def catalog(request: Request) -> Response:
    from api.formats import dcat, dcat_pages, dcat_series  # rdflib: imported by the first /catalog

    for name in request.query_params:
        if name != "format":
            raise InvalidFilter(name, f"{name} is not a parameter here; allowed: format")
    chosen = negotiate(request, tuple(dcat.SERIALISATIONS))
    readers = request.app.state.readers
    surveys = await readers.run(read.published_surveys)
    indicators = await readers.run(read.list_indicators)
    questions = await readers.run(read.list_questions, QuestionFilter())
    release = await readers.run(read.current_release)
    settings: Settings = request.app.state.settings
    base = settings.base_url or str(request.base_url)
    graph = dcat.build(surveys, settings, base)
    # Each indicator and question too, with its page as its landing page.
    dcat_pages.add(graph, dcat_pages.parts(indicators, questions), surveys, base)
    # DCAT-AP-NO 3: the waves as a series, the release as the version.
    dcat_series.add(graph, surveys, release, base)
    # Vary: Accept is added with the validators by api.http.caching, which covers /catalog.
    return Response(dcat.serialise(graph, chosen), media_type=MEDIA_TYPES[chosen])
