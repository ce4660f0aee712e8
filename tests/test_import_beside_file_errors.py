"""A package with a file that cannot be read still has the rows of its other files checked,
and reported with file, line and column; a code that the unread file may define is not
called unknown on every row that uses it: one warning per file and column says that it
was not checked, and why. The same from `kommunedigi import` and POST /api/v1/imports."""

import json

import pytest

from api.cli import main
from tests.conftest import database_digest
from tests.test_import_limits import importer

pytestmark = pytest.mark.anyio

HEADER = "survey,wave,question,option,segment,value,status,source"
ROW_2015 = "kommuneundersokelsen,2015,action-plan,yes,all,68,published,pr17"
MAYBE_2015 = "kommuneundersokelsen,2015,action-plan,maybe,all,10,published,pr17"
MAYBE_2017 = "kommuneundersokelsen,2017,action-plan,maybe,all,12,published,pr17"
NO_SOURCE = "kommuneundersokelsen,2017,action-plan,yes,all,76,published,nosuch"
# options.csv without its label_en column: none of its rows can be read
OPTIONS = "question,code,label_nb\naction-plan,maybe,Kanskje\n"
QUESTIONS = "survey,code,topic,kind,text_nb\nkommuneundersokelsen,new-question,plans,scale,Ny\n"
PERCENTAGE = "a percentage from 0 to 100"
ONE_OF_THE_FILES = (
    "one of the files indicators.csv, options.csv, published_totals.csv, questions.csv, "
    "segments.csv, shares.csv, sources.csv, surveys.csv, topics.csv, waves.csv, or JSON-stat "
    "(.json)"
)


def shares(*rows: str) -> str:
    return "\n".join([HEADER, *rows, ""])


def dataset(question: str, value: int) -> str:
    """A JSON-stat dataset of one cell: `question`, option yes, 2017, all."""
    codes = {"wave": "2017", "question": question, "option": "yes", "segment": "all"}
    return json.dumps({
        "class": "dataset",
        "id": list(codes),
        "size": [1, 1, 1, 1],
        "dimension": {id_: {"category": {"index": [code]}} for id_, code in codes.items()},
        "value": [value],
        "extension": {"source": "pr17"},
    })  # fmt: skip


# (what, the package's files, every issue in the order reported: (severity, file, line,
# column, found, expected))
Issue = tuple[str, str, int | None, str | None, str | None, str]
CASES: list[tuple[str, dict[str, str], list[Issue]]] = [
    (
        "options.csv without a column, shares.csv using an option it defines",
        {
            "options.csv": OPTIONS,
            "shares.csv": shares(ROW_2015.replace(",68,", ",120,"), MAYBE_2015, MAYBE_2017,
                                 NO_SOURCE),
        },
        [
            ("error", "options.csv", 1, "label_en", None, "a column named label_en"),
            ("error", "shares.csv", 2, "value", "120", PERCENTAGE),
            ("error", "shares.csv", 5, "source", "nosuch",
             "a source known to the database or this package"),
            ("warning", "shares.csv", 3, "option", "maybe",
             "an option of question action-plan; not checked in this row and 1 more, as "
             "options.csv could not be read whole"),
        ],
    ),
    (
        "options.csv with a row of too few cells, its other rows read",
        {
            "options.csv": "question,code,label_nb,label_en\naction-plan,maybe,Kanskje\n"
                           "action-plan,perhaps,Kanskje,Perhaps\n",
            "shares.csv": shares(MAYBE_2015, MAYBE_2017.replace(",maybe,", ",perhaps,"),
                                 MAYBE_2017.replace(",12,", ",-1,")),
        },
        [
            ("error", "options.csv", 2, None, None, "4 cells"),
            ("error", "shares.csv", 4, "value", "-1", PERCENTAGE),
            ("warning", "shares.csv", 2, "option", "maybe",
             "an option of question action-plan; not checked in this row and 1 more, as "
             "options.csv could not be read whole"),
        ],
    ),
    (
        "options.csv misnamed: a file of another name may be any of the package's",
        {
            "option.csv": "question,code,label_nb,label_en\naction-plan,maybe,Kanskje,Maybe\n",
            "shares.csv": shares(MAYBE_2015.replace(",10,", ",120,")),
        },
        [
            ("error", "option.csv", None, None, None, ONE_OF_THE_FILES),
            ("error", "shares.csv", 2, "value", "120", PERCENTAGE),
            ("warning", "shares.csv", 2, "option", "maybe",
             "an option of question action-plan; not checked, as not every file of the "
             "package could be read"),
        ],
    ),
    (
        "JSON-stat cells of a question in an unreadable questions.csv",
        {"questions.csv": QUESTIONS, "dataset.json": dataset("new-question", 120)},
        [
            ("error", "questions.csv", 1, "text_en", None, "a column named text_en"),
            ("error", "dataset.json", 0, "value", "120", PERCENTAGE),
            ("warning", "dataset.json", 0, "question", "new-question",
             "a question known to the database or this package; not checked, as "
             "questions.csv could not be read whole"),
        ],
    ),
]  # fmt: skip
IDS = [case[0] for case in CASES]


@pytest.fixture(scope="module")
def seeded_url(databases):
    url = databases.new()
    assert main(["seed", "--database-url", url]) == 0
    return url


def printed(issue: Issue) -> str:
    """An issue as the command prints it."""
    severity, file, line, column, found, expected = issue
    place = file + (f":{line}" if line is not None else "") + (f": column {column}" * bool(column))
    kind = "warning: " if severity == "warning" else ""
    shown = f"found {found!r}, " if found is not None else ""
    return f"{place}: {kind}{shown}expected {expected}"


def listed(report: dict[str, list[dict[str, object]]]) -> list[tuple[object, ...]]:
    issues = report["errors"] + report["warnings"]
    keys = ("severity", "file", "line", "column", "found", "expected")
    return [tuple(issue[key] for key in keys) for issue in issues]


@pytest.mark.parametrize(("files", "issues"), [case[1:] for case in CASES], ids=IDS)
def test_command_reports_rows_beside_an_unreadable_file(
    seeded_url, tmp_path, capsys, files, issues
):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    before = database_digest(seeded_url)
    assert main(["import", str(tmp_path), "--database-url", seeded_url]) == 1
    errors = sum(issue[0] == "error" for issue in issues)
    assert capsys.readouterr().err.splitlines() == [printed(issue) for issue in issues] + [
        f"{errors} error{'' if errors == 1 else 's'}; nothing was written."
    ]
    assert database_digest(seeded_url) == before


@pytest.mark.parametrize(("files", "issues"), [case[1:] for case in CASES], ids=IDS)
async def test_api_reports_rows_beside_an_unreadable_file(seeded_url, files, issues):
    upload = [("file", (name, text.encode(), "text/csv")) for name, text in files.items()]
    before = database_digest(seeded_url)
    async with importer(seeded_url) as client:
        response = await client.post("/api/v1/imports", files=upload)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = sum(issue[0] == "error" for issue in issues)
    assert response.json()["detail"] == (
        f"{errors} problem{'' if errors == 1 else 's'} in the package; nothing was written."
    )
    assert listed(response.json()["report"]) == issues
    assert database_digest(seeded_url) == before


async def test_a_zip_that_cannot_be_read_leaves_every_reference_unchecked(seeded_url):
    """It may hold any file: no code is called unknown, and every other check is made."""
    upload = [
        ("file", ("shares.csv", shares(MAYBE_2015.replace(",10,", ",120,")).encode(), "text/csv")),
        ("file", ("more.zip", b"not a zip", "application/zip")),
    ]
    async with importer(seeded_url) as client:
        response = await client.post("/api/v1/imports?dry_run=true", files=upload)
    assert response.status_code == 422, response.text
    assert listed(response.json()["report"]) == [
        ("error", "more.zip", None, None, None, "a .zip archive (File is not a zip file)"),
        ("error", "shares.csv", 2, "value", "120", PERCENTAGE),
        ("warning", "shares.csv", 2, "option", "maybe",
         "an option of question action-plan; not checked, as not every file of the package "
         "could be read"),
    ]  # fmt: skip
