"""QA findings that only a browser shows: a phone-wide (390 px) page must not scroll sideways.

Wide content (tables, the query editor) scrolls inside its own box; the page itself stays
as wide as the screen, so a planner on a phone never loses the header or the form.
"""

from __future__ import annotations


import pytest

pytestmark = pytest.mark.browser

SAITAMA = "https://w3id.org/plangraph/id/lg/111007/plan/digital-2021"


@pytest.fixture(scope="module")
def server(saitama_store, live_server):
    """The app on the Saitama graph, served by waitress on a free loopback port."""
    from web import create_app

    app = create_app({}, store=saitama_store)
    yield live_server(app)
    app.extensions["plangraph.executor"].close()


@pytest.fixture(scope="module")
def phone(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale="ja-JP")
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1:")
               else route.abort())  # as on LGWAN: nothing off this machine
    yield page
    context.close()


@pytest.mark.parametrize("path", ["/views", f"/views/ego?node={SAITAMA}", "/figures", "/figures/1", "/figures/4",
                                  "/figures/2?lang=en", "/figures/3?lang=en",
                                  "/reports", "/reports/coverage", "/reports/explain", "/import", "/"])
def test_no_sideways_scrolling_on_a_phone(server, phone, path):
    phone.goto(server + path, wait_until="load")
    width = phone.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{path}: page is {width[0]} px wide on a {width[1]} px screen"


def test_ego_node_list_buttons_name_their_node(server, phone):
    """Five "展開" buttons in a row mean nothing to a screen reader unless each says which node."""
    phone.goto(server + f"/views/ego?node={SAITAMA}&depth=1&lang=ja", wait_until="load")
    phone.wait_for_selector("#node-list button.pg-expand")
    names = phone.eval_on_selector_all("#node-list button.pg-expand", "bs => bs.map(b => b.getAttribute('aria-label'))")
    assert "展開: さいたま市行政デジタル化計画" in names
    links = phone.eval_on_selector_all("#node-list a", "as => as.map(a => a.getAttribute('aria-label'))")
    assert "ページ: さいたま市行政デジタル化計画" in links


def _contrast(rgb: str, against=(255, 255, 255)) -> float:
    import re

    def lum(c):
        c = [v / 255 for v in c]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    a, b = lum([int(x) for x in re.findall(r"\d+", rgb)[:3]]), lum(against)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def test_keyboard_focus_ring_is_visible_on_the_white_page(server, phone):
    """WCAG 1.4.11: the focus indicator needs 3:1 against white (the yellow alone is 1.7:1)."""
    phone.goto(server + "/reports?lang=ja", wait_until="load")
    phone.focus("main a")
    phone.keyboard.press("Tab")
    style = phone.evaluate("() => { const s = getComputedStyle(document.activeElement); "
                           "return [document.activeElement.tagName, s.outlineStyle, s.outlineColor]; }")
    assert style[1] == "solid" and _contrast(style[2]) >= 3, style


LONG_TTL = """
@prefix pg: <https://w3id.org/plangraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/plangraph/id/test/measure/long> a pg:Measure ;
  rdfs:label "市民一人ひとりが安心して快適に暮らし続けることができる持続可能で質の高い行政サービスを実現するための全庁的なデジタルトランスフォーメーション推進体制の構築"@ja ;
  pg:description "https://example.jp/a/very/long/address/without/spaces/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"@ja ;
  pg:partOfPlan <https://w3id.org/plangraph/id/test/plan> ;
  pg:supports <https://w3id.org/plangraph/id/test/goal/1> .
<https://w3id.org/plangraph/id/test/plan> a pg:SectorPlan ; rdfs:label "テスト計画"@ja .
<https://w3id.org/plangraph/id/test/goal/1> a pg:Goal ; rdfs:label "安心して暮らせるまち"@ja .
"""


@pytest.fixture(scope="module")
def long_server(live_server):
    """A tiny store whose labels and values are long and unbroken, as real plan text can be."""
    from graph.store import EmbeddedStore
    from graph.sources import ontology_files
    from web import create_app

    store = EmbeddedStore()
    for f in ontology_files():
        store.load_file(f)
    store.load_data(LONG_TTL, format="ttl", graph="https://w3id.org/plangraph/id/graph/test")
    app = create_app({}, store=store)
    yield live_server(app)
    app.extensions["plangraph.executor"].close()


def test_long_unbroken_values_wrap_on_a_phone(long_server, phone):
    phone.goto(long_server + "/id/test/measure/long?lang=ja", wait_until="load")
    assert "推進体制の構築" in phone.inner_text("h1")
    width = phone.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"entity page is {width[0]} px wide on a {width[1]} px screen"


def test_expand_buttons_keep_their_text_on_one_line_beside_a_long_label(long_server, phone):
    phone.set_viewport_size({"width": 1280, "height": 900})
    try:
        phone.goto(long_server + "/views/ego?node=https://w3id.org/plangraph/id/test/measure/long&depth=1&lang=ja",
                   wait_until="load")
        phone.wait_for_selector("#node-list button.pg-expand")
        heights = phone.eval_on_selector_all(
            "#node-list button.pg-expand",
            "bs => bs.map(b => [b.getBoundingClientRect().height, parseFloat(getComputedStyle(b).lineHeight) || 16])")
        assert all(h < 2.5 * line for h, line in heights), heights  # one line of text plus padding
    finally:
        phone.set_viewport_size({"width": 390, "height": 800})


def test_png_download_has_a_white_background(server, phone, tmp_path):
    """A transparent PNG pasted on a dark slide hides every dark label."""
    import struct
    import zlib

    phone.goto(server + "/views?lang=ja", wait_until="load")
    phone.wait_for_selector("#network[data-ready]")
    with phone.expect_download() as download:
        phone.click("#download-png")
    path = tmp_path / "view.png"
    download.value.save_as(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # first pixel of the first row (RGBA, filter byte first): opaque white
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", data[pos + 8:pos + 18])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    assert colour == 6 and depth == 8  # RGBA
    assert tuple(raw[1:5]) == (255, 255, 255, 255)


def test_import_problems_stand_out_like_an_error(saitama_store, phone, live_server, tmp_path_factory):
    """A planner must see at once that nothing was imported: the problem list is boxed like an error."""
    from web import create_app

    app = create_app({"update_token": "t", "import_dir": str(tmp_path_factory.mktemp("imports"))},
                     store=saitama_store)
    url = live_server(app)
    try:
        phone.goto(f"{url}/import?lang=ja", wait_until="load")
        phone.set_input_files("#file", files=[{"name": "wrong.csv", "mimeType": "text/csv",
                                               "buffer": "a,b,c\n1,2,3\n".encode()}])
        phone.fill("#token", "t")
        phone.click(".import-form button[type=submit]")
        phone.wait_for_selector(".problems")
        bg = phone.eval_on_selector(".problems", "e => getComputedStyle(e).backgroundColor")
        assert bg not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"), bg
        assert "必須の列「区分」がありません" in phone.inner_text(".problems")
    finally:
        app.extensions["plangraph.executor"].close()


def test_query_editor_line_numbers_and_brackets_are_readable(server, phone):
    phone.goto(server + "/query?lang=ja", wait_until="load")
    phone.wait_for_selector(".CodeMirror-linenumber")
    for selector in (".CodeMirror-linenumber", ".cm-bracket"):
        colour = phone.eval_on_selector(selector, "e => getComputedStyle(e).color")
        assert _contrast(colour) >= 4.5, (selector, colour)


def test_views_without_javascript_point_to_the_table(server, phone):
    context = phone.context.browser.new_context(java_script_enabled=False, locale="ja-JP")
    try:
        page = context.new_page()
        page.goto(server + "/views?lang=ja", wait_until="load")
        assert "JavaScript が必要です" in page.inner_text("#network")
        assert page.get_attribute("#network noscript a, #network a", "href").startswith("/reports/coverage")
    finally:
        context.close()


def test_zoom_buttons_enlarge_and_refit_the_drawing(server, phone):
    """Fitted to the page, a large network's labels are tiny; a mouse-less user needs buttons to zoom."""
    phone.set_viewport_size({"width": 1280, "height": 900})
    try:
        phone.goto(server + "/views?lang=ja", wait_until="load")
        phone.wait_for_selector("#network[data-ready]")
        scale = "() => document.getElementById('network').pgNetwork.getScale()"
        first = phone.evaluate(scale)  # readable (10 px labels), larger than a fit of the whole network
        phone.focus("#zoom-in")
        phone.keyboard.press("Enter")
        assert phone.evaluate(scale) > first * 1.4
        phone.click("#zoom-out")
        phone.click("#zoom-out")
        assert phone.evaluate(scale) < first
        phone.click("#zoom-fit")
        fitted = phone.evaluate(scale)
        assert fitted <= first
        # back to the whole network: what vis-network's own fit gives
        assert abs(phone.evaluate("() => { const n = document.getElementById('network').pgNetwork; "
                                  "n.fit({animation: false}); return n.getScale(); }") - fitted) < 1e-6
    finally:
        phone.set_viewport_size({"width": 390, "height": 800})
