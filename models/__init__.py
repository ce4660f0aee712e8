"""The data model, the database and the query layer; knows SQL, nothing of HTTP."""

from models.tables import (
    Indicator,
    IndicatorOption,
    Option,
    PublishedTotal,
    Question,
    QuestionKind,
    Release,
    Segment,
    Share,
    ShareStatus,
    Source,
    Survey,
    Topic,
    Wave,
)

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
    "ShareStatus",
    "Source",
    "Survey",
    "Topic",
    "Wave",
]
