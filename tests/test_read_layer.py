"""The read layer's boundary: what models.read exports (tests/test_layout.py checks what
models/ may import)."""

from __future__ import annotations

import inspect
from types import ModuleType

import pytest

from models import read


def test_all_is_exactly_what_the_read_facade_exports():
    exported = [
        name
        for name in dir(read)
        if not name.startswith("_") and not isinstance(getattr(read, name), ModuleType)
    ]
    assert sorted(read.__all__) == sorted(exported)


def test_every_query_function_takes_a_reader_first():
    functions = [
        getattr(read, name) for name in read.__all__ if inspect.isfunction(getattr(read, name))
    ]
    assert functions
    for function in functions:
        first = next(iter(inspect.signature(function).parameters.values()))
        assert (first.name, first.annotation) == ("reader", "Reader"), function.__name__


@pytest.mark.anyio
async def test_share_records_carry_each_column_in_the_field_of_its_name(app):
    """The share builder passes values by position (for speed); here they go by name."""
    from models.read.shares import described_shares
    from models.read.statements import SHARE, STATUS
    from models.records import ShareRecord

    def both(reader):
        described = read.descriptions(reader)
        rows = reader.session.execute(SHARE.limit(50)).all()
        by_name = []
        for row in rows:
            wave, question = described.wave[row.wave_id], described.question[row.question_id]
            option, segment = described.option[row.option_id], described.segment[row.segment_id]
            by_name.append(
                ShareRecord(
                    id=row.id,
                    survey=wave.survey,
                    wave_id=row.wave_id,
                    wave=wave.year,
                    question_id=row.question_id,
                    question=question.code,
                    question_text_nb=question.text_nb,
                    question_text_en=question.text_en,
                    question_text_nn=question.text_nn,
                    option_id=row.option_id,
                    option=option.code,
                    option_label_nb=option.label_nb,
                    option_label_en=option.label_en,
                    option_label_nn=option.label_nn,
                    segment_id=row.segment_id,
                    segment=segment.code,
                    segment_label_nb=segment.label_nb,
                    segment_label_en=segment.label_en,
                    segment_label_nn=segment.label_nn,
                    value=row.value,
                    base_n=row.base_n,
                    status=STATUS[row.status],
                    note_nb=row.note_nb,
                    note_en=row.note_en,
                    note_nn=row.note_nn,
                    source_id=row.source_id,
                    source=described.source[row.source_id].code,
                    locator=row.locator,
                    locator_nb=row.locator_nb,
                    locator_nn=row.locator_nn,
                    release_id=row.release_id,
                    source_published=described.source[row.source_id].published,
                )
            )
        return described_shares(described, rows), by_name

    built, by_name = await app.state.readers.run_in_thread(both)
    assert by_name, "the seed has shares"
    assert built == by_name
