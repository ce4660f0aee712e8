"""The `kommunedigi` command: serve, seed, import, db, export-schema, generate."""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from api.settings import ENV_PREFIX, Settings
from models.changes import change_counts, counted

if TYPE_CHECKING:
    from sqlalchemy import Engine

T = TypeVar("T")


def _settings(args: argparse.Namespace) -> Settings:
    """Settings from the environment; --database-url wins, and reaches uvicorn's workers too."""
    if args.database_url:
        os.environ[f"{ENV_PREFIX}DATABASE_URL"] = args.database_url
    return Settings.from_environ()


def _engine(settings: Settings) -> Engine:
    from models.db import make_engine

    return make_engine(settings.database_url, **settings.engine_options)


def _fault_line(error: SQLAlchemyError) -> str | None:
    """A database fault (unreachable, read-only, full) in words, or None for a bug."""
    from models.faults import fault

    found = fault(error)
    if found is None:
        return None
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return f"{found.reason} ({lines[0]})" if lines else found.reason


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.http import server
    from seed.first_start import prepare
    from seed.synthetic import surveys_in

    settings = _settings(args)
    if args.synthetic:
        try:
            settings = _synthetic(settings)
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    # Once here, so that several workers never race to migrate and seed the database.
    engine = _engine(settings)
    try:
        result = prepare(
            engine, migrate_schema=settings.migrate_on_start, load_seed=settings.seed_on_start
        )
        if args.synthetic and not surveys_in(engine):
            print(
                "error: the synthetic database holds no survey yet: run `kommunedigi generate`"
                " first.",
                file=sys.stderr,
            )
            return 1
    except SQLAlchemyError as error:
        if (line := _fault_line(error)) is None:
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
        "api.app:create_app",
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


def seed(args: argparse.Namespace) -> int:
    from seed.first_start import ensure_seeded

    engine = _engine(_settings(args))
    result = ensure_seeded(engine)
    engine.dispose()
    if result.created:
        print(f"Loaded {counted(result.shares, 'share')} as release {result.release_id}.")
    else:
        print(f"Nothing to do: the database already holds release {result.release_id}.")
    return 0


def export_schema(args: argparse.Namespace) -> int:
    from api.graphql import sdl

    text = sdl()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Wrote {args.output}.", file=sys.stderr)
    return 0


def generate(args: argparse.Namespace) -> int:
    from sqlalchemy import make_url

    from models import migrate
    from seed.synthetic import (
        PublishedSurveyPresent,
        Sizes,
        SyntheticExists,
        generate,
        refuse_published,
    )

    # The deployment's settings name the target; --database-url here names it outright.
    settings = Settings.from_environ()
    try:
        url = args.database_url or settings.synthetic_target()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    engine = _engine(replace(settings, database_url=url))
    shown = make_url(url).render_as_string(hide_password=True)
    sizes = Sizes(args.waves, args.questions, args.options, args.segments)
    started = time.perf_counter()
    try:
        refuse_published(engine)  # before migrating: a published database stays untouched
        migrate.upgrade(engine)
        count = generate(engine, sizes)
    except PublishedSurveyPresent as error:
        print(
            f"error: {shown}: {error}; generated data goes in a database of its own. Name an"
            f" empty one with {ENV_PREFIX}SYNTHETIC_DATABASE_URL or --database-url; nothing"
            " was written.",
            file=sys.stderr,
        )
        return 1
    except SyntheticExists as error:
        print(f"error: {shown}: {error}; use a fresh database", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    seconds = time.perf_counter() - started
    generated = counted(count, "synthetic share")
    print(
        f"Generated {generated} in survey 'synthetic' in {seconds:.1f} s,"
        f" in {shown}. Serve it with `kommunedigi serve --synthetic`."
    )
    return 0


def import_(args: argparse.Namespace) -> int:
    from seed import package
    from seed.first_start import prepare
    from seed.importer import ImportRejected, import_package
    from seed.releases import ImportInProgress

    path = Path(args.path)
    if not path.exists():
        print(f"error: {path} does not exist", file=sys.stderr)
        return 2
    settings = _settings(args)
    engine = _engine(settings)
    try:
        prepare(engine, migrate_schema=True, load_seed=False)
        loaded = package.read(path, settings.import_limits)
        report = import_package(
            engine,
            loaded,
            message=args.message or f"Import of {path.name}",
            dry_run=args.dry_run,
            progress=_say_progress if args.verbose else _progress,
            wait_seconds=settings.import_wait_seconds,
        )
    except ImportInProgress as busy:
        print(
            f"error: {busy}. Nothing was written; try again when it has finished.",
            file=sys.stderr,
        )
        return 1
    except SQLAlchemyError as error:
        if (line := _fault_line(error)) is None:
            raise
        # One transaction: rolled back whole, whatever stopped it.
        print(f"error: the import failed: {line}; nothing was written.", file=sys.stderr)
        return 1
    except ImportRejected as rejected:
        for issue in rejected.report.issues:
            print(issue, file=sys.stderr)
        errors = counted(len(rejected.report.errors), "error")
        print(f"{errors}; nothing was written.", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    for issue in report.warnings:
        print(issue, file=sys.stderr)
    counts = (
        f"{change_counts(report.added, report.changed, report.removed)},"
        f" {report.unchanged:,} unchanged; {counted(report.described, 'description')}"
        " added or changed"
    )
    if args.dry_run:
        print(f"Dry run, nothing written. The import would make: {counts}.")
        for change in report.changes:
            print(f"  {change}")
    elif report.release_id is None:
        print(f"Nothing to change: {counts}. No release made.")
    else:
        print(f"Release {report.release_id}: {counts}.")
    return 0


def _say_progress(items: Iterable[T], label: str, total: int) -> Iterable[T]:
    print(f"{label} {counted(total, 'figure')}", file=sys.stderr, flush=True)
    return items


def _progress(items: Iterable[T], label: str, total: int) -> Iterable[T]:
    """A progress bar on large files when a person is watching; silent otherwise."""
    if total < 50_000 or not sys.stderr.isatty():
        return items
    from rich.progress import track

    description = f"{label} {counted(total, 'figure')}"
    return track(items, description=description, total=total, transient=True)


def database(args: argparse.Namespace) -> int:
    from models import migrate

    engine = _engine(_settings(args))
    try:
        if args.action == "upgrade":
            migrate.upgrade(engine, args.revision or "head")
        elif args.action == "downgrade":
            if not args.revision:
                print("error: downgrade needs a revision (or base)", file=sys.stderr)
                return 2
            migrate.downgrade(engine, args.revision)
        revision = migrate.current_revision(engine)
    finally:
        engine.dispose()
    state = "newest" if revision == migrate.head() else f"newest is {migrate.head()}"
    print(f"Schema revision: {revision or 'none'} ({state}).")
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a whole number of at least 1")
    return value


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="kommunedigi",
        description="Open-data API for Kommuneundersøkelsen. "
        f"Settings come from {ENV_PREFIX}* environment variables.",
    )
    commands = main.add_subparsers(dest="command", required=True)

    def command(
        name: str, help: str, url: str = f"overrides {ENV_PREFIX}DATABASE_URL"
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument("--database-url", help=url)
        return sub

    run = command("serve", "serve the API (creating and seeding an empty database first)")
    run.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    run.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    run.add_argument(
        "--workers",
        type=_positive,
        default=None,  # Settings.workers
        help=f"worker processes (default {ENV_PREFIX}WORKERS or 1)",
    )
    run.add_argument(
        "--proxy-headers",
        action="store_true",
        help="trust X-Forwarded-* from FORWARDED_ALLOW_IPS (only behind a proxy)",
    )
    run.add_argument(
        "--synthetic",
        action="store_true",
        help=f"serve the generated data's database ({ENV_PREFIX}SYNTHETIC_DATABASE_URL)",
    )
    run.set_defaults(handler=serve)

    command("seed", "load the published figures into an empty database").set_defaults(handler=seed)

    export = commands.add_parser("export-schema", help="write the GraphQL SDL")
    export.add_argument("--output", "-o", default="-", help="file to write, or - for stdout")
    export.set_defaults(handler=export_schema)

    load = command("import", "check a package of CSV files and publish it as a new release")
    load.add_argument("path", help="a folder or .zip of CSV files, or a single shares CSV")
    load.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
    load.add_argument("--message", help="what the release contains, for the release list")
    load.add_argument("--verbose", action="store_true", help="say each step on stderr")
    load.set_defaults(handler=import_)

    db = command("db", "show or change the schema revision (Alembic migrations)")
    db.add_argument("action", choices=("current", "upgrade", "downgrade"))
    db.add_argument("revision", nargs="?", help="target revision (default: newest for upgrade)")
    db.set_defaults(handler=database)

    make = command(
        "generate",
        "make a synthetic survey of the given size (test data only) in a database of its own,"
        " never the published one's",
        f"the database to write (overrides {ENV_PREFIX}SYNTHETIC_DATABASE_URL)",
    )
    for name, default in (("waves", 3), ("questions", 100), ("options", 5), ("segments", 10)):
        make.add_argument(f"--{name}", type=_positive, default=default, help=f"default {default}")
    make.set_defaults(handler=generate)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except SQLAlchemyError as error:
        if (line := _fault_line(error)) is None:
            raise
        print(f"error: {line}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
