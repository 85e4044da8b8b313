"""Validation: SHACL + violation queries in one report; check_files refuses bad input with its place."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import ParseError, ValidationError
from graph.validate import Report, Result, check_files, literal_ok, validate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BAD = FIXTURES / "bad"
LIB = FIXTURES / "lib"
XSD = "http://www.w3.org/2001/XMLSchema#"


def test_good_files_pass_the_gate():
    report = check_files([LIB / "mini-plan.trig"])
    assert report.conforms
    assert report.text().startswith("検証結果: 適合しています / Validation: conforms")


def test_the_saitama_graph_conforms(saitama_store):
    report = validate(saitama_store)
    assert report.conforms, report.text()


@pytest.mark.parametrize("name,error,where,words", [
    ("syntax-error.ttl", ParseError, ":7:5:", "A dot is expected"),
    ("unknown-class.ttl", ValidationError, ":5:58:", "pg:MasterPlan is not a PlanGraph class"),
    ("missing-label.ttl", ValidationError, ":8:1:", "missing label"),
    ("bad-date.ttl", ValidationError, ":8:18:", '"2021-13-45" is not a valid xsd:date'),
    ("entity-bomb.rdf", ParseError, ":2:1:", "DOCTYPE declarations are refused"),
    ("deep-nesting.jsonld", ParseError, ":", "nested deeper than 100 levels"),
])
def test_bad_files_are_refused_with_their_place(name, error, where, words):
    with pytest.raises(error) as exc:
        check_files([BAD / name])
    message = str(exc.value)
    assert name + where in message
    assert words in message
    assert "\n" not in message  # one line for the CLI


def test_the_report_of_a_refused_file_is_japanese_first():
    with pytest.raises(ValidationError) as exc:
        check_files([BAD / "bad-date.ttl"])
    report = exc.value.report
    lines = report.splitlines()
    assert lines[0].startswith("検証結果: 適合しません（問題 1 件） / Validation: does not conform (1 problem)")
    ja = next(i for i, line in enumerate(lines) if "正しい値ではありません" in line)
    en = next(i for i, line in enumerate(lines) if "is not a valid xsd:date" in line)
    assert ja < en
    assert "bad-date.ttl:8:18" in report and "pg:startDate" in report


def test_a_label_in_another_file_counts(tmp_path):
    typed = tmp_path / "typed.ttl"
    typed.write_text("<https://w3id.org/plangraph/id/x> a <https://w3id.org/plangraph/ontology#Law> .\n")
    with pytest.raises(ValidationError, match="missing label"):
        check_files([typed])
    labelled = tmp_path / "labels.ttl"
    labelled.write_text('<https://w3id.org/plangraph/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "法"@ja .\n')
    with pytest.raises(ValidationError) as exc:  # past the label check; the Law shape has more to say
        check_files([typed, labelled])
    assert "missing label (rdfs:label)" not in str(exc.value)


def test_unknown_property_is_refused(tmp_path):
    f = tmp_path / "prop.ttl"
    f.write_text('@prefix pg: <https://w3id.org/plangraph/ontology#> .\n'
                 '<https://w3id.org/plangraph/id/x> pg:supportz <https://w3id.org/plangraph/id/y> .\n')
    with pytest.raises(ValidationError, match=r"prop.ttl:2:35: pg:supportz is not a PlanGraph term"):
        check_files([f])


def test_shapes_and_violation_queries_both_report():
    report = validate([LIB / "period-reversed.ttl"])
    assert not report.conforms
    by_query = [r for r in report.results if r.source == "ontology/violations/period-order-violation.rq"]
    assert len(by_query) == 1
    assert by_query[0].focus == "https://w3id.org/plangraph/id/lg/999999/plan/reversed/period"
    assert "2021-04-01" in by_query[0].message_ja and "より前" in by_query[0].message_ja
    assert any(r.source.startswith("https://w3id.org/plangraph/shapes#") for r in report.results)
    with pytest.raises(ValidationError, match="period-reversed|reversed/period"):
        check_files([LIB / "period-reversed.ttl"])


@pytest.mark.parametrize("lexical,datatype,ok", [
    ("2021-04-01", "date", True), ("2021-13-45", "date", False), ("2021-02-29", "date", False),
    ("2024-02-29", "date", True), ("2021-04-01+09:00", "date", True), ("令和3年4月1日", "date", False),
    ("2021-04-01T09:00:00Z", "dateTime", True), ("2021-04-31T09:00:00", "dateTime", False),
    ("2021", "gYear", True), ("R3", "gYear", False), ("2021-04", "gYearMonth", True),
    ("2021-13", "gYearMonth", False), ("42", "integer", True), ("4.2", "integer", False),
    ("-1", "nonNegativeInteger", False), ("0.5", "decimal", True), ("1e3", "double", True),
    ("yes", "boolean", False), ("P5Y", "duration", True), ("P", "duration", False),
    ("anything", "string", True),
])
def test_literal_lexical_forms(lexical, datatype, ok):
    assert literal_ok(ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype))) is ok


def test_report_text_lists_every_problem():
    r = Report([Result("https://w3id.org/plangraph/id/lg/1", "日本語", "English",
                       source="https://w3id.org/plangraph/shapes#PlanShape",
                       path="http://www.w3.org/2000/01/rdf-schema#label")])
    text = r.text()
    assert "1. id:lg/1 — rdfs:label\n   日本語\n   English\n   (検出 found by: pgsh:PlanShape)" in text
    assert r.to_dict()["conforms"] is False
