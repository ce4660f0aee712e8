"""What each status of a figure means: a stored share's, and a served figure's.

Apart from the tables so that the filters, and what imports them before the app is
loaded (api.problems for the server), need not load SQLModel."""

from __future__ import annotations

from enum import StrEnum


class ShareStatus(StrEnum):
    """Why a share has the value it has, or why it has none."""

    PUBLISHED = "published"  # the number as the source gives it
    APPROXIMATE = "approximate"  # the source gives the number as approximate ("nearly 10")
    QUALITATIVE = "qualitative"  # the source describes the share in words only; no number
    NOT_PUBLISHED = "not_published"  # the source names the item but gives no number

    @property
    def has_value(self) -> bool:
        return self in (ShareStatus.PUBLISHED, ShareStatus.APPROXIMATE)


class FigureStatus(StrEnum):
    """What a served figure is: a stored share's status, or one only the read layer gives.

    One meaning each, in every format, chart and page. A figure we compute is `derived`,
    never `published`; a wave no source we hold reports is `no_source`, never withheld.
    """

    PUBLISHED = "published"  # printed by a source
    APPROXIMATE = "approximate"  # given by the source as approximate
    DERIVED = "derived"  # computed by us from published figures, with its rule and parts
    QUALITATIVE = "qualitative"  # described by the source in words only
    NOT_PUBLISHED = "not_published"  # named by the source without a number
    NO_SOURCE = "no_source"  # no source we hold reports it: no figure is known

    @property
    def has_value(self) -> bool:
        return self in (FigureStatus.PUBLISHED, FigureStatus.APPROXIMATE, FigureStatus.DERIVED)


# A stored share's status as a served figure's: a lookup, cheaper per cell than a call.
FIGURE_STATUS_OF = {status: FigureStatus(status.value) for status in ShareStatus}
