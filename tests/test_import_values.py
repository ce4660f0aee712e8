"""Values a database or Python would choke on are row errors, with file, line and column.

Each bad package goes through the command (`kommunedigi import` of a folder) and over
HTTP (`text/csv` for shares.csv alone, multipart for more files), on SQLite and on
PostgreSQL, and must leave the database as it was: no 500, no traceback, no DataError.
Numbers take ASCII digits only (int() and Decimal() also read "7_6" and "٧٦" as 76),
whole numbers fit an INTEGER column, text holds no control characters (PostgreSQL
refuses NUL), and a code fits its column.
"""

import csv
import hashlib
import io
import sys

import httpx
import pytest

from api.app import create_app
from api.cli import main
from api.settings import Settings
from tests.conftest import NO_RATE_LIMITS, database_digest

pytestmark = pytest.mark.anyio

TOKEN = "values"
INTEGER_MAX = 2_147_483_647  # PostgreSQL's INTEGER
SHARES = (
    "survey", "wave", "question", "option", "segment", "value", "base_n", "status", "source",
    "locator", "note_nb", "note_en",
)  # fmt: skip
ACTION_PLAN_2017 = dict(
    zip(SHARES, ["kommuneundersokelsen", "2017", "action-plan", "yes", "all", "76", "",
                 "published", "pr17", "", "", ""], strict=True)
)  # fmt: skip
FILES = {
    "topics.csv": {"code": "new-topic", "label_nb": "Ny", "label_en": "New"},
    "segments.csv": {"code": "size:small", "dimension": "size", "label_nb": "Små",
                     "label_en": "Small"},
    "surveys.csv": {"code": "new-survey", "title_nb": "Ny", "title_en": "New",
                    "publisher": "Us", "description_nb": "Ny.", "description_en": "New."},
    "sources.csv": {"code": "new-source", "title": "New", "publisher": "Us",
                    "description_nb": "Ny.", "description_en": "New.", "published": "2018"},
    "waves.csv": {"survey": "kommuneundersokelsen", "year": "2017", "title_nb": "Runde 2017",
                  "title_en": "Wave 2017", "respondents": "", "population": "",
                  "published_on": ""},
    "options.csv": {"question": "action-plan", "code": "no", "label_nb": "Nei",
                    "label_en": "No"},
    "indicators.csv": {"code": "new-indicator", "question": "action-plan", "options": "yes",
                       "title_nb": "Ny", "title_en": "New", "description_nb": "Ny.",
                       "description_en": "New.", "unit": "percent"},
}  # fmt: skip


def table(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), quoting=csv.QUOTE_ALL)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def shares(*rows):
    return {"shares.csv": table([{**ACTION_PLAN_2017, **row} for row in rows])}


def beside_shares(name, **cells):
    """`name` with one row (FILES[name] with `cells`), and shares.csv as the seed has it."""
    return {name: table([{**FILES[name], **cells}]), **shares({})}


def shown(text):
    """What an issue repeats of a long cell: its start and its length."""
    return f"{text[:100]}… ({len(text):,} characters)"


# (what, files, the one error: file, line, column, found, expected)
BAD = [
    ("value with an underscore", shares({"value": "7_6"}),
     ("shares.csv", 2, "value", "7_6", "a number")),
    ("value in Arabic-Indic digits", shares({"value": "٧٦"}),
     ("shares.csv", 2, "value", "٧٦", "a number")),
    ("value in full-width digits", shares({"value": "７６"}),
     ("shares.csv", 2, "value", "７６", "a number")),
    ("value infinite", shares({"value": "inf"}),
     ("shares.csv", 2, "value", "inf", "a number")),
    ("value with a huge exponent", shares({"value": "1e999999999999999999999"}),
     ("shares.csv", 2, "value", "1e999999999999999999999", "a percentage from 0 to 100")),
    ("base n of 5,000 digits", shares({"base_n": "1" * 5000}),
     ("shares.csv", 2, "base_n", shown("1" * 5000), f"a whole number of at most {INTEGER_MAX}")),
    ("base n of 2^31", shares({"base_n": str(INTEGER_MAX + 1)}),
     ("shares.csv", 2, "base_n", "2147483648", f"a whole number of at most {INTEGER_MAX}")),
    ("base n in Arabic-Indic digits", shares({"base_n": "١١٣"}),
     ("shares.csv", 2, "base_n", "١١٣", "a whole number of at least 1")),
    ("base n with an underscore", shares({"base_n": "1_13"}),
     ("shares.csv", 2, "base_n", "1_13", "a whole number of at least 1")),
    ("respondents of 2^31", beside_shares("waves.csv", respondents=str(INTEGER_MAX + 1)),
     ("waves.csv", 2, "respondents", "2147483648", f"a whole number of at most {INTEGER_MAX}")),
    ("population of 5,000 digits", beside_shares("waves.csv", population="9" * 5000),
     ("waves.csv", 2, "population", shown("9" * 5000),
      f"a whole number of at most {INTEGER_MAX}")),
    ("NUL in a note", shares({"note_nb": "a\x00b"}),
     ("shares.csv", 2, "note_nb", "a\x00b",
      "text without control characters other than tab and line breaks")),
    ("tab in a locator", shares({"locator": "page\t3"}),
     ("shares.csv", 2, "locator", "page\t3", "text without control characters")),
    ("NUL in a label", beside_shares("topics.csv", label_nb="Plan\x00"),
     ("topics.csv", 2, "label_nb", "Plan\x00", "text without control characters")),
    ("escape sequence in a label", beside_shares("options.csv", label_en="\x1b[31mNo"),
     ("options.csv", 2, "label_en", "\x1b[31mNo", "text without control characters")),
    ("bell in a description", beside_shares("surveys.csv", description_en="New.\x07"),
     ("surveys.csv", 2, "description_en", "New.\x07",
      "text without control characters other than tab and line breaks")),
    ("NUL in a unit", beside_shares("indicators.csv", unit="percent\x00"),
     ("indicators.csv", 2, "unit", "percent\x00", "text without control characters")),
    ("topic code longer than its column", beside_shares("topics.csv", code="t" * 65),
     ("topics.csv", 2, "code", "t" * 65,
      "a code: lowercase letters, digits and - _ . : (at most 64)")),
    ("survey code longer than its column", beside_shares("surveys.csv", code="s" * 65),
     ("surveys.csv", 2, "code", "s" * 65,
      "a code: lowercase letters, digits and - _ . : (at most 64)")),
    ("dimension longer than its column", beside_shares("segments.csv", dimension="d" * 65),
     ("segments.csv", 2, "dimension", "d" * 65,
      "a code: lowercase letters, digits and - _ . : (at most 64)")),
    ("date in Arabic-Indic digits", beside_shares("waves.csv", published_on="٢٠١٨-٠١-٢٤"),
     ("waves.csv", 2, "published_on", "٢٠١٨-٠١-٢٤", "a date as YYYY-MM-DD")),
    ("date without dashes", beside_shares("waves.csv", published_on="20180124"),
     ("waves.csv", 2, "published_on", "20180124", "a date as YYYY-MM-DD")),
    ("month 13", beside_shares("sources.csv", published="2018-13"),
     ("sources.csv", 2, "published", "2018-13", "a date as YYYY-MM-DD, YYYY-MM or YYYY")),
    ("year in Arabic-Indic digits", beside_shares("sources.csv", published="٢٠١٨"),
     ("sources.csv", 2, "published", "٢٠١٨", "a date as YYYY-MM-DD, YYYY-MM or YYYY")),
]  # fmt: skip
IDS = [case[0] for case in BAD]
CASES = [case[1:] for case in BAD]


def as_line(file, line, column, found, expected):
    """An issue as the command prints it."""
    return f"{file}:{line}: column {column}: found {found!r}, expected {expected}"


@pytest.fixture(scope="module")
def seeded_url(databases):
    """One seeded database for the rejected imports: none of them may change it."""
    url = databases.new()
    assert main(["seed", "--database-url", url]) == 0
    return url


@pytest.fixture(scope="module")
async def steward(seeded_url):
    token_hash = hashlib.sha256(TOKEN.encode()).hexdigest()
    settings = Settings(database_url=seeded_url, import_token_hashes=token_hash, **NO_RATE_LIMITS)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
    app.state.engine.dispose()


def run_import(url, folder, files, *extra):
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return main(["import", str(folder), "--database-url", url, *extra])


async def post(client, files, *, query=""):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    url = f"/api/v1/imports{query}"
    if list(files) == ["shares.csv"]:
        headers["Content-Type"] = "text/csv"
        return await client.post(url, content=files["shares.csv"].encode(), headers=headers)
    upload = {name: (name, text.encode(), "text/csv") for name, text in files.items()}
    return await client.post(url, files=upload, headers=headers)


@pytest.mark.parametrize(("files", "issue"), CASES, ids=IDS)
def test_bad_value_from_the_command_is_a_row_error(seeded_url, tmp_path, capsys, files, issue):
    before = database_digest(seeded_url)
    assert run_import(seeded_url, tmp_path / "package", files) == 1
    errors = capsys.readouterr().err.splitlines()
    assert errors[0] == as_line(*issue)
    assert errors[1:] == ["1 error; nothing was written."]
    assert database_digest(seeded_url) == before


@pytest.mark.parametrize(("files", "issue"), CASES, ids=IDS)
async def test_bad_value_over_http_is_a_row_error(seeded_url, steward, files, issue):
    before = database_digest(seeded_url)
    response = await post(steward, files)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["type"], body["title"]) == ("/problems/import-rejected", "Import rejected")
    keys = ("file", "line", "column", "found", "expected")
    assert body["report"]["errors"] == [
        {**dict(zip(keys, issue, strict=True)), "severity": "error"}
    ]
    assert database_digest(seeded_url) == before


def test_no_digit_but_ascii_reads_as_a_number(seeded_url, tmp_path, capsys):
    """Every character Python calls a digit, bar 0-9, is refused in a value and a base n."""
    digits = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isdigit() and c > 127]
    assert len(digits) > 700
    rows = [{"value": digit, "base_n": digit * 2} for digit in digits]
    before = database_digest(seeded_url)
    assert run_import(seeded_url, tmp_path / "package", shares(*rows)) == 1
    errors = set(capsys.readouterr().err.splitlines())
    for line, digit in enumerate(digits, start=2):
        assert as_line("shares.csv", line, "value", digit, "a number") in errors
        expected = "a whole number of at least 1"
        assert as_line("shares.csv", line, "base_n", digit * 2, expected) in errors
    assert database_digest(seeded_url) == before


def test_no_control_character_reaches_the_database(seeded_url, tmp_path, capsys):
    """Every C0 control character and DEL is refused in a one-line text; a note may hold
    a tab (and line breaks: the next test)."""
    controls = [chr(c) for c in (*range(32), 127) if chr(c) not in "\r\n"]
    rows = [{"locator": f"a{control}b", "note_nb": f"a{control}b"} for control in controls]
    before = database_digest(seeded_url)
    assert run_import(seeded_url, tmp_path / "package", shares(*rows)) == 1
    errors = capsys.readouterr().err.splitlines()
    for line, control in enumerate(controls, start=2):
        found = f"a{control}b"
        expected = "text without control characters"
        assert as_line("shares.csv", line, "locator", found, expected) in errors
        expected += " other than tab and line breaks"
        in_note = as_line("shares.csv", line, "note_nb", found, expected) in errors
        assert in_note is (control != "\t"), repr(control)
    assert database_digest(seeded_url) == before


async def test_a_line_break_may_stand_in_a_note_but_not_in_a_locator(seeded_url, steward):
    before = database_digest(seeded_url)
    files = shares({"locator": "page\n3", "note_nb": "first\r\nsecond\nthird"})
    response = await post(steward, files, query="?dry_run=true")
    assert response.status_code == 422
    found = [(e["column"], e["found"], e["expected"]) for e in response.json()["report"]["errors"]]
    assert found == [("locator", "page\n3", "text without control characters")]
    assert database_digest(seeded_url) == before


async def test_a_message_with_a_nul_is_refused(seeded_url, steward):
    before = database_digest(seeded_url)
    response = await post(steward, shares({"value": "77"}), query="?message=Fixed%00")
    assert response.status_code == 422
    assert response.json()["report"]["errors"] == [
        {
            "file": "message",
            "line": None,
            "column": None,
            "found": "Fixed\x00",
            "expected": "a message without control characters other than tab and line breaks",
            "severity": "error",
        }
    ]
    assert database_digest(seeded_url) == before


# Values at the edge of what is allowed, and the forms of a number that are read.
GOOD_VALUES = [("1e1", 10), (".5", 0.5), ("5.", 5), ("+7.5", 7.5), ("-0", 0), ("076", 76),
               ("100.000", 100), (" 42 ", 42), ("0.0001", 0.0001), ("1E-05", 0.00001)]  # fmt: skip


@pytest.mark.parametrize(("value", "read"), GOOD_VALUES, ids=[value for value, _ in GOOD_VALUES])
async def test_a_decimal_number_is_read_as_written(steward, value, read):
    response = await post(steward, shares({"value": value}), query="?dry_run=true")
    assert response.status_code == 200, response.text
    assert response.json()["changes"][0]["new"]["value"] == read


async def test_values_at_their_limits_are_stored(fresh_database_url, tmp_path, capsys):
    longest_code = "t" * 64
    files = {
        **shares({"base_n": str(INTEGER_MAX), "note_nb": "one\ttwo\r\nthree"}),
        "topics.csv": table([{**FILES["topics.csv"], "code": longest_code}]),
        "waves.csv": table([{**FILES["waves.csv"], "population": str(INTEGER_MAX)}]),
    }
    assert main(["seed", "--database-url", fresh_database_url]) == 0
    capsys.readouterr()
    assert run_import(fresh_database_url, tmp_path / "package", files) == 0
    assert capsys.readouterr().out.startswith("Release 2: 0 figures added, 1 changed")
    app = create_app(Settings(database_url=fresh_database_url, **NO_RATE_LIMITS))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        share = (
            await client.get("/api/v1/shares", params={"question": "action-plan", "wave": "2017"})
        ).json()["data"][0]
        topics = (await client.get("/api/v1/topics")).json()["data"]
        waves = (await client.get("/api/v1/waves")).json()["data"]
    app.state.engine.dispose()
    assert (share["base_n"], share["note"]) == (INTEGER_MAX, "one\ttwo\r\nthree")
    assert longest_code in [topic["code"] for topic in topics]
    assert [wave["population"] for wave in waves if wave["year"] == 2017] == [INTEGER_MAX]
