"""First start: migrate the schema and, into a database with no release yet, load the seed."""

from __future__ import annotations

from sqlalchemy import Engine

from models import migrate
from seed.loader import SeedResult, seed


def prepare(
    engine: Engine, *, migrate_schema: bool = True, load_seed: bool = True
) -> SeedResult | None:
    """Safe to repeat: an up-to-date, seeded database is only read, never written. Safe
    to run in several processes at once: they migrate one after another, and one loads
    the seed while the others wait for it and report its release. A database of generated
    data (seed.synthetic) is never seeded: its survey came with a release."""
    if migrate_schema:
        migrate.upgrade(engine)
    return seed(engine) if load_seed else None


def ensure_seeded(engine: Engine) -> SeedResult:
    """Migrate and seed; returns what the seed did (created=False when nothing to do)."""
    result = prepare(engine)
    assert result is not None
    return result
