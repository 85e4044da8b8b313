"""Network views: styling, layered layout, narrowing, ego, cap, downloads — on small hand-built graphs."""

from __future__ import annotations

import io
import json

import networkx as nx
import pyoxigraph as ox

from graph import network as nw

PG = "https://w3id.org/plangraph/ontology#"


def _graph() -> nx.DiGraph:
    """Two measures under one policy, one under another; policies → philosophy; goals → upper plans."""
    G = nx.DiGraph()
    nodes = [
        ("m1", "Measure", "施策1", "Measure 1", "p"), ("m2", "Measure", "施策2", "Measure 2", "p"),
        ("m3", "Measure", "施策3", "Measure 3", "p"), ("pol1", "BasicPolicy", "方針1", "Policy 1", "p"),
        ("pol2", "BasicPolicy", "方針2", "Policy 2", "p"), ("phil", "BasicPhilosophy", "理念", "Philosophy", "p"),
        ("g1", "Goal", "目標1", "Goal 1", None), ("g2", "Goal", "目標2", "Goal 2", None),
        ("g3", "Goal", "目標3", "", None),
        ("u1", "Strategy", "戦略", "Strategy", None), ("u2", "ComprehensivePlan", "総合計画", "Comprehensive plan", None),
        ("p", "SectorPlan", "本計画", "The plan", None), ("type", "StatutoryPlanType", "類型", "Type", None),
        ("law", "Law", "法律", "Act", None),
    ]
    for n, kind, ja, en, plan in nodes:
        G.add_node(n, kind=kind, label_ja=ja, label_en=en, plan=plan, notation=None)
    edges = [("m1", "pol1", "parentElement"), ("m2", "pol1", "parentElement"), ("m3", "pol2", "parentElement"),
             ("pol1", "phil", "parentElement"), ("pol2", "phil", "parentElement"),
             ("m1", "g1", "supports"), ("pol2", "g2", "supports"), ("phil", "g1", "supports"),
             ("g1", "u1", "goalOf"), ("g2", "u2", "goalOf"), ("g3", "u2", "goalOf"),
             ("p", "u1", "upperPlan"), ("p", "u2", "upperPlan"), ("p", "type", "designatedAs"),
             ("type", "law", "legalBasis")]
    for u, v, r in edges:
        G.add_edge(u, v, relation=r)
    for n in ("m1", "m2", "m3", "pol1", "pol2", "phil"):
        G.add_edge(n, "p", relation="partOfPlan")
    return G


def test_styles_by_class_and_relation():
    v = nw.build_view(_graph(), lang="ja")
    by_id = {n["id"]: n for n in v.nodes}
    assert by_id["m1"]["color"] == nw.KIND_STYLE["measure"]["color"]
    assert by_id["u2"]["kind"] == "plan" and by_id["u2"]["shape"] == "diamond"
    assert by_id["law"]["shape"] == "triangle"
    rel = {(e["from"], e["to"]): e for e in v.edges}
    assert rel[("m1", "g1")]["dashes"] is False and rel[("g1", "u1")]["dashes"] is True
    assert rel[("m1", "g1")]["color"]["color"] != rel[("m1", "pol1")]["color"]["color"]
    assert {e["relation"] for e in v.legend["edges"]} >= {"supports", "parentElement", "goalOf"}
    assert [n["kind"] for n in v.legend["nodes"]][:3] == ["measure", "basicpolicy", "basicphilosophy"]


def test_labels_in_the_chosen_language_with_fallback():
    ja = {n["id"]: n["label"] for n in nw.build_view(_graph(), lang="ja").nodes}
    en = {n["id"]: n["label"] for n in nw.build_view(_graph(), lang="en").nodes}
    assert ja["pol1"] == "方針1" and en["pol1"] == "Policy 1"
    assert en["g3"] == "目標3"  # no English label: falls back to Japanese


def test_tooltip_is_plain_text_and_carries_labels_verbatim():
    G = _graph()
    G.nodes["m1"]["label_ja"] = '<img src=x onerror=alert(1)>'
    G.nodes["m1"]["label_en"] = '<a href="javascript:alert(2)">x</a>'
    v = nw.build_view(G, lang="ja")
    m1 = next(n for n in v.nodes if n["id"] == "m1")
    # Text, not markup: the page hands it to vis-network, which sets innerText.
    assert m1["label"] == '<img src=x onerror=alert(1)>'
    assert m1["title"].splitlines()[0] == '<img src=x onerror=alert(1)>'
    assert '<a href="javascript:alert(2)">x</a>' in m1["title"].splitlines()
    assert json.loads(json.dumps(v.to_json()))["nodes"][0]["title"]


def test_layers_run_left_to_right_and_physics_is_off():
    v = nw.build_view(_graph())
    x = {n["id"]: n["x"] for n in v.nodes}
    assert x["m1"] < x["pol1"] < x["phil"] < x["g1"] < x["u1"] < x["type"] < x["law"]
    assert x["u1"] == x["p"]  # all plans share a column
    assert v.options["physics"]["enabled"] is False


def _crossings(G, pos, a_kind, b_kind):
    edges = [(u, v) for u, v in G.edges if nw.kind_key(G.nodes[u]["kind"]) == a_kind
             and nw.kind_key(G.nodes[v]["kind"]) == b_kind]
    return sum(1 for (a, b) in edges for (c, d) in edges
               if (pos[a][1] - pos[c][1]) * (pos[b][1] - pos[d][1]) < 0)


def test_barycentre_removes_crossings_of_a_crossed_bipartite_layer():
    G = nx.DiGraph()
    for i in range(6):
        G.add_node(f"m{i}", kind="Measure", label_ja=f"a{i}")
        G.add_node(f"p{i}", kind="BasicPolicy", label_ja=f"b{5 - i}")  # sorted start order is reversed
        G.add_edge(f"m{i}", f"p{i}", relation="parentElement")
    pos = nw.layered_positions(G)
    assert _crossings(G, pos, "measure", "basicpolicy") == 0


def test_narrow_by_policy_keeps_its_chain_only():
    sub = nw.narrow(_graph(), policy="pol2")
    assert set(sub) == {"pol2", "m3", "phil", "g2", "u2", "g1", "u1"}
    assert "m1" not in sub and "p" not in sub  # partOfPlan is not walked


def test_narrow_by_upper_plan():
    sub = nw.narrow(_graph(), upper_plan="u2")
    assert set(sub) == {"u2", "g2", "g3", "pol2", "m3"}


def test_narrow_by_plan_and_combination():
    G = _graph()
    G.add_node("other", kind="Measure", label_ja="他計画の施策", plan="q")
    G.add_edge("other", "g3", relation="supports")
    assert "other" not in nw.narrow(G, plan="p") and "m2" in nw.narrow(G, plan="p")
    assert set(nw.narrow(G, plan="p", policy="pol1")) == {"pol1", "m1", "m2", "phil", "g1", "u1"}


def test_ego_depth():
    G = _graph()
    assert set(nw.ego(G, "pol1", 1)) == {"pol1", "m1", "m2", "phil", "p"}
    assert "g1" in nw.ego(G, "pol1", 2) and "g1" not in nw.ego(G, "pol1", 1)
    assert len(nw.ego(G, "missing", 2)) == 0


def test_cap_keeps_upper_layers_and_says_how_to_narrow():
    v = nw.build_view(_graph(), max_nodes=5)
    assert v.capped and len(v.nodes) == 5 and v.total_nodes == 14
    assert {n["kind"] for n in v.nodes} <= {"law", "statutoryplantype", "plan"}
    assert "絞り込" in v.message and "Narrow" not in v.message  # in the page's language only
    assert "Narrow" in nw.build_view(_graph(), max_nodes=5, lang="en").message
    assert all(e["from"] in {n["id"] for n in v.nodes} for e in v.edges)


def test_entity_url_is_attached():
    v = nw.build_view(_graph(), entity_url=lambda iri: "/id/" + iri if iri.startswith("m") else None)
    urls = {n["id"]: n["url"] for n in v.nodes}
    assert urls["m1"] == "/id/m1" and urls["law"] is None


def test_big_graph_goes_straight_into_lists():
    G = nx.DiGraph()
    for i in range(3000):
        G.add_node(f"n{i}", kind="Measure", label_ja=str(i))
    assert len(nw.build_view(G, max_nodes=5000).nodes) == 3000


def test_turtle_and_graphml_of_the_view():
    G = nx.DiGraph()
    G.add_node("https://ex.org/m", kind="Measure", label_ja="施策", label_en="Measure", plan=None)
    G.add_node("https://ex.org/g", kind="Goal", label_ja="目標", label_en=None)
    G.add_edge("https://ex.org/m", "https://ex.org/g", relation="supports")
    triples = set(ox.parse(nw.view_turtle(G), format=ox.RdfFormat.TURTLE))
    assert ox.Triple(ox.NamedNode("https://ex.org/m"), ox.NamedNode(PG + "supports"),
                     ox.NamedNode("https://ex.org/g")) in {ox.Triple(t.subject, t.predicate, t.object) for t in triples}
    assert ox.Triple(ox.NamedNode("https://ex.org/m"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode(PG + "Measure")) in {ox.Triple(t.subject, t.predicate, t.object) for t in triples}
    H = nx.read_graphml(io.BytesIO(nw.view_graphml(G)))
    assert H.nodes["https://ex.org/m"]["label_ja"] == "施策"
    assert H.edges["https://ex.org/m", "https://ex.org/g"]["relation"] == "supports"
    assert "label_en" not in H.nodes["https://ex.org/g"]


def test_tall_layer_wraps_into_sub_columns_left_of_the_next_layer():
    G = nx.DiGraph()
    G.add_node("pol", kind="BasicPolicy", label_ja="方針")
    for i in range(500):
        G.add_node(f"m{i}", kind="Measure", label_ja=f"施策{i}")
        G.add_edge(f"m{i}", "pol", relation="parentElement")
    pos = nw.layered_positions(G)
    xs = {pos[f"m{i}"][0] for i in range(500)}
    ys = [pos[f"m{i}"][1] for i in range(500)]
    assert len(xs) > 1  # wrapped
    assert max(xs) < pos["pol"][0]  # the whole measure band stays left of the policies
    assert max(ys) - min(ys) < 500 * nw._Y_GAP / len(xs) + nw._Y_GAP
    assert len({pos[n] for n in G}) == len(G)  # no two nodes on one spot


def test_a_shape_with_its_label_below_and_a_two_line_label_fit_in_one_row_gap():
    """Plans (diamonds) stack in one column; vis-network draws their labels below the shape.
    At the default size (25) a two-line label ran into the next plan's diamond."""
    v = nw.build_view(_graph(), lang="ja")
    font = v.options["nodes"]["font"]["size"]
    for n in v.nodes:
        if n["shape"] in ("diamond", "hexagon", "triangle", "dot"):
            assert 2 * n["size"] + 2 * 1.25 * font + 8 <= nw._Y_GAP, n
