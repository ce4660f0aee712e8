"""/api/pxwebapi/v2 as PxWebApi 2's own clients meet it.

Three checks, each written against the specification (PxTools/PxApiSpecs' PxAPI-2.yml)
and the clients, not against our implementation:

- every answer of the routes validates against the specification's response schemas
  (tests.pxapi2_schemas), errors included;
- pxwebpy, the Python client of SSB's and SCB's APIs, runs a whole session over a real
  socket against `kommunedigi serve` with `maxDataCells` so small that it must split
  every query, and every number it gets equals what /api/v1/questions/{code}/data serves;
- pyjstat reads the json-stat2 answers.

Tables and variables are matched with /api/v1 by what the specification lets a client
see, not by our names: a variable is the /api/v1 dimension with the same value codes
(the time variable, by `role.time`, is `wave`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx
import pytest
from packaging.version import Version
from pyjstat import pyjstat
from starlette.applications import Starlette

from tests.conftest import NO_RATE_LIMITS
from tests.datafile_helpers import client_for
from tests.network_helpers import served
from tests.pxapi2_schemas import errors, validate

pytestmark = [
    pytest.mark.anyio,
    # pyjstat's own Dataset.write calls a function of its own that it marks deprecated.
    pytest.mark.filterwarnings("ignore:Shouldn't use this function anymore:DeprecationWarning"),
]

PX = "/api/pxwebapi/v2"
V1_DATA = "/api/v1/questions/{}/data"
PROBLEM = "application/problem+json"
# Below the cells of every table (the smallest has 3), so that pxwebpy splits each query.
SMALL_MAX_CELLS = 2

Cell = tuple[tuple[str, str], ...]  # (dimension, code) of each dimension, sorted


# JSON-stat, read by its definition ---------------------------------------------------


def codes(dataset: dict[str, Any], dimension: str) -> list[str]:
    """A dimension's category codes in their order (`index` as an object or a list)."""
    category = dataset["dimension"][dimension]["category"]
    index = category.get("index")
    if index is None:
        return list(category["label"])
    if isinstance(index, list):
        return list(index)
    return sorted(index, key=index.__getitem__)


def values(dataset: dict[str, Any]) -> dict[Cell, Any]:
    """Every cell of a JSON-stat dataset by its codes: row-major over `id`, as JSON-stat
    2.0 defines `value` (an array, or an object by position for a sparse one)."""
    ids = dataset["id"]
    axes = [codes(dataset, dimension) for dimension in ids]
    assert [len(axis) for axis in axes] == dataset["size"], (ids, dataset["size"])
    raw = dataset["value"]
    found: dict[Cell, Any] = {}
    for position, combination in enumerate(itertools.product(*axes)):
        value = raw[position] if isinstance(raw, list) else raw.get(str(position))
        found[tuple(sorted(zip(ids, combination, strict=True)))] = value
    assert isinstance(raw, dict) or len(raw) == len(found)
    return found


def time_variables(dataset: dict[str, Any]) -> list[str]:
    return list(dataset.get("role", {}).get("time", []))


def correspondence(metadata: dict[str, Any], v1: dict[str, Any]) -> dict[str, str]:
    """Each variable of a table: the /api/v1 dimension it is, by its codes."""
    v1_time = time_variables(v1)
    found = {}
    for variable in metadata["id"]:
        own = set(codes(metadata, variable))
        if variable in time_variables(metadata):
            candidates = v1_time
        else:
            candidates = [
                dimension
                for dimension in v1["id"]
                if dimension not in v1_time and own <= set(codes(v1, dimension))
            ]
        assert len(candidates) == 1, f"{variable} {sorted(own)}: {candidates}"
        assert own <= set(codes(v1, candidates[0])), (variable, own)
        found[variable] = candidates[0]
    assert sorted(found.values()) == sorted(v1["id"]), found
    return found


def in_v1(cell: Cell, mapping: dict[str, str]) -> Cell:
    return tuple(sorted((mapping[variable], code) for variable, code in cell))


def assert_same_numbers(
    dataset: dict[str, Any], v1: dict[str, Any], mapping: dict[str, str], where: str
) -> None:
    expected = values(v1)
    for cell, value in values(dataset).items():
        assert value == expected[in_v1(cell, mapping)], f"{where}: {cell}"


# The schemas themselves ----------------------------------------------------------------


def test_the_schemas_hold_what_the_specification_says():
    """Not vacuous: what the specification forbids is an error, what it allows is none."""
    link = {"rel": "self", "hreflang": "en", "href": "https://example.no/t"}
    table = {
        "type": "Table",
        "id": "t",
        "label": "T",
        "updated": "2018-01-24T06:00:00Z",
        "firstPeriod": "2015",
        "lastPeriod": None,  # nullable
        "variableNames": ["wave"],
        "links": [link],
        "language": "en",
    }
    assert errors("TableResponse", table) == []
    assert errors("TableResponse", table | {"updated": "2018-01-24"}) == []
    assert errors("TableResponse", table | {"updated": "24.01.2018"}) != []
    assert errors("TableResponse", table | {"type": "Folder"}) != []
    assert errors("TableResponse", {k: v for k, v in table.items() if k != "links"}) != []
    assert errors("TableResponse", table | {"discontinued": None}) == []
    assert errors("Problem", {"status": 599}) == []
    assert errors("Problem", {"status": 600}) != []  # exclusiveMaximum: true
    dataset = {
        "version": "2.0",
        "class": "dataset",
        "id": ["wave"],
        "size": [2],
        "dimension": {"wave": {"label": "Wave", "category": {"index": {"2015": 0, "2017": 1}}}},
        "value": [23.0, None],
        "status": {"1": ".."},
    }
    assert errors("Dataset", dataset) == []
    assert errors("Dataset", dataset | {"waves": []}) != []  # no other properties
    assert errors("Dataset", dataset | {"value": ["23"]}) != []
    assert errors("Dataset", dataset | {"status": ["..", ""]}) != []
    assert errors("Dataset", dataset | {"role": {"time": ["wave"], "region": []}}) != []
    selection = {"selection": [{"variableCode": "wave", "valueCodes": ["top(1)"]}]}
    assert errors("SelectionResponse", selection | {"language": "en", "links": []}) == []
    assert errors("SelectionResponse", selection) != []  # language and links are required
    assert errors("SavedQueryResponse", {"tableId": "t", "language": "en"}) != []


# The routes, in process -------------------------------------------------------------


async def get_json(client: httpx.AsyncClient, path: str, schema: str, **params: Any) -> Any:
    response = await client.get(PX + path, params=params)
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text}"
    assert response.headers["content-type"].startswith("application/json"), path
    body = response.json()
    validate(schema, body)
    return body


async def all_tables(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    first = await get_json(client, "/tables", "TablesResponse")
    total = first["page"]["totalElements"]
    if total <= len(first["tables"]):
        return list(first["tables"])
    whole = await get_json(client, "/tables", "TablesResponse", pageSize=total)
    return list(whole["tables"])


async def v1_data(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    response = await client.get(V1_DATA.format(code), params={"format": "jsonstat"})
    assert response.status_code == 200, response.text
    dataset: dict[str, Any] = response.json()
    return dataset


@dataclass
class Table:
    """A table with its metadata, and the /api/v1 question it shows."""

    id: str
    metadata: dict[str, Any]
    v1: dict[str, Any]
    mapping: dict[str, str]

    @property
    def time(self) -> str:
        (time,) = time_variables(self.metadata)
        return time


async def question_of(client: httpx.AsyncClient, table_id: str, metadata: dict[str, Any]) -> str:
    """The /api/v1 question a table shows: the one named by the table's id, or else by the
    value of a variable with one value (the table's contents)."""
    questions = (await client.get("/api/v1/questions")).json()["data"]
    known = {question["code"] for question in questions}
    if table_id in known:
        return table_id
    single = {
        code
        for variable in metadata["id"]
        if len(codes(metadata, variable)) == 1
        for code in codes(metadata, variable)
    }
    found = sorted(single & known)
    assert len(found) == 1, f"table {table_id}: which question of /api/v1? {found}"
    return found[0]


async def tables_with_metadata(client: httpx.AsyncClient) -> list[Table]:
    found = []
    for item in await all_tables(client):
        metadata = await get_json(client, f"/tables/{item['id']}/metadata", "Dataset")
        v1 = await v1_data(client, await question_of(client, item["id"], metadata))
        found.append(Table(item["id"], metadata, v1, correspondence(metadata, v1)))
    assert found, "no tables"
    return found


async def test_config_validates_and_states_our_limits(client):
    config = await get_json(client, "/config", "ConfigResponse")
    assert Version(config["apiVersion"]) >= Version("2.0.0")  # pxwebpy requires it
    ours = (await client.get("/api/v1/config")).json()
    assert config["maxDataCells"] == ours["max_cells"]
    assert config["defaultDataFormat"] in config["dataFormats"]
    assert "json-stat2" in config["dataFormats"]
    assert config["defaultLanguage"] in {language["id"] for language in config["languages"]}
    assert {language["id"] for language in config["languages"]} >= {"no", "en"}


async def test_tables_validate_and_page(client):
    questions = (await client.get("/api/v1/questions")).json()["data"]
    tables = await all_tables(client)
    ids = [table["id"] for table in tables]
    assert len(ids) == len(set(ids)) >= len(questions)
    paged: list[str] = []
    number = 1
    while True:
        page = await get_json(client, "/tables", "TablesResponse", pageSize=2, pageNumber=number)
        assert page["page"]["pageNumber"] == number
        assert page["page"]["pageSize"] == 2
        assert page["page"]["totalElements"] == len(ids)
        assert page["page"]["totalPages"] == math.ceil(len(ids) / 2)
        assert 1 <= len(page["tables"]) <= 2
        paged += [table["id"] for table in page["tables"]]
        if number == page["page"]["totalPages"]:
            break
        number += 1
    assert paged == ids
    for language in ("no", "en"):
        answer = await get_json(client, "/tables", "TablesResponse", lang=language)
        assert answer["language"] == language


async def test_tables_query_finds_a_table_by_a_word_of_its_title(client):
    tables = await all_tables(client)
    word = max(tables[0]["label"].split(), key=len).strip("?.,:;()")
    found = await get_json(client, "/tables", "TablesResponse", query=word)
    assert tables[0]["id"] in {table["id"] for table in found["tables"]}
    assert found["page"]["totalElements"] == len(found["tables"]) <= len(tables)
    nothing = await get_json(client, "/tables", "TablesResponse", query="zqxjkvw")
    assert nothing["tables"] == []
    assert nothing["page"]["totalElements"] == 0


async def test_each_table_and_its_metadata_validate(client):
    for item in await all_tables(client):
        table = await get_json(client, f"/tables/{item['id']}", "TableResponse")
        assert table["id"] == item["id"]
        metadata = await get_json(client, f"/tables/{item['id']}/metadata", "Dataset")
        assert len(time_variables(metadata)) == 1, metadata.get("role")
        assert "px" in metadata.get("extension", {}), "extension.px is missing"
        labels = {metadata["dimension"][name]["label"] for name in metadata["id"]}
        assert set(table["variableNames"]) == labels
        time = codes(metadata, time_variables(metadata)[0])
        assert table["lastPeriod"] is None or table["lastPeriod"] in time
        assert table["firstPeriod"] is None or table["firstPeriod"] in time


async def test_default_selection_validates_and_selects_data(client):
    for table in await tables_with_metadata(client):
        selection = await get_json(
            client, f"/tables/{table.id}/defaultselection", "SelectionResponse"
        )
        named = {item["variableCode"] for item in selection["selection"]}
        assert named <= set(table.metadata["id"]), named
        body = {"selection": selection["selection"]}
        if "placement" in selection:
            body["placement"] = selection["placement"]
        response = await client.post(
            f"{PX}/tables/{table.id}/data", params={"outputFormat": "json-stat2"}, json=body
        )
        assert response.status_code == 200, response.text
        validate("Dataset", response.json())
        assert_same_numbers(response.json(), table.v1, table.mapping, table.id)


def missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def every_value(table: Table) -> dict[str, list[str]]:
    return {variable: codes(table.metadata, variable) for variable in table.metadata["id"]}


async def test_data_by_get_and_post_validate_and_equal_api_v1(client):
    for table in await tables_with_metadata(client):
        chosen = every_value(table)
        query = {f"valuecodes[{variable}]": ",".join(items) for variable, items in chosen.items()}
        got = await client.get(
            f"{PX}/tables/{table.id}/data", params={**query, "outputFormat": "json-stat2"}
        )
        assert got.status_code == 200, got.text
        validate("Dataset", got.json())
        selection = [{"variableCode": name, "valueCodes": items} for name, items in chosen.items()]
        posted = await client.post(
            f"{PX}/tables/{table.id}/data",
            params={"outputFormat": "json-stat2"},
            json={"selection": selection},
        )
        assert posted.status_code == 200, posted.text
        validate("Dataset", posted.json())
        assert values(got.json()) == values(posted.json())
        dataset = got.json()
        assert math.prod(dataset["size"]) == math.prod(table.v1["size"])
        assert_same_numbers(dataset, table.v1, table.mapping, table.id)

        # pyjstat reads it: one row per cell, the same numbers in the same order.
        frame = pyjstat.Dataset.read(got.text).write("dataframe", naming="id")
        assert len(frame) == math.prod(dataset["size"])
        read = [None if missing(value) else value for value in frame["value"].tolist()]
        assert read == list(values(dataset).values())


async def test_wildcards_and_top_by_get(client):
    for table in await tables_with_metadata(client):
        time = table.time
        params = {f"valuecodes[{time}]": "top(1)", "outputFormat": "json-stat2"}
        params |= {f"valuecodes[{name}]": "*" for name in table.metadata["id"] if name != time}
        response = await client.get(f"{PX}/tables/{table.id}/data", params=params)
        assert response.status_code == 200, response.text
        dataset = response.json()
        validate("Dataset", dataset)
        described = await get_json(client, f"/tables/{table.id}", "TableResponse")
        assert codes(dataset, time) == [described["lastPeriod"]]
        assert_same_numbers(dataset, table.v1, table.mapping, table.id)


async def test_code_lists_validate(client):
    advertised = {
        (table.id, variable, item["id"])
        for table in await tables_with_metadata(client)
        for variable in table.metadata["id"]
        for item in table.metadata["dimension"][variable].get("extension", {}).get("codeLists", [])
    }
    assert advertised, "no table advertises a code list (extension.codeLists of a variable)"
    for table_id, variable, code_list in sorted(advertised):
        body = await get_json(client, f"/codelists/{code_list}", "CodeListResponse")
        assert body["id"] == code_list, (table_id, variable)
        assert body["values"], code_list


async def test_saved_queries_validate(client):
    table = (await tables_with_metadata(client))[0]
    selection = [
        {"variableCode": name, "valueCodes": items} for name, items in every_value(table).items()
    ]
    saved = {"tableId": table.id, "language": "en", "selection": {"selection": selection}}
    created = await client.post(f"{PX}/savedqueries", json=saved)
    if created.status_code == 404:
        pytest.skip("POST /api/pxwebapi/v2/savedqueries answers 404: the route is not served")
    assert created.status_code == 201, created.text
    validate("SavedQuery", created.json())
    query_id = created.json()["id"]
    again = await get_json(client, f"/savedqueries/{query_id}", "SavedQuery")
    assert again["tableId"] == table.id
    assert again["selection"]["selection"] == created.json()["selection"]["selection"]
    run = await get_json(
        client, f"/savedqueries/{query_id}/data", "Dataset", outputFormat="json-stat2"
    )
    assert_same_numbers(run, table.v1, table.mapping, f"saved query {query_id}")
    assert len(values(run)) == math.prod(table.v1["size"])


async def test_errors_are_problems_that_validate(client, database_url):
    table = (await tables_with_metadata(client))[0]
    missing = await client.get(f"{PX}/tables/no-such-table")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM
    validate("Problem", missing.json())

    variable = table.time
    params = {f"valuecodes[{name}]": "*" for name in table.metadata["id"]}
    params[f"valuecodes[{variable}]"] = "1066"
    bad = await client.get(f"{PX}/tables/{table.id}/data", params=params)
    assert bad.status_code == 400, bad.text
    assert bad.headers["content-type"] == PROBLEM
    validate("Problem", bad.json())
    assert variable in bad.text  # the variable is named

    async with client_for(database_url, max_cells=SMALL_MAX_CELLS, **NO_RATE_LIMITS) as small:
        too_many = await small.post(
            f"{PX}/tables/{table.id}/data",
            json={
                "selection": [
                    {"variableCode": name, "valueCodes": items}
                    for name, items in every_value(table).items()
                ]
            },
        )
    assert too_many.status_code == 403, too_many.text
    assert too_many.headers["content-type"] == PROBLEM
    validate("Problem", too_many.json())


# pxwebpy over a real socket -----------------------------------------------------------


@pytest.fixture(scope="module")
def small_server(app: Starlette, database_url: str) -> Iterator[str]:
    """`kommunedigi serve` on the suite's database (seeded by `app`), with maxDataCells
    below every table's cells and no rate limit (pxwebpy keeps to /config's own)."""
    environment = {
        "KOMMUNEDIGI_MAX_CELLS": str(SMALL_MAX_CELLS),
        "KOMMUNEDIGI_RATE_LIMIT_API": "",
        "KOMMUNEDIGI_RATE_LIMIT_HARVEST": "",
    }
    with served(database_url, environment) as (_, address):
        yield address + PX


@dataclass
class Fetched:
    """What pxwebpy got for one table: rows by variable code, and the data requests sent."""

    table: str
    how: str
    rows: list[dict[str, Any]]
    requests: int


@dataclass
class Session:
    config: dict[str, Any] = field(default_factory=dict)
    tables: list[dict[str, Any]] = field(default_factory=list)
    searched: tuple[str, list[str]] = ("", [])
    metadata: dict[str, dict[str, Any]] = field(default_factory=dict)
    fetched: list[Fetched] = field(default_factory=list)
    code_list: dict[str, Any] = field(default_factory=dict)


def pxwebpy_session(url: str) -> Session:
    """A pxwebpy session as its documentation shows one, recording what it gets."""
    from pxweb import PxApi

    api = PxApi(url, disable_cache=True, max_workers=1)
    sent: list[str] = []
    send = api._client.session.send  # count the requests pxwebpy makes for each call

    def counted(request: Any, **kwargs: Any) -> Any:
        sent.append(f"{request.method} {request.url}")
        return send(request, **kwargs)

    api._client.session.send = counted  # type: ignore[method-assign,assignment]

    session = Session(config=api.get_config(), tables=api.all_tables())
    assert len(session.tables) == api.number_of_tables
    first = session.tables[0]
    word = max(first["label"].split(), key=len).strip("?.,:;()")
    session.searched = (first["id"], [item["id"] for item in api.search(query=word)["tables"]])

    def fetch(table_id: str, how: str, value_codes: Any, **more: Any) -> None:
        before = len(sent)
        rows = api.get_table_data(table_id, value_codes=value_codes, show="code", **more)
        data_requests = [line for line in sent[before:] if line.split("?")[0].endswith("/data")]
        session.fetched.append(Fetched(table_id, how, by_code(rows), len(data_requests)))

    def by_code(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{labels.get(key, key): value for key, value in row.items()} for row in rows]

    for table in session.tables:
        metadata = api.get_table_metadata(table["id"])
        session.metadata[table["id"]] = metadata
        variables = api.get_table_variables(table["id"])
        labels = {variables[code]["label"]: code for code in variables}
        assert len(labels) == len(variables), "two variables share a label"
        (time,) = metadata["role"]["time"]
        every = {code: list(item["category"]["label"]) for code, item in variables.items()}
        fetch(table["id"], "value codes", every)
        fetch(table["id"], "wildcards", {code: ["*"] for code in every} | {time: ["20*"]})
        fetch(table["id"], "top", every | {time: ["top(1)"]})

    code_lists = [
        (table_id, code, item["id"])
        for table_id in session.metadata
        for code, variable in api.get_table_variables(table_id).items()
        for item in variable["codelists"]
    ]
    if not code_lists:
        return session  # the test says so, after the numbers
    table_id, variable, code_list = code_lists[0]
    session.code_list = api.get_code_list(code_list)
    variables = api.get_table_variables(table_id)
    labels = {variables[code]["label"]: code for code in variables}
    chosen = {code: ["*"] for code in variables}
    fetch(table_id, f"code list {code_list} of {variable}", chosen, code_list={variable: code_list})
    return session


async def test_pxwebpy_session_splits_queries_and_equals_api_v1(client, small_server):
    session = await anyio.to_thread.run_sync(pxwebpy_session, small_server)
    assert session.config["maxDataCells"] == SMALL_MAX_CELLS
    table_id, found = session.searched
    assert table_id in found

    for table in session.tables:
        validate("Dataset", session.metadata[table["id"]])
    expected: dict[str, tuple[dict[str, Any], dict[str, str]]] = {}
    for table_id, metadata in session.metadata.items():
        v1 = await v1_data(client, await question_of(client, table_id, metadata))
        expected[table_id] = (v1, correspondence(metadata, v1))

    for fetched in session.fetched:
        v1, mapping = expected[fetched.table]
        metadata = session.metadata[fetched.table]
        where = f"{fetched.table}, {fetched.how}"
        if fetched.how.startswith("code list"):
            continue  # checked below
        assert fetched.rows, where
        want = values(v1)
        for row in fetched.rows:
            cell = tuple(sorted((name, str(row[name])) for name in metadata["id"]))
            assert row["value"] == want[in_v1(cell, mapping)], f"{where}: {row}"
        (time,) = metadata["role"]["time"]
        if fetched.how == "top":
            table = next(item for item in session.tables if item["id"] == fetched.table)
            assert {row[time] for row in fetched.rows} == {table["lastPeriod"]}, where
            assert len(fetched.rows) == len(want) // len(codes(v1, mapping[time])), where
        else:
            assert len(fetched.rows) == len(want), where  # every cell, once
            assert len({tuple(sorted(row.items())) for row in fetched.rows}) == len(want)
        # More cells than maxDataCells: pxwebpy had to split the query.
        assert fetched.requests >= math.ceil(len(fetched.rows) / SMALL_MAX_CELLS), where

    assert session.code_list, "no table advertises a code list for pxwebpy to read"
    validate("CodeListResponse", session.code_list)
    (with_list,) = [item for item in session.fetched if item.how.startswith("code list")]
    assert with_list.rows, with_list.how
    variable = with_list.how.split(" of ")[-1]
    listed = {value["code"] for value in session.code_list["values"]}
    assert {row[variable] for row in with_list.rows} <= listed
    if session.code_list["type"] == "Valueset":  # a subset of the values: the same numbers
        v1, mapping = expected[with_list.table]
        want = values(v1)
        metadata = session.metadata[with_list.table]
        for row in with_list.rows:
            cell = tuple(sorted((name, str(row[name])) for name in metadata["id"]))
            assert row["value"] == want[in_v1(cell, mapping)], row
