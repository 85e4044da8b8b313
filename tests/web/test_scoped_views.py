"""Views, figures and reports on a store of several municipalities (issue 5: a national store).

Three synthetic municipalities stand in for the country. With the default
``whole_network_max_municipalities`` (10) they are a small store: the pages add
a municipality selector and keep the whole-network view. With the setting at 2
they are "national": the whole store's network must never be built, a plan or
municipality builds only its own networks, and unscoped pages say to choose.
"""

from __future__ import annotations

import json
import re

import pytest

import graph.alignment as al
import graph.scope as sc
from graph.store import EmbeddedStore
from graph.synthetic import municipality_codes

from tests.conftest import synthetic_country

LG = "https://w3id.org/plangraph/id/synthetic/lg/"
M1, M2, M3 = (LG + c for c in municipality_codes(3))
XSS = "<img src=x onerror=alert(1)>"


def _country() -> EmbeddedStore:
    store = synthetic_country()
    # Labels are data: a municipality named with markup must stay text in the selector.
    store.load_data(f'<{M2}> <http://www.w3.org/2000/01/rdf-schema#label> "{XSS}"@ja .', format="nt",
                    graph="https://w3id.org/plangraph/id/graph/test/xss")
    return store


@pytest.fixture(scope="module")
def country() -> EmbeddedStore:
    return _country()


@pytest.fixture(scope="module")
def small(make_app, country):
    return make_app(country).test_client()


@pytest.fixture(scope="module")
def national(make_app, country):
    return make_app(country, whole_network_max_municipalities=2).test_client()


@pytest.fixture
def no_whole_network(monkeypatch):
    """Building the whole store's network fails the test (on the country it takes four minutes)."""
    build = al.alignment_graph

    def plan_only(store, *, plan=None):
        if plan is None:
            raise AssertionError("the whole store's alignment network was built")
        return build(store, plan=plan)

    monkeypatch.setattr(al, "alignment_graph", plan_only)
    monkeypatch.setattr(sc, "whole_graph", lambda store: plan_only(store))


def _html(r) -> str:
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    return r.get_data(as_text=True)


def _options(body: str, name: str) -> list[tuple[str, str, bool]]:
    """(value, text, selected) of the options of ``<select name=…>``, the empty one left out."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert select, f"no {name} selector"
    return [(v, text, bool(sel)) for v, sel, text in
            re.findall(r'<option value="([^"]*)"\s*(selected)?\s*>([^<]*)</option>', select.group(1)) if v]


def _plans_of(store: EmbeddedStore, municipality: str) -> set[str]:
    """The municipality's plans that have elements, by the public question plus a plain check."""
    from graph.queries import run_named

    plans = {d["plan"].value for d in run_named(store, "municipality-plans", {"municipality": municipality}).dicts()}
    has = store.query("PREFIX pg: <https://w3id.org/plangraph/ontology#> SELECT DISTINCT ?p WHERE { "
                      "?e pg:partOfPlan ?p ; a ?k FILTER(?k IN (pg:BasicPolicy, pg:Measure)) }")
    return plans & {row[0].value for row in has.rows}


def _view_nodes(body: str) -> set[str]:
    block = re.search(r'<script type="application/json" id="view-data">(.*?)</script>', body, re.S)
    assert block, "no network on the page"
    return {n["id"] for n in json.loads(block.group(1))["nodes"]}


# --- the selectors ------------------------------------------------------------------------------

def test_municipality_selector_comes_first_and_names_each_with_its_code(small):
    body = _html(small.get("/views?lang=ja"))
    start = body.index('<form class="pg-filters"')
    form = body[start:body.index("</form>", start)]
    assert form.index('name="municipality"') < form.index('name="plan"')
    munis = _options(body, "municipality")
    assert [v for v, _, _ in munis] == [M1, M2, M3]  # code order
    assert ("合成市011002 (011002)" in [t for _, t, _ in munis])
    assert "自治体" in form
    # grouped by prefecture (the code's first two digits): 01 北海道, 02 青森県, 03 岩手県
    assert re.findall(r'<optgroup label="([^"]+)">', form) == ["北海道", "青森県", "岩手県"]
    en = _html(small.get("/views?lang=en"))
    assert "Synthetic City 011002 (011002)" in [t for _, t, _ in _options(en, "municipality")]
    assert "Municipality" in en and '<optgroup label="Hokkaido">' in en


def test_labels_in_the_selectors_stay_text(small, national):
    for client in (small, national):
        for path in ("/views", "/reports", "/figures", "/reports/coverage"):
            body = _html(client.get(path, query_string={"lang": "ja"}))
            assert XSS not in body
            assert "&lt;img src=x onerror=alert(1)&gt; (021008)" in body


def test_plan_choices_are_the_chosen_municipalitys_plans(small, national, country):
    mine = _plans_of(country, M1)
    assert len(mine) >= 2
    for client in (small, national):
        for path in ("/views", "/reports", "/reports/gaps", "/figures"):
            body = _html(client.get(path, query_string={"municipality": M1, "lang": "ja"}))
            plans = _options(body, "plan")
            assert {v for v, _, _ in plans} == mine, path
            assert all(t.startswith("合成市011002") for _, t, _ in plans), path
            assert (M1, "合成市011002 (011002)", True) in _options(body, "municipality")


def test_small_store_without_a_municipality_offers_every_plan_and_the_whole_network(small, country):
    body = _html(small.get("/views?lang=ja"))
    assert {v for v, _, _ in _options(body, "plan")} == _plans_of(country, M1) | _plans_of(country, M2) \
        | _plans_of(country, M3)
    nodes = _view_nodes(body)
    assert all(any(n.startswith(m + "/") for n in nodes) for m in (M1, M2, M3))
    assert 'id="choose-first"' not in body


def test_a_plan_alone_preselects_its_municipality(national, country):
    plan = sorted(_plans_of(country, M3))[0]
    body = _html(national.get("/views", query_string={"plan": plan}))
    assert [v for v, _, sel in _options(body, "municipality") if sel] == [M3]
    assert [v for v, _, sel in _options(body, "plan") if sel] == [plan]


def test_picking_another_municipality_drops_the_plan_of_the_previous_one(national, country):
    old = sorted(_plans_of(country, M1))[0]
    body = _html(national.get("/views", query_string={"municipality": M2, "plan": old}))
    assert not [v for v, _, sel in _options(body, "plan") if sel]
    nodes = _view_nodes(body)
    assert any(n.startswith(M2 + "/") for n in nodes) and not any(n.startswith(M1 + "/") for n in nodes)


# --- no whole-store network on a national store ----------------------------------------------------

def test_scoped_requests_build_only_their_plans_networks(national, country, no_whole_network):
    plan = sorted(_plans_of(country, M1))[0]
    policy = plan + "/policy/1"
    body = _html(national.get("/views", query_string={"plan": plan, "lang": "ja"}))
    nodes = _view_nodes(body)
    assert policy in nodes and not any(n.startswith(M2 + "/") for n in nodes)
    assert policy in {n["id"] for n in national.get("/views/data.json", query_string={"plan": plan}).get_json()["nodes"]}
    assert national.get("/views/download.ttl", query_string={"plan": plan}).status_code == 200
    ego = _html(national.get("/views/ego", query_string={"node": policy, "depth": 2}))
    assert policy in _view_nodes(ego) and 'id="ego-scope"' in ego
    municipality = _html(national.get("/views", query_string={"municipality": M1}))
    assert {n for n in _view_nodes(municipality) if n.startswith(M1 + "/plan/")} >= {policy}
    coverage = _html(national.get("/reports/coverage", query_string={"plan": plan, "lang": "ja"}))
    assert 'id="coverage"' in coverage and policy in coverage
    gaps = national.get("/reports/gaps.json", query_string={"municipality": M1}).get_json()["gaps"]
    assert all("iri" in g for g in gaps)
    orphans = _html(national.get("/reports/orphans", query_string={"plan": plan}))
    assert 'id="choose-first"' not in orphans
    figure = _html(national.get("/figures/3", query_string={"plan": plan, "lang": "ja"}))
    assert "合成市011002" in figure
    goal = next(iter(sc.plan_graph(country, plan).successors(policy)), None)
    explain = national.get("/reports/explain", query_string={"element": policy, "goal": goal, "format": "json"})
    assert explain.status_code == 200 and explain.get_json()["element"]["iri"] == policy


def test_unscoped_pages_on_a_national_store_show_the_selector_and_say_why(national, no_whole_network):
    for path in ("/views", "/reports", "/reports/coverage", "/reports/gaps", "/reports/orphans", "/figures"):
        body = _html(national.get(path, query_string={"lang": "ja"}))
        assert 'id="choose-first"' in body, path
        assert "3 の自治体" in body and "自治体を選び" in body, path
        assert len(_options(body, "municipality")) == 3, path
        assert 'id="view-data"' not in body and 'id="coverage"' not in body, path
    assert _options(_html(national.get("/views")), "plan") == []
    assert "choose a municipality, then a plan" in _html(national.get("/views?lang=en"))
    for path in ("/views/data.json", "/views/download.graphml", "/reports/coverage.json", "/reports/coverage.csv",
                 "/reports/gaps.json", "/reports/orphans.json"):
        r = national.get(path)
        assert r.status_code == 400, path
        assert "municipality" in r.get_data(as_text=True), path


def test_a_write_shows_in_the_next_plan_view():
    """Plan networks are kept per store version: a write through the store is seen at once."""
    from web import create_app

    store = _country()
    app = create_app({"TESTING": True, "whole_network_max_municipalities": 2}, store=store)
    c = app.test_client()
    plan = sorted(_plans_of(store, M1))[0]
    new = plan + "/measure/999"
    assert new not in _view_nodes(_html(c.get("/views", query_string={"plan": plan})))
    store.load_data(f"""@prefix pg: <https://w3id.org/plangraph/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{new}> a pg:Measure ; pg:partOfPlan <{plan}> ; rdfs:label "追加された施策"@ja ;
            pg:parentElement <{plan}/policy/1> .""", format="ttl", graph="https://w3id.org/plangraph/id/graph/test/new")
    assert new in _view_nodes(_html(c.get("/views", query_string={"plan": plan})))
    app.extensions["plangraph.executor"].close()


def _import_plans(body: str) -> list[tuple[str, bool]]:
    select = re.search(r'<select id="plan" name="plan"[^>]*>(.*?)</select>', body, re.S)
    assert select, "no plan selector on the import form"
    return [(v, bool(sel)) for v, sel in re.findall(r'<option value="([^"]*)"\s*(selected)?', select.group(1))]


def test_import_form_on_a_national_store_does_not_build_the_whole_network(national, small, country,
                                                                          no_whole_network):
    # a national store: the municipality first, no plan list of the whole country
    body = _html(national.get("/import"))
    assert _options(body, "municipality") and _import_plans(body) == []
    # then that municipality's plans only, the ones an action plan can be imported into
    body = _html(national.get("/import", query_string={"municipality": M2}))
    offered = {v for v, _ in _import_plans(body)}
    from graph.queries import run_named
    kinds = {"ComprehensivePlan", "ImplementationPlan", "Strategy", "SectorPlan"}
    expected = {d["plan"].value for d in run_named(country, "municipality-plans", {"municipality": M2}).dicts()
                if d["kind"].value.rsplit("#", 1)[-1] in kinds}
    assert offered == expected and expected
    assert f'<input type="hidden" name="municipality" value="{M2}">' in body
    # a plan alone preselects its municipality and itself
    plan = sorted(expected)[0]
    body = _html(national.get("/import", query_string={"plan": plan}))
    assert [v for v, chosen in _import_plans(body) if chosen] == [plan]
    assert [v for v, _, chosen in _options(body, "municipality") if chosen] == [M2]
    # a small store lists every plan and preselects a plan with elements
    chosen = [v for v, sel in _import_plans(_html(small.get("/import"))) if sel]
    assert len(chosen) == 1 and chosen[0] in set().union(*(_plans_of(country, m) for m in (M1, M2, M3)))
