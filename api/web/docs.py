"""/docs: the OpenAPI contract rendered by Swagger UI, every asset served from here.

Swagger UI comes from the swagger-ui-bundle-v2 package (the official 5.x dist files,
which read OpenAPI 3.1), so the page needs no CDN and works on a closed network. The
page has no inline script, so a strict content security policy can cover it.
"""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles

swagger_ui = StaticFiles(directory=Path(swagger_ui_bundle.swagger_ui_path))
own = StaticFiles(directory=Path(__file__).parent / "static")

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>kommunedigi REST API</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="docs"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/static/docs.js"></script>
</body>
</html>
"""


# Swagger UI sets style attributes from script, hence 'unsafe-inline' for styles only;
# scripts, the contract and images come from here.
POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self'",
    ]
)


async def page(request: Request) -> Response:
    return HTMLResponse(PAGE, headers={"Content-Security-Policy": POLICY})
