"""A question's table as the laid-out formats see it: categories and cells with statuses.

XLSX, PX, HTML and json-px lay out the same cells as the JSON-stat dataset of
api.formats.jsonstat, so they read that dataset rather than the records: every format
then gives a cell the same value and the same status, `no_source` included. A cell's
`status` is `published` when it has a value and no other status; None only for a cell
that is no combination at all (its option belongs to another question), which a
question's own table never has.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from api.formats import jsonstat
from models.records import QuestionCube
from models.statuses import FigureStatus

UNIT = {"nb": "prosent", "nn": "prosent", "en": "percent"}
TITLE_BY = {
    "nb": "etter svaralternativ, gruppe og runde",
    "nn": "etter svaralternativ, gruppe og runde",
    "en": "by answer option, segment and wave",
}
VALUE_LABEL = {"nb": "Andel (prosent)", "nn": "Del (prosent)", "en": "Share (percent)"}
STATUS_LABEL = {"nb": "Status", "nn": "Status", "en": "Status"}
SOURCE_LABEL = {"nb": "Kilde", "nn": "Kjelde", "en": "Source"}
NOTE_LABEL = {"nb": "Merknad", "nn": "Merknad", "en": "Note"}
LICENCE_LABEL = {"nb": "Lisens", "nn": "Lisens", "en": "Licence"}
UPDATED_LABEL = {"nb": "Oppdatert", "nn": "Oppdatert", "en": "Updated"}
DOCUMENTATION_LABEL = {"nb": "Dokumentasjon", "nn": "Dokumentasjon", "en": "Documentation"}
BASE_N_LABEL = {"nb": "Antall svar", "nn": "Talet på svar", "en": "Respondents"}
CODE_LABEL = {"nb": "kode", "nn": "kode", "en": "code"}


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class GridCell:
    wave: Category
    option: Category
    segment: Category
    value: float | None
    status: str | None  # a FigureStatus value; None: no combination
    base_n: int | None
    source: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class Grid:
    lang: str
    question: Category  # its code, and its text
    topic: str
    dimension_labels: dict[str, str]  # wave, option, segment → label
    waves: tuple[Category, ...]
    options: tuple[Category, ...]
    segments: tuple[Category, ...]
    cells: dict[tuple[str, str, str], GridCell]  # by (wave, option, segment) code
    source: str | None
    notes: tuple[str, ...]
    updated: str | None  # ISO 8601 in UTC, "Z"; None: no release yet
    licences: tuple[str, ...]
    documentation: str

    @property
    def updated_seconds(self) -> str | None:
        """`updated` to the second (`2026-12-03T18:50:18Z`), as PxWeb and HTML's <time>
        write an instant."""
        if self.updated is None:
            return None
        instant = dt.datetime.fromisoformat(self.updated.replace("Z", "+00:00"))
        return instant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def title(self) -> str:
        return f"{self.question.label} ({TITLE_BY[self.lang]})"

    @property
    def unit(self) -> str:
        return UNIT[self.lang]

    def cell(self, wave: str, option: str, segment: str) -> GridCell:
        return self.cells[(wave, option, segment)]

    def rows(self) -> list[GridCell]:
        """Every cell, by option, then segment, then wave (a stub of option × segment)."""
        return [
            self.cells[(wave.code, option.code, segment.code)]
            for option in self.options
            for segment in self.segments
            for wave in self.waves
        ]


def _categories(dataset: dict[str, Any], name: str) -> tuple[Category, ...]:
    category = dataset["dimension"][name]["category"]
    return tuple(Category(code, category["label"][code]) for code in category["index"])


def grid(cube: QuestionCube, lang: str, *, links: jsonstat.Links) -> Grid:
    """The table of `cube` in `lang`, with the cells of its JSON-stat dataset."""
    dataset = jsonstat.question_dataset(cube, lang, links=links)
    waves, options, segments = (_categories(dataset, n) for n in ("wave", "option", "segment"))
    (question,) = _categories(dataset, "question")
    status, extension = dataset["status"], dataset["extension"]
    cells: dict[tuple[str, str, str], GridCell] = {}
    for index, value in enumerate(dataset["value"]):
        rest, segment_at = divmod(index, len(segments))
        wave_at, option_at = divmod(rest, len(options))  # the question dimension has size 1
        at = str(index)
        wave, option, segment = waves[wave_at], options[option_at], segments[segment_at]
        published = FigureStatus.PUBLISHED.value if value is not None else None
        cells[(wave.code, option.code, segment.code)] = GridCell(
            wave, option, segment, value, status.get(at, published),
            extension["base_n"].get(at), extension["source"].get(at), extension["note"].get(at),
        )  # fmt: skip
    return Grid(
        lang=lang,
        question=question,
        topic=cube.dimensions.question.topic,
        dimension_labels={
            name: dataset["dimension"][name]["label"] for name in ("wave", "option", "segment")
        },
        waves=waves,
        options=options,
        segments=segments,
        cells=cells,
        source=dataset.get("source"),
        notes=tuple(dataset["note"]),
        updated=dataset.get("updated"),
        licences=links.licences,
        documentation=links.documentation,
    )
