"""PxWebApi 2 selections on /api/v1/questions/{code}/data, through HTTP.

expected-effects has the waves 2015, 2016, 2017 (its survey's), figures for 2015 and
2017, the options simpler-routines, faster-processing, better-quality (questionnaire
order) and the segment all; service-area-planning has figures for 2015 only, and four
options: all-digital, most-digital, most-paper, all-paper.
"""

import csv
import io

import pytest

from tests.datafile_helpers import cells, client_for, seeded_shares

pytestmark = pytest.mark.anyio

URL = "/api/v1/questions/{}/data"
EFFECTS = URL.format("expected-effects")
PLANNING = URL.format("service-area-planning")


async def chosen(client, url, **params):
    """The category codes of each dimension of the JSON-stat answer."""
    response = await client.get(url, params=params)
    assert response.status_code == 200, response.text
    dataset = response.json()
    return {name: dataset["dimension"][name]["category"]["index"] for name in dataset["id"]}


@pytest.mark.parametrize(
    ("expression", "waves"),
    [
        ("*", ["2015", "2016", "2017"]),
        ("2015,2017", ["2015", "2017"]),
        ("2017,2015", ["2015", "2017"]),  # always in the dimension's order
        # top and bottom count the waves with figures (2015 and 2017; no source we hold
        # reports 2016), as PxWebApi's time values are the periods a table has.
        ("top(1)", ["2017"]),  # the latest wave with figures
        ("top(2)", ["2015", "2017"]),
        ("top(1,1)", ["2015"]),  # skipping the latest
        ("[top(2,1)]", ["2015"]),
        ("top(9)", ["2015", "2017"]),
        ("bottom(1)", ["2015"]),  # the earliest
        ("bottom(2,1)", ["2017"]),
        ("from(2016)", ["2016", "2017"]),
        ("to(2016)", ["2015", "2016"]),
        ("range(2015,2016)", ["2015", "2016"]),
        ("range(2017,2016)", ["2016", "2017"]),  # either order
        ("[range(2015,2016)]", ["2015", "2016"]),  # PxWebApi's GET form
        ("[2015,2017]", ["2015", "2017"]),
        ("TOP(1)", ["2017"]),  # function names in any case
        ("2015,top(1)", ["2015", "2017"]),  # a union
        ("201?", ["2015", "2016", "2017"]),
        ("*7", ["2017"]),
    ],
)
async def test_wave_selection(client, expression, waves):
    assert (await chosen(client, EFFECTS, **{"valueCodes[wave]": expression}))["wave"] == waves


@pytest.mark.parametrize(
    ("expression", "options"),
    [
        ("top(1)", ["all-digital"]),  # options keep their order: top is the first
        ("top(2,1)", ["most-digital", "most-paper"]),
        ("bottom(1)", ["all-paper"]),  # and bottom the last
        ("bottom(1,1)", ["most-paper"]),
        ("from(most-paper)", ["most-paper", "all-paper"]),
        ("to(most-digital)", ["all-digital", "most-digital"]),
        ("range(all-paper,most-digital)", ["most-digital", "most-paper", "all-paper"]),
        ("most-*", ["most-digital", "most-paper"]),
        ("all-*,most-paper", ["all-digital", "most-paper", "all-paper"]),
        ("all-paper", ["all-paper"]),
    ],
)
async def test_option_selection(client, expression, options):
    assert (await chosen(client, PLANNING, **{"valueCodes[option]": expression}))[
        "option"
    ] == options


async def test_a_dimension_not_given_is_selected_whole(client):
    dimensions = await chosen(client, EFFECTS)
    assert dimensions == {
        "wave": ["2015", "2016", "2017"],
        "question": ["expected-effects"],
        "option": ["simpler-routines", "faster-processing", "better-quality"],
        "segment": ["all"],
    }


@pytest.mark.parametrize("name", ["valuecodes[wave]", "VALUECODES[Wave]"])
async def test_the_parameter_name_is_read_in_any_case(client, name):
    # The PxWebApi 2 specification writes valuecodes[...]; SSB's examples valueCodes[...].
    assert (await chosen(client, EFFECTS, **{name: "top(1)"}))["wave"] == ["2017"]


async def test_two_spellings_of_one_dimension_are_a_400(client):
    response = await client.get(EFFECTS + "?valueCodes[wave]=2015&valuecodes[wave]=2017")
    assert response.status_code == 400
    unknown = await client.get(EFFECTS, params={"valuecodes[region]": "*"})
    assert unknown.status_code == 400 and "region" in unknown.json()["detail"]


async def test_repeated_parameter_is_a_union(client):
    response = await client.get(EFFECTS + "?valueCodes[wave]=2015&valueCodes[wave]=2017")
    assert response.json()["dimension"]["wave"]["category"]["index"] == ["2015", "2017"]


async def test_selection_values_are_the_seeded_ones(client):
    params = {
        "valueCodes[wave]": "top(1)",
        "valueCodes[option]": "better-quality,simpler-routines",
        "valueCodes[segment]": "*",
    }
    dataset = (await client.get(EFFECTS, params=params)).json()
    assert dataset["size"] == [1, 1, 2, 1]
    seeded = seeded_shares()
    for key, at in cells(dataset).items():
        assert dataset["value"][at] == float(seeded[key].value)
    assert dataset["value"] == [68.0, 64.0]


async def test_missing_values_keep_their_status_in_a_selection(client):
    params = {"valueCodes[wave]": "2015", "valueCodes[option]": "faster-processing"}
    dataset = (await client.get(EFFECTS, params=params)).json()
    assert dataset["value"] == [None]
    assert dataset["status"] == {"0": "not_published"}


@pytest.mark.parametrize(
    ("params", "headers", "media_type"),
    [
        ({}, {}, "application/json"),
        ({"outputFormat": "json-stat2"}, {}, "application/json"),
        ({"outputFormat": "csv"}, {}, "text/csv; charset=utf-8"),
        ({"format": "csv"}, {}, "text/csv; charset=utf-8"),
        ({"format": "jsonstat"}, {"Accept": "text/csv"}, "application/json"),
        ({}, {"Accept": "text/csv"}, "text/csv; charset=utf-8"),
        ({}, {"Accept": "application/json"}, "application/json"),
        ({"outputFormat": "px"}, {}, "text/plain; charset=utf-8"),
        ({"outputFormat": "html"}, {}, "text/html; charset=utf-8"),
        ({"outputFormat": "json-px"}, {}, "application/json"),
        (
            {"outputFormat": "xlsx"},
            {},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
async def test_output_format(client, params, headers, media_type):
    response = await client.get(EFFECTS, params=params, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type


async def test_csv_selection_is_one_row_per_share_in_the_selection(client):
    params = {"valueCodes[wave]": "bottom(1)", "outputFormat": "csv", "lang": "en"}
    response = await client.get(PLANNING, params=params)
    assert response.headers["content-language"] == "en"
    rows = list(csv.DictReader(io.StringIO(response.text, newline="")))
    seeded = seeded_shares()
    assert {(r["option"], r["value"], r["status"]) for r in rows} == {
        (key[2], share.value, share.status)
        for key, share in seeded.items()
        if key[1] == "service-area-planning"
    }
    assert rows[0]["option_label"] == "All services are digital and paper-free"


async def test_labels_follow_lang(client):
    dataset = (await client.get(EFFECTS, params={"lang": "en"})).json()
    assert dataset["dimension"]["option"]["label"] == "Answer option"
    labels = dataset["dimension"]["option"]["category"]["label"]
    assert labels["better-quality"] == "Better service quality"


BAD = [
    ("valueCodes[wave]", "2014", "/problems/unknown-code"),
    ("valueCodes[wave]", "from(2014)", "/problems/unknown-code"),
    ("valueCodes[wave]", "range(2015,2019)", "/problems/unknown-code"),
    ("valueCodes[option]", "worse-quality", "/problems/unknown-code"),
    ("valueCodes[option]", "zz*", "/problems/unknown-code"),
    ("valueCodes[segment]", "everybody", "/problems/unknown-code"),
    ("valueCodes[wave]", "top(0)", "/problems/invalid-parameter"),
    ("valueCodes[wave]", "top(-1)", "/problems/invalid-parameter"),
    ("valueCodes[wave]", "top(x)", "/problems/invalid-parameter"),
    ("valueCodes[wave]", "top()", "/problems/invalid-parameter"),
    ("valueCodes[wave]", "top(1,2,3)", "/problems/invalid-parameter"),
    ("valueCodes[wave]", "bottom(1,-1)", "/problems/invalid-parameter"),
    ("valueCodes[wave]", "top(2,5)", "/problems/invalid-parameter"),  # selects nothing
    ("valueCodes[wave]", "range(2015)", "/problems/invalid-parameter"),
    ("valueCodes[wave]", "from()", "/problems/invalid-parameter"),
    ("valueCodes[wave]", "to(2015,2016)", "/problems/invalid-parameter"),
    ("valueCodes[wave]", "last(2)", "/problems/invalid-parameter"),
    ("valueCodes[wave]", "top(1", "/problems/invalid-parameter"),
    ("valueCodes[wave]", "[2015", "/problems/invalid-parameter"),
    ("valueCodes[wave]", "2015)", "/problems/invalid-parameter"),
    ("valueCodes[wave]", "", "/problems/invalid-parameter"),
    ("valueCodes[wave]", "2015,,2017", "/problems/invalid-parameter"),
    ("valueCodes[option]", "Better-Quality", "/problems/invalid-parameter"),
    ("valueCodes[option]", "better quality", "/problems/invalid-parameter"),
    ("valueCodes[region]", "0301", "/problems/invalid-parameter"),
    ("outputFormat", "parquet", "/problems/invalid-parameter"),
    ("outputFormat", "json", "/problems/invalid-parameter"),
]


@pytest.mark.parametrize(("parameter", "value", "type"), BAD)
async def test_bad_selection_is_a_400_naming_the_parameter(client, parameter, value, type):
    response = await client.get(EFFECTS, params={parameter: value})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == type
    assert problem["errors"][0]["parameter"] == parameter
    assert parameter in problem["detail"]


async def test_unknown_code_lists_the_known_ones(client):
    response = await client.get(EFFECTS, params={"valueCodes[wave]": "2014"})
    assert response.json()["detail"] == (
        "valueCodes[wave]=2014 is not known; known values: 2015, 2016, 2017"
    )


async def test_output_format_and_format_together_are_a_400(client):
    response = await client.get(EFFECTS, params={"outputFormat": "csv", "format": "csv"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "format"


async def test_unknown_question_is_a_404(client):
    response = await client.get(URL.format("no-such-question"))
    assert response.status_code == 404
    assert response.json()["type"] == "/problems/not-found"


@pytest.mark.parametrize("format", ["json-stat2", "csv"])
async def test_selection_cap_at_max_cells_and_one_over(database_url, format):
    params = {"valueCodes[wave]": "top(2)", "outputFormat": format}  # 2 × 3 × 1 = 6 cells
    async with client_for(database_url, max_cells=6) as client:
        assert (await client.get(EFFECTS, params=params)).status_code == 200
    async with client_for(database_url, max_cells=5) as client:
        response = await client.get(EFFECTS, params=params)
    assert response.status_code == 400
    problem = response.json()
    assert problem["type"] == "/problems/too-many-cells"
    assert "selects 6 cells, more than this server's max_cells (5)" in problem["detail"]
