"""An indicator's downloads, as Our World in Data gives them beside each chart:
`/api/v1/indicators/{code}.csv`, `{code}.metadata.json` and `{code}.zip`.

The suffix form follows OWID (`<slug>.csv`) and our charts (`/charts/indicators/{code}.svg`);
the routes stand before `/indicators/{code}` in the table, which would otherwise take
`action-plan.csv` for a code. Each takes `lang` and `as_of`; a pinned download names its
release in its file name (`action-plan.release-1.csv`), and every one names it in its
metadata. The CSV is the indicator's own (`?format=csv`), byte for byte. The metadata and
the zip carry a citation accessed today, so HTTP caching keys them by the day as it does
citations (api.http.caching).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.formats import csv, indicator_metadata, indicator_package
from api.formats.indicator_metadata import Addresses
from api.http import caching
from api.links import base_url
from api.params import AS_OF, Params, release_as_of
from api.problems import Problem
from api.rest import datafiles
from api.rest.negotiation import MEDIA_TYPES
from models import read
from models.read import IndicatorDownload

ZIP = "application/zip"


async def _download(
    request: Request, params: Params | None = None
) -> tuple[IndicatorDownload, Addresses, str]:
    """The indicator's download; `params` when the file takes more than `lang` and `as_of`."""
    params = params or Params(request.query_params, {AS_OF})
    lang, as_of = params.lang, await release_as_of(request, params)
    code = request.path_params["code"]
    found = await request.app.state.readers.run(read.indicator_download, code, as_of=as_of)
    if found is None:
        raise Problem.not_found("indicator", code)
    release = None if found.release is None else found.release.id
    return found, Addresses(base_url(request), code, release, pinned=as_of is not None), lang


def _file(
    body: bytes, media_type: str, download: IndicatorDownload, filename: str, lang: str
) -> Response:
    return datafiles.attachment(body, media_type, lang, filename, [download.survey.licence])


async def indicator_csv(request: Request) -> Response:
    params = Params(request.query_params, {AS_OF, "csv_dialect"})
    dialect = datafiles.FileOptions.of(params, "csv").dialect
    download, at, lang = await _download(request, params)
    body = csv.series(download.table, lang, dialect).encode()
    return _file(body, MEDIA_TYPES["csv"], download, at.filename("csv"), lang)


async def indicator_metadata_json(request: Request) -> Response:
    download, at, lang = await _download(request)
    document = indicator_metadata.metadata(download, at, lang, caching.today())
    body = indicator_package.metadata_json(document)
    return _file(body, MEDIA_TYPES["json"], download, at.filename("metadata.json"), lang)


async def indicator_zip(request: Request) -> Response:
    download, at, lang = await _download(request)
    day = caching.today()
    document = indicator_metadata.metadata(download, at, lang, day)
    citation = indicator_metadata.citation_of(download, at, lang, day)
    names = {"csv": f"{at.code}.csv", "metadata": f"{at.code}.metadata.json"}
    files = {**names, "cff": indicator_package.CITATION_CFF}
    members = {
        names["csv"]: csv.series(download.table, lang).encode(),
        names["metadata"]: indicator_package.metadata_json(document),
        indicator_package.README: indicator_package.readme(document, files).encode(),
        indicator_package.CITATION_CFF: indicator_package.citation_cff(
            citation, base=at.base
        ).encode(),
    }
    moment = None if download.release is None else download.release.loaded_at
    body = indicator_package.zipped(members, moment)
    return _file(body, ZIP, download, at.filename("zip"), lang)
