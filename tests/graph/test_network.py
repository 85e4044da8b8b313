"""Network views: styling, layered layout, narrowing, ego, cap, downloads — on small hand-built graphs."""

from __future__ import annotations

import io
import json

import networkx as nx
import pytest
import pyoxigraph as ox

from graph import drawing, layout
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
    # the plan sits right of the upper plans it names (beside its plan type), not in their column
    assert x["u1"] == x["u2"] < x["p"] < x["type"]
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
    assert max(ys) - min(ys) < 500 * layout.Y_GAP / len(xs) + layout.Y_GAP
    assert len({pos[n] for n in G}) == len(G)  # no two nodes on one spot


def test_a_shape_with_its_label_below_and_a_two_line_label_fit_in_one_row_gap():
    """Plans (diamonds) stack in one column; vis-network draws their labels below the shape.
    At the default size (25) a two-line label ran into the next plan's diamond."""
    v = nw.build_view(_graph(), lang="ja")
    font = v.options["nodes"]["font"]["size"]
    for n in v.nodes:
        if n["shape"] in ("diamond", "hexagon", "triangle", "dot"):
            assert 2 * n["size"] + 2 * 1.25 * font + 8 <= layout.Y_GAP, n


# --- edges kept off the nodes they do not connect ------------------------------------------------

def _through(G, pos=None):
    """The (edge, node) pairs of a view drawn as the page draws it, with the labels it shows."""
    pos = pos or nw.layered_positions(G)
    return drawing.edges_through_nodes(G, pos, nw.node_boxes(G), curved=nw.curved_edges(G))


def _policy_with_one_of_each() -> nx.DiGraph:
    """A policy with one viewpoint, one philosophy and one goal: each alone in its class, as in
    the Saitama plan's ego view of (3) 上質な行政経営 at depth 1."""
    G = nx.DiGraph()
    for n, kind, ja in [("pol", "BasicPolicy", "(3) 上質な行政経営"), ("vp", "Viewpoint", "行政経営"),
                        ("phil", "BasicPhilosophy", "上質な生活都市さいたま市"), ("g", "Goal", "高品質経営市役所への転換")]:
        G.add_node(n, kind=kind, label_ja=ja)
    G.add_edge("pol", "vp", relation="viewpoint")
    G.add_edge("pol", "phil", relation="parentElement")
    G.add_edge("pol", "g", relation="supports")
    return G


def test_an_edge_that_skips_a_class_passes_beside_its_nodes_not_through_them():
    """Each node alone in its class used to get y = 0: the policy's edges to the philosophy and the
    goal ran through the viewpoint and the philosophy, reading "viewpoint → philosophy → goal"."""
    G = _policy_with_one_of_each()
    for compact in (True, False):
        pos = nw.layered_positions(G, compact=compact)
        assert _through(G, pos) == []
        assert pos["pol"][0] < pos["vp"][0] < pos["phil"][0] < pos["g"][0]
        # the policy's three edges fan out: each passes the nodes between its ends half a row away
        for u, v in G.edges:
            for w in G:
                if w not in (u, v) and pos[u][0] < pos[w][0] < pos[v][0]:
                    at, _ = drawing.y_span(pos[u], pos[v], pos[w][0], pos[w][0], True)
                    assert abs(at - pos[w][1]) >= layout.Y_GAP / 2, (u, v, w)


def test_edge_checker_sees_an_edge_through_a_node():
    G = _policy_with_one_of_each()
    in_a_row = {n: (x, 0.0) for n, x in zip(("pol", "vp", "phil", "g"), (0, 260, 520, 780))}
    assert {(u, v, w) for u, v, w in _through(G, in_a_row)} == {("pol", "phil", "vp"), ("pol", "g", "vp"),
                                                               ("pol", "g", "phil")}


def test_plans_naming_upper_plans_are_not_stacked_in_one_column():
    """Plans and their upper plans shared one column, and the 上位計画 edges ran down it through
    every plan between: one could not tell which plan names which."""
    G = nx.DiGraph()
    uppers = [f"u{i}" for i in range(4)]
    lowers = [f"p{i}" for i in range(4)]
    for n in uppers + lowers:
        G.add_node(n, kind="ComprehensivePlan" if n in uppers else "SectorPlan", label_ja=f"計画{n}")
    for i, p in enumerate(lowers):
        for u in uppers[i % 2::2]:
            G.add_edge(p, u, relation="upperPlan")
        G.add_node(f"g{i}", kind="Goal", label_ja=f"目標{i}")
        G.add_edge(f"g{i}", uppers[i], relation="goalOf")
    G.add_node("t", kind="StatutoryPlanType", label_ja="類型")
    G.add_edge("p0", "t", relation="designatedAs")
    pos = nw.layered_positions(G, compact=True)
    assert len({pos[u][0] for u in uppers}) == 1 and len({pos[p][0] for p in lowers}) == 1
    assert pos["g0"][0] < pos["u0"][0] < pos["p0"][0] < pos["t"][0]
    assert _through(G, pos) == []


def test_a_cycle_within_a_class_does_not_break_the_layout():
    G = nx.DiGraph()
    for n in "abc":
        G.add_node(n, kind="SectorPlan", label_ja=n)
    G.add_edges_from([("a", "b"), ("b", "c"), ("c", "a")], relation="upperPlan")
    pos = nw.layered_positions(G)
    assert len({pos[n] for n in G}) == 3


@pytest.fixture(scope="module")
def saitama_and_sample(saitama_and_sample_store):
    """The alignment network the app serves with ``--with-sample``: the Saitama plan and the sample city."""
    from graph.alignment import alignment_graph

    return alignment_graph(saitama_and_sample_store)


SAITAMA_PLAN = "https://w3id.org/plangraph/id/lg/111007/plan/digital-2021"


@pytest.mark.parametrize("view", ["ego 1", "ego 3", "plan", "whole"])
def test_no_edge_runs_through_a_node_in_the_saitama_views(saitama_and_sample, view):
    """The views the UI review found edges drawn over nodes in: the policy's neighbourhood,
    the Saitama plan and the whole network (54 nodes, every plan of the sample too)."""
    G = saitama_and_sample
    sub = {"ego 1": lambda: nw.ego(G, SAITAMA_PLAN + "/policy/3", 1),
           "ego 3": lambda: nw.ego(G, SAITAMA_PLAN + "/policy/3", 3),
           "plan": lambda: nw.narrow(G, plan=SAITAMA_PLAN), "whole": lambda: G}[view]()
    v = nw.build_view(sub, compact=not view.startswith("ego"))
    pos = {n["id"]: (n["x"], n["y"]) for n in v.nodes}
    assert len(pos) == len(sub) > 3
    assert _through(sub, pos) == []
    assert len({y for _, y in pos.values()}) > 2  # not one line


def test_wrapped_band_deals_its_nodes_to_sub_columns_in_turn():
    """A wrapped band keeps its order across sub-columns (node i in column i mod cols), so edges
    from one sub-column pass between the rows of the next rather than along them: about half the
    edges through nodes of wrapping in blocks, on the synthetic plans of 130-400 nodes."""
    G = nx.DiGraph()
    G.add_node("pol", kind="BasicPolicy", label_ja="方針")
    for i in range(80):
        G.add_node(f"m{i:02}", kind="Measure", label_ja=f"施策{i:02}")
        G.add_edge(f"m{i:02}", "pol", relation="parentElement")
    layer = {n: nw.KIND_STYLE[nw.kind_key(k)]["layer"] for n, k in G.nodes(data="kind")}
    pos = layout.layered_positions(G, layer, passes=0)
    ms = sorted((n for n in G if n != "pol"), key=lambda n: pos[n][1])
    columns = sorted({pos[n][0] for n in ms})
    assert len(columns) == 3
    assert [pos[n][0] for n in ms[:6]] == columns * 2  # dealt in turn
    assert len({pos[n] for n in G}) == len(G)


# --- the legend -------------------------------------------------------------------------------

def test_no_relation_is_named_like_a_class():
    """The ego legend showed 観点 and 事業 twice, once as a node kind and once as a line."""
    for lang in ("ja", "en"):
        kinds = {s[lang] for s in nw.KIND_STYLE.values()}
        relations = {s[lang] for s in nw.RELATION_STYLE.values()}
        assert not kinds & relations, lang
    assert nw.RELATION_STYLE["viewpoint"]["ja"] == "観点を持つ" and nw.RELATION_STYLE["hasProject"]["ja"] == "事業を持つ"


def test_a_views_legend_lists_the_classes_and_relations_it_shows():
    v = nw.build_view(_policy_with_one_of_each())
    assert [n["kind"] for n in v.legend["nodes"]] == ["basicpolicy", "viewpoint", "basicphilosophy", "goal"]
    assert [e["relation"] for e in v.legend["edges"]] == ["supports", "parentElement", "viewpoint"]
    every = nw.full_legend("en")  # what an expanding page picks from
    assert {n["kind"] for n in every["nodes"]} == set(nw.KIND_STYLE)
    assert {e["relation"] for e in every["edges"]} == set(nw.RELATION_STYLE)
