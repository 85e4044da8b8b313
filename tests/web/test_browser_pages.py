"""The pages in headless Chromium (Debian's chromium driven by Playwright) against a live server.

Every request to a host other than 127.0.0.1/localhost is aborted and recorded,
as on a municipal network (LGWAN) without internet: no page may make one, and
nothing may break (no console errors, no failed requests). Screenshots go to
/tmp/shots/ for a person to look at.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
PLAN_PATH = "/id/lg/111007/plan/digital-2021"


@pytest.fixture(scope="module")
def server(saitama_store, live_server):
    """The app on the real Saitama graph, served by waitress in a thread on a free loopback port."""
    from web import create_app

    app = create_app({}, store=saitama_store)

    @app.after_request
    def strict_csp(resp):  # the policy web.security sets; kept here so these pages are held to it regardless
        resp.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
        return resp

    app.extensions["plangraph.executor"].start()  # as `plangraph serve` does: workers warm before the first page
    yield live_server(app)
    app.extensions["plangraph.executor"].close()


class Watched:
    """A page whose external requests are blocked and whose errors are recorded."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
        self.page = self.context.new_page()
        self.external: list[str] = []
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    def _route(self, route):
        host = urlparse(route.request.url).hostname
        if host in LOCAL_HOSTS:
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def assert_clean(self):
        assert self.external == [], f"external requests: {self.external}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.failed == [], f"failed requests: {self.failed}"

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"pages-{name}.png"), full_page=True)


@pytest.fixture()
def watched(browser):
    w = Watched(browser)
    yield w
    w.context.close()


def test_query_page_runs_a_named_query_and_shows_the_table(server, watched):
    page = watched.page
    page.goto(server + "/query")
    assert page.locator(".CodeMirror").count() == 1              # the editor replaced the textarea
    assert "PREFIX pg:" in page.locator(".CodeMirror").inner_text()
    page.select_option("#named-select", "plan-structure")       # fills the editor and the parameter form
    assert "計画の基本理念" in page.locator("#named-description").inner_text()
    assert page.locator("#param-plan").input_value().endswith("/plan/digital-2021")
    assert "SELECT DISTINCT ?plan ?level" in page.locator(".CodeMirror").inner_text()
    page.click("#query-form button[name=run]")
    page.wait_for_selector("table.results-table")
    table = page.locator("table.results-table")
    assert "上質な行政経営" in table.inner_text()
    link = table.locator('a[href="/id/lg/111007/plan/digital-2021/policy/3"]').first
    assert link.inner_text() == "上質な行政経営"
    assert "name=plan-structure" in page.url                     # short permalink: name and parameters
    watched.shot("query-results")
    watched.assert_clean()


def test_free_text_query_with_keyboard_shortcut(server, watched):
    page = watched.page
    page.goto(server + "/query")
    page.locator(".CodeMirror").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\n# run with Ctrl+Enter")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("table.results-table")
    assert "query=" in page.url
    assert page.locator("table.results-table tbody tr").count() == 20
    watched.assert_clean()


def test_entity_page_shows_japanese_labels_and_inverse_links(server, watched):
    page = watched.page
    page.goto(server + PLAN_PATH + "/policy/3")
    assert page.locator("h1").inner_text() == "上質な行政経営"
    assert page.locator("html").get_attribute("lang") == "ja"
    props = page.locator("table.props").first.inner_text()
    assert "所属計画" in props and "さいたま市行政デジタル化計画" in props
    inverse = page.locator("table.props.inverse")
    assert inverse.count() == 1 and inverse.locator("td a.iri").count() >= 1
    summary = page.locator("details.prov summary").first
    summary.focus()
    page.keyboard.press("Enter")                                   # provenance opens from the keyboard
    opened = page.locator("details.prov[open]")
    assert opened.count() == 1
    assert "上質な行政経営" in opened.inner_text() and opened.locator("blockquote").count() == 1
    watched.shot("entity-policy-3")
    # follow an inverse link: it is another entity page
    inverse.locator("td a.iri").first.click()
    page.wait_for_load_state()
    assert page.url.startswith(server + "/id/")
    watched.assert_clean()


def test_english_switch(server, watched):
    page = watched.page
    page.goto(server + PLAN_PATH + "/policy/3")
    page.click("a.lang-switch")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.startswith(server + PLAN_PATH + "/policy/3")  # same page
    assert page.locator("h1").inner_text() == "High-quality administrative management"
    assert "Referenced by" in page.content()
    page.goto(server + "/queries")                                  # remembered by the cookie
    assert page.locator("h1").inner_text() == "Named queries"
    page.click("a.lang-switch")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "定型クエリ"
    watched.assert_clean()


def test_search_from_the_header(server, watched):
    page = watched.page
    page.goto(server + "/")
    page.fill("#header-q", "ＩＣＴ")
    page.press("#header-q", "Enter")
    page.wait_for_selector("ol.hits")
    assert page.locator("ol.hits li").count() >= 1
    assert "ICT" in page.locator("ol.hits").inner_text()
    watched.shot("search")
    watched.assert_clean()


@pytest.mark.parametrize("path", ["/", "/query", "/query?name=figure3-overview", "/queries",
                                  "/queries/plan-structure", "/dataset", "/search?q=でじたる",
                                  PLAN_PATH, PLAN_PATH + "/policy/3?lang=en", "/id/lg/111007/no-such"])
def test_no_page_makes_an_external_request_or_breaks(server, watched, path):
    resp = watched.page.goto(server + path)
    expected = 404 if "no-such" in path else 200
    assert resp.status == expected
    if expected == 404:  # the 404 page itself is the only failed load
        watched.failed = [f for f in watched.failed if "no-such" not in f]
        watched.console_errors = [e for e in watched.console_errors if "404" not in e]
    watched.assert_clean()
    if path == "/":
        watched.shot("home")


def test_query_page_works_without_javascript(server, browser):
    """If the script fails, the editor is a plain textarea and the forms still run queries."""
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server + "/query")
        assert page.locator(".CodeMirror").count() == 0
        assert "PREFIX pg:" in page.locator("textarea#query").input_value()
        page.select_option("#named-select", "plan-structure")
        page.click("form.pick-named button[type=submit]")          # the 読み込む button (hidden with JS)
        page.wait_for_selector("table.results-table")
        assert "上質な行政経営" in page.locator("table.results-table").inner_text()
        page.fill("textarea#query", "SELECT ?n WHERE { VALUES ?n { 1 2 } }")
        page.click("#query-form button[name=run]")
        page.wait_for_selector("table.results-table")
        assert page.locator("table.results-table tbody tr").count() == 2
    finally:
        context.close()


@pytest.mark.parametrize("path,width", [
    pytest.param("/search?q=" + "a" * 20000, 1280, id="long-search-1280"),  # the term in the heading: 2,928 px
    pytest.param("/search?q=" + "a" * 20000, 375, id="long-search-375"),
    pytest.param("/dataset?lang=en", 375, id="dataset-en-375"),  # the downloads table was 437 px wide
    pytest.param("/dataset?lang=ja", 375, id="dataset-ja-375"),
    pytest.param("/import?lang=en", 320, id="import-en-320"),
    pytest.param(PLAN_PATH + "?lang=en", 375, id="plan-en-375"),
])
def test_no_page_is_wider_than_the_window(server, browser, path, width):
    """A long word wraps and a wide table scrolls inside its own box: the page itself never scrolls sideways."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(server + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
