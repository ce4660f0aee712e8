"""JSON responses through orjson: fast, and it writes dates and dataclasses natively."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def audience(lang: str) -> dict[str, str]:
    """The Content-Language of an answer with no text of ours to translate (codes, numbers,
    limits, the steward's release messages as written): the language of the audience that
    asked for it (RFC 9110, 8.5), so that every answer to `lang` names it."""
    return {"Content-Language": lang}
