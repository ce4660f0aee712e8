"""Accept-Language chooses the language of an answer whose query gives no `lang`.

The negotiated language is written into the query string as `lang`, before any other layer
reads it: the adapters, the ETag (a digest of the query) and the response cache all see
the language the answer is in, so an answer kept for a bokmål reader is never served to a
nynorsk one. Bokmål, the default, is left unwritten, so a request without the header and
one preferring bokmål are the same request. Each answer to a path that takes `lang`, asked
without it, says `Vary: Accept-Language`, 304s included.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import languages
from api.http.header_lists import value_of, with_vary
from api.http.path_memo import per_path

# Paths whose answers are in a language: REST, PxWebApi, the pages, charts, widget and
# oEmbed. The catalog and feed hold every language at once; GraphQL takes `lang` per field.
PREFIXES = (
    "/api/v1", "/api/pxwebapi/v2", "/charts/", "/embed/", "/oembed", "/indicators/", "/questions/",
)  # fmt: skip
PAGES = ("/",)
# Answers under those prefixes in no language: the same bytes whatever the reader prefers,
# so they do not say `Vary: Accept-Language` (a shared cache would keep a copy per language).
LANGUAGE_FREE = (
    "/api/v1", "/api/v1/", "/api/v1/config", "/api/v1/releases", "/api/pxwebapi/v2/config",
)  # fmt: skip
# A saved query runs in the language it was saved with, unless `lang` says otherwise.
SAVED_QUERIES = "/api/pxwebapi/v2/savedqueries"
PXWEBAPI = "/api/pxwebapi/"  # names languages its own way (api.languages.PXWEB)


@per_path
def takes_lang(path: str) -> bool:
    """Whether the answer at `path` is in the language Accept-Language may choose."""
    return (
        (path in PAGES or path.startswith(PREFIXES))
        and not path.startswith(SAVED_QUERIES)
        and path not in LANGUAGE_FREE
    )


def _has_lang(query: bytes) -> bool:
    return b"lang" in query and any(part.split(b"=", 1)[0] == b"lang" for part in query.split(b"&"))


class AcceptLanguage:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not takes_lang(scope["path"])
            or _has_lang(query := scope.get("query_string", b""))
        ):
            await self.app(scope, receive, send)
            return
        accepted = value_of(scope["headers"], b"accept-language")
        language = languages.negotiate(accepted.decode("latin-1")) if accepted else None
        if language is not None and language.value != languages.DEFAULT:
            code = languages.PXWEB[language] if scope["path"].startswith(PXWEBAPI) else language
            lang = urlencode({"lang": code}).encode()
            scope = {**scope, "query_string": query + b"&" + lang if query else lang}

        async def send_varying(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_vary(message.get("headers", []), b"Accept-Language")
            await send(message)

        await self.app(scope, receive, send_varying)
