"""A planner on a national store, in headless Chromium: choose a municipality, then a plan, see its network.

Three synthetic municipalities with ``whole_network_max_municipalities=2``
stand in for the whole country (the pages must not build its whole network).
Screenshots go to /tmp/shots for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.synthetic import municipality_codes

from tests.conftest import synthetic_country

SHOTS = Path("/tmp/shots")
LG = "https://w3id.org/plangraph/id/synthetic/lg/"
M2 = LG + municipality_codes(3)[1]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(live_server):
    from web import create_app

    app = create_app({"whole_network_max_municipalities": 2}, store=synthetic_country())
    yield live_server(app)
    app.extensions["plangraph.executor"].close()


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
