"""Real SPARQL clients against a live server on loopback get the library's answers.

The server is waitress serving the app over the Saitama graph; the clients
are SPARQLWrapper, rdflib's SPARQLStore and curl. Every named query is run
through the clients and compared, row for row, with
``graph.queries.run_named`` on the library store.

GROUP_CONCAT's order is unspecified (SPARQL 1.1 §18.5.1.7) and differs
between store copies (the workers load a dump), so concatenated cells are
compared as sets of their parts.

Clients send query text, not substitutions, so the parameters of a named
query are written into the text as a ``VALUES`` block at the start of its
outermost WHERE group — the same bindings, in place before any FILTER/BIND
reads them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, JSONLD, N3, POST, RDFXML, TURTLE, XML, SPARQLWrapper

from graph.queries import bind, list_queries, run_named
from graph.remote_sparql import bind_values

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
NAMED = [q.name for q in list_queries()]


@pytest.fixture(scope="module")
def endpoint(make_app, live_server, saitama_store) -> str:
    return live_server(make_app(saitama_store)) + "/sparql"


def query_text(name: str) -> tuple[str, dict]:
    """The named query's text with its example parameters bound by VALUES, and the parameters.

    The text is what a remote store sends (``bind_values``): one ``VALUES`` at the top, and the same
    inside each sub-SELECT that projects the parameter (``label-search`` picks its best labels for
    ``?q`` in one), so any SPARQL client gets the library's answer with it.
    """
    query = next(q for q in list_queries() if q.name == name)
    params = {p.name: p.example for p in query.parameters if p.example}
    return bind_values(query.text, bind(query, params)), params


def concatenated(name: str) -> set[str]:
    """Variables a named query fills with GROUP_CONCAT (their order of parts is unspecified)."""
    text = next(q for q in list_queries() if q.name == name).text
    return set(re.findall(r"GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*\)\s*AS\s+\?(\w+)", text, re.IGNORECASE))


def unordered(rows: list[tuple], variables: set[str]) -> list[tuple]:
    """Rows with each GROUP_CONCAT cell replaced by the sorted set of its parts."""
    if not variables:
        return rows
    out = []
    for row in rows:
        cells = []
        for v, term in row:
            if v in variables and term[0] == "literal":
                parts = tuple(sorted(re.split(r"[、,;|]\s*", term[1])))
                term = (term[0], parts, *term[2:])
            cells.append((v, term))
        out.append(tuple(cells))
    return sorted(out)


def _norm(kind: str, value: str, lang: str | None = None, datatype: str | None = None) -> tuple:
    if kind == "bnode":
        return ("bnode",)  # blank node labels are per response
    if kind == "literal" and datatype in (None, XSD_STRING, LANG_STRING):
        datatype = None
    return (kind, value, lang or None, datatype)


def library_rows(store, name: str, params: dict) -> list[tuple]:
    result = run_named(store, name, params)
    out = []
    for row in result.rows:
        cells = []
        for v, t in zip(result.variables, row):
            if t is None:
                continue
            if isinstance(t, ox.NamedNode):
                cells.append((v, _norm("uri", t.value)))
            elif isinstance(t, ox.BlankNode):
                cells.append((v, _norm("bnode", t.value)))
            else:
                cells.append((v, _norm("literal", t.value, t.language, t.datatype.value)))
        out.append(tuple(sorted(cells)))
    return sorted(out)


def wrapper_rows(doc: dict) -> list[tuple]:
    out = []
    for b in doc["results"]["bindings"]:
        cells = []
        for v, t in b.items():
            kind = {"typed-literal": "literal"}.get(t["type"], t["type"])
            cells.append((v, _norm(kind, t["value"], t.get("xml:lang"), t.get("datatype"))))
        out.append(tuple(sorted(cells)))
    return sorted(out)


def rdflib_rows(result) -> list[tuple]:
    out = []
    for row in result:
        cells = []
        for v in result.vars:
            t = row[v]
            if t is None:
                continue
            if isinstance(t, rdflib.URIRef):
                cells.append((str(v), _norm("uri", str(t))))
            elif isinstance(t, rdflib.BNode):
                cells.append((str(v), _norm("bnode", str(t))))
            else:
                cells.append((str(v), _norm("literal", str(t), t.language,
                                            str(t.datatype) if t.datatype else None)))
        out.append(tuple(sorted(cells)))
    return sorted(out)


@pytest.mark.parametrize("name", NAMED)
def test_sparqlwrapper_gets_the_library_answer(endpoint, saitama_store, name):
    text, params = query_text(name)
    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    client.setReturnFormat(JSON)
    concat = concatenated(name)
    assert unordered(wrapper_rows(client.query().convert()), concat) == \
        unordered(library_rows(saitama_store, name, params), concat)


@pytest.mark.parametrize("name", NAMED)
def test_rdflib_sparqlstore_gets_the_library_answer(endpoint, saitama_store, name):
    text, params = query_text(name)
    graph = rdflib.Graph(store=SPARQLStore(endpoint, returnFormat="xml"))
    concat = concatenated(name)
    assert unordered(rdflib_rows(graph.query(text)), concat) == \
        unordered(library_rows(saitama_store, name, params), concat)


def test_sparqlwrapper_post_and_xml(endpoint, saitama_store):
    text, params = query_text("plans")
    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    client.setMethod(POST)
    client.setReturnFormat(XML)
    dom = client.query().convert()
    results = dom.getElementsByTagName("result")
    assert len(results) == len(library_rows(saitama_store, "plans", params)) > 0
    literals = {n.firstChild.data for n in dom.getElementsByTagName("literal") if n.firstChild}
    assert "さいたま市行政デジタル化計画" in literals or any("デジタル" in s for s in literals)


def test_sparqlwrapper_ask_and_construct(endpoint):
    client = SPARQLWrapper(endpoint)
    client.setQuery("PREFIX pg: <https://w3id.org/plangraph/ontology#> ASK { ?plan pg:upperPlan ?upper }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True
    plan = "https://w3id.org/plangraph/id/lg/111007/plan/digital-2021"
    client = SPARQLWrapper(endpoint)
    client.setQuery(f"CONSTRUCT {{ <{plan}> ?p ?o }} WHERE {{ <{plan}> ?p ?o }}")
    g = client.queryAndConvert()  # rdflib Graph, parsed from the endpoint's RDF
    labels = {str(o) for o in g.objects(rdflib.URIRef(plan), rdflib.RDFS.label)}
    assert any("デジタル化計画" in label for label in labels)


@pytest.mark.parametrize("fmt,rdf_format", [(RDFXML, "xml"), (N3, "n3"), (TURTLE, "turtle"), (JSONLD, "json-ld")])
def test_sparqlwrapper_construct_in_every_rdf_format_it_offers(endpoint, fmt, rdf_format):
    """SPARQLWrapper sends format=rdf+xml / n3 / turtle / json-ld beside its Accept header."""
    plan = "https://w3id.org/plangraph/id/lg/111007/plan/digital-2021"
    client = SPARQLWrapper(endpoint)
    client.setQuery(f"CONSTRUCT {{ <{plan}> ?p ?o }} WHERE {{ <{plan}> ?p ?o }}")
    client.setReturnFormat(fmt)
    body = client.query().response.read()
    g = rdflib.Graph().parse(data=body, format=rdf_format)
    assert any("デジタル化計画" in str(o) for o in g.objects(rdflib.URIRef(plan), rdflib.RDFS.label))


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_rdflib_reads_back_the_exact_value_in_every_results_format(endpoint, fmt):
    """CSV/TSV carry values unchanged (the results formats say so): no spreadsheet quote by default."""
    graph = rdflib.Graph(store=SPARQLStore(endpoint, returnFormat=fmt))
    rows = list(graph.query('SELECT ?v WHERE { BIND("=SUM(A1)" AS ?v) }'))
    assert [str(r[0]) for r in rows] == ["=SUM(A1)"]


def test_clients_write_with_the_token_as_basic_password(make_app, live_server):
    """SPARQLWrapper's setCredentials and rdflib's SPARQLUpdateStore(auth=…) send Basic; the token is the password."""
    from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore
    from graph.store import EmbeddedStore

    base = live_server(make_app(EmbeddedStore(), update_token="client-token"))
    g = "https://ex.org/written-by-clients"
    store = SPARQLUpdateStore(query_endpoint=base + "/sparql", update_endpoint=base + "/sparql/update",
                              auth=("anyone", "client-token"))
    store.update(f'INSERT DATA {{ GRAPH <{g}> {{ <https://ex.org/a> <https://ex.org/p> "rdflib" }} }}')
    writer = SPARQLWrapper(base + "/sparql", updateEndpoint=base + "/sparql/update")
    writer.setCredentials("anyone", "client-token")
    writer.setMethod(POST)
    writer.setQuery(f'INSERT DATA {{ GRAPH <{g}> {{ <https://ex.org/a> <https://ex.org/p> "wrapper" }} }}')
    writer.query()
    reader = SPARQLWrapper(base + "/sparql")
    reader.setQuery("SELECT ?o WHERE { GRAPH ?g { <https://ex.org/a> <https://ex.org/p> ?o } }")
    reader.setReturnFormat(JSON)
    got = {b["o"]["value"] for b in reader.query().convert()["results"]["bindings"]}
    assert got == {"rdflib", "wrapper"}
    wrong = SPARQLUpdateStore(query_endpoint=base + "/sparql", update_endpoint=base + "/sparql/update",
                              auth=("anyone", "not-the-token"))
    with pytest.raises(Exception, match="401"):
        wrong.update(f'INSERT DATA {{ GRAPH <{g}> {{ <https://ex.org/a> <https://ex.org/p> "no" }} }}')


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_get_and_post(endpoint, saitama_store):
    text, params = query_text("plans")
    expected = library_rows(saitama_store, "plans", params)
    got = subprocess.run(["curl", "-sS", "--fail", "-G", endpoint, "--data-urlencode", f"query={text}",
                          "-H", "Accept: application/sparql-results+json"],
                         capture_output=True, check=True, timeout=60)
    assert wrapper_rows(json.loads(got.stdout)) == expected
    posted = subprocess.run(["curl", "-sS", "--fail", endpoint, "-H", "Content-Type: application/sparql-query",
                             "-H", "Accept: text/csv", "--data-binary", "@-"],
                            input=text.encode(), capture_output=True, check=True, timeout=60)
    rows = list(csv.reader(io.StringIO(posted.stdout.decode())))
    assert len(rows) == 1 + len(expected)
    head = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "DELETE", endpoint],
                          capture_output=True, check=True, timeout=60)
    assert head.stdout == b"405"


def test_plangraph_serve_serves_the_endpoint(tmp_path):
    """The real command: waitress in its own process, queries in its workers, no debug mode."""
    import socket
    import sys
    import time
    import urllib.error
    import urllib.request

    data = tmp_path / "tiny.ttl"
    data.write_text('<https://ex.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "計画"@ja .\n', encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "graph.cli", "serve", "--port", str(port), "--data", str(data)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/sparql?query=" + \
              "SELECT%20%3Fl%20WHERE%20%7B%20%3Chttps%3A%2F%2Fex.org%2Fa%3E%20%3Fp%20%3Fl%20%7D"
        for _ in range(120):
            try:
                body = urllib.request.urlopen(url, timeout=5).read()
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("plangraph serve did not answer: " + proc.stderr.read1().decode(errors="replace"))
        assert json.loads(body)["results"]["bindings"][0]["l"]["value"] == "計画"
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/no-such-page", timeout=5)
        assert info.value.code == 404
        assert info.value.headers["Server"] == "PlanGraph"  # waitress (ident), not Werkzeug's debug server
        assert "Traceback" not in info.value.read().decode()
    finally:
        proc.terminate()
        proc.wait(10)
