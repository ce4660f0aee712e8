"""GraphQL enums, declared once for types and inputs alike."""

from __future__ import annotations

import strawberry

from api.languages import Language as Language  # re-exported: declared in the kit
from models.tables import QuestionKind as QuestionKindValue, ShareStatus as ShareStatusValue

# The kit's enum itself, so that GraphQL offers exactly the languages REST and the pages do.
strawberry.enum(Language, description="Language of labels and texts: Norwegian bokmål or English.")

ShareStatus = strawberry.enum(
    ShareStatusValue, description="Why a share has the value it has, or why it has none."
)
QuestionKind = strawberry.enum(QuestionKindValue, description="How a question is answered.")
