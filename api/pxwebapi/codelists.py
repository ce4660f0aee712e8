"""Code lists: an aggregation of a question's options for each indicator that sums several.

`agg_<indicator>` groups the options an indicator adds up (`high-priority`: high and
very high) into one value, coded by the indicator's code. Applied to `option` in a data
request (`codelist[option]=agg_high-priority`), each cell of the group is the sum of its
options' shares as models.indicators computes every indicator's value: `derived` when
every part has a figure, else missing with the reason that tells most. An indicator of
one option is its option's share as it is, and offers no code list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from api import languages
from api.problems import Problem
from api.pxwebapi.common import JSON, PxParams, link, respond, root
from models import read
from models.records import IndicatorRecord

PREFIX = "agg_"


@dataclass(frozen=True, slots=True)
class Grouping:
    """An aggregation code list: its values, each a group of option codes."""

    id: str
    indicator: IndicatorRecord

    @property
    def codes(self) -> list[str]:
        return [self.indicator.code]

    def options(self, code: str) -> tuple[str, ...]:
        return self.indicator.options

    def label(self, lang: str) -> str:
        title: str = getattr(self.indicator, f"title_{lang}")
        return title


def groupings(indicators: Sequence[IndicatorRecord], question: str) -> dict[str, Grouping]:
    """The code lists of a question's options, by id."""
    return {
        f"{PREFIX}{item.code}": Grouping(f"{PREFIX}{item.code}", item)
        for item in indicators
        if item.question == question and len(item.options) > 1
    }


def listed(request: Request, found: Sequence[Grouping], px_lang: str, lang: str) -> list[JSON]:
    """The code lists of a dimension, as its metadata's `extension.codeLists` names them."""
    return [
        {
            "id": grouping.id,
            "label": grouping.label(lang),
            "type": "Aggregation",
            "links": [link("metadata", f"{root(request)}/codelists/{grouping.id}", px_lang)],
        }
        for grouping in found
    ]


async def codelist(request: Request) -> Response:
    params = PxParams(request)
    px_lang, lang = params.px_lang, params.lang
    wanted = request.path_params["id"]
    code = wanted.removeprefix(PREFIX)
    indicator = await request.app.state.readers.run(read.get_indicator, code)
    if indicator is None or not wanted.startswith(PREFIX) or len(indicator.options) < 2:
        raise Problem(
            404,
            "Not Found",
            f"There is no code list with id {wanted!r}",
            type="/problems/not-found",
        )
    grouping = Grouping(wanted, indicator)
    return respond(
        {
            "id": grouping.id,
            "label": grouping.label(lang),
            "language": px_lang,
            "languages": list(languages.PXWEB.values()),
            "elimination": False,
            "type": "Aggregation",
            "values": [
                {
                    "code": indicator.code,
                    "label": grouping.label(lang),
                    "valueMap": list(indicator.options),
                    "notes": [
                        {"mandatory": False, "text": getattr(indicator, f"description_{lang}")}
                    ],
                }
            ],
            "links": [
                link("self", f"{root(request)}/codelists/{grouping.id}?lang={px_lang}", px_lang)
            ],
        },
        lang,
    )
