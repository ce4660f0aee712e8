"""The public address of the API, for the absolute links that leave it in bodies and pages."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request

from models.filters import FigureAddress
from models.records import ShareRecord

FIGURES = "/api/v1/figures"  # a figure's address: FIGURES/survey/wave/question/option/segment


def base_url(request: Request) -> str:
    """The setting `base_url`, or else the address the request was sent to; no trailing /."""
    configured: str = request.app.state.settings.base_url
    return configured.rstrip("/") or str(request.base_url).rstrip("/")


def next_page(request: Request, cursor: str) -> str:
    """This request's URL with `cursor` in place of any it had, last: what Starlette's
    `include_query_params` gives, from the query parameters the request parsed already."""
    kept = [(name, value) for name, value in request.query_params.multi_items() if name != "cursor"]
    kept.append(("cursor", cursor))
    return f"{str(request.url).partition('?')[0]}?{urlencode(kept)}"


@dataclass(frozen=True, slots=True)
class FigureLinks:
    """Absolute links to figures, pinned to release `as_of` when an answer is pinned, so
    that a link followed shows the figure the answer showed."""

    base: str  # base_url and FIGURES
    query: str = ""  # "?as_of=N", or none

    @classmethod
    def of(cls, request: Request, as_of: int | None = None) -> FigureLinks:
        return cls(base_url(request) + FIGURES, "" if as_of is None else f"?as_of={as_of}")

    def share(self, record: ShareRecord) -> str:
        """The link to a share's figure: a page of shares makes hundreds, so no address."""
        return (
            f"{self.base}/{record.survey}/{record.wave}/{record.question}/{record.option}"
            f"/{record.segment}{self.query}"
        )

    def address(self, address: FigureAddress) -> str:
        return f"{self.base}/{address.path}{self.query}"
