"""Nynorsk everywhere: every answer that takes `lang` says nn and leaves no bokmål or English.

The walk is a list of paths (WALKED): a new page or format that takes `lang` is a line
there. A label "left" is a bokmål or English text, from the seed or from a wording table,
that differs from its nynorsk form and still appears in a nynorsk answer.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal
from starlette.applications import Starlette

from api import languages
from seed import package
from seed.importer import import_package
from seed.report import Report
from tests.test_languages import modules, tables

SEED = Path(__file__).parent.parent / "seed" / "data"
INDICATOR = "expected-better-quality"
DERIVED = "ict-contributed-quality"  # the sum of three options
QUESTION = "expected-effects"
SURVEY = "kommuneundersokelsen"
PX = "/api/pxwebapi/v2"

# Every GET that takes `lang`, asked for in nynorsk (`lang=nn` is added). PxWebApi's
# `lang` takes PxWebApi's codes, and nynorsk's is nn there too.
WALKED = (
    "/",
    f"/embed/indicators/{INDICATOR}",
    f"/embed/indicators/{DERIVED}",
    f"/charts/indicators/{INDICATOR}.svg",
    f"/charts/indicators/{DERIVED}.svg",
    f"/charts/indicators/{INDICATOR}.vl.json",
    f"/charts/indicators/{INDICATOR}.png",
    f"/oembed?url=http://testserver/embed/indicators/{INDICATOR}",
    "/api/v1/surveys",
    f"/api/v1/surveys/{SURVEY}",
    f"/api/v1/surveys/{SURVEY}/data?format=csv",
    f"/api/v1/surveys/{SURVEY}/data?format=jsonstat",
    "/api/v1/waves",
    "/api/v1/topics",
    "/api/v1/segments",
    "/api/v1/sources",
    "/api/v1/questions",
    f"/api/v1/questions/{QUESTION}",
    f"/api/v1/questions/{QUESTION}/data",
    f"/api/v1/questions/{QUESTION}/data?format=csv",
    f"/api/v1/questions/{QUESTION}/data?format=html",
    f"/api/v1/questions/{QUESTION}/data?format=jsonpx",
    f"/api/v1/questions/{QUESTION}/citation",
    f"/api/v1/questions/{QUESTION}/citation?format=csl",
    "/api/v1/indicators",
    f"/api/v1/indicators/{INDICATOR}",
    f"/api/v1/indicators/{DERIVED}",
    f"/api/v1/indicators/{DERIVED}?format=csv",
    f"/api/v1/indicators/{DERIVED}?format=jsonstat",
    f"/api/v1/indicators/{INDICATOR}/citation",
    f"/api/v1/indicators/{INDICATOR}/citation?format=csl",
    "/api/v1/shares",
    f"{PX}/tables",
    f"{PX}/tables/{QUESTION}",
    f"{PX}/tables/{QUESTION}/metadata",
    f"{PX}/tables/{QUESTION}/defaultselection",
    f"{PX}/tables/{QUESTION}/data",
    f"{PX}/tables/{QUESTION}/data?outputFormat=csv",
    f"{PX}/tables/{QUESTION}/data?outputFormat=html",
    f"{PX}/codelists/agg_{DERIVED}",
    # The pages, downloads, figures, pinned embeds and citation files of issue 19
    f"/indicators/{INDICATOR}",
    f"/indicators/{DERIVED}?as_of=1",
    f"/questions/{QUESTION}",
    f"/api/v1/indicators/{DERIVED}.csv",
    f"/api/v1/indicators/{DERIVED}.metadata.json",
    f"/api/v1/figures/{SURVEY}/2017/action-plan/yes/all",
    f"/embed/indicators/{INDICATOR}?as_of=1",
    f"/charts/indicators/{INDICATOR}.svg?as_of=1",
    f"/api/v1/indicators/{INDICATOR}/citation?format=bibtex",
    f"/api/v1/indicators/{INDICATOR}/citation?format=ris",
)
# They take `lang` and check it, but hold no text to translate (or, PxWebApi's config,
# every language at once): Content-Language names the audience that asked (RFC 9110 8.5).
UNTRANSLATED = ("/api/v1/", "/api/v1/releases", "/api/v1/config", f"{PX}/config")
# Not walked for labels: PX files carry a second language by design (nynorsk's is English),
# XLSX and PNG are not text, and the catalog holds every language at once (tested below).
BINARY = (".png",)

# Tables that name languages rather than translate a word: each language by its own name.
NAMING_LANGUAGES = ("LANGUAGE_NAMES", "LANGUAGE_LABELS", "PX_LANGUAGE", "EU_AUTHORITY", "PXWEB")
# JSON members whose values come from a fixed list of a specification (PxWebApi's "type":
# "Table"), not words.
ENUMERATED = ("type", "class", "role")
PLACEHOLDER = re.compile(r"\{[^}]*\}")
CODE = re.compile(r"[a-z0-9_.:/?=&-]*")


def seed_labels() -> Iterator[str]:
    """Each bokmål and English text of the seed that differs from its nynorsk."""
    for path in SEED.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file):
                for column in row:
                    if not column.endswith("_nn"):
                        continue
                    name = column[:-3]
                    english = name if name == "locator" else f"{name}_en"
                    for other in (f"{name}_nb", english):
                        if row.get(other) and row[other] != row[column]:
                            yield row[other]


def kept_as_published() -> set[str]:
    """What nynorsk answers quote as published: the sources' titles and publishers, and
    the names our nynorsk keeps as the survey's owner gave them (nynorsk equal to bokmål)."""
    kept: set[str] = set()
    for path in SEED.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file):
                kept |= {row[name] for name in ("title", "publisher") if row.get(name)}
                kept |= {
                    v for k, v in row.items() if k.endswith("_nn") and v == row[k[:-3] + "_nb"]
                }
    return {text for text in kept if text}


def wording_labels() -> Iterator[tuple[str, str]]:
    """Each bokmål and English fixed word of a wording table that differs from its
    nynorsk, with the language it is in; templates give their fixed pieces."""
    for module in modules():
        for name, value in vars(module).items():
            if name.startswith("__") or name in NAMING_LANGUAGES:
                continue
            for where, table in tables(value, f"{module.__name__}.{name}"):
                if any(part in where for part in NAMING_LANGUAGES) or "nn" not in table:
                    continue
                for lang in ("nb", "en"):
                    yield from ((lang, word) for word in _differing(table[lang], table["nn"]))


def _differing(word: object, nynorsk: object) -> Iterator[str]:
    if isinstance(word, str) and isinstance(nynorsk, str):
        if word != nynorsk:
            yield from (piece.strip() for piece in PLACEHOLDER.split(word))
    elif isinstance(word, tuple) and isinstance(nynorsk, tuple):
        for one, other in zip(word, nynorsk, strict=True):
            yield from _differing(one, other)
    elif isinstance(word, dict) and isinstance(nynorsk, dict):
        for key in word:
            yield from _differing(word[key], nynorsk.get(key))


def telling(label: str, lang: str) -> bool:
    """Whether a label, found in a nynorsk answer, can only be a word left untranslated:
    several words, or one long enough; an English word only capitalised, as lower-case
    ones are also codes ("derived", "percent")."""
    if " " in label.strip():
        return len(label) >= 6
    if lang == "en":
        return len(label) >= 4 and label[:1].isupper()
    return len(label) >= 5


def labels() -> list[str]:
    found = {("seed", label) for label in seed_labels()} | set(wording_labels())
    return sorted({label for lang, label in found if telling(label, lang)})


LABELS = labels()
PATTERNS = [
    (
        label,
        re.compile(rf"(?<!\w){re.escape(label)}(?!\w)" if " " not in label else re.escape(label)),
    )
    for label in LABELS
]


def readable_text(response: httpx.Response) -> str:
    """The words of an answer: a JSON body's string values (not its keys, nor codes)."""
    if "json" not in response.headers["content-type"]:
        return response.text
    strings: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str) and not CODE.fullmatch(value):
            strings.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in ENUMERATED:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(response.text))
    return "\n".join(strings)


KEPT = sorted(kept_as_published(), key=len, reverse=True)


# Text a page marks as in another language (a language's own name in the language links).
MARKED_OTHER = re.compile(r'<(\w+)[^>]*\slang="(?:nb|en)"[^>]*>.*?</\1>', re.S)
# A chart's text wraps into lines (SVG tspans) at spaces: read it as one line again.
WRAPPED = re.compile(r"</tspan>\s*<tspan[^>]*>")


def left_over(text: str) -> list[str]:
    text = WRAPPED.sub(" ", MARKED_OTHER.sub(" ", text))
    for published in KEPT:
        text = text.replace(published, " ")
    return [label for label, pattern in PATTERNS if pattern.search(text)]


def test_the_label_lists_are_not_empty() -> None:
    assert "Forventer bedre tjenestekvalitet" in LABELS  # the seed's bokmål
    assert "Expect better service quality" in LABELS  # the seed's English
    assert "ikke publisert" in LABELS  # a wording table's bokmål
    assert "Answer shares" in LABELS  # and its English


def test_the_seed_has_nynorsk_for_every_text() -> None:
    for path in SEED.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as file:
            for line, row in enumerate(csv.DictReader(file), start=2):
                for column, value in row.items():
                    if column.endswith("_nb") and value:
                        assert row.get(column[:-3] + "_nn"), f"{path.name}:{line}: {column}"


@pytest.mark.anyio
@pytest.mark.parametrize("path", WALKED)
async def test_every_answer_in_nynorsk_is_all_nynorsk(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path + ("&" if "?" in path else "?") + "lang=nn")
    assert response.status_code == 200, response.text
    assert response.headers["content-language"] == "nn"
    if not path.endswith(BINARY):
        assert left_over(readable_text(response)) == []


@pytest.mark.anyio
@pytest.mark.parametrize("path", UNTRANSLATED)
@pytest.mark.parametrize("lang", languages.CODES)
async def test_an_answer_without_text_names_its_audience(
    client: httpx.AsyncClient, path: str, lang: str
) -> None:
    code = languages.PXWEB[languages.Language(lang)] if path.startswith(PX) else lang
    response = await client.get(path, params={"lang": code})
    assert response.status_code == 200, response.text
    assert response.headers["content-language"] == lang


GRAPHQL = """{
  surveys { title(lang: NN) description(lang: NN) licenceName(lang: NN)
    waves { title(lang: NN) note(lang: NN) } }
  questions { text(lang: NN) note(lang: NN) topic { label(lang: NN) }
    options { label(lang: NN) } }
  indicators { title(lang: NN) description(lang: NN)
    series { notes(lang: NN) } }
  sources { description(lang: NN) dateNote(lang: NN) }
  segments { label(lang: NN) }
  shares(filter: {surveys: ["kommuneundersokelsen"]}, first: 100) {
    edges { node { note(lang: NN) locator(lang: NN) option { label(lang: NN) } } } }
}"""


@pytest.mark.anyio
async def test_graphql_in_nynorsk_is_all_nynorsk(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": GRAPHQL})
    assert response.status_code == 200, response.text
    assert "errors" not in response.json(), response.json()
    assert left_over(readable_text(response)) == []
    assert "Ventar betre tenestekvalitet" in response.text


@pytest.mark.anyio
async def test_the_catalog_says_each_text_in_nynorsk_too(client: httpx.AsyncClient) -> None:
    response = await client.get("/catalog", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    literals = [o for o in graph.objects() if isinstance(o, Literal) and o.language]
    by_lang = {lang: {str(o) for o in literals if o.language == lang} for lang in languages.CODES}
    assert len(by_lang["nn"]) == len(by_lang["nb"]) == len(by_lang["en"])
    assert left_over("\n".join(by_lang["nn"])) == []
    assert "http://publications.europa.eu/resource/authority/language/NNO" in response.text


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("accept", "lang"),
    [
        ("nn", "nn"),
        ("nn-NO", "nn"),
        ("nb", "nb"),
        ("no", "nb"),
        ("en-GB,en;q=0.9", "en"),
        ("de, nn;q=0.5, en;q=0.4", "nn"),
        ("en;q=0.3, nn;q=0.8, nb;q=0.5", "nn"),
        ("nn;q=0, en", "en"),
        ("de, fr", "nb"),
        ("*", "nb"),
        ("nn;q=zero", "nb"),
    ],
)
async def test_accept_language_chooses_the_language_when_lang_is_absent(
    client: httpx.AsyncClient, accept: str, lang: str
) -> None:
    response = await client.get(
        f"/api/v1/indicators/{INDICATOR}", headers={"Accept-Language": accept}
    )
    assert response.status_code == 200
    assert response.headers["content-language"] == lang
    assert "Accept-Language" in response.headers["vary"]


@pytest.mark.anyio
async def test_a_long_path_chooses_its_language_as_a_short_one(client: httpx.AsyncClient) -> None:
    # Longer than what api.http.path_memo keeps: decided afresh, the same way.
    path = f"/api/v1/indicators/{INDICATOR}"
    long = await client.get(path + "/" + "x" * 3000, headers={"Accept-Language": "nn"})
    short = await client.get(path + "/x", headers={"Accept-Language": "nn"})
    assert long.status_code == short.status_code == 404
    assert "Accept-Language" in long.headers["vary"]  # gzip may name Accept-Encoding too
    assert "Accept-Language" in short.headers["vary"]


@pytest.mark.anyio
async def test_lang_wins_over_accept_language(client: httpx.AsyncClient) -> None:
    response = await client.get(
        f"/api/v1/indicators/{INDICATOR}", params={"lang": "en"}, headers={"Accept-Language": "nn"}
    )
    assert response.headers["content-language"] == "en"
    assert "Accept-Language" not in response.headers["vary"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    "path", ["/", f"/charts/indicators/{INDICATOR}.svg", f"/api/v1/questions/{QUESTION}"]
)
async def test_a_kept_answer_is_not_served_in_another_language(
    client: httpx.AsyncClient, path: str
) -> None:
    bokmal = await client.get(path, headers={"Accept-Language": "nb"})
    nynorsk = await client.get(path, headers={"Accept-Language": "nn"})
    again = await client.get(path, headers={"Accept-Language": "nb"})
    assert (bokmal.headers["content-language"], nynorsk.headers["content-language"]) == ("nb", "nn")
    assert bokmal.headers["etag"] != nynorsk.headers["etag"]
    assert bokmal.text != nynorsk.text
    assert again.text == bokmal.text


@pytest.mark.anyio
async def test_a_bokmal_etag_does_not_validate_a_nynorsk_request(client: httpx.AsyncClient) -> None:
    path = f"/api/v1/indicators/{INDICATOR}"
    bokmal = await client.get(path)
    nynorsk = await client.get(
        path, headers={"Accept-Language": "nn", "If-None-Match": bokmal.headers["etag"]}
    )
    assert nynorsk.status_code == 200
    assert nynorsk.headers["content-language"] == "nn"


@pytest.mark.anyio
async def test_pxwebapi_takes_accept_language_in_its_own_codes(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{PX}/tables/{QUESTION}", headers={"Accept-Language": "nn"})
    assert response.status_code == 200, response.text
    assert response.headers["content-language"] == "nn"
    assert response.json()["language"] == "nn"


@pytest.mark.anyio
async def test_the_front_page_links_to_the_other_languages(client: httpx.AsyncClient) -> None:
    response = await client.get("/", params={"lang": "nn"})
    assert '<html lang="nn">' in response.text
    assert 'href="/?lang=nb" hreflang="nb" lang="nb">Norsk bokmål</a>' in response.text
    assert 'href="/?lang=en" hreflang="en" lang="en">English</a>' in response.text


def _import(fresh_app: Starlette, folder: Path) -> Report:
    return import_package(fresh_app.state.engine, package.read(folder), message="test")


def test_the_seed_imports_without_a_nynorsk_warning(fresh_app: Starlette) -> None:
    report = _import(fresh_app, SEED)
    assert [str(issue) for issue in report.warnings] == []


@pytest.mark.anyio
async def test_a_package_without_nynorsk_gives_bokmal_with_a_warning(
    fresh_app: Starlette, tmp_path: Path
) -> None:
    folder = tmp_path / "package"
    shutil.copytree(SEED, folder)
    (folder / "topics.csv").write_text(
        "code,label_nb,label_en\nnew-topic,Nytt emne,New topic\n", encoding="utf-8"
    )
    report = _import(fresh_app, folder)
    assert [str(issue) for issue in report.issues] == [
        "topics.csv:2: column label_nn: warning: expected a nynorsk text; the bokmål is used"
        " in its place here and on later rows"
    ]
    transport = httpx.ASGITransport(app=fresh_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/api/v1/topics", params={"lang": "nn"})
    assert response.headers["content-language"] == "nn"
    labels = {topic["code"]: topic["label"] for topic in response.json()["data"]}
    assert labels["new-topic"] == "Nytt emne"  # its bokmål, never its English
    assert labels["planning"] == "Planar og styring"


@pytest.mark.anyio
async def test_a_saved_query_keeps_its_language_whatever_accept_language_says(
    client: httpx.AsyncClient,
) -> None:
    saved = {
        "tableId": QUESTION,
        "language": "en",
        "selection": {
            "selection": [
                {"variableCode": "ContentsCode", "valueCodes": ["*"]},
                {"variableCode": "option", "valueCodes": ["*"]},
                {"variableCode": "wave", "valueCodes": ["top(1)"]},
            ]
        },
        "outputFormat": "csv",
    }
    created = await client.post(f"{PX}/savedqueries", json=saved)
    assert created.status_code == 201, created.text
    ran = await client.get(
        f"{PX}/savedqueries/{created.json()['id']}/data", headers={"Accept-Language": "nn"}
    )
    assert (ran.status_code, ran.headers["content-language"]) == (200, "en")
    assert "Accept-Language" not in ran.headers.get("vary", "")


@pytest.mark.anyio
async def test_a_px_file_in_nynorsk_has_english_beside_it(client: httpx.AsyncClient) -> None:
    response = await client.get(
        f"/api/v1/questions/{QUESTION}/data", params={"format": "px", "lang": "nn"}
    )
    assert response.status_code == 200
    assert response.headers["content-language"] == "nn"
    assert 'LANGUAGE="nn";' in response.text
    assert 'LANGUAGES="nn","en";' in response.text
    assert "Auka kvalitet på tenestene" in response.text
