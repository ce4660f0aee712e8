"""Data as it was: `as_of` on every figure endpoint, the release history and its Atom feed.

The scenario is a correction made the way a steward makes one, through `kommunedigi import`:
the seed (release 1, dated 1 January 2020 here so that a date can fall between the two)
and a one-row shares.csv that changes action-plan 2017 from 76 to 77 (release 2).
"""

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import Session, col

from api.app import create_app
from api.cli import main
from api.settings import Settings
from models.db import make_engine
from models.tables import Release
from seed.loader import DATA
from tests.conftest import count_queries, data_statements, graphql

pytestmark = pytest.mark.anyio

SHARES_HEADER = (
    "survey,wave,question,option,segment,value,base_n,status,source,locator,note_nb,note_en"
)
CORRECTION = "kommuneundersokelsen,2017,action-plan,yes,all,77,,published,pr17,,,"
MESSAGE = "Corrected action plan 2017"
SEEDED_AT = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
ATOM = "{http://www.w3.org/2005/Atom}"


def import_package(url, path, message):
    assert main(["import", str(path), "--database-url", url, "--message", message]) == 0


def date_the_seed(url, when=SEEDED_AT):
    """Give release 1 a time of its own: the seed and an import made in the same second
    could not be told apart by a date."""
    engine = make_engine(url)
    with Session(engine) as session:
        session.execute(update(Release).where(col(Release.id) == 1).values(created_at=when))
        session.commit()
    engine.dispose()


SEED_SHARES_HEADER = (DATA / "shares.csv").read_text(encoding="utf-8").splitlines()[0]


def seed_lines(prefix):
    lines = (DATA / "shares.csv").read_text(encoding="utf-8").splitlines()
    found = [line for line in lines if line.startswith(prefix)]
    assert found, prefix
    return found


def write_package(folder, files):
    folder.mkdir()
    for name, lines in files.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corrected_app(databases, tmp_path_factory):
    url = databases.new()
    assert main(["seed", "--database-url", url]) == 0
    date_the_seed(url)
    folder = tmp_path_factory.mktemp("correction")
    path = folder / "shares.csv"
    path.write_text(f"{SHARES_HEADER}\n{CORRECTION}\n", encoding="utf-8")
    import_package(url, path, MESSAGE)
    app = create_app(Settings(database_url=url, release_check_seconds=0))
    yield app
    app.state.engine.dispose()


@pytest.fixture
async def history(corrected_app):
    transport = httpx.ASGITransport(app=corrected_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def action_plan_2017(client, **params):
    response = await client.get("/api/v1/indicators/action-plan", params=params)
    assert response.status_code == 200, response.text
    point = response.json()["series"][2]
    assert point["wave"] == 2017
    return point["value"], point["change"]


# as_of over REST --------------------------------------------------------------------


async def test_the_correction_is_served_by_default(history):
    assert await action_plan_2017(history) == (77, 9)


@pytest.mark.parametrize(
    "as_of",
    ["1", "2020-01-01", "2020-06-30", "2020-01-01T00:00:00Z", "2020-01-01T01:00:00+01:00"],
)
async def test_as_of_the_seed_serves_the_old_figure(history, as_of):
    assert await action_plan_2017(history, as_of=as_of) == (76, 8)


@pytest.mark.parametrize("as_of", ["2", dt.date.today().isoformat(), "2999-12-31T23:59:59"])
async def test_as_of_the_correction_or_later_serves_the_new_figure(history, as_of):
    assert await action_plan_2017(history, as_of=as_of) == (77, 9)


async def test_as_of_applies_to_the_shares_table(history):
    params = {"question": "action-plan", "wave": "2017"}
    old = (await history.get("/api/v1/shares", params={**params, "as_of": "1"})).json()
    new = (await history.get("/api/v1/shares", params=params)).json()
    assert [row["value"] for row in old["data"]] == [76]
    assert [row["value"] for row in new["data"]] == [77]
    assert old["data"][0]["locator"] == "Avsnittet om automatisering: den samme andelen i 2017."


async def test_as_of_is_kept_in_the_next_page(history):
    response = await history.get("/api/v1/shares", params={"limit": "1", "as_of": "1"})
    assert "as_of=1" in response.json()["next"]


async def test_as_of_applies_to_a_question(history):
    response = await history.get("/api/v1/questions/action-plan", params={"as_of": "1"})
    shares = response.json()["options"][0]["shares"]
    assert [(share["wave"], share["value"]) for share in shares] == [(2015, 68), (2017, 76)]


def csv_value(text, question="action-plan", wave="2017"):
    rows = list(csv.DictReader(io.StringIO(text)))
    found = [row for row in rows if row["question"] == question and row["wave"] == wave]
    assert len(found) == 1, rows
    return found[0]["value"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/shares", {"format": "csv", "question": "action-plan"}),
        ("/api/v1/questions/action-plan", {"format": "csv"}),
        ("/api/v1/questions/action-plan/data", {"outputFormat": "csv"}),
        ("/api/v1/surveys/kommuneundersokelsen/data", {}),
    ],
)
async def test_as_of_applies_to_every_csv(history, path, params):
    old = await history.get(path, params={**params, "as_of": "2020-03-01"})
    new = await history.get(path, params=params)
    assert old.status_code == new.status_code == 200
    assert (csv_value(old.text), csv_value(new.text)) == ("76", "77")


async def test_as_of_applies_to_an_indicator_csv(history):
    params = {"format": "csv"}
    old = await history.get("/api/v1/indicators/action-plan", params={**params, "as_of": "1"})
    rows = list(csv.DictReader(io.StringIO(old.text)))
    assert [(row["wave"], row["value"], row["change"]) for row in rows] == [
        ("2015", "68", ""), ("2016", "", ""), ("2017", "76", "8"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/shares", {"format": "jsonstat", "question": "action-plan"}),
        ("/api/v1/questions/action-plan", {"format": "jsonstat"}),
        ("/api/v1/questions/action-plan/data", {}),
        ("/api/v1/indicators/action-plan", {"format": "jsonstat"}),
        ("/api/v1/surveys/kommuneundersokelsen/data", {"format": "jsonstat"}),
    ],
)
async def test_json_stat_as_of_says_the_release_it_shows(history, path, params):
    old = (await history.get(path, params={**params, "as_of": "1"})).json()
    new = (await history.get(path, params=params)).json()
    assert old["updated"] == "2020-01-01T00:00:00Z"
    assert new["updated"] != old["updated"]
    assert 76 in old["value"] and 77 not in old["value"]
    assert 77 in new["value"] and 76 not in new["value"]


async def test_as_of_applies_to_published_totals(fresh_database_url, tmp_path):
    assert main(["seed", "--database-url", fresh_database_url]) == 0
    header = "survey,wave,indicator,segment,value,source,locator,note_nb,note_en"
    total = "kommuneundersokelsen,2015,ict-contributed-quality,all,94,cw15,,,"
    # A package has figures; these are the seed's own, unchanged.
    shares = seed_lines("kommuneundersokelsen,2015,ict-contributed-quality,")
    files = {
        "shares.csv": [SEED_SHARES_HEADER, *shares],
        "published_totals.csv": [header, total],
    }
    folder = write_package(tmp_path / "totals", files)
    import_package(fresh_database_url, folder, "Another rounding")
    app = create_app(Settings(database_url=fresh_database_url))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        path = "/api/v1/indicators/ict-contributed-quality"
        old = (await client.get(path, params={"as_of": "1"})).json()["series"][0]
        new = (await client.get(path)).json()["series"][0]
        query = """{ old: indicator(code: "ict-contributed-quality", asOf: "1") {
                       series { publishedTotal { value } } }
                     new: indicator(code: "ict-contributed-quality") {
                       series { publishedTotal { value } } } }"""
        data = (await graphql(client, query))["data"]
    app.state.engine.dispose()
    assert (old["published_total"]["value"], new["published_total"]["value"]) == (95, 94)
    assert old["value"] == new["value"] == 94.7
    assert data["old"]["series"][0]["publishedTotal"] == {"value": 95}
    assert data["new"]["series"][0]["publishedTotal"] == {"value": 94}


# as_of mistakes -------------------------------------------------------------------

FIGURE_ENDPOINTS = [
    "/api/v1/shares",
    "/api/v1/shares?format=csv",
    "/api/v1/questions/action-plan",
    "/api/v1/questions/action-plan/data",
    "/api/v1/indicators/action-plan",
    "/api/v1/indicators/action-plan?format=jsonstat",
    "/api/v1/surveys/kommuneundersokelsen/data",
]


@pytest.mark.parametrize("path", FIGURE_ENDPOINTS)
async def test_unknown_release_is_a_400_naming_as_of(history, path):
    response = await history.get(path, params={"as_of": "3"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    detail = "as_of=3 names no release; releases are numbered 1 to 2 (see /api/v1/releases)"
    assert response.json()["type"] == "/problems/unknown-code"
    assert response.json()["errors"] == [{"parameter": "as_of", "detail": detail}]


@pytest.mark.parametrize(
    ("as_of", "type", "detail"),
    [
        (
            "2019-12-31",
            "/problems/unknown-code",
            "as_of=2019-12-31 is before the first release, 1: a date in as_of names the newest"
            " release loaded here by then (see /api/v1/releases), not a date a source was"
            " published; give a release number or a later date",
        ),
        (
            "2019-12-31T23:59:59Z",
            "/problems/unknown-code",
            "as_of=2019-12-31T23:59:59Z is before the first release, 1: a date in as_of names"
            " the newest release loaded here by then (see /api/v1/releases), not a date a"
            " source was published; give a release number or a later date",
        ),
        (
            "yesterday",
            "/problems/invalid-parameter",
            "as_of='yesterday' is neither a release number (1, 2, …) nor an ISO 8601 date"
            " (YYYY-MM-DD) or date-time (YYYY-MM-DDThh:mm:ssZ) of a release's loading",
        ),
        ("0", "/problems/invalid-parameter", None),
        ("-1", "/problems/invalid-parameter", None),
        ("1.0", "/problems/invalid-parameter", None),
        ("1234567890", "/problems/invalid-parameter", None),
        ("", "/problems/invalid-parameter", None),
        ("2020-02-30", "/problems/invalid-parameter", "as_of='2020-02-30' is not a real date"),
        ("2020-01-01T25:00", "/problems/invalid-parameter", None),
        ("0001-01-01T00:00:00+01:00", "/problems/invalid-parameter", None),
    ],
)
async def test_malformed_or_too_early_as_of_is_a_400(history, as_of, type, detail):
    response = await history.get("/api/v1/indicators/action-plan", params={"as_of": as_of})
    assert response.status_code == 400
    problem = response.json()
    assert problem["type"] == type
    assert problem["errors"][0]["parameter"] == "as_of"
    if detail is not None:
        assert problem["detail"].startswith(detail)


async def test_as_of_twice_is_a_400(history):
    response = await history.get("/api/v1/shares?as_of=1&as_of=2")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"parameter": "as_of", "detail": "give as_of once, not 2 times"}
    ]


async def test_endpoints_without_figures_do_not_take_as_of(history):
    response = await history.get("/api/v1/questions", params={"as_of": "1"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "as_of"


# as_of in GraphQL -------------------------------------------------------------------


async def test_graphql_indicator_as_of_shows_the_old_value(history):
    query = '{ indicator(code: "action-plan", asOf: "1") { series { wave value } } }'
    body = await graphql(history, query)
    assert "errors" not in body
    assert [p["value"] for p in body["data"]["indicator"]["series"]] == [68, None, 76]


async def test_graphql_old_and_new_in_one_document(history):
    """Loaders are shared by a request: their keys must carry the release, or one answer
    would be served for both."""
    query = """{
      old: indicator(code: "action-plan", asOf: "2020-06-30") { series { value change } }
      new: indicator(code: "action-plan") { series { value change } }
      oldShares: shares(filter: {questions: ["action-plan"], waves: [2017]}, asOf: "1") {
        totalCount edges { node { value } } }
      newShares: shares(filter: {questions: ["action-plan"], waves: [2017]}) {
        totalCount edges { node { value } } }
    }"""
    data = (await graphql(history, query))["data"]
    assert data["old"]["series"][2] == {"value": 76, "change": 8}
    assert data["new"]["series"][2] == {"value": 77, "change": 9}
    assert data["oldShares"] == {"totalCount": 1, "edges": [{"node": {"value": 76}}]}
    assert data["newShares"] == {"totalCount": 1, "edges": [{"node": {"value": 77}}]}


NESTED = {
    "question": """{ question(code: "action-plan", asOf: "1") {
        options { shares(filter: {waves: [2017]}) { value } } } }""",
    "questions": """{ questions(q: "action-plan", asOf: "1") {
        options { shares(filter: {waves: [2017]}) { value } } } }""",
    "surveys": """{ surveys(asOf: "1") { waves {
        shares(filter: {questions: ["action-plan"], waves: [2017]}) { value } } } }""",
    "survey": """{ survey(code: "kommuneundersokelsen", asOf: "1") { questions {
        options { shares(filter: {questions: ["action-plan"], waves: [2017]}) { value } } } } }""",
    "waves": """{ waves(asOf: "1") {
        shares(filter: {questions: ["action-plan"], waves: [2017]}) { value } } }""",
    "topics": """{ topics(asOf: "1") { questions {
        options { shares(filter: {questions: ["action-plan"], waves: [2017]}) { value } } } } }""",
    "indicators": """{ indicators(asOf: "1") { series { value } } }""",
    "share → wave → shares": """{ shares(filter: {questions: ["action-plan"]}, asOf: "1") {
        edges { node { wave { shares(filter: {questions: ["action-plan"]}) { value } } } } } }""",
    "indicator → question → options": """{ indicator(code: "action-plan", asOf: "1") {
        question { options { shares { value } } } } }""",
}


def numbers(node):
    """Every `value` in a GraphQL answer."""
    if isinstance(node, dict):
        return [
            v for key, item in node.items() for v in ([item] if key == "value" else numbers(item))
        ]
    if isinstance(node, list):
        return [v for item in node for v in numbers(item)]
    return []


@pytest.mark.parametrize("query", NESTED.values(), ids=NESTED.keys())
async def test_graphql_nested_fields_inherit_as_of(history, query):
    old = await graphql(history, query)
    new = await graphql(history, query.replace(', asOf: "1"', "").replace('(asOf: "1")', ""))
    assert "errors" not in old and "errors" not in new
    assert 76 in numbers(old) and 77 not in numbers(old)
    assert 77 in numbers(new) and 76 not in numbers(new)


@pytest.mark.parametrize(
    ("as_of", "code", "message"),
    [
        (
            "3",
            "/problems/unknown-code",
            "asOf=3 names no release; releases are numbered 1 to 2 (see /api/v1/releases)",
        ),
        (
            "2019-06-01",
            "/problems/unknown-code",
            "asOf=2019-06-01 is before the first release, 1: a date in asOf names the newest"
            " release loaded here by then (see /api/v1/releases), not a date a source was"
            " published; give a release number or a later date",
        ),
        (
            "soon",
            "/problems/invalid-parameter",
            "asOf='soon' is neither a release number (1, 2, …) nor an ISO 8601 date"
            " (YYYY-MM-DD) or date-time (YYYY-MM-DDThh:mm:ssZ) of a release's loading",
        ),
    ],
)
async def test_graphql_bad_as_of_says_what_to_fix(history, as_of, code, message):
    body = await graphql(
        history,
        'query ($asOf: String) { indicator(code: "action-plan", asOf: $asOf) { code } }',
        asOf=as_of,
    )
    assert body["data"] == {"indicator": None}
    [error] = body["errors"]
    assert error["message"] == message
    assert error["extensions"] == {"code": code, "parameter": "asOf"}


# Releases -------------------------------------------------------------------------


async def test_releases_are_listed_newest_first_with_their_counts(history):
    response = await history.get("/api/v1/releases")
    assert response.status_code == 200
    releases = response.json()["data"]
    assert [(r["id"], r["added"], r["changed"], r["removed"]) for r in releases] == [
        (2, 0, 1, 0),
        (1, 33, 0, 0),
    ]
    assert releases[0]["message"] == MESSAGE
    assert releases[1]["created_at"] == "2020-01-01T00:00:00+00:00"
    assert all(re.fullmatch("[0-9a-f]{64}", r["checksum"]) for r in releases)
    assert dt.datetime.fromisoformat(releases[0]["created_at"]) > SEEDED_AT


async def test_one_release(history):
    listed = (await history.get("/api/v1/releases")).json()["data"]
    response = await history.get("/api/v1/releases/2")
    assert response.status_code == 200
    assert response.json() == listed[0]


@pytest.mark.parametrize("id_", ["3", "0", "x", "99999999999999999999"])
async def test_unknown_release_is_404(history, id_):
    for path in (f"/api/v1/releases/{id_}", f"/api/v1/releases/{id_}/changes"):
        response = await history.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "/problems/not-found"


async def test_changes_of_the_correction(history):
    response = await history.get("/api/v1/releases/2/changes")
    assert response.status_code == 200
    body = response.json()
    assert body["release"]["id"] == 2
    assert body["next"] is None
    assert "link" not in response.headers
    assert body["data"] == [
        {
            "kind": "changed",
            "survey": "kommuneundersokelsen",
            "wave": 2017,
            "question": "action-plan",
            "option": "yes",
            "segment": "all",
            "old": {"value": 76, "status": "published"},
            "new": {"value": 77, "status": "published"},
            # The correction's row has no locator, where the seed's had one.
            "what_changed": ["value", "locator"],
        }
    ]


async def test_a_change_of_the_note_alone_says_so(fresh_database_url, tmp_path, capsys):
    """A release that only rewrites a note lists the figure as changed, with `note` as
    what changed: never as "76.0 -> 76.0"."""
    assert main(["seed", "--database-url", fresh_database_url]) == 0
    [seeded] = seed_lines("kommuneundersokelsen,2017,action-plan,yes,")
    header = (DATA / "shares.csv").read_text(encoding="utf-8").splitlines()[0]
    [row] = csv.DictReader([header, seeded])
    assert not row["note_nb"] and not row["note_en"]  # no notes yet
    row |= {"note_nb": "Ny merknad.", "note_en": "A new note."}
    noted = io.StringIO()
    csv.writer(noted, lineterminator="").writerow(row.values())
    folder = write_package(tmp_path / "package", {"shares.csv": [header, noted.getvalue()]})
    command = ["import", str(folder), "--database-url", fresh_database_url, "--dry-run"]
    capsys.readouterr()
    assert main(command) == 0
    printed = capsys.readouterr().out
    assert "76.0 -> 76.0" not in printed
    assert (
        "  changed  kommuneundersokelsen/2017/action-plan/yes/all: 76.0 (published); note changed\n"
    ) in printed
    import_package(fresh_database_url, folder, "Noted action plan 2017")
    app = create_app(Settings(database_url=fresh_database_url))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        changes = (await client.get("/api/v1/releases/2/changes")).json()["data"]
        query = "{ release(id: 2) { changes { edges { node { kind whatChanged } } } } }"
        edges = (await graphql(client, query))["data"]["release"]["changes"]["edges"]
        share = (
            await client.get(
                "/api/v1/shares", params={"wave": "2017", "question": "action-plan", "lang": "en"}
            )
        ).json()["data"]
    app.state.engine.dispose()
    assert [(c["kind"], c["old"], c["new"], c["what_changed"]) for c in changes] == [
        (
            "changed",
            {"value": 76, "status": "published"},
            {"value": 76, "status": "published"},
            ["note"],
        )
    ]
    assert [edge["node"] for edge in edges] == [{"kind": "CHANGED", "whatChanged": ["note"]}]
    assert [row["note"] for row in share] == ["A new note."]


async def test_a_package_without_bokmal_locators_still_imports(fresh_database_url, tmp_path):
    """A package written before locator_nb existed keeps working: its English locator is
    shown in both languages, in REST and GraphQL."""
    assert main(["seed", "--database-url", fresh_database_url]) == 0
    line = "kommuneundersokelsen,2017,action-plan,yes,all,76,,published,pr17,Page 3.,,"
    folder = write_package(tmp_path / "package", {"shares.csv": [SHARES_HEADER, line]})
    import_package(fresh_database_url, folder, "Old layout")
    app = create_app(Settings(database_url=fresh_database_url))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        served = {}
        for lang in ("nb", "en"):
            params = {"wave": "2017", "question": "action-plan", "lang": lang}
            [share] = (await client.get("/api/v1/shares", params=params)).json()["data"]
            served[lang] = share["locator"]
        query = """{ shares(filter: {waves: [2017], questions: ["action-plan"]}) { edges {
            node { nb: locator en: locator(lang: EN) } } } }"""
        [edge] = (await graphql(client, query))["data"]["shares"]["edges"]
        changes = (await client.get("/api/v1/releases/2/changes")).json()["data"]
    app.state.engine.dispose()
    assert served == {"nb": "Page 3.", "en": "Page 3."}
    assert edge["node"] == {"nb": "Page 3.", "en": "Page 3."}
    assert [change["what_changed"] for change in changes] == [["locator"]]


async def test_changes_of_the_seed_page_through_every_figure(history):
    url, seen = "/api/v1/releases/1/changes?limit=5", []
    while url:
        response = await history.get(url)
        assert response.status_code == 200
        body = response.json()
        assert len(body["data"]) <= 5
        seen += body["data"]
        url = body["next"]
        if url:
            assert response.headers["link"] == f'<{url}>; rel="next"'
            url = url.removeprefix("http://testserver")
    assert len(seen) == 33
    assert {change["kind"] for change in seen} == {"added"}
    assert all(change["old"] is None for change in seen)
    assert all(change["what_changed"] == [] for change in seen)
    cells = [(c["wave"], c["question"], c["option"], c["segment"]) for c in seen]
    assert len(set(cells)) == 33
    assert cells == sorted(cells, key=lambda cell: cell[0])  # oldest wave first
    action_plan = [c["new"] for c in seen if (c["wave"], c["question"]) == (2017, "action-plan")]
    assert action_plan == [{"value": 76, "status": "published"}]


async def test_changes_list_added_and_removed_figures(fresh_database_url, tmp_path):
    """A package replaces the figures of each (wave, question) it names: one new figure
    added for 2016, two of expected-effects 2015 removed by leaving them out."""
    assert main(["seed", "--database-url", fresh_database_url]) == 0
    added = "kommuneundersokelsen,2016,action-plan,yes,all,70,,published,pr17,,,"
    [kept] = seed_lines("kommuneundersokelsen,2015,expected-effects,better-quality,")
    files = {
        "shares.csv": [SEED_SHARES_HEADER, added + ",,,", kept]
    }  # locator_nb, note_nn, locator_nn
    folder = write_package(tmp_path / "package", files)
    import_package(fresh_database_url, folder, "Added 2016, withdrew two")
    app = create_app(Settings(database_url=fresh_database_url))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        release = (await client.get("/api/v1/releases/2")).json()
        changes = (await client.get("/api/v1/releases/2/changes")).json()["data"]
        now = (await client.get("/api/v1/shares", params={"wave": "2015,2016"})).json()["data"]
        then = (
            await client.get("/api/v1/shares", params={"wave": "2015,2016", "as_of": "1"})
        ).json()["data"]
        query = """{ release(id: 2) { changes { edges { node {
            kind wave question option old { value status } new { value } } } } } }"""
        nodes = [
            edge["node"]
            for edge in (await graphql(client, query))["data"]["release"]["changes"]["edges"]
        ]
    app.state.engine.dispose()
    assert (release["added"], release["changed"], release["removed"]) == (1, 0, 2)
    assert [(c["kind"], c["wave"], c["question"], c["option"]) for c in changes] == [
        ("removed", 2015, "expected-effects", "simpler-routines"),
        ("removed", 2015, "expected-effects", "faster-processing"),
        ("added", 2016, "action-plan", "yes"),
    ]
    assert changes[0]["old"] == {"value": 23, "status": "published"}
    assert changes[0]["new"] is None
    assert changes[1]["old"] == {"value": None, "status": "not_published"}
    assert changes[2]["old"] is None
    assert changes[2]["new"] == {"value": 70, "status": "published"}
    assert [(n["kind"], n["option"]) for n in nodes] == [
        ("REMOVED", "simpler-routines"), ("REMOVED", "faster-processing"), ("ADDED", "yes"),
    ]  # fmt: skip
    assert nodes[0]["old"] == {"value": 23, "status": "PUBLISHED"} and nodes[0]["new"] is None
    in_2015 = {(row["wave"], row["question"], row["option"]) for row in now}
    assert (2015, "expected-effects", "simpler-routines") not in in_2015
    assert (2016, "action-plan", "yes") in in_2015
    in_2015_then = {(row["wave"], row["question"], row["option"]) for row in then}
    assert (2015, "expected-effects", "simpler-routines") in in_2015_then
    assert (2016, "action-plan", "yes") not in in_2015_then


async def test_graphql_releases_with_their_changes(history):
    query = """{ releases { id message added changed removed
        changes { edges { node { kind survey wave question option segment
          old { value status } new { value status } } } pageInfo { hasNextPage } } } }"""
    body = await graphql(history, query)
    assert "errors" not in body
    releases = body["data"]["releases"]
    assert [(r["id"], r["added"], r["changed"], r["removed"]) for r in releases] == [
        (2, 0, 1, 0),
        (1, 33, 0, 0),
    ]
    assert releases[0]["message"] == MESSAGE
    assert releases[0]["changes"]["edges"] == [
        {
            "node": {
                "kind": "CHANGED",
                "survey": "kommuneundersokelsen",
                "wave": 2017,
                "question": "action-plan",
                "option": "yes",
                "segment": "all",
                "old": {"value": 76, "status": "PUBLISHED"},
                "new": {"value": 77, "status": "PUBLISHED"},
            }
        }
    ]
    assert len(releases[1]["changes"]["edges"]) == 33
    assert releases[1]["changes"]["pageInfo"] == {"hasNextPage": False}


async def test_graphql_release_changes_page_with_first_and_after(history):
    query = """query ($after: String) { release(id: 1) { changes(first: 8, after: $after) {
        edges { node { wave question option } } pageInfo { hasNextPage endCursor } } } }"""
    seen, after = [], None
    while True:
        changes = (await graphql(history, query, after=after))["data"]["release"]["changes"]
        seen += [edge["node"] for edge in changes["edges"]]
        if not changes["pageInfo"]["hasNextPage"]:
            break
        after = changes["pageInfo"]["endCursor"]
    assert len(seen) == 33
    assert len({tuple(node.values()) for node in seen}) == 33


async def test_graphql_changes_of_every_release_cost_a_fixed_number_of_statements(
    fresh_database_url, tmp_path
):
    assert main(["seed", "--database-url", fresh_database_url]) == 0
    app = create_app(Settings(database_url=fresh_database_url, release_check_seconds=0))
    query = "{ releases { id changes(first: 3) { edges { node { kind wave option } } } } }"
    transport = httpx.ASGITransport(app=app)
    counts = []
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for value in (None, "77", "78"):
            if value is not None:
                row = CORRECTION.replace(",77,", f",{value},")
                path = tmp_path / f"correction-{value}.csv"
                path.write_text(f"{SHARES_HEADER}\n{row}\n", encoding="utf-8")
                import_package(fresh_database_url, path, f"Correction to {value}")
            # Descriptions are read once per release (models.read.descriptions), not counted here.
            await graphql(client, "{ segments { code } }")
            with count_queries(app.state.engine) as statements:
                body = await graphql(client, query)
            assert "errors" not in body
            counts.append((len(body["data"]["releases"]), len(data_statements(statements))))
    app.state.engine.dispose()
    # the releases, then one batch of every release's changes
    assert counts == [(1, 2), (2, 2), (3, 2)]


async def test_graphql_unknown_release_is_null(history):
    body = await graphql(history, "{ release(id: 3) { id } }")
    assert body == {
        "data": {"release": None},
        "extensions": {"cost": {"requested": 2, "actual": 1, "maximum": 50000}},
    }


# The feed -------------------------------------------------------------------------


def text(element, name):
    found = element.findtext(f"{ATOM}{name}")
    assert found is not None, f"no {name} in {element.tag}"
    return found


def link(element, rel):
    found = element.find(f"{ATOM}link[@rel='{rel}']")
    assert found is not None, f"no {rel} link in {element.tag}"
    return found.get("href")


async def test_feed_is_atom_with_one_entry_per_release(history):
    response = await history.get("/feed")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml"
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert {element.tag for element in feed.iter()} <= {
        f"{ATOM}{name}"
        for name in (
            "feed", "id", "title", "subtitle", "updated", "link", "author", "name",
            "generator", "entry", "published", "summary",
        )
    }  # fmt: skip
    for name in ("id", "title", "updated", "author"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    assert link(feed, "self") == "http://testserver/feed"

    entries = feed.findall(f"{ATOM}entry")
    assert [text(entry, "title") for entry in entries] == [
        f"Release 2: {MESSAGE}",
        "Release 1: Published figures of Kommuneundersøkelsen 2015–2017 from public sources",
    ]
    ids = [text(entry, "id") for entry in entries]
    assert all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", id_) for id_ in ids)
    assert len({*ids, text(feed, "id")}) == 3
    assert [link(entry, "alternate") for entry in entries] == [
        "http://testserver/api/v1/releases/2/changes",
        "http://testserver/api/v1/releases/1/changes",
    ]
    assert text(entries[0], "summary").startswith(
        "Release 2: 0 figures added, 1 changed, 0 removed."
    )
    assert text(entries[1], "updated") == "2020-01-01T00:00:00Z"
    assert text(feed, "updated") == text(entries[0], "updated")


async def test_feed_ids_do_not_depend_on_the_host(history):
    def ids(response):
        feed = ET.fromstring(response.content)
        return [element.text for element in feed.iter(f"{ATOM}id")]

    here = await history.get("/feed")
    elsewhere = await history.get("/feed", headers={"Host": "data.example.org"})
    assert ids(here) == ids(elsewhere)
    assert b"http://data.example.org/api/v1/releases/2/changes" in elsewhere.content


async def test_feed_answers_304_while_no_release_is_made(history):
    tag = (await history.get("/feed")).headers["etag"]
    response = await history.get("/feed", headers={"If-None-Match": tag})
    assert response.status_code == 304
