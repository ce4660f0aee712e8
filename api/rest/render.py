"""Records → JSON-ready dicts in one language. Ids never leave; codes do."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from api import licences
from api.links import FigureLinks
from api.responses import JSONResponse
from models.changes import Change, FigureChange
from models.read.updates import RemovedFigure
from models.records import (
    IndicatorRecord,
    OptionRecord,
    PublishedTotalRecord,
    QuestionRecord,
    ReleaseRecord,
    SegmentRecord,
    Series,
    SeriesPoint,
    ShareRecord,
    SourceRecord,
    SurveyRecord,
    TopicRecord,
    WaveRecord,
    locator_attribute,
    text_attribute,
    text_in,
    texts_in,
)

JSON = dict[str, Any]
R = TypeVar("R")


text = text_in  # a record's text in a language: render.text(record, "label", lang)


def survey(record: SurveyRecord, lang: str) -> JSON:
    return {
        "code": record.code,
        "title": text(record, "title", lang),
        "publisher": record.publisher,
        "description": text(record, "description", lang),
        "homepage": record.homepage,
        "licence": record.licence,
        "licence_name": None if record.licence is None else licences.name(record.licence, lang),
        "synthetic": record.synthetic,
    }


def wave(record: WaveRecord, lang: str) -> JSON:
    return {
        "survey": record.survey,
        "year": record.year,
        "title": text(record, "title", lang),
        "fieldwork": record.fieldwork,
        "respondents": record.respondents,
        "population": record.population,
        "response_rate": record.response_rate,
        "published_on": record.published_on,
        "source": record.source,
        "note": text(record, "note", lang),
    }


def topic(record: TopicRecord, lang: str) -> JSON:
    return {"code": record.code, "label": text(record, "label", lang)}


def segment(record: SegmentRecord, lang: str) -> JSON:
    return {
        "code": record.code,
        "dimension": record.dimension,
        "label": text(record, "label", lang),
    }


def source(record: SourceRecord, lang: str) -> JSON:
    return {
        "code": record.code,
        "title": record.title,
        "publisher": record.publisher,
        "url": record.url,
        "published": record.published,
        "date_note": text(record, "date_note", lang),
        "description": text(record, "description", lang),
    }


def question(record: QuestionRecord, lang: str) -> JSON:
    return {
        "code": record.code,
        "survey": record.survey,
        "topic": record.topic,
        "kind": record.kind.value,
        "text": text(record, "text", lang),
        "note": text(record, "note", lang),
    }


def covered_question(item: tuple[QuestionRecord, tuple[int, ...]], lang: str) -> JSON:
    """A question with the waves it has figures for (models.read.coverage)."""
    record, waves = item
    return {**question(record, lang), "waves_with_figures": list(waves)}


def option(record: OptionRecord, lang: str) -> JSON:
    return {"code": record.code, "position": record.position, "label": text(record, "label", lang)}


# A page renders hundreds of shares: `shares` makes its lookups once for the page, reads a
# share's texts in one call and builds each dict whole (merging two is a visible part of a
# page's time: docs/benchmarks.md), and leaves the status an enum, which orjson writes as
# its value.
SHARE_TEXTS = ("option_label", "segment_label", "note")


def shares(records: Iterable[ShareRecord], lang: str, links: FigureLinks) -> list[JSON]:
    """Rows of the flat shares table: codes and labels, then the figure and its link."""
    texts = texts_in(lang, *SHARE_TEXTS)
    locator = locator_attribute(lang)
    link = links.share
    rows = []
    for record in records:
        option_label, segment_label, note = texts(record)
        rows.append(
            {
                "survey": record.survey,
                "wave": record.wave,
                "question": record.question,
                "option": record.option,
                "option_label": option_label,
                "segment": record.segment,
                "segment_label": segment_label,
                "value": record.value,
                "base_n": record.base_n,
                "status": record.status,
                "note": note,
                "source": record.source,
                "source_published": record.source_published,
                "locator": getattr(record, locator) or record.locator,
                "figure": link(record),
            }
        )
    return rows


def share(record: ShareRecord, lang: str, links: FigureLinks) -> JSON:
    """A row of the flat shares table (`shares` of one)."""
    return shares((record,), lang, links)[0]


def option_shares(records: Iterable[ShareRecord], lang: str, links: FigureLinks) -> list[JSON]:
    """Shares inside their option: the wave and segment, then the figure and its link."""
    note = text_attribute("note", lang)
    locator = locator_attribute(lang)
    link = links.share
    return [
        {
            "wave": record.wave,
            "segment": record.segment,
            "value": record.value,
            "base_n": record.base_n,
            "status": record.status,
            "note": getattr(record, note),
            "source": record.source,
            "source_published": record.source_published,
            "locator": getattr(record, locator) or record.locator,
            "figure": link(record),
        }
        for record in records
    ]


def removed_figure(record: RemovedFigure) -> JSON:
    """A tombstone among the shares updated after a release: the codes, no figure."""
    return {
        "survey": record.survey,
        "wave": record.wave,
        "question": record.question,
        "option": record.option,
        "segment": record.segment,
        "value": None,
        "status": None,
        "removed": True,
    }


def indicator(record: IndicatorRecord, lang: str) -> JSON:
    return {
        "code": record.code,
        "survey": record.survey,
        "title": text(record, "title", lang),
        "description": text(record, "description", lang),
        "unit": record.unit,
        "question": record.question,
        "options": list(record.options),
    }


def covered_indicator(item: tuple[IndicatorRecord, tuple[int, ...]], lang: str) -> JSON:
    """An indicator with the waves it has figures for (models.read.coverage)."""
    record, waves = item
    return {**indicator(record, lang), "waves_with_figures": list(waves)}


def published_total(record: PublishedTotalRecord | None, lang: str) -> JSON | None:
    if record is None:
        return None
    return {
        "value": record.value,
        "source": record.source,
        "source_published": record.source_published,
        "locator": record.locator_in(lang),
        "note": text(record, "note", lang),
    }


def point(record: SeriesPoint, lang: str) -> JSON:
    return {
        "wave": record.wave,
        "value": record.value,
        "status": record.status.value,
        "rule": record.rule,
        "parts": [
            {
                "option": part.option,
                "value": part.value,
                "status": part.status.value,
                "source": part.source,
            }
            for part in record.parts
        ]
        if record.rule
        else [],  # fmt: skip
        "base_n": record.base_n,
        "change": record.change,
        "change_from": record.change_from,
        "notes": list(text(record, "notes", lang)),
        "sources": list(record.sources),
        "source_published": record.source_published,
        "published_total": published_total(record.published_total, lang),
    }


def series(record: Series, lang: str) -> JSON:
    return {
        "segment": record.segment,
        "series": [point(item, lang) for item in record.points],
        "changes": [
            {"from": change.from_wave, "to": change.to_wave, "points": change.points}
            for change in record.changes
        ],
    }


def release(record: ReleaseRecord) -> JSON:
    return {
        "id": record.id,
        "created_at": record.created_at,
        "message": record.message,
        "checksum": record.checksum,
        "added": record.added,
        "changed": record.changed,
        "removed": record.removed,
    }


def figure_change(record: FigureChange) -> JSON:
    """A changed figure as the import reports it: the cell's codes, then old and new."""
    return Change.of_record(record).as_json()


def respond(data: Any, lang: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(data, headers={"Content-Language": lang, **(headers or {})})


def listing(items: Iterable[R], each: Callable[[R, str], JSON], lang: str) -> JSONResponse:
    """The answer of a list endpoint: `{"data": [...]}`, each item rendered in `lang`."""
    return respond({"data": [each(item, lang) for item in items]}, lang)
