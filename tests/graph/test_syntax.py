"""Syntax errors say what is wrong and where, in Japanese and English, with the parser's words kept apart."""

from __future__ import annotations

import pytest

from graph.errors import QuerySyntaxError
from graph.sandbox import inspect_query, inspect_update
from graph.store import EmbeddedStore
from graph.syntax import line_column, parser_position, syntax_error, tokens


def refused(text: str) -> QuerySyntaxError:
    """The error a query meets on its way: the sandbox's parse (rdflib), then the store's (pyoxigraph)."""
    with pytest.raises(QuerySyntaxError) as err:
        inspect_query(text, graphs=[])
        EmbeddedStore().query(text)
    return err.value


def test_an_undefined_prefix_is_named_not_dumped():
    # The review saw pyoxigraph's "error at 1:29: expected one of Prefix not found, ['%'], ['-' | '0' ..= '9' …".
    err = refused("SELECT ?x WHERE { ?s foo:bar ?o }")
    assert err.text("ja").startswith("接頭辞 foo: が定義されていません（1 行 22 列）")
    assert err.text("en").startswith("prefix foo: is not defined (line 1, column 22)")
    assert "'\\u{00B7}'" not in err.text("ja") + err.text("en")
    assert err.detail.startswith("error at 1:29") and len(err.detail) <= 300  # the raw words, one short line
    assert "Prefix not found" in err.detail and "'\\u{00B7}'" not in err.detail  # its character ranges elided


def test_an_unfinished_query_points_at_what_is_left_open_not_at_its_first_pattern():
    # rdflib said "Expected SelectQuery, found '?' (at char 17)": the ?s, which is fine.
    err = refused("SELECT * WHERE { ?s ?p ")
    assert err.text("ja") == "クエリが途中で終わっています（1 行 16 列の「{」が閉じられていません）。"
    assert err.text("en") == "the query ends unexpectedly: the '{' at line 1, column 16 is never closed"
    assert "Expected SelectQuery" in err.detail
    assert "ends unexpectedly" in err.message and "Expected SelectQuery" in err.message  # the endpoint's one line


@pytest.mark.parametrize("text, ja, en", [
    ('SELECT * WHERE { ?s ?p "abc }', "1 行 24 列から始まる文字列が閉じられていません", "string that starts at line 1, column 24"),
    ("SELECT * WHERE { ?s ?p ?o } }", "1 行 29 列の「}」に対応する開き括弧がありません", "'}' at line 1, column 29 closes nothing"),
    ("SELECT * WHERE { ?s ?p ?o ) }", "「)」は 1 行 16 列の「{」と対応しません", "does not close the '{'"),
    ("SELECT * WHERE { FILTER(?o > 3 }", "「}」は 1 行 24 列の「(」と対応しません（「)」が必要です）", "does not close the '('"),
    ("SELECT (COUNT(?s AS ?n) WHERE { ?s ?p ?o }", "1 行 8 列の「(」が閉じられていません", "'(' at line 1, column 8 is never"),
    ("SELEC * {}", "SELECT、ASK、CONSTRUCT、DESCRIBE のいずれかで始めて", "not 'SELEC'"),
    ("SELECT * WHERE { ?s http://ex.org/p ?o }", "<http://ex.org/p> のように山括弧で囲んで", "angle brackets"),
    ("SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ex:p ?y }", "接頭辞 ex: が定義されていません（3 行 6 列）", "line 3, column 6"),
    ("SELECT ?x WHERE { ?s <http://a> ?o } LIMT 3", "1 行 38 列（「LIMT 3」）から先を読み取れません", "line 1, column 38"),
    ("# nothing but a comment", "クエリが空です", "the query is empty"),
])
def test_common_mistakes_are_named_with_line_and_column(text, ja, en):
    err = refused(text)
    assert ja in err.text("ja") and en in err.text("en")


def test_a_prefix_declared_and_used_inside_strings_and_iris_is_not_a_mistake():
    text = 'PREFIX ex: <https://ex.org/> SELECT * WHERE { ?s ex:p "no:prefix here" ; <urn:x> ?o } }'
    assert refused(text).text("en") == "the '}' at line 1, column 87 closes nothing"


def test_an_update_is_called_an_update():
    with pytest.raises(QuerySyntaxError) as err:
        inspect_update("INSERT DATA { GRAPH <https://ex.org/g> { <https://ex.org/a> <https://ex.org/p> 1 }")
    assert err.value.text("ja").startswith("更新が途中で終わっています")


def test_tokens_skip_comments_but_not_strings_or_iris():
    assert [t.kind for t in tokens('ASK { <https://ex.org/#a> ?p "# no" } # yes')] == \
           ["word", "bracket", "iri", "var", "string", "bracket"]


def test_positions():
    assert line_column("a\nbc\nd", 5) == (3, 1)
    assert parser_position("error at 3:18: expected one of") == (3, 18)
    assert parser_position("Expected end of text, found '}'  (at char 28), (line:1, col:29)") == (1, 29)
    assert syntax_error("ASK {", "no position here").text("en").startswith("the query ends unexpectedly")
