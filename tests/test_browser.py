"""The pages as a person sees them: Debian's headless Chromium, driven by Playwright.

The real server runs (`python -m api serve`, on a fresh database of the backend under
test); the browser loads the front page and a widget framed by another origin, as a
site embedding it would. What it renders is checked, every request it makes is recorded
(none may leave 127.0.0.1), and screenshots are saved to test-artifacts/.

Without /usr/bin/chromium (`apt-get install chromium`) the tests skip and say so; under
CI=true they fail instead. Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT, Databases
from tests.network_helpers import free_port, wait_until_healthy
from tests.test_pinned import corrected_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = ROOT / "test-artifacts"
LOOPBACK = "127.0.0.1"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI=true requires it", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@contextmanager
def serving(database_url: str) -> Iterator[str]:
    """The API served by its own command on a free port, over `database_url`."""
    port = free_port()
    command = [sys.executable, "-m", "api", "serve", "--port", str(port),
               "--database-url", database_url]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    base = f"http://{LOOPBACK}:{port}"
    try:
        wait_until_healthy(base, process, lambda: process.stdout.read().decode())
        yield base
    finally:
        process.terminate()
        process.communicate(timeout=10)


@pytest.fixture(scope="module")
def server(databases: Databases) -> Iterator[str]:
    """The API served by its own command on a free port, over a fresh database."""
    with serving(databases.new()) as base:
        yield base


@pytest.fixture(scope="module")
def corrected_server(
    databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The API over the published figures and a correction (tests/test_pinned.py):
    action-plan in 2017 is 76 in release 1 and 69 in release 2."""
    with serving(corrected_database(databases, tmp_path_factory.mktemp("corrected"))) as base:
        yield base


class Visit:
    """A browser page that records every request it makes and every console error."""

    def __init__(self, browser: Any, locale: str = "nb-NO") -> None:
        # A Norwegian reader's browser: its Accept-Language chooses bokmål.
        self.page = browser.new_page(viewport={"width": 1000, "height": 800}, locale=locale)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )

    def elsewhere(self) -> list[str]:
        return [url for url in self.requests if urlsplit(url).hostname != LOOPBACK]


@pytest.fixture
def visit(browser: Any) -> Iterator[Visit]:
    opened = Visit(browser)
    yield opened
    opened.page.close()


def test_a_nynorsk_browser_gets_the_front_page_in_nynorsk(server, browser):
    visit = Visit(browser, locale="nn-NO")
    try:
        response = visit.page.goto(f"{server}/")
        assert response is not None and response.headers["content-language"] == "nn"
        expect(visit.page.locator("html")).to_have_attribute("lang", "nn")
        expect(visit.page.locator("h1")).to_have_text(
            "kommunedigi: Kommuneundersøkelsen som opne data"
        )
    finally:
        visit.page.close()


def screenshot(name: str, databases: Databases) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}-{databases.backend}.png"


def test_front_page_in_a_browser(server, visit, databases):
    page = visit.page
    response = page.goto(f"{server}/")
    assert response is not None and response.status == 200
    article = page.locator("article#expected-better-quality")
    for value in (f"24{NBSP}%", f"64{NBSP}%"):
        expect(article.locator("svg text", has_text=value)).to_be_visible()
    expect(article.locator(".latest strong")).to_have_text(f"64{NBSP}%")
    expect(page.locator("article")).to_have_count(8)
    page.screenshot(path=screenshot("front-page", databases), full_page=True)

    assert visit.elsewhere() == []
    assert f"{server}/static/site.css" in visit.requests
    assert visit.errors == []  # a blocked style or image would be reported here

    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("kommunedigi: Kommuneundersøkelsen as open data")
    assert visit.elsewhere() == []


def test_indicator_page_in_a_browser(server, visit, databases):
    """Reached from the front page: the chart and table show 24 and 64, and the citation."""
    page = visit.page
    page.goto(f"{server}/")
    page.get_by_role("link", name="Forventer bedre tjenestekvalitet").click()
    expect(page).to_have_url(f"{server}/indicators/expected-better-quality?lang=nb")
    expect(page.locator("h1")).to_have_text("Forventer bedre tjenestekvalitet")
    for value in (f"24{NBSP}%", f"64{NBSP}%"):
        expect(page.locator(".chart svg text", has_text=value)).to_be_visible()
        expect(page.get_by_role("cell", name=value, exact=True).first).to_be_visible()
    citation = httpx.get(f"{server}/api/v1/indicators/expected-better-quality/citation")
    expect(page.locator("blockquote.citation")).to_have_text(citation.json()["text"])
    page.screenshot(path=screenshot("indicator-page", databases), full_page=True)
    assert visit.elsewhere() == []
    assert visit.errors == []  # a style or picture the policy blocked would show here


def test_api_docs_render_under_their_content_security_policy(server, visit, databases):
    page = visit.page
    response = page.goto(f"{server}/docs")
    assert response is not None and response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # Swagger UI has read the contract and listed its operations.
    expect(page.get_by_text("/api/v1/indicators/{code}", exact=True).first).to_be_visible()
    page.screenshot(path=screenshot("docs", databases))
    assert visit.elsewhere() == []
    assert visit.errors == []  # a script, style or image the policy blocked shows here


def test_widget_framed_by_another_site(server, visit, databases):
    """A page of another origin embeds the widget with the html that oEmbed gives it."""
    page = visit.page
    widget = f"{server}/embed/indicators/expected-better-quality"
    embed = httpx.get(f"{server}/oembed", params={"url": widget}).json()
    # The embedding site: another origin (another port on this machine) serving an article.
    article = (
        "<!doctype html><html lang=en><title>An article</title><link rel=icon href='data:,'>"
        f"<h1>An article</h1>{embed['html']}</html>"
    )
    with another_site(article) as site:
        page.goto(site)
        check_widget(page, embed)
        page.locator("iframe").screenshot(path=screenshot("embed", databases))
    assert visit.elsewhere() == []
    assert widget + "?lang=nb&width=600&height=360" in visit.requests
    assert visit.errors == []  # a refused frame or a blocked style would be reported here


def host_page(*iframes: str, script: str | None = None) -> str:
    """An article of another site framing `iframes`, with our host script if given."""
    head = "" if script is None else f'<script src="{script}"></script>'
    return (
        "<!doctype html><html lang=en><title>An article</title><link rel=icon href='data:,'>"
        f"{head}<h1>An article</h1>{''.join(iframes)}</html>"
    )


def test_a_pinned_widget_keeps_its_figure_after_a_correction(corrected_server, visit, databases):
    """An article framed the widget as of release 1; release 2 corrected its figure."""
    page, server = visit.page, corrected_server
    widget = f"{server}/embed/indicators/action-plan"
    embed = httpx.get(f"{server}/oembed", params={"url": f"{widget}?as_of=1"}).json()
    with another_site(host_page(embed["html"])) as site:
        page.goto(site)
        frame = page.frame_locator("iframe")
        expect(frame.locator("svg text", has_text=f"76{NBSP}%")).to_be_visible()
        expect(frame.locator(".latest")).to_have_text(
            f"76{NBSP}% i 2017 (+8 prosentpoeng siden 2015)"
        )
        expect(frame.locator(".pinned")).to_contain_text("Tall fra datautgave 1 (")
        expect(frame.locator(".pinned .newer")).to_have_text("Datautgave 2 har nyere tall.")
        live = frame.get_by_role("link", name="Se de nyeste tallene")
        # The same widget, live: its other parameters kept, its as_of dropped.
        expect(live).to_have_attribute("href", f"{widget}?lang=nb&width=600&height=360")
        page.locator("iframe").screenshot(path=screenshot("embed-pinned", databases))
    # The live widget the link leads to shows the corrected figure.
    page.goto(widget)
    expect(page.locator(".latest")).to_have_text(f"69{NBSP}% i 2017 (+1 prosentpoeng siden 2015)")
    assert visit.elsewhere() == []
    assert visit.errors == []


def frame_heights(page: Any) -> tuple[float, float]:
    """The iframe's height on the host page, and the height of the widget's document."""
    iframe = page.locator("iframe").evaluate("frame => frame.getBoundingClientRect().height")
    document = page.frames[1].evaluate("document.documentElement.getBoundingClientRect().height")
    return iframe, document


def test_the_widget_reports_its_height_and_the_host_iframe_takes_it(server, visit, databases):
    page = visit.page
    widget = f"{server}/embed/indicators/expected-better-quality"
    embed = httpx.get(f"{server}/oembed", params={"url": widget, "maxwidth": 320}).json()
    # Framed too short, as a host page might: the widget's own height replaces it.
    too_short = re.sub(r' height="\d+"', ' height="150"', embed["html"])
    article = host_page(too_short, script=f"{server}/static/kommunedigi-embed.js")
    with another_site(article) as site:
        page.goto(site)
        expect(page.frame_locator("iframe").locator(".latest")).to_be_visible()
        page.wait_for_function("document.querySelector('iframe').style.height !== ''", timeout=5000)
        iframe, document = frame_heights(page)
        assert abs(iframe - document) <= 2, (iframe, document)
        assert iframe > 300  # the whole widget: chart, value and credit
        # Narrowed, the widget wraps its text and its chart shrinks: it says so again.
        page.locator("iframe").evaluate("frame => { frame.width = '240'; }")
        page.wait_for_function(
            "Math.abs(document.querySelector('iframe').getBoundingClientRect().height"
            f" - {iframe}) > 2",
            timeout=5000,
        )
        page.wait_for_timeout(200)
        iframe, document = frame_heights(page)
        assert abs(iframe - document) <= 2, (iframe, document)
        page.screenshot(path=screenshot("embed-sized", databases), full_page=True)
    assert visit.elsewhere() == []
    assert f"{server}/static/embed-height.js" in visit.requests
    assert visit.errors == []  # a script the widget's policy blocked would be reported here


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_widget_at_240_pixels_wide_has_no_horizontal_overflow(server, visit, lang):
    page = visit.page
    widget = f"{server}/embed/indicators/ict-contributed-quality?lang={lang}&as_of=1"
    embed = httpx.get(f"{server}/oembed", params={"url": widget, "maxwidth": 240}).json()
    assert embed["width"] == 240
    with another_site(host_page(embed["html"])) as site:
        page.goto(site)
        frame = page.frame_locator("iframe")
        expect(frame.locator(".pinned")).to_be_visible()
        widths = page.frames[1].evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1] <= 240, widths
        # The height oEmbed gave holds the whole widget: nothing scrolls inside the frame.
        content = page.frames[1].evaluate("document.documentElement.scrollHeight")
        assert content <= embed["height"]
    assert visit.errors == []


def check_widget(page: Any, embed: dict[str, Any]) -> None:
    frame = page.frame_locator("iframe")
    for value in (f"24{NBSP}%", f"64{NBSP}%"):
        expect(frame.locator("svg text", has_text=value)).to_be_visible()
    expect(frame.locator(".latest")).to_have_text(f"64{NBSP}% i 2017 (+40 prosentpoeng siden 2015)")
    # The credit names the waves, the source's year, and the release with the day it was loaded.
    expect(frame.locator(".credit")).to_have_text(
        re.compile(
            r"^Kilde: Kommuneundersøkelsen 2015 og 2017, EVRY/NyAnalyse \(2018\);"
            r" kommunedigi, datautgave [0-9]+ \([0-9]{4}-[0-9]{2}-[0-9]{2}\)$"
        )
    )
    # oEmbed's size holds the whole widget: nothing scrolls inside the frame.
    content = page.frames[1].evaluate("document.documentElement.scrollHeight")
    assert content <= embed["height"]


@contextmanager
def another_site(page: str) -> Iterator[str]:
    """A site on another port of 127.0.0.1 that serves one page, for as long as the block runs."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet

    site = ThreadingHTTPServer((LOOPBACK, 0), Handler)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{site.server_address[1]}/article.html"
    finally:
        site.shutdown()
        site.server_close()
        thread.join()


def test_graphiql_runs_a_query_with_every_other_host_blocked(server, visit, databases):
    """GraphiQL loads from this server alone: a request to any other host is aborted, as
    on a closed network, and the page still starts, runs a query and shows its answer."""
    page = visit.page
    blocked: list[str] = []

    def only_loopback(route: Any) -> None:
        if urlsplit(route.request.url).hostname == LOOPBACK:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    response = page.goto(f"{server}/graphql")
    assert response is not None and response.status == 200
    assert "script-src 'self' 'sha256-" in response.headers["content-security-policy"]

    # The example query asks for the indicator's series: 24 % in 2015, 64 % in 2017.
    page.get_by_role("button", name=re.compile("^Execute query")).click()
    result = page.locator(".graphiql-response")
    expect(result).to_contain_text('"value": 24')
    expect(result).to_contain_text('"value": 64')

    # The explorer plugin lists the root fields of the schema it read from /graphql.
    page.get_by_role("button", name="Show GraphiQL Explorer").click()
    expect(page.locator(".graphiql-explorer-root")).to_contain_text("indicator")
    page.screenshot(path=screenshot("graphiql", databases))

    # A dialog writes a <style> element as it opens: the policy lets it.
    page.get_by_role("button", name="Open settings dialog").click()
    expect(page.get_by_role("dialog")).to_contain_text("Persist headers")
    page.keyboard.press("Escape")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the schema (SDL)").click()
    assert download.value.suggested_filename == "schema.graphql"
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert saved == httpx.get(f"{server}/graphql/schema.graphql").text

    assert blocked == [] and visit.elsewhere() == []
    ide = f"{server}/graphql/ide/"
    assert sum(url.startswith(ide) for url in visit.requests) == 6
    assert visit.errors == []  # a script, style or request the policy blocked shows here
