"""Questions scoped to one municipality: real answers on the Saitama graph, and on a small synthetic country.

The ``municipality-*`` queries must answer what the nationwide ``plans``, ``plans-in-force`` and
``label-search`` answer, restricted to one municipality; the tests compare them on both kinds of data,
because the two link plans to their municipality the same way (``pg:publisher``) but differ in shape
(the Saitama graph also has a plan that is only part of another, and provenance named graphs).
"""

from __future__ import annotations

import pytest

from graph.errors import ParameterError
from graph.queries import get_query, run_named
from graph.store import SelectResult
from graph.synthetic import municipality_codes

from tests.conftest import synthetic_country

ID = "https://w3id.org/plangraph/id/"
SAITAMA = ID + "lg/111007"
PLAN = SAITAMA + "/plan/"
DIGITAL = PLAN + "digital-2021"
SYNTHETIC = ID + "synthetic/lg/"


def rows(store, name: str, **params: str) -> list[dict[str, str]]:
    """The answer as dicts of plain values (absent → missing key)."""
    result = run_named(store, name, params)
    assert isinstance(result, SelectResult)
    return [{k: t.value for k, t in d.items()} for d in result.dicts()]


@pytest.fixture(scope="module")
def country():
    """Three synthetic municipalities with the ontology (class labels), in memory."""
    return synthetic_country()


@pytest.fixture(scope="module")
def towns() -> list[str]:
    return [SYNTHETIC + code for code in municipality_codes(3)]


def test_the_questions_take_a_municipality_defaulting_to_saitama():
    for name in ("municipality-plans", "municipality-plans-in-force", "municipality-label-search"):
        param = get_query(name).parameter("municipality")
        assert (param.kind, param.default) == ("iri", SAITAMA)


# --- Saitama ----------------------------------------------------------------------------------

def test_saitama_plans(saitama_store):
    answer = {r["plan"]: r for r in rows(saitama_store, "municipality-plans")}
    assert answer[DIGITAL]["planLabel"] == "さいたま市行政デジタル化計画"
    assert (answer[DIGITAL]["kindLabel"], answer[DIGITAL]["startYear"], answer[DIGITAL]["endYear"]) == \
        ("分野別計画", "2021", "2025")
    assert answer[PLAN + "saitekika-hoshin"]["issued"] == "2003-11"
    # part of the comprehensive plan, with no publisher of its own
    assert answer[PLAN + "sogo-shinko-zenki-jisshi"]["planLabel"] == "総合振興計画の前期「実施計画」"
    assert {r["planLabel"] for r in answer.values()} >= {
        "さいたま市総合振興計画", "しあわせ倍増プラン2017", "さいたま市行政デジタル化計画アクション・プラン",
        "第四次さいたま市情報化計画", "情報化計画（第1次）"}
    assert all(r["municipality"] == SAITAMA for r in answer.values())
    # the government's IT strategy is an upper influence, not a plan of the city; the document is not a plan
    assert ID + "jp/plan/it-senryaku" not in answer
    assert SAITAMA + "/doc/digital-2021" not in answer


def test_saitama_plans_are_the_nationwide_plans_it_publishes(saitama_store):
    nationwide = {r["plan"]: r for r in rows(saitama_store, "plans")}
    scoped = {r["plan"]: r for r in rows(saitama_store, "municipality-plans")}
    published = {p for p, r in nationwide.items() if r.get("publisher") == SAITAMA}
    assert set(scoped) == published | {PLAN + "sogo-shinko-zenki-jisshi"}
    for plan, row in scoped.items():
        same = {k: v for k, v in nationwide[plan].items() if k not in ("publisher", "publisherLabel")}
        assert {k: v for k, v in row.items() if k != "municipality"} == same


def test_saitama_plans_in_force(saitama_store):
    in_force = {"さいたま市行政デジタル化計画", "総合振興計画の前期「実施計画」"}
    for year in ("2021", "2023", "令和7年度"):
        answer = rows(saitama_store, "municipality-plans-in-force", fiscal_year=year)
        assert {r["planLabel"] for r in answer} == in_force
    assert rows(saitama_store, "municipality-plans-in-force", fiscal_year="2026") == []
    (row, _) = rows(saitama_store, "municipality-plans-in-force", fiscal_year="2022")
    assert (row["startLabel"], row["endLabel"], row["fiscal_year"]) == ("令和3年度", "令和7年度", "2022")
    assert rows(saitama_store, "municipality-plans-in-force", municipality=SYNTHETIC + "011002") == []


def test_saitama_label_search(saitama_store):
    def found(q: str) -> set[str]:
        return {r["label"] for r in rows(saitama_store, "municipality-label-search", q=q)}

    assert {"Web会議・テレワーク", "働き方改革としてのテレワーク", "テレワークのBCP上の有効性"} <= found("テレワーク")
    assert {"Saitama City", "Saitama City Administrative Digitalization Plan"} <= found("saitama city")
    assert "本市" in found("本市")  # skos:altLabel
    assert {"計画期間", "行政デジタル化計画の計画期間"} <= found("計画期間")  # a section and a figure of the document
    assert "上質な行政経営" in found("行政経営")  # a basic policy
    assert "高品質経営市役所への転換" in found("高品質")  # an upper-plan goal
    # the nationwide search finds the government's IT strategy; it is not the city's
    assert "政府のIT戦略" in {r["label"] for r in rows(saitama_store, "label-search", q="IT戦略")}
    assert "政府のIT戦略" not in found("IT戦略")
    assert found("存在しない語") == set()
    with pytest.raises(ParameterError):
        run_named(saitama_store, "municipality-label-search", {})


def test_label_search_text_cannot_change_the_query(saitama_store):
    assert rows(saitama_store, "municipality-label-search", q='") } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o #') == []


# --- a synthetic country ----------------------------------------------------------------------

def test_synthetic_plans_are_the_nationwide_plans_each_publishes(country, towns):
    nationwide = rows(country, "plans")
    for town in towns:
        scoped = {r["plan"]: r for r in rows(country, "municipality-plans", municipality=town)}
        assert set(scoped) == {r["plan"] for r in nationwide if r.get("publisher") == town}
        assert len(scoped) >= 3  # a comprehensive plan and 2-3 sector plans, maybe predecessors
        assert all(p.startswith(town + "/plan/") for p in scoped)
        assert {r["kindLabel"] for r in scoped.values()} >= {"総合計画", "分野別計画"}


def test_synthetic_plans_in_force_are_the_nationwide_ones_of_the_town(country, towns):
    for year in ("2019", "2023", "2027"):
        nationwide = {r["plan"] for r in rows(country, "plans-in-force", fiscal_year=year)}
        seen = set()
        for town in towns:
            scoped = {r["plan"] for r in rows(country, "municipality-plans-in-force", municipality=town,
                                                fiscal_year=year)}
            assert scoped == {p for p in nationwide if p.startswith(town + "/")}
            seen |= scoped
        assert seen == nationwide


def test_synthetic_label_search_reaches_every_labelled_resource_of_the_town(country, towns):
    town = towns[0]
    scoped = rows(country, "municipality-label-search", municipality=town, q="施策1")
    assert scoped and all(r["resource"].startswith(town) for r in scoped)
    nationwide = rows(country, "label-search", q="施策1")
    assert len(nationwide) < 200  # not cut by its LIMIT, so the comparison is whole
    assert {(r["resource"], r["label"]) for r in scoped} == \
        {(r["resource"], r["label"]) for r in nationwide if r["resource"].startswith(town + "/")}
    # measures, their indicators and projects, the town itself and its goals
    found = {r["label"] for r in rows(country, "municipality-label-search", municipality=town, q="合成市")}
    assert f"合成市{town[-6:]}" in found
    kinds = {r.get("typeLabel") for r in rows(country, "municipality-label-search", municipality=town, q="の")}
    assert {"施策", "指標", "基本理念"} <= kinds
