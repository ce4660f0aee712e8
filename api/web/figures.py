"""An indicator as a page shows it: its chart, latest value, change, credit and table.

The widget and the front page show an indicator the same way; this is what they share.
Every figure comes from the query layer's series; wording is api.wording's.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from api import wording
from api.formats import citations
from models.cited import CitedIndicator
from models.statuses import FigureStatus


@dataclass(frozen=True, slots=True)
class Row:
    """A wave in the data table: the value as shown, or why there is none; its sources."""

    wave: int
    value: str
    sources: str


@dataclass(frozen=True, slots=True)
class IndicatorView:
    code: str
    title: str
    description: str
    chart: Markup  # the chart as inline SVG, drawn by api.web.charts
    latest: str | None  # "64 %"
    latest_wave: int | None
    change: str | None  # "+40 prosentpoeng siden 2015"
    credit: str  # "Kilde: Kommuneundersøkelsen 2015 og 2017, EVRY/NyAnalyse (2018); kommunedigi, …"
    rows: tuple[Row, ...]


def view(cited: CitedIndicator, svg: str, lang: str) -> IndicatorView:
    indicator, series = cited.detail.indicator, cited.detail.series
    documents = {source.code: source for source in cited.detail.sources}
    latest = wording.latest(series.points)
    change = None
    if latest is not None and latest.change is not None and latest.change_from is not None:
        change = wording.change(latest.change, latest.change_from, lang)
    rows = tuple(
        Row(
            wave=point.wave,
            value=wording.point_value(point, lang),
            sources="; ".join(
                citations.document(documents[code], lang, with_url=False)
                for code in point.sources
                if code in documents
            ),
        )
        for point in series.points
        if point.status is not FigureStatus.NO_SOURCE  # absent, as in the chart
    )
    return IndicatorView(
        code=indicator.code,
        title=getattr(indicator, f"title_{lang}"),
        description=getattr(indicator, f"description_{lang}"),
        # Drawn by vl-convert from our own spec, whose texts it escapes: safe to inline.
        chart=Markup(svg),
        latest=None if latest is None else wording.point_value(latest, lang),
        latest_wave=None if latest is None else latest.wave,
        change=change,
        credit=citations.short_line(
            cited.survey, citations.cited_waves(series), cited.detail.sources, cited.release, lang
        ),
        rows=rows,
    )
