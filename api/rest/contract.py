"""/openapi.json: the committed REST contract (openapi/openapi.yaml), served as JSON."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

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


async def openapi_json(request: Request) -> Response:
    return JSONResponse(openapi_document())
