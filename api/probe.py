"""What /health says: one body, whether the app answers it or api.boot while the app is
still being built."""

from __future__ import annotations

import datetime as dt

# A probe asks how the service is now: no cache may answer for it.
NO_STORE = {"Cache-Control": "no-store"}

UNAVAILABLE: dict[str, object] = {
    "status": "unavailable",
    "database": "unreachable",
    "release": None,
    "replication": None,
}


def serving(
    release: tuple[int, dt.datetime, str] | None, role: str, lag_seconds: float | None
) -> dict[str, object]:
    """The body of a database that answered: the release it serves (id, created, message;
    None before the first) and its replication role and lag."""
    summary = release and {"id": release[0], "created_at": release[1], "message": release[2]}
    return {
        "status": "ok" if release else "empty",
        "database": "ok",
        "release": summary,
        "replication": {"role": role, "lag_seconds": lag_seconds},
    }
