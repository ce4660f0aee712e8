"""The `kommunedigi` command: serve, seed, import, db, export-schema, generate."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from api.settings import ENV_PREFIX, Settings
from models.changes import change_counts, counted

if TYPE_CHECKING:
    from sqlalchemy import Engine

T = TypeVar("T")


def settings_of(args: argparse.Namespace) -> Settings:
    """Settings from the environment; --database-url wins, and reaches uvicorn's workers too."""
    if args.database_url:
        os.environ[f"{ENV_PREFIX}DATABASE_URL"] = args.database_url
    return Settings.from_environ()


def engine_of(settings: Settings) -> Engine:
    from models.db import make_engine

    return make_engine(settings.database_url, **settings.engine_options)


def fault_line(error: Exception) -> str | None:
    """A database fault (unreachable, read-only, full) in words, or None for anything else
    (a bug). SQLAlchemy is loaded here, not before: `serve` may start without it."""
    from sqlalchemy.exc import SQLAlchemyError

    from models.faults import fault

    found = fault(error) if isinstance(error, SQLAlchemyError) else None
    if found is None:
        return None
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return f"{found.reason} ({lines[0]})" if lines else found.reason


def serve(args: argparse.Namespace) -> int:
    from api.serve import serve

    return serve(args)


def seed(args: argparse.Namespace) -> int:
    from seed.first_start import ensure_seeded

    engine = engine_of(settings_of(args))
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
    engine = engine_of(replace(settings, database_url=url))
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
    from sqlalchemy.exc import SQLAlchemyError

    from seed import package
    from seed.first_start import prepare
    from seed.importer import ImportRejected, import_package
    from seed.releases import ImportInProgress

    path = Path(args.path)
    if not path.exists():
        print(f"error: {path} does not exist", file=sys.stderr)
        return 2
    settings = settings_of(args)
    engine = engine_of(settings)
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
        if (line := fault_line(error)) is None:
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

    engine = engine_of(settings_of(args))
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
    except Exception as error:
        if (line := fault_line(error)) is None:
            raise
        print(f"error: {line}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
