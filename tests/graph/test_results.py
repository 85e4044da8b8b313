"""Result serializers: the output parses back (pyoxigraph, csv, rdflib) to the same values."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from graph.errors import QueryError
from graph.results import (RESULT_FORMATS, TRUNCATED_LINK, compact_iri, format_for_media_type,
                           serialize_result, to_table)
from graph.store import AskResult, EmbeddedStore, GraphResult, SelectResult

XSD = "http://www.w3.org/2001/XMLSchema#"
PLAN = ox.NamedNode("https://w3id.org/plangraph/id/lg/111007/plan/digital-2021")
LABEL = ox.Literal("さいたま市行政デジタル化計画", language="ja")
DATE = ox.Literal("2021-04-01", datatype=ox.NamedNode(XSD + "date"))
TRICKY = ox.Literal('tab\there "quoted", comma\nnew line')
BNODE = ox.BlankNode("b0")


def _select(truncated: bool = False) -> SelectResult:
    return SelectResult(
        ["plan", "label", "start", "note"],
        [(PLAN, LABEL, DATE, TRICKY), (BNODE, None, ox.Literal("7", datatype=ox.NamedNode(XSD + "integer")), None)],
        truncated,
    )


def _solutions(data: bytes, fmt: ox.QueryResultsFormat) -> tuple[list[str], list[tuple]]:
    res = ox.parse_query_results(data, fmt)
    variables = [v.value for v in res.variables]
    return variables, [tuple(sol[v] for v in variables) for sol in res]


@pytest.mark.parametrize("name,fmt", [("json", ox.QueryResultsFormat.JSON),
                                      ("xml", ox.QueryResultsFormat.XML),
                                      ("tsv", ox.QueryResultsFormat.TSV)])
def test_select_round_trips_through_pyoxigraph(name, fmt):
    variables, rows = _solutions(serialize_result(_select(), name), fmt)
    assert variables == ["plan", "label", "start", "note"]
    assert rows[0] == (PLAN, LABEL, DATE, TRICKY)
    assert isinstance(rows[1][0], ox.BlankNode) and rows[1][1] is None and rows[1][2].value == "7"


@pytest.mark.parametrize("name,fmt", [("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML)])
def test_ask_round_trips(name, fmt):
    assert bool(ox.parse_query_results(serialize_result(AskResult(True), name), fmt)) is True
    assert bool(ox.parse_query_results(serialize_result(AskResult(False), name), fmt)) is False


def test_json_follows_the_spec_shape():
    doc = json.loads(serialize_result(_select(), "json"))
    assert set(doc) == {"head", "results"}
    b = doc["results"]["bindings"][0]
    assert b["label"] == {"type": "literal", "value": "さいたま市行政デジタル化計画", "xml:lang": "ja"}
    assert b["start"] == {"type": "literal", "value": "2021-04-01", "datatype": XSD + "date"}
    assert b["note"] == {"type": "literal", "value": TRICKY.value}  # xsd:string: no datatype key
    assert "label" not in doc["results"]["bindings"][1]  # unbound: absent


def test_truncation_is_a_head_link_in_json_and_xml():
    assert "link" not in json.loads(serialize_result(_select(), "json"))["head"]
    doc = json.loads(serialize_result(_select(truncated=True), "json"))
    assert doc["head"]["link"] == [TRUNCATED_LINK]
    root = ET.fromstring(serialize_result(_select(truncated=True), "xml"))
    ns = "{http://www.w3.org/2005/sparql-results#}"
    head = root.find(ns + "head")
    assert [c.tag for c in head] == [ns + "variable"] * 4 + [ns + "link"]  # links after variables
    assert head.find(ns + "link").get("href") == TRUNCATED_LINK
    # still valid for a strict reader
    assert len(list(ox.parse_query_results(serialize_result(_select(True), "xml"), ox.QueryResultsFormat.XML))) == 2


def test_csv_reads_back_with_the_csv_module():
    data = serialize_result(_select(), "csv")
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode(), newline="")))
    assert rows[0] == ["plan", "label", "start", "note"]
    assert rows[1] == [PLAN.value, "さいたま市行政デジタル化計画", "2021-04-01", TRICKY.value]
    assert rows[2] == ["_:b0", "", "7", ""]


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://evil\",\"x\")", "+1+2", "-2+3", "@SUM(A1)",
                                   "\tleading tab", "\rleading cr"])
def test_formula_cells_are_neutralized_in_csv(value):
    r = SelectResult(["x", "n"], [(ox.Literal(value), ox.Literal("-5"))])
    plain = list(csv.reader(io.StringIO(serialize_result(r, "csv").decode(), newline="")))[1]
    safe = list(csv.reader(io.StringIO(serialize_result(r, "csv", neutralize_formulas=True).decode(),
                                       newline="")))[1]
    assert plain == [value, "-5"]
    assert safe == ["'" + value, "-5"]  # a plain number is not a formula: untouched


def test_formula_cells_are_neutralized_in_tsv_inside_the_quotes():
    r = SelectResult(["x"], [(ox.Literal("=1+1"),)])
    _, rows = _solutions(serialize_result(r, "tsv", neutralize_formulas=True), ox.QueryResultsFormat.TSV)
    assert rows[0][0].value == "'=1+1"  # still valid TSV; the spreadsheet sees text
    _, rows = _solutions(serialize_result(r, "tsv"), ox.QueryResultsFormat.TSV)
    assert rows[0][0].value == "=1+1"


def test_graph_results_parse_back_with_rdflib_and_pyoxigraph():
    store = EmbeddedStore()
    store.load_data(f'{PLAN} <http://www.w3.org/2000/01/rdf-schema#label> {LABEL} .\n'
                    f'{PLAN} <https://w3id.org/plangraph/ontology#startDate> {DATE} .',
                    format="nt", graph="https://ex.org/g")
    result = store.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(result, GraphResult) and len(result.triples) == 2
    expected = rdflib.Graph().parse(data=ox.serialize(result.triples, format=ox.RdfFormat.N_TRIPLES).decode(),
                                    format="nt")
    for name, rdflib_fmt, ox_fmt in [("turtle", "turtle", ox.RdfFormat.TURTLE),
                                     ("ntriples", "nt", ox.RdfFormat.N_TRIPLES),
                                     ("jsonld", "json-ld", ox.RdfFormat.JSON_LD),
                                     ("rdfxml", "xml", ox.RdfFormat.RDF_XML)]:
        data = serialize_result(result, name)
        g = rdflib.Graph().parse(data=data, format=rdflib_fmt)
        assert isomorphic(g, expected), name
        assert {q.triple for q in ox.parse(data, format=ox_fmt)} == set(result.triples), name


def test_truncated_graph_results_say_so_in_a_comment():
    r = GraphResult([ox.Triple(PLAN, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), LABEL)], True)
    for name, fmt in [("turtle", ox.RdfFormat.TURTLE), ("rdfxml", ox.RdfFormat.RDF_XML)]:
        data = serialize_result(r, name)
        assert b"truncated" in data
        assert [q.triple for q in ox.parse(data, format=fmt)] == r.triples


def test_formats_refuse_results_they_cannot_carry():
    with pytest.raises(QueryError) as exc:
        serialize_result(AskResult(True), "turtle")
    assert exc.value.status == 406
    with pytest.raises(QueryError):
        serialize_result(GraphResult([]), "json")
    with pytest.raises(QueryError, match="unknown result format"):
        serialize_result(_select(), "xlsx")


def test_ask_in_csv_and_tsv_is_the_bare_boolean():
    """CSV/TSV define SELECT results only; ASK answers as Oxigraph does, and pyoxigraph reads the TSV back."""
    assert serialize_result(AskResult(True), "csv") == b"true\r\n"
    assert serialize_result(AskResult(False), "csv") == b"false\r\n"
    for value in (True, False):
        back = ox.parse_query_results(serialize_result(AskResult(value), "tsv"), ox.QueryResultsFormat.TSV)
        assert isinstance(back, ox.QueryBoolean) and bool(back) is value


def test_every_format_has_a_media_type_and_negotiates_back():
    for f in RESULT_FORMATS.values():
        for kind in f.kinds:
            assert format_for_media_type(f.media_type, kind) == f.name


def test_table_compacts_iris_and_aligns_japanese():
    text = to_table(_select(True), prefixes={"id": "https://w3id.org/plangraph/id/"}).decode()
    lines = text.splitlines()
    assert lines[0].startswith("plan")
    assert "id:lg/111007/plan/digital-2021" in lines[2]
    assert "さいたま市行政デジタル化計画" in lines[2]
    assert "new line" in lines[2]  # newlines folded: one row, one line
    assert lines[-2] == "(2 行 / 2 rows)" and "truncated" in lines[-1]
    # the columns line up in display width (full-width characters count twice)
    def width(s):
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    def bars(line):
        return [width(line[:i]) for i in range(len(line)) if line.startswith(" | ", i)]
    assert len(bars(lines[0])) == 3
    assert bars(lines[0]) == bars(lines[2])
    assert bars(lines[3]) == bars(lines[0])[:2]  # trailing empty cell stripped


def test_compact_iri_prefers_the_longest_namespace():
    prefixes = {"a": "https://ex.org/", "b": "https://ex.org/deep/"}
    assert compact_iri("https://ex.org/deep/x", prefixes) == "b:x"
    assert compact_iri("https://ex.org/x?y=1", prefixes) == "<https://ex.org/x?y=1>"


def test_control_characters_never_reach_the_terminal_or_break_xml():
    r = SelectResult(["label"], [(ox.Literal("赤\x1b]0;owned\x07字"),)])
    text = to_table(r).decode()
    assert "\x1b" not in text and "\x07" not in text and "赤\ufffd]0;owned\ufffd字" in text
    with pytest.raises(QueryError, match="XML cannot carry") as exc:
        serialize_result(r, "xml")
    assert exc.value.status == 406
    # JSON carries them escaped, and they come back intact
    _, rows = _solutions(serialize_result(r, "json"), ox.QueryResultsFormat.JSON)
    assert rows[0][0].value == "赤\x1b]0;owned\x07字"
