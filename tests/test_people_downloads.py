"""Downloads for people: the CSV as Excel in Norwegian opens it, workbooks of every flat
table, and JSON-stat without its empty cells, each read back by an independent reader
(pandas, openpyxl, pyjstat) to the numbers the JSON gives.
"""

import asyncio
import io
import math
from typing import Any

import httpx
import openpyxl
import pandas
import pytest
from pyjstat import pyjstat

from tests.conftest import NO_RATE_LIMITS
from tests.datafile_helpers import client_for, seeded_shares

pytestmark = [
    pytest.mark.anyio,
    # pyjstat's own Dataset.write calls a function of its own that it marks deprecated.
    pytest.mark.filterwarnings("ignore:Shouldn't use this function anymore:DeprecationWarning"),
]

SURVEY_DATA = "/api/v1/surveys/kommuneundersokelsen/data"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Key = tuple[str, str, str, str]


async def json_figures(client: httpx.AsyncClient, **params: str) -> dict[Key, float | None]:
    """Every share's value as the JSON of /api/v1/shares gives it, by (wave, question,
    option, segment)."""
    response = await client.get("/api/v1/shares", params={"limit": "500", **params})
    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    return {
        (str(item["wave"]), item["question"], item["option"], item["segment"]): item["value"]
        for item in body["data"]
    }


def frame_figures(frame: pandas.DataFrame) -> dict[Key, float | None]:
    return {
        (str(row["wave"]), row["question"], row["option"], row["segment"]): (
            None if math.isnan(row["value"]) else row["value"]
        )
        for row in frame.to_dict("records")
    }


def read_norwegian_csv(body: bytes) -> pandas.DataFrame:
    return pandas.read_csv(io.BytesIO(body), sep=";", decimal=",", encoding="utf-8-sig")


# The Norwegian CSV dialect ------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/shares?format=csv",
        f"{SURVEY_DATA}?format=csv",
        "/api/v1/questions/ict-contributed-quality/data?format=csv",
        "/api/v1/questions/ict-contributed-quality?format=csv",
    ],
)
async def test_excel_no_csv_reads_back_with_pandas_to_the_json_numbers(client, url):
    response = await client.get(f"{url}&csv_dialect=excel-no")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    body = response.content
    assert body.startswith(b"\xef\xbb\xbfsurvey;wave;question;")
    assert b"\n" not in body.replace(b"\r\n", b"")
    frame = read_norwegian_csv(body)
    assert frame["value"].dtype == "float64"
    got = frame_figures(frame)
    every = await json_figures(client)
    assert got == {key: every[key] for key in got}
    if "ict-contributed-quality" in url:
        assert b";38,9;" in body  # a decimal comma, as Excel in Norwegian reads a number


async def test_excel_no_csv_of_a_survey_is_every_share(client):
    response = await client.get(SURVEY_DATA, params={"format": "csv", "csv_dialect": "excel-no"})
    frame = read_norwegian_csv(response.content)
    assert len(frame) == len(seeded_shares()) == 33
    assert frame_figures(frame) == await json_figures(client)


async def test_the_default_dialect_is_unchanged(client):
    plain = await client.get(SURVEY_DATA, params={"format": "csv"})
    named = await client.get(SURVEY_DATA, params={"format": "csv", "csv_dialect": "rfc4180"})
    assert plain.content == named.content
    assert plain.content.startswith(b"survey,wave,question,")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/indicators/ict-contributed-quality?format=csv",
        "/api/v1/indicators/ict-contributed-quality.csv",
    ],
)
async def test_excel_no_csv_of_an_indicator_reads_back_to_its_series(client, url):
    separator = "&" if "?" in url else "?"
    response = await client.get(f"{url}{separator}csv_dialect=excel-no&lang=en")
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbfsurvey;indicator;")
    frame = read_norwegian_csv(response.content)
    series = (await client.get("/api/v1/indicators/ict-contributed-quality")).json()["series"]
    expected = {point["wave"]: point["value"] for point in series}
    got = {
        row["wave"]: None if math.isnan(row["value"]) else row["value"]
        for row in frame.to_dict("records")
    }
    assert got == expected
    assert any(value is not None and value != int(value) for value in got.values())


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/shares?format=csv&csv_dialect=excel-se", "csv_dialect"),
        ("/api/v1/shares?csv_dialect=excel-no", "csv_dialect"),
        (f"{SURVEY_DATA}?format=jsonstat&csv_dialect=excel-no", "csv_dialect"),
        (f"{SURVEY_DATA}?format=csv&sparse=true", "sparse"),
        (f"{SURVEY_DATA}?format=jsonstat&sparse=maybe", "sparse"),
        ("/api/v1/indicators/action-plan?format=jsonstat&sparse=true", "sparse"),
        ("/api/v1/indicators/action-plan.csv?csv_dialect=semicolon", "csv_dialect"),
    ],
)
async def test_an_option_beside_a_format_it_does_not_shape_is_a_400(client, url, parameter):
    response = await client.get(url)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["parameter"] == parameter


# Workbooks of the flat tables ---------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "filename"),
    [
        ("/api/v1/shares?format=xlsx", "kommunedigi-shares.xlsx"),
        (f"{SURVEY_DATA}?format=xlsx", "kommuneundersokelsen-shares.xlsx"),
        ("/api/v1/shares?format=xlsx&question=ict-contributed-quality", None),
    ],
)
async def test_shares_workbook_reads_back_to_the_json_numbers(client, url, filename):
    response = await client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX_TYPE
    if filename:
        assert f'filename="{filename}"' in response.headers["content-disposition"]
    csv_url = url.replace("format=xlsx", "format=csv")
    columns = (await client.get(csv_url)).text.splitlines()[0].split(",")
    frame = pandas.read_excel(io.BytesIO(response.content), sheet_name=0)
    assert list(frame.columns) == columns
    got = frame_figures(frame)
    every = await json_figures(client)
    assert got == {key: every[key] for key in got}
    assert len(got) == len(frame)


async def test_shares_workbook_has_codes_labels_statuses_and_sources(client):
    response = await client.get(
        "/api/v1/shares", params={"format": "xlsx", "question": "service-area-planning"}
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    header, *rows = ([cell.value for cell in row] for row in sheet.iter_rows())
    records = [dict(zip(header, row, strict=True)) for row in rows]
    expected = {
        key: share for key, share in seeded_shares().items() if key[1] == "service-area-planning"
    }
    assert len(records) == len(expected)
    for record in records:
        key = (str(record["wave"]), str(record["question"]), str(record["option"]), "all")
        share = expected[key]
        assert isinstance(record["wave"], int)
        assert record["status"] == share.status
        assert record["source"] == share.source
        assert record["option_label"]
        assert record["value"] == (float(share.value) if share.value else None)
        assert record["base_n"] == 113
    about = {row[0].value: row[1].value for row in book.worksheets[1].iter_rows()}
    assert str(about["Dokumentasjon"]).endswith("/docs")


@pytest.mark.parametrize("url", [SURVEY_DATA, "/api/v1/questions/priority/data"])
async def test_the_same_workbook_is_the_same_bytes(database_url, url):
    """Written twice, in different seconds and without the response cache: the bytes
    depend on the table and its release only."""
    async with client_for(database_url, response_cache_bytes=0, **NO_RATE_LIMITS) as client:
        first = await client.get(url, params={"format": "xlsx"})
        await asyncio.sleep(1.1)
        second = await client.get(url, params={"format": "xlsx"})
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.content == second.content


async def test_an_indicator_workbook_reads_back_to_its_series(client):
    url = "/api/v1/indicators/ict-contributed-quality"
    response = await client.get(url, params={"format": "xlsx"})
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX_TYPE
    frame = pandas.read_excel(io.BytesIO(response.content), sheet_name=0)
    series = (await client.get(url)).json()["series"]
    got = {
        row["wave"]: None if math.isnan(row["value"]) else row["value"]
        for row in frame.to_dict("records")
    }
    assert got == {point["wave"]: point["value"] for point in series}


# Sparse JSON-stat ---------------------------------------------------------------------


def figures_of_jsonstat(text: str) -> dict[Key, float]:
    frame = pyjstat.Dataset.read(text).write("dataframe", naming="id")
    known = frame[frame["value"].notna()]
    return {
        (row.wave, row.question, row.option, row.segment): row.value
        for row in known.itertuples(index=False)
    }


@pytest.mark.parametrize(
    "url",
    [
        f"{SURVEY_DATA}?format=jsonstat",
        "/api/v1/questions/ict-contributed-quality/data?format=jsonstat",
        "/api/v1/questions/ict-contributed-quality?format=jsonstat",
        "/api/v1/shares?format=jsonstat&wave=2015",
    ],
)
async def test_sparse_jsonstat_holds_the_figures_only(client, url):
    dense = await client.get(url)
    sparse = await client.get(f"{url}&sparse=true")
    assert sparse.status_code == 200
    dataset: dict[str, Any] = sparse.json()
    full: dict[str, Any] = dense.json()
    values = {str(index): value for index, value in enumerate(full["value"]) if value is not None}
    assert dataset["value"] == values
    assert len(dataset["value"]) < len(full["value"]) == math.prod(full["size"])
    assert "no_source" not in dataset["status"].values()
    kept = {index: status for index, status in full["status"].items() if status != "no_source"}
    assert dataset["status"] == kept
    # pyjstat reads the objects back to the dense dataset's figures, and nothing else.
    assert figures_of_jsonstat(sparse.text) == figures_of_jsonstat(dense.text)
    every = await json_figures(client)
    assert figures_of_jsonstat(sparse.text) == {
        key: every[key] for key in figures_of_jsonstat(sparse.text)
    }


async def test_a_sparse_survey_is_its_figures_not_its_cube(client):
    response = await client.get(SURVEY_DATA, params={"format": "jsonstat", "sparse": "true"})
    dataset = response.json()
    with_value = {key for key, share in seeded_shares().items() if share.value}
    assert len(dataset["value"]) == len(with_value) == 15
    assert math.prod(dataset["size"]) > 10 * len(dataset["value"])  # the dense cube
    assert set(figures_of_jsonstat(response.text)) == with_value
