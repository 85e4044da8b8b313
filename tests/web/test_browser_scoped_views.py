"""A planner on a national store, in headless Chromium: choose a municipality, then a plan, see its network.

Three synthetic municipalities with ``whole_network_max_municipalities=2``
stand in for the whole country (the pages must not build its whole network).
Screenshots go to /tmp/shots for a person to look at.
"""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlparse

import pytest

from graph.store import EmbeddedStore, ontology_files
from graph.synthetic import municipality_codes, write_graph

SHOTS = Path("/tmp/shots")
LG = "https://w3id.org/plangraph/id/synthetic/lg/"
M2 = LG + municipality_codes(3)[1]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(live_server):
    from web import create_app

    store = EmbeddedStore()
    for f in ontology_files():
        store.load_file(f)
    buf = io.StringIO()
    write_graph(buf, municipalities=3, seed=1)
    store.load_data(buf.getvalue(), format="nq")
    app = create_app({"whole_network_max_municipalities": 2}, store=store)
    yield live_server(app)
    app.extensions["plangraph.executor"].close()


@pytest.fixture
def page(browser):
    """A page that may only talk to the loopback server; it records blocked requests and errors."""
    ctx = browser.new_context(viewport={"width": 1300, "height": 900})
    pg = ctx.new_page()
    pg.blocked, pg.errors = [], []

    def route(r):
        if urlparse(r.request.url).hostname in ("127.0.0.1", "localhost") or r.request.url.startswith("data:"):
            r.continue_()
        else:
            pg.blocked.append(r.request.url)
            r.abort()

    pg.route("**/*", route)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" and "favicon" not in m.text else None)
    yield pg
    ctx.close()


def test_choose_a_municipality_then_a_plan_and_see_its_network(server, page):
    SHOTS.mkdir(exist_ok=True)
    page.goto(server + "/views?lang=ja")
    assert page.locator("#choose-first").is_visible()
    assert page.locator("#network").count() == 0
    page.screenshot(path=str(SHOTS / "scoped-views-choose.png"), full_page=True)

    page.select_option("select[name=municipality]", M2)
    page.click("form.pg-filters button[type=submit]")
    page.wait_for_load_state()
    plans = page.locator("select[name=plan] option").evaluate_all("os => os.map(o => [o.value, o.textContent])")
    plans = [(v, t) for v, t in plans if v]
    assert plans and all(v.startswith(M2 + "/plan/") and t.startswith("合成市021008") for v, t in plans)

    welfare = next((v for v, t in plans if "福祉" in t), plans[0][0])
    page.select_option("select[name=plan]", welfare)
    page.click("form.pg-filters button[type=submit]")
    page.wait_for_selector("#network[data-ready='1']", timeout=10_000)
    assert int(page.get_attribute("#network", "data-nodes")) > 10
    assert page.locator("select[name=municipality] option:checked").get_attribute("value") == M2
    assert page.locator("#network canvas").count() == 1
    page.screenshot(path=str(SHOTS / "scoped-views-plan.png"), full_page=True)

    page.goto(server + "/reports/coverage?lang=ja&plan=" + welfare)
    assert page.locator("#coverage").is_visible()
    page.screenshot(path=str(SHOTS / "scoped-reports-coverage.png"), full_page=True)
    page.goto(server + "/reports?lang=en")
    assert "choose a municipality" in page.locator("#choose-first").inner_text()
    page.screenshot(path=str(SHOTS / "scoped-reports-choose-en.png"), full_page=True)
    assert page.blocked == [] and page.errors == []
