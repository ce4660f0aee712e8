"""GET /tables and /tables/{id}: one table per question.

A table's id is its question's code (`expected-effects`): codes are the stable public
identifiers (docs/architecture.md), so a table keeps its id as long as its question keeps
its code. `updated` is when the release being served was loaded (not a source's date);
`firstPeriod` and `lastPeriod` are the first and last wave with figures
(models.read.coverage); no table is discontinued while its survey is served.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from api.pxwebapi.common import JSON, PxParams, link, not_found, respond, root
from api.pxwebapi.variables import VARIABLES, variable_label
from models import read
from models.filters import InvalidFilter, QuestionFilter
from models.records import ReleaseRecord

TABLES_PARAMETERS = {"query", "pastDays", "includeDiscontinued", "pageNumber", "pageSize"}
TIME_UNIT = "Annual"  # a survey's waves are named by their year
_WHOLE = re.compile(r"^[0-9]{1,9}$")
MAX_DAYS = 36_500  # more days than any release is old: every table


def updated(release: ReleaseRecord | None) -> str | None:
    """The load time of `release` in UTC, as PxWebApi writes it."""
    if release is None:
        return None
    return release.loaded_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def table_links(request: Request, table_id: str, px_lang: str) -> list[JSON]:
    href = f"{root(request)}/tables/{table_id}"
    lang = f"?lang={px_lang}"
    return [
        link("self", f"{href}{lang}", px_lang),
        link("metadata", f"{href}/metadata{lang}", px_lang),
        link("data", f"{href}/data{lang}", px_lang),
    ]


def table(request: Request, item: read.QuestionTable, release: ReleaseRecord | None,
          px_lang: str, lang: str) -> JSON:  # fmt: skip
    question, survey, topic = item.question, item.survey, item.topic
    waves = item.waves_with_figures
    return {
        "type": "Table",
        "id": question.code,
        "label": getattr(question, f"text_{lang}"),
        "description": getattr(question, f"note_{lang}") or "",
        "sortCode": f"{question.survey}:{question.position:06d}",
        "updated": updated(release),
        "firstPeriod": str(waves[0]) if waves else None,
        "lastPeriod": str(waves[-1]) if waves else None,
        "category": "public",
        "variableNames": [variable_label(code, lang) for code in VARIABLES],
        "discontinued": False,
        "source": survey.publisher,
        "subjectCode": topic.code,
        "timeUnit": TIME_UNIT,
        "paths": [
            [
                {"id": survey.code, "label": getattr(survey, f"title_{lang}")},
                {"id": topic.code, "label": getattr(topic, f"label_{lang}")},
            ]
        ],
        "links": table_links(request, question.code, px_lang),
    }


def _whole(params: PxParams, name: str, default: int | None, minimum: int) -> int | None:
    raw = params.once(name)
    if raw is None:
        return default
    if not _WHOLE.match(raw) or int(raw) < minimum:
        raise InvalidFilter(name, f"{name}={raw!r} is not a whole number of at least {minimum}")
    return int(raw)


async def list_tables(request: Request) -> Response:
    params = PxParams(request, TABLES_PARAMETERS)
    px_lang, lang = params.px_lang, params.lang
    settings = request.app.state.settings
    past_days = _whole(params, "pastDays", None, 1)
    params.flag("includeDiscontinued")  # checked; no table is discontinued
    page_number = _whole(params, "pageNumber", 1, 1) or 1
    page_size = _whole(params, "pageSize", settings.default_page_size, 1) or 1
    if page_size > settings.max_page_size:
        raise InvalidFilter(
            "pageSize", f"pageSize={page_size} is more than {settings.max_page_size}"
        )
    found = await request.app.state.readers.run(
        read.question_tables, QuestionFilter(text=params.text("query"))
    )
    items = list(found.tables)
    if past_days is not None and found.release is not None:
        age = dt.datetime.now(dt.UTC) - found.release.loaded_at
        if age > dt.timedelta(days=min(past_days, MAX_DAYS)):
            items = []  # every table was last updated by the release being served
    total = len(items)
    pages = max(1, math.ceil(total / page_size))
    start = (page_number - 1) * page_size
    shown = items[start : start + page_size]

    kept = [
        (name, value)
        for name, value in request.query_params.multi_items()
        if name not in ("pageNumber", "lang")
    ]

    def page_link(rel: str, number: int) -> JSON:
        query = urlencode([("lang", px_lang), ("pageNumber", str(number)), *kept])
        return link(rel, f"{root(request)}/tables?{query}", px_lang)

    page_links = [page_link("self", page_number)]
    if page_number > 1:
        page_links.append(page_link("previous", min(page_number - 1, pages)))
    if page_number < pages:
        page_links.append(page_link("next", page_number + 1))
    page_links.append(page_link("last", pages))
    return respond(
        {
            "language": px_lang,
            "tables": [table(request, item, found.release, px_lang, lang) for item in shown],
            "page": {
                "pageNumber": page_number,
                "pageSize": page_size,
                "totalElements": total,
                "totalPages": pages,
                "links": page_links,
            },
            "links": [page_links[0]],
        },
        lang,
    )


async def get_table(request: Request) -> Response:
    params = PxParams(request)
    px_lang, lang = params.px_lang, params.lang
    table_id = request.path_params["id"]
    found = await request.app.state.readers.run(read.question_tables, QuestionFilter())
    item = next((item for item in found.tables if item.question.code == table_id), None)
    if item is None:
        raise not_found(table_id)
    return respond(
        {"language": px_lang, **table(request, item, found.release, px_lang, lang)}, lang
    )
