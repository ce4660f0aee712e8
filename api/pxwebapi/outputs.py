"""The output formats of /tables/{id}/data: one dispatch point, `renderers[outputFormat]`.

json-stat2 and csv are written here (api.pxwebapi.dataset, api.pxwebapi.pivot), as they
take the placement (`heading`, `stub`) and `outputFormatParams`. Any other format of the
specification is a renderer of api.formats: a function of the selected cube
(models.records.QuestionCube) and our language code that returns the file's bytes or
text, registered in `renderers` with its media type. A format with no renderer is a 400
that names it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from models.filters import InvalidFilter
from models.records import QuestionCube

DEFAULT = "json-stat2"
# Every format the specification names, in its order.
SPECIFIED = ("px", "json-stat2", "csv", "xlsx", "html", "json-px", "parquet")
OWN = ("json-stat2", "csv")


@dataclass(frozen=True, slots=True)
class Renderer:
    media_type: str
    extension: str  # of the file name
    render: Callable[[QuestionCube, str], bytes | str]


# Filled by the renderers of api.formats as they come: {"xlsx": Renderer(...), ...}.
renderers: dict[str, Renderer] = {}


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
