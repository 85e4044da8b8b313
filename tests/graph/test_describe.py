"""graph.describe: labels by language, grouped properties, inverse relations, provenance."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.describe import describe, describe_rdf
from graph.errors import NotFound
from graph.store import EmbeddedStore

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pages" / "mini.trig"
ID = "https://w3id.org/plangraph/id/"
PLAN = ID + "lg/111007/plan/digital-2021"
POLICY2 = PLAN + "/policy/2"
THEME = ID + "test/テーマ/テレワーク"
PG = "https://w3id.org/plangraph/ontology#"


@pytest.fixture(scope="module")
def store():
    s = EmbeddedStore()
    s.load_file(FIXTURE)
    return s


def group(groups, prop):
    return next(g for g in groups if g.property == prop)


def test_label_in_chosen_language_with_fallback(store):
    assert describe(store, POLICY2, "ja").label == "上質な行政サービス"
    assert describe(store, POLICY2, "en").label == "High-quality administrative services"
    # policy 3 has no English label: English pages fall back to Japanese
    assert describe(store, PLAN + "/policy/3", "en").label == "上質な行政経営"


def test_types_and_outgoing_properties_grouped_with_value_labels(store):
    view = describe(store, POLICY2, "ja")
    assert view.exists
    assert [t.value for t in view.types] == [PG + "BasicPolicy"]
    part = group(view.properties, PG + "partOfPlan")
    assert [(v.value, v.label) for v in part.values] == [(PLAN, "さいたま市行政デジタル化計画")]
    labels = group(view.properties, "http://www.w3.org/2000/01/rdf-schema#label")
    assert {(v.value, v.language) for v in labels.values} == {
        ("上質な行政サービス", "ja"), ("High-quality administrative services", "en")}
    assert view.properties[0].property == "http://www.w3.org/2000/01/rdf-schema#label"  # labels first


def test_inverse_relations(store):
    view = describe(store, POLICY2, "ja")
    parent = group(view.inverse, PG + "parentElement")
    assert [(v.value, v.label) for v in parent.values] == [(PLAN + "/measure/1", "ギョウセイ手続のオンライン化")]


def test_provenance_of_each_statement(store):
    view = describe(store, POLICY2, "ja")
    src = group(view.properties, PG + "partOfPlan").values[0].sources
    assert len(src) == 1
    assert src[0].graph == PLAN + "/prov/policy-2"
    assert src[0].section == ID + "lg/111007/doc/digital-2021/ch1/s2-2"
    assert src[0].notation == "2-2"
    assert src[0].section_label == "2-2 基本方針"
    assert "行政サービスを実現" in src[0].quote
    inverse_src = group(view.inverse, PG + "parentElement").values[0].sources[0]
    assert inverse_src.notation == "図表4" and inverse_src.quote is None


def test_japanese_iri(store):
    view = describe(store, THEME, "ja")
    assert view.exists and view.label == "テレワーク"
    assert [v.value for v in group(view.inverse, PG + "backgroundTheme").values] == [PLAN]


def test_unknown_iri_does_not_exist(store):
    assert describe(store, ID + "lg/111007/plan/nothing", "ja").exists is False


def test_named_graph_exists(store):
    view = describe(store, PLAN + "/prov/policy-2", "ja")
    assert view.exists and view.is_graph


def test_not_an_iri_is_not_found(store):
    with pytest.raises(NotFound):
        describe(store, "not an iri", "ja")


def test_describe_rdf_has_outgoing_and_incoming_triples(store):
    data = describe_rdf(store, THEME, "ntriples")
    triples = {(t.subject.value, t.predicate.value, t.object.value)
               for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}
    assert (THEME, "http://www.w3.org/2004/02/skos/core#prefLabel", "テレワーク") in triples
    assert (PLAN, PG + "backgroundTheme", THEME) in triples
    with pytest.raises(NotFound):
        describe_rdf(store, ID + "nothing", "turtle")


def test_assertion_graph_lists_its_statements(store):
    view = describe(store, PLAN + "/prov/measure-1", "ja")
    assert view.is_graph and not view.statements_truncated
    rows = {(s.label, p.value, o.label or o.value) for s, p, o in view.statements}
    assert ("ギョウセイ手続のオンライン化", PG + "parentElement", "上質な行政サービス") in rows
    assert describe(store, PLAN + "/prov/measure-1", "ja", max_statements=2).statements_truncated


def test_incoming_statements_are_capped_and_say_so(store):
    view = describe(store, PLAN, "ja", max_incoming=1)
    assert view.inverse_truncated and sum(len(g.values) for g in view.inverse) == 1
    assert not describe(store, PLAN, "ja").inverse_truncated


def test_distinct_sources_of_an_entity(store):
    sources = describe(store, POLICY2, "ja").sources
    assert [(s.notation, s.section_label) for s in sources] == [("2-2", "2-2 基本方針")]


def test_sources_citing_the_same_sentence_are_listed_once():
    s = EmbeddedStore()
    s.load_file(FIXTURE)
    s.load_data(f"""
        <{PLAN}/prov/policy-2b> <{PG}source> <{ID}lg/111007/doc/digital-2021/ch1/s2-2> .
        <{PLAN}/prov/policy-2b> <{PG}quote> "「より多くの市民がICTの恩恵を受けることができるような行政サービスを実現」することに資するICT施策を実施し"@ja .
    """, format="nt", graph=ID + "graph/extra")
    s.load_data(f'<{POLICY2}> <{PG}notation> "(2)" .', format="nt", graph=PLAN + "/prov/policy-2b")
    assert len(describe(s, POLICY2, "ja").sources) == 1


def test_sources_in_document_order_grouped_by_section_alike_in_both_languages(saitama_store):
    """The plan's page lists 第1章, then 1節, 2節, 2-2, 3節 — each once, with all its sentences —
    and the English page in the same order (it used to follow the property labels of each language)."""
    plan = ID + "lg/111007/plan/digital-2021"
    ja = describe(saitama_store, plan, "ja").source_groups
    en = describe(saitama_store, plan, "en").source_groups
    assert [g.notation for g in ja] == ["第1章", "1節", "2節", "2-2", "3節"]
    assert [(g.section, g.quotes) for g in ja] == [(g.section, g.quotes) for g in en]
    assert [g.section_label for g in en][1] == "Purpose of the plan"
    assert [len(g.quotes) for g in ja] == [1, 7, 4, 1, 4]
    assert len({q for g in ja for q in g.quotes}) == sum(len(g.quotes) for g in ja)
    # sections below 2-2 and its figures follow 2-2; a chapter PlanGraph does not hold follows chapter 1
    doc = ID + "lg/111007/doc/digital-2021/"
    from graph.describe import _document_order
    order = _document_order(saitama_store, {doc + x for x in ("ch1/s3", "ch1/s2-2-1", "ch1/fig2", "ch1/s2-2",
                                                             "ch1/s2", "ch1/fig4", "ch2/s1-3-2", "ch1")})
    assert sorted(order, key=order.get) == [doc + x for x in ("ch1", "ch1/s2", "ch1/s2-2", "ch1/s2-2-1",
                                                             "ch1/fig2", "ch1/s3", "ch1/fig4", "ch2/s1-3-2")]


def test_every_standard_term_the_ontology_and_data_use_has_labels_in_both_languages():
    """Properties, classes and datatypes outside pg: that PlanGraph's files use get a Japanese and
    an English label (graph.labels.BUILTIN_LABELS), so no page shows "prov:wasInfluencedBy" or a
    bare "gYearMonth" to a planner."""
    from graph.labels import fetch_labels
    from graph.sources import data_files, ontology_files

    root = Path(__file__).resolve().parents[2]
    s = EmbeddedStore()
    for f in [*ontology_files(), *data_files([root / "data" / "saitama", root / "data" / "sample"])]:
        s.load_file(f)
    used = set()
    for q in ("SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { GRAPH ?g { ?s ?t ?o } } }",
              "SELECT DISTINCT ?t WHERE { { ?s a ?t } UNION { GRAPH ?g { ?s a ?t } } }",
              "SELECT DISTINCT ?t WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } FILTER(isLiteral(?o)) "
              "BIND(DATATYPE(?o) AS ?t) }"):
        used |= {r[0].value for r in s.query(q).rows if isinstance(r[0], ox.NamedNode)}
    external = sorted(t for t in used if not t.startswith(PG))
    assert PG[:-1] not in external and "http://www.w3.org/ns/prov#wasInfluencedBy" in external
    book = fetch_labels(s, external)
    for lang in ("ja", "en"):
        missing = [t for t in external if not book.label(t, lang)]
        assert missing == [], lang
    assert book.label("http://www.w3.org/2001/XMLSchema#gYearMonth", "ja") == "年月"


def test_literal_values_carry_their_datatype_label(saitama_store):
    view = describe(saitama_store, ID + "lg/111007", "ja")
    (established,) = group(view.properties, PG + "established").values
    assert (established.value, established.datatype_label) == ("2001-05", "年月")
    view = describe(saitama_store, ID + "lg/111007", "en")
    assert group(view.properties, PG + "established").values[0].datatype_label == "year and month"
