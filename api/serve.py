"""`kommunedigi serve`: the database made ready once, then uvicorn serving api.boot.

A SQLite file that needs neither migrating nor seeding (or none yet, then made from the
seed's snapshot) is checked with the standard library, so that the server listens before
SQLAlchemy is loaded (docs/benchmarks.md, cold start); any other database is migrated and
seeded the long way first, as `kommunedigi seed` does."""

from __future__ import annotations

import argparse
import copy
import os
import sqlite3
import sys
from typing import Any

from api.cli import engine_of, fault_line, settings_of
from api.settings import ENV_PREFIX, Settings


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.http import server

    settings = settings_of(args)
    if args.synthetic:
        try:
            settings = _synthetic(settings)
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    # Once here, so that several workers never race to migrate and seed the database.
    if not _ready_at_once(settings):
        status = _prepare(settings, synthetic=args.synthetic)
        if status:
            return status
    os.environ[f"{ENV_PREFIX}MIGRATE_ON_START"] = "false"
    os.environ[f"{ENV_PREFIX}SEED_ON_START"] = "false"
    limits = server.fit_open_files(server.ServerLimits.from_settings(settings))
    if limits.max_connections < settings.max_connections:
        print(
            f"warning: the open-file limit (ulimit -Hn) leaves room for {limits.max_connections}"
            f" connections per worker, not {ENV_PREFIX}MAX_CONNECTIONS={settings.max_connections}.",
            file=sys.stderr,
        )
    uvicorn.run(
        "api.boot:create",  # listens at once, and builds api.app's app beside
        factory=True,
        # One line per answer from api.http.access_log, which costs a fraction of uvicorn's own.
        access_log=False,
        log_config=_log_config(),
        server_header=False,  # no need to tell every client what serves it
        host=args.host,
        port=args.port,
        workers=settings.workers if args.workers is None else args.workers,
        proxy_headers=args.proxy_headers,
        # Slow clients hold a connection, never a thread (the app is async); these bound how
        # long an idle connection stays open, and api.http.server how big and slow a request's
        # head may be and how many connections and requests a worker holds.
        timeout_keep_alive=settings.keep_alive_seconds,
        http=server.protocol(limits),  # type: ignore[arg-type]  # called as a class would be
        # After SIGTERM, answers under way get this long to finish; then they are cut.
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
    )
    return 0


def _ready_at_once(settings: Settings) -> bool:
    """Whether the database is a SQLite file that needs neither migrating nor seeding,
    made from the seed's snapshot if it did not exist: true for the embedded default,
    which then starts without SQLAlchemy loaded. False for anything else."""
    from seed import snapshot

    path = snapshot.sqlite_file(settings.database_url)
    if path is None or not (settings.migrate_on_start and settings.seed_on_start):
        return False
    try:
        if (release := snapshot.restore(path)) is not None:
            print(f"Loaded the published figures as release {release}.", file=sys.stderr)
    except (OSError, sqlite3.Error):
        return False  # the long way says what is wrong with the folder or the disk
    return snapshot.ready(path)


def _prepare(settings: Settings, *, synthetic: bool) -> int:
    """Migrate and seed the database the long way (SQLAlchemy, Alembic, the importer);
    the exit status: 0 when it is ready, 1 when it cannot be."""
    from sqlalchemy.exc import SQLAlchemyError

    from seed.first_start import prepare
    from seed.synthetic import surveys_in

    engine = engine_of(settings)
    try:
        result = prepare(
            engine, migrate_schema=settings.migrate_on_start, load_seed=settings.seed_on_start
        )
        if synthetic and not surveys_in(engine):
            print(
                "error: the synthetic database holds no survey yet: run `kommunedigi generate`"
                " first.",
                file=sys.stderr,
            )
            return 1
    except SQLAlchemyError as error:
        if (line := fault_line(error)) is None:
            raise
        print(
            f"error: cannot prepare the database: {line}. Start it first, or set"
            f" {ENV_PREFIX}MIGRATE_ON_START=false and {ENV_PREFIX}SEED_ON_START=false to serve"
            " without it (503 until it answers).",
            file=sys.stderr,
        )
        return 1
    finally:
        engine.dispose()
    if result and result.created:
        print(f"Loaded the published figures as release {result.release_id}.", file=sys.stderr)
    return 0


def _synthetic(settings: Settings) -> Settings:
    """The settings that serve the generated data's database, never seeded with the
    published figures; the workers read them from the environment."""
    target = settings.synthetic_target()
    os.environ[f"{ENV_PREFIX}DATABASE_URL"] = target
    os.environ[f"{ENV_PREFIX}SYNTHETIC_DATABASE_URL"] = target  # not derived a second time
    os.environ[f"{ENV_PREFIX}SEED_ON_START"] = "false"
    return Settings.from_environ()


def _log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with the access logger of api.http.access_log added
    (uvicorn applies it in each worker it starts)."""
    from uvicorn.config import LOGGING_CONFIG

    from api.http.access_log import LOG_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    for section, entries in LOG_CONFIG.items():
        config.setdefault(section, {}).update(entries)
    return config
