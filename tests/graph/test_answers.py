"""graph.answers: answers encoded where the query ran, and the executor's bytes-only path."""

from __future__ import annotations

import json
import os

import pyoxigraph as ox
import pytest

from graph.answers import ROWS, Answer, AnswerSpec, encode_answer, rows_document, with_fields
from graph.errors import QueryError, QueryForbidden
from graph.store import AskResult, EmbeddedStore, GraphResult, SelectResult

from .conftest import EX, small_store



@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    return small_store(f'<{EX}c> <{EX}label> "=HYPERLINK(1)" .\n')  # a spreadsheet formula, for CSV


def test_rows_document_has_plain_values_and_blank_node_ids():
    r = SelectResult(["x", "y"], [(ox.NamedNode(EX + "a"), ox.Literal("計画", language="ja")),
                                  (ox.BlankNode("b1"), None)], truncated=True)
    doc = json.loads(encode_answer(r, AnswerSpec(format=ROWS)).body)
    assert doc == {"ok": True, "columns": ["x", "y"], "truncated": True,
                   "rows": [{"x": EX + "a", "y": "計画"}, {"x": "_:b1", "y": None}]}
    assert rows_document(AskResult(False)) == {"ok": True, "boolean": False}
    triples = GraphResult([ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("v"))])
    assert rows_document(triples)["rows"] == [{"subject": EX + "a", "predicate": EX + "p", "object": "v"}]


def test_the_format_is_negotiated_from_the_result_kind():
    select = SelectResult(["x"], [(ox.Literal("1"),)])
    assert encode_answer(select, AnswerSpec(accept=("text/csv",))).format == "csv"
    assert encode_answer(select, AnswerSpec(param="tsv")).media_type.startswith("text/tab-separated-values")
    graph = GraphResult([ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("v"))])
    # format=json on a CONSTRUCT means JSON-LD, on a SELECT SPARQL results JSON
    assert encode_answer(graph, AnswerSpec(param="json")).format == "jsonld"
    assert encode_answer(select, AnswerSpec(param="json")).format == "json"
    assert encode_answer(graph, AnswerSpec()).format == "turtle"
    with pytest.raises(QueryError) as err:
        encode_answer(AskResult(True), AnswerSpec(param="turtle"))
    assert "cannot carry an ASK" in err.value.message


def test_sparql_json_is_the_w3c_shape_with_the_truncation_link():
    r = SelectResult(["x", "n"], [(ox.NamedNode(EX + "a"), ox.Literal("7", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer")))], truncated=True)
    doc = json.loads(encode_answer(r, AnswerSpec(format="json")).body)
    assert doc["head"] == {"vars": ["x", "n"], "link": ["https://w3id.org/plangraph/results#truncated"]}
    assert doc["results"]["bindings"] == [{"x": {"type": "uri", "value": EX + "a"},
                                           "n": {"type": "literal", "value": "7",
                                                 "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]


def test_with_fields_adds_keys_to_an_encoded_object():
    body = encode_answer(SelectResult(["x"], []), AnswerSpec(format=ROWS)).body
    merged = json.loads(with_fields(body, {"name": "plans", "parameters": {"plan": "計画"}}))
    assert merged == {"ok": True, "columns": ["x"], "rows": [], "truncated": False,
                      "name": "plans", "parameters": {"plan": "計画"}}
    assert with_fields(b"{}", {"a": 1}) == b'{"a":1}'
    assert with_fields(body, {}) is body


def test_the_executor_encodes_in_the_worker_and_returns_only_bytes(executor, store):
    q = f"SELECT ?s ?o WHERE {{ ?s <{EX}label> ?o }} ORDER BY ?s"
    got = executor.answer(q, AnswerSpec(format=ROWS))
    assert isinstance(got, Answer) and isinstance(got.body, bytes)
    assert got.body == encode_answer(store.query(q), AnswerSpec(format=ROWS)).body
    assert json.loads(got.body)["rows"][0] == {"s": EX + "a", "o": "計画"}
    # CSV from the endpoint is neutralised in the worker too
    csv_ = executor.answer(q, AnswerSpec(param="csv", neutralize_formulas=True))
    assert csv_.format == "csv" and b"'=HYPERLINK(1)" in csv_.body


def test_the_worker_path_keeps_the_row_cap_substitutions_and_the_checks(executor):
    capped = executor.answer("SELECT * WHERE { ?s ?p ?o }", AnswerSpec(format="json"), max_rows=2)
    assert capped.truncated and len(json.loads(capped.body)["results"]["bindings"]) == 2
    one = executor.answer("SELECT ?s ?p WHERE { ?s ?p ?o }", AnswerSpec(format=ROWS),
                          substitutions={"s": ox.NamedNode(EX + "b")})
    assert json.loads(one.body)["rows"] == [{"s": EX + "b", "p": EX + "link"}]
    with pytest.raises(QueryForbidden):
        executor.answer("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", AnswerSpec())
    with pytest.raises(QueryError) as err:  # the format is refused in the worker, as a 400
        executor.answer("ASK {}", AnswerSpec(param="turtle"))
    assert err.value.status == 400


def test_the_answer_is_encoded_in_the_worker_process(executor, monkeypatch):
    """If the app encoded it, a broken encoder here would change the answer; it must not."""
    import graph.answers as answers

    monkeypatch.setattr(answers, "rows_document", lambda result: {"encoded_in": os.getpid()})
    got = executor.answer("ASK {}", AnswerSpec(format=ROWS))
    assert json.loads(got.body) == {"ok": True, "boolean": True}
