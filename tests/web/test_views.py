"""The network-view and report routes, through Flask's test client on the synthetic fixture."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from graph.store import EmbeddedStore

from graph.sources import ontology_files

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "views" / "sample-plan.trig"
BASE = "https://w3id.org/plangraph/id/"
PLAN = BASE + "lg/999990/plan/dx-2024"
XSS = PLAN + "/measure/99"
PG = "https://w3id.org/plangraph/ontology#"


def _store() -> EmbeddedStore:
    s = EmbeddedStore()
    for f in ontology_files():
        s.load_file(f)
    s.load_file(FIXTURE)
    s.load_data(f"""@prefix pg: <{PG}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{XSS}> a pg:Measure ; pg:partOfPlan <{PLAN}> ; rdfs:label "<img src=x onerror=alert(1)>"@ja ;
            pg:parentElement <{PLAN}/policy/2> .""", format="ttl", graph=BASE + "graph/test/xss")
    return s


@pytest.fixture(scope="module")
def store():
    return _store()


@pytest.fixture
def client(store):
    from web import create_app

    return create_app(store=store).test_client()


def _data(client, **params) -> dict:
    r = client.get("/views/data.json", query_string=params)
    assert r.status_code == 200
    return r.get_json()


def test_page_passes_data_as_json_block_and_no_inline_script(client):
    body = client.get("/views").get_data(as_text=True)
    assert '<script type="application/json" id="view-data">' in body
    assert "<img src=x" not in body  # escaped inside the JSON block and the selects
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag
    for tag in re.findall(r"<[a-zA-Z][^>]*>", body):  # real tags only: escaped labels are &lt;…
        assert not re.search(r"\son[a-z]+\s*=", tag) and " style=" not in tag, tag
    block = re.search(r'<script type="application/json" id="view-data">(.*?)</script>', body, re.S).group(1)
    data = json.loads(block)
    assert any(n["label"] == "<img src=x onerror=alert(1)>" for n in data["nodes"])
    assert "/static/vendor/vis-network/vis-network.min.js" in body


def test_data_has_layered_positions_and_entity_urls(client):
    d = _data(client, plan=PLAN)
    nodes = {n["id"]: n for n in d["nodes"]}
    assert nodes[PLAN + "/measure/1"]["url"] == "/id/lg/999990/plan/dx-2024/measure/1"
    assert nodes[PLAN + "/measure/1"]["x"] < nodes[PLAN + "/policy/1"]["x"] < nodes[PLAN + "/philosophy"]["x"]
    assert d["options"]["physics"]["enabled"] is False
    assert {e["relation"] for e in d["edges"]} >= {"supports", "parentElement", "goalOf", "upperPlan"}
    assert nodes[BASE + "jp/law/428AC1000000103"]["label"] == "官民データ活用推進基本法"


def test_language_choice(client):
    d = _data(client, plan=PLAN, lang="en")
    labels = {n["id"]: n["label"] for n in d["nodes"]}
    assert labels[PLAN + "/philosophy"] == "A convenient and safe Sample City"


def test_filters_narrow(client):
    ids = {n["id"] for n in _data(client, policy=PLAN + "/policy/2")["nodes"]}
    assert PLAN + "/measure/3" in ids and PLAN + "/measure/1" not in ids
    ids = {n["id"] for n in _data(client, upper=BASE + "lg/999990/plan/kurashi")["nodes"]}
    assert ids == {BASE + "lg/999990/plan/kurashi", BASE + "lg/999990/plan/kurashi/goal/1",
                   PLAN + "/policy/3", PLAN + "/measure/4"}


def test_ego_json(client):
    ids = {n["id"] for n in _data(client, node=PLAN + "/policy/1", depth=1)["nodes"]}
    assert ids == {PLAN + "/policy/1", PLAN + "/measure/1", PLAN + "/measure/2", PLAN + "/philosophy",
                   BASE + "lg/999990/plan/sogo/goal/1"}
    assert client.get("/views/data.json?node=x&depth=abc").status_code == 400
    page = client.get("/views/ego", query_string={"node": PLAN + "/policy/1", "depth": 1}).get_data(as_text=True)
    assert 'id="node-list"' in page and "くらしのデジタル化" in page


def _legend(page: str, which: str) -> list[str]:
    block = re.search(rf'<ul class="pg-legend" id="legend-{which}">(.*?)</ul>', page, re.S).group(1)
    return re.findall(r"</span>([^<]+)</li>", block)


def test_ego_legend_lists_only_what_it_shows(client):
    """It listed all 9 classes and 9 relations for a view of 5 nodes."""
    page = client.get("/views/ego", query_string={"node": PLAN + "/policy/1", "depth": 1}).get_data(as_text=True)
    assert _legend(page, "nodes") == ["施策", "基本方針", "基本理念", "上位計画の目標"]
    assert _legend(page, "edges") == ["資する", "上位要素"]
    # the whole legend is in the page's configuration, for classes an expansion brings in
    config = json.loads(re.search(r'<script type="application/json" id="view-config">(.*?)</script>', page,
                                  re.S).group(1))
    assert [n["label"] for n in config["legend"]["nodes"]][-3:] == ["法定計画の類型", "法令", "その他"]
    assert "観点を持つ" in [e["label"] for e in config["legend"]["edges"]]


def test_ego_of_an_unknown_node_says_so_once_and_draws_nothing(client):
    """It showed "no node given, or not in the graph" and "nothing matches these filters", and an
    empty node-list panel."""
    unknown = "https://example.org/<b>nothing</b>"
    r = client.get("/views/ego", query_string={"node": unknown})
    page = r.get_data(as_text=True)
    assert r.status_code == 404
    assert page.count('class="pg-message"') == 1 and 'id="ego-unknown"' in page
    assert "https://example.org/&lt;b&gt;nothing&lt;/b&gt;" in page and "<b>nothing" not in page
    for absent in ('id="view-empty"', 'id="node-list"', 'id="network"', 'id="legend"', 'id="view-data"',
                   "network.js"):
        assert absent not in page, absent
    assert 'name="node"' in page  # the form stays, to correct the IRI
    en = client.get("/views/ego", query_string={"node": unknown, "lang": "en"}).get_data(as_text=True)
    assert "is not in the network" in en
    # no node at all: a prompt, not an error
    r = client.get("/views/ego")
    assert r.status_code == 200 and 'id="ego-missing"' in r.get_data(as_text=True)
    assert r.get_data(as_text=True).count('class="pg-message"') == 1


def test_node_cap(store):
    from web import create_app

    c = create_app({"max_view_nodes": 5}, store=store).test_client()
    d = c.get("/views/data.json").get_json()
    assert d["capped"] and len(d["nodes"]) == 5 and d["total_nodes"] > 5
    assert "絞り込" in c.get("/views").get_data(as_text=True)


def test_turtle_download_is_the_view(client):
    r = client.get("/views/download.ttl", query_string={"policy": PLAN + "/policy/2"})
    assert r.mimetype == "text/turtle" and "attachment" in r.headers["Content-Disposition"]
    triples = {(t.subject.value, t.predicate.value, t.object.value)
               for t in ox.parse(r.data, format=ox.RdfFormat.TURTLE)}
    assert (PLAN + "/measure/3", PG + "parentElement", PLAN + "/policy/2") in triples
    assert not any(s == PLAN + "/measure/1" for s, _, _ in triples)


def test_graphml_download(client):
    r = client.get("/views/download.graphml", query_string={"plan": PLAN})
    G = nx.read_graphml(io.BytesIO(r.data))
    assert G.nodes[PLAN + "/measure/1"]["label_ja"] == "オンライン申請の拡大"


def _ttl_subjects_and_objects(resp) -> set[str]:
    return {t.value for tr in ox.parse(resp.data, format=ox.RdfFormat.TURTLE)
            for t in (tr.subject, tr.object) if isinstance(t, ox.NamedNode) and t.value.startswith(BASE)}


def test_ego_downloads_are_the_ego_view_and_follow_expansions(client):
    ego = {"node": PLAN + "/policy/1", "depth": 1}
    shown = {n["id"] for n in _data(client, **ego)["nodes"]}
    assert _ttl_subjects_and_objects(client.get("/views/download.ttl", query_string=ego)) == shown
    graphml = nx.read_graphml(io.BytesIO(client.get("/views/download.graphml", query_string=ego).data))
    assert set(graphml.nodes) == shown
    # the ego page links its downloads to the same neighbourhood
    page = client.get("/views/ego", query_string=ego).get_data(as_text=True)
    assert re.search(r'id="download-rdf" href="/views/download\.ttl\?[^"]*node=', page)
    # after "expand" on the goal, the page shows the goal's neighbours too, and so do the downloads
    goal = BASE + "lg/999990/plan/sogo/goal/1"
    expanded = {**ego, "expand": [goal]}
    more = shown | {n["id"] for n in _data(client, node=goal, depth=1)["nodes"]}
    assert BASE + "lg/999990/plan/sogo" in more - shown
    assert {n["id"] for n in _data(client, **expanded)["nodes"]} == more
    assert _ttl_subjects_and_objects(client.get("/views/download.ttl", query_string=expanded)) == more
    assert set(nx.read_graphml(io.BytesIO(client.get("/views/download.graphml", query_string=expanded).data))
               .nodes) == more


def test_reports_pages(client):
    assert "未着手の目標" in client.get("/reports/gaps", query_string={"plan": PLAN}).get_data(as_text=True)
    orphans = client.get("/reports/orphans", query_string={"plan": PLAN}).get_data(as_text=True)
    assert "どこにも属さない施策" in orphans and "窓口のキャッシュレス化" not in orphans
    page = client.get("/reports/coverage", query_string={"plan": PLAN}).get_data(as_text=True)
    assert "住み続けたいまち" in page and "◎ 直接" in page and "<img src=x" not in page
    rows = list(csv.reader(io.StringIO(client.get("/reports/coverage.csv", query_string={"plan": PLAN})
                                       .get_data().decode("utf-8-sig"))))
    assert rows[0][0] == "要素" and any(r[0] == "1 オンライン申請の拡大" for r in rows)
    j = client.get("/reports/coverage.json", query_string={"plan": PLAN}).get_json()
    assert any(g["label"] == "2 未着手の目標" for g in j["goals"])
    assert client.get("/reports/gaps.json", query_string={"plan": PLAN}).get_json()["gaps"][0]["iri"] \
        == BASE + "lg/999990/plan/senryaku/goal/2"


def test_explain_page(client):
    page = client.get("/reports/explain", query_string={
        "element": PLAN + "/measure/1", "goal": BASE + "lg/999990/plan/sogo/goal/1"}).get_data(as_text=True)
    assert "オンライン申請の拡大" in page and "—上位要素→" in page and "—資する→" in page
    none = client.get("/reports/explain", query_string={
        "element": PLAN + "/measure/5", "goal": BASE + "lg/999990/plan/sogo/goal/1"}).get_data(as_text=True)
    assert 'id="no-path"' in none
    assert client.get("/reports/explain?element=x").status_code == 400


def test_view_follows_store_changes():
    """A write through the store shows in the next view, without waiting (graph.memo)."""
    from web import create_app

    s = _store()
    c = create_app(store=s).test_client()
    new = PLAN + "/measure/77"
    assert new not in {n["id"] for n in _data(c)["nodes"]}
    s.load_data(f"""@prefix pg: <{PG}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{new}> a pg:Measure ; pg:partOfPlan <{PLAN}> ; rdfs:label "追加された施策"@ja ;
            pg:parentElement <{PLAN}/policy/1> .""", format="ttl", graph=BASE + "graph/test/new")
    assert new in {n["id"] for n in _data(c)["nodes"]}
