"""Every table of the data model, in one file.

Codes are the public identifiers (stable, lowercase, URL-safe); integer ids stay inside
the database. A published figure is never overwritten: each share row records the
release that published it and the release that replaced it (NULL while current), so
"as of release N" is a plain filter and a correction adds a row.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.statuses import ShareStatus


class QuestionKind(StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    SCALE = "scale"


def _enum_column(enum: type[StrEnum]) -> sa.Enum:
    """Store an enum by its value, checked by the database, portable to any backend."""
    return sa.Enum(
        enum,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )


class Release(SQLModel, table=True):
    """One successful load of data. The newest id is the data version."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime
    message: str
    checksum: str = Field(max_length=64)
    added: int = 0
    changed: int = 0
    removed: int = 0


class Source(SQLModel, table=True):
    """A publication that figures come from, described in our own words."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    title: str
    publisher: str
    url: str | None = None
    published: str | None = Field(default=None, max_length=10)  # ISO 8601: YYYY, YYYY-MM or a date
    date_note_nb: str | None = None
    date_note_en: str | None = None
    date_note_nn: str | None = None
    description_nb: str
    description_en: str
    description_nn: str


class Survey(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    title_nb: str
    title_en: str
    title_nn: str
    publisher: str
    description_nb: str
    description_en: str
    description_nn: str
    homepage: str | None = None
    licence: str | None = None  # None: the owner states no licence, and we invent none
    synthetic: bool = False  # generated test data, never published figures


class Wave(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("survey_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    year: int
    title_nb: str
    title_en: str
    title_nn: str
    fieldwork: str | None = None
    respondents: int | None = None
    population: int | None = None
    response_rate: float | None = None
    published_on: dt.date | None = None
    source_id: int | None = Field(default=None, foreign_key="source.id")
    note_nb: str | None = None
    note_en: str | None = None
    note_nn: str | None = None


class Topic(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    label_nb: str
    label_en: str
    label_nn: str


class Question(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    code: str = Field(unique=True, max_length=128)
    topic_id: int = Field(foreign_key="topic.id", index=True)
    kind: QuestionKind = Field(sa_type=_enum_column(QuestionKind))
    position: int
    text_nb: str
    text_en: str
    text_nn: str
    note_nb: str | None = None
    note_en: str | None = None
    note_nn: str | None = None
    # Casefolded code, texts and option labels in every language: a portable
    # case-insensitive search (SQL LOWER() folds ASCII only, not æ, ø, å).
    search_text: str = ""


class Option(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("question_id", "code"),
        # Target of the share's composite key: a share's option belongs to its question.
        UniqueConstraint("id", "question_id", name="uq_option_id_question"),
    )

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True)
    code: str = Field(max_length=128)
    position: int
    label_nb: str
    label_en: str
    label_nn: str


class Segment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=128)
    dimension: str = Field(max_length=64)
    label_nb: str
    label_en: str
    label_nn: str


class Share(SQLModel, table=True):
    """The percentage of a segment choosing an option of a question in a wave."""

    __table_args__ = (
        # One current figure per cell; replaced rows stay as history.
        Index(
            "ix_share_current_cell",
            "wave_id",
            "question_id",
            "option_id",
            "segment_id",
            unique=True,
            sqlite_where=text("replaced_in IS NULL"),
            postgresql_where=text("replaced_in IS NULL"),
        ),
        # A page of one question's (or option's) shares in cell order: with the order in
        # the index, PostgreSQL stops at the page's end rather than walking the cell index
        # for a question it guessed was common (docs/benchmarks.md).
        Index("ix_share_question", "question_id", "wave_id", "option_id", "segment_id"),
        Index("ix_share_option", "option_id", "wave_id", "segment_id"),
        # Shares as of an earlier release, in cell order (the unique index above holds only
        # current rows); and a release's changes: the rows it published, and those it replaced.
        Index("ix_share_cell", "wave_id", "question_id", "option_id", "segment_id"),
        Index(
            "ix_share_release", "release_id", "wave_id", "question_id", "option_id", "segment_id"
        ),
        Index(
            "ix_share_replaced",
            "replaced_in",
            "wave_id",
            "question_id",
            "option_id",
            "segment_id",
            sqlite_where=text("replaced_in IS NOT NULL"),
            postgresql_where=text("replaced_in IS NOT NULL"),
        ),
        CheckConstraint(
            "value IS NULL OR (value >= 0 AND value <= 100)", name="share_value_percent"
        ),
        CheckConstraint(
            "(value IS NULL) = (status IN ('qualitative', 'not_published'))",
            name="share_value_matches_status",
        ),
        CheckConstraint("base_n IS NULL OR base_n > 0", name="share_base_n_positive"),
        ForeignKeyConstraint(
            ["option_id", "question_id"],
            ["option.id", "option.question_id"],
            name="fk_share_option_of_question",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id")
    question_id: int = Field(foreign_key="question.id")
    option_id: int = Field(foreign_key="option.id")
    segment_id: int = Field(foreign_key="segment.id")
    value: float | None = None
    base_n: int | None = None
    status: ShareStatus = Field(sa_type=_enum_column(ShareStatus))
    note_nb: str | None = None
    note_en: str | None = None
    note_nn: str | None = None
    source_id: int = Field(foreign_key="source.id")
    # Where in the source the figure stands, in our words: in English, bokmål and nynorsk.
    locator: str | None = None
    locator_nb: str | None = None
    locator_nn: str | None = None
    release_id: int = Field(foreign_key="release.id")
    replaced_in: int | None = Field(default=None, foreign_key="release.id")


class Indicator(SQLModel, table=True):
    """A named series: the sum of one or more options of one question, per wave."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=128)
    question_id: int = Field(foreign_key="question.id", index=True)
    position: int
    unit: str = "percent"
    title_nb: str
    title_en: str
    title_nn: str
    description_nb: str
    description_en: str
    description_nn: str


class IndicatorOption(SQLModel, table=True):
    indicator_id: int = Field(foreign_key="indicator.id", primary_key=True)
    option_id: int = Field(foreign_key="option.id", primary_key=True)


class PublishedTotal(SQLModel, table=True):
    """An indicator total as a source printed it (often rounded), kept beside our sum.

    The computed value stays the sum of the options; this records what the public
    read, so that 94.7 and the published 95 can both be cited.
    """

    __table_args__ = (
        Index(
            "ix_published_total_current",
            "indicator_id",
            "wave_id",
            "segment_id",
            unique=True,
            sqlite_where=text("replaced_in IS NULL"),
            postgresql_where=text("replaced_in IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id")
    wave_id: int = Field(foreign_key="wave.id")
    segment_id: int = Field(foreign_key="segment.id")
    value: float
    source_id: int = Field(foreign_key="source.id")
    locator: str | None = None  # in English
    locator_nb: str | None = None
    locator_nn: str | None = None
    note_nb: str | None = None
    note_en: str | None = None
    note_nn: str | None = None
    release_id: int = Field(foreign_key="release.id")
    replaced_in: int | None = Field(default=None, foreign_key="release.id")


__all__ = [
    "Indicator",
    "IndicatorOption",
    "Option",
    "PublishedTotal",
    "Question",
    "QuestionKind",
    "Release",
    "Segment",
    "Share",
    "Source",
    "Survey",
    "Topic",
    "Wave",
]


class SavedQuery(SQLModel, table=True):
    """A PxWebApi 2 saved query: a selection from a table, kept to be run again."""

    __tablename__ = "saved_query"

    id: str = Field(primary_key=True, max_length=32)
    table_id: str = Field(max_length=128)
    language: str = Field(max_length=8)
    selection: str  # the VariablesSelection, as JSON
    output_format: str = Field(max_length=16)
    output_format_params: str = Field(default="", max_length=256)  # comma-separated
    created_at: dt.datetime
