"""`kommunedigi import`: every problem reported with its place, nothing written on error,
corrections kept as history, and an import killed mid-way leaves the database as it was."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import httpx
import pytest

from api.app import create_app
from api.cli import main
from api.settings import Settings
from seed.loader import DATA
from tests.conftest import ROOT, database_digest

pytestmark = pytest.mark.anyio

SHARES_HEADER = (
    "survey,wave,question,option,segment,value,base_n,status,source,locator,note_nb,note_en"
)
ACTION_PLAN_2017 = "kommuneundersokelsen,2017,action-plan,yes,all,76,,published,pr17,,,"


@pytest.fixture(scope="module")
def seeded_url(databases):
    """One seeded database for the rejected imports: none of them may change it."""
    url = databases.new()
    assert main(["seed", "--database-url", url]) == 0
    return url


def run_import(url, path, *extra):
    return main(["import", str(path), "--database-url", url, *extra])


def shares_file(tmp_path, *rows, header=SHARES_HEADER):
    path = tmp_path / "shares.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def seed_copy(tmp_path, file, old, new):
    folder = tmp_path / "package"
    shutil.copytree(DATA, folder)
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


ROW = "kommuneundersokelsen,2017,action-plan,yes,all,{value},{base_n},{status},{source},,,"


def row(value="76", base_n="", status="published", source="pr17"):
    return ROW.format(value=value, base_n=base_n, status=status, source=source)


def with_unknown_file(tmp_path):
    folder = seed_copy(tmp_path, "topics.csv", "", "")
    (folder / "answers.csv").write_text("x\n", encoding="utf-8")
    return folder


# (what, how to make the package, the error's place and what it says)
MALFORMED = [
    (
        "share above 100",
        lambda t: shares_file(t, row(value="120")),
        "shares.csv:2: column value: found '120', expected a percentage from 0 to 100",
    ),
    (
        "negative share",
        lambda t: shares_file(t, row(value="-1")),
        "shares.csv:2: column value: found '-1', expected a percentage from 0 to 100",
    ),
    (
        "decimal comma",
        lambda t: shares_file(t, row(value='"2,5"')),
        "shares.csv:2: column value: found '2,5', expected a number with a dot as decimal mark",
    ),
    (
        "not a number",
        lambda t: shares_file(t, row(value="many")),
        "shares.csv:2: column value: found 'many', expected a number",
    ),
    (
        "not a finite number",
        lambda t: shares_file(t, row(value="NaN")),
        "shares.csv:2: column value: found 'NaN', expected a number",
    ),
    (
        "value with a missing-status",
        lambda t: shares_file(t, row(status="not_published")),
        "shares.csv:2: column value: found '76', expected no value, as the status not_published "
        "says it is missing",
    ),
    (
        "missing value with published",
        lambda t: shares_file(t, row(value="")),
        "shares.csv:2: column value: found '', expected a percentage, as the status is published",
    ),
    (
        "unknown status",
        lambda t: shares_file(t, row(status="guessed")),
        "shares.csv:2: column status: found 'guessed', expected one of published, approximate, "
        "qualitative, not_published",
    ),
    (
        "unknown question",
        lambda t: shares_file(t, row().replace("action-plan", "action-plans")),
        "shares.csv:2: column question: found 'action-plans', expected a question known to the "
        "database or this package",
    ),
    (
        "option of another question",
        lambda t: shares_file(t, row().replace(",yes,", ",high,")),
        "shares.csv:2: column option: found 'high', expected an option of question action-plan",
    ),
    (
        "unknown survey",
        lambda t: shares_file(t, row().replace("kommuneundersokelsen", "other")),
        "shares.csv:2: column survey: found 'other', expected a survey known to the database or "
        "this package",
    ),
    (
        "unknown wave",
        lambda t: shares_file(t, row().replace("2017", "2014")),
        "shares.csv:2: column wave: found '2014', expected a wave of survey kommuneundersokelsen "
        "known to the database or this package",
    ),
    (
        "wave not a year",
        lambda t: shares_file(t, row().replace("2017", "17")),
        "shares.csv:2: column wave: found '17', expected a year such as 2017",
    ),
    (
        "unknown segment",
        lambda t: shares_file(t, row().replace(",all,", ",everyone,")),
        "shares.csv:2: column segment: found 'everyone', expected a segment known to the database "
        "or this package",
    ),
    (
        "unknown source",
        lambda t: shares_file(t, row(source="pr18")),
        "shares.csv:2: column source: found 'pr18', expected a source known to the database or "
        "this package",
    ),
    (
        "base n of zero",
        lambda t: shares_file(t, row(base_n="0")),
        "shares.csv:2: column base_n: found '0', expected a whole number of at least 1",
    ),
    (
        "base n with decimals",
        lambda t: shares_file(t, row(base_n="112.5")),
        "shares.csv:2: column base_n: found '112.5', expected a whole number of at least 1",
    ),
    (
        "duplicate row",
        lambda t: shares_file(t, row(), row(value="77")),
        "shares.csv:3: column option: found 'yes', expected one row per cell; line 2 has this one",
    ),
    (
        "missing column",
        lambda t: shares_file(
            t,
            "kommuneundersokelsen,2017,action-plan,yes,all,76,pr17",
            header="survey,wave,question,option,segment,value,source",
        ),
        "shares.csv:1: column status: expected a column named status",
    ),
    (
        "unknown column",
        lambda t: shares_file(t, row() + ",x", header=SHARES_HEADER + ",comment"),
        "shares.csv:1: column comment: found 'comment', expected only the columns survey, wave, "
        "question, option, segment, value, status, source, base_n, locator, note_nb, note_en,"
        " locator_nb",
    ),
    (
        "semicolons",
        lambda t: shares_file(t, row().replace(",", ";"), header=SHARES_HEADER.replace(",", ";")),
        "shares.csv:1: found ';', expected columns separated by commas (,)",
    ),
    (
        "too many cells",
        lambda t: shares_file(t, row() + ",extra"),
        "shares.csv:2: found 'extra', expected 12 cells",
    ),
    (
        "too few cells",
        lambda t: shares_file(t, "kommuneundersokelsen,2017,action-plan"),
        "shares.csv:2: expected 12 cells",
    ),
    (
        "empty file",
        lambda t: shares_file(t, header=""),
        "shares.csv:1: expected a header row naming the columns",
    ),
    ("unknown file in a folder", with_unknown_file, "answers.csv: expected one of the files"),
    (
        "code not URL-safe",
        lambda t: seed_copy(t, "topics.csv", "\npriority,", "\nPriority,"),
        "topics.csv:3: column code: found 'Priority', expected a code: lowercase letters, digits "
        "and - _ . : (at most 64)",
    ),
    (
        "question with an unknown topic",
        lambda t: seed_copy(t, "questions.csv", ",planning,", ",plans,"),
        "questions.csv:4: column topic: found 'plans', expected a topic known to the database or "
        "this package",
    ),
    (
        "unknown question kind",
        lambda t: seed_copy(t, "questions.csv", ",scale,", ",slider,"),
        "questions.csv:3: column kind: found 'slider', expected one of single_choice, "
        "multiple_choice, scale",
    ),
    (
        "option of an unknown question",
        lambda t: seed_copy(t, "options.csv", "\npriority,", "\npriorities,"),
        "options.csv:5: column question: found 'priorities', expected a question known to the "
        "database or this package",
    ),
    (
        "bad publication date",
        lambda t: seed_copy(t, "waves.csv", ",2018-01-24,", ",24.01.2018,"),
        "waves.csv:4: column published_on: found '24.01.2018', expected a date as YYYY-MM-DD",
    ),
    (
        "bad partial date",
        lambda t: seed_copy(t, "sources.csv", ",2018-01,", ",jan 2018,"),
        "sources.csv:3: column published: found 'jan 2018', expected a date as YYYY-MM-DD, YYYY-MM "
        "or YYYY",
    ),
    (
        "indicator over a foreign option",
        lambda t: seed_copy(t, "indicators.csv", ",better-quality,", ",yes,"),
        "indicators.csv:2: column options: found 'yes', expected options of question "
        "expected-effects joined by +",
    ),
    (
        "a code twice",
        lambda t: seed_copy(t, "topics.csv", "\npriority,", "\nplanning,"),
        "topics.csv:4: column code: found 'planning', expected each once; line 3 has it already",
    ),
    (
        "response rate above 100",
        lambda t: seed_copy(t, "waves.csv", ",113,,,,e15,", ",113,,140,,e15,"),
        "waves.csv:2: column response_rate: found '140', expected a percentage from 0 to 100",
    ),
    (
        "published total above 100",
        lambda t: seed_copy(t, "published_totals.csv", ",95,", ",950,"),
        "published_totals.csv:2: column value: found '950', expected a percentage from 0 to 100",
    ),
    (
        "question moved to another survey",
        lambda t: seed_copy(
            t, "questions.csv", "kommuneundersokelsen,priority", "synthetic,priority"
        ),
        "questions.csv:3: column survey: found 'synthetic', expected a survey known to the "
        "database or this package",
    ),
]


@pytest.mark.parametrize(
    ("make", "expected"), [case[1:] for case in MALFORMED], ids=[case[0] for case in MALFORMED]
)
def test_malformed_package_is_rejected_with_its_place(seeded_url, tmp_path, capsys, make, expected):
    before = database_digest(seeded_url)
    assert run_import(seeded_url, make(tmp_path)) == 1
    errors = capsys.readouterr().err
    assert any(line.startswith(expected) for line in errors.splitlines()), errors
    assert errors.rstrip().endswith("nothing was written.")
    assert database_digest(seeded_url) == before


def test_at_least_thirty_kinds_of_malformed_files():
    assert len(MALFORMED) >= 30


def test_bad_utf8_names_its_line(seeded_url, tmp_path, capsys):
    path = tmp_path / "shares.csv"
    path.write_bytes(
        f"{SHARES_HEADER}\n{row()}\n".encode() + "kommuneundersøkelsen".encode("latin-1")
    )
    before = database_digest(seeded_url)
    assert run_import(seeded_url, path) == 1
    assert capsys.readouterr().err.startswith("shares.csv:3: found '")
    assert database_digest(seeded_url) == before


def test_every_problem_is_reported_at_once(seeded_url, tmp_path, capsys):
    other_wave = row(status="guessed").replace(",2017,", ",2015,")
    other_question = (
        "kommuneundersokelsen,2015,ict-contributed-quality,high,all,42.5,,published,x,,,"
    )
    path = shares_file(tmp_path, row(value="120"), other_wave, other_question)
    assert run_import(seeded_url, path) == 1
    errors = capsys.readouterr().err.splitlines()
    assert [line.split(": column")[0] for line in errors[:-1]] == [
        "shares.csv:2", "shares.csv:3", "shares.csv:4",
    ]  # fmt: skip
    assert errors[-1] == "3 errors; nothing was written."


def test_incomplete_single_choice_sum_is_a_warning(seeded_url, tmp_path, capsys):
    text = (DATA / "shares.csv").read_text(encoding="utf-8").replace(",49.6,", ",39.6,")
    path = tmp_path / "shares.csv"
    path.write_text(text, encoding="utf-8")
    assert run_import(seeded_url, path, "--dry-run") == 0
    captured = capsys.readouterr()
    assert "warning: found '90.1', expected the shares of single-choice question " in captured.err
    assert "1 changed" in captured.out


async def test_correction_is_served_and_keeps_history(fresh_database_url, tmp_path, capsys):
    app = create_app(Settings(database_url=fresh_database_url, release_check_seconds=0))
    app.state.engine.dispose()
    before = database_digest(fresh_database_url)
    corrected = shares_file(tmp_path, row(value="77"))

    assert run_import(fresh_database_url, corrected, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "0 figures added, 1 changed, 0 removed" in out
    assert (
        "kommuneundersokelsen/2017/action-plan/yes/all: 76.0 (published) -> 77.0 (published)" in out
    )
    assert database_digest(fresh_database_url) == before

    assert run_import(fresh_database_url, corrected, "--message", "Corrected figure") == 0
    assert capsys.readouterr().out.startswith("Release 2: 0 figures added, 1 changed, 0 removed")
    assert run_import(fresh_database_url, corrected) == 0
    assert capsys.readouterr().out.startswith("Nothing to change")

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        series = (await client.get("/api/v1/indicators/action-plan")).json()["series"]
        health = (await client.get("/health")).json()
    app.state.engine.dispose()
    assert [(p["wave"], p["value"], p["change"]) for p in series] == [
        (2015, 68, None), (2016, None, None), (2017, 77, 9),
    ]  # fmt: skip
    assert health["release"]["id"] == 2
    assert health["release"]["message"] == "Corrected figure"


def test_package_replaces_its_questions_figures_and_no_others(fresh_database_url, tmp_path, capsys):
    assert main(["seed", "--database-url", fresh_database_url]) == 0
    capsys.readouterr()
    # Only the 2015 figure of expected-effects/better-quality is given: the other options of
    # that question in 2015 are removed, 2017 and every other question stay as they were.
    header, *lines = (DATA / "shares.csv").read_text(encoding="utf-8").splitlines()
    same = lines[4]
    assert same.startswith("kommuneundersokelsen,2015,expected-effects,better-quality,all,24,")
    path = shares_file(tmp_path, same, header=header)
    assert run_import(fresh_database_url, path, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "0 figures added, 0 changed, 2 removed, 1 unchanged" in out
    assert "removed  kommuneundersokelsen/2015/expected-effects/simpler-routines/all" in out


def test_new_wave_question_and_figures_load_together(fresh_database_url, tmp_path, capsys):
    assert main(["seed", "--database-url", fresh_database_url]) == 0
    folder = tmp_path / "synthetic-package"
    folder.mkdir()
    (folder / "surveys.csv").write_text(
        "code,title_nb,title_en,publisher,description_nb,description_en,homepage,licence\n"
        "test-survey,Testundersøkelse,Test survey,kommunedigi tests,Genererte testdata.,"
        "Generated test data.,,\n",
        encoding="utf-8",
    )
    (folder / "waves.csv").write_text(
        "survey,year,title_nb,title_en\ntest-survey,3001,Runde 1,Wave 1\n", encoding="utf-8"
    )
    (folder / "questions.csv").write_text(
        "survey,code,topic,kind,text_nb,text_en\n"
        "test-survey,test-q,priority,single_choice,Spørsmål?,Question?\n",
        encoding="utf-8",
    )
    (folder / "options.csv").write_text(
        "question,code,label_nb,label_en\ntest-q,a,A,A\ntest-q,b,B,B\n", encoding="utf-8"
    )
    (folder / "shares.csv").write_text(
        "survey,wave,question,option,segment,value,status,source\n"
        "test-survey,3001,test-q,a,all,40,published,pr17\n"
        "test-survey,3001,test-q,b,all,60,published,pr17\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert run_import(fresh_database_url, folder) == 0
    assert capsys.readouterr().out.startswith(
        "Release 2: 2 figures added, 0 changed, 0 removed, 0 unchanged; 5 descriptions"
    )


def test_missing_path_is_a_usage_error(seeded_url, tmp_path, capsys):
    assert run_import(seeded_url, tmp_path / "nothing-here") == 2
    assert "does not exist" in capsys.readouterr().err


def test_killed_import_leaves_the_database_unchanged(fresh_database_url, tmp_path):
    assert main(["seed", "--database-url", fresh_database_url]) == 0
    folder = tmp_path / "big"
    folder.mkdir()
    options = 2000
    (folder / "questions.csv").write_text(
        "survey,code,topic,kind,text_nb,text_en\n"
        "kommuneundersokelsen,big-q,priority,multiple_choice,Stort spørsmål,Big question\n",
        encoding="utf-8",
    )
    (folder / "options.csv").write_text(
        "question,code,label_nb,label_en\n"
        + "".join(f"big-q,o{i},Valg {i},Option {i}\n" for i in range(options)),
        encoding="utf-8",
    )
    (folder / "segments.csv").write_text(
        "code,dimension,label_nb,label_en\n"
        + "".join(f"test:{i},test,Gruppe {i},Group {i}\n" for i in range(50)),
        encoding="utf-8",
    )
    (folder / "shares.csv").write_text(
        "survey,wave,question,option,segment,value,status,source\n"
        + "".join(
            f"kommuneundersokelsen,{wave},big-q,o{i},test:{s},{(i + s) % 100},published,pr17\n"
            for wave in (2015, 2016, 2017)
            for i in range(options)
            for s in range(50)
        ),
        encoding="utf-8",
    )
    before = database_digest(fresh_database_url)
    command = [sys.executable, "-m", "api", "import", str(folder), "--verbose",
               "--database-url", fresh_database_url]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stderr is not None
    steps: list[str] = []
    while not steps or not steps[-1].startswith("Writing"):
        line = process.stderr.readline().decode()
        assert line, f"the import ended before writing: {steps}"
        steps.append(line)
    time.sleep(0.5)  # inside the transaction: options written, figures being written
    assert process.poll() is None, "the import finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    assert steps == ["Checking 300,000 figures\n", "Writing 300,000 figures\n"]
    assert database_digest(fresh_database_url) == before


async def test_json_stat_round_trip(fresh_database_url, tmp_path, capsys):
    """Our own JSON-stat output imports back unchanged, and a corrected cell as a change."""
    app = create_app(Settings(database_url=fresh_database_url))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get(
            "/api/v1/questions/expected-effects", params={"format": "jsonstat"}
        )
    app.state.engine.dispose()
    dataset = response.json()
    path = tmp_path / "expected-effects.json"
    path.write_text(json.dumps(dataset), encoding="utf-8")
    assert run_import(fresh_database_url, path) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Nothing to change: 0 figures added, 0 changed, 0 removed, 6")

    index = dataset["value"].index(64)
    dataset["value"][index] = 65
    path.write_text(json.dumps(dataset), encoding="utf-8")
    assert run_import(fresh_database_url, path, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "0 figures added, 1 changed, 0 removed, 5 unchanged" in out
    assert "2017/expected-effects/better-quality/all: 64.0 (published) -> 65.0 (published)" in out


def test_json_stat_that_is_not_a_dataset_is_rejected(seeded_url, tmp_path, capsys):
    path = tmp_path / "table.json"
    path.write_text('{"class": "collection"}', encoding="utf-8")
    assert run_import(seeded_url, path) == 1
    assert capsys.readouterr().err.startswith(
        "table.json: column class: found '\"collection\"', expected a JSON-stat 2.0 dataset"
    )


def test_a_single_choice_sum_far_from_100_is_a_warning_on_its_file(seeded_url, tmp_path, capsys):
    options = ["all-digital", "most-digital", "most-paper", "all-paper"]
    codes = {"wave": ["2015"], "question": ["service-area-nursing-homes"], "option": options,
             "segment": ["all"]}  # fmt: skip
    dataset = {
        "class": "dataset",
        "id": list(codes),
        "size": [len(index) for index in codes.values()],
        "dimension": {id_: {"category": {"index": index}} for id_, index in codes.items()},
        "value": [10, 10, 10, 20],
        "extension": {"source": "cw15"},
    }
    path = tmp_path / "nursing-homes.json"
    path.write_text(json.dumps(dataset), encoding="utf-8")
    assert run_import(seeded_url, path, "--dry-run") == 0
    assert capsys.readouterr().err.splitlines() == [
        "nursing-homes.json:0: column value: warning: found '50', expected the shares of "
        "single-choice question service-area-nursing-homes in wave 2015, segment all to sum "
        "to about 100"
    ]
