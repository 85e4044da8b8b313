"""graph.scope: municipality and plan choices asked of the store, and plan networks kept per version.

The choices and the node → plans look-up are small parameter-first queries;
they are checked here against the alignment networks they stand for, on
Saitama, on the views fixture and on three synthetic municipalities.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import graph.alignment as al
from graph import scope as sc
from graph.memo import memo_bounded
from graph.store import EmbeddedStore
from graph.sources import ontology_files
from graph.synthetic import municipality_codes

from tests.conftest import synthetic_country

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "views" / "sample-plan.trig"
LG = "https://w3id.org/plangraph/id/synthetic/lg/"
SAITAMA = "https://w3id.org/plangraph/id/lg/111007"
ELEMENTS = {"BasicPhilosophy", "BasicPolicy", "Measure", "Project"}


@pytest.fixture(scope="module")
def country() -> EmbeddedStore:
    return synthetic_country()


@pytest.fixture(scope="module")
def views_fixture() -> EmbeddedStore:
    store = EmbeddedStore()
    for f in ontology_files():
        store.load_file(f)
    store.load_file(FIXTURE)
    return store


def _plans_with_elements(G: nx.DiGraph) -> set[str]:
    return {a["plan"] for _, a in G.nodes(data=True) if a.get("plan") and a.get("kind") in ELEMENTS}


def test_municipalities_in_code_order_with_both_names(country, saitama_store):
    towns = sc.municipalities(country)
    assert [m.iri for m in towns] == [LG + c for c in municipality_codes(3)]
    assert (towns[0].label("ja"), towns[0].label("en"), towns[0].code) == \
        ("合成市011002", "Synthetic City 011002", "011002")
    assert sc.municipality_choices(country, "ja")[0] == (LG + "011002", "合成市011002 (011002)")
    assert [m.iri for m in sc.municipalities(saitama_store)] == [SAITAMA]
    assert sc.municipalities(saitama_store)[0].label("ja") == "さいたま市"


def test_the_national_rule_counts_municipalities(country, saitama_store):
    assert sc.is_national(country, 2) and not sc.is_national(country, 3) and not sc.is_national(country, 10)
    assert sc.has_municipalities(country) and not sc.has_municipalities(saitama_store)
    assert not sc.is_national(saitama_store, 1) and sc.is_national(saitama_store, 0)


def test_plan_choices_are_the_plans_with_elements_of_the_whole_network(country, saitama_store, views_fixture):
    for store in (country, saitama_store, views_fixture):
        assert {p for p, _ in sc.plan_choices(store, "ja")} == _plans_with_elements(al.alignment_graph(store))
    assert sc.plan_choices(saitama_store, "ja") == \
        [(SAITAMA + "/plan/digital-2021", "さいたま市行政デジタル化計画")]
    assert sc.plan_choices(saitama_store, "en")[0][1] == "Saitama City Administrative Digitalization Plan"


def test_a_municipalitys_plan_choices_partition_the_plans(country):
    every = {p for p, _ in sc.plan_choices(country, "ja")}
    parts = [{p for p, _ in sc.plan_choices(country, "ja", municipality=LG + c)} for c in municipality_codes(3)]
    assert all(parts) and set().union(*parts) == every and sum(map(len, parts)) == len(every)
    for code, part in zip(municipality_codes(3), parts):
        assert all(p.startswith(LG + code + "/plan/") for p in part)
        assert all(sc.plan_municipality(country, p) == LG + code for p in part)


def test_plan_municipality_of_saitamas_action_plan_and_of_no_municipalitys_plan(saitama_store, views_fixture):
    assert sc.plan_municipality(saitama_store, SAITAMA + "/plan/digital-2021") == SAITAMA
    assert sc.plan_municipality(saitama_store, SAITAMA + "/plan/digital-2021/action-plan") == SAITAMA
    assert sc.plan_municipality(saitama_store, "https://w3id.org/plangraph/id/jp/law/428AC1000000103") is None


@pytest.mark.parametrize("name", ["country", "saitama_store", "views_fixture"])
def test_node_plans_are_the_plans_whose_network_holds_the_node(request, name):
    """Every node of the whole network is found in the network of each plan named for it, and
    every node gets at least one plan (the ego view on a national store is built from them)."""
    store = request.getfixturevalue(name)
    whole = al.alignment_graph(store)
    plan_graphs: dict[str, nx.DiGraph] = {}
    for node in whole:
        plans = {r["plan"] for r in sc._rows(store, "_node-plans", n=node)}
        assert plans, node
        for plan in plans:
            if plan not in plan_graphs:
                plan_graphs[plan] = al.alignment_graph(store, plan=plan)
            assert node in plan_graphs[plan], (node, plan)


def test_an_elements_neighbourhood_is_its_plans_network(country):
    plan = sorted(p for p, _ in sc.plan_choices(country, "ja", municipality=LG + "011002"))[0]
    G = sc.node_graph(country, plan + "/policy/1")
    assert set(G) == set(al.alignment_graph(country, plan=plan))


def test_plan_graph_is_kept_per_version_and_rebuilt_after_a_write(monkeypatch):
    store = EmbeddedStore()
    store.load_file(FIXTURE)
    plan = "https://w3id.org/plangraph/id/lg/999990/plan/dx-2024"
    calls = []
    build = al.alignment_graph
    monkeypatch.setattr(al, "alignment_graph", lambda s, *, plan=None: calls.append(plan) or build(s, plan=plan))
    first = sc.plan_graph(store, plan)
    assert sc.plan_graph(store, plan) is first and calls == [plan]
    store.update(f"INSERT DATA {{ GRAPH <https://ex.org/g> {{ <{plan}/measure/77> "
                 f"<https://w3id.org/plangraph/ontology#partOfPlan> <{plan}> }} }}")
    assert plan + "/measure/77" in sc.plan_graph(store, plan) and calls == [plan, plan]


def test_bounded_memo_forgets_the_least_recently_used():
    store, calls = EmbeddedStore(), []
    for n in range(5):
        memo_bounded(store, "t", n, lambda s, a: calls.append(a) or a, size=3)
    memo_bounded(store, "t", 4, lambda s, a: calls.append(a) or a, size=3)  # kept
    memo_bounded(store, "t", 0, lambda s, a: calls.append(a) or a, size=3)  # forgotten: computed again
    assert calls == [0, 1, 2, 3, 4, 0]
