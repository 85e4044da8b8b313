"""The SHACL shapes and the SPARQL violation queries, run on their example files.

Layout (GeoSPARQL / ODK style):

* ``tests/shapes/<Shape>-valid.ttl`` (and ``-valid-NN.ttl``) must conform to ``ontology/shapes.ttl``
  and return no row from any ``ontology/violations/*-violation.rq``;
* ``tests/shapes/<Shape>-invalid-NN.ttl`` must not conform, and one result of
  that shape must carry the English message named on the file's first line,
  ``# expect: <substring of the English sh:message>``;
* ``tests/shapes/violations/<query>-valid.ttl`` / ``-invalid-NN.ttl`` do the
  same for each violation query (the substring is of ``?message_en``).

Examples are found by glob, and every node shape and every violation query
must have a valid and at least one invalid example: a new shape without
examples fails here.

How pySHACL is called (the library's validator does the same): the ontology
files the store loads (``ontology/*.ttl`` without the shapes) are passed as
``ont_graph`` with ``inference="none"``. Not "rdfs": RDFS inference would type
every object of ``pg:supports`` as a ``pg:Goal`` from the property's range and
so hide the errors that ``sh:class`` is there to find. pySHACL still copies
the class hierarchy into the data graph, so ``sh:targetClass pg:Plan`` reaches
a ``pg:SectorPlan``. A TriG dataset must be flattened to one graph before
validation (pySHACL checks each named graph of a Dataset on its own).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from graph.sources import ontology_files

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHAPES_FILE = ROOT / "ontology" / "shapes.ttl"
VIOLATIONS_DIR = ROOT / "ontology" / "violations"
VIOLATION_EXAMPLES = HERE / "violations"

SH = Namespace("http://www.w3.org/ns/shacl#")
PGSH = "https://w3id.org/plangraph/shapes#"

SHAPE_EXAMPLES = sorted(HERE.glob("*Shape-*.ttl"))
VIOLATION_QUERIES = sorted(VIOLATIONS_DIR.glob("*-violation.rq"))
QUERY_EXAMPLES = sorted(VIOLATION_EXAMPLES.glob("*-violation-*.ttl"))


# --- helpers -----------------------------------------------------------------

@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The ontology exactly as the store loads it (plangraph.ttl + alignments.ttl)."""
    g = Graph()
    for path in ontology_files():
        g.parse(path, format="turtle")
    return g


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


def node_shapes() -> list[str]:
    """Local names of the named node shapes, e.g. ``PlanShape``."""
    g = shapes_graph()
    return sorted(str(s)[len(PGSH):] for s in g.subjects(RDF.type, SH.NodeShape)
                  if isinstance(s, URIRef) and str(s).startswith(PGSH))


def expected_message(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name}: first line must be '# expect: <message>'"
    return first[len("# expect: "):].strip()


def is_valid_example(path: Path) -> bool:
    """``X-valid.ttl`` or ``X-valid-02.ttl``."""
    return re.search(r"-valid(-[0-9]+)?$", path.stem) is not None


def shape_of(path: Path) -> str:
    """``PlanShape-invalid-01.ttl`` → ``PlanShape``."""
    return path.stem.split("-")[0]


def validate(path: Path) -> tuple[bool, Graph, str]:
    data = Graph().parse(path, format="turtle")
    conforms, report, text = pyshacl.validate(
        data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(),
        inference="none", advanced=False, allow_warnings=False)
    assert isinstance(report, Graph), text  # a Graph unless a shape itself is broken
    return conforms, report, text


def results(report: Graph) -> list[dict]:
    """Each validation result as its source shape and its messages by language."""
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        messages: dict[str, str] = {}
        for m in report.objects(r, SH.resultMessage):  # a node shape's own message may come too
            if isinstance(m, Literal):
                messages[m.language] = (messages.get(m.language, "") + "\n" + str(m)).strip()
        out.append({"shape": report.value(r, SH.sourceShape), "focus": report.value(r, SH.focusNode),
                    "messages": messages})
    return out


def shape_parts(shape_iri: str) -> set:
    """The node shape and its property shapes: where a result of that shape comes from."""
    g = shapes_graph()
    node = URIRef(shape_iri)
    return {node, *g.objects(node, SH.property)}


def run_violation_queries(path: Path, queries=VIOLATION_QUERIES) -> dict[str, list[tuple[str, str, str]]]:
    """Load ontology + example into pyoxigraph and run the queries over the union graph."""
    store = ox.Store()
    for f in ontology_files():
        store.load(path=str(f), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:test:" + f.name))
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:test:example"))
    found = {}
    for q in queries:
        rows = [(str(r["focus"]), r["message_ja"].value, r["message_en"].value)
                for r in store.query(q.read_text(encoding="utf-8"), use_default_graph_as_union=True)]
        if rows:
            found[q.name] = rows
    return found


# --- every shape and query has examples ----------------------------------------

def test_shapes_file_declares_a_shape_per_class():
    from graph.vocab import CLASSES
    assert set(node_shapes()) == {c + "Shape" for c in CLASSES} | {"UnknownClassShape"}


@pytest.mark.parametrize("shape", node_shapes())
def test_every_shape_has_valid_and_invalid_examples(shape):
    assert (HERE / f"{shape}-valid.ttl").is_file(), f"{shape} has no {shape}-valid.ttl"
    assert sorted(HERE.glob(f"{shape}-invalid-*.ttl")), f"{shape} has no {shape}-invalid-NN.ttl"


def test_every_example_names_an_existing_shape():
    shapes = set(node_shapes())
    strays = [p.name for p in SHAPE_EXAMPLES if shape_of(p) not in shapes]
    assert not strays


@pytest.mark.parametrize("query", VIOLATION_QUERIES, ids=lambda p: p.stem)
def test_every_violation_query_has_examples_and_header(query):
    stem = query.stem
    assert (VIOLATION_EXAMPLES / f"{stem}-valid.ttl").is_file()
    assert sorted(VIOLATION_EXAMPLES.glob(f"{stem}-invalid-*.ttl"))
    text = query.read_text(encoding="utf-8")
    assert "# title: " in text and "# title@en: " in text
    assert "SELECT" in text and "?focus" in text and "?message_ja" in text and "?message_en" in text


def test_the_required_violation_queries_exist():
    names = {q.stem for q in VIOLATION_QUERIES}
    assert {"unknown-class-violation", "unknown-property-violation", "element-not-in-plan-violation",
            "period-order-violation", "fiscal-year-dates-violation", "self-reference-violation",
            "parent-in-other-plan-violation", "municipality-code-check-digit-violation",
            "period-fiscal-year-mismatch-violation"} <= names


# --- the shape examples ---------------------------------------------------------

@pytest.mark.parametrize("path", [p for p in SHAPE_EXAMPLES if is_valid_example(p)], ids=lambda p: p.stem)
def test_valid_example_conforms(path):
    conforms, _report, text = validate(path)
    assert conforms, text
    assert run_violation_queries(path) == {}


@pytest.mark.parametrize("path", [p for p in SHAPE_EXAMPLES if "-invalid-" in p.stem], ids=lambda p: p.stem)
def test_invalid_example_fails_with_its_message(path):
    expect = expected_message(path)
    conforms, report, text = validate(path)
    assert not conforms, f"{path.name} conforms but should not"
    parts = shape_parts(PGSH + shape_of(path))
    mine = [r for r in results(report) if r["shape"] in parts]
    assert mine, f"{path.name}: no result from pgsh:{shape_of(path)}\n{text}"
    assert any(expect in r["messages"].get("en", "") for r in mine), f"{path.name}: no message {expect!r}\n{text}"
    # one fault per example: nothing else in the file breaks another shape
    assert len(mine) == len(results(report)), f"{path.name}: results from other shapes\n{text}"
    # every result of our shapes speaks both languages
    for r in results(report):
        assert r["messages"].get("ja") and r["messages"].get("en"), r


def test_japanese_message_for_a_missing_label():
    """The planner reads Japanese first: the message for a missing label is in Japanese too."""
    _conforms, report, _text = validate(HERE / "PlanShape-invalid-01.ttl")
    ja = {r["messages"]["ja"] for r in results(report)}
    assert any("日本語のラベル（rdfs:label の @ja 値）がありません" in m for m in ja)


def test_check_digit_gives_the_right_code_in_japanese():
    rows = run_violation_queries(VIOLATION_EXAMPLES / "municipality-code-check-digit-violation-invalid-01.ttl")
    (_focus, ja, _en), = rows["municipality-code-check-digit-violation.rq"]
    assert ja == "全国地方公共団体コード 111008 の検査数字が正しくありません（111007 のはずです）"


def test_shapes_are_shacl_core_only():
    """SPARQL checks belong in ontology/violations/ (pySHACL drops their messages' language tags)."""
    assert not list(shapes_graph().subject_objects(SH.sparql))


def test_every_result_message_keeps_its_language():
    _conforms, report, _text = validate(HERE / "LawShape-invalid-01.ttl")
    langs = {m.language for m in report.objects(None, SH.resultMessage)}
    assert langs == {"ja", "en"}


def test_unknown_class_is_named_in_the_message():
    _conforms, report, _text = validate(HERE / "UnknownClassShape-invalid-01.ttl")
    en = [r["messages"]["en"] for r in results(report)]
    assert any("is not a class declared" in m for m in en), en
    focus = {str(r["focus"]) for r in results(report)}
    assert "https://w3id.org/plangraph/ontology#SectorPlans" in focus


# --- the violation queries --------------------------------------------------------

def query_for(path: Path) -> Path:
    stem = path.stem.rsplit("-violation-", 1)[0] + "-violation"  # x-violation-invalid-01 → x-violation
    return VIOLATIONS_DIR / f"{stem}.rq"


@pytest.mark.parametrize("path", [p for p in QUERY_EXAMPLES if is_valid_example(p)], ids=lambda p: p.stem)
def test_violation_query_valid_example_returns_nothing(path):
    assert run_violation_queries(path) == {}


@pytest.mark.parametrize("path", [p for p in QUERY_EXAMPLES if "-invalid-" in p.stem], ids=lambda p: p.stem)
def test_violation_query_invalid_example_returns_its_message(path):
    query = query_for(path)
    expect = expected_message(path)
    rows = run_violation_queries(path, [query]).get(query.name, [])
    assert rows, f"{query.name} found nothing in {path.name}"
    assert any(expect in en for _focus, _ja, en in rows), rows
    assert all(ja and en for _focus, ja, en in rows)
    # the other queries stay silent: each invalid example has exactly one fault
    others = run_violation_queries(path, [q for q in VIOLATION_QUERIES if q != query])
    assert others == {}, others
