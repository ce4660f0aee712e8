"""The outer layers of every answer, listed once for the app (api.app) and for what
api.boot answers itself while the app is built: the access log, CORS, security headers."""

from __future__ import annotations

from starlette.middleware import Middleware

from api.http.access_log import AccessLog
from api.http.cors import OpenCORS
from api.http.rate_limits import API_KEY_HEADER
from api.http.security import SecurityHeaders

# What a browser script may read of a response (CORS hides other headers).
EXPOSED_HEADERS = [
    "Link", "Content-Language", "Content-Disposition", "ETag", "Last-Modified",
    "Retry-After", "RateLimit", "RateLimit-Policy",
]  # fmt: skip

# What a browser script may send beyond the simple headers (conditional GETs, imports).
ALLOWED_HEADERS = [
    "Content-Type", "Authorization", "If-None-Match", "If-Modified-Since", API_KEY_HEADER,
]  # fmt: skip

OUTER_LAYERS = [
    Middleware(AccessLog),  # written only where `kommunedigi serve` configured it
    # Open data: any page may read it from the browser, errors included.
    Middleware(
        OpenCORS,
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=ALLOWED_HEADERS,
        expose_headers=EXPOSED_HEADERS,
        max_age=86400,
    ),
    Middleware(SecurityHeaders),
]
