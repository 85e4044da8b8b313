"""Coverage, gaps, orphans and explanations on the synthetic fixture, whose answers are known by construction."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from graph.errors import NotFound, ParameterError
from graph import reports as rp
from graph.store import EmbeddedStore

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "views" / "sample-plan.trig"
BASE = "https://w3id.org/plangraph/id/lg/999990/plan/"
PLAN = BASE + "dx-2024"


@pytest.fixture(scope="module")
def store():
    s = EmbeddedStore()
    s.load_file(FIXTURE)
    return s


def test_gaps_are_the_unserved_goal(store):
    gaps = rp.gaps_report(store, plan=PLAN)
    assert [(g["label"], [u["label"] for u in g["upper"]]) for g in gaps] == [("2 未着手の目標", ["見本市成長戦略"])]


def test_orphans_inherited_and_own(store):
    assert [o["label"] for o in rp.orphans_report(store, plan=PLAN)] == ["5 どこにも属さない施策"]
    own = {o["label"] for o in rp.orphans_report(store, plan=PLAN, inherited=False)}
    assert own == {"4 方針を通じて資する施策", "5 どこにも属さない施策"}
    assert all(o["kind"] == "施策" for o in rp.orphans_report(store, plan=PLAN))


def test_coverage_matrix_cells(store):
    r = rp.coverage_report(store, plan=PLAN)
    goal = {c["label"]: i for i, c in enumerate(r.columns)}
    cell = {row["label"]: row["cells"] for row in r.rows}
    sumi = goal["1 住み続けたいまち"]
    assert cell["1 オンライン申請の拡大"][sumi] == "direct"
    assert cell["(2) 行政サービスのデジタル化"][sumi] == "inherited"  # through the philosophy
    assert cell["4 方針を通じて資する施策"][goal["1 働きやすい市役所"]] == "inherited"  # through policy (3)
    assert all(c is None for c in cell["5 どこにも属さない施策"])
    assert all(row["cells"][goal["2 未着手の目標"]] is None for row in r.rows)
    assert [row["label"] for row in r.rows][0] == "便利で安心な見本市"  # philosophy first


def test_coverage_csv_and_json(store):
    r = rp.coverage_report(store, plan=PLAN)
    data = r.to_csv()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["要素", "種類"] and "見本市総合計画: 1 住み続けたいまち" in rows[0]
    measure1 = next(x for x in rows if x[0] == "1 オンライン申請の拡大")
    assert measure1[rows[0].index("見本市総合計画: 1 住み続けたいまち")] == "◎ 直接"
    j = r.to_json()
    m1 = next(e for e in j["elements"] if e["iri"] == PLAN + "/measure/1")
    assert m1["cells"][BASE + "sogo/goal/1"] == "direct"
    assert len(j["goals"]) == 4


def test_csv_neutralises_formula_labels():
    s = EmbeddedStore()
    s.load_data(f"""@prefix pg: <https://w3id.org/plangraph/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{BASE}x> a pg:SectorPlan . <{BASE}x/m> a pg:Measure ; pg:partOfPlan <{BASE}x> ;
        rdfs:label "=HYPERLINK(\\"http://evil\\")"@ja .""", format="ttl", graph="https://ex.org/g")
    text = rp.coverage_report(s).to_csv().decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_explain_paths(store):
    e = rp.explain_report(store, PLAN + "/measure/3", BASE + "senryaku/goal/1")
    assert [[(s["from"]["label"], s["relation"], s["to"]["label"]) for s in p] for p in e["paths"]] == [
        [("3 窓口のキャッシュレス化", "supports", "1 選ばれる都市")],
        [("3 窓口のキャッシュレス化", "parentElement", "(2) 行政サービスのデジタル化"),
         ("(2) 行政サービスのデジタル化", "supports", "1 選ばれる都市")]]
    assert rp.explain_report(store, PLAN + "/measure/5", BASE + "sogo/goal/1")["paths"] == []


def test_explain_names_the_parameter_that_is_not_an_iri(store):
    # The review met "parameter n (節点)": the name of an internal query's parameter.
    with pytest.raises(ParameterError) as err:
        rp.explain_report(store, "abc", BASE + "sogo/goal/1")
    assert err.value.parameter == "element" and "parameter n " not in err.value.message
    assert err.value.text("ja").startswith("パラメータ element（要素）の値「abc」は")
    with pytest.raises(ParameterError) as err:  # was accepted, and answered "no path"
        rp.explain_report(store, PLAN + "/measure/3", "abc")
    assert err.value.parameter == "goal" and err.value.text("en").startswith("parameter goal (Upper-plan goal)")


@pytest.mark.parametrize("element, goal, word", [
    ("https://example.org/nowhere", BASE + "sogo/goal/1", "element"),
    (PLAN + "/measure/3", "https://example.org/no-goal", "goal"),
])
def test_explain_says_when_the_element_or_goal_is_not_in_the_data(store, element, goal, word):
    with pytest.raises(NotFound) as err:  # not "no path", which a planner reads as "not aligned"
        rp.explain_report(store, element, goal)
    assert err.value.status == 404 and f"the {word} <" in err.value.text("en")
    assert "整合性ネットワークにもありません" in err.value.text("ja")


def test_labels_in_english(store):
    gaps = rp.gaps_report(store, plan=PLAN, lang="en")
    assert gaps[0]["label"] == "2 An unserved goal" and gaps[0]["kind"] == "Upper-plan goal"


# --- document order on the synthetic sample city (data/sample) --------------------------------

SAMPLE_CITY = "https://w3id.org/plangraph/id/synthetic/lg/990019/"
ACTION_PLAN = SAMPLE_CITY + "plan/digital-2024/action-plan"


@pytest.fixture(scope="module")
def sample_city():
    from graph.sources import data_files, ontology_files

    root = Path(__file__).resolve().parents[2]
    s = EmbeddedStore()
    for f in [*ontology_files(), *data_files([root / "data" / "sample"])]:
        s.load_file(f)
    return s


def test_coverage_rows_follow_the_document_policy_measure_project(sample_city):
    """Every project sits right under its measure and says so in its number: project 1 of measure 1-2
    reads 1-2-1, not a bare "1" sorted among the first projects of every other measure."""
    r = rp.coverage_report(sample_city, municipality=SAMPLE_CITY.rstrip("/"))
    labels = [row["label"] for row in r.rows]
    assert labels[:9] == ["デジタルでつながる、やさしいまち", "(1) 暮らしのデジタル化", "1-1 地域のデジタル相談窓口",
                          "1-1-1 スマホ教室の開催", "1-1-2 デジタル支援員の配置", "1-2 防災情報の多チャンネル配信",
                          "1-2-1 防災アプリの提供", "(2) 行政サービスのデジタル化", "2-1 オンライン申請の拡充"]
    by_iri = {row["iri"]: row for row in r.rows}
    for row in r.rows:
        if row["kind"] == "事業":  # each project right after its measure or a sibling project
            assert row["parent"] == ACTION_PLAN.rsplit("/", 1)[0] + "/measure/" + row["notation"].rsplit("-", 1)[0]
            assert by_iri[row["parent"]]["depth"] == row["depth"] - 1
    bare = [row["label"] for row in r.rows if row["label"].split(" ", 1)[0] in ("1", "2")]
    assert bare == []
    en = rp.coverage_report(sample_city, plan=ACTION_PLAN, lang="en")
    assert [row["label"] for row in en.rows][:3] == ["1-1 Local digital help desks", "1-1-1 Smartphone classes",
                                                     "1-1-2 Digital supporters"]
    csv_rows = list(csv.reader(io.StringIO(en.to_csv().decode("utf-8-sig"))))
    assert [x[0] for x in csv_rows[1:4]] == ["1-1 Local digital help desks", "1-1-1 Smartphone classes",
                                            "1-1-2 Digital supporters"]
    j = en.to_json()["elements"]
    assert (j[1]["notation"], j[1]["depth"], j[1]["parent"]) == ("1-1-1", 1, ACTION_PLAN.rsplit("/", 1)[0]
                                                                 + "/measure/1-1")
