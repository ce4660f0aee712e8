"""The output formats of /tables/{id}/data: one dispatch point, `renderers[outputFormat]`.

json-stat2 and csv are written here (api.pxwebapi.dataset, api.pxwebapi.pivot), as they
take the placement (`heading`, `stub`) and `outputFormatParams`. PX, xlsx, html and json-px
are the renderers of api.formats that /api/v1/questions/{code}/data uses too: functions of
the selected cube (models.records.QuestionCube), our language code and the dataset's links
(documentation, licences), in a fixed layout. Parquet is not written (docs/architecture.md
says why): a format with no renderer is a 400 that names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import orjson

from api.formats import html, jsonpx, jsonstat, px, xlsx
from models.filters import InvalidFilter
from models.records import QuestionCube

DEFAULT = "json-stat2"
# Every format the specification names, in its order.
SPECIFIED = ("px", "json-stat2", "csv", "xlsx", "html", "json-px", "parquet")
OWN = ("json-stat2", "csv")


class Render(Protocol):
    def __call__(self, cube: QuestionCube, lang: str, *, links: jsonstat.Links) -> bytes | str: ...


@dataclass(frozen=True, slots=True)
class Renderer:
    media_type: str
    extension: str  # of the file name
    render: Render


def _json_px(cube: QuestionCube, lang: str, *, links: jsonstat.Links) -> bytes:
    return orjson.dumps(jsonpx.table_response(cube, lang, links=links))


# The laid-out tables of api.formats, the same files /api/v1/questions/{code}/data writes.
renderers: dict[str, Renderer] = {
    "px": Renderer(px.MEDIA_TYPE, px.EXTENSION, px.px_file),
    "xlsx": Renderer(xlsx.MEDIA_TYPE, xlsx.EXTENSION, xlsx.workbook),
    "html": Renderer(html.MEDIA_TYPE, html.EXTENSION, html.document),
    "json-px": Renderer(jsonpx.MEDIA_TYPE, jsonpx.EXTENSION, _json_px),
}


def offered() -> list[str]:
    """The formats this server writes, in the specification's order."""
    return [name for name in SPECIFIED if name in OWN or name in renderers]


def choose(given: str | None) -> str:
    """The output format asked for (any case), or the default; a 400 for one not offered."""
    if given is None:
        return DEFAULT
    name = given.lower()
    if name == "jsonstat2":
        name = DEFAULT
    if name in OWN or name in renderers:
        return name
    if name in SPECIFIED:
        raise InvalidFilter(
            "outputFormat",
            f"outputFormat={given!r} is not written by this server yet; use one of:"
            f" {', '.join(offered())}",
        )
    raise InvalidFilter(
        "outputFormat",
        f"outputFormat={given!r} is not a format; use one of: {', '.join(offered())}",
    )
