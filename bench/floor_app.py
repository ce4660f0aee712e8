"""The floor for bench/cold_start.py: the bare app, once it has imported what any start of
kommunedigi needs before it can read a table (SQLAlchemy, SQLModel and the table models)."""

from bare_app import app  # noqa: F401

import models.tables  # noqa: F401
