"""Answers as data files: CSV, JSON-stat and the laid-out tables (XLSX, PX, HTML, json-px).

A data file holds everything it covers rather than a page. Each is sent as an
attachment with a file name, and says its language in Content-Language. CSV of shares
is streamed a page at a time through the query layer's keyset paging, so a whole
survey of millions of shares never sits in memory; what is not streamed is capped by
`max_cells`, checked before the shares are read.

Two options shape a file for people rather than programs: `csv_dialect=excel-no` writes a
CSV as Excel with Norwegian settings opens it (api.formats.csv), and `sparse=true` leaves
a JSON-stat dataset's empty cells out (api.formats.jsonstat.sparse). Each is a 400 beside
a format it does not shape.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from api.formats import csv, html, jsonpx, jsonstat, px, table_xlsx, xlsx
from api.licences import link_header
from api.params import Params
from api.responses import JSONResponse
from api.rest.negotiation import MEDIA_TYPES, negotiate
from models import read
from models.filters import InvalidFilter, PageRequest, ShareFilter, TooManyCells
from models.records import QuestionCube, QuestionDimensions

FILES = ("csv", "jsonstat", "xlsx")
EVERY_FORMAT = ("json", *FILES)
# The parameters of FileOptions, accepted wherever a CSV and a JSON-stat of shares are offered.
FILE_OPTIONS = ("csv_dialect", "sparse")
# A question's table is also laid out as PxWebApi 2 lays out a table (api.formats.grid).
TABLE_FILES = ("jsonstat", "csv", "xlsx", "px", "html", "jsonpx")
EXTENSIONS = {
    "xlsx": xlsx.EXTENSION,
    "px": px.EXTENSION,
    "html": html.EXTENSION,
    "jsonpx": jsonpx.EXTENSION,
}


@dataclass(frozen=True, slots=True)
class FileOptions:
    dialect: csv.Dialect = csv.RFC4180
    sparse: bool = False

    @classmethod
    def of(cls, params: Params, output_format: str) -> FileOptions:
        """The options given, each checked against the format it shapes."""
        dialect, sparse = params.once("csv_dialect"), params.flag("sparse")
        if dialect is not None:
            if output_format != "csv":
                raise InvalidFilter("csv_dialect", "csv_dialect shapes CSV only; add format=csv")
            if dialect.lower() not in csv.DIALECTS:
                offered = ", ".join(csv.DIALECTS)
                raise InvalidFilter("csv_dialect", f"csv_dialect={dialect!r}: use one of {offered}")
        if sparse and output_format != "jsonstat":
            raise InvalidFilter("sparse", "sparse=true shapes the JSON-stat of shares only")
        return cls(csv.DIALECTS[(dialect or "rfc4180").lower()], sparse)


def choose(
    request: Request, params: Params, offered: Sequence[str], *, names: Sequence[str] = ("format",)
) -> str:
    """The format to answer in: the one named by any of `names` (at most one), else Accept."""
    given = [name for name in names if params.once(name) is not None]
    if len(given) > 1:
        raise InvalidFilter(given[1], f"give {' or '.join(names)}, not both")
    return negotiate(request, offered, parameter=given[0] if given else names[0])


async def licences_of(request: Request, filter: ShareFilter) -> tuple[str, ...]:
    """The licences stated for the data `filter` covers (models.read.licences)."""
    return tuple(await request.app.state.readers.run(read.licences, filter))


def links(request: Request, licences: Sequence[str]) -> jsonstat.Links:
    settings = request.app.state.settings
    base = settings.base_url.rstrip("/") or str(request.base_url).rstrip("/")
    return jsonstat.Links(documentation=f"{base}/docs", licences=tuple(licences))


def _headers(lang: str, filename: str, licences: Sequence[str | None]) -> dict[str, str]:
    """What every data file says of itself: its language, its name, its licences."""
    return {
        "Content-Language": lang,
        "Content-Disposition": f'attachment; filename="{filename}"',
        **link_header(licences),
    }


def csv_file(text: str, lang: str, filename: str, licences: Sequence[str]) -> Response:
    """A CSV in any dialect: its byte order mark, if any, is in `text`."""
    headers = _headers(lang, filename, licences)
    return Response(text.encode(), media_type=MEDIA_TYPES["csv"], headers=headers)


def attachment(
    body: bytes, media_type: str, lang: str, filename: str, licences: Sequence[str | None]
) -> Response:
    """Any other file: bytes of `media_type`, with what every data file says of itself."""
    return Response(body, media_type=media_type, headers=_headers(lang, filename, licences))


def jsonstat_file(
    dataset: dict[str, Any],
    lang: str,
    filename: str,
    licences: Sequence[str],
    options: FileOptions = FileOptions(),
) -> Response:
    if options.sparse:
        dataset = jsonstat.sparse(dataset)
    return JSONResponse(dataset, headers=_headers(lang, filename, licences))


async def table_workbook(
    request: Request,
    title: str,
    columns: Sequence[str],
    rows: Sequence[csv.Row],
    *,
    lang: str,
    name: str,
    licences: Sequence[str],
    updated: str | None,
) -> Response:
    """A flat table (rows of `columns`, as the CSV has them) as `<name>.xlsx`."""
    body = await run_in_threadpool(  # a workbook takes a while: not on the event loop
        table_xlsx.workbook,
        title,
        columns,
        rows,
        lang,
        links=links(request, licences),
        updated=updated,
    )
    filename = f"{name}.{xlsx.EXTENSION}"
    return attachment(body, xlsx.MEDIA_TYPE, lang, filename, licences)


async def shares_file(
    request: Request,
    filter: ShareFilter,
    output_format: str,
    lang: str,
    *,
    name: str,
    label: str | None = None,
    cap_csv: bool = True,
    options: FileOptions = FileOptions(),
) -> Response:
    """Every share within `filter` as `<name>.csv`, `.xlsx` or `.jsonstat.json`."""
    readers, settings = request.app.state.readers, request.app.state.settings
    if output_format != "csv" or cap_csv:
        count = await readers.run(read.count_shares, filter)
        narrow = "narrow the filters" + (
            ", or download a survey's CSV, which has no cap, from /api/v1/surveys/{code}/data"
            if cap_csv
            else ", or download this survey as CSV, which has no cap"
        )
        TooManyCells.check(count, settings.max_cells, narrow=narrow)
    licences = await licences_of(request, filter)
    if output_format == "csv":
        filename = f"{name}.csv"
        return await _stream_csv(request, filter, lang, filename, licences, options.dialect)
    table = await readers.run_in_thread(read.share_table, filter)
    if output_format == "xlsx":
        columns: Sequence[str] = csv.SHARE_COLUMNS
        rows = [csv.share_values(share, lang) for share in table.shares]
        if filter.updated_after is not None:  # the CSV's rows: tombstones too
            updates = await _every_update(request, filter)
            columns, rows = csv.UPDATE_COLUMNS, csv.update_values(updates, lang)
        updated = jsonstat.updated(table.release)
        title = label or jsonstat.SHARES_LABEL[lang]
        return await table_workbook(
            request,
            title,
            columns,
            rows,
            lang=lang,
            name=name,
            licences=licences,
            updated=updated,
        )
    dataset = jsonstat.shares_dataset(
        table, lang, links=links(request, licences), max_cells=settings.max_cells, label=label
    )
    return jsonstat_file(dataset, lang, f"{name}.jsonstat.json", licences, options)


async def _every_update(request: Request, filter: ShareFilter) -> list[read.Update]:
    """Every share updated after `filter.updated_after`, and every tombstone, page by page."""
    readers, page_size = request.app.state.readers, request.app.state.settings.max_page_size
    page = await readers.run_in_thread(read.list_updates, filter, PageRequest(page_size))
    items = list(page.items)
    while page.next is not None:
        page = await readers.run_in_thread(
            read.list_updates, filter, PageRequest(page_size, page.next)
        )
        items.extend(page.items)
    return items


async def question_file(
    request: Request,
    dimensions: QuestionDimensions,
    output_format: str,
    lang: str,
    *,
    as_of: int | None = None,
    options: FileOptions = FileOptions(),
) -> Response:
    """A question's table narrowed to `dimensions`, every cell of it (as of a release)."""
    readers, settings = request.app.state.readers, request.app.state.settings
    TooManyCells.check(
        dimensions.cells, settings.max_cells, narrow="select fewer waves, options or segments"
    )
    cube = await readers.run_in_thread(read.question_cube, dimensions, as_of=as_of)
    name = dimensions.question.code
    licences = await licences_of(request, ShareFilter(questions=(name,)))
    if output_format == "csv":
        text = csv.shares(cube.table.shares, lang, options.dialect)
        return csv_file(text, lang, f"{name}.csv", licences)
    if output_format in EXTENSIONS:
        return await _laid_out(request, cube, output_format, lang, licences)
    dataset = jsonstat.question_dataset(cube, lang, links=links(request, licences))
    return jsonstat_file(dataset, lang, f"{name}.jsonstat.json", licences, options)


async def _laid_out(
    request: Request, cube: QuestionCube, output_format: str, lang: str, licences: Sequence[str]
) -> Response:
    """The table as a workbook, a PX file, an HTML document or PxWeb's json-px."""
    found = links(request, licences)
    filename = f"{cube.dimensions.question.code}.{EXTENSIONS[output_format]}"
    headers = _headers(lang, filename, licences)
    if output_format == "jsonpx":
        return JSONResponse(jsonpx.table_response(cube, lang, links=found), headers=headers)
    body: bytes | str
    if output_format == "xlsx":  # a workbook takes a while: not on the event loop
        body = await run_in_threadpool(xlsx.workbook, cube, lang, links=found)
    elif output_format == "px":
        body = px.px_file(cube, lang, links=found)
    else:
        body = html.document(cube, lang, links=found)
        headers["Content-Security-Policy"] = html.POLICY
    return Response(body, media_type=MEDIA_TYPES[output_format], headers=headers)


async def _stream_csv(
    request: Request,
    filter: ShareFilter,
    lang: str,
    filename: str,
    licences: Sequence[str],
    dialect: csv.Dialect,
) -> Response:
    """Every share `filter` keeps, or with `updated_after` the shares added or changed since
    and the tombstones of those removed (models.read.list_updates), a page at a time."""
    updates = filter.updated_after is not None
    fetch = read.list_updates if updates else read.list_shares
    header = csv.update_header(dialect) if updates else csv.share_header(dialect)
    rows = csv.update_rows if updates else csv.share_rows
    readers, page_size = request.app.state.readers, request.app.state.settings.max_page_size
    # The first page is read before answering, so that a bad filter is still a 400.
    first = await readers.run_in_thread(fetch, filter, PageRequest(page_size))

    async def body() -> AsyncIterator[bytes]:
        page = first
        yield (header + rows(page.items, lang, dialect)).encode()
        while page.next is not None:
            page = await readers.run_in_thread(fetch, filter, PageRequest(page_size, page.next))
            yield rows(page.items, lang, dialect).encode()

    return StreamingResponse(
        body(), media_type=MEDIA_TYPES["csv"], headers=_headers(lang, filename, licences)
    )
