"""How far behind the primary the database that reads is: /health reports it.

A streaming replica (PostgreSQL in recovery) has replayed the primary's changes up to
some point; once it has replayed all it received, it is as current as it can be, and
its lag is 0 however long ago the primary last wrote. While it is replaying, the lag is
the age of the last transaction it replayed. A primary, or SQLite, reads what it writes:
no lag (None).
"""

from __future__ import annotations

from dataclasses import dataclass

from models.read.context import Reader

_STANDBY = (
    "SELECT pg_is_in_recovery(),"
    " pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn(),"
    " EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
)


@dataclass(frozen=True, slots=True)
class Replication:
    role: str  # "primary" (or SQLite), or "replica"
    lag_seconds: float | None  # None on a primary; on a replica, 0 when all is replayed


def replication(reader: Reader) -> Replication:
    connection = reader.connection
    if connection.dialect.name != "postgresql":
        return Replication("primary", None)
    row = connection.exec_driver_sql(_STANDBY).one()
    standby, replayed_all, age = row
    if not standby:
        return Replication("primary", None)
    if replayed_all:
        return Replication("replica", 0.0)
    # None: nothing replayed yet since it started, so no age to tell.
    return Replication("replica", None if age is None else round(max(0.0, float(age)), 3))
