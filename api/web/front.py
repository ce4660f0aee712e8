"""/: the front page, in bokmål (nynorsk with ?lang=nn, English with ?lang=en), from the database.

What the data is and where it comes from, every indicator with its chart (inline SVG,
drawn by api.web.charts) and latest value, and the ways in for developers. No script, and
every asset is served from here.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from api import licences
from api.formats import citations
from api.links import base_url
from api.params import Params
from api.web import charts, figures, pages
from api.web.words import WORDS, other_languages
from models import read
from models.filters import QuestionFilter

# Each chart's size on the page; the style sheet scales it to the column.
CHART_WIDTH = 640
CHART_HEIGHT = 360


async def front_page(request: Request) -> Response:
    lang = Params(request.query_params).lang
    overview = await request.app.state.readers.run(read.overview)
    published = tuple(item.survey.code for item in overview.surveys)
    # Without a published survey, none: an empty filter would list every question.
    questions = (
        await request.app.state.readers.run(read.list_questions, QuestionFilter(surveys=published))
        if published
        else []
    )
    options = charts.ChartOptions(lang=lang, width=CHART_WIDTH, height=CHART_HEIGHT)
    specs = [charts.spec(item, options) for item in overview.indicators]
    svgs = await run_in_threadpool(lambda: [charts.svg(spec) for spec in specs])
    context = {
        "words": WORDS[lang],
        "other_languages": other_languages(lang),
        "base": base_url(request),
        "surveys": overview.surveys,
        "items": [
            figures.view(item, svg, lang)
            for item, svg in zip(overview.indicators, svgs, strict=True)
        ],
        "questions": [(question.code, getattr(question, f"text_{lang}")) for question in questions],
        "sources": overview.sources,
        "release": overview.release,
        "licence": licences.footer((item.survey.licence for item in overview.surveys), lang),
        "publisher": citations.publisher,
    }
    return pages.render(request, "front.html", context, lang=lang, policy=pages.PAGE_POLICY)
