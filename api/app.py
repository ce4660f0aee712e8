"""The app factory: the one place routes, middleware and error handlers are listed."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Mount, Route

from api import contract, graphql, health, problems, rest
from api.settings import Settings
from models.db import make_engine
from seed.first_start import prepare


def create_app(settings: Settings | None = None) -> Starlette:
    """A ready app: the database is opened (and seeded if empty) before this returns."""
    settings = settings or Settings.from_environ()
    engine = make_engine(settings.database_url, **settings.engine_options)
    prepare(engine, migrate_schema=settings.migrate_on_start, load_seed=settings.seed_on_start)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        engine.dispose()

    graphql_app = graphql.make_graphql_app(engine, settings)
    app = Starlette(
        debug=settings.debug,
        routes=[
            Mount("/api/v1", routes=rest.routes, name="api"),
            Route("/graphql", graphql_app, methods=["GET", "POST"], include_in_schema=False),
            Route("/graphql/schema.graphql", contract.graphql_sdl),
            Route("/openapi.json", contract.openapi_json),
            Route("/health", health.health),
        ],
        middleware=[
            # Open data: any page may read it from the browser.
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
                allow_headers=["Content-Type"],
                expose_headers=["Link", "Content-Language"],
            ),
        ],
        exception_handlers=problems.HANDLERS,
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.settings = settings
    return app
