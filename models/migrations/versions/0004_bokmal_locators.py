"""Shares and published totals get a bokmål locator beside the English one (`locator`).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("share", "publishedtotal")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(
            table, sa.Column("locator_nb", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "locator_nb")
