"""/openapi.json: the committed REST contract (openapi/openapi.yaml), served as JSON, with
the licence of the data in `info.license` when the operator states one."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from api import licences
from api.responses import JSONResponse

# In a checkout the contracts sit at the top of the repo; a wheel carries them in api/contract.
_API = Path(__file__).parent.parent
_PLACES = (_API / "contract", _API.parent / "openapi")


def contract_file(name: str) -> Path:
    for folder in _PLACES:
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"{name} is in neither of {[str(p) for p in _PLACES]}")


@cache
def openapi_document() -> dict[str, Any]:
    import yaml  # read once, by the first request for it; a server need not wait for it

    with contract_file("openapi.yaml").open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


@cache
def served_document(licence: str | None) -> dict[str, Any]:
    """The committed document, with `info.license` when the operator states a licence."""
    document = openapi_document()
    if licence is None:
        return document
    return {**document, "info": {**document["info"], "license": licences.openapi_info(licence)}}


async def openapi_json(request: Request) -> Response:
    # The operator's licence as the read layer holds it: the contract is served without
    # the database, so a licence only a survey's own data states shows in /api/v1/surveys.
    return JSONResponse(served_document(request.app.state.readers.licence))
