"""The public address of the API, for the absolute links that leave it in bodies and pages."""

from __future__ import annotations

from starlette.requests import Request


def base_url(request: Request) -> str:
    """The setting `base_url`, or else the address the request was sent to; no trailing /."""
    configured: str = request.app.state.settings.base_url
    return configured.rstrip("/") or str(request.base_url).rstrip("/")
