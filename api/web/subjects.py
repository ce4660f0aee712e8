"""/indicators/{code} and /questions/{code}: a page of its own for each indicator and question.

A page shows the chart (an indicator's, inline SVG, described in text), the figures with
their statuses and where in which source each stands, the downloads, the citation in each
format, the releases that changed its figures, and for an indicator the code that embeds
its widget. Its head carries the tags (Open Graph, Twitter) that make a link to it a card
whose picture is the chart in the `og` preset. `as_of` pins it to a release, and the page
says which, and whether a newer one exists.

An unknown code is a 404: a page in the site's style for a browser (one that asks for
HTML), the problem document for anything else, as the API answers.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from api.formats.citations import Citation
from api.http import caching
from api.links import base_url
from api.params import AS_OF, DEFAULT_LANGUAGE, Params, release_as_of
from api.problems import Problem
from api.web import charts, oembed, pages, subject_views
from api.web.page_words import WORDS
from models import read
from models.cited import CitedIndicator
from models.records import ReleaseRecord, SourceRecord

T = TypeVar("T")  # what a page reads: models.read.IndicatorPage or QuestionPage

CHART_WIDTH = 640
CHART_HEIGHT = 360


async def _read(
    request: Request, find: Callable[..., T | None]
) -> tuple[T | None, str, str, int | None]:
    """What `find` reads for the code the path names, as of the release `as_of` names; the
    language and the code and release asked for."""
    params = Params(request.query_params, {AS_OF})
    lang, code = params.lang, request.path_params["code"]
    as_of = await release_as_of(request, params)
    found: T | None = await request.app.state.readers.run(find, code, as_of=as_of)
    return found, lang, code, as_of


async def indicator_page(request: Request) -> Response:
    found, lang, code, as_of = await _read(request, read.indicator_page)
    if found is None:
        return _not_found(request, "indicator", code, lang)
    cited, base = found.cited, base_url(request)
    indicator = cited.detail.indicator
    spec = charts.spec(
        cited, charts.ChartOptions(lang=lang, width=CHART_WIDTH, height=CHART_HEIGHT)
    )
    svg = await run_in_threadpool(charts.svg, spec)
    words = WORDS[lang]
    sources = {source.code: source for source in cited.detail.sources}
    options = subject_views.option_labels(found.options, lang)
    path = f"/indicators/{quote(code, safe='')}"
    api = f"/api/v1/indicators/{quote(code, safe='')}"
    data = _query(lang, as_of)
    citation = Citation.of_indicator(cited, f"{base}{api}", lang, caching.today())
    context = {
        **_common(request, words, lang, path, as_of, cited.release, found.newest),
        "kind": "indicator",
        "title": getattr(indicator, f"title_{lang}"),
        "description": getattr(indicator, f"description_{lang}"),
        # Drawn by vl-convert from our own spec, whose texts it escapes: safe to inline.
        "chart": Markup(svg),
        "chart_text": spec["description"],
        "image": f"{base}/charts/indicators/{quote(code, safe='')}.png?preset=og&{data}",
        "series": subject_views.series_rows(cited.detail.series.points, options, sources, lang),
        "shares": subject_views.share_rows(found.shares, sources, lang),
        "sources": _sources(cited.detail.sources),
        "downloads": [
            ("JSON", f"{api}?{data}"),
            ("CSV", f"{api}.csv?{data}"),
            ("JSON-stat", f"{api}?format=jsonstat&{data}"),
            ("metadata.json", f"{api}.metadata.json?{data}"),
            ("ZIP", f"{api}.zip?{data}"),
        ],
        "chart_files": [
            (name, f"/charts/indicators/{quote(code, safe='')}{suffix}?{data}")
            for name, suffix in (("SVG", ".svg"), ("PNG", ".png"), ("Vega-Lite", ".vl.json"))
        ],
        "citation": citation.text(),
        "citation_links": _citation_links(api, data),
        "history": subject_views.history(
            found.history, {**options, **subject_views.labels(found.shares, lang)}, words, lang
        ),
        "embed": _embed(base, cited, lang, as_of),
        "question_title": getattr(found.question, f"text_{lang}"),
        "question_link": f"/questions/{quote(indicator.question, safe='')}?{data}",
    }
    return _page(request, "indicator.html", context, lang)


async def question_page(request: Request) -> Response:
    found, lang, code, as_of = await _read(request, read.question_page)
    if found is None:
        return _not_found(request, "question", code, lang)
    cited, base, words = found.cited, base_url(request), WORDS[lang]
    question = cited.question
    sources = {source.code: source for source in cited.sources}
    options = subject_views.option_labels(found.detail.options, lang)
    shares = [share for found_shares in found.detail.shares.values() for share in found_shares]
    path = f"/questions/{quote(code, safe='')}"
    api = f"/api/v1/questions/{quote(code, safe='')}"
    data = _query(lang, as_of)
    citation = Citation.of_question(cited, f"{base}{api}", lang, caching.today())
    first = found.indicators[0] if found.indicators else None
    context = {
        **_common(request, words, lang, path, as_of, cited.release, found.newest),
        "kind": "question",
        "title": getattr(question, f"text_{lang}"),
        "description": getattr(question, f"note_{lang}") or "",
        # A question has no chart of its own; a card shows its first indicator's.
        "image": None
        if first is None
        else f"{base}/charts/indicators/{quote(first.code, safe='')}.png?"
        + urlencode({"preset": "og", "lang": lang}),
        "options": [options[option.code] for option in found.detail.options],
        "shares": subject_views.share_rows(shares, sources, lang),
        "sources": _sources(cited.sources),
        "downloads": [
            ("JSON", f"{api}?{data}"),
            *(
                (name, f"{api}/data?format={key}&{data}")
                for name, key in (
                    ("CSV", "csv"),
                    ("JSON-stat", "jsonstat"),
                    ("XLSX", "xlsx"),
                    ("PX", "px"),
                )
            ),
        ],
        "citation": citation.text(),
        "citation_links": _citation_links(api, data),
        "history": subject_views.history(
            found.history, {**options, **subject_views.labels(shares, lang)}, words, lang
        ),
        "indicators": [
            (getattr(item, f"title_{lang}"), f"/indicators/{quote(item.code, safe='')}?{data}")
            for item in found.indicators
        ],
    }
    return _page(request, "question.html", context, lang)


def _query(lang: str, as_of: int | None) -> str:
    return urlencode({"lang": lang, **({AS_OF: as_of} if as_of is not None else {})})


def _common(
    request: Request,
    words: dict[str, str],
    lang: str,
    path: str,
    as_of: int | None,
    shown: ReleaseRecord | None,
    newest: ReleaseRecord | None,
) -> dict[str, Any]:
    """What both pages say around their figures: the addresses, the language switch and,
    when pinned, the release shown."""
    base = base_url(request)
    pinned = {AS_OF: as_of} if as_of is not None else {}
    own = urlencode({**({"lang": lang} if lang != DEFAULT_LANGUAGE else {}), **pinned})
    other = words["other_language_code"]
    pin = None
    if as_of is not None and shown is not None:
        pin = {
            "shown": words["pinned"].format(release=shown.id, date=_day(shown)),
            "newer": None
            if newest is None or newest.id == shown.id
            else words["pinned_newer"].format(release=newest.id, date=_day(newest)),
            "current": f"{path}?{urlencode({'lang': lang})}",
        }
    return {
        "words": words,
        "canonical": f"{base}{path}" + (f"?{own}" if own else ""),
        "path": path,
        "other_language": f"{path}?{urlencode({'lang': other, **pinned})}",
        "pin": pin,
        "release": shown,
    }


def _day(release: ReleaseRecord) -> str:
    return release.loaded_at.date().isoformat()


def _sources(sources: tuple[SourceRecord, ...]) -> tuple[SourceRecord, ...]:
    return tuple(sorted(sources, key=lambda source: source.code))


def _citation_links(api: str, data: str) -> list[tuple[str, str]]:
    """The citation in each format, in the page's language and of its release."""
    cite = f"{api}/citation"
    return [
        ("JSON", f"{cite}?{data}"),
        ("CSL-JSON", f"{cite}?format=csl&{data}"),
        ("BibTeX", f"{cite}?format=bibtex&{data}"),
        ("RIS", f"{cite}?format=ris&{data}"),
    ]


def _embed(base: str, cited: CitedIndicator, lang: str, as_of: int | None) -> dict[str, str]:
    """The widget's iframe as /oembed gives it, with the script that lets it size itself,
    and the oEmbed address of the widget."""
    code = quote(cited.detail.indicator.code, safe="")
    iframe, _ = oembed.widget_iframe(base, cited, lang, as_of)
    widget = f"{base}/embed/indicators/{code}?" + urlencode(
        {"lang": lang, **({AS_OF: as_of} if as_of is not None else {})}
    )
    script = f'<script src="{escape(base)}/static/kommunedigi-embed.js" async></script>'
    return {
        "html": f"{iframe}\n{script}",
        "oembed": f"{base}/oembed?{urlencode({'url': widget, 'format': 'json'})}",
    }


def _page(request: Request, template: str, context: dict[str, Any], lang: str) -> Response:
    return pages.render(request, template, context, lang=lang, policy=pages.PAGE_POLICY)


def _not_found(request: Request, kind: str, code: str, lang: str) -> Response:
    """A 404 page for a browser; the API's problem document for any other client."""
    if "text/html" not in request.headers.get("accept", ""):
        raise Problem.not_found(kind, code)
    words = WORDS[lang]
    context = {
        "words": words,
        "message": words["not_found_text"].format(what=words[f"what_{kind}"], code=code),
    }
    response = _page(request, "not_found.html", context, lang)
    response.status_code = 404
    return response
