"""Two imports at once: the second waits for the first, then compares against what it wrote.

The first import to make its release row is held there (inside its transaction, the
release lock taken) for HOLD seconds, so that the other is certainly under way meanwhile:
over HTTP each import runs in a thread of the server's, from the command line in a
thread of the test's. Every release number stays a count: 1, 2, 3, no gap.
"""

import asyncio
import hashlib
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session

from api.app import create_app
from api.cli import main
from api.settings import Settings
from models.db import make_engine
from seed import package
from seed.importer import import_package
from seed.limits import DEFAULT_LIMITS
from seed.releases import WAIT_SECONDS, ImportInProgress, lock_releases
from tests.conftest import NO_RATE_LIMITS, database_digest

pytestmark = pytest.mark.anyio

TOKEN = "concurrent imports"
HOLD = 0.5
HEADER = "survey,wave,question,option,segment,value,status,source"


def shares(wave, value):
    return f"{HEADER}\nkommuneundersokelsen,{wave},action-plan,yes,all,{value},published,pr17\n"


@dataclass
class Hold:
    started: list[float] = field(default_factory=list)
    ended: list[float] = field(default_factory=list)


@contextmanager
def first_release_held(
    target: Any = Engine, *, meanwhile: Callable[[], None] = lambda: None, seconds: float = HOLD
) -> Iterator[Hold]:
    """Holds the first import that makes a release row (on `target`, an engine or every
    engine) before the row is written: calls `meanwhile`, then waits `seconds`."""
    hold = Hold()
    once = threading.Lock()

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO release") and once.acquire(blocking=False):
            hold.started.append(time.monotonic())
            meanwhile()
            time.sleep(seconds)
            hold.ended.append(time.monotonic())

    event.listen(target, "before_cursor_execute", before)
    try:
        yield hold
    finally:
        event.remove(target, "before_cursor_execute", before)


@asynccontextmanager
async def serving(url: str, **settings: Any) -> AsyncIterator[tuple[httpx.AsyncClient, Engine]]:
    """A client of an app on `url` that takes imports with TOKEN."""
    token_hash = hashlib.sha256(TOKEN.encode()).hexdigest()
    app = create_app(
        Settings(database_url=url, import_token_hashes=token_hash, **NO_RATE_LIMITS, **settings)
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client, app.state.engine
    app.state.engine.dispose()


@pytest.fixture
async def steward(fresh_database_url):
    async with serving(fresh_database_url, release_check_seconds=0) as served:
        yield served


@dataclass
class Sent:
    response: httpx.Response
    sent: float
    answered: float


async def post(client, body, *, dry_run=False):
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/csv"}
    query = "?dry_run=true" if dry_run else ""
    sent = time.monotonic()
    response = await client.post(f"/api/v1/imports{query}", content=body, headers=headers)
    return Sent(response, sent, time.monotonic())


def overlapped(hold, *requests):
    """Both were sent before the hold began and answered after it ended."""
    assert len(hold.started) == 1
    return all(r.sent < hold.started[0] and r.answered >= hold.ended[0] for r in requests)


async def release_ids(client):
    return [item["id"] for item in (await client.get("/api/v1/releases")).json()["data"]]


async def action_plan(client):
    series = (await client.get("/api/v1/indicators/action-plan")).json()["series"]
    return {point["wave"]: point["value"] for point in series}


async def test_two_imports_of_the_same_figure_follow_each_other(steward):
    client, engine = steward
    before = await action_plan(client)
    with first_release_held(engine) as hold:
        first, second = await asyncio.gather(
            post(client, shares(2017, 77)), post(client, shares(2017, 78))
        )
    assert overlapped(hold, first, second)
    assert (first.response.status_code, second.response.status_code) == (201, 201), (
        first.response.text,
        second.response.text,
    )
    reports = sorted((first.response.json(), second.response.json()), key=lambda r: r["release"])
    assert [report["release"] for report in reports] == [2, 3]
    earlier, later = (report["changes"] for report in reports)
    assert earlier[0]["old"]["value"] == before[2017] == 76
    # The later import was compared with what the earlier one wrote, not with the seed.
    assert later[0]["old"] == earlier[0]["new"]
    assert (await action_plan(client))[2017] == later[0]["new"]["value"]
    assert await release_ids(client) == [3, 2, 1]


async def test_two_imports_of_different_figures_both_keep_theirs(steward):
    client, engine = steward
    with first_release_held(engine) as hold:
        first, second = await asyncio.gather(
            post(client, shares(2017, 77)), post(client, shares(2015, 69))
        )
    assert overlapped(hold, first, second)
    assert (first.response.status_code, second.response.status_code) == (201, 201)
    assert {first.response.json()["release"], second.response.json()["release"]} == {2, 3}
    assert await action_plan(client) == {2015: 69, 2016: None, 2017: 77}
    assert await release_ids(client) == [3, 2, 1]


async def test_a_dry_run_beside_an_import_leaves_no_gap(steward):
    client, engine = steward
    with first_release_held(engine) as hold:
        real, dry = await asyncio.gather(
            post(client, shares(2017, 77)), post(client, shares(2015, 69), dry_run=True)
        )
    assert overlapped(hold, real, dry)
    assert (real.response.status_code, dry.response.status_code) == (201, 200)
    assert dry.response.json()["release"] is None
    assert dry.response.json()["changed"] == 1
    assert await release_ids(client) == [2, 1]
    following = await post(client, shares(2015, 70))
    assert following.response.status_code == 201
    assert await release_ids(client) == [3, 2, 1]


async def test_two_imports_from_the_command_line_follow_each_other(
    fresh_database_url, tmp_path, capsys
):
    assert main(["seed", "--database-url", fresh_database_url]) == 0
    paths = []
    for wave, value in ((2017, 77), (2015, 69)):
        paths.append(tmp_path / f"{wave}.csv")
        paths[-1].write_text(shares(wave, value), encoding="utf-8")
    capsys.readouterr()
    codes: list[int] = []

    def run(path):
        codes.append(main(["import", str(path), "--database-url", fresh_database_url]))

    first, second = (threading.Thread(target=run, args=(path,)) for path in paths)
    # The second command starts while the first is inside its transaction (one process
    # would run the schema check of both at once, which Alembic does not allow), and has
    # three holds' time to reach its import.
    with first_release_held(meanwhile=second.start, seconds=3 * HOLD) as hold:
        first.start()
        for thread in (first, second):
            thread.join(timeout=60)
    assert len(hold.started) == 1
    assert codes == [0, 0]
    out = sorted(capsys.readouterr().out.splitlines())
    assert [line.split(":")[0] for line in out] == ["Release 2", "Release 3"]
    async with serving(fresh_database_url) as (client, _):
        assert await release_ids(client) == [3, 2, 1]
        assert await action_plan(client) == {2015: 69, 2016: None, 2017: 77}


@contextmanager
def release_lock_held(url):
    """Another writer holding the release lock until the block ends."""
    engine = make_engine(url)
    with Session(engine) as session:
        lock_releases(session)
        yield
    engine.dispose()


def test_an_import_waits_at_most_as_long_as_told(fresh_database_url):
    assert main(["seed", "--database-url", fresh_database_url]) == 0
    before = database_digest(fresh_database_url)
    loaded = package.from_files("upload", {"shares.csv": shares(2017, 77).encode()}, DEFAULT_LIMITS)
    engine = make_engine(fresh_database_url)
    with release_lock_held(fresh_database_url):
        started = time.monotonic()
        with pytest.raises(ImportInProgress) as raised:
            import_package(engine, loaded, message="Too late", wait_seconds=0.3)
        waited = time.monotonic() - started
    engine.dispose()
    assert 0.3 <= waited < 2
    assert (raised.value.waited, raised.value.retry_after) == (0.3, 1)
    assert database_digest(fresh_database_url) == before


async def test_reads_go_on_while_an_import_holds_the_lock(steward, fresh_database_url):
    client, _ = steward
    locked, held_for = threading.Event(), 2.0

    def another_import():
        with release_lock_held(fresh_database_url):
            locked.set()
            time.sleep(held_for)

    holder = threading.Thread(target=another_import)
    holder.start()
    locked.wait(timeout=10)
    started = time.monotonic()
    paths = ("/api/v1/releases", "/health", "/api/v1/indicators/action-plan", "/feed")
    statuses = [(await client.get(path)).status_code for path in paths]
    took = time.monotonic() - started
    holder.join()
    assert statuses == [200, 200, 200, 200]
    assert took < held_for / 2


def test_imports_wait_as_long_as_the_setting_says_by_default():
    assert Settings().import_wait_seconds == WAIT_SECONDS
    environ = {"KOMMUNEDIGI_IMPORT_WAIT_SECONDS": "2.5"}
    assert Settings.from_environ(environ).import_wait_seconds == 2.5


def test_a_wait_of_zero_stops_start_up():
    with pytest.raises(ValueError) as raised:
        Settings.from_environ({"KOMMUNEDIGI_IMPORT_WAIT_SECONDS": "0"})
    assert str(raised.value) == "KOMMUNEDIGI_IMPORT_WAIT_SECONDS must be more than 0"


async def test_an_import_over_http_that_waits_too_long_is_a_409(fresh_database_url):
    async with serving(fresh_database_url, import_wait_seconds=0.3) as (client, _):
        before = database_digest(fresh_database_url)
        with release_lock_held(fresh_database_url):
            busy = await post(client, shares(2017, 77))
    assert busy.response.status_code == 409
    assert busy.response.headers["content-type"] == "application/problem+json"
    assert busy.response.headers["retry-after"] == "1"
    assert busy.response.json() == {
        "type": "/problems/import-in-progress",
        "title": "Import in progress",
        "status": 409,
        "detail": "Another import is being written; this one waited 0.3 s for it and"
        " wrote nothing. Try again in 1 s.",
        "instance": "/api/v1/imports",
    }
    assert busy.answered - busy.sent < 2
    assert database_digest(fresh_database_url) == before


def test_an_import_command_that_waits_too_long_says_so(
    fresh_database_url, tmp_path, capsys, monkeypatch
):
    assert main(["seed", "--database-url", fresh_database_url]) == 0
    path = tmp_path / "shares.csv"
    path.write_text(shares(2017, 77), encoding="utf-8")
    monkeypatch.setenv("KOMMUNEDIGI_IMPORT_WAIT_SECONDS", "0.3")
    before = database_digest(fresh_database_url)
    capsys.readouterr()
    with release_lock_held(fresh_database_url):
        assert main(["import", str(path), "--database-url", fresh_database_url]) == 1
    assert capsys.readouterr().err == (
        "error: another import is being written; waited 0.3 s for it. Nothing was written;"
        " try again when it has finished.\n"
    )
    assert database_digest(fresh_database_url) == before
