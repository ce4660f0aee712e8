"""Initial schema: surveys, waves, questions, options, segments, shares with history,
sources, indicators, published totals and releases.

Revision ID: 0001
Revises:
Create Date: 2026-11-27 07:39:26.255387
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("checksum", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "segment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("dimension", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("label_nb", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("label_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("publisher", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("published", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("date_note_nb", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("date_note_en", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("description_nb", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("title_nb", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("publisher", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description_nb", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("homepage", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("licence", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "topic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("label_nb", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("label_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "single_choice",
                "multiple_choice",
                "scale",
                name="questionkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text_nb", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("note_nb", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("note_en", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("search_text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey.id"],
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topic.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index(op.f("ix_question_survey_id"), "question", ["survey_id"], unique=False)
    op.create_index(op.f("ix_question_topic_id"), "question", ["topic_id"], unique=False)

    op.create_table(
        "wave",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title_nb", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("fieldwork", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("respondents", sa.Integer(), nullable=True),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("response_rate", sa.Float(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("note_nb", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("note_en", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("survey_id", "year"),
    )
    op.create_index(op.f("ix_wave_survey_id"), "wave", ["survey_id"], unique=False)

    op.create_table(
        "indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title_nb", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description_nb", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index(op.f("ix_indicator_question_id"), "indicator", ["question_id"], unique=False)

    op.create_table(
        "option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label_nb", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("label_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("id", "question_id", name="uq_option_id_question"),
        sa.UniqueConstraint("question_id", "code"),
    )
    op.create_index(op.f("ix_option_question_id"), "option", ["question_id"], unique=False)

    op.create_table(
        "indicatoroption",
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
        ),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["option.id"],
        ),
        sa.PrimaryKeyConstraint("indicator_id", "option_id"),
    )
    op.create_table(
        "publishedtotal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("locator", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("note_nb", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("note_en", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("replaced_in", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
        ),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["release.id"],
        ),
        sa.ForeignKeyConstraint(
            ["replaced_in"],
            ["release.id"],
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segment.id"],
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["wave.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_published_total_current",
        "publishedtotal",
        ["indicator_id", "wave_id", "segment_id"],
        unique=True,
        sqlite_where=sa.text("replaced_in IS NULL"),
        postgresql_where=sa.text("replaced_in IS NULL"),
    )

    op.create_table(
        "share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("base_n", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "published",
                "approximate",
                "qualitative",
                "not_published",
                name="sharestatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("note_nb", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("note_en", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("locator", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("replaced_in", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(value IS NULL) = (status IN ('qualitative', 'not_published'))",
            name="share_value_matches_status",
        ),
        sa.CheckConstraint("base_n IS NULL OR base_n > 0", name="share_base_n_positive"),
        sa.CheckConstraint(
            "value IS NULL OR (value >= 0 AND value <= 100)", name="share_value_percent"
        ),
        sa.ForeignKeyConstraint(
            ["option_id", "question_id"],
            ["option.id", "option.question_id"],
            name="fk_share_option_of_question",
        ),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["option.id"],
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
        ),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["release.id"],
        ),
        sa.ForeignKeyConstraint(
            ["replaced_in"],
            ["release.id"],
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segment.id"],
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["wave.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_share_current_cell",
        "share",
        ["wave_id", "question_id", "option_id", "segment_id"],
        unique=True,
        sqlite_where=sa.text("replaced_in IS NULL"),
        postgresql_where=sa.text("replaced_in IS NULL"),
    )
    op.create_index("ix_share_option", "share", ["option_id"], unique=False)
    op.create_index("ix_share_question", "share", ["question_id", "wave_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_share_question", table_name="share")
    op.drop_index("ix_share_option", table_name="share")
    op.drop_index(
        "ix_share_current_cell",
        table_name="share",
        sqlite_where=sa.text("replaced_in IS NULL"),
        postgresql_where=sa.text("replaced_in IS NULL"),
    )

    op.drop_table("share")
    op.drop_index(
        "ix_published_total_current",
        table_name="publishedtotal",
        sqlite_where=sa.text("replaced_in IS NULL"),
        postgresql_where=sa.text("replaced_in IS NULL"),
    )

    op.drop_table("publishedtotal")
    op.drop_table("indicatoroption")
    op.drop_index(op.f("ix_option_question_id"), table_name="option")

    op.drop_table("option")
    op.drop_index(op.f("ix_indicator_question_id"), table_name="indicator")

    op.drop_table("indicator")
    op.drop_index(op.f("ix_wave_survey_id"), table_name="wave")

    op.drop_table("wave")
    op.drop_index(op.f("ix_question_topic_id"), table_name="question")
    op.drop_index(op.f("ix_question_survey_id"), table_name="question")

    op.drop_table("question")
    op.drop_table("topic")
    op.drop_table("survey")
    op.drop_table("source")
    op.drop_table("segment")
    op.drop_table("release")
