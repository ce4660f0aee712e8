"""Indicators: named series over waves, with changes in percentage points.

A series is also a CSV or a workbook (one row per wave) or a JSON-stat dataset (one cell
per wave).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.formats import csv, jsonstat
from api.params import AS_OF, Params, release_as_of
from api.problems import Problem
from api.rest import datafiles, lists, render
from models import read
from models.filters import ShareFilter


async def list_indicators(request: Request) -> Response:
    return await lists.of_surveys(request, read.covered_indicators, render.covered_indicator)


async def get_indicator(request: Request) -> Response:
    params = Params(request.query_params, {"segment", "format", AS_OF, "csv_dialect"})
    lang, segment = params.lang, params.code("segment", "all")
    as_of = await release_as_of(request, params)
    code = request.path_params["code"]
    output_format = datafiles.choose(request, params, datafiles.EVERY_FORMAT)
    dialect = datafiles.FileOptions.of(params, output_format).dialect
    if output_format != "json":
        return await _series_file(request, code, segment, output_format, lang, as_of, dialect)
    detail = await request.app.state.readers.run(
        read.indicator_detail, code, segment=segment, as_of=as_of
    )
    if detail is None:
        raise Problem.not_found("indicator", code)
    body = {
        **render.covered_indicator((detail.indicator, detail.waves_with_figures), lang),
        **render.series(detail.series, lang),
        "sources": [render.source(item, lang) for item in detail.sources],
    }
    return render.respond(body, lang)


async def _series_file(
    request: Request,
    code: str,
    segment: str,
    output_format: str,
    lang: str,
    as_of: int | None,
    dialect: csv.Dialect,
) -> Response:
    readers = request.app.state.readers
    table = await readers.run(read.indicator_table, code, segment=segment, as_of=as_of)
    if table is None:
        raise Problem.not_found("indicator", code)
    licences = await datafiles.licences_of(request, ShareFilter(questions=(table.question.code,)))
    if output_format == "csv":
        text = csv.series(table, lang, dialect)
        return datafiles.csv_file(text, lang, f"{code}.csv", licences)
    if output_format == "xlsx":
        title = render.text(table.detail.indicator, "title", lang) or code
        rows = csv.series_values(table, lang)
        updated = jsonstat.updated(table.release)
        return await datafiles.table_workbook(
            request,
            title,
            csv.SERIES_COLUMNS,
            rows,
            lang=lang,
            name=code,
            licences=licences,
            updated=updated,
        )
    dataset = jsonstat.series_dataset(table, lang, links=datafiles.links(request, licences))
    return datafiles.jsonstat_file(dataset, lang, f"{code}.jsonstat.json", licences)
