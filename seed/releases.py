"""Opening a release: the row every write of data hangs on."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlmodel import Session, col

from models.tables import Release


def open_release(session: Session, *, message: str, checksum: str) -> Release:
    """A new release with the next number, flushed so that rows can refer to it.

    The number is counted, not drawn from a sequence: a rolled-back dry run would
    otherwise leave a gap, and stewards read release numbers as a count.
    """
    number = (session.scalar(select(func.max(col(Release.id)))) or 0) + 1
    release = Release(
        id=number,
        created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        message=message,
        checksum=checksum,
    )
    session.add(release)
    session.flush()
    return release
