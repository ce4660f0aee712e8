"""GraphQL enums, declared once for types and inputs alike."""

from __future__ import annotations

from typing import TypeAlias

import strawberry

from api.languages import Language as Language  # re-exported: declared in the kit
from models.statuses import FigureStatus as FigureStatusValue, ShareStatus as ShareStatusValue
from models.tables import (
    QuestionKind as QuestionKindValue,
)

# The kit's enum itself, so that GraphQL offers exactly the languages REST and the pages do.
strawberry.enum(
    Language,
    description="Language of labels and texts: Norwegian bokmål, Norwegian nynorsk or English.",
)


# strawberry.enum marks the models' own enums as GraphQL enums, so the types name them as
# they are: a name bound to the call's result would be a variable to mypy, not a type.
strawberry.enum(
    ShareStatusValue, description="Why a share has the value it has, or why it has none."
)
strawberry.enum(
    FigureStatusValue,
    description=(
        "What a served figure is. PUBLISHED: printed by a source. APPROXIMATE: given by the"
        " source as approximate. DERIVED: computed by us from published figures (see `rule`"
        " and `parts`), never printed by a source. QUALITATIVE: the source describes it in"
        " words only. NOT_PUBLISHED: the source names the answer without a number."
        " NO_SOURCE: no source we hold reports it for this wave: no figure is known."
    ),
)
strawberry.enum(QuestionKindValue, description="How a question is answered.")
ShareStatus: TypeAlias = ShareStatusValue
FigureStatus: TypeAlias = FigureStatusValue
QuestionKind: TypeAlias = QuestionKindValue
