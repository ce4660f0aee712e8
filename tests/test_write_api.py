"""POST /api/v1/imports: only a valid token writes, and bad requests change nothing."""

import hashlib
import io
import zipfile

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from tests.conftest import database_digest

pytestmark = pytest.mark.anyio

TOKEN = "correct horse battery staple"
HEADER = "survey,wave,question,option,segment,value,base_n,status,source,locator,note_nb,note_en"
CORRECTED = HEADER + "\nkommuneundersokelsen,2017,action-plan,yes,all,77,,published,pr17,,,\n"


@pytest.fixture
async def writable(fresh_database_url):
    settings = Settings(
        database_url=fresh_database_url,
        import_token_hashes=hashlib.sha256(TOKEN.encode()).hexdigest(),
        max_upload_bytes=10_000,
        release_check_seconds=0,
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client, fresh_database_url
    app.state.engine.dispose()


def bearer(token=TOKEN):
    return {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}


@pytest.mark.parametrize(
    ("headers", "status", "title"),
    [
        ({"Content-Type": "text/csv"}, 401, "Authentication required"),
        ({"Authorization": "Basic dXNlcjpwYXNz", "Content-Type": "text/csv"}, 401,
         "Authentication required"),
        ({"Authorization": "Bearer ", "Content-Type": "text/csv"}, 401, "Authentication required"),
        (bearer("wrong token"), 403, "Forbidden"),
        (bearer(TOKEN + " "), 200, None),  # surrounding space is not part of a token
    ],
)  # fmt: skip
async def test_only_a_valid_token_may_import(writable, headers, status, title):
    client, url = writable
    before = database_digest(url)
    response = await client.post("/api/v1/imports?dry_run=true", content=CORRECTED, headers=headers)
    assert response.status_code == status
    if title:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["title"] == title
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert database_digest(url) == before


async def test_wrong_tokens_never_write(writable):
    client, url = writable
    before = database_digest(url)
    for headers in ({"Content-Type": "text/csv"}, bearer("guess")):
        response = await client.post("/api/v1/imports", content=CORRECTED, headers=headers)
        assert response.status_code in (401, 403)
    assert database_digest(url) == before
    served = (await client.get("/api/v1/indicators/action-plan")).json()["series"][2]["value"]
    assert served == 76


async def test_dry_run_reports_and_writes_nothing(writable):
    client, url = writable
    before = database_digest(url)
    response = await client.post(
        "/api/v1/imports?dry_run=true", content=CORRECTED, headers=bearer()
    )
    assert response.status_code == 200
    report = response.json()
    assert (report["dry_run"], report["changed"], report["release"]) == (True, 1, None)
    assert report["changes"][0]["old"] == {"value": 76, "status": "published"}
    assert report["changes"][0]["new"] == {"value": 77, "status": "published"}
    assert database_digest(url) == before


async def test_import_publishes_a_release(writable):
    client, _ = writable
    tag = (await client.get("/api/v1/indicators/action-plan")).headers["etag"]
    response = await client.post(
        "/api/v1/imports", params={"message": "Corrected 2017"}, content=CORRECTED, headers=bearer()
    )
    assert response.status_code == 201
    assert response.headers["location"] == "/api/v1/releases/2"
    assert response.json()["release"] == 2
    after = await client.get("/api/v1/indicators/action-plan", headers={"If-None-Match": tag})
    assert after.status_code == 200
    assert after.json()["series"][2]["value"] == 77
    again = await client.post("/api/v1/imports", content=CORRECTED, headers=bearer())
    assert (again.status_code, again.json()["release"]) == (200, None)


async def test_multipart_and_zip_uploads(writable):
    client, _ = writable
    auth = {"Authorization": f"Bearer {TOKEN}"}
    form = await client.post(
        "/api/v1/imports?dry_run=true",
        files={"file": ("shares.csv", CORRECTED.encode(), "text/csv")},
        headers=auth,
    )
    assert (form.status_code, form.json()["changed"]) == (200, 1)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("package/shares.csv", CORRECTED)
    zipped_body = await client.post(
        "/api/v1/imports?dry_run=true",
        content=archive.getvalue(),
        headers={**auth, "Content-Type": "application/zip"},
    )
    assert (zipped_body.status_code, zipped_body.json()["changed"]) == (200, 1)


async def test_rejected_package_is_422_with_every_problem(writable):
    client, url = writable
    before = database_digest(url)
    bad = CORRECTED.replace(",77,", ",177,").replace("action-plan,yes", "action-plan,no")
    response = await client.post("/api/v1/imports", content=bad, headers=bearer())
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["report"]["errors"]
    assert [(e["file"], e["line"], e["column"]) for e in errors] == [
        ("shares.csv", 2, "option"),
        ("shares.csv", 2, "value"),
    ]
    assert database_digest(url) == before


@pytest.mark.parametrize(
    ("body", "headers", "status", "title"),
    [
        ("x" * 10_001, bearer(), 413, "Payload too large"),
        ("shares", {**bearer(), "Content-Type": "text/plain"}, 415, "Unsupported media type"),
        ("{}", {**bearer(), "Content-Type": "application/json"}, 422, "Import rejected"),
        ("not a zip", {**bearer(), "Content-Type": "application/zip"}, 422, "Import rejected"),
    ],
)
async def test_unreadable_uploads_are_problems(writable, body, headers, status, title):
    client, url = writable
    before = database_digest(url)
    response = await client.post("/api/v1/imports", content=body, headers=headers)
    assert response.status_code == status
    assert response.json()["title"] == title
    assert database_digest(url) == before


async def test_reads_need_no_token(writable):
    client, _ = writable
    assert (await client.get("/api/v1/shares")).status_code == 200


async def test_unknown_parameter_is_rejected_after_authentication(writable):
    client, url = writable
    before = database_digest(url)
    response = await client.post("/api/v1/imports?dryrun=true", content=CORRECTED, headers=bearer())
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"] == (
        "dryrun is not a parameter here; allowed: dry_run, lang, message"
    )
    assert database_digest(url) == before


async def test_form_without_files_is_a_problem(writable):
    client, url = writable
    auth = {"Authorization": f"Bearer {TOKEN}"}
    form = {"message": (None, b"a field, not a file")}
    response = await client.post("/api/v1/imports", files=form, headers=auth)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    detail = "The form holds no files; attach the package's CSV files or a .zip."
    assert response.json() == {
        "type": "/problems/no-files",
        "title": "No files",
        "status": 400,
        "detail": detail,
        "instance": "/api/v1/imports",
        "errors": [{"parameter": "body", "detail": detail}],
    }


@pytest.mark.parametrize(
    ("files", "content_type", "problem"),
    [
        (
            [("file", (f"{i}.csv", b"x", "text/csv")) for i in range(51)],
            None,
            ("/problems/too-many-files", "Too many files",
             "Too many files. Maximum number of files is 50."),
        ),
        (
            [("file", ("shares.csv", CORRECTED.encode(), "text/csv"))],
            "multipart/form-data",  # without its boundary
            ("/problems/invalid-form", "Invalid form", "Missing boundary in multipart."),
        ),
    ],
)  # fmt: skip
async def test_form_the_parser_refuses_is_a_stable_problem(writable, files, content_type, problem):
    client, url = writable
    before = database_digest(url)
    request = client.build_request(
        "POST", "/api/v1/imports", files=files, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    if content_type:
        request.headers["Content-Type"] = content_type
    response = await client.send(request)
    type_, title, detail = problem
    assert response.status_code == 400
    assert response.json() == {
        "type": type_,
        "title": title,
        "status": 400,
        "detail": detail,
        "instance": "/api/v1/imports",
        "errors": [{"parameter": "body", "detail": detail}],
    }
    assert database_digest(url) == before
