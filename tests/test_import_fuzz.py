"""Whatever a JSON-stat dataset or a zip's member names hold, POST /api/v1/imports answers
200 or a 422 report that is valid JSON naming the file: never a 500.

Generated with Hypothesis (derandomized, so a run is repeatable): datasets with parts
replaced by any JSON (text with lone surrogates, integers of thousands of digits, nesting),
and zips whose member names are any bytes, flagged as UTF-8 or not.
"""

import hashlib
import json
import struct
import zlib
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from starlette.applications import Starlette

from api.app import create_app
from api.cli import main
from api.settings import Settings
from tests.conftest import NO_RATE_LIMITS
from tests.test_import_limits import dataset

TOKEN = "fuzz"
SHARES = (
    b"survey,wave,question,option,segment,value,status,source\n"
    b"kommuneundersokelsen,2017,action-plan,yes,all,76,published,pr17\n"
)
FUZZ = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@dataclass(frozen=True)
class Digits:
    """An integer written out as digits, of any length (Python's int() stops at 4,300)."""

    text: str


def to_json(value: Any) -> str:
    """JSON text; a lone surrogate is written as its \\u escape, as JSON allows."""
    if isinstance(value, Digits):
        return value.text
    if isinstance(value, list):
        return "[" + ",".join(to_json(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{to_json(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


TEXT = st.text(st.characters(), max_size=6) | st.sampled_from(
    ["\ud800x", "\udc00", "2017", "action-plan", "yes", "all", "pr17", "published", "0", "7_6"]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.integers(4000, 4400).map(lambda digits: Digits("9" * digits))
    | TEXT
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=10,
)
# Where in the dataset a generated value goes (a path of keys and list indexes).
PLACES: list[tuple[str | int, ...]] = [
    (),
    ("class",),
    ("id",),
    ("id", 1),
    ("size",),
    ("size", 0),
    ("dimension",),
    ("dimension", "question"),
    ("dimension", "question", "category"),
    ("dimension", "question", "category", "index"),
    ("dimension", "option", "category", "index", 0),
    ("dimension", "wave", "category", "index", 0),
    ("value",),
    ("value", 0),
    ("status",),
    ("extension",),
    ("extension", "source"),
    ("extension", "base_n"),
    ("label",),
]


def one_cell() -> dict[str, Any]:
    """A dataset of one cell, as the limits' tests send it."""
    cell: dict[str, Any] = json.loads(dataset())
    return cell


def put(dataset: Any, place: tuple[str | int, ...], value: Any) -> Any:
    """`dataset` with `value` at `place`, where that place still exists."""
    if not place:
        return value
    parent = dataset
    for key in place[:-1]:
        if not isinstance(parent, (dict, list)) or key not in (
            parent if isinstance(parent, dict) else range(len(parent))
        ):
            return dataset
        parent = parent[key]  # type: ignore[index]
    if isinstance(parent, dict) or (isinstance(parent, list) and place[-1] in range(len(parent))):
        parent[place[-1]] = value  # type: ignore[index]
    return dataset


def zip_of(members: list[tuple[bytes, bool]]) -> bytes:
    """A stored zip of shares.csv contents under these raw names (True: flagged UTF-8)."""
    files, directory = bytearray(), bytearray()
    crc, size = zlib.crc32(SHARES), len(SHARES)
    for name, utf8 in members:
        flags = 0x800 if utf8 else 0
        offset = len(files)
        files += struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, flags, 0, 0, 0, crc, size, size, len(name), 0
        )
        files += name + SHARES
        directory += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, 0, 0, 0, crc, size, size, len(name),
            0, 0, 0, 0, 0, offset,
        )  # fmt: skip
        directory += name
    count = len(members)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(files), 0)
    return bytes(files + directory + end)


NAMES = st.binary(min_size=1, max_size=16) | st.sampled_from([
    b"shares.csv", b"pkg/shares.csv", b"caf\xc3\xa9/shares.csv", b"caf\xe9/shares.csv",
    b"\xff\xfe.csv", b"a\\shares.csv", b"__MACOSX/x", b".hidden", b"../../shares.csv", b"\x00",
])  # fmt: skip


@pytest.fixture(scope="module")
def app(databases):
    url = databases.new()
    assert main(["seed", "--database-url", url]) == 0
    token_hash = hashlib.sha256(TOKEN.encode()).hexdigest()
    app = create_app(Settings(database_url=url, import_token_hashes=token_hash, **NO_RATE_LIMITS))
    yield app
    app.state.engine.dispose()


def post(app: Starlette, body: bytes, media_type: str) -> httpx.Response:
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": media_type}
            return await client.post("/api/v1/imports?dry_run=true", content=body, headers=headers)

    return anyio.run(send)


def report_files(response: httpx.Response) -> set[str]:
    """The files a 200 or 422 answer's issues name; fails on any other answer."""
    assert response.status_code in (200, 422), response.text
    body = response.json()  # an answer that is not valid UTF-8 JSON fails here
    if response.status_code == 200:
        return set()
    report = body["report"]
    return {issue["file"] for issue in report["errors"] + report["warnings"]}


@FUZZ
@given(changes=st.lists(st.tuples(st.sampled_from(PLACES), VALUES), max_size=3))
def test_any_json_stat_dataset_is_answered_with_a_report(app, changes):
    dataset = one_cell()
    for place, value in changes:
        dataset = put(dataset, place, value)
    assert report_files(post(app, to_json(dataset).encode(), "application/json")) <= {
        "dataset.json"
    }


@FUZZ
@given(members=st.lists(st.tuples(NAMES, st.booleans()), min_size=1, max_size=4))
def test_any_zip_member_names_are_answered_with_a_report(app, members):
    report_files(post(app, zip_of(members), "application/zip"))


def test_zip_writer_makes_zips_python_reads(app):
    """The zips above are zips: a proper name is read as a package."""
    response = post(app, zip_of([(b"pkg/shares.csv", False)]), "application/zip")
    assert response.status_code == 200
    assert response.json()["changes"][0]["new"] == {"value": 76, "status": "published"}
