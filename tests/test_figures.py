"""A figure is a resource: /api/v1/figures/{survey}/{wave}/{question}/{option}/{segment}
with its value, status, source, locator and history; every REST share links to it; GraphQL
finds it by a share's global `id` through `node(id:)`, or by its codes through `figure`.

The history scenario is the one of tests/test_releases.py: the seed (release 1) and an import
that corrects action-plan 2017 from 76 to 77 (release 2).
"""

import base64

import httpx
import pytest

from api.app import create_app
from api.cli import main
from api.settings import Settings
from tests import test_releases
from tests.conftest import count_queries, data_statements, graphql
from tests.test_releases import (
    MESSAGE,
    SEED_SHARES_HEADER,
    import_package,
    seed_lines,
    write_package,
)

pytestmark = pytest.mark.anyio

FIGURES = "/api/v1/figures"
BETTER_QUALITY_2017 = f"{FIGURES}/kommuneundersokelsen/2017/expected-effects/better-quality/all"
ACTION_PLAN_2017 = f"{FIGURES}/kommuneundersokelsen/2017/action-plan/yes/all"
SEED_MESSAGE = "Published figures of Kommuneundersøkelsen 2015–2017 from public sources"


def added_in_seed(value, status="published"):
    return {"kind": "added", "old": None, "new": {"value": value, "status": status}}


def revision(item):
    """A history entry without what only the database knows (its time, its checksum)."""
    release = item["release"]
    return {
        "release": (release["id"], release["message"]),
        **{key: item[key] for key in ("kind", "old", "new")},
    }


# One figure -----------------------------------------------------------------------------


async def test_a_figure_has_its_value_status_source_and_locator(client):
    response = await client.get(BETTER_QUALITY_2017, params={"lang": "en"})
    assert response.status_code == 200, response.text
    assert response.headers["content-language"] == "en"
    figure = response.json()
    assert (figure["survey"], figure["wave"], figure["question"]) == (
        "kommuneundersokelsen", 2017, "expected-effects",
    )  # fmt: skip
    assert (figure["option"], figure["segment"]) == ("better-quality", "all")
    assert (figure["value"], figure["base_n"], figure["status"]) == (64, None, "published")
    source = figure["source"]
    assert (source["code"], source["title"], source["publisher"]) == (
        "pr17", "Kommuneundersøkelsen 2017", "EVRY",
    )  # fmt: skip
    assert source["published"] == "2018-01-24"
    assert source["locator"] == "Opening section: the same share two years later, in 2017."
    assert [revision(item) for item in figure["history"]] == [
        {"release": (1, SEED_MESSAGE), **added_in_seed(64)}
    ]
    assert figure["links"]["self"] == f"http://testserver{BETTER_QUALITY_2017}"
    assert figure["links"]["question"] == "http://testserver/api/v1/questions/expected-effects"


async def test_a_figure_speaks_the_language_asked_for(client):
    response = await client.get(ACTION_PLAN_2017)
    assert response.status_code == 200
    assert response.headers["content-language"] == "nb"
    figure = response.json()
    assert (figure["value"], figure["status"]) == (76, "published")
    assert figure["option_label"] == "Ja, omtalt i handlingsplanen"
    assert figure["source"]["locator"] == "Avsnittet om automatisering: den samme andelen i 2017."


async def test_a_figure_without_a_number_says_why(client):
    path = f"{FIGURES}/kommuneundersokelsen/2015/priority/high-or-very-high/all"
    figure = (await client.get(path, params={"lang": "en"})).json()
    assert (figure["value"], figure["status"]) == (None, "qualitative")
    assert figure["note"] == (
        "Described as stable at well over 50 percent. 50 is a lower bound and not a figure."
    )


async def test_a_figure_answers_304_to_its_etag(client):
    first = await client.get(ACTION_PLAN_2017)
    again = await client.get(ACTION_PLAN_2017, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("no-such-survey/2017/action-plan/yes/all", "There is no survey 'no-such-survey'"),
        (
            "kommuneundersokelsen/2014/action-plan/yes/all",
            "Survey 'kommuneundersokelsen' has no wave 2014; its waves: 2015, 2016, 2017",
        ),
        (
            "kommuneundersokelsen/2017/no-such-question/yes/all",
            "Survey 'kommuneundersokelsen' has no question 'no-such-question'",
        ),
        (
            "kommuneundersokelsen/2017/action-plan/no/all",
            "Question 'action-plan' has no option 'no'; its options: yes",
        ),
        (
            "kommuneundersokelsen/2017/action-plan/yes/nobody",
            "There is no segment 'nobody'; segments: all",
        ),
        (
            "kommuneundersokelsen/2016/action-plan/yes/all",
            "No release has a figure for kommuneundersokelsen/2016/action-plan/yes/all",
        ),
    ],
)
async def test_an_unknown_figure_is_a_404_naming_what_is_unknown(client, path, detail):
    response = await client.get(f"{FIGURES}/{path}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/not-found"
    assert response.json()["detail"] == detail


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("kommuneundersokelsen/17/action-plan/yes/all", "wave"),
        ("kommuneundersokelsen/twenty/action-plan/yes/all", "wave"),
        ("Kommuneundersokelsen/2017/action-plan/yes/all", "survey"),
        ("kommuneundersokelsen/2017/action plan/yes/all", "question"),
        ("kommuneundersokelsen/2017/action-plan/YES/all", "option"),
        ("kommuneundersokelsen/2017/action-plan/yes/" + "a" * 129, "segment"),
        ("kommuneundersokelsen/2017/action-plan/yes/all?as_of=soon", "as_of"),
        ("kommuneundersokelsen/2017/action-plan/yes/all?segment=all", "segment"),
    ],
)
async def test_a_malformed_address_is_a_400_naming_the_part(client, path, parameter):
    response = await client.get(f"{FIGURES}/{path}")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["parameter"] == parameter


# Every share links to its figure ---------------------------------------------------------


async def test_every_share_links_to_its_figure_and_the_link_resolves(client):
    shares = (await client.get("/api/v1/shares", params={"limit": 1000})).json()["data"]
    assert len(shares) == 33
    for share in shares:
        cell = "/".join(
            str(share[part]) for part in ("survey", "wave", "question", "option", "segment")
        )
        assert share["figure"] == f"http://testserver{FIGURES}/{cell}"
    followed = await client.get(shares[0]["figure"])
    assert followed.status_code == 200
    figure = followed.json()
    assert (figure["value"], figure["status"], figure["source"]["code"]) == (
        shares[0]["value"], shares[0]["status"], shares[0]["source"],
    )  # fmt: skip
    assert figure["source"]["locator"] == shares[0]["locator"]


async def test_the_shares_of_a_question_link_to_their_figures(client):
    question = (await client.get("/api/v1/questions/action-plan")).json()
    links = [share["figure"] for option in question["options"] for share in option["shares"]]
    assert links == [
        f"http://testserver{FIGURES}/kommuneundersokelsen/2015/action-plan/yes/all",
        f"http://testserver{ACTION_PLAN_2017}",
    ]
    followed = (await client.get(links[0])).json()
    assert (followed["wave"], followed["value"]) == (2015, 68)


async def test_a_pinned_answer_links_to_its_pinned_figures(client):
    shares = (await client.get("/api/v1/shares", params={"limit": 1, "as_of": "1"})).json()
    assert shares["data"][0]["figure"].endswith("?as_of=1")


# History across releases -----------------------------------------------------------------


# The seed and the correction, in a database of the module's own, and a client of it.
corrected_app = test_releases.corrected_app
corrected = test_releases.history

CHANGED_TO_77 = {
    "release": (2, MESSAGE),
    "kind": "changed",
    "old": {"value": 76, "status": "published"},
    "new": {"value": 77, "status": "published"},
}


async def test_a_corrected_figure_lists_every_release_that_changed_it(corrected):
    figure = (await corrected.get(ACTION_PLAN_2017)).json()
    assert (figure["value"], figure["status"]) == (77, "published")
    assert [revision(item) for item in figure["history"]] == [
        {"release": (1, SEED_MESSAGE), **added_in_seed(76)},
        CHANGED_TO_77,
    ]
    # The correction's row has no locator, where the seed's had one.
    assert [item["what_changed"] for item in figure["history"]] == [[], ["value", "locator"]]
    assert figure["source"]["locator"] is None


async def test_a_figure_as_of_an_earlier_release_has_the_history_up_to_it(corrected):
    response = await corrected.get(ACTION_PLAN_2017, params={"as_of": "1"})
    figure = response.json()
    assert (figure["value"], figure["status"]) == (76, "published")
    assert [revision(item) for item in figure["history"]] == [
        {"release": (1, SEED_MESSAGE), **added_in_seed(76)}
    ]
    assert figure["links"]["self"] == f"http://testserver{ACTION_PLAN_2017}?as_of=1"


async def test_an_unchanged_figure_keeps_the_seed_as_its_only_release(corrected):
    figure = (await corrected.get(BETTER_QUALITY_2017)).json()
    assert [item["release"]["id"] for item in figure["history"]] == [1]


async def test_an_added_and_a_removed_figure_keep_their_addresses(fresh_database_url, tmp_path):
    """A package replaces the figures of each (wave, question) it names: it adds action-plan
    2016 and, by leaving them out, removes two figures of expected-effects 2015."""
    assert main(["seed", "--database-url", fresh_database_url]) == 0
    leading = "kommuneundersokelsen,2016,action-plan,yes,all,70,,published,pr17"
    added = leading + "," * (SEED_SHARES_HEADER.count(",") - leading.count(","))
    [kept] = seed_lines("kommuneundersokelsen,2015,expected-effects,better-quality,")
    folder = write_package(tmp_path / "package", {"shares.csv": [SEED_SHARES_HEADER, added, kept]})
    import_package(fresh_database_url, folder, "Added 2016, withdrew two")
    app = create_app(Settings(database_url=fresh_database_url))
    removed = f"{FIGURES}/kommuneundersokelsen/2015/expected-effects/simpler-routines/all"
    new = f"{FIGURES}/kommuneundersokelsen/2016/action-plan/yes/all"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        gone = (await client.get(removed)).json()
        gone_then = (await client.get(removed, params={"as_of": "1"})).json()
        added_figure = (await client.get(new)).json()
        before_it = await client.get(new, params={"as_of": "1"})
    app.state.engine.dispose()
    assert (gone["value"], gone["status"], gone["source"]) == (None, "no_source", None)
    assert [(item["kind"], item["old"], item["new"]) for item in gone["history"]] == [
        ("added", None, {"value": 23, "status": "published"}),
        ("removed", {"value": 23, "status": "published"}, None),
    ]
    assert [item["release"]["id"] for item in gone["history"]] == [1, 2]
    assert (gone_then["value"], gone_then["status"]) == (23, "published")
    assert [item["kind"] for item in added_figure["history"]] == ["added"]
    assert added_figure["history"][0]["release"]["id"] == 2
    assert added_figure["value"] == 70
    assert before_it.status_code == 404
    assert before_it.json()["detail"] == (
        "No release up to 1 has a figure for kommuneundersokelsen/2016/action-plan/yes/all"
    )


# GraphQL: global ids, node(id:), figure(...) and history ---------------------------------


def figure_id(path):
    return base64.b64encode(f"Figure:{path}".encode()).decode()


async def test_a_share_id_finds_its_figure_again_through_node(client):
    query = """{ shares(first: 40) { edges { node { id value status
        wave { year } option { code question { code } } segment { code } } } } }"""
    nodes = [edge["node"] for edge in (await graphql(client, query))["data"]["shares"]["edges"]]
    assert len({node["id"] for node in nodes}) == len(nodes) == 33
    lookup = """query ($id: ID!) { node(id: $id) { __typename id ... on Share {
        value status wave { year } option { code question { code } } segment { code } } } }"""
    for node in nodes[:3] + [n for n in nodes if n["option"]["question"]["code"] == "action-plan"]:
        found = (await graphql(client, lookup, id=node["id"]))["data"]["node"]
        assert found == {"__typename": "Share", **node}


async def test_a_share_id_is_made_of_codes(client):
    query = """{ figure(survey: "kommuneundersokelsen", wave: 2017, question: "action-plan",
        option: "yes", segment: "all") { id value } }"""
    found = (await graphql(client, query))["data"]["figure"]
    assert found == {
        "id": figure_id("kommuneundersokelsen/2017/action-plan/yes/all"),
        "value": 76,
    }


async def test_node_of_a_malformed_id_says_what_to_fix(client):
    for bad in ("not base64!", figure_id("kommuneundersokelsen/2017/action-plan"), "U2hhcmU6MQ=="):
        body = await graphql(client, "query ($id: ID!) { node(id: $id) { id } }", id=bad)
        assert body["data"] == {"node": None}
        [error] = body["errors"]
        assert error["extensions"]["code"] == "/problems/invalid-parameter"
        assert error["extensions"]["parameter"] == "id"


async def test_node_and_figure_of_no_figure_are_null(client):
    unknown = figure_id("kommuneundersokelsen/2016/action-plan/yes/all")
    body = await graphql(client, "query ($id: ID!) { node(id: $id) { id } }", id=unknown)
    assert body == {"data": {"node": None}, "extensions": body["extensions"]}
    query = """{ figure(survey: "kommuneundersokelsen", wave: 2017, question: "action-plan",
        option: "no", segment: "all") { id } }"""
    assert (await graphql(client, query))["data"] == {"figure": None}


async def test_figure_with_a_malformed_code_is_an_error_naming_it(client):
    query = """{ figure(survey: "kommuneundersokelsen", wave: 17, question: "action-plan",
        option: "yes", segment: "all") { id } }"""
    [error] = (await graphql(client, query))["errors"]
    assert error["extensions"]["parameter"] == "wave"


HISTORY = """{ id value history { release { id message } change { kind old { value status }
    new { value status } whatChanged } } }"""


async def test_graphql_history_of_a_corrected_figure(corrected):
    query = (
        '{ figure(survey: "kommuneundersokelsen", wave: 2017, question: "action-plan",'
        ' option: "yes", segment: "all")' + HISTORY + "}"
    )
    figure = (await graphql(corrected, query))["data"]["figure"]
    assert figure["value"] == 77
    assert figure["history"] == [
        {
            "release": {"id": 1, "message": SEED_MESSAGE},
            "change": {
                "kind": "ADDED",
                "old": None,
                "new": {"value": 76, "status": "PUBLISHED"},
                "whatChanged": [],
            },
        },
        {
            "release": {"id": 2, "message": MESSAGE},
            "change": {
                "kind": "CHANGED",
                "old": {"value": 76, "status": "PUBLISHED"},
                "new": {"value": 77, "status": "PUBLISHED"},
                "whatChanged": ["value", "locator"],
            },
        },
    ]
    rest = (await corrected.get(ACTION_PLAN_2017)).json()
    assert [item["what_changed"] for item in rest["history"]] == [
        item["change"]["whatChanged"] for item in figure["history"]
    ]


async def test_graphql_ids_are_stable_and_history_follows_as_of(corrected):
    query = (
        """query ($asOf: String) { shares(asOf: $asOf, filter: {questions: ["action-plan"],
        waves: [2017]}) { edges { node """
        + HISTORY
        + "} } }"
    )
    now = (await graphql(corrected, query))["data"]["shares"]["edges"][0]["node"]
    then = (await graphql(corrected, query, asOf="1"))["data"]["shares"]["edges"][0]["node"]
    assert now["id"] == then["id"]
    assert (now["value"], then["value"]) == (77, 76)
    assert [item["change"]["kind"] for item in now["history"]] == ["ADDED", "CHANGED"]
    assert [item["change"]["kind"] for item in then["history"]] == ["ADDED"]
    node = """query ($id: ID!) { node(id: $id) { ... on Share { value } } }"""
    assert (await graphql(corrected, node, id=then["id"]))["data"]["node"] == {"value": 77}


async def test_the_histories_of_a_page_of_shares_cost_two_statements(app, client):
    """However many shares a page holds: one for their cells' rows, one for the releases."""

    async def statements_for(first):
        if app.state.response_cache is not None:
            app.state.response_cache.clear()  # the query runs, rather than its kept answer
        query = "{ shares(first: %d) { edges { node { id history { release { id } } } } } }"
        with count_queries(app.state.engine) as statements:
            body = await graphql(client, query % first)
        edges = body["data"]["shares"]["edges"]
        assert len(edges) == first
        assert all(edge["node"]["history"] for edge in edges)
        return len(data_statements(statements))

    await statements_for(1)  # the descriptions, read once
    one, many = await statements_for(1), await statements_for(30)
    assert one == many == 3  # the page, and the histories' two
