"""/search: folding full/half width, katakana/hiragana and case; JSON; the header box."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.store import EmbeddedStore

from graph.sources import ontology_files
from web import create_app

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pages" / "mini.trig"
PLAN = "https://w3id.org/plangraph/id/lg/111007/plan/digital-2021"


@pytest.fixture(scope="module")
def app():
    store = EmbeddedStore()
    for f in ontology_files():
        store.load_file(f)
    store.load_file(FIXTURE)
    return create_app({"TESTING": True}, store=store)


@pytest.fixture()
def client(app):
    """A fresh client per test: the language cookie must not leak between tests."""
    return app.test_client()


@pytest.mark.parametrize("q", ["ぎょうせい", "ギョウセイ", "ｷﾞｮｳｾｲ"])
def test_kana_and_width_folding(client, q):
    body = client.get("/search", query_string={"q": q}).get_data(as_text=True)
    assert 'href="/id/lg/111007/plan/digital-2021/measure/1"' in body
    assert "ギョウセイ手続のオンライン化" in body
    assert "施策" in body  # the hit's type, labelled in Japanese


@pytest.mark.parametrize("q", ["ＩＣＴ", "ICT", "ict"])
def test_latin_width_and_case_folding(client, q):
    data = client.get("/search.json", query_string={"q": q}).get_json()
    assert data["ok"] is True
    assert data["hits"][0]["iri"] == PLAN + "/measure/2"  # label starts with the text: ranked first
    assert data["hits"][0]["label"] == "ICT人材の育成"
    assert all("ict" in h["matched"].lower() for h in data["hits"])  # e.g. the ontology's "conflict"


def test_no_hits_and_empty_query(client):
    assert "該当するものはありません" in client.get("/search?q=存在しない").get_data(as_text=True)
    body = client.get("/search").get_data(as_text=True)
    assert 'id="q"' in body and "検索結果" not in body


def test_english_page_shows_english_labels(client):
    data = client.get("/search.json?q=てれわーく&lang=en").get_json()
    assert data["hits"][0]["label"] == "Telework"


def test_search_box_in_the_header_of_every_page(client):
    for url in ("/", "/query", "/dataset", "/id/lg/111007/plan/digital-2021"):
        body = client.get(url).get_data(as_text=True)
        assert 'role="search" action="/search"' in body and 'id="header-q"' in body, url


def test_query_text_is_escaped(client):
    body = client.get("/search", query_string={"q": "<b>x</b>"}).get_data(as_text=True)
    assert "<b>x</b>" not in body and "&lt;b&gt;x&lt;/b&gt;" in body


def test_many_hits_are_capped_with_a_notice():
    store = EmbeddedStore()
    store.load_data("\n".join(f'<https://ex.org/r{i}> <http://www.w3.org/2000/01/rdf-schema#label> "施策{i}"@ja .'
                              for i in range(80)), format="nt", graph="https://ex.org/g")
    c = create_app({"TESTING": True}, store=store).test_client()
    body = c.get("/search?q=施策").get_data(as_text=True)
    assert "上位 50 件を表示しています" in body and body.count('class="iri external"') == 50


def test_while_a_big_stores_index_is_built_the_page_says_so(monkeypatch):
    import threading

    import graph.search as gs
    import web.search as ws

    release, build = threading.Event(), gs.LabelIndex
    monkeypatch.setattr(gs, "LabelIndex", lambda store: release.wait(10) and build(store))
    monkeypatch.setattr(ws, "INDEX_WAIT_S", 0.05)
    store = EmbeddedStore()
    store.load_data('<https://ex.org/r> <http://www.w3.org/2000/01/rdf-schema#label> "施策"@ja .', format="nt",
                    graph="https://ex.org/g")
    c = create_app({"TESTING": True}, store=store).test_client()
    page = c.get("/search?q=施策")
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    body = page.get_data(as_text=True)
    assert 'id="index-building"' in body and 'value="施策"' in body  # the box keeps the words
    api = c.get("/search.json?q=施策")
    assert api.status_code == 503 and api.headers["Retry-After"] == "30"
    assert api.get_json()["ok"] is False and "being built" in api.get_json()["error"]
    release.set()
    for _ in range(100):
        page = c.get("/search?q=施策")
        if page.status_code == 200:
            break
        threading.Event().wait(0.05)
    assert page.status_code == 200 and "https://ex.org/r" in page.get_data(as_text=True)
