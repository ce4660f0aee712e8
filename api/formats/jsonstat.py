"""JSON-stat 2.0 datasets: the shares as a cube of cells with labelled dimensions.

Every dataset has the dimensions wave (role time), question, option and segment, in that
order, so the cell of category positions (w, q, o, s) is at index ((w·Q + q)·O + o)·S + s
of `value`. A cell holds the share's value, or null when no number is known:

* `status` gives every cell that is not `published` its status (`approximate` and
  `derived` cells have a value; `qualitative`, `not_published` and `no_source` ones have
  none, `no_source` meaning that no source we hold reports the cell);
* a null cell without a status is no combination at all: its option belongs to another
  question of the dataset;
* `extension` carries, by cell index like `status`, what JSON-stat has no place for:
  `base_n`, the `source` code, the date that source was published (`source_published`:
  a date, year-month or year; no entry for an undated source) and our `note` of each cell.
  A question's or an indicator's dataset adds `waves_with_figures`, the waves a source we
  hold reports it for (models.read.coverage); every other wave's cells have no figure
  known.

Option codes are unique within a question only. Where a dataset spans questions, an
option category stands for every option with that code (the cells keep them apart by
question), and its label lists the labels when they differ.

See https://json-stat.org/format/ for the format.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

from models.filters import TooManyCells
from models.records import (
    IndicatorTable,
    QuestionCube,
    ReleaseRecord,
    ShareRecord,
    ShareTable,
    SourceRecord,
    WaveRecord,
    text_in,
)
from models.statuses import FIGURE_STATUS_OF, FigureStatus

JSON = dict[str, Any]
Key = tuple[str, str, str, str]  # wave, question, option, segment

DIMENSION_LABELS = {
    "wave": {"nb": "Runde", "nn": "Runde", "en": "Wave"},
    "question": {"nb": "Spørsmål", "nn": "Spørsmål", "en": "Question"},
    "option": {"nb": "Svaralternativ", "nn": "Svaralternativ", "en": "Answer option"},
    "segment": {"nb": "Gruppe", "nn": "Gruppe", "en": "Segment"},
}

SHARES_LABEL = {"nb": "Svarandeler", "nn": "Svarfordeling", "en": "Answer shares"}

STATUS_NOTE = {
    "nb": (
        "Verdiene er prosent. En celle med status approximate har en omtrentlig verdi, en"
        " med status derived en verdi vi har regnet ut av publiserte tall. En celle uten"
        " verdi har status qualitative (kilden beskriver andelen bare med ord),"
        " not_published (kilden nevner svaret uten tall) eller no_source (ingen kilde vi har"
        " oppgir noe tall). En tom celle uten status er ingen kombinasjon: svaret hører til"
        " et annet spørsmål."
    ),
    "nn": (
        "Verdiane er prosent. Ei celle med status approximate har ein omtrentleg verdi, ei"
        " med status derived ein verdi vi har rekna ut av publiserte tal. Ei celle utan"
        " verdi har status qualitative (kjelda skildrar delen berre med ord),"
        " not_published (kjelda nemner svaret utan tal) eller no_source (inga kjelde vi har,"
        " oppgir noko tal). Ei tom celle utan status er ingen kombinasjon: svaret høyrer til"
        " eit anna spørsmål."
    ),
    "en": (
        "Values are percentages. A cell with status approximate has an approximate value,"
        " one with status derived a value we computed from published figures. A cell"
        " without a value has status qualitative (the source describes the share in words"
        " only), not_published (the source names the answer without a number) or no_source"
        " (no source we hold gives a figure). An empty cell without a status is no"
        " combination: its option belongs to another question."
    ),
}


@dataclass(frozen=True, slots=True)
class Links:
    """Where a dataset is documented, and the licences stated for its data (none: none)."""

    documentation: str
    licences: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Cell:
    value: float | None
    status: FigureStatus
    base_n: int | None
    source: str
    note: str | None
    source_published: str | None


# The categories (code → label, in order) of wave, question, option and segment.
Dimensions = tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]


def _text(record: object, name: str, lang: str) -> str | None:
    value: str | None = text_in(record, name, lang)
    return value


def updated(release: ReleaseRecord | None) -> str | None:
    if release is None:
        return None
    return release.loaded_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _source(sources: Sequence[SourceRecord]) -> str | None:
    return "; ".join(f"{item.publisher}: {item.title}" for item in sources) or None


def _waves(waves: Iterable[WaveRecord]) -> dict[str, str]:
    return {str(wave.year): str(wave.year) for wave in waves}


def _share_cells(shares: Iterable[ShareRecord], lang: str) -> dict[Key, Cell]:
    return {
        (str(share.wave), share.question, share.option, share.segment): Cell(
            share.value,
            FIGURE_STATUS_OF[share.status],
            share.base_n,
            share.source,
            _text(share, "note", lang),
            share.source_published,
        )
        for share in shares
    }


def _size(dimensions: Dimensions) -> int:
    return math.prod(len(categories) for categories in dimensions)


def _dataset(
    *,
    label: str,
    dimensions: Dimensions,
    cells: Mapping[Key, Cell],
    lang: str,
    links: Links,
    sources: Sequence[SourceRecord],
    release: ReleaseRecord | None,
    notes: Sequence[str],
    extension: JSON | None = None,
    pairs: Collection[tuple[str, str]] = (),
) -> JSON:
    """`pairs` are the (question, option) combinations of the dataset: their cells without
    a figure get the status `no_source`."""
    ids = tuple(DIMENSION_LABELS)
    sizes = [len(categories) for categories in dimensions]
    positions = [{code: index for index, code in enumerate(c)} for c in dimensions]
    value: list[float | None] = [None] * _size(dimensions)
    status: dict[str, str] = {}
    base_n: dict[str, int] = {}
    source: dict[str, str] = {}
    published: dict[str, str] = {}
    note: dict[str, str] = {}

    def index_of(key: Key) -> int:
        index = 0
        for position, size, code in zip(positions, sizes, key, strict=True):
            index = index * size + position[code]
        return index

    for key, cell in cells.items():
        index = index_of(key)
        at = str(index)
        value[index] = cell.value
        if cell.source:
            source[at] = cell.source
        if cell.source_published:
            published[at] = cell.source_published
        if cell.status is not FigureStatus.PUBLISHED:
            status[at] = cell.status.value
        if cell.base_n is not None:
            base_n[at] = cell.base_n
        if cell.note:
            note[at] = cell.note

    waves, segments = positions[0], positions[3]
    for wave, (question, option), segment in product(waves, pairs, segments):
        index = index_of((wave, question, option, segment))
        if value[index] is None and str(index) not in status:
            status[str(index)] = FigureStatus.NO_SOURCE.value

    link: JSON = {"describedby": [{"href": links.documentation, "type": "text/html"}]}
    if links.licences:
        link["license"] = [{"href": licence} for licence in links.licences]
    document: JSON = {"version": "2.0", "class": "dataset", "label": label}
    if (text := _source(sources)) is not None:
        document["source"] = text
    if (moment := updated(release)) is not None:
        document["updated"] = moment
    document |= {
        "note": [note for note in notes if note],
        "link": link,
        "id": list(ids),
        "size": sizes,
        "role": {"time": ["wave"]},
        "dimension": {
            id_: {
                "label": DIMENSION_LABELS[id_][lang],
                "category": {"index": list(categories), "label": dict(categories)},
            }
            for id_, categories in zip(ids, dimensions, strict=True)
        },
        "value": value,
        "status": status,
        "extension": {
            "base_n": base_n,
            "source": source,
            "source_published": published,
            "note": note,
            **(extension or {}),
        },
    }
    return document


def shares_dataset(
    table: ShareTable, lang: str, *, links: Links, max_cells: int, label: str | None = None
) -> JSON:
    """Shares of any filter. Categories are those the shares fall in; waves are every wave
    of their surveys within the filter, so a wave without figures shows as empty cells.

    TooManyCells when the cube (every combination of the categories) has more than
    `max_cells` cells, as it can when the shares span questions with different options.
    """
    shares = sorted(table.shares, key=lambda s: (s.question_id, s.option_id, s.segment_id))
    questions: dict[str, str] = {}
    labels: dict[str, list[str]] = {}
    for share in shares:
        questions.setdefault(share.question, _text(share, "question_text", lang) or "")
        option_labels = labels.setdefault(share.option, [])
        option_label = _text(share, "option_label", lang) or ""
        if option_label not in option_labels:
            option_labels.append(option_label)
    segments = {
        share.segment: _text(share, "segment_label", lang) or ""
        for share in sorted(shares, key=lambda s: s.segment_id)
    }
    options = {code: " / ".join(texts) for code, texts in labels.items()}
    dimensions: Dimensions = (_waves(table.waves), questions, options, segments)
    TooManyCells.check(
        _size(dimensions),
        max_cells,
        narrow="narrow the filters (one question at a time makes the smallest table)",
    )
    return _dataset(
        label=label or SHARES_LABEL[lang],
        dimensions=dimensions,
        cells=_share_cells(table.shares, lang),
        lang=lang,
        links=links,
        sources=table.sources,
        release=table.release,
        notes=[STATUS_NOTE[lang]],
        pairs={(share.question, share.option) for share in shares},
    )


def question_dataset(cube: QuestionCube, lang: str, *, links: Links) -> JSON:
    """A question's table, or a selection from it: every chosen wave, option and segment."""
    dims, question = cube.dimensions, cube.dimensions.question
    return _dataset(
        label=_text(question, "text", lang) or question.code,
        dimensions=(
            _waves(dims.waves),
            {question.code: _text(question, "text", lang) or ""},
            {option.code: _text(option, "label", lang) or "" for option in dims.options},
            {segment.code: _text(segment, "label", lang) or "" for segment in dims.segments},
        ),
        cells=_share_cells(cube.table.shares, lang),
        lang=lang,
        links=links,
        sources=cube.table.sources,
        release=cube.table.release,
        notes=[STATUS_NOTE[lang], _text(question, "note", lang) or ""],
        pairs=[(question.code, option.code) for option in dims.options],
        extension={"waves_with_figures": list(dims.waves_with_figures)},
    )


def series_dataset(table: IndicatorTable, lang: str, *, links: Links) -> JSON:
    """An indicator's series: one cell per wave. Its option category stands for the sum of
    the indicator's options (`moderate+high+very-high`) and is labelled with its title.
    By cell index, `extension.derived` gives the rule and parts of each derived value, and
    `extension.published_total` the total a source printed, with that source.
    """
    indicator, series = table.detail.indicator, table.detail.series
    option = "+".join(indicator.options)
    cells = {
        (str(point.wave), indicator.question, option, series.segment): Cell(
            point.value,
            point.status,
            point.base_n,
            ",".join(point.sources),
            " ".join(getattr(point, f"notes_{lang}")) or None,
            point.source_published,
        )
        for point in series.points
    }
    totals = {
        str(index): {"value": total.value, "source": total.source}
        for index, point in enumerate(series.points)
        if (total := point.published_total) is not None
    }
    derived = {
        str(index): {
            "rule": point.rule,
            "parts": [
                {"option": part.option, "value": part.value, "status": part.status.value,
                 "source": part.source}
                for part in point.parts
            ],
        }
        for index, point in enumerate(series.points)
        if point.rule is not None
    }  # fmt: skip
    return _dataset(
        label=_text(indicator, "title", lang) or indicator.code,
        dimensions=(
            {str(point.wave): str(point.wave) for point in series.points},
            {indicator.question: _text(table.question, "text", lang) or ""},
            {option: _text(indicator, "title", lang) or ""},
            {series.segment: _text(table.segment, "label", lang) or ""},
        ),
        cells=cells,
        lang=lang,
        links=links,
        sources=table.detail.sources,
        release=table.release,
        notes=[STATUS_NOTE[lang], _text(indicator, "description", lang) or ""],
        extension={
            "unit": indicator.unit,
            "published_total": totals,
            "derived": derived,
            "waves_with_figures": list(table.detail.waves_with_figures),
        },
    )


def sparse(dataset: JSON) -> JSON:
    """The dataset without its empty cells, as JSON-stat 2.0 allows: `value` an object of
    the cells with a number, keyed by cell index (a cell left out is null). `status` keeps
    why a cell without a number has none (`qualitative`, `not_published`) but not
    `no_source`, which the left-out cell says already."""
    values = {
        str(index): value for index, value in enumerate(dataset["value"]) if value is not None
    }
    status = {
        index: status
        for index, status in dataset["status"].items()
        if status != FigureStatus.NO_SOURCE.value
    }
    return dataset | {"value": values, "status": status}
