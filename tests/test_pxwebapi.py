"""PxWebApi 2 at /api/pxwebapi/v2, through HTTP: every number equals what /api/v1 serves.

Each table is a question; the expected figures are read from /api/v1 (itself checked
against seed/data in tests/test_formats.py), never written here.
"""

from __future__ import annotations

import csv
import io
from itertools import product
from typing import Any

import httpx
import pytest

from tests.datafile_helpers import client_for
from tests.network_helpers import served

pytestmark = pytest.mark.anyio

PX = "/api/pxwebapi/v2"
Cell = tuple[Any, Any]  # value, status


def by_codes(dataset: dict[str, Any]) -> dict[tuple[tuple[str, str], ...], Cell]:
    """Every cell of a JSON-stat dataset by its (dimension, code) pairs, sorted, with its
    value and status; index objects and index lists both read."""
    ids = dataset["id"]
    codes = []
    for name in ids:
        index = dataset["dimension"][name]["category"]["index"]
        ordered = sorted(index, key=lambda c: index[c]) if isinstance(index, dict) else list(index)
        codes.append(ordered)
    assert [len(c) for c in codes] == dataset["size"]
    found = {}
    for at, combination in enumerate(product(*codes)):
        key = tuple(sorted(zip(ids, combination, strict=True)))
        found[key] = (dataset["value"][at], dataset["status"].get(str(at)))
    return found


def renamed(cells: dict[tuple[tuple[str, str], ...], Cell]) -> dict[tuple[Any, ...], Cell]:
    """/api/v1's cells keyed as PxWebApi names them (question → ContentsCode)."""
    return {
        tuple(
            sorted(("ContentsCode" if name == "question" else name, code) for name, code in key)
        ): cell
        for key, cell in cells.items()
    }


async def question_codes(client: httpx.AsyncClient) -> list[str]:
    answer = await client.get("/api/v1/questions")
    return [question["code"] for question in answer.json()["data"]]


async def test_config_says_what_the_server_allows(client):
    config = (await client.get(f"{PX}/config")).json()
    v1 = (await client.get("/api/v1/config")).json()
    assert config["apiVersion"] == "2.0.0"
    assert [language["id"] for language in config["languages"]] == ["no", "nn", "en"]
    assert config["defaultLanguage"] == "no"
    assert config["maxDataCells"] == v1["max_cells"]
    assert config["maxCallsPerTimeWindow"] == 2**31 - 1  # no limit: the most an int32 says
    assert config["defaultDataFormat"] == "json-stat2"
    assert {"json-stat2", "csv"} <= set(config["dataFormats"])
    assert {item["language"] for item in config["sourceReferences"]} == {"no", "nn", "en"}
    for name in ("appVersion", "license", "timeWindow", "cors", "features"):
        assert name in config


async def test_config_publishes_the_rate_limit_and_429_carries_retry_after(database_url):
    async with client_for(database_url, rate_limit_api="3/minute") as client:
        config = (await client.get(f"{PX}/config")).json()
        assert (config["maxCallsPerTimeWindow"], config["timeWindow"]) == (3, 60)
        for _ in range(2):
            assert (await client.get(f"{PX}/tables")).status_code == 200
        refused = await client.get(f"{PX}/tables/priority/data")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["retry-after"]) >= 1


@pytest.mark.parametrize(("px_lang", "lang"), [("no", "nb"), ("en", "en")])
async def test_tables_are_the_questions_in_both_languages(client, px_lang, lang):
    answer = await client.get(f"{PX}/tables", params={"lang": px_lang})
    assert answer.status_code == 200
    assert answer.headers["content-language"] == lang
    listing = answer.json()
    questions = (await client.get("/api/v1/questions", params={"lang": lang})).json()["data"]
    assert listing["language"] == px_lang
    assert [table["id"] for table in listing["tables"]] == [q["code"] for q in questions]
    assert [table["label"] for table in listing["tables"]] == [q["text"] for q in questions]
    for table, question in zip(listing["tables"], questions, strict=True):
        waves = question["waves_with_figures"]
        assert table["firstPeriod"] == (str(waves[0]) if waves else None)
        assert table["lastPeriod"] == (str(waves[-1]) if waves else None)
        assert table["discontinued"] is False
        assert table["variableNames"]
        assert {link["rel"] for link in table["links"]} >= {"self", "metadata", "data"}
    page = listing["page"]
    assert (page["pageNumber"], page["totalElements"]) == (1, len(questions))
    single = await client.get(f"{PX}/tables/{questions[0]['code']}", params={"lang": px_lang})
    assert single.json() == {"language": px_lang, **listing["tables"][0]}


async def test_tables_are_paged_and_searched(client):
    total = (await client.get(f"{PX}/tables")).json()["page"]["totalElements"]
    assert total >= 3
    second = (await client.get(f"{PX}/tables", params={"pageSize": 2, "pageNumber": 2})).json()
    assert second["page"] == {**second["page"], "pageNumber": 2, "pageSize": 2,
                              "totalPages": (total + 1) // 2}  # fmt: skip
    everything = (await client.get(f"{PX}/tables", params={"pageSize": total})).json()
    assert [t["id"] for t in second["tables"]] == [t["id"] for t in everything["tables"][2:4]]
    found = (await client.get(f"{PX}/tables", params={"query": "papir", "lang": "no"})).json()
    v1 = (await client.get("/api/v1/questions", params={"q": "papir"})).json()["data"]
    assert [t["id"] for t in found["tables"]] == [q["code"] for q in v1]
    recent = await client.get(f"{PX}/tables", params={"pastDays": 1, "includeDiscontinued": "true"})
    assert recent.json()["page"]["totalElements"] == total  # the release was loaded today
    for params in ({"pageSize": 0}, {"pageNumber": "x"}, {"pastDays": -1}, {"lang": "nb"}):
        refused = await client.get(f"{PX}/tables", params=params)
        assert refused.status_code == 400, params
        assert refused.headers["content-type"] == "application/problem+json"


async def test_an_unknown_table_is_a_404_problem(client):
    for path in ("", "/metadata", "/defaultselection", "/data"):
        answer = await client.get(f"{PX}/tables/no-such-table{path}")
        assert answer.status_code == 404, path
        assert answer.headers["content-type"] == "application/problem+json"
        assert "no-such-table" in answer.json()["detail"]


@pytest.mark.parametrize("px_lang", ["no", "en"])
async def test_metadata_describes_the_variables(client, px_lang):
    dataset = (await client.get(f"{PX}/tables/service-area-planning/metadata",
                                params={"lang": px_lang})).json()  # fmt: skip
    v1 = (await client.get("/api/v1/questions/service-area-planning",
                           params={"lang": "nb" if px_lang == "no" else "en"})).json()  # fmt: skip
    assert dataset["id"] == ["option", "segment", "ContentsCode", "wave"]
    assert dataset["role"] == {"time": ["wave"], "metric": ["ContentsCode"]}
    option = dataset["dimension"]["option"]
    assert option["category"]["index"] == {o["code"]: at for at, o in enumerate(v1["options"])}
    assert option["category"]["label"] == {o["code"]: o["label"] for o in v1["options"]}
    assert option["extension"]["elimination"] is False
    segment = dataset["dimension"]["segment"]["extension"]
    assert (segment["elimination"], segment["eliminationValueCode"]) == (True, "all")
    contents = dataset["dimension"]["ContentsCode"]["category"]
    assert contents["unit"]["service-area-planning"]["decimals"] == 0
    px = dataset["extension"]["px"]
    assert (px["language"], px["tableid"], px["decimals"]) == (px_lang, "service-area-planning", 0)
    assert px["stub"] == ["option", "segment"] and px["heading"] == ["ContentsCode", "wave"]
    assert px["link"] == "http://testserver/api/v1/questions/service-area-planning"
    mandatory = dataset["extension"]["noteMandatory"]
    assert [dataset["note"][int(at)] for at in mandatory] == [v1["note"]]
    assert dataset["value"] is None
    chosen = (await client.get(f"{PX}/tables/service-area-planning/metadata",
                               params={"defaultSelection": "true"})).json()  # fmt: skip
    assert chosen["dimension"]["wave"]["category"]["index"] == {"2015": 0}


async def test_default_selection_follows_pxwebapis_rules(client):
    answer = (await client.get(f"{PX}/tables/service-area-planning/defaultselection")).json()
    chosen = {item["variableCode"]: item["valueCodes"] for item in answer["selection"]}
    # The first contents value and the latest wave with figures; option (more values
    # than segment) in the stub, segment in the heading.
    assert chosen == {
        "ContentsCode": ["service-area-planning"],
        "wave": ["2015"],
        "option": ["all-digital", "most-digital", "most-paper", "all-paper"],
        "segment": ["all"],
    }
    assert answer["placement"] == {
        "heading": ["segment"],
        "stub": ["ContentsCode", "wave", "option"],
    }
    data = (await client.get(f"{PX}/tables/service-area-planning/data")).json()
    assert data["id"] == ["ContentsCode", "wave", "option", "segment"]
    assert data["size"] == [1, 1, 4, 1]


async def test_every_number_of_every_table_equals_api_v1(client):
    for code in await question_codes(client):
        for px_lang, lang in (("no", "nb"), ("en", "en")):
            every = {
                f"valuecodes[{name}]": "*" for name in ("ContentsCode", "wave", "option", "segment")
            }
            answer = await client.get(f"{PX}/tables/{code}/data", params={**every, "lang": px_lang})
            assert answer.status_code == 200, answer.text
            v1 = await client.get(f"/api/v1/questions/{code}/data", params={"lang": lang})
            assert by_codes(answer.json()) == renamed(by_codes(v1.json())), code
            posted = await client.post(
                f"{PX}/tables/{code}/data",
                params={"lang": px_lang},
                json={"selection": [{"variableCode": name, "valueCodes": ["*"]}
                                    for name in ("contentscode", "Wave", "option", "segment")]},
            )  # fmt: skip
            assert posted.json()["value"] == answer.json()["value"]


@pytest.mark.parametrize(
    ("values", "waves", "options"),
    [
        ({"wave": "top(1)"}, ["2017"], None),
        ({"WAVE": "2015,2017"}, ["2015", "2017"], None),
        ({"time": "[range(2015,2016)]"}, ["2015", "2016"], None),
        (
            {"wave": "*", "option": "SIMPLER-ROUTINES"},
            ["2015", "2016", "2017"],
            ["simpler-routines"],
        ),
        (
            {"wave": "bottom(1)", "option": "top(2,1)"},
            ["2015"],
            ["faster-processing", "better-quality"],
        ),
    ],
)
async def test_expressions_select_as_on_api_v1(client, values, waves, options):
    params = {"valuecodes[ContentsCode]": "*", "valuecodes[option]": "*"}
    params |= {f"valuecodes[{name}]": value for name, value in values.items()}
    dataset = (await client.get(f"{PX}/tables/expected-effects/data", params=params)).json()
    assert list(dataset["dimension"]["wave"]["category"]["index"]) == waves
    if options:
        assert list(dataset["dimension"]["option"]["category"]["index"]) == options
    assert "segment" not in dataset["id"]  # not selected: eliminated, at "all"
    v1 = (await client.get("/api/v1/questions/expected-effects/data")).json()
    expected = renamed(by_codes(v1))
    for key, cell in by_codes(dataset).items():
        assert expected[tuple(sorted((*key, ("segment", "all"))))] == cell


async def test_placement_orders_the_dimensions(client):
    every = ("ContentsCode", "wave", "option", "segment")
    params = {f"valuecodes[{name}]": "*" for name in every}
    params |= {"heading": "wave", "stub": "option,segment,ContentsCode"}
    dataset = (await client.get(f"{PX}/tables/expected-effects/data", params=params)).json()
    assert dataset["id"] == ["option", "segment", "ContentsCode", "wave"]
    v1 = (await client.get("/api/v1/questions/expected-effects/data")).json()
    assert by_codes(dataset) == renamed(by_codes(v1))
    posted = await client.post(
        f"{PX}/tables/expected-effects/data",
        json={"selection": [{"variableCode": v, "valueCodes": ["*"]}
                            for v in ("ContentsCode", "wave", "option")],
              "placement": {"heading": ["option"]}},
    )  # fmt: skip
    assert posted.json()["id"] == ["ContentsCode", "wave", "option"]


async def test_csv_is_a_pivot_with_the_figures_of_api_v1(client):
    params = {"valuecodes[ContentsCode]": "*", "valuecodes[wave]": "*", "valuecodes[option]": "*",
              "outputFormat": "csv", "stub": "option", "heading": "ContentsCode,wave",
              "outputFormatParams": "UseCodes,SeparatorSemicolon"}  # fmt: skip
    answer = await client.get(f"{PX}/tables/expected-effects/data", params=params)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text), delimiter=";"))
    assert rows[0] == ["option", *(f"expected-effects {w}" for w in ("2015", "2016", "2017"))]
    v1 = renamed(by_codes((await client.get("/api/v1/questions/expected-effects/data")).json()))
    for row in rows[1:]:
        for wave, text in zip(("2015", "2016", "2017"), row[1:], strict=True):
            key = (("ContentsCode", "expected-effects"), ("option", row[0]), ("segment", "all"),
                   ("wave", wave))  # fmt: skip
            value, status = v1[key]
            assert text == (status if value is None else f"{value:.0f}")
    titled = await client.get(
        f"{PX}/tables/expected-effects/data",
        params={
            **params,
            "outputFormatParams": ["UseTexts", "IncludeTitle", "SeparatorTab"],
            "lang": "en",
        },
    )
    lines = titled.text.splitlines()
    label = (await client.get("/api/v1/questions/expected-effects?lang=en")).json()["text"]
    assert lines[0] == label
    assert lines[1].split("\t")[0] == "Answer option"


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"valuecodes[region]": "*"}, "region"),
        (
            {
                "valuecodes[wave]": "2014",
                "valuecodes[option]": "*",
                "valuecodes[ContentsCode]": "*",
            },
            "wave",
        ),
        (
            {
                "valuecodes[wave]": "top(x)",
                "valuecodes[option]": "*",
                "valuecodes[ContentsCode]": "*",
            },
            "wave",
        ),
        ({"valuecodes[wave]": "*", "valuecodes[ContentsCode]": "*"}, "option"),  # mandatory
        (
            {
                "valuecodes[wave]": "*",
                "valuecodes[option]": "*",
                "valuecodes[ContentsCode]": "*",
                "codelist[option]": "agg_none",
            },
            "agg_none",
        ),  # fmt: skip
        ({"outputFormat": "docx"}, "docx"),
        ({"outputFormatParams": "UseCodes,UseTexts"}, "UseCodes"),
        ({"heading": "region"}, "region"),
    ],
)
async def test_a_bad_selection_is_a_400_naming_what_to_fix(client, params, named):
    answer = await client.get(f"{PX}/tables/expected-effects/data", params=params)
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert named in answer.json()["detail"]


async def test_a_bad_body_is_a_400(client):
    for body in (b"[1]", b"{", b'{"selection": [{"valueCodes": ["*"]}]}',
                 b'{"selection": [{"variableCode": "wave", "valueCodes": "*"}]}'):  # fmt: skip
        answer = await client.post(f"{PX}/tables/expected-effects/data", content=body)
        assert answer.status_code == 400, body


async def test_more_cells_than_max_data_cells_is_a_403(database_url):
    async with client_for(database_url, max_cells=4, rate_limit_api="") as client:
        assert (await client.get(f"{PX}/config")).json()["maxDataCells"] == 4
        every = {f"valuecodes[{name}]": "*" for name in ("ContentsCode", "wave", "option")}
        refused = await client.get(f"{PX}/tables/expected-effects/data", params=every)
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
        assert "maxDataCells" in refused.json()["detail"]
        narrow = {**every, "valuecodes[wave]": "top(1)"}
        assert (
            await client.get(f"{PX}/tables/expected-effects/data", params=narrow)
        ).status_code == 200


@pytest.mark.parametrize("name", ["px", "xlsx", "html", "json-px"])
async def test_each_table_file_is_the_one_api_v1_writes(client, name):
    # Every wave: without a selection PxWebApi answers its default selection, the latest.
    every = {f"valuecodes[{name}]": "*" for name in ("wave", "option", "segment")}
    params = {"outputFormat": name, "lang": "en", **every}
    v1 = await client.get("/api/v1/questions/priority/data", params=params)
    contents = {"valuecodes[ContentsCode]": "*"}  # PxWebApi's own variable: the percentages
    answer = await client.get(f"{PX}/tables/priority/data", params={**params, **contents})
    assert (v1.status_code, answer.status_code) == (200, 200)
    assert answer.headers["content-type"] == v1.headers["content-type"]
    assert answer.content == v1.content
    assert name in (await client.get(f"{PX}/config")).json()["dataFormats"]


async def test_a_format_that_is_not_written_is_a_400_that_names_it(client):
    refused = await client.get(f"{PX}/tables/priority/data", params={"outputFormat": "parquet"})
    assert refused.status_code == 400
    assert "parquet" in refused.json()["detail"]


async def test_data_answers_carry_validators_and_cors(client):
    url = f"{PX}/tables/priority/data"
    first = await client.get(url, headers={"Origin": "https://a.example"})
    assert first.headers["access-control-allow-origin"] == "*"
    assert "last-modified" in first.headers
    again = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


async def derived_indicators(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    found = (await client.get("/api/v1/indicators")).json()["data"]
    return [item for item in found if len(item["options"]) > 1]


@pytest.mark.parametrize(("px_lang", "lang"), [("no", "nb"), ("en", "en")])
async def test_a_code_list_groups_an_indicators_options(client, px_lang, lang):
    indicators = await derived_indicators(client)
    assert indicators, "the seed has indicators that sum options"
    for indicator in indicators:
        code = indicator["code"]
        listed = (await client.get(f"{PX}/codelists/agg_{code}", params={"lang": px_lang})).json()
        v1 = (await client.get(f"/api/v1/indicators/{code}", params={"lang": lang})).json()
        assert listed["id"] == f"agg_{code}" and listed["type"] == "Aggregation"
        note = {"mandatory": False, "text": v1["description"]}
        value = {"code": code, "label": v1["title"], "valueMap": v1["options"], "notes": [note]}
        assert listed["values"] == [value]
        metadata = (await client.get(f"{PX}/tables/{v1['question']}/metadata")).json()
        lists = metadata["dimension"]["option"]["extension"]["codeLists"]
        assert f"agg_{code}" in [item["id"] for item in lists]


async def test_a_code_list_applied_serves_the_indicators_values(client):
    for indicator in await derived_indicators(client):
        code, question = indicator["code"], indicator["question"]
        v1 = (await client.get(f"/api/v1/indicators/{code}")).json()
        params = {"valuecodes[ContentsCode]": "*", "valuecodes[wave]": "*",
                  "valuecodes[option]": "*", "codelist[option]": f"agg_{code}"}  # fmt: skip
        dataset = (await client.get(f"{PX}/tables/{question}/data", params=params)).json()
        assert dataset["dimension"]["option"]["category"]["index"] == {code: 0}
        cells = by_codes(dataset)
        for point in v1["series"]:
            key = (("ContentsCode", question), ("option", code), ("wave", str(point["wave"])))
            expected_status = None if point["status"] == "published" else point["status"]
            assert cells[key] == (point["value"], expected_status), (code, point["wave"])
        posted = await client.post(
            f"{PX}/tables/{question}/data",
            json={"selection": [
                {"variableCode": "ContentsCode", "valueCodes": ["*"]},
                {"variableCode": "wave", "valueCodes": ["*"]},
                {"variableCode": "option", "valueCodes": [code], "codelist": f"agg_{code}"},
            ]},
        )  # fmt: skip
        assert posted.json()["value"] == dataset["value"]


async def test_an_unknown_code_list_is_a_404_or_a_400(client):
    assert (await client.get(f"{PX}/codelists/agg_no-such")).status_code == 404
    single = next(
        item for item in (await client.get("/api/v1/indicators")).json()["data"]
        if len(item["options"]) == 1
    )  # fmt: skip
    assert (await client.get(f"{PX}/codelists/agg_{single['code']}")).status_code == 404
    assert (await client.get(f"{PX}/codelists/{single['code']}")).status_code == 404
    params = {"valuecodes[ContentsCode]": "*", "valuecodes[wave]": "*", "valuecodes[option]": "*",
              "codelist[option]": "agg_planning-digital"}  # fmt: skip
    refused = await client.get(f"{PX}/tables/expected-effects/data", params=params)
    assert refused.status_code == 400 and "agg_planning-digital" in refused.json()["detail"]


SAVED = {
    "tableId": "expected-effects",
    "language": "en",
    "selection": {
        "selection": [
            {"variableCode": "ContentsCode", "valueCodes": ["*"]},
            {"variableCode": "wave", "valueCodes": ["top(1)"]},
            {"variableCode": "option", "valueCodes": ["*"]},
        ],
        "placement": {"heading": ["wave"], "stub": ["option", "ContentsCode"]},
    },
    "outputFormat": "csv",
    "outputFormatParams": ["UseCodes"],
}


async def test_a_saved_query_is_kept_and_runs_as_the_same_request(client):
    created = await client.post(f"{PX}/savedqueries", json=SAVED)
    assert created.status_code == 201, created.text
    saved = created.json()
    assert {**saved, "id": None} == {**SAVED, "id": None}
    again = await client.get(f"{PX}/savedqueries/{saved['id']}")
    assert again.json() == saved
    ran = await client.get(f"{PX}/savedqueries/{saved['id']}/data")
    posted = await client.post(
        f"{PX}/tables/expected-effects/data",
        params={"lang": "en", "outputFormat": "csv", "outputFormatParams": "UseCodes"},
        json=SAVED["selection"],
    )
    assert (ran.status_code, ran.headers["content-language"]) == (200, "en")
    assert ran.text == posted.text
    as_json = await client.get(
        f"{PX}/savedqueries/{saved['id']}/data", params={"outputFormat": "json-stat2", "lang": "no"}
    )
    assert as_json.json()["extension"]["px"]["language"] == "no"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"tableId": "no-such-table"}, "tableId"),
        ({"language": "nb"}, "language"),
        ({"outputFormat": "docx"}, "docx"),
        ({"selection": {"selection": [{"variableCode": "region", "valueCodes": ["*"]}]}}, "region"),
        ({"selection": [1]}, "selection"),
    ],
)
async def test_a_query_that_would_not_run_is_not_saved(client, change, named):
    refused = await client.post(f"{PX}/savedqueries", json={**SAVED, **change})
    assert refused.status_code == 400, refused.text
    assert named in refused.json()["detail"]


async def test_an_unknown_saved_query_is_a_404(client):
    for path in ("", "/data"):
        answer = await client.get(f"{PX}/savedqueries/0123456789abcdef{path}")
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"


def test_pxwebpy_reads_us_over_a_real_socket(database_url):
    """pxwebpy, unmodified, against `kommunedigi serve`: maxDataCells is set so low that
    it must split its queries; every number equals /api/v1's."""
    pxweb = pytest.importorskip("pxweb")
    environment = {"KOMMUNEDIGI_MAX_CELLS": "3", "KOMMUNEDIGI_RATE_LIMIT_API": "",
                   "KOMMUNEDIGI_RATE_LIMIT_HARVEST": ""}  # fmt: skip
    with served(database_url, environment) as (_server, address):
        api = pxweb.PxApi(f"{address}{PX}", language="en", disable_cache=True)
        assert api.get_config()["maxDataCells"] == 3
        questions = httpx.get(f"{address}/api/v1/questions?lang=en").json()["data"]
        assert [table["id"] for table in api.all_tables()] == [q["code"] for q in questions]
        found = api.search(query="paper")["tables"]
        searched = httpx.get(f"{address}/api/v1/questions", params={"q": "paper"}).json()
        assert [t["id"] for t in found] == [q["code"] for q in searched["data"]]
        for question in questions:
            code = question["code"]
            shares = httpx.get(
                f"{address}/api/v1/shares", params={"question": code, "limit": 1000}
            ).json()["data"]
            v1 = {(s["option"], s["segment"], str(s["wave"])): s["value"] for s in shares}
            every = {"ContentsCode": "*", "wave": "*", "option": "*"}
            rows = api.get_table_data(code, value_codes=every, show="code")
            latest = api.get_table_data(code, value_codes={**every, "wave": "top(1)"}, show="code")
            for row in [*rows, *latest]:
                key = (row["Answer option"], "all", row["Wave"])
                assert row["value"] == v1.get(key), key
            waves = httpx.get(f"{address}/api/v1/waves").json()["data"]
            options = httpx.get(f"{address}/api/v1/questions/{code}").json()["options"]
            assert len(rows) == len(waves) * len(options)  # every cell, over split queries
            assert {row["Wave"] for row in latest} == {str(question["waves_with_figures"][-1])}
        listed = api.get_code_list("agg_planning-digital")
        assert listed["values"][0]["valueMap"] == ["all-digital", "most-digital"]


@pytest.mark.parametrize(("px_lang", "lang"), [("no", "nb"), ("en", "en")])
async def test_metadata_as_json_px_lists_the_json_stat_variables(client, px_lang, lang):
    url = f"{PX}/tables/ict-contributed-quality/metadata"
    stat = (await client.get(url, params={"lang": px_lang})).json()
    answer = await client.get(url, params={"lang": px_lang, "outputFormat": "json-px"})
    assert answer.status_code == 200
    assert answer.headers["content-language"] == lang
    table = answer.json()
    assert (table["id"], table["language"], table["label"]) == (
        "ict-contributed-quality",
        px_lang,
        stat["label"],
    )
    assert [variable["id"] for variable in table["variables"]] == stat["id"]
    for variable in table["variables"]:
        dimension = stat["dimension"][variable["id"]]
        labels = dimension["category"]["label"]
        assert variable["label"] == dimension["label"]
        assert [(v["code"], v["label"]) for v in variable["values"]] == list(labels.items())
    types = {variable["id"]: variable["type"] for variable in table["variables"]}
    assert types == {
        "option": "RegularVariable",
        "segment": "RegularVariable",
        "ContentsCode": "ContentsVariable",
        "wave": "TimeVariable",
    }
    by_id = {variable["id"]: variable for variable in table["variables"]}
    assert (by_id["segment"]["elimination"], by_id["segment"]["eliminationValueCode"]) == (
        True,
        "all",
    )
    assert by_id["option"]["elimination"] is False
    # The options' sum (indicator ict-contributed-quality) is offered as a code list.
    assert [item["id"] for item in by_id["option"]["codeLists"]] == [
        item["id"] for item in stat["dimension"]["option"]["extension"]["codeLists"]
    ]
    assert by_id["option"]["codeLists"]
    assert (by_id["wave"]["firstPeriod"], by_id["wave"]["lastPeriod"]) == ("2015", "2015")
    assert [note["text"] for note in table["notes"]] == stat["note"]
    assert any(note["mandatory"] for note in table["notes"])
    refused = await client.get(url, params={"outputFormat": "csv"})
    assert refused.status_code == 400 and "json-px" in refused.json()["detail"]
