"""Coverage: each question and indicator lists the waves it has figures for, in REST,
GraphQL and JSON-stat, and `top(n)` on waves counts only those waves.

A wave has figures for a question when the seed's shares.csv has a row of the question in
it (whatever its status); the expectations below are worked out from that file.
ict-contributed-quality is reported for 2015 only, action-plan for 2015 and 2017.
"""

import csv
import io

import httpx
import pytest

from api.app import create_app
from api.cli import main
from api.settings import Settings
from tests.conftest import graphql
from tests.datafile_helpers import cells, seeded_shares
from tests.test_releases import SHARES_HEADER, import_package

pytestmark = pytest.mark.anyio

INDICATORS = {  # indicator → (question, options), as seed/data/indicators.csv defines them
    "ict-contributed-quality": ("ict-contributed-quality", {"moderate", "high", "very-high"}),
    "action-plan": ("action-plan", {"yes"}),
}


def seeded_waves(question, options=None, segment="all"):
    """The waves of `question` (of its `options`, when given) with a row in shares.csv."""
    return sorted(
        {
            int(wave)
            for wave, code, option, in_segment in seeded_shares()
            if code == question and in_segment == segment and (not options or option in options)
        }
    )


def test_the_seed_has_the_coverage_these_tests_are_about():
    assert seeded_waves("ict-contributed-quality") == [2015]
    assert seeded_waves("action-plan") == [2015, 2017]


# REST ------------------------------------------------------------------------------------


async def test_every_question_in_the_list_names_its_waves_with_figures(client):
    response = await client.get("/api/v1/questions", params={"survey": "kommuneundersokelsen"})
    assert response.status_code == 200
    listed = {item["code"]: item["waves_with_figures"] for item in response.json()["data"]}
    assert listed["ict-contributed-quality"] == [2015]
    assert listed["action-plan"] == [2015, 2017]
    assert listed == {code: seeded_waves(code) for code in listed}


@pytest.mark.parametrize("lang", ["nb", "en"])
async def test_a_question_names_its_waves_with_figures(client, lang):
    for code, waves in (("ict-contributed-quality", [2015]), ("action-plan", [2015, 2017])):
        response = await client.get(f"/api/v1/questions/{code}", params={"lang": lang})
        assert response.status_code == 200
        assert response.json()["waves_with_figures"] == waves


async def test_a_question_filtered_to_one_wave_still_names_every_wave_with_figures(client):
    response = await client.get("/api/v1/questions/action-plan", params={"wave": "2015"})
    body = response.json()
    assert {share["wave"] for share in body["options"][0]["shares"]} == {2015}
    assert body["waves_with_figures"] == [2015, 2017]


async def test_indicators_name_their_waves_with_figures(client):
    listed = (await client.get("/api/v1/indicators")).json()["data"]
    covered = {item["code"]: item["waves_with_figures"] for item in listed}
    assert covered["ict-contributed-quality"] == [2015]
    assert covered["action-plan"] == [2015, 2017]
    for item in listed:
        options = set(item["options"])
        assert item["waves_with_figures"] == seeded_waves(item["question"], options)
    for code, waves in covered.items():
        detail = (await client.get(f"/api/v1/indicators/{code}")).json()
        assert detail["waves_with_figures"] == waves
        # The series still has a point for every wave of the survey.
        assert [point["wave"] for point in detail["series"]] == [2015, 2016, 2017]


# JSON-stat -------------------------------------------------------------------------------


async def test_json_stat_of_a_question_and_an_indicator_names_the_waves_with_figures(client):
    question = (await client.get("/api/v1/questions/ict-contributed-quality/data")).json()
    assert question["extension"]["waves_with_figures"] == [2015]
    # The table still has every wave of the survey; 2016 and 2017 have no figure known.
    assert question["dimension"]["wave"]["category"]["index"] == ["2015", "2016", "2017"]
    params = {"format": "jsonstat"}
    indicator = (await client.get("/api/v1/indicators/action-plan", params=params)).json()
    assert indicator["extension"]["waves_with_figures"] == [2015, 2017]
    assert indicator["extension"]["unit"] == "percent"


# top(n) counts the waves with figures ---------------------------------------------------


async def test_top_1_of_a_question_reported_for_2015_only_is_2015_with_its_figures(client):
    url = "/api/v1/questions/ict-contributed-quality/data"
    dataset = (await client.get(url, params={"valueCodes[wave]": "top(1)"})).json()
    assert dataset["dimension"]["wave"]["category"]["index"] == ["2015"]
    seeded = seeded_shares()
    found = {key: dataset["value"][at] for key, at in cells(dataset).items()}
    assert found == {key: float(seeded[key].value) for key in found}
    assert len(found) == 3 and None not in found.values()

    params = {"valueCodes[wave]": "top(1)", "outputFormat": "csv"}
    response = await client.get(url, params=params)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text, newline="")))
    assert {(row["wave"], row["option"], row["value"]) for row in rows} == {
        (key[0], key[2], share.value)
        for key, share in seeded.items()
        if key[1] == "ict-contributed-quality"
    }
    assert len(rows) == 3


async def test_top_1_of_a_question_reported_for_2015_and_2017_is_2017(client):
    url = "/api/v1/questions/action-plan/data"
    dataset = (await client.get(url, params={"valueCodes[wave]": "top(1)"})).json()
    assert dataset["dimension"]["wave"]["category"]["index"] == ["2017"]
    assert dataset["value"] == [float(seeded_shares()[("2017", "action-plan", "yes", "all")].value)]
    dataset = (await client.get(url, params={"valueCodes[wave]": "bottom(1)"})).json()
    assert dataset["dimension"]["wave"]["category"]["index"] == ["2015"]


async def test_a_wave_named_without_figures_answers_with_no_figure_known(client):
    url = "/api/v1/questions/ict-contributed-quality/data"
    for item in ("2017", "from(2016)", "range(2016,2017)"):
        dataset = (await client.get(url, params={"valueCodes[wave]": item})).json()
        assert "2015" not in dataset["dimension"]["wave"]["category"]["index"]
        assert set(dataset["value"]) == {None}
        # no_source: no source reports these cells, so nothing is withheld.
        assert set(dataset["status"].values()) == {"no_source"}
        assert len(dataset["status"]) == len(dataset["value"])
        assert dataset["extension"]["waves_with_figures"] == [2015]
        params = {"valueCodes[wave]": item, "outputFormat": "csv"}
        response = await client.get(url, params=params)
        assert response.status_code == 200  # not an error: a real wave, with no share
        assert list(csv.DictReader(io.StringIO(response.text, newline=""))) == []


async def test_top_past_the_waves_with_figures_is_a_400_that_says_so(client):
    url = "/api/v1/questions/ict-contributed-quality/data"
    response = await client.get(url, params={"valueCodes[wave]": "top(1,1)"})
    assert response.status_code == 400
    problem = response.json()
    assert problem["errors"][0]["parameter"] == "valueCodes[wave]"
    assert "it has figures in 1 wave" in problem["detail"]
    # More than there are counts what there is.
    dataset = (await client.get(url, params={"valueCodes[wave]": "top(3)"})).json()
    assert dataset["dimension"]["wave"]["category"]["index"] == ["2015"]


# GraphQL ---------------------------------------------------------------------------------

COVERAGE = """{
  questions { code wavesWithFigures }
  indicators { code question { code } options { code } wavesWithFigures }
  one: question(code: "action-plan") { wavesWithFigures(segment: "all") }
}"""


async def test_graphql_names_the_waves_with_figures_as_rest_does(client):
    body = await graphql(client, COVERAGE)
    assert "errors" not in body
    data = body["data"]
    questions = {item["code"]: item["wavesWithFigures"] for item in data["questions"]}
    assert questions["ict-contributed-quality"] == [2015]
    assert questions["action-plan"] == [2015, 2017]
    assert data["one"]["wavesWithFigures"] == [2015, 2017]
    rest = (await client.get("/api/v1/questions")).json()["data"]
    assert questions == {item["code"]: item["waves_with_figures"] for item in rest}
    for item in data["indicators"]:
        options = {option["code"] for option in item["options"]}
        assert item["wavesWithFigures"] == seeded_waves(item["question"]["code"], options)


async def test_graphql_unknown_segment_is_an_error_that_names_it(client):
    body = await graphql(
        client, '{ question(code: "action-plan") { wavesWithFigures(segment: "nobody") } }'
    )
    assert body["errors"]
    assert "nobody" in body["errors"][0]["message"]


# as_of: the rows a release serves ------------------------------------------------------

# A row that names an answer without a number: coverage counts it, and no figure is made up.
NAMED = "kommuneundersokelsen,2017,ict-contributed-quality,high,all,,,not_published,e15,,,"


@pytest.fixture(scope="module")
def named_app(databases, tmp_path_factory):
    url = databases.new()
    assert main(["seed", "--database-url", url]) == 0
    path = tmp_path_factory.mktemp("named") / "shares.csv"
    path.write_text(f"{SHARES_HEADER}\n{NAMED}\n", encoding="utf-8")
    import_package(url, path, "ICT and quality 2017, named without a number")
    app = create_app(Settings(database_url=url, release_check_seconds=0))
    yield app
    app.state.engine.dispose()


@pytest.fixture
async def named(named_app):
    transport = httpx.ASGITransport(app=named_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_as_of_gives_the_waves_with_figures_of_that_release(named):
    question = "/api/v1/questions/ict-contributed-quality"
    indicator = "/api/v1/indicators/ict-contributed-quality"
    assert (await named.get(question)).json()["waves_with_figures"] == [2015, 2017]
    assert (await named.get(question, params={"as_of": "1"})).json()["waves_with_figures"] == [2015]
    assert (await named.get(indicator)).json()["waves_with_figures"] == [2015, 2017]
    old = await named.get(indicator, params={"as_of": "1", "format": "jsonstat"})
    assert old.json()["extension"]["waves_with_figures"] == [2015]

    body = await graphql(
        named,
        '{ question(code: "ict-contributed-quality", asOf: "1") { wavesWithFigures } '
        ' indicator(code: "ict-contributed-quality") { wavesWithFigures } }',
    )
    assert body["data"] == {
        "question": {"wavesWithFigures": [2015]},
        "indicator": {"wavesWithFigures": [2015, 2017]},
    }


async def test_top_counts_the_waves_with_figures_of_the_release_asked_for(named):
    data = "/api/v1/questions/ict-contributed-quality/data"
    top = {"valueCodes[wave]": "top(1)"}
    now = (await named.get(data, params=top)).json()
    assert now["dimension"]["wave"]["category"]["index"] == ["2017"]
    # high, named without a number; moderate and very-high: no source reports them in 2017.
    assert now["status"] == {"0": "no_source", "1": "not_published", "2": "no_source"}
    then = (await named.get(data, params={**top, "as_of": "1"})).json()
    assert then["dimension"]["wave"]["category"]["index"] == ["2015"]
