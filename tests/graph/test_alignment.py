"""Alignment analysis on a synthetic fixture with known answers and on the real Saitama graph."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import graph.alignment as alignment
import graph.queries
from graph.alignment import (alignment_graph, ancestors, coverage, coverage_matrix, ego, elements, explain, gaps,
                             goals, orphans, outline)
from graph.queries import run_named
from graph.store import EmbeddedStore

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "alignment" / "two-plans.ttl"
T = "https://w3id.org/plangraph/id/test/alignment/"
ID = "https://w3id.org/plangraph/id/"
CITY = ID + "lg/111007/plan/"
DIGITAL = CITY + "digital-2021"


def short(nodes):
    return [n[len(T):] for n in nodes]


@pytest.fixture(scope="module")
def store():
    s = EmbeddedStore()
    s.load_file(FIXTURE)
    return s


@pytest.fixture(scope="module")
def G(store):
    return alignment_graph(store)


@pytest.mark.parametrize("module", [alignment, graph.queries], ids=lambda m: m.__name__)
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_fixture_is_marked_synthetic():
    text = FIXTURE.read_text(encoding="utf-8")
    assert text.count("pg:synthetic true") >= 5


# --- the graph ---------------------------------------------------------------------------

def test_nodes_carry_kind_labels_plan_and_notation(G):
    m1 = G.nodes[T + "dx-measure-1"]
    assert m1 == {"kind": "Measure", "label_ja": "オンライン申請", "label_en": "Online applications",
                  "plan": T + "dx", "notation": "1"}
    assert G.nodes[T + "sogo-goal-2"]["plan"] == T + "sogo"
    assert G.nodes[T + "senryaku"]["kind"] == "Strategy"
    assert G.nodes[T + "law"]["label_ja"] == "架空データ活用法"


def test_edges_point_up_the_chain_with_their_relation(G):
    rel = {(u[len(T):], v[len(T):]): r for u, v, r in G.edges(data="relation")}
    assert rel["dx-measure-1", "dx-policy-2"] == "parentElement"
    assert rel["dx-project-1", "dx-measure-1"] == "parentElement"  # from pg:hasProject
    assert rel["dx-measure-1", "senryaku-goal-1"] == "supports"
    assert rel["senryaku-goal-1", "senryaku"] == "goalOf"
    assert rel["dx", "senryaku"] == "upperPlan"
    assert rel["dx", "plan-type"] == "designatedAs"
    assert rel["plan-type", "law"] == "legalBasis"
    assert rel["dx-policy-1", "dx-viewpoint-1"] == "viewpoint"
    assert rel["dx-philosophy", "dx"] == "partOfPlan"
    assert rel["dx-policy-3", "dx"] == "partOfPlan"  # a root element hangs on its plan
    assert ("dx-measure-1", "dx") not in rel  # non-root elements reach it through their parents


def test_plan_scope_keeps_one_plan_and_its_upper_plans(store):
    H = alignment_graph(store, plan=T + "kyoiku")
    assert set(short(H)) == {"kyoiku", "kyoiku-policy-1", "senryaku", "senryaku-goal-1", "senryaku-goal-2"}
    D = alignment_graph(store, plan=T + "dx")
    assert "kyoiku-policy-1" not in short(D)
    assert {"sogo-goal-2", "senryaku-goal-2", "law", "plan-type", "dx-project-1"} <= set(short(D))


def test_elements_and_goals_in_order(G):
    # document order: each policy followed by its measures, each measure by its projects
    assert short(elements(G)) == ["dx-philosophy", "dx-policy-1", "dx-measure-2", "dx-policy-2", "dx-measure-1",
                                  "dx-project-1", "dx-policy-3", "dx-measure-3", "kyoiku-policy-1"]
    assert short(goals(G)) == ["senryaku-goal-1", "senryaku-goal-2", "sogo-goal-1", "sogo-goal-2"]
    assert short(ancestors(G, T + "dx-project-1")) == ["dx-measure-1", "dx-policy-2", "dx-philosophy"]


def test_outline_nests_and_numbers_from_the_data(G):
    rows = {short([e.element])[0]: (e.depth, e.parent and short([e.parent])[0], e.notation) for e in outline(G)}
    assert rows["dx-measure-1"] == (2, "dx-policy-2", "1")
    assert rows["dx-project-1"] == (3, "dx-measure-1", "1-1")  # unique: kept as the data writes it
    assert rows["kyoiku-policy-1"] == (0, None, "(1)")  # (1) of another plan: no clash


def test_outline_qualifies_a_number_that_repeats_with_its_parents():
    s = EmbeddedStore()
    s.load_data("""@prefix pg: <https://w3id.org/plangraph/ontology#> . @prefix : <https://example.org/> .
        :m1 a pg:Measure ; pg:partOfPlan :p ; pg:notation "1-1" .
        :m2 a pg:Measure ; pg:partOfPlan :p ; pg:notation "１-２" .
        :m10 a pg:Measure ; pg:partOfPlan :p ; pg:notation "1-10" .
        :m1p1 a pg:Project ; pg:partOfPlan :p ; pg:parentElement :m1 ; pg:notation "1" .
        :m2p1 a pg:Project ; pg:partOfPlan :p ; pg:parentElement :m2 ; pg:notation "1" .
        :m2p2 a pg:Project ; pg:partOfPlan :p ; pg:parentElement :m2 ; pg:notation "2" .
        :m10p1 a pg:Project ; pg:partOfPlan :p ; pg:parentElement :m10 ; pg:notation "1" .
        :loose a pg:Project ; pg:partOfPlan :p .""", format="ttl", graph="https://example.org/g")
    rows = [(e.element.rsplit("/", 1)[1], e.depth, e.notation) for e in outline(alignment_graph(s))]
    assert rows == [("m1", 0, "1-1"), ("m1p1", 1, "1-1-1"), ("m2", 0, "１-２"), ("m2p1", 1, "１-２-1"),
                    ("m2p2", 1, "１-２-2"), ("m10", 0, "1-10"), ("m10p1", 1, "1-10-1"), ("loose", 0, None)]


# --- the analysis ------------------------------------------------------------------------

def test_coverage(G):
    cov = {g[len(T):]: short(es) for g, es in coverage(G).items()}
    assert cov == {
        "sogo-goal-1": ["dx-philosophy", "dx-policy-1", "dx-measure-2", "dx-policy-2", "dx-measure-1",
                        "dx-project-1"],
        "sogo-goal-2": [],
        "senryaku-goal-1": ["dx-policy-2", "dx-measure-1", "dx-project-1"],
        "senryaku-goal-2": ["kyoiku-policy-1"],
    }


def test_coverage_matrix(G):
    m = coverage_matrix(G)
    cell = {(r[len(T):], c[len(T):]): m.cells[i][j] for i, r in enumerate(m.rows) for j, c in enumerate(m.columns)}
    assert len(m.cells) == len(m.rows) == 9 and all(len(row) == len(m.columns) == 4 for row in m.cells)
    assert cell["dx-measure-1", "senryaku-goal-1"] == "direct"
    assert cell["dx-project-1", "senryaku-goal-1"] == "inherited"
    assert cell["dx-measure-2", "sogo-goal-1"] == "inherited"
    assert cell["dx-philosophy", "sogo-goal-1"] == "direct"
    assert cell["dx-policy-2", "sogo-goal-1"] == "inherited"
    assert {cell["dx-policy-3", g] for g in short(m.columns)} == {None}
    assert {cell[e, "sogo-goal-2"] for e in short(m.rows)} == {None}


def test_gaps(G):
    assert short(gaps(G)) == ["sogo-goal-2"]
    assert short(gaps(G, plan=T + "dx")) == ["senryaku-goal-2", "sogo-goal-2"]
    assert short(gaps(G, plan=T + "kyoiku")) == ["senryaku-goal-1"]
    assert gaps(G, plan=T + "no-such-plan") == []


def test_gaps_agree_with_the_named_query(store, G):
    answer = run_named(store, "gaps", {}).dicts()
    by_plan: dict[str, set[str]] = {}
    for r in answer:
        by_plan.setdefault(r["plan"].value, set()).add(r["goal"].value)
    for plan in (T + "dx", T + "kyoiku"):
        assert by_plan[plan] == set(gaps(G, plan=plan))


def test_orphans(G):
    assert short(orphans(G)) == ["dx-policy-3", "dx-measure-3"]
    assert short(orphans(G, inherited=False)) == ["dx-policy-1", "dx-measure-2", "dx-project-1", "dx-policy-3",
                                                  "dx-measure-3"]


def test_orphans_agree_with_the_named_query(store, G):
    answer = {r["element"].value for r in run_named(store, "orphans", {}).dicts()}
    assert answer == set(orphans(G))


def test_explain(G):
    paths = explain(G, T + "dx-project-1", T + "senryaku-goal-1")
    assert [[(s[len(T):], r, o[len(T):]) for s, r, o in p] for p in paths] == [
        [("dx-project-1", "parentElement", "dx-measure-1"), ("dx-measure-1", "supports", "senryaku-goal-1")],
        [("dx-project-1", "parentElement", "dx-measure-1"), ("dx-measure-1", "parentElement", "dx-policy-2"),
         ("dx-policy-2", "supports", "senryaku-goal-1")],
    ]
    (only,) = explain(G, T + "dx-measure-2", T + "sogo-goal-1")
    assert [r for _, r, _ in only] == ["parentElement", "parentElement", "supports"]
    assert explain(G, T + "dx-policy-3", T + "sogo-goal-1") == []
    assert explain(G, T + "dx-measure-1", T + "sogo-goal-2") == []
    assert explain(G, T + "nothing", T + "sogo-goal-1") == []


def test_ego(G):
    assert set(short(ego(G, T + "dx-policy-2", 1))) == {"dx-policy-2", "dx-philosophy", "dx-measure-1",
                                                        "senryaku-goal-1"}
    two = ego(G, T + "dx-policy-2", 2)
    assert {"dx", "senryaku", "dx-project-1", "sogo-goal-1", "dx-policy-1"} <= set(short(two))
    assert set(short(ego(G, T + "dx-policy-2", 0))) == {"dx-policy-2"}
    assert len(ego(G, T + "nothing", 2)) == 0


# --- the real Saitama graph -----------------------------------------------------------------

@pytest.fixture(scope="module")
def saitama(saitama_store):
    return alignment_graph(saitama_store)


def label(G, n):
    return G.nodes[n]["label_ja"]


def test_saitama_policies_serve_the_goals_the_text_names(saitama):
    direct = {label(saitama, e): sorted(label(saitama, v) for _, v, r in saitama.out_edges(e, data="relation")
                                        if r == "supports")
              for e in elements(saitama)}
    assert direct == {
        "上質な生活都市さいたま市": ["上質な生活都市", "未来に引き継ぐための持続可能なまちづくりを進める"],
        "上質な生活環境": ["上質な暮らしを実現できる都市", "安心減災都市", "産業創出による経済活性化"],
        "上質な行政サービス": ["市民・企業から選ばれる都市へ"],
        "上質な行政経営": ["高品質経営市役所への転換"],
    }
    (path,) = explain(saitama, DIGITAL + "/policy/3", CITY + "shiawase-baizo-2017/goal/1")
    assert [(label(saitama, s), r, label(saitama, o)) for s, r, o in path] == [
        ("上質な行政経営", "supports", "高品質経営市役所への転換")]
    assert label(saitama, CITY + "shiawase-baizo-2017") == "しあわせ倍増プラン2017"
    assert saitama.edges[CITY + "shiawase-baizo-2017/goal/1", CITY + "shiawase-baizo-2017"]["relation"] == "goalOf"


def test_saitama_comprehensive_plan_goals_are_served_by_the_philosophy(saitama):
    cov = coverage(saitama)
    for goal in (CITY + "sogo-shinko/goal/1", CITY + "sogo-shinko/goal/2"):
        assert [label(saitama, e) for e in cov[goal]] == ["上質な生活都市さいたま市", "上質な生活環境", "上質な行政サービス",
                                                            "上質な行政経営"]
    m = coverage_matrix(saitama)
    row = m.rows.index(DIGITAL + "/policy/2")
    assert m.cells[row][m.columns.index(CITY + "sogo-shinko/goal/1")] == "inherited"
    assert m.cells[row][m.columns.index(CITY + "seicho-kasokuka/goal/1")] == "direct"
    (path,) = explain(saitama, DIGITAL + "/policy/2", CITY + "sogo-shinko/goal/1")
    assert [(label(saitama, s), r) for s, r, _ in path] == [("上質な行政サービス", "parentElement"),
                                                          ("上質な生活都市さいたま市", "supports")]


def test_saitama_gaps_and_orphans(saitama):
    assert gaps(saitama) == []  # every goal Chapter 1 names is drawn on by the philosophy or a policy
    assert gaps(saitama, plan=DIGITAL) == []
    # The fourth information plan has 総合振興計画 as upper plan but no elements in the graph.
    assert sorted(label(saitama, g) for g in gaps(saitama, plan=CITY + "johoka-4")) == [
        "上質な生活都市", "未来に引き継ぐための持続可能なまちづくりを進める"]
    assert orphans(saitama) == []  # Chapter 1 states no measures, and every policy supports a goal
    assert len(coverage_matrix(saitama).columns) == 7


def test_saitama_plan_scope(saitama_store):
    D = alignment_graph(saitama_store, plan=DIGITAL)
    assert {label(D, n) for n in D if D.nodes[n]["kind"] in ("Strategy", "ComprehensivePlan")} == {
        "さいたま市総合振興計画", "しあわせ倍増プラン2017", "さいたま市成長加速化戦略", "さいたま市まち・ひと・しごと創生総合戦略"}
    assert D.edges[DIGITAL, ID + "jp/plan-type/kanmin-data-katsuyo-suishin-keikaku"]["relation"] == "designatedAs"
    assert label(D, ID + "jp/law/428AC1000000103") == "官民データ活用推進基本法"
    assert not any(n.startswith(CITY + "johoka") for n in D)


def test_coverage_agrees_with_the_goal_support_query(store, G):
    for goal, elements_ in coverage(G).items():
        answer = {r["element"].value for r in run_named(store, "goal-support", {"goal": goal}).dicts()}
        assert answer == set(elements_), goal


def test_coverage_matrix_agrees_with_the_coverage_query(store, G):
    for plan in (T + "dx", T + "kyoiku"):
        answer = {(r["element"].value, r["goal"].value, r["how"].value)
                  for r in run_named(store, "coverage", {"plan": plan}).dicts()}
        # a cell may be reached both directly and through a parent: the matrix says "direct"
        best = {}
        for e, g, how in answer:
            best[e, g] = "direct" if "direct" in (how, best.get((e, g))) else how
        m = coverage_matrix(G)
        expected = {(e, g): m.cells[i][j] for i, e in enumerate(m.rows) for j, g in enumerate(m.columns)
                    if m.cells[i][j] and G.nodes[e]["plan"] == plan}
        assert best == expected, plan


@pytest.mark.parametrize("which", ["fixture", "saitama"])
def test_in_alignment_graph_agrees_with_the_built_graph(which, store, saitama_store):
    """The one-node question answers exactly like membership in the whole graph, for every IRI."""
    from graph.alignment import in_alignment_graph

    s = store if which == "fixture" else saitama_store
    built = alignment_graph(s)
    iris = {q.subject.value for q in s.quads() if hasattr(q.subject, "value") and q.subject.value.startswith("http")}
    iris |= {q.object.value for q in s.quads() if type(q.object).__name__ == "NamedNode"}
    members = {i for i in iris if i in built}
    assert members and len(members) < len(iris)  # both answers occur
    assert {i for i in iris if in_alignment_graph(s, i)} == members
