"""Reading an import package: one rule for which file is which, limits counted while it is
read, and every malformed input an issue with its file, line and column, the same from
`kommunedigi import` and from POST /api/v1/imports."""

import codecs
import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.cli import main
from api.settings import Settings
from tests.conftest import NO_RATE_LIMITS, ROOT, database_digest
from tests.network_helpers import free_port, wait_until_healthy

pytestmark = pytest.mark.anyio

TOKEN = "import limits token"
HEADER = "survey,wave,question,option,segment,value,status,source,note_nb"
ROW = "kommuneundersokelsen,2017,action-plan,yes,all,76,published,pr17,"
ROW_2015 = "kommuneundersokelsen,2015,action-plan,yes,all,68,published,pr17,"
OTHER_2015 = "kommuneundersokelsen,2015,expected-effects,better-quality,all,24,published,pr17,"
SHARES = f"{HEADER}\n{ROW}\n".encode()
CORRECTED = SHARES.replace(b",76,", b",77,")
DIMENSIONS = ["wave", "question", "option", "segment"]
MEDIA_TYPES = {"zip": "application/zip", "json": "application/json", "csv": "text/csv"}
FOLDERS_RULE = "every file in one folder: the top, or one folder that holds them all"
TEXT_IN_LINES = "text without control characters other than tab and line breaks"
LISTED = sum(46 + len(str(i)) for i in range(2000))  # a zip's directory: 46 bytes and a name


def zipped(files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", method) as writer:
        for name, content in files.items():
            writer.writestr(name, content)
    return archive.getvalue()


@cache
def bomb(size: int) -> bytes:
    """A zip of one shares.csv of `size` bytes of zeros, compressed about a thousandfold."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as writer:
        with writer.open("shares.csv", "w") as member:
            chunk = b"0" * (1 << 20)
            for _ in range(size >> 20):
                member.write(chunk)
    return archive.getvalue()


@cache
def understated(size: int, stated: int) -> bytes:
    """A bomb whose headers say its file holds only `stated` bytes."""
    data = bytearray(bomb(size))
    struct.pack_into("<I", data, data.index(b"PK\x03\x04") + 22, stated)  # local header
    struct.pack_into("<I", data, data.rindex(b"PK\x01\x02") + 24, stated)  # directory
    return bytes(data)


def dataset(**parts: object) -> bytes:
    """A JSON-stat dataset of one cell, with `parts` in place of its own."""
    one_cell = {
        "class": "dataset",
        "id": DIMENSIONS,
        "size": [1, 1, 1, 1],
        "dimension": {
            "wave": {"category": {"index": ["2017"]}},
            "question": {"category": {"index": ["action-plan"]}},
            "option": {"category": {"index": ["yes"]}},
            "segment": {"category": {"index": ["all"]}},
        },
        "value": [76],
        "extension": {"source": "pr17"},
    }
    return json.dumps({**one_cell, **parts}).encode()


SURROGATE = dataset(
    dimension={
        "wave": {"category": {"index": ["2017"]}},
        "question": {"category": {"index": ["\ud800x"]}},
        "option": {"category": {"index": ["yes"]}},
        "segment": {"category": {"index": ["all"]}},
    }
)
SURROGATE_AT = SURROGATE.index(b"\\ud800") + 1  # where its escape starts, counted from 1
LONG_NUMBER = dataset().replace(b'"value": [76]', b'"value": [' + b"7" * 5000 + b"]")
LONG_NUMBER_AT = LONG_NUMBER.index(b"[777") + 2


def shares(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows, ""]).encode()


def long_note(line_bytes: int) -> str:
    """A row of shares.csv `line_bytes` long, the note making up the length."""
    return ROW + "x" * (line_bytes - len(ROW))


# (what, the file sent: its name and how to make it, the issues as (file, line, column,
# found, expected)). Each is read by the command from a file of that name and sent to the
# API as a body of that type, and both must report exactly these issues.
Issue = tuple[str, int | None, str | None, str | None, str]
Case = tuple[str, str, Callable[[], bytes], list[Issue]]
CASES: list[Case] = [
    (
        "zip bomb, 1 MB unpacking to 1 GiB",
        "upload.zip",
        lambda: bomb(1 << 30),
        [("upload.zip", None, None, "1,073,741,824 bytes",
          "at most 100,000,000 bytes in all, unpacked")],
    ),
    (
        "zip whose headers understate its file",
        "upload.zip",
        lambda: understated(64 << 20, stated=100),
        [("shares.csv", None, None, None, "a readable file (Bad CRC-32 for file 'shares.csv')")],
    ),
    (
        "not a zip",
        "upload.zip",
        lambda: b"not a zip",
        [("upload.zip", None, None, None, "a .zip archive (File is not a zip file)")],
    ),
    (
        "51 files",
        "upload.zip",
        lambda: zipped({"shares.csv": SHARES} | {f"notes-{i}.txt": b"" for i in range(50)}),
        [("upload.zip", None, None, "more than 50 files", "at most 50 files")],
    ),
    (
        "a directory listing thousands of files",
        "upload.zip",
        lambda: zipped({f"{i}": b"" for i in range(2000)}),
        [("upload.zip", None, None, f"a list of files of {LISTED:,} bytes", "at most 50 files")],
    ),
    (
        "bzip2 compression",
        "upload.zip",
        lambda: zipped({"shares.csv": SHARES}, zipfile.ZIP_BZIP2),
        [("shares.csv", None, None, None,
          "a readable file (compressed by method 12; use deflate)")],
    ),
    (
        "two shares.csv in two folders",
        "upload.zip",
        lambda: zipped({"a/shares.csv": SHARES, "b/shares.csv": SHARES}),
        [
            ("upload.zip", None, None, "a/, b/", FOLDERS_RULE),
            ("shares.csv", None, None, "a/shares.csv, b/shares.csv", "one file named shares.csv"),
        ],
    ),
    (
        "files in two folders",
        "upload.zip",
        lambda: zipped({"new/shares.csv": SHARES, "old/topics.csv": b"code,label_nb,label_en\n"}),
        [("upload.zip", None, None, "new/, old/", FOLDERS_RULE)],
    ),
    (
        "a line over the limit",
        "shares.csv",
        lambda: shares(ROW, long_note(65_537), ROW_2015),
        [("shares.csv", 3, None, "a line of 65,537 bytes", "lines of at most 65,536 bytes")],
    ),
    (
        "a field over csv's limit, in lines within it",
        "shares.csv",
        lambda: shares(ROW + '"' + "\n".join(["x" * 50_000] * 3) + '"', ROW),
        [("shares.csv", 2, None, None,
          "CSV as RFC 4180 writes it (field larger than field limit (131072))")],
    ),
    (
        "a quoted cell over several lines, named by the line its row starts on",
        "shares.csv",
        lambda: shares(ROW_2015 + '"one\ntwo\x07"', ROW.replace(",76,", ",120,")),
        [("shares.csv", 2, "note_nb", "one\ntwo\x07", TEXT_IN_LINES),
         ("shares.csv", 4, "value", "120", "a percentage from 0 to 100")],
    ),
    (
        "a bare CR in a quoted cell, in a file of CR LF lines",
        "shares.csv",
        lambda: shares(ROW_2015 + '"one\rtwo\x07"', ROW.replace(",76,", ",120,")).replace(
            b"\n", b"\r\n"
        ),
        [("shares.csv", 2, "note_nb", "one\rtwo\x07", TEXT_IN_LINES),
         ("shares.csv", 4, "value", "120", "a percentage from 0 to 100")],
    ),
    (
        "a duplicated column",
        "shares.csv",
        lambda: shares(ROW + ",77", header=HEADER + ",value"),
        [("shares.csv", 1, "value", "value", "each column once")],
    ),
    (
        "JSON-stat declaring 80^4 cells",
        "dataset.json",
        lambda: dataset(size=[80] * 4, value=76, status="published"),
        [("dataset.json", None, "size", "[80, 80, 80, 80]",
          "at most 1,000,000 cells (CSV rows and JSON-stat cells)")],
    ),
    (
        "JSON-stat float sizes",
        "dataset.json",
        lambda: dataset(size=[2.5, 1, 1, 1]),
        [("dataset.json", None, "size", "[2.5, 1, 1, 1]",
          "4 whole numbers of at least 1, one per dimension")],
    ),
    (
        "JSON-stat dimension as a list",
        "dataset.json",
        lambda: dataset(dimension=[]),
        [("dataset.json", None, "dimension", "[]", "an object")],
    ),
    (
        "JSON-stat index of mixed types",
        "dataset.json",
        lambda: dataset(
            size=[2, 1, 1, 1],
            dimension={"wave": {"category": {"index": {"2016": 0, "2017": "1"}}}},
        ),
        [("dataset.json", None, "dimension.wave.category.index", '{"2016": 0, "2017": "1"}',
          "2 category codes: an array, or an object of positions 0 to 1")],
    ),
    (
        "JSON-stat nested too deeply",
        "dataset.json",
        lambda: b"[" * 100_000 + b"]" * 100_000,
        [("dataset.json", 1, None, None,
          "JSON (depth limit exceeded, at character 1026 of the line)")],
    ),
    (
        "JSON-stat category code with a lone surrogate",
        "dataset.json",
        lambda: SURROGATE,
        [("dataset.json", 1, None, None,
          f"JSON (no low surrogate in string, at character {SURROGATE_AT} of the line)")],
    ),
    (
        "JSON-stat not in UTF-8",
        "dataset.json",
        lambda: dataset(label="Kommuneundersøkelsen")
        .replace(b", ", b",\n")
        .replace(b"\\u00f8", "ø".encode("latin-1")),
        [("dataset.json", 16, None, None, "JSON in UTF-8")],
    ),
    (
        "JSON-stat value of 5,000 digits",
        "dataset.json",
        lambda: LONG_NUMBER,
        [("dataset.json", 1, None, None, "JSON (number is infinity when parsed as double, "
          f"at character {LONG_NUMBER_AT} of the line)")],
    ),
    (
        "JSON-stat extension as a list",
        "dataset.json",
        lambda: dataset(extension=["pr17"]),
        [("dataset.json", None, "extension", '["pr17"]', "an object")],
    ),
    (
        "JSON-stat that is no object",
        "dataset.json",
        lambda: b'["dataset"]',
        [("dataset.json", None, None, '["dataset"]',
          'a JSON-stat 2.0 dataset (an object, "class": "dataset")')],
    ),
    (
        "JSON-stat cell index in other digits",
        "dataset.json",
        lambda: dataset(value={"\u0660": 76}),
        [("dataset.json", None, "value", '"\u0660"', "cell indexes from 0 to 0")],
    ),
]  # fmt: skip


@pytest.fixture(scope="module")
def seeded_url(databases):
    url = databases.new()
    assert main(["seed", "--database-url", url]) == 0
    return url


@asynccontextmanager
async def importer(url: str, **limits: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app that takes imports with TOKEN, within `limits` (settings)."""
    settings = Settings(
        database_url=url,
        import_token_hashes=hashlib.sha256(TOKEN.encode()).hexdigest(),
        max_upload_bytes=10_000_000,
        **limits,
        **NO_RATE_LIMITS,
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers=headers
    ) as client:
        yield client
    app.state.engine.dispose()


async def send(url: str, name: str, content: bytes, **limits: Any) -> httpx.Response:
    media_type = MEDIA_TYPES[name.rsplit(".", 1)[-1]]
    async with importer(url, **limits) as client:
        return await client.post(
            "/api/v1/imports?dry_run=true", content=content, headers={"Content-Type": media_type}
        )


def place(file: str, line: int | None, column: str | None) -> str:
    return (
        file + (f":{line}" if line is not None else "") + (f": column {column}" if column else "")
    )


def printed(issue: Issue) -> str:
    """An issue as the command prints it."""
    file, line, column, found, expected = issue
    shown = f"found {found!r}, " if found is not None else ""
    return f"{place(file, line, column)}: {shown}expected {expected}"


def reported(response: httpx.Response) -> list[tuple[object, ...]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/import-rejected"
    errors = response.json()["report"]["errors"]
    return [(e["file"], e["line"], e["column"], e["found"], e["expected"]) for e in errors]


@pytest.mark.parametrize(
    ("name", "make", "issues"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
async def test_api_reports_malformed_input(seeded_url, name, make, issues):
    before = database_digest(seeded_url)
    assert reported(await send(seeded_url, name, make())) == issues
    assert database_digest(seeded_url) == before


@pytest.mark.parametrize(
    ("name", "make", "issues"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_command_reports_malformed_input(seeded_url, tmp_path, capsys, name, make, issues):
    path = tmp_path / name
    path.write_bytes(make())
    assert main(["import", str(path), "--dry-run", "--database-url", seeded_url]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines == [printed(issue) for issue in issues] + [
        f"{len(issues)} error{'' if len(issues) == 1 else 's'}; nothing was written."
    ]


async def test_lines_and_files_at_their_limits_are_read(seeded_url, tmp_path, capsys):
    longest = shares(long_note(65_536))
    assert (await send(seeded_url, "shares.csv", longest)).status_code == 200
    fifty = zipped({"shares.csv": SHARES} | {f".hidden-{i}": b"" for i in range(49)})
    assert (await send(seeded_url, "upload.zip", fifty)).status_code == 200
    path = tmp_path / "fifty.zip"
    path.write_bytes(fifty)
    assert main(["import", str(path), "--dry-run", "--database-url", seeded_url]) == 0
    assert capsys.readouterr().out.startswith("Dry run, nothing written.")


async def test_json_stat_after_a_byte_order_mark_is_read(seeded_url):
    response = await send(seeded_url, "dataset.json", codecs.BOM_UTF8 + dataset())
    assert response.status_code == 200, response.text
    assert response.json()["unchanged"] == 1


async def test_unpacked_bytes_at_the_limit_are_read(seeded_url):
    package = zipped({"shares.csv": SHARES})
    ok = await send(seeded_url, "upload.zip", package, import_max_unpacked_bytes=len(SHARES))
    assert ok.status_code == 200
    over = await send(seeded_url, "upload.zip", package, import_max_unpacked_bytes=len(SHARES) - 1)
    assert reported(over) == [
        (
            "upload.zip",
            None,
            None,
            f"{len(SHARES)} bytes",
            f"at most {len(SHARES) - 1} bytes in all, unpacked",
        )
    ]


@pytest.mark.parametrize(
    "variable",
    ["IMPORT_MAX_UNPACKED_BYTES", "IMPORT_MAX_FILES", "IMPORT_MAX_ROWS", "IMPORT_MAX_LINE_BYTES"],
)
def test_a_limit_of_zero_stops_start_up(variable):
    with pytest.raises(ValueError) as raised:
        Settings.from_environ({f"KOMMUNEDIGI_{variable}": "0"})
    assert str(raised.value) == f"KOMMUNEDIGI_{variable} must be at least 1"


async def test_rows_are_counted_across_files(seeded_url, tmp_path, capsys, monkeypatch):
    package = zipped({
        "shares.csv": shares(ROW_2015, OTHER_2015),
        "more.json": dataset(),
    })  # fmt: skip
    assert (await send(seeded_url, "upload.zip", package, import_max_rows=3)).status_code == 200
    assert reported(await send(seeded_url, "upload.zip", package, import_max_rows=2)) == [
        (
            "more.json",
            None,
            "size",
            "[1, 1, 1, 1]",
            "at most 2 cells (CSV rows and JSON-stat cells)",
        )
    ]
    assert reported(await send(seeded_url, "upload.zip", package, import_max_rows=1)) == [
        ("shares.csv", 3, None, None, "at most 1 row (CSV rows and JSON-stat cells)")
    ]
    path = tmp_path / "upload.zip"
    path.write_bytes(package)
    monkeypatch.setenv("KOMMUNEDIGI_IMPORT_MAX_ROWS", "1")
    assert main(["import", str(path), "--dry-run", "--database-url", seeded_url]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "shares.csv:3: expected at most 1 row (CSV rows and JSON-stat cells)",
        "1 error; nothing was written.",
    ]


def test_command_counts_bytes_of_a_file_larger_than_stated(
    seeded_url, tmp_path, capsys, monkeypatch
):
    """A pipe states no size; reading stops at the limit however much it would give."""
    folder = tmp_path / "package"
    folder.mkdir()
    os.mkfifo(folder / "shares.csv")

    def write() -> None:
        try:
            with open(folder / "shares.csv", "wb") as pipe:
                pipe.write(SHARES + ROW.encode() * 100_000)
        except BrokenPipeError:
            pass  # the reader stopped at the limit

    writer = threading.Thread(target=write, daemon=True)  # never holds up the run
    writer.start()
    monkeypatch.setenv("KOMMUNEDIGI_IMPORT_MAX_UNPACKED_BYTES", "100000")
    try:
        code = main(["import", str(folder), "--dry-run", "--database-url", seeded_url])
    finally:
        writer.join(timeout=10)
    assert code == 1
    assert capsys.readouterr().err.splitlines() == [
        "shares.csv: expected at most 100,000 bytes in all, unpacked",
        "1 error; nothing was written.",
    ]


async def test_one_top_folder_and_hidden_files_are_read_as_the_package(
    seeded_url, tmp_path, capsys
):
    package = zipped({
        "package/shares.csv": CORRECTED,
        "package/.DS_Store": b"\0",
        "__MACOSX/package/._shares.csv": b"\0",
    })  # fmt: skip
    response = await send(seeded_url, "upload.zip", package)
    assert response.status_code == 200
    assert response.json()["changes"][0]["new"] == {"value": 77, "status": "published"}
    path = tmp_path / "package.zip"
    path.write_bytes(package)
    assert main(["import", str(path), "--dry-run", "--database-url", seeded_url]) == 0
    assert "-> 77.0 (published)" in capsys.readouterr().out


def test_command_reads_a_folder_by_the_same_rule(seeded_url, tmp_path, capsys):
    folder = tmp_path / "package"
    (folder / "old").mkdir(parents=True)
    (folder / "shares.csv").write_bytes(SHARES)
    (folder / "old" / "shares.csv").write_bytes(SHARES)
    assert main(["import", str(folder), "--dry-run", "--database-url", seeded_url]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"package: found '(top), old/', expected {FOLDERS_RULE}",
        "shares.csv: found 'old/shares.csv, shares.csv', expected one file named shares.csv",
        "2 errors; nothing was written.",
    ]


async def send_form(url: str, files: list[tuple[str, tuple[str, bytes, str]]]) -> httpx.Response:
    async with importer(url) as client:
        return await client.post("/api/v1/imports?dry_run=true", files=files)


async def test_form_files_of_one_name_are_reported_not_dropped(seeded_url):
    response = await send_form(seeded_url, [
        ("file", ("shares.csv", SHARES, "text/csv")),
        ("file", ("package.zip", zipped({"shares.csv": CORRECTED}), "application/zip")),
    ])  # fmt: skip
    assert reported(response) == [
        ("shares.csv", None, None, "shares.csv, shares.csv", "one file named shares.csv")
    ]


async def test_form_files_of_one_field_are_all_read(seeded_url):
    response = await send_form(seeded_url, [
        ("file", ("shares.csv", CORRECTED, "text/csv")),
        ("file", ("topics.csv", b"code,label_nb,label_en\n", "text/csv")),
    ])  # fmt: skip
    assert (response.status_code, response.json()["changed"]) == (200, 1)


async def test_row_errors_are_reported_beside_file_errors(seeded_url, tmp_path, capsys):
    package = zipped({"shares.csv": shares(ROW.replace(",76,", ",120,")), "answers.csv": b"x\n"})
    expected = [
        ("answers.csv", None, None, None,
         "one of the files indicators.csv, options.csv, published_totals.csv, questions.csv, "
         "segments.csv, shares.csv, sources.csv, surveys.csv, topics.csv, waves.csv, "
         "or JSON-stat (.json)"),
        ("shares.csv", 2, "value", "120", "a percentage from 0 to 100"),
    ]  # fmt: skip
    assert reported(await send(seeded_url, "upload.zip", package)) == expected
    path = tmp_path / "upload.zip"
    path.write_bytes(package)
    assert main(["import", str(path), "--dry-run", "--database-url", seeded_url]) == 1
    assert capsys.readouterr().err.splitlines()[:-1] == [printed(issue) for issue in expected]


# A real server, for what only the process shows: its memory, and its event loop.
PEAK_RSS_LIMIT = 300 * 1024 * 1024


@contextmanager
def serving(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """`kommunedigi serve` on a new SQLite file, taking imports with TOKEN: (URL, pid)."""
    port = free_port()
    environment = {
        **os.environ,
        "KOMMUNEDIGI_IMPORT_TOKEN_HASHES": hashlib.sha256(TOKEN.encode()).hexdigest(),
        "KOMMUNEDIGI_RATE_LIMIT_API": "",
        "KOMMUNEDIGI_RATE_LIMIT_HARVEST": "",
    }
    command = [sys.executable, "-m", "api", "serve", "--port", str(port), "--workers", "1",
               "--database-url", f"sqlite:///{tmp_path / 'served.sqlite3'}"]  # fmt: skip
    with open(tmp_path / "server.log", "wb") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, server, (tmp_path / "server.log").read_text)
        # With one worker uvicorn serves in the process it was started in: no child.
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text()
        assert children.split() == []
        yield url, server.pid
    finally:
        server.terminate()
        server.wait(timeout=20)


def peak_rss(pid: int) -> int:
    """The process's peak resident memory in bytes since start or the last reset."""
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def reset_peak_rss(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # proc(5): resets VmHWM to VmRSS


def post(url: str, **request: Any) -> httpx.Response:
    return httpx.post(
        f"{url}/api/v1/imports?dry_run=true",
        headers={"Authorization": f"Bearer {TOKEN}", **request.pop("headers", {})},
        timeout=300,
        **request,
    )


def test_server_refuses_bombs_without_spending_memory(tmp_path):
    zip_body = {"headers": {"Content-Type": "application/zip"}}
    bombs: list[tuple[str, dict[str, Any]]] = [
        ("zip bomb", {"content": bomb(1 << 30), **zip_body}),
        ("zip bomb in a form", {"files": {"file": ("upload.zip", bomb(1 << 30))}}),
        ("understated zip", {"content": understated(1 << 30, stated=100), **zip_body}),
        ("80^4 cells", {"content": dataset(size=[80] * 4, value=76, status="published"),
                        "headers": {"Content-Type": "application/json"}}),
    ]  # fmt: skip
    with serving(tmp_path) as (url, pid):
        for what, request in bombs:
            reset_peak_rss(pid)
            response = post(url, **request)
            assert (what, response.status_code) == (what, 422)
            assert peak_rss(pid) < PEAK_RSS_LIMIT, what


def test_reads_are_answered_while_a_large_package_is_read(tmp_path):
    """A legitimate dry run of 200,100 figures does not hold up a reader."""
    options, segments = 1334, 50
    package = zipped({
        "questions.csv": b"survey,code,topic,kind,text_nb,text_en\n"
                         b"kommuneundersokelsen,big-q,priority,multiple_choice,Stort,Big\n",
        "options.csv": b"question,code,label_nb,label_en\n"
                       + b"".join(b"big-q,o%d,Valg %d,Option %d\n" % (i, i, i)
                                  for i in range(options)),
        "segments.csv": b"code,dimension,label_nb,label_en\n"
                        + b"".join(b"test:%d,test,Gruppe %d,Group %d\n" % (i, i, i)
                                   for i in range(segments)),
        "shares.csv": b"survey,wave,question,option,segment,value,status,source\n"
                      + b"".join(b"kommuneundersokelsen,%d,big-q,o%d,test:%d,%d,published,pr17\n"
                                 % (wave, i, s, (i + s) % 100)
                                 for wave in (2015, 2016, 2017)
                                 for i in range(options) for s in range(segments)),
    })  # fmt: skip
    waits: list[float] = []
    answers: list[int] = []
    done = threading.Event()

    def read_meanwhile(url: str) -> None:
        with httpx.Client(timeout=60) as reader:
            while not done.is_set():
                started = time.perf_counter()
                answers.append(reader.get(f"{url}/api/v1/surveys").status_code)
                waits.append(time.perf_counter() - started)
                time.sleep(0.02)

    with serving(tmp_path) as (url, _):
        reading = threading.Thread(target=read_meanwhile, args=(url,))
        reading.start()
        try:
            response = post(url, content=package, headers={"Content-Type": "application/zip"})
        finally:
            done.set()
            reading.join()
    assert response.status_code == 200
    assert response.json()["added"] == 200_100
    assert len(answers) >= 10 and set(answers) == {200}
    assert max(waits) < 0.5
