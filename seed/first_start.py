"""First start: an empty database gets its tables and the published figures."""

from __future__ import annotations

from sqlalchemy import Engine

from models.db import create_schema
from seed.loader import SeedResult, seed


def ensure_seeded(engine: Engine) -> SeedResult:
    """Create missing tables and load the seed unless a release exists. Safe to repeat."""
    create_schema(engine)
    return seed(engine)
