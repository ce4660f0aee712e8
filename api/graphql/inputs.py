"""GraphQL inputs: each converts to the same filter object REST builds (models.filters)."""

from __future__ import annotations

from dataclasses import replace

import strawberry

from api.graphql.enums import ShareStatus
from models.filters import ShareFilter, check_code
from models.statuses import ShareStatus as ShareStatusValue


@strawberry.input(description="Narrows shares; every field given must match, a list matches any.")
class ShareFilterInput:
    surveys: list[str] | None = None
    waves: list[int] | None = None
    questions: list[str] | None = None
    options: list[str] | None = None
    segments: list[str] | None = None
    statuses: list[ShareStatus] | None = None

    @staticmethod
    def code(name: str, value: str) -> str:
        return check_code(name, value)

    def to_filter(self) -> ShareFilter:
        def codes(name: str, values: list[str] | None) -> tuple[str, ...]:
            return tuple(check_code(name, value) for value in values or ())

        return ShareFilter(
            surveys=codes("surveys", self.surveys),
            waves=tuple(self.waves or ()),
            questions=codes("questions", self.questions),
            options=codes("options", self.options),
            segments=codes("segments", self.segments),
            statuses=tuple(ShareStatusValue(status) for status in self.statuses or ()),
        )

    @staticmethod
    def convert(input: ShareFilterInput | None, *, as_of: int | None = None) -> ShareFilter:
        """The filter the input describes, showing figures as of release `as_of`."""
        filter = input.to_filter() if input is not None else ShareFilter()
        return replace(filter, as_of=as_of)
