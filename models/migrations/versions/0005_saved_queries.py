"""Saved queries of PxWebApi 2: a selection from a table, kept to be run again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saved_query",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("table_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("selection", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("output_format", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column(
            "output_format_params", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False
        ),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("saved_query")
