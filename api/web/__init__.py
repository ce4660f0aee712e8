"""What people look at: the front page, charts, the embeddable widget and oEmbed.

The REST API (api.rest) serves data to programs; these routes serve the same figures
as pictures and pages, from the same query layer.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from api.web import embed, front, images, oembed, subjects

routes: list[BaseRoute] = [
    Route("/", front.front_page, name="front"),
    Route("/indicators/{code}", subjects.indicator_page),
    Route("/questions/{code}", subjects.question_page),
    Route("/charts/indicators/{code}.svg", images.chart_svg),
    Route("/charts/indicators/{code}.png", images.chart_png),
    Route("/charts/indicators/{code}.vl.json", images.chart_spec),
    Route("/embed/indicators/{code}", embed.embed),
    Route("/oembed", oembed.oembed),
]
