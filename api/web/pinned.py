"""What a widget pinned to a release (`as_of`) says: the release it shows and, when the newest
release shows other figures, that it does, with a link to the live widget."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from api.params import AS_OF
from api.web.pinned_words import PINNED_WORDS
from models import read
from models.cited import CitedIndicator, PinnedIndicator
from models.read import Readers


@dataclass(frozen=True, slots=True)
class PinnedNote:
    shows: str  # "Tall fra datautgave 1 (2026-12-03)."
    newer: str | None  # "Datautgave 2 har nyere tall.", when it has
    live: str  # the link's words
    live_url: str  # the same widget, live


def live(address: str, query: QueryParams) -> str:
    """`address` with `query` less its `as_of`: what a pinned address shows now."""
    kept = urlencode([(name, value) for name, value in query.multi_items() if name != AS_OF])
    return f"{address}?{kept}" if kept else address


def note(found: PinnedIndicator, lang: str, live_url: str) -> PinnedNote:
    words, release = PINNED_WORDS[lang], found.cited.release
    assert release is not None  # a pinned release exists: api.params.release_as_of checked it
    newer = None
    if found.changed_since and found.newest is not None:
        newer = words["newer"].format(newest=found.newest.id)
    return PinnedNote(
        shows=words["shows"].format(release=release.id, day=release.loaded_at.date().isoformat()),
        newer=newer,
        live=words["live"],
        live_url=live_url,
    )


async def indicator(
    readers: Readers, code: str, as_of: int | None, lang: str, live_url: str
) -> tuple[CitedIndicator | None, PinnedNote | None]:
    """The indicator live (no note), or as of release `as_of` with what its widget says of
    it; (None, None) for an unknown code."""
    if as_of is None:
        return await readers.run(read.cited_indicator, code), None
    found = await readers.run(read.pinned_indicator, code, as_of)
    if found is None:
        return None, None
    return found.cited, note(found, lang, live_url)
