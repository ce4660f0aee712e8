"""GET /api/pxwebapi/v2/config: the service's limits and offer, in PxWebApi 2's words.

Read from the same settings and rate limits as /api/v1/config: `maxDataCells` is
`max_cells`, and `maxCallsPerTimeWindow` and `timeWindow` are the API policy of
api.http.rate_limits (0 calls when the server limits none: pxwebpy reads 0 so).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from starlette.requests import Request
from starlette.responses import Response

from api import languages
from api.http.rate_limits import RateLimiter
from api.pxwebapi import outputs
from api.pxwebapi.common import JSON, PxParams
from api.responses import JSONResponse, audience
from api.settings import Settings
from models import read

API_VERSION = "2.0.0"  # the PxWebApi 2 specification this adapter follows
LANGUAGE_LABELS = {"nb": "Norsk", "nn": "Nynorsk", "en": "English"}  # by our code

try:
    APP_VERSION = version("kommunedigi")
except PackageNotFoundError:  # running from a checkout that was never installed
    APP_VERSION = "0"


# With no API rate limit, the most calls the specification's int32 can say: it asks for at
# least 1, and a client that keeps to it never waits.
UNLIMITED_CALLS = 2**31 - 1


def _rate_limit(limiter: RateLimiter) -> tuple[int, int]:
    policy = limiter.policies.get("api")
    return (UNLIMITED_CALLS, 1) if policy is None else (policy.quota, policy.window)


async def config(request: Request) -> Response:
    lang = PxParams(request).lang  # every language at once: the asker's names the audience
    settings: Settings = request.app.state.settings
    limiter: RateLimiter = request.app.state.rate_limiter
    readers = request.app.state.readers
    stated = await readers.run(read.licences)
    surveys = await readers.run(read.published_surveys)
    calls, window = _rate_limit(limiter)
    references = [
        {
            "language": code,
            "text": "; ".join(
                f"{getattr(item.survey, f'title_{language.value}')} ({item.survey.publisher})"
                for item in surveys
            ),
        }
        for language, code in languages.PXWEB.items()
    ]
    features: list[JSON] = [
        {"id": "CORS", "params": [{"key": "enabled", "value": "true"}]},
    ]
    return JSONResponse(
        {
            "apiVersion": API_VERSION,
            "appVersion": APP_VERSION,
            "languages": [
                {"id": code, "label": LANGUAGE_LABELS[language.value]}
                for language, code in languages.PXWEB.items()
            ],
            "defaultLanguage": languages.PXWEB_DEFAULT,
            "maxDataCells": settings.max_cells,
            "maxCallsPerTimeWindow": calls,
            "timeWindow": window,
            "license": settings.licence or ", ".join(stated) or "none stated",
            "sourceReferences": references,
            "cors": True,
            "defaultDataFormat": outputs.DEFAULT,
            "dataFormats": outputs.offered(),
            "features": features,
        },
        headers=audience(lang),
    )
