"""The seed: the published figures (seed/data), loaded through the importer as release 1."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from models.tables import Release
from seed import package
from seed.importer import import_package

DATA = Path(__file__).parent / "data"
MESSAGE = "Published figures of Kommuneundersøkelsen 2015–2017 from public sources"


@dataclass(frozen=True)
class SeedResult:
    release_id: int
    created: bool  # False: the database already held a release and was left as it was
    shares: int = 0


def seed(engine: Engine, folder: Path = DATA, *, message: str = MESSAGE) -> SeedResult:
    """Import `folder` unless the database already has a release (then nothing changes).

    Raises seed.importer.ImportRejected, listing every problem, when the folder has any.
    """
    existing = _newest_release(engine)
    if existing is None:
        report = import_package(engine, package.read(folder), message=message)
        if report.release_id is not None:
            return SeedResult(report.release_id, created=True, shares=report.added)
        # Nothing to change: another process seeded the database while this one waited
        # for the release lock, and its release is the newest.
        existing = _newest_release(engine)
    assert existing is not None, "a database that holds the seed's figures holds a release"
    return SeedResult(existing, created=False)


def _newest_release(engine: Engine) -> int | None:
    with Session(engine) as session:
        return session.scalars(select(col(Release.id)).order_by(col(Release.id).desc())).first()
