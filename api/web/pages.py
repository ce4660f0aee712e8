"""HTML pages: the Jinja2 templates in api/web/templates, and the headers pages are sent with.

Pages load nothing from elsewhere: a content security policy that allows no other
origin says so to the browser. The widget, made to be framed by any site, carries its
style sheet inline (allowed by its digest); its one script, which tells the host page its
height, comes from here.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"


@functools.cache
def templates() -> Jinja2Templates:
    from starlette.templating import Jinja2Templates  # Jinja2: loaded by the first page

    return Jinja2Templates(directory=HERE / "templates")


EMBED_CSS = (STATIC / "embed.css").read_text(encoding="utf-8")
_EMBED_CSS_DIGEST = base64.b64encode(hashlib.sha256(EMBED_CSS.encode()).digest()).decode()


def _policy(*, styles: str, framing: str, scripts: str | None = None) -> str:
    return "; ".join(
        [
            "default-src 'none'",
            *([] if scripts is None else [f"script-src {scripts}"]),
            f"style-src {styles}",
            "img-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            f"frame-ancestors {framing}",
        ]
    )


# The widget may be framed by any page; the front page only by ourselves.
EMBED_POLICY = _policy(styles=f"'sha256-{_EMBED_CSS_DIGEST}'", framing="*", scripts="'self'")
PAGE_POLICY = _policy(styles="'self'", framing="'self'")


def render(
    request: Request, template: str, context: dict[str, Any], *, lang: str, policy: str
) -> Response:
    headers = {
        "Content-Language": lang,
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }
    return templates().TemplateResponse(
        request, template, {"lang": lang, **context}, headers=headers
    )
