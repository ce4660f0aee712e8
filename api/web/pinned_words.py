"""What a pinned widget says of the release it shows, in each language (nn beside nb and en)."""

from __future__ import annotations

from api import languages

# Kept in the languages offered (api.languages), each of which it must have.
PINNED_WORDS = {
    "nb": {
        "shows": "Tall fra datautgave {release} ({day}).",
        "newer": "Datautgave {newest} har nyere tall.",
        "live": "Se de nyeste tallene",
    },
    "nn": {
        "shows": "Tal frå datautgåve {release} ({day}).",
        "newer": "Datautgåve {newest} har nyare tal.",
        "live": "Sjå dei nyaste tala",
    },
    "en": {
        "shows": "Figures from release {release} ({day}).",
        "newer": "Release {newest} has newer figures.",
        "live": "See the latest figures",
    },
}
PINNED_WORDS = {lang: PINNED_WORDS[lang] for lang in languages.CODES}
