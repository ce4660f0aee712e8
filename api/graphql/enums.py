"""GraphQL enums, declared once for types and inputs alike."""

from __future__ import annotations

from enum import Enum

import strawberry

from models.tables import QuestionKind as QuestionKindValue, ShareStatus as ShareStatusValue


@strawberry.enum(description="Language of labels and texts: Norwegian bokmål or English.")
class Language(Enum):
    NB = "nb"
    EN = "en"


ShareStatus = strawberry.enum(
    ShareStatusValue, description="Why a share has the value it has, or why it has none."
)
QuestionKind = strawberry.enum(QuestionKindValue, description="How a question is answered.")
