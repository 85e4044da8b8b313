"""graph.workers: the frames between the app and a query worker carry every term and answer unchanged."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.answers import ROWS, Answer, AnswerSpec, encode_answer
from graph.errors import QueryForbidden, QuerySyntaxError, QueryTimeout
from graph.store import AskResult, GraphResult, SelectResult
from graph.workers import decode_error, decode_job, decode_reply, decode_term, encode_job, encode_reply, encode_term

EX = "https://ex.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"

TERMS = [
    ox.NamedNode(EX + "計画/1"),
    ox.BlankNode("b0"),
    ox.Literal("さいたま市"),
    ox.Literal("デジタル化計画", language="ja"),
    ox.Literal("Digital plan", language="en-GB"),
    ox.Literal("مرحبا", language="ar", direction=ox.BaseDirection.RTL),
    ox.Literal("2021", datatype=ox.NamedNode(XSD + "gYear")),
    ox.Literal("line\nbreak \"quoted\" \\ tab\t", datatype=ox.NamedNode(XSD + "string")),
    ox.Triple(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("o", language="ja")),
]


@pytest.mark.parametrize("term", TERMS, ids=repr)
def test_terms_come_back_equal(term):
    back = decode_term(encode_term(term))
    assert back == term and type(back) is type(term)
    if isinstance(term, ox.Literal):
        assert (back.value, back.language, back.datatype, back.direction) == \
               (term.value, term.language, term.datatype, term.direction)


def test_something_else_is_not_a_term():
    with pytest.raises(TypeError):
        encode_term("https://ex.org/a")


def test_a_job_keeps_its_text_arguments_check_and_spec():
    text = "PREFIX pg: <https://w3id.org/plangraph/ontology#>\nSELECT ?plan WHERE { ?plan a pg:Plan } # 計画\n"
    kwargs = {"substitutions": {"plan": TERMS[0], "label": TERMS[3]}, "default_graph": [EX + "g1"],
              "named_graphs": [EX + "g2", EX + "g3"], "max_rows": 1000}
    spec = AnswerSpec(param="csv", accept=("text/csv", "*/*"), neutralize_formulas=True)
    analysis = ("select", ((False, EX + "g1"), (True, EX + "g2")))
    assert decode_job(encode_job(text, kwargs, analysis, spec)) == (text, kwargs, analysis, spec)
    assert decode_job(encode_job(text, {}, True, None)) == (
        text, {"substitutions": None, "default_graph": None, "named_graphs": None, "max_rows": None}, True, None)
    assert decode_job(encode_job(text, {}, False, AnswerSpec(format=ROWS)))[2:] == (False, AnswerSpec(format=ROWS))


def test_an_answer_comes_back_byte_for_byte():
    rows = SelectResult(["x", "y"], [(TERMS[0], TERMS[3]), (None, TERMS[6])], truncated=True)
    answer = encode_answer(rows, AnswerSpec(format="json"))
    status, back, analysis = decode_reply(encode_reply(answer, ("select", ())))
    assert status == "ok" and back == answer and isinstance(back, Answer)
    assert back.body == answer.body and back.truncated is True and analysis == ("select", ())
    binary = Answer(b"\n\x00\xff{not json}\n", "csv", "text/csv; charset=utf-8", "select", False)
    assert decode_reply(encode_reply(binary)) == ("ok", binary, None)


@pytest.mark.parametrize("result", [
    SelectResult(["x"], [(TERMS[5],), (None,)]),
    AskResult(False),
    GraphResult([TERMS[8]], truncated=True),
], ids=lambda r: type(r).__name__)
def test_results_for_the_pages_come_back_equal(result):
    assert decode_reply(encode_reply(result, ("ask", ((True, EX + "g"),)))) == \
           ("ok", result, ("ask", ((True, EX + "g"),)))


def test_errors_come_back_as_the_same_plangraph_error():
    reply = decode_reply(encode_reply(QueryForbidden("SERVICE is not allowed")))
    err = decode_error(reply)
    assert isinstance(err, QueryForbidden) and err.message == "SERVICE is not allowed" and err.status == 400
    timeout = decode_error(decode_reply(encode_reply(QueryTimeout("遅すぎます"))))
    assert isinstance(timeout, QueryTimeout) and timeout.message == "遅すぎます"


def test_errors_keep_both_languages_and_the_parsers_words_across_the_pipe():
    sent = QuerySyntaxError("the query ends unexpectedly", message_ja="クエリが途中で終わっています。",
                            detail="Expected SelectQuery")
    err = decode_error(decode_reply(encode_reply(sent)))
    assert isinstance(err, QuerySyntaxError)
    assert (err.text("en"), err.text("ja"), err.detail, err.message) == \
           (sent.text("en"), sent.text("ja"), sent.detail, sent.message)


def test_unexpected_errors_do_not_echo_their_text():
    err = decode_error(decode_reply(encode_reply(RuntimeError("/secret/path/in/the/message"))))
    assert "secret" not in err.message and err.status == 500
