"""The question and option indexes of the share table go on in cell order, so that a page
of one question's or one option's shares is read in the order it is served and stops at
the page's end.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 14:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_share_question", table_name="share")
    op.create_index(
        "ix_share_question", "share", ["question_id", "wave_id", "option_id", "segment_id"]
    )
    op.drop_index("ix_share_option", table_name="share")
    op.create_index("ix_share_option", "share", ["option_id", "wave_id", "segment_id"])


def downgrade() -> None:
    op.drop_index("ix_share_option", table_name="share")
    op.create_index("ix_share_option", "share", ["option_id"])
    op.drop_index("ix_share_question", table_name="share")
    op.create_index("ix_share_question", "share", ["question_id", "wave_id"])
