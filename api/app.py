"""The app factory: the one place routes, middleware and error handlers are listed."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route

from api import graphql, problems, pxwebapi, rest, web
from api.graphql import ide as graphiql
from api.graphql.contract import graphql_sdl
from api.http.accept_language import AcceptLanguage
from api.http.access_log import lean_log_records
from api.http.body_limits import BodyCap, BodyLimits
from api.http.caching import HTTPCaching, NewestRelease, stale_directives
from api.http.code_caching import CodeCaching
from api.http.compression import Compression
from api.http.dispatch import Dispatch
from api.http.outer import OUTER_LAYERS
from api.http.rate_limits import RateLimiter, RateLimits
from api.http.response_cache import ResponseCache
from api.rest import catalog, contract, feed, health, imports
from api.settings import Settings
from api.web import docs
from models.db import make_engine
from models.read import Readers
from models.read.release_clock import ReleaseClock
from seed.first_start import prepare

# The smallest body gzip compresses; smaller ones are not worth a gzip header.
GZIP_MINIMUM = 1024


def body_caps(settings: Settings) -> dict[str, BodyCap]:
    """The paths that take a body, and how much each may send."""
    upload, query = settings.max_upload_bytes, settings.graphql_max_query_bytes
    return {
        "/api/v1/imports": BodyCap(upload, imports.too_large(upload)),
        "/graphql": BodyCap(query, graphql.too_large(query)),
    }


def create_app(settings: Settings | None = None) -> Starlette:
    """A ready app: the database is opened (and seeded if empty) before this returns."""
    settings = settings or Settings.from_environ()
    limiter = RateLimiter(settings)  # first: a bad store stops start-up before anything opens
    # Writes (imports, migrations, the seed, saved queries) go to the primary; reads to
    # read_database_url when it is set (a replica), else to the same engine.
    engine = make_engine(settings.database_url, **settings.engine_options)
    prepare(engine, migrate_schema=settings.migrate_on_start, load_seed=settings.seed_on_start)
    reads_url = settings.reads_url
    read_engine = engine
    if reads_url != settings.database_url:
        read_engine = make_engine(reads_url, **settings.engine_options_for(reads_url))
    # A silent database: a kept answer or a 503, in time. Descriptions are read once per
    # release and worker; a new release is noticed as data is, by the one release clock
    # HTTP caching goes by too.
    clock = ReleaseClock(settings.release_check_seconds)
    # The operator's licence reaches every survey record: one licence, every adapter.
    readers = Readers(read_engine, **settings.reader_options, clock=clock, licence=settings.licence)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # What start-up made (modules, the app, table metadata) lives as long as the
        # worker: moved out of the collector's sight, full collections stop walking it.
        gc.freeze()
        lean_log_records()
        yield
        await limiter.close()
        readers.close()
        read_engine.dispose()
        engine.dispose()

    graphql_app = graphql.make_graphql_app(readers, settings)
    stale = stale_directives(settings.cache_stale_while_revalidate, settings.cache_stale_if_error)
    response_cache = (
        ResponseCache(settings.response_cache_bytes) if settings.response_cache_bytes else None
    )
    app = Starlette(
        debug=settings.debug,
        routes=[
            Mount("/api/v1", app=Dispatch(rest.routes), name="api"),
            Mount(pxwebapi.PREFIX, app=Dispatch(pxwebapi.routes), name="pxwebapi"),
            Route("/graphql", graphql_app, methods=["GET", "POST"], include_in_schema=False),
            Route("/graphql/schema.graphql", graphql_sdl),
            Mount(graphiql.PREFIX, graphiql.served, name="graphiql"),  # GraphiQL's own files
            Route("/openapi.json", contract.openapi_json),
            Route("/health", health.health),
            Route("/catalog", catalog.catalog),
            Route("/feed", feed.feed),
            Route("/docs", docs.page),
            Mount("/docs/assets", docs.swagger_ui, name="docs-assets"),
            Mount("/static", docs.own, name="static"),
            *web.routes,  # the front page, charts, the widget and oEmbed
        ],
        middleware=[
            *OUTER_LAYERS,  # the access log, CORS, security headers (api.boot's too)
            Middleware(problems.ServerErrors, retry_after=settings.retry_after_seconds),
            # Outside the caching layers, so that kept answers and 304s count too, and inside
            # CORS and the security headers, so that a 429 carries them.
            Middleware(RateLimits, limiter=limiter if limiter.policies else None),
            Middleware(BodyLimits, caps=body_caps(settings)),
            # Outside the caching layers, so that the language it chooses is in the query
            # they key answers by.
            Middleware(AcceptLanguage),
            # Outside gzip, so that an answer is kept as sent, compressed or not (the key
            # says which), and a kept one is never compressed again.
            Middleware(
                HTTPCaching,
                release=NewestRelease(readers, clock),
                max_age=settings.cache_max_age,
                cache=response_cache,
                graphql_max_tokens=settings.graphql_max_tokens,
                stale=stale,
            ),
            Middleware(Compression, minimum_size=GZIP_MINIMUM),
            # Inside gzip: the contracts' ETag is a digest of the body as rendered.
            Middleware(
                CodeCaching,
                max_age=settings.cache_max_age,
                gzip_minimum=GZIP_MINIMUM,
                stale=stale,
            ),
        ],
        exception_handlers=problems.handlers(),
        lifespan=lifespan,
    )
    app.router = Dispatch(app.router.routes, lifespan=lifespan)  # Starlette takes no router
    app.state.engine = engine  # the one that writes
    app.state.read_engine = read_engine
    app.state.readers = readers
    app.state.settings = settings
    app.state.response_cache = response_cache
    app.state.rate_limiter = limiter
    return app
