"""A question's table as XLSX, PX, HTML and json-px, through HTTP, read by their own readers.

Each format is read back by a reader that knows nothing of our writers (openpyxl; for PX
tests/px_reader.py, written from the format's specification, and pyaxis; html5lib and
the standard library's HTML parser; JSON) and compared cell by cell with the JSON-stat
the same route serves: every number equal, and every cell's status the same, `no_source`
included.
"""

from __future__ import annotations

import csv
import io
import shutil
from html.parser import HTMLParser
from typing import Any

import openpyxl
import pandas
import pytest
from pyaxis import pyaxis

from api.cli import main
from seed.loader import DATA
from seed.synthetic import Sizes
from tests import px_reader
from tests.conftest import ROOT, generate_into
from tests.datafile_helpers import cells, client_for
from tests.html_helpers import checked

pytestmark = pytest.mark.anyio

URL = "/api/v1/questions/{}/data"
with (ROOT / "seed" / "data" / "questions.csv").open(encoding="utf-8", newline="") as handle:
    QUESTIONS = [row["code"] for row in csv.DictReader(handle)]

Cell = tuple[float | None, str | None]  # value, status (None: no combination)
Cells = dict[tuple[str, str, str], Cell]  # by wave, option and segment code


async def jsonstat(
    client: Any, code: str, lang: str, **params: str
) -> tuple[dict[str, Any], Cells]:
    """The route's JSON-stat, and its cells with the status each has (published when a
    cell has a value and no status)."""
    response = await client.get(URL.format(code), params={"lang": lang, **params})
    assert response.status_code == 200, response.text
    dataset = response.json()
    found: Cells = {}
    for (wave, _, option, segment), at in cells(dataset).items():
        value = dataset["value"][at]
        status = dataset["status"].get(str(at), "published" if value is not None else None)
        found[(wave, option, segment)] = (value, status)
    return dataset, found


async def fetch(client: Any, code: str, output_format: str, lang: str, **params: str) -> Any:
    params = {"outputFormat": output_format, "lang": lang, **params}
    response = await client.get(URL.format(code), params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-language"] == lang
    return response


def labels(dataset: dict[str, Any], dimension: str) -> list[str]:
    category = dataset["dimension"][dimension]["category"]
    return [category["label"][code] for code in category["index"]]


# PX ------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", QUESTIONS)
@pytest.mark.parametrize("lang", ["nb", "en"])
async def test_px_reads_back_to_the_jsonstat_cells(client, code, lang):
    dataset, expected = await jsonstat(client, code, lang)
    response = await fetch(client, code, "px", lang)
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="{code}.px"'
    px = px_reader.read(response.content)

    mandatory = ["CONTENTS", "DATA", "DECIMALS", "MATRIX", "SUBJECT-AREA", "SUBJECT-CODE",
                 "TITLE", "UNITS", "VALUES", "CODES", "LANGUAGE", "CREATION-DATE"]  # fmt: skip
    assert set(mandatory) - {"DATA"} <= set(px.order)
    assert px.order[:3] == ["CHARSET", "AXIS-VERSION", "CODEPAGE"]
    assert px.one("LANGUAGE") == {"nb": "no", "en": "en"}[lang]
    assert px.one("MATRIX") == code
    assert px.one("CONTENTS") == dataset["label"]
    assert px.one("SOURCE") == dataset["source"]
    stub, heading = px.get("STUB"), px.get("HEADING")
    assert heading == [dataset["dimension"]["wave"]["label"]]
    assert stub == [dataset["dimension"][name]["label"] for name in ("option", "segment")]
    assert px.get("VALUES", stub[0]) == labels(dataset, "option")
    assert px.get("VALUES", heading[0]) == labels(dataset, "wave")
    timeval = px.get("TIMEVAL", heading[0])
    assert timeval == ["TLIST(A1)", *dataset["dimension"]["wave"]["category"]["index"]]

    found = {
        (wave, option, segment): cell
        for (option, segment, wave), cell in px.cells().items()
    }  # fmt: skip
    assert found.keys() == expected.keys()
    marked = {keys: status for keys, (status,) in px.find("DATANOTECELL").items()}
    for key, (value, status) in expected.items():
        option, segment, wave = key[1], key[2], key[0]
        if value is None:
            assert found[key] == (status or "no-combination"), key  # its DATASYMBOL's text
        else:
            assert found[key] == value, key
            assert marked.get((option, segment, wave), "published") == status, key
    decimals = int(px.one("DECIMALS"))
    assert all(round(v, decimals) == v for v in found.values() if isinstance(v, float))


@pytest.mark.parametrize("code", QUESTIONS)
@pytest.mark.parametrize(("lang", "px_lang"), [("nb", "no"), ("en", "en")])
async def test_pyaxis_reads_the_px_numbers_in_either_language(
    client, tmp_path, code, lang, px_lang
):
    """pyaxis, a PX reader of its own, finds the JSON-stat's numbers under its labels, in
    the file's other language too (the file is fetched in one, read in the other)."""
    dataset, expected = await jsonstat(client, code, lang)
    path = tmp_path / f"{code}.px"
    path.write_bytes((await fetch(client, code, "px", "en" if lang == "nb" else "nb")).content)
    frame = pyaxis.parse(str(path), encoding="utf-8", lang=px_lang)["DATA"]
    names = [dataset["dimension"][n]["label"] for n in ("option", "segment", "wave")]
    codes = {
        name: dict(
            zip(labels(dataset, name), dataset["dimension"][name]["category"]["index"], strict=True)
        )
        for name in ("option", "segment", "wave")
    }
    found = {}
    for option, segment, wave, value in frame[[*names, "DATA"]].itertuples(index=False):
        key = (codes["wave"][wave], codes["option"][option], codes["segment"][segment])
        number = pandas.to_numeric(value, errors="coerce")
        found[key] = None if pandas.isna(number) else float(number)
    assert found == {key: value for key, (value, _) in expected.items()}


async def test_px_has_the_other_language_too(client):
    english, _ = await jsonstat(client, "expected-effects", "en")
    px = px_reader.read((await fetch(client, "expected-effects", "px", "nb")).content)
    assert px.get("LANGUAGES") == ["no", "en"]
    assert px.one("CONTENTS", lang="en") == english["label"]
    heading = px.get("HEADING", lang="en")
    assert heading == [english["dimension"]["wave"]["label"]]
    option = px.get("STUB", lang="en")[0]
    assert px.get("VALUES", option, lang="en") == labels(english, "option")
    assert px.cells(lang="en") == px.cells()  # one DATA, read in either language


async def test_px_marks_an_approximate_value_and_keeps_a_cells_note(client):
    dataset, expected = await jsonstat(client, "service-area-planning", "nb")
    assert expected[("2015", "all-digital", "all")] == (10.0, "approximate")
    px = px_reader.read((await fetch(client, "service-area-planning", "px", "nb")).content)
    assert px.get("DATANOTECELL", "all-digital", "all", "2015") == ["approximate"]
    option = labels(dataset, "option")[0]
    segment = labels(dataset, "segment")[0]
    assert px.get("CELLNOTE", option, segment, "2015") == ["Kilden sier «nær 10 prosent»."]


async def test_px_notes_the_licence_when_one_is_set(database_url):
    licence = "https://example.org/licence"
    async with client_for(database_url, licence=licence) as client:
        px = px_reader.read((await fetch(client, "expected-effects", "px", "en")).content)
    assert px.one("NOTE").endswith(f"#Licence: {licence}")


# XLSX ----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", QUESTIONS)
async def test_xlsx_reads_back_to_the_jsonstat_cells(client, code):
    dataset, expected = await jsonstat(client, code, "en")
    response = await fetch(client, code, "xlsx", "en")
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["content-disposition"] == f'attachment; filename="{code}.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    table, about = book.worksheets
    rows = list(table.iter_rows(values_only=True))
    assert str(rows[0][0]).startswith(dataset["label"])
    header = rows[1]
    assert header[:7] == ("Wave", "Answer option (code)", "Answer option", "Segment (code)",
                          "Segment", "Share (percent)", "Status")  # fmt: skip
    found = {}
    for wave, option, option_label, segment, segment_label, value, status, *_ in rows[2:]:
        assert isinstance(wave, int)
        assert value is None or isinstance(value, int | float)  # a number, not text
        found[(str(wave), option, segment)] = (value, status)
        assert option_label == dataset["dimension"]["option"]["category"]["label"][option]
        assert segment_label == dataset["dimension"]["segment"]["category"]["label"][segment]
    assert found == expected
    facts = {row[0]: row[1] for row in about.iter_rows(values_only=True)}
    assert facts["Source"] == dataset["source"]
    assert facts["Updated"] == dataset["updated"]


async def test_xlsx_states_the_licence_and_is_the_same_bytes_each_time(database_url):
    licence = "https://example.org/licence"
    async with client_for(database_url, licence=licence) as client:
        first = (await fetch(client, "priority", "xlsx", "nb")).content
        second = (await fetch(client, "priority", "xlsx", "nb")).content
    assert first == second  # the workbook's dates are the release's
    about = openpyxl.load_workbook(io.BytesIO(first)).worksheets[1]
    licences = [row for row in about.iter_rows() if row[0].value == "Lisens"]
    links = [(row[1].value, getattr(row[1].hyperlink, "target", None)) for row in licences]
    assert links == [(licence, licence)]


# HTML ----------------------------------------------------------------------------------


class _Table(HTMLParser):
    """The cells of the page's table: header cells with their scope, data cells with
    their status and the number of their <data> element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.html_lang: str | None = None
        self.caption = ""
        self.rows: list[list[dict[str, Any]]] = []
        self._cell: dict[str, Any] | None = None
        self._in_caption = False
        self._in_link = False
        self.notes: dict[str, str] = {}  # a list item's id → its text
        self._note: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.html_lang = found.get("lang")
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = {"tag": tag, "text": "", **found}
            self.rows[-1].append(self._cell)
        elif tag == "data" and self._cell is not None:
            self._cell["number"] = float(found["value"] or "nan")
        elif tag == "a" and self._cell is not None:
            self._in_link = True
            self._cell["note"] = (found["href"] or "").removeprefix("#")
        elif tag == "li":
            self._note = found["id"]
            self.notes[self._note or ""] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False
        elif tag in ("th", "td"):
            self._cell = None
        elif tag == "a":
            self._in_link = False
        elif tag == "li":
            self._note = None

    def handle_data(self, data: str) -> None:
        if self._in_caption:
            self.caption += data
        elif self._note is not None:
            self.notes[self._note] += data
        elif self._cell is not None and not self._in_link:
            self._cell["text"] += data


@pytest.mark.parametrize("code", QUESTIONS)
@pytest.mark.parametrize("lang", ["nb", "en"])
async def test_html_is_an_accessible_table_of_the_jsonstat_cells(client, code, lang):
    dataset, expected = await jsonstat(client, code, lang)
    response = await fetch(client, code, "html", lang)
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    policy = response.headers["content-security-policy"]
    assert policy == "default-src 'none'; frame-ancestors 'none'"
    checked(response.text)  # html5lib in strict mode, and every element closed
    table = _Table()
    table.feed(response.text)
    assert table.html_lang == lang
    assert table.caption.startswith(dataset["label"])
    head, *body = table.rows
    assert all(cell["tag"] == "th" and cell["scope"] == "col" for cell in head)
    waves = [cell["text"] for cell in head[2:]]
    assert waves == dataset["dimension"]["wave"]["category"]["index"]
    options, segments = (dataset["dimension"][n]["category"] for n in ("option", "segment"))
    by_label = {
        (options["label"][o], segments["label"][s]): (o, s)
        for o in options["index"]
        for s in segments["index"]
    }
    found, notes = {}, {}
    for row in body:
        option_cell, segment_cell, *values = row
        assert [option_cell["scope"], segment_cell["scope"]] == ["row", "row"]
        option, segment = by_label[(option_cell["text"], segment_cell["text"])]
        for wave, cell in zip(waves, values, strict=True):
            assert cell["tag"] == "td"
            found[(wave, option, segment)] = (cell.get("number"), cell["data-status"])
            if "note" in cell:
                notes[(wave, option, segment)] = table.notes[cell["note"]]
    assert found == expected
    index = cells(dataset)
    assert notes == {
        (wave, option, segment): dataset["extension"]["note"][str(at)]
        for (wave, _, option, segment), at in index.items()
        if str(at) in dataset["extension"]["note"]
    }


async def test_html_says_why_a_value_is_missing_in_words(client):
    page = (await fetch(client, "priority", "html", "en")).text
    table = _Table()
    table.feed(page)
    statuses = {cell["data-status"]: cell["text"].strip() for row in table.rows for cell in row
                if cell["tag"] == "td"}  # fmt: skip
    assert statuses["qualitative"] == "described in words only"


# json-px -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", QUESTIONS)
async def test_json_px_holds_the_jsonstat_cells(client, code):
    dataset, expected = await jsonstat(client, code, "nb")
    response = await fetch(client, code, "json-px", "nb")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"] == f'attachment; filename="{code}.px.json"'
    table = response.json()
    assert [(c["code"], c["type"]) for c in table["columns"]] == [
        ("wave", "t"), ("option", "d"), ("segment", "d"), (code, "c"),
    ]  # fmt: skip
    assert table["columns"][3]["unit"] == "prosent"
    assert table["columns"][3]["comment"] == " ".join(dataset["note"])
    (metadata,) = table["metadata"]
    assert metadata["updated"] == dataset["updated"][:19] + "Z"  # PxWeb's form: to the second
    assert (metadata["label"].startswith(dataset["label"]), metadata["source"]) == (
        True,
        dataset["source"],
    )
    found = {}
    for row in table["data"]:
        (value,) = row["values"]
        (status,) = row.get("comments", ["published"])
        number = float(value) if status in ("published", "approximate", "derived") else None
        if number is None:
            assert value == status  # the PX file's symbol text for it: its status
        found[tuple(row["key"])] = (number, status)
    assert found == expected


# The route ------------------------------------------------------------------------------


async def test_a_selection_narrows_every_format(client):
    params = {"valueCodes[wave]": "2015", "valueCodes[option]": "top(2)"}
    _, expected = await jsonstat(client, "expected-effects", "nb", **params)
    px = px_reader.read((await fetch(client, "expected-effects", "px", "nb", **params)).content)
    found = {(w, o, s): cell for (o, s, w), cell in px.cells().items()}
    assert sorted(found) == sorted(expected)
    book = (await fetch(client, "expected-effects", "xlsx", "nb", **params)).content
    rows = list(openpyxl.load_workbook(io.BytesIO(book)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2 + len(expected)


@pytest.mark.parametrize("name", ["xlsx", "px", "html", "json-px", "jsonpx"])
async def test_the_formats_are_named_by_format_too(client, name):
    response = await client.get(URL.format("priority"), params={"format": name})
    assert response.status_code == 200


async def test_a_workbook_is_asked_for_by_its_media_type(client):
    accept = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = await client.get(URL.format("priority"), headers={"Accept": accept})
    assert response.headers["content-type"] == accept
    assert openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]["A1"].value


# Texts that are markup, PX syntax or a formula stay text ----------------------------------

HOSTILE = '=HYPERLINK("http://attacker.example/");<b>Yes</b> & "no" </table>'


async def test_texts_stay_text_in_every_format(fresh_database_url, tmp_path):
    package = tmp_path / "package"
    shutil.copytree(DATA, package)
    options = (package / "options.csv").read_text(encoding="utf-8")
    quoted = '"' + HOSTILE.replace('"', '""') + '"'
    options = options.replace('"Yes, mentioned in the action plan"', quoted, 1)
    (package / "options.csv").write_text(options, encoding="utf-8")
    assert main(["import", str(package), "--database-url", fresh_database_url]) == 0
    async with client_for(fresh_database_url) as client:
        page = (await fetch(client, "action-plan", "html", "en")).text
        book = (await fetch(client, "action-plan", "xlsx", "en")).content
        px = px_reader.read((await fetch(client, "action-plan", "px", "en")).content)

    checked(page)
    table = _Table()
    table.feed(page)
    assert [row[0]["text"] for row in table.rows[1:]] == [HOSTILE]
    sheet = openpyxl.load_workbook(io.BytesIO(book)).worksheets[0]
    label = sheet.cell(3, 3)
    assert (label.value, label.data_type) == (HOSTILE, "s")  # text, not a formula
    # PX texts cannot hold a double quote: it becomes a single one, and nothing else changes.
    option = px.get("STUB")[0]
    assert px.get("VALUES", option) == [HOSTILE.replace('"', "'")]


# A larger table: many options, several segments, values with decimals --------------------


async def test_every_format_of_a_larger_generated_table(fresh_database_url, tmp_path):
    """The checks above, on generated data whose stub has several segments per option and
    whose value lists are longer than a PX record, so that they are split."""
    generate_into(fresh_database_url, Sizes(waves=3, questions=1, options=30, segments=4))
    code = "synthetic-q1"
    async with client_for(fresh_database_url) as client:
        for lang, px_lang in (("nb", "no"), ("en", "en")):
            await test_px_reads_back_to_the_jsonstat_cells(client, code, lang)
            await test_pyaxis_reads_the_px_numbers_in_either_language(
                client, tmp_path, code, lang, px_lang
            )
            await test_html_is_an_accessible_table_of_the_jsonstat_cells(client, code, lang)
        await test_xlsx_reads_back_to_the_jsonstat_cells(client, code)
        await test_json_px_holds_the_jsonstat_cells(client, code)
        text = (await fetch(client, code, "px", "en")).text
    assert max(len(line) for line in text.splitlines()) <= 256  # a record's longest
    assert px_reader.read(text.encode()).one("DECIMALS") == "1"
