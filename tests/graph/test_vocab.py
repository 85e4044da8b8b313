"""The vocabulary contract: src/graph/vocab.py and ontology/*.ttl agree.

Both directions (every constant is declared, every declared term has a
constant), every term documented in Japanese and English, every term mapped
to a standard vocabulary in alignments.ttl (and only there), and every SHACL
shape speaking both languages.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from graph import vocab

ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"
PG = Namespace(vocab.PG_NS)
SKOS = Namespace(vocab.SKOS)
DCTERMS = Namespace(vocab.DCTERMS)
VANN = Namespace("http://purl.org/vocab/vann/")
SH = Namespace(vocab.SH)
ONTOLOGY = URIRef(vocab.ONTOLOGY_IRI)

KIND = {**{t: OWL.Class for t in vocab.CLASSES},
        **{t: OWL.ObjectProperty for t in vocab.OBJECT_PROPERTIES},
        **{t: OWL.DatatypeProperty for t in vocab.DATATYPE_PROPERTIES}}

#: The predicates that count as "mapped to a standard vocabulary".
MAPPINGS = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty,
            SKOS.exactMatch, SKOS.closeMatch, SKOS.relatedMatch, SKOS.broadMatch, SKOS.narrowMatch)


@lru_cache(maxsize=None)
def load(name: str) -> Graph:
    return Graph().parse(ONTOLOGY_DIR / name, format="turtle")


def ontology() -> Graph:
    return load("plangraph.ttl")


def declared() -> dict[str, URIRef]:
    """pg local name → owl:Class / owl:ObjectProperty / owl:DatatypeProperty."""
    g = ontology()
    out = {}
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for s in g.subjects(RDF.type, kind):
            if isinstance(s, URIRef) and str(s).startswith(vocab.PG_NS):
                name = str(s)[len(vocab.PG_NS):]
                assert name not in out, f"pg:{name} is declared twice"
                out[name] = kind
    return out


def langs(g: Graph, s, p) -> list[str]:
    return sorted(o.language or "" for o in g.objects(s, p) if isinstance(o, Literal))


# --- both directions -------------------------------------------------------------

def test_no_term_listed_twice_in_vocab():
    assert len(vocab.TERMS) == len(set(vocab.TERMS))


def test_every_vocab_constant_is_declared_with_its_kind():
    d = declared()
    wrong = {t: (str(KIND[t]), str(d.get(t))) for t in KIND if d.get(t) != KIND[t]}
    assert not wrong


def test_every_declared_term_has_a_vocab_constant():
    assert set(declared()) - set(vocab.TERMS) == set()


@pytest.mark.parametrize("name", ["plangraph.ttl", "alignments.ttl", "shapes.ttl"])
def test_every_pg_iri_used_in_the_ontology_files_is_declared(name):
    """A typo such as ``sh:path pg:upperPlans`` in the shapes would otherwise never match anything."""
    g = load(name)
    used = {str(t) for triple in g for t in triple if isinstance(t, URIRef) and str(t).startswith(vocab.PG_NS)}
    unknown = sorted(u for u in used if u[len(vocab.PG_NS):] not in declared())
    assert not unknown


def test_pg_namespace_attribute_access():
    assert vocab.PG.Plan == str(PG.Plan)
    with pytest.raises(AttributeError):
        vocab.PG.Plans  # noqa: B018 — the typo must fail


# --- the ontology header ------------------------------------------------------------

def test_ontology_header():
    g = ontology()
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in g
    assert g.value(ONTOLOGY, OWL.versionInfo) is not None
    assert langs(g, ONTOLOGY, DCTERMS.title) == ["en", "ja"]
    assert g.value(ONTOLOGY, DCTERMS.license) is not None
    assert str(g.value(ONTOLOGY, VANN.preferredNamespacePrefix)) == "pg"
    assert str(g.value(ONTOLOGY, VANN.preferredNamespaceUri)) == vocab.PG_NS == vocab.PREFIXES["pg"]
    assert vocab.PREFIXES["pgsh"] == vocab.SHAPES_NS


# --- every term documented in both languages -------------------------------------------

@pytest.mark.parametrize("term", vocab.TERMS)
def test_term_has_label_and_definition_in_japanese_and_english(term):
    g, s = ontology(), PG[term]
    assert langs(g, s, RDFS.label) == ["en", "ja"], f"pg:{term} needs one rdfs:label @ja and one @en"
    assert langs(g, s, SKOS.definition) == ["en", "ja"], f"pg:{term} needs one skos:definition @ja and one @en"
    assert (s, RDFS.isDefinedBy, ONTOLOGY) in g


def test_definitions_are_sentences_not_stubs():
    g = ontology()
    short = [str(s) for s, d in g.subject_objects(SKOS.definition)
             if len(str(d)) < (10 if d.language == "ja" else 20)]
    assert not short


# --- the modelling decisions the rest of the project relies on ---------------------------

@pytest.mark.parametrize("sub, sup", [
    *[(c, "Plan") for c in ("ComprehensivePlan", "ImplementationPlan", "Strategy", "SectorPlan", "ActionPlan", "Guideline")],
    *[(c, "PlanElement") for c in ("BasicPhilosophy", "Viewpoint", "BasicPolicy", "Measure", "Project", "Goal", "Indicator")],
    ("Municipality", "Organization"), ("Department", "Organization"),
])
def test_class_hierarchy(sub, sup):
    assert (PG[sub], RDFS.subClassOf, PG[sup]) in ontology()


def test_concretization_is_one_relation_in_two_directions():
    g = ontology()
    assert (PG.concretizedBy, OWL.inverseOf, PG.concretizes) in g
    assert (PG.concretizes, OWL.inverseOf, PG.concretizedBy) in g


def test_goal_of_is_a_kind_of_part_of_plan():
    assert (PG.goalOf, RDFS.subPropertyOf, PG.partOfPlan) in ontology()


@pytest.mark.parametrize("prop, domain, range_", [
    ("upperPlan", "Plan", "Plan"), ("supports", "PlanElement", "Goal"), ("partOfPlan", "PlanElement", "Plan"),
    ("parentElement", "PlanElement", "PlanElement"), ("goalOf", "Goal", "Plan"), ("succeeds", "Plan", "Plan"),
    ("designatedAs", "Plan", "StatutoryPlanType"), ("planPeriod", "Plan", "PlanPeriod"),
    ("startFiscalYear", "PlanPeriod", "FiscalYear"), ("review", "Plan", "Review"), ("hasProject", "Measure", "Project"),
])
def test_domains_and_ranges(prop, domain, range_):
    g = ontology()
    assert (PG[prop], RDFS.domain, PG[domain]) in g
    assert (PG[prop], RDFS.range, PG[range_]) in g


def test_every_domain_and_range_is_declared_or_a_union_of_declared_classes():
    g = ontology()
    for p in (RDFS.domain, RDFS.range):
        for s, o in g.subject_objects(p):
            if isinstance(o, BNode):
                members = list(Collection(g, g.value(o, OWL.unionOf)))
                assert members and all(isinstance(m, URIRef) for m in members), s
            else:
                assert str(o).startswith((vocab.PG_NS, vocab.XSD, vocab.RDF)), (s, o)


# --- mappings: every term, only in alignments.ttl ----------------------------------------

@pytest.mark.parametrize("term", vocab.TERMS)
def test_term_is_mapped_to_a_standard_vocabulary(term):
    g = load("alignments.ttl")
    targets = [o for p in MAPPINGS for o in g.objects(PG[term], p)
               if isinstance(o, URIRef) and not str(o).startswith(vocab.PG_NS)]
    assert targets, f"pg:{term} has no mapping in ontology/alignments.ttl"


def test_mappings_live_only_in_alignments():
    g = ontology()
    external = [(str(s), str(p), str(o)) for p in MAPPINGS for s, o in g.subject_objects(p)
                if isinstance(o, URIRef) and not str(o).startswith(vocab.PG_NS)]
    assert not external


def test_alignments_use_the_vocabularies_named_in_the_brief():
    g = load("alignments.ttl")
    targets = {str(o) for p in MAPPINGS for o in g.objects(None, p)}
    for ns in (vocab.SKOS, vocab.DCTERMS, vocab.PROV, vocab.TIME, vocab.ORG, vocab.SCHEMA, vocab.ELI,
               vocab.BMM, vocab.IMI, vocab.DCAT):
        assert any(t.startswith(ns) for t in targets), ns
    assert (PG.Plan, RDFS.subClassOf, URIRef(vocab.PROV + "Plan")) in g
    assert (PG.supports, SKOS.closeMatch, URIRef(vocab.BMM + "channelsEffortsToward")) in g
    assert (PG.lawId, RDFS.subPropertyOf, URIRef(vocab.ELI + "id_local")) in g


# --- shapes speak both languages ----------------------------------------------------------

def shapes_with_messages() -> list:
    g = load("shapes.ttl")
    shapes = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    shapes |= set(g.objects(None, SH.property))
    return sorted(shapes, key=str)


def test_every_shape_and_property_shape_has_messages_in_japanese_and_english():
    g = load("shapes.ttl")
    missing = [str(s) if isinstance(s, URIRef) else f"{g.value(s, SH.path)} in a property shape"
               for s in shapes_with_messages() if langs(g, s, SH.message) != ["en", "ja"]]
    assert not missing


def test_every_class_has_its_named_shape():
    g = load("shapes.ttl")
    for c in vocab.CLASSES:
        shape = URIRef(vocab.SHAPES_NS + c + "Shape")
        assert (shape, SH.targetClass, PG[c]) in g, f"pgsh:{c}Shape must target pg:{c}"


# --- the model document ---------------------------------------------------------------------

def test_model_document_shows_every_term():
    """docs/model.md gives each class and property with the seed's example; a new term needs its row."""
    text = (ONTOLOGY_DIR.parent / "docs" / "model.md").read_text(encoding="utf-8")
    missing = [t for t in vocab.TERMS if f"`pg:{t}`" not in text]
    assert not missing
    assert "```mermaid" in text
