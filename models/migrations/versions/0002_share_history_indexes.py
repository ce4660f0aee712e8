"""Indexes for reading history: every share in cell order (for figures as of an earlier
release), and shares by the release that published them and the one that replaced them (for
what a release changed).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CELL = ["wave_id", "question_id", "option_id", "segment_id"]


def upgrade() -> None:
    op.create_index("ix_share_cell", "share", CELL)
    op.create_index("ix_share_release", "share", ["release_id", *CELL])
    op.create_index(
        "ix_share_replaced",
        "share",
        ["replaced_in", *CELL],
        sqlite_where=sa.text("replaced_in IS NOT NULL"),
        postgresql_where=sa.text("replaced_in IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_share_replaced", table_name="share")
    op.drop_index("ix_share_release", table_name="share")
    op.drop_index("ix_share_cell", table_name="share")
