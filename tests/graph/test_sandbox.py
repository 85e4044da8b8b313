"""graph.sandbox: refusals come from the parse tree, so comments, strings and spelling do not fool it."""

from __future__ import annotations

import pytest

from graph.errors import QueryForbidden, QuerySyntaxError
from graph.sandbox import inspect_query, inspect_update

G = "https://ex.org/g"


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "select * where { service silent ?endpoint { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://x/> { ?s ?q ?r } } }",
    "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <http://x/> { ?s ?p ?o } } }",
    "ASK { FILTER NOT EXISTS { SERVICE <http://x/> { } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    "PREFIX e: <http://x/> SELECT * WHERE { { SELECT ?s WHERE { SERVICE e:s { ?s ?p ?o } } } }",
    r"SELECT * WHERE { \u0053ERVICE <http://x/> { ?s ?p ?o } }",  # codepoint escapes are expanded first
])
def test_service_anywhere_is_refused(query):
    with pytest.raises(QueryForbidden, match="SERVICE"):
        inspect_query(query, graphs=[G])


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" }',
    "# SERVICE <http://x/> { ?s ?p ?o }\nSELECT * WHERE { ?s ?p ?o }",
    "SELECT ?service WHERE { ?service ?p ?o }",
])
def test_the_word_service_outside_the_grammar_is_fine(query):
    assert inspect_query(query, graphs=[G]).kind == "select"


@pytest.mark.parametrize("query", [
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }",
    "PREFIX f: <file:///etc/> SELECT * FROM f:passwd WHERE { ?s ?p ?o }",
    r"SELECT * FROM <file:///etc/\u0070asswd> WHERE { ?s ?p ?o }",
    f"SELECT * FROM <{G}> FROM <http://example.org/remote.ttl> WHERE {{ ?s ?p ?o }}",
])
def test_dataset_clauses_may_only_name_the_stores_graphs(query):
    with pytest.raises(QueryForbidden, match="not a graph of this store"):
        inspect_query(query, graphs=[G])


def test_dataset_clauses_are_reported():
    info = inspect_query(f"PREFIX e: <https://ex.org/> SELECT * FROM e:g FROM NAMED <{G}> WHERE {{ ?s ?p ?o }}",
                         graphs=lambda: [G])
    assert (info.kind, info.from_graphs, info.from_named) == ("select", (G,), (G,))


@pytest.mark.parametrize("update", ["LOAD <http://x/a.ttl>", "CLEAR ALL", "DROP GRAPH <https://ex.org/g>",
                                    "INSERT DATA { <https://ex.org/a> <https://ex.org/p> 1 }"])
def test_updates_are_refused_as_queries(update):
    with pytest.raises(QueryForbidden, match="read-only"):
        inspect_query(update, graphs=[G])


def test_malformed_query_carries_the_parsers_position():
    with pytest.raises(QuerySyntaxError, match=r"line:1, col:"):
        inspect_query("SELECT ?s WHERE { ?s ?p }", graphs=[G])


@pytest.mark.parametrize("update", [
    "LOAD <http://127.0.0.1:9/x.ttl>",
    "LOAD SILENT <file:///etc/passwd> INTO GRAPH <https://ex.org/g>",
    "INSERT { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    "CLEAR ALL ; LOAD <http://x/>",
])
def test_updates_may_not_fetch(update):
    with pytest.raises(QueryForbidden):
        inspect_update(update)


@pytest.mark.parametrize("update", [
    "DELETE { GRAPH ?g { ?s ?p ?o } } INSERT { GRAPH ?g { ?s ?p 2 } } WHERE { GRAPH ?g { ?s ?p ?o FILTER(?o = 1) } }",
    "WITH <https://ex.org/g> DELETE { ?s ?p ?o } INSERT { ?s ?p 2 } WHERE { ?s ?p ?o FILTER(?o = 1) }",
    "INSERT { GRAPH <https://ex.org/h> { ?s ?p ?o } } USING <https://ex.org/g> WHERE { ?s ?p ?o }",
    "INSERT DATA { GRAPH <https://ex.org/g> { <https://ex.org/a> <https://ex.org/p> 1 } }",
    "DELETE WHERE { GRAPH ?g { <https://ex.org/a> <https://ex.org/p> ?o } }",
    "INSERT { GRAPH <https://ex.org/g> { ?s <https://ex.org/p> 1 } } WHERE { BIND(<https://ex.org/a> AS ?s) }",
    "COPY <https://ex.org/g> TO <https://ex.org/h> ; CLEAR DEFAULT ; DROP SILENT GRAPH <https://ex.org/x>",
])
def test_updates_that_name_their_graphs_pass(update):
    inspect_update(update)


@pytest.mark.parametrize("update,what", [
    ("INSERT DATA { <https://ex.org/a> <https://ex.org/p> 1 }", "operation 1 (INSERT DATA) writes"),
    ("DELETE DATA { <https://ex.org/a> <https://ex.org/p> 1 }", "(DELETE DATA) deletes"),
    ("DELETE WHERE { <https://ex.org/a> <https://ex.org/p> ?o }", "(DELETE WHERE) deletes"),
    ("CLEAR ALL ; INSERT { GRAPH <https://ex.org/g> { ?s ?p 1 } } WHERE { ?s a <https://ex.org/C> }",
     "operation 2 (DELETE/INSERT … WHERE) matches a pattern outside GRAPH"),
    ("INSERT { GRAPH <https://ex.org/g> { ?s ?p 1 } } WHERE { GRAPH ?g { ?s a ?c } FILTER EXISTS { ?s ?q ?r } }",
     "matches a pattern outside GRAPH"),
    ("INSERT { GRAPH <https://ex.org/g> { ?s <https://ex.org/n> ?n } } "
     "WHERE { { SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s } }", "matches a pattern outside GRAPH"),
    ("DELETE { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", "(DELETE/INSERT … WHERE) deletes"),
    ("INSERT { ?s ?p 2 } WHERE { GRAPH ?g { ?s ?p 1 } }", "(DELETE/INSERT … WHERE) writes"),
    ("COPY DEFAULT TO <https://ex.org/g>", "(COPY) names DEFAULT"),
    ("ADD <https://ex.org/g> TO DEFAULT", "(ADD) names DEFAULT"),
])
def test_updates_on_the_empty_default_graph_are_refused_with_the_way_to_write_them(update, what):
    """The default graph is always empty here: such an update would hide triples or silently match nothing."""
    with pytest.raises(QueryForbidden, match=r"name the graph \(GRAPH <g>") as info:
        inspect_update(update)
    assert what in str(info.value)


def test_the_parse_is_cached_by_query_text_but_graphs_are_checked_every_time():
    """rdflib's parse is the endpoint's main cost: the same text is parsed once per process."""
    from graph.errors import QueryForbidden
    from graph.sandbox import analyse, inspect_query

    text = "SELECT * FROM <https://ex.org/cached-g> WHERE { ?s ?p ?o }"
    before = analyse.cache_info()
    assert inspect_query(text, graphs=["https://ex.org/cached-g"]).from_graphs == ("https://ex.org/cached-g",)
    assert inspect_query(text, graphs=["https://ex.org/cached-g"]).kind == "select"
    after = analyse.cache_info()
    assert after.misses == before.misses + 1 and after.hits == before.hits + 1
    # the cached parse does not cache the dataset decision: a graph that is gone is refused
    with pytest.raises(QueryForbidden):
        inspect_query(text, graphs=[])
