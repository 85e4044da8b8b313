"""The network views in headless Chromium, offline: they render, run no label as script,
open a node's page on click, and expand the ego view."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from graph.store import EmbeddedStore

from graph.sources import ontology_files

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parent / "fixtures" / "views" / "sample-plan.trig"
SHOTS = Path("/tmp/shots")
BASE = "https://w3id.org/plangraph/id/"
PLAN = BASE + "lg/999990/plan/dx-2024"
XSS = PLAN + "/measure/99"
XSS_LABEL = "<img src=x onerror=alert(1)>"
XSS_TITLE = '<a href="javascript:alert(2)" onmouseover="alert(3)">href</a>'

pytestmark = pytest.mark.browser



def _store() -> EmbeddedStore:
    s = EmbeddedStore()
    for f in ontology_files():
        s.load_file(f)
    s.load_file(FIXTURE)
    # A hostile measure: its labels are markup that must stay text everywhere.
    title = XSS_TITLE.replace('"', '\\"')
    s.load_data(f"""
        @prefix pg: <https://w3id.org/plangraph/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{XSS}> a pg:Measure ; pg:partOfPlan <{PLAN}> ; rdfs:label "{XSS_LABEL}"@ja , "{title}"@en ;
            pg:parentElement <{PLAN}/policy/2> ; pg:supports <{BASE}lg/999990/plan/senryaku/goal/1> .
        """, format="ttl", graph=BASE + "graph/test/xss")
    return s


@pytest.fixture(scope="module")
def server(live_server):
    from web import create_app

    app = create_app(store=_store())

    @app.after_request
    def strict_csp(response):  # the app's own policy wins; this is the floor the views must live under
        response.headers.setdefault("Content-Security-Policy", "default-src 'self'; script-src 'self'; "
                                    "style-src 'self'; img-src 'self' data:; connect-src 'self'")
        return response

    yield live_server(app)
    app.extensions["plangraph.executor"].close()


def _ready(pg):
    pg.wait_for_selector("#network[data-ready='1']", timeout=10_000)


def _node_point(pg, node_id: str) -> tuple[float, float]:
    """Where a node is drawn, in page coordinates; brought into view first, as a person would pan
    to it (a big view starts at a readable scale that shows part of it)."""
    return tuple(pg.evaluate("""(id) => {
        const c = document.getElementById('network'); const net = c.pgNetwork;
        let p = net.canvasToDOM(net.getPositions([id])[id]);
        if (p.x < 0 || p.y < 0 || p.x > c.clientWidth || p.y > c.clientHeight) {
            net.focus(id, {scale: net.getScale(), animation: false});
            p = net.canvasToDOM(net.getPositions([id])[id]);
        }
        const r = c.getBoundingClientRect();
        return [r.left + p.x, r.top + p.y]; }""", node_id))


def _more_nodes_than(pg, n: int) -> None:
    pg.wait_for_function("(n) => Number(document.getElementById('network').getAttribute('data-nodes')) > n",
                         arg=n, timeout=10_000)


def test_alignment_view_renders_offline(server, page):
    page.goto(server + "/views?plan=" + PLAN)
    _ready(page)
    assert page.locator("#network canvas").count() == 1
    n = int(page.get_attribute("#network", "data-nodes"))
    assert n > 10
    with page.expect_download() as dl:
        page.click("#download-png")
    assert dl.value.suggested_filename == "plangraph-view.png"
    assert Path(dl.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.blocked == [] and page.errors == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "views-alignment.png"), full_page=True)


def test_hostile_label_runs_nothing(server, page):
    page.goto(server + "/views/ego?depth=1&node=" + XSS)
    _ready(page)
    x, y = _node_point(page, XSS)
    page.mouse.move(x, y)
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
    tip = page.locator("div.vis-tooltip")
    assert XSS_LABEL in tip.inner_text()
    assert tip.locator("img, a").count() == 0
    # the node list shows the label as text too
    assert page.locator("#node-list").get_by_text(XSS_LABEL).count() == 1
    page.goto(server + "/views/ego?lang=en&depth=1&node=" + XSS)
    _ready(page)
    x, y = _node_point(page, XSS)
    page.mouse.move(x, y)
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
    assert "href" in page.locator("div.vis-tooltip").inner_text()
    page.mouse.move(x + 1, y + 1)
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"], a[href^=\"javascript\"]').length") == 0
    assert page.errors == [] and page.blocked == []


def test_clicking_a_node_opens_its_page(server, page):
    node = PLAN + "/measure/1"
    page.goto(server + "/views?plan=" + PLAN)
    _ready(page)
    x, y = _node_point(page, node)
    page.mouse.click(x, y)
    page.wait_for_url("**/id/lg/999990/plan/dx-2024/measure/1", timeout=10_000)
    assert urlparse(page.url).path == "/id/lg/999990/plan/dx-2024/measure/1"


def test_ego_view_expands_on_click(server, page):
    page.goto(server + "/views/ego?depth=1&node=" + PLAN + "/policy/1")
    _ready(page)
    before = int(page.get_attribute("#network", "data-nodes"))
    assert page.locator("#legend-nodes li").all_inner_texts() == ["施策", "基本方針", "基本理念", "上位計画の目標"]
    goal = BASE + "lg/999990/plan/sogo/goal/1"
    page.locator(f"#node-list button[data-node='{goal}']").click()
    _more_nodes_than(page, before)
    ids = page.evaluate("document.getElementById('network').pgNetwork.body.data.nodes.getIds()")
    assert BASE + "lg/999990/plan/sogo" in ids  # the goal's upper plan came in
    # and the legend names its class and the goal's line to it, in legend order
    assert page.locator("#legend-nodes li").all_inner_texts() == ["施策", "基本方針", "基本理念", "上位計画の目標", "計画"]
    assert "目標を掲げる計画" in page.locator("#legend-edges li").all_inner_texts()
    # the RDF download now holds exactly the nodes the page shows, the expanded ones included
    with page.expect_download() as dl:
        page.click("#download-rdf")
    import pyoxigraph as ox  # noqa: PLC0415

    in_rdf = {t.value for tr in ox.parse(path=dl.value.path(), format=ox.RdfFormat.TURTLE)
              for t in (tr.subject, tr.object) if isinstance(t, ox.NamedNode) and t.value.startswith(BASE)}
    assert in_rdf == set(ids)
    # click-to-expand on the canvas itself
    page.check("#click-expands")
    n = int(page.get_attribute("#network", "data-nodes"))
    x, y = _node_point(page, BASE + "lg/999990/plan/sogo")
    page.mouse.click(x, y)
    _more_nodes_than(page, n)
    assert page.url.startswith(server + "/views/ego")  # expanded, did not navigate
    assert page.errors == [] and page.blocked == []
    page.screenshot(path=str(SHOTS / "views-ego-expanded.png"), full_page=True)


def test_typing_in_the_page_is_not_taken_by_the_network(server, page):
    # vis-network's window-wide keyboard bindings would swallow + - [ ] while someone types a search.
    page.goto(server + "/views")
    _ready(page)
    page.click("#header-q")
    page.keyboard.type("a-b+c [x]")
    assert page.input_value("#header-q") == "a-b+c [x]"
