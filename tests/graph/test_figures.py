"""Figures 1–4 rebuilt from the graph hold exactly the rows the graph implies.

Expectations come from the Chapter 1 text (in Japanese) and from independent
SPARQL over the same store, never from the figure functions' own output.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph import figures as fig
from graph.errors import NotFound
from graph.store import EmbeddedStore

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parent / "fixtures" / "views" / "sample-plan.trig"
BASE = "https://w3id.org/plangraph/id/"
SAITAMA = BASE + "lg/111007/plan/digital-2021"
SAMPLE = BASE + "lg/999990/plan/dx-2024"
PG = "PREFIX pg: <https://w3id.org/plangraph/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "


@pytest.fixture(scope="module")
def sample_store():
    s = EmbeddedStore()
    s.load_file(FIXTURE)
    return s


def _col(store, query: str) -> set:
    return {row[0].value for row in store.query(PG + query).rows}


# --- 図表1 ---------------------------------------------------------------------

def test_figure1_saitama_position(saitama_store):
    groups = fig.figure1(saitama_store, SAITAMA)
    labels = {role: {it["label"] for it in items} for role, items in groups.items()}
    assert labels["upper"] == {"さいたま市総合振興計画", "しあわせ倍増プラン2017", "さいたま市成長加速化戦略",
                               "さいたま市まち・ひと・しごと創生総合戦略"}
    assert labels["law"] == {"官民データ活用推進基本法"}
    assert groups["law"][0]["law_number"] == "平成28年法律第103号"
    assert labels["type"] == {"官民データ活用推進計画"}
    assert labels["plan"] == {"さいたま市行政デジタル化計画"}
    assert labels["action"] == {"さいたま市行政デジタル化計画アクション・プラン"}
    assert labels["previous"] == {"第四次さいたま市情報化計画"}


def test_figure1_items_are_what_the_graph_says(saitama_store):
    groups = fig.figure1(saitama_store, SAITAMA)
    iris = {role: {it["iri"] for it in items} for role, items in groups.items()}
    assert iris["upper"] == _col(saitama_store, f"SELECT ?u WHERE {{ <{SAITAMA}> pg:upperPlan ?u }}")
    assert iris["previous"] == _col(saitama_store, f"SELECT ?p WHERE {{ <{SAITAMA}> pg:succeeds ?p }}")
    assert iris["law"] == _col(saitama_store, f"SELECT ?l WHERE {{ <{SAITAMA}> pg:designatedAs/pg:legalBasis ?l }}")


def test_figure1_empty_roles_stay_present(sample_store):
    groups = fig.figure1(sample_store, BASE + "lg/999990/plan/sogo")
    assert set(groups) == set(fig.ROLES)
    assert groups["upper"] == [] and groups["law"] == []
    assert [it["label"] for it in groups["plan"]] == ["見本市総合計画"]


# --- 図表2 ---------------------------------------------------------------------

def test_figure2_saitama_follows_the_text(saitama_store):
    rows = fig.figure2(saitama_store, SAITAMA)
    pairs = {r.upper_label: [e["label"] for e in r.elements] for r in rows}
    # 2節 2-1 and 2-2 (1)–(3): the text's pairing, not the printed table's.
    assert pairs == {
        "さいたま市総合振興計画": ["上質な生活都市さいたま市"],
        "さいたま市まち・ひと・しごと創生総合戦略": ["上質な生活環境"],
        "さいたま市成長加速化戦略": ["上質な行政サービス"],
        "しあわせ倍増プラン2017": ["上質な行政経営"],
    }
    # reading order of the plan: philosophy, then (1), (2), (3)
    assert [r.upper_label for r in rows] == ["さいたま市総合振興計画", "さいたま市まち・ひと・しごと創生総合戦略",
                                             "さいたま市成長加速化戦略", "しあわせ倍増プラン2017"]
    machi = next(r for r in rows if r.upper_label.startswith("さいたま市まち"))
    assert set(machi.goals) == {"産業創出による経済活性化", "上質な暮らしを実現できる都市", "安心減災都市"}
    sogo = next(r for r in rows if r.upper_label == "さいたま市総合振興計画")
    assert {"都市インフラの整備", "災害対策", "新たな産業の創出"} <= set(sogo.keywords)


def test_figure2_pairs_equal_the_supports_triples(saitama_store):
    rows = fig.figure2(saitama_store, SAITAMA)
    got = {(r.upper, e["iri"]) for r in rows for e in r.elements}
    expected = {(row[0].value, row[1].value) for row in saitama_store.query(PG + f"""
        SELECT DISTINCT ?u ?e WHERE {{ <{SAITAMA}> pg:upperPlan ?u . ?g pg:goalOf ?u .
          ?e pg:supports ?g ; pg:partOfPlan <{SAITAMA}> .
          FILTER EXISTS {{ {{ ?e a pg:BasicPhilosophy }} UNION {{ ?e a pg:BasicPolicy }} }} }}""").rows}
    assert got == expected and len(got) == 4


def test_figure2_conflicts_are_shown(saitama_store):
    conflicts = fig.figure2_conflicts(saitama_store, SAITAMA)
    iris = {c["iri"] for c in conflicts}
    assert iris == _col(saitama_store, "SELECT ?c WHERE { ?c a pg:SourceConflict }")
    row4 = next(c for c in conflicts if c["iri"].endswith("fig2-row4"))
    assert row4["figure"] == "図表2"
    assert "しあわせ倍増プラン" in row4["text_says"]
    assert row4["resolution"].startswith("本文が優先")
    assert "上質な行政経営" in row4["subjects"]


def test_figure2_sample_gap_goal_has_no_element(sample_store):
    rows = {r.upper_label: r for r in fig.figure2(sample_store, SAMPLE)}
    assert rows["見本市成長戦略"].goals == ["選ばれる都市", "未着手の目標"]
    assert [e["label"] for e in rows["見本市成長戦略"].elements] == ["行政サービスのデジタル化"]
    assert [e["label"] for e in rows["見本市総合計画"].elements] == ["便利で安心な見本市", "くらしのデジタル化"]


# --- 図表3 ---------------------------------------------------------------------

def test_figure3_saitama_has_no_measures(saitama_store):
    tree = fig.figure3(saitama_store, SAITAMA)
    assert [ph["label"] for ph in tree] == ["上質な生活都市さいたま市"]
    policies = tree[0]["policies"]
    assert [(p["notation"], p["label"], p["viewpoint"]) for p in policies] == [
        ("(1)", "上質な生活環境", "生活環境"), ("(2)", "上質な行政サービス", "行政サービス"),
        ("(3)", "上質な行政経営", "行政経営")]
    assert fig.measure_count(tree) == 0
    assert _col(saitama_store, f"SELECT ?m WHERE {{ ?m a pg:Measure ; pg:partOfPlan <{SAITAMA}> }}") == set()


def test_figure3_sample_measures_under_their_policies(sample_store):
    tree = fig.figure3(sample_store, SAMPLE)
    got = {(p["label"], m["label"]) for p in tree[0]["policies"] for m in p["measures"]}
    expected = {(row[0].value, row[1].value) for row in sample_store.query(PG + """
        SELECT ?pl ?ml WHERE { ?m a pg:Measure ; pg:parentElement ?p ; rdfs:label ?ml . ?p rdfs:label ?pl
          FILTER(LANG(?ml) = "ja" && LANG(?pl) = "ja") }""").rows}
    assert got == expected
    assert ("くらしのデジタル化", "オンライン申請の拡大") in got and fig.measure_count(tree) == 4


# --- 図表4 ---------------------------------------------------------------------

def test_figure4_saitama_timeline(saitama_store):
    t = fig.figure4(saitama_store, SAITAMA)
    assert t.years == [2021, 2022, 2023, 2024, 2025]
    assert [y["both"] for y in t.labels()] == ["令和3年度 (2021)", "令和4年度 (2022)", "令和5年度 (2023)",
                                               "令和6年度 (2024)", "令和7年度 (2025)"]
    plan = [r for r in t.rows if r.role == "plan"]
    assert [(r.label, r.start, r.end) for r in plan] == [("さいたま市行政デジタル化計画", 2021, 2025)]
    aligned = [r for r in t.rows if r.role == "aligned"]
    assert [(r.start, r.end) for r in aligned] == [(2021, 2025)]
    assert "実施計画" in aligned[0].label and "総合振興計画" in aligned[0].label
    reviews = {r.label: r for r in t.rows if r.role == "review"}
    annual = next(r for label, r in reviews.items() if "アクション・プラン" in label)
    assert annual.frequency == "毎年" and annual.marks == [2021, 2022, 2023, 2024, 2025]
    nxt = next(r for label, r in reviews.items() if "次期計画" in label)
    assert nxt.marks == [2025]  # 令和7年度


def test_figure4_rows_match_the_graph(saitama_store):
    t = fig.figure4(saitama_store, SAITAMA)
    reviews = _col(saitama_store, f"""SELECT ?r WHERE {{ {{ <{SAITAMA}> pg:review ?r }} UNION
        {{ <{SAITAMA}> pg:concretizedBy/pg:review ?r }} }}""")
    assert {r.iri for r in t.rows if r.role == "review"} == reviews


def test_figure4_sample_spans_its_years(sample_store):
    t = fig.figure4(sample_store, SAMPLE)
    assert t.years == [2024, 2025, 2026, 2027]
    assert t.labels()[0]["ja"] == "令和6年度"
    assert {r.label: r.marks for r in t.rows if r.role == "review"} == {
        "アクション・プランの見直し": [2024, 2025, 2026, 2027], "次期計画の検討": [2027]}


def test_unknown_figure_is_not_found():
    with pytest.raises(NotFound):
        fig.figure_info(5)


def test_figure2_conflicts_name_their_subjects_in_the_page_language(saitama_store):
    """The English page said "Concerns: 上質な暮らしを実現できる都市、上質な行政経営…" although each has an English label."""
    en = {c["iri"]: c["subjects"] for c in fig.figure2_conflicts(saitama_store, SAITAMA, lang="en")}
    ja = {c["iri"]: c["subjects"] for c in fig.figure2_conflicts(saitama_store, SAITAMA)}
    row4 = next(iri for iri in en if iri.endswith("fig2-row4"))
    assert "High-quality administrative management" in en[row4] and "上質な行政経営" in ja[row4]
    assert en.keys() == ja.keys() and all(len(en[k]) == len(ja[k]) for k in en)
    assert not any(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", s) for subjects in en.values() for s in subjects)



def test_figure2_conflicts_fall_back_to_japanese_without_an_english_label():
    s = EmbeddedStore()
    s.load_data("""@prefix pg: <https://w3id.org/plangraph/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix : <https://example.org/> .
        :plan a pg:SectorPlan ; pg:synthetic true .
        :policy a pg:BasicPolicy ; pg:partOfPlan :plan ; rdfs:label "和名だけの方針"@ja .
        :policy2 a pg:BasicPolicy ; pg:partOfPlan :plan ; rdfs:label "二つ目の方針"@ja , "Second policy"@en .
        :c a pg:SourceConflict ; pg:conflictSubject :policy , :policy2 ; pg:textSays "本文"@ja .""",
                format="ttl", graph="https://example.org/g")
    (c,) = fig.figure2_conflicts(s, "https://example.org/plan", lang="en")
    assert sorted(c["subjects"]) == ["Second policy", "和名だけの方針"]


def test_a_plan_that_is_not_in_the_graph_is_not_found(saitama_store):
    # It was drawn as six empty boxes, read as "the graph says nothing of its position".
    assert fig.require_plan(saitama_store, SAITAMA) == SAITAMA
    for iri in ("https://example.org/x", SAITAMA + "/policy/3"):  # unknown, and not a plan
        with pytest.raises(NotFound) as err:
            fig.require_plan(saitama_store, iri)
        assert err.value.status == 404
        assert err.value.text("ja").startswith(f"グラフには計画 <{iri}> がありません")
        assert err.value.text("en").startswith(f"the graph holds no plan <{iri}>")


def test_the_plan_check_knows_every_kind_of_plan_the_ontology_defines():
    from rdflib import Graph, Namespace, RDFS

    from graph.queries import get_query

    pg = Namespace("https://w3id.org/plangraph/ontology#")
    onto = Graph().parse(HERE.parents[1] / "ontology" / "plangraph.ttl")
    kinds = {str(c).split("#")[1] for c in onto.transitive_subjects(RDFS.subClassOf, pg.Plan)}
    listed = set(re.findall(r"pg:(\w+)", get_query("_is-plan").text.split("FILTER", 1)[1]))
    assert listed == kinds
