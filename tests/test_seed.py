"""The published figures: every one served with its source, and the seed files kept honest."""

import csv
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from api.cli import main
from models.db import make_engine
from models.migrate import upgrade
from models.statuses import ShareStatus
from models.tables import Release
from seed.importer import ImportRejected
from seed.loader import DATA, seed
from seed.package import FILES
from seed.releases import lock_releases
from tests.conftest import ROOT, graphql
from tests.network_helpers import free_port, wait_until_healthy

pytestmark = pytest.mark.anyio


def rows(name):
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# Every figure of the sources (shared/sources/FIGURES.md), as the reader should get it:
# (question, option, wave, value, status, source).
FIGURES = [
    ("expected-effects", "simpler-routines", 2015, 23, "published", "pr17"),
    ("expected-effects", "simpler-routines", 2017, 68, "published", "pr17"),
    ("expected-effects", "faster-processing", 2015, None, "not_published", "pr17"),
    ("expected-effects", "faster-processing", 2017, None, "not_published", "pr17"),
    ("expected-effects", "better-quality", 2015, 24, "published", "pr17"),
    ("expected-effects", "better-quality", 2017, 64, "published", "pr17"),
    ("priority", "high-or-very-high", 2015, None, "qualitative", "pr17"),
    ("priority", "high-or-very-high", 2017, None, "qualitative", "pr17"),
    ("action-plan", "yes", 2015, 68, "published", "pr17"),
    ("action-plan", "yes", 2017, 76, "published", "pr17"),
    ("ict-contributed-quality", "moderate", 2015, 38.9, "published", "e15"),
    ("ict-contributed-quality", "high", 2015, 42.5, "published", "e15"),
    ("ict-contributed-quality", "very-high", 2015, 13.3, "published", "e15"),
    ("service-area-planning", "all-digital", 2015, 10, "approximate", "cw15"),
    ("service-area-planning", "most-digital", 2015, 32, "published", "cw15"),
    ("service-area-planning", "most-paper", 2015, None, "not_published", "cw15"),
    ("service-area-planning", "all-paper", 2015, None, "not_published", "cw15"),
    ("service-area-nursing-homes", "all-digital", 2015, 0.9, "published", "cw15"),
    ("service-area-nursing-homes", "most-digital", 2015, 11.5, "published", "cw15"),
    ("service-area-nursing-homes", "most-paper", 2015, 38.1, "published", "cw15"),
    ("service-area-nursing-homes", "all-paper", 2015, 49.6, "published", "cw15"),
    # Named among the areas furthest along or least far, in words only (no number).
    *(
        ("service-area-progress", area, wave, None, "qualitative", source)
        for wave, source in ((2015, "cw15"), (2017, "kr18"))
        for area in (
            "education",
            "planning-building",
            "health",
            "nursing-homes",
            "children-family",
            "business",
        )
    ),
]


async def all_shares(client):
    response = await client.get("/api/v1/shares", params={"limit": "1000", "lang": "en"})
    assert response.status_code == 200
    return response.json()["data"]


async def test_every_published_figure_is_served_with_its_source(client):
    served = {
        (r["question"], r["option"], r["wave"]): (r["value"], r["status"], r["source"])
        for r in await all_shares(client)
    }
    expected = {(q, o, w): (v, st, src) for q, o, w, v, st, src in FIGURES}
    assert served == expected


async def test_every_seed_row_is_served_exactly(client):
    served = {
        (r["survey"], r["wave"], r["question"], r["option"], r["segment"]): r
        for r in await all_shares(client)
    }
    seeded = rows("shares")
    assert len(served) == len(seeded)
    for row in seeded:
        share = served[
            (row["survey"], int(row["wave"]), row["question"], row["option"], row["segment"])
        ]
        assert share["value"] == (float(row["value"]) if row["value"] else None)
        assert share["base_n"] == (int(row["base_n"]) if row["base_n"] else None)
        assert share["status"] == row["status"]
        assert share["source"] == row["source"]
        assert share["note"] == (row["note_en"] or None)
        assert share["locator"] == (row["locator"] or None)


async def test_every_locator_is_served_in_the_language_asked_for(client):
    by_lang = {}
    for lang in ("nb", "en"):
        response = await client.get("/api/v1/shares", params={"limit": "1000", "lang": lang})
        by_lang[lang] = {
            (r["wave"], r["question"], r["option"]): r["locator"] for r in response.json()["data"]
        }
    seeded = {(int(r["wave"]), r["question"], r["option"]): r for r in rows("shares")}
    assert by_lang["nb"] == {cell: row["locator_nb"] for cell, row in seeded.items()}
    assert by_lang["en"] == {cell: row["locator"] for cell, row in seeded.items()}
    [total] = rows("published_totals")
    for lang, column in (("nb", "locator_nb"), ("en", "locator")):
        indicator = (
            await client.get(f"/api/v1/indicators/{total['indicator']}", params={"lang": lang})
        ).json()
        assert indicator["series"][0]["published_total"]["locator"] == total[column]
        query = f"""{{ indicator(code: "{total["indicator"]}") {{ series {{
            publishedTotal {{ locator(lang: {lang.upper()}) }} }} }} }}"""
        series = (await graphql(client, query))["data"]["indicator"]["series"]
        assert series[0]["publishedTotal"]["locator"] == total[column]
    query = """{ shares(first: 100) { edges { node {
        wave { year } question { code } option { code } nb: locator en: locator(lang: EN) } } } }"""
    for edge in (await graphql(client, query))["data"]["shares"]["edges"]:
        node = edge["node"]
        row = seeded[(node["wave"]["year"], node["question"]["code"], node["option"]["code"])]
        assert (node["nb"], node["en"]) == (row["locator_nb"], row["locator"])


async def test_2015_respondents_and_rounded_total_are_served(client):
    waves = (await client.get("/api/v1/waves")).json()["data"]
    assert [(w["year"], w["respondents"], w["source"]) for w in waves][0] == (2015, 113, "e15")
    indicator = (await client.get("/api/v1/indicators/ict-contributed-quality")).json()
    assert indicator["series"][0]["published_total"]["value"] == 95


async def test_missing_values_say_why(client):
    for row in await all_shares(client):
        if row["value"] is None or row["status"] == "approximate":
            assert row["status"] != "published"
            assert row["note"], f"{row['question']}/{row['option']} has no note"


def test_share_rows_fit_the_data_model():
    sources = {row["code"] for row in rows("sources")}
    waves = {(row["survey"], row["year"]) for row in rows("waves")}
    options = {(row["question"], row["code"]) for row in rows("options")}
    segments = {row["code"] for row in rows("segments")}
    for number, row in enumerate(rows("shares"), 2):
        where = f"shares.csv:{number}"
        assert row["source"] in sources, f"{where}: figure without a known source"
        assert (row["survey"], row["wave"]) in waves, where
        assert (row["question"], row["option"]) in options, where
        assert row["segment"] in segments, where
        status = ShareStatus(row["status"])
        assert bool(row["value"]) == status.has_value, f"{where}: value and status disagree"
        if row["value"]:
            assert 0 <= float(row["value"]) <= 100, where
        if status is not ShareStatus.PUBLISHED:
            assert row["note_nb"] and row["note_en"], f"{where}: say why, in both languages"
        assert row["locator"], f"{where}: say where in the source the figure stands"
        assert row["locator_nb"], f"{where}: and say it in bokmål too"


def test_every_label_has_both_languages():
    for name in FILES:
        for number, row in enumerate(rows(name), 2):
            for column, value in row.items():
                if column.endswith("_nb") and value:
                    # The English of locator_nb is locator, written before bokmål was.
                    english = row.get(column[:-3] + "_en", row.get(column[:-3]))
                    assert english, f"{name}.csv:{number}: {column} alone"


def test_titles_and_labels_are_translated():
    # A bokmål title may name an English source (in quotes), but is not the English title.
    for name in FILES:
        for number, row in enumerate(rows(name), 2):
            for column, value in row.items():
                if column.endswith("_nb") and value and column.startswith(("title", "label")):
                    assert value != row[column[:-3] + "_en"], f"{name}.csv:{number}: {column}"


def test_sources_are_described_not_quoted():
    for row in rows("sources"):
        assert row["description_nb"] and row["description_en"]
        # The press release and the Kommunal Rapport article have no known address.
        assert row["url"] or row["code"] in ("pr17", "kr18")


def test_seed_loads_into_an_empty_database_once(fresh_database_url):
    engine = make_engine(fresh_database_url)
    upgrade(engine)
    first, second = seed(engine), seed(engine)
    assert (first.created, first.release_id, first.shares) == (True, 1, 33)
    assert (second.created, second.release_id) == (False, 1)
    with engine.connect() as connection:
        assert connection.execute(select(col(Release.id))).scalars().all() == [1]
    engine.dispose()


def test_broken_seed_folder_reports_every_problem_and_writes_nothing(tmp_path, fresh_database_url):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    shares = (folder / "shares.csv").read_text(encoding="utf-8")
    shares = shares.replace(",pr17,", ",nosuch,", 1).replace(",e15,", ",e99,", 1)
    (folder / "shares.csv").write_text(shares, encoding="utf-8")
    engine = make_engine(fresh_database_url)
    upgrade(engine)
    with pytest.raises(ImportRejected) as raised:
        seed(engine, Path(folder))
    assert [str(issue) for issue in raised.value.report.errors] == [
        "shares.csv:2: column source: found 'nosuch', "
        "expected a source known to the database or this package",
        "shares.csv:12: column source: found 'e99', "
        "expected a source known to the database or this package",
    ]
    with engine.connect() as connection:
        assert connection.execute(select(col(Release.id))).scalars().all() == []
    engine.dispose()


def test_seed_codes_must_be_usable_in_urls(tmp_path, fresh_database_url):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    topics = (folder / "topics.csv").read_text(encoding="utf-8")
    (folder / "topics.csv").write_text(topics.replace("\npriority,", "\nPriority Area,"), "utf-8")
    engine = make_engine(fresh_database_url)
    upgrade(engine)
    with pytest.raises(ImportRejected) as raised:
        seed(engine, Path(folder))
    assert str(raised.value.report.errors[0]) == (
        "topics.csv:3: column code: found 'Priority Area', "
        "expected a code: lowercase letters, digits and - _ . : (at most 64)"
    )
    engine.dispose()


SEEDED_ONCE = [
    "Loaded 33 shares as release 1.",
    "Nothing to do: the database already holds release 1.",
]


def start_seeds(url: str, count: int) -> tuple[list[threading.Thread], list[object]]:
    """`kommunedigi seed` in `count` threads let go at once; what each returns (or raises)
    goes into the list."""
    together = threading.Barrier(count)
    outcomes: list[object] = []

    def run() -> None:
        together.wait()
        try:
            outcomes.append(main(["seed", "--database-url", url]))
        except Exception as error:  # reported by the test, not lost in the thread
            outcomes.append(repr(error))

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads, outcomes


def finish(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a seed did not finish in 120 s"


def release_ids(url: str) -> list[int | None]:
    engine = make_engine(url)
    with Session(engine) as session:
        found = list(session.exec(select(Release.id).order_by(col(Release.id))))
    engine.dispose()
    return found


def open_at_once(url: str) -> list[str]:
    """`url` opened at the same moment by two engines, as by two processes: why each that
    failed failed. (One engine opens its first connection alone.)"""
    together = threading.Barrier(2)
    failures: list[str] = []

    def open_it() -> None:
        engine = make_engine(url)
        together.wait()
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except OperationalError as error:
            failures.append(str(error.orig))
        engine.dispose()

    threads = [threading.Thread(target=open_it) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_a_new_sqlite_file_opened_by_two_at_once_opens_for_both(tmp_path):
    """Making a new file WAL, SQLite answers one of two connections busy at once (waiting
    for each other, neither would go on): that one must wait and go on, not fail. Without
    that about one in thirty pairs failed, so 200 pairs all but always show it."""
    for attempt in range(200):
        assert open_at_once(f"sqlite:///{tmp_path / f'{attempt}.sqlite3'}") == []


def test_two_seeds_at_once_on_a_new_database_make_one_release(fresh_database_url, capsys):
    """Both migrate (one after the other) and seed: one loads it, the other says so."""
    threads, outcomes = start_seeds(fresh_database_url, 2)
    finish(threads)
    assert outcomes == [0, 0]
    assert sorted(capsys.readouterr().out.splitlines()) == SEEDED_ONCE
    assert release_ids(fresh_database_url) == [1]


def test_a_seed_that_waited_for_another_reports_its_release(fresh_database_url, capsys):
    """Both find no release and wait for the release lock, held here a while; the one that
    gets it second finds the figures written, and reports the first one's release."""
    engine = make_engine(fresh_database_url)
    upgrade(engine)
    with Session(engine) as session:
        lock_releases(session)
        threads, outcomes = start_seeds(fresh_database_url, 2)
        time.sleep(1)  # both reach the lock: the seed's files are read in a few ms
    engine.dispose()
    finish(threads)
    assert outcomes == [0, 0]
    assert sorted(capsys.readouterr().out.splitlines()) == SEEDED_ONCE
    assert release_ids(fresh_database_url) == [1]


def test_serve_and_seed_started_together_on_a_new_database(fresh_database_url):
    """Separate processes: `kommunedigi serve` with two workers and `kommunedigi seed`."""
    port = free_port()
    url = ["--database-url", fresh_database_url]
    serve = [sys.executable, "-m", "api", "serve", "--port", str(port), "--workers", "2", *url]
    server = subprocess.Popen(serve, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seeding = subprocess.run(
        [sys.executable, "-m", "api", "seed", *url], cwd=ROOT, capture_output=True, text=True
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", server, lambda: server.communicate()[0])
        releases = httpx.get(f"http://127.0.0.1:{port}/api/v1/releases").json()["data"]
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert (seeding.returncode, seeding.stderr) == (0, "")
    assert [release["id"] for release in releases] == [1]
    loaded_by_server = "Loaded the published figures as release 1." in output
    assert seeding.stdout == SEEDED_ONCE[loaded_by_server] + "\n"
