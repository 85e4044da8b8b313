"""The endpoint is public: nothing a client sends may reach the network or the disk,
run past its deadline, bypass the row cap, write without the token, or plant a
spreadsheet formula.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest

from graph import netguard

from .conftest import EX, G1, endpoint_store, product_store

TOKEN = "t0ken-for-tests"


@pytest.fixture(scope="module")
def client(make_app):
    return make_app(endpoint_store()).test_client()


@pytest.fixture(scope="module")
def token_app(make_app):
    return make_app(endpoint_store(), update_token=TOKEN)


def count(client) -> int:
    resp = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    return int(resp.get_json(force=True)["results"]["bindings"][0]["n"]["value"])


# --- nothing reaches the network or the disk -------------------------------------------------

@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} }}",
    "PREFIX x: <{url}> SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE x:sparql {{ ?a ?b ?c }} }} }} }}",
    "# SERVICE in a comment does not matter\nASK {{ SERVICE <{url}> {{ }} }}",
])
def test_service_is_refused_and_the_listener_receives_nothing(client, listener, template):
    resp = client.get("/sparql", query_string={"query": template.format(url=listener.url)})
    assert resp.status_code == 400
    assert "SERVICE is not allowed" in resp.get_data(as_text=True)
    time.sleep(0.3)
    assert listener.connections == []


def test_the_word_service_inside_a_literal_is_fine(client):
    resp = client.get("/sparql", query_string={"query": 'ASK { FILTER("SERVICE <http://x/> {}" != "") }'})
    assert resp.status_code == 200


@pytest.mark.parametrize("query", [
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }",
    "PREFIX f: <file:///etc/> SELECT * FROM f:passwd WHERE { ?s ?p ?o }",
    "SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }",
])
def test_from_outside_the_store_is_refused(client, query):
    resp = client.get("/sparql", query_string={"query": query})
    assert resp.status_code == 400
    assert "not a graph of this store" in resp.get_data(as_text=True)


def test_from_a_graph_of_the_store_is_allowed(client):
    resp = client.get("/sparql", query_string={"query": f"SELECT ?s FROM <{G1}> WHERE {{ ?s ?p ?o }}"})
    assert resp.status_code == 200
    assert {b["s"]["value"] for b in resp.get_json(force=True)["results"]["bindings"]} == {EX + "plan", EX + "upper"}


def test_load_is_refused_on_the_query_endpoint(client, listener):
    before = count(client)
    for resp in (client.get("/sparql", query_string={"query": f"LOAD <{listener.url}x.ttl>"}),
                 client.post("/sparql", data={"query": f"LOAD <{listener.url}x.ttl>"}),
                 client.post("/sparql", data=f"LOAD <{listener.url}x.ttl>", content_type="application/sparql-query")):
        assert resp.status_code == 400
        assert "read-only" in resp.get_data(as_text=True)
    time.sleep(0.3)
    assert listener.connections == []
    assert count(client) == before


def test_load_is_refused_on_the_update_endpoint_without_and_with_token(client, token_app, listener):
    assert client.post("/sparql/update", data={"update": f"LOAD <{listener.url}x.ttl>"}).status_code == 403
    tc = token_app.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert tc.post("/sparql/update", data={"update": f"LOAD <{listener.url}x.ttl>"}).status_code == 401
    resp = tc.post("/sparql/update", data=f"LOAD <{listener.url}x.ttl>", content_type="application/sparql-update",
                   headers=auth)
    assert resp.status_code == 400 and "LOAD is not allowed" in resp.get_data(as_text=True)
    resp = tc.post("/sparql/update", headers=auth, content_type="application/sparql-update",
                   data=f"INSERT {{ GRAPH <{EX}g9> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}")
    assert resp.status_code == 400
    time.sleep(0.3)
    assert listener.connections == []


def test_netguard_refuses_outbound_connections_but_not_loopback(listener):
    netguard.install()  # create_app installed it already; idempotent
    with pytest.raises(netguard.OutboundBlocked):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    with pytest.raises(OSError):
        urllib.request.urlopen("http://example.org/", timeout=1)
    with socket.create_connection(("127.0.0.1", listener.port), timeout=1):
        pass


def test_rdflib_never_fetches_a_jsonld_context(listener):
    import rdflib

    netguard.install()
    doc = '{"@context": "%sctx.jsonld", "@id": "https://ex.org/a", "name": "x"}' % listener.url
    with pytest.raises(Exception, match="remote JSON-LD contexts are disabled"):
        rdflib.Graph().parse(data=doc, format="json-ld")
    with pytest.raises(Exception, match="remote JSON-LD contexts are disabled"):
        rdflib.Graph().parse(data='{"@context": "/etc/passwd", "@id": "https://ex.org/a"}', format="json-ld")
    time.sleep(0.3)
    assert listener.connections == []


# --- deadline and row cap ------------------------------------------------------------------------

@pytest.mark.slow
def test_a_runaway_query_gets_503_at_its_deadline_while_ask_answers_at_once(make_app, live_server):
    deadline = 2.0
    base = live_server(make_app(product_store(), query_timeout_ms=int(deadline * 1000), query_workers=1))
    urllib.request.urlopen(base + "/sparql?query=ASK%7B%7D", timeout=30).read()  # processes started

    product = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"  # 10⁴ × 10⁴ = 10⁸ rows
    outcome: dict = {}

    def burn() -> None:
        start = time.monotonic()
        try:
            urllib.request.urlopen(base + "/sparql?" + urllib.parse.urlencode({"query": product}), timeout=30)
            outcome["status"] = 200
        except urllib.error.HTTPError as exc:
            outcome["status"], outcome["body"] = exc.code, exc.read().decode()
        outcome["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=burn)
    thread.start()
    time.sleep(0.5)  # the product is now burning its deadline
    asks = []
    for _ in range(3):
        start = time.monotonic()
        body = urllib.request.urlopen(base + "/sparql?query=ASK%7B%7D", timeout=30).read()
        asks.append(time.monotonic() - start)
        assert json.loads(body)["boolean"] is True
    thread.join(30)

    assert outcome["status"] == 503
    assert "deadline" in outcome["body"]
    assert outcome["seconds"] < deadline + 1
    assert max(asks) < 1.0
    # The killed worker was replaced: the endpoint still answers.
    assert b"true" in urllib.request.urlopen(base + "/sparql?query=ASK%7B%7D", timeout=30).read()


def test_row_cap_truncates_and_says_so(make_app):
    client = make_app(product_store(1000), max_rows=50).test_client()
    resp = client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p ?o }", "format": "csv"})
    assert resp.headers["X-PlanGraph-Truncated"] == "true"
    assert len(resp.get_data(as_text=True).strip().splitlines()) == 1 + 50
    # A LIMIT inside the query cannot lift the cap.
    resp = client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 900", "format": "csv"})
    assert resp.headers["X-PlanGraph-Truncated"] == "true"
    assert len(resp.get_data(as_text=True).strip().splitlines()) == 1 + 50


# --- writes ---------------------------------------------------------------------------------

INSERT = f'INSERT DATA {{ GRAPH <{EX}g9> {{ <{EX}x> <{EX}p> "written" }} }}'


def test_the_row_cap_stops_a_huge_result_early(make_app):
    """10⁸ solutions, a cap of 100: the rows are streamed and reading stops at the cap, long before the
    deadline (materialising the product first would run into the deadline and answer 503)."""
    client = make_app(product_store(), max_rows=100, query_timeout_ms=10_000).test_client()
    resp = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", "format": "csv"})
    assert resp.status_code == 200
    assert resp.headers["X-PlanGraph-Truncated"] == "true"
    assert len(resp.get_data(as_text=True).strip().splitlines()) == 1 + 100


def test_update_without_a_token_configured_is_refused(client):
    before = count(client)
    assert client.post("/sparql/update", data=INSERT, content_type="application/sparql-update").status_code == 403
    assert client.post("/sparql/update", data={"update": INSERT},
                       headers={"Authorization": "Bearer anything"}).status_code == 403
    assert count(client) == before


def test_update_with_a_wrong_or_missing_token_is_401(token_app):
    tc = token_app.test_client()
    before = count(tc)
    basic = lambda pair: {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}  # noqa: E731
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                    basic("user:wrong"), basic(f"{TOKEN}:"), {"Authorization": "Basic !!not-base64"},
                    {"Cookie": f"token={TOKEN}"}):
        resp = tc.post("/sparql/update", data=INSERT, content_type="application/sparql-update", headers=headers)
        assert resp.status_code == 401
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert count(tc) == before


def test_cross_origin_form_posts_never_change_data(token_app):
    """What a hostile page can make a browser send: a form POST, no Authorization header."""
    tc = token_app.test_client()
    before = count(tc)
    hostile = {"Origin": "https://evil.example", "Referer": "https://evil.example/form.html"}
    assert tc.post("/sparql/update", data={"update": INSERT}, headers=hostile).status_code == 401
    assert tc.post("/sparql/update", data={"update": INSERT, "token": TOKEN}, headers=hostile).status_code == 401
    assert tc.post("/sparql", data={"update": INSERT}, headers=hostile).status_code == 400
    assert tc.post("/sparql", data={"query": INSERT}, headers=hostile).status_code == 400
    assert tc.post("/rdf-graphs?graph=https://ex.org/g9", data={"x": "y"}, headers=hostile).status_code == 401
    assert count(tc) == before


def test_update_with_the_token_is_seen_by_the_next_query(token_app):
    tc = token_app.test_client()
    before = count(tc)
    resp = tc.post("/sparql/update", data=INSERT, content_type="application/sparql-update",
                   headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 204
    assert count(tc) == before + 1
    ask = tc.get("/sparql", query_string={"query": f'ASK {{ <{EX}x> <{EX}p> "written" }}'})
    assert ask.get_json(force=True)["boolean"] is True


@pytest.mark.parametrize("update,status,says", [
    (f"DROP GRAPH <{EX}no-such-graph>", 400, "does not exist"),
    (f"CREATE GRAPH <{G1}>", 400, "already exists"),
    (f"MOVE <{EX}no-such-graph> TO <{EX}elsewhere>", 400, "does not exist"),
    (f"DELETE WHERE {{ <{EX}plan> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}", 400, "outside GRAPH"),
    (f"INSERT DATA {{ <{EX}x> <{EX}p> 1 }}", 400, "outside GRAPH"),
])
def test_an_update_that_cannot_apply_is_a_400_that_says_why_and_changes_nothing(token_app, update, status, says):
    """Not a 500 (the request's fault), and not a 204 for a delete that matched nothing."""
    tc = token_app.test_client()
    before = count(tc)
    resp = tc.post("/sparql/update", data=f"INSERT DATA {{ GRAPH <{EX}g9> {{ <{EX}y> <{EX}p> 1 }} }} ; {update}",
                   content_type="application/sparql-update", headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == status
    assert says in resp.get_data(as_text=True)
    assert count(tc) == before  # the first operation did not stay either


def test_a_runaway_update_is_stopped_at_the_deadline_and_the_next_write_goes_through(make_app):
    """The review's update (a product of three graphs in its WHERE) ran on in the app's process with
    the write lock held, past the client's disconnect, until a restart."""
    tc = make_app(product_store(), update_token=TOKEN, query_timeout_ms=800).test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    runaway = (f"INSERT {{ GRAPH <{EX}out> {{ <{EX}r> <{EX}n> ?n }} }} WHERE {{ {{ SELECT (COUNT(*) AS ?n) "
               "WHERE { GRAPH ?x { ?a ?b ?c } GRAPH ?y { ?d ?e ?f } GRAPH ?z { ?g ?h ?i } } } }")
    t0 = time.monotonic()
    resp = tc.post("/sparql/update", data=runaway, content_type="application/sparql-update", headers=auth)
    assert resp.status_code == 503 and "nothing was changed" in resp.get_data(as_text=True)
    assert time.monotonic() - t0 < 30
    resp = tc.post("/sparql/update", data=INSERT, content_type="application/sparql-update", headers=auth)
    assert resp.status_code == 204
    ask = tc.get("/sparql", query_string={"query": f'ASK {{ <{EX}x> <{EX}p> "written" }}'})
    assert ask.get_json(force=True)["boolean"] is True


@pytest.mark.parametrize("param", ["using-graph-uri", "using-named-graph-uri"])
def test_update_dataset_parameters_are_refused_not_ignored(token_app, param):
    tc = token_app.test_client()
    resp = tc.post(f"/sparql/update?{param}={G1}", data=INSERT, content_type="application/sparql-update",
                   headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 400 and "USING" in resp.get_data(as_text=True)


def test_graph_store_resolves_relative_iris_against_the_graph_and_empty_bodies_create_nothing(token_app):
    tc = token_app.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    target = "/rdf-graphs?graph=" + urllib.parse.quote(EX + "docs/gsp-rel")
    put = tc.put(target, data='<s> <p> "rel" . <#frag> <p> "f" .', content_type="text/turtle", headers=auth)
    assert put.status_code == 201
    assert "Content-Type" not in put.headers  # no body, so no type (Flask would say text/html)
    got = tc.get(target, headers={**auth, "Accept": "application/n-triples"}).get_data(as_text=True)
    assert sorted(got.strip().splitlines()) == [f'<{EX}docs/gsp-rel#frag> <{EX}docs/p> "f" .',
                                                f'<{EX}docs/s> <{EX}docs/p> "rel" .']
    empty = "/rdf-graphs?graph=" + urllib.parse.quote(EX + "docs/empty")
    assert tc.put(empty, data=b"", content_type="text/turtle", headers=auth).status_code == 204
    assert tc.get(empty, headers=auth).status_code == 404  # a graph exists while it has triples
    assert tc.delete(target, headers=auth).status_code == 204


def test_graph_store_protocol_needs_the_token_and_refuses_doctype(token_app, client):
    assert client.get(f"/rdf-graphs?graph={G1}").status_code == 403
    tc = token_app.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert tc.get(f"/rdf-graphs?graph={G1}").status_code == 401
    target = "/rdf-graphs?graph=" + urllib.parse.quote(EX + "gsp")
    ttl = f'<{EX}gs> <{EX}p> "一" .'
    assert tc.put(target, data=ttl, content_type="text/turtle", headers=auth).status_code == 201
    assert tc.put(target, data=ttl, content_type="text/turtle", headers=auth).status_code == 204
    assert tc.post(target, data=f'<{EX}gs> <{EX}p> "二" .', content_type="application/n-triples",
                   headers=auth).status_code == 204
    got = tc.get(target, headers={**auth, "Accept": "application/n-triples"})
    assert got.status_code == 200 and sorted(got.get_data(as_text=True).strip().splitlines()) == [
        f'<{EX}gs> <{EX}p> "一" .', f'<{EX}gs> <{EX}p> "二" .']
    xml = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "boom">]>'
           b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:p="https://ex.org/">'
           b'<rdf:Description rdf:about="https://ex.org/a"><p:x>&e;</p:x></rdf:Description></rdf:RDF>')
    resp = tc.put(target, data=xml, content_type="application/rdf+xml", headers=auth)
    assert resp.status_code == 400 and "DOCTYPE" in resp.get_data(as_text=True)
    assert tc.put(target, data=b"x" * 6_000_000, content_type="text/turtle", headers=auth).status_code == 413
    assert tc.put(target, data=ttl, content_type="text/html", headers=auth).status_code == 415
    assert tc.delete(target, headers=auth).status_code == 204
    assert tc.get(target, headers=auth).status_code == 404


def test_graph_store_default_graph_is_the_union_and_read_only(token_app):
    tc = token_app.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    got = tc.get("/rdf-graphs?default", headers={**auth, "Accept": "application/n-triples"})
    assert got.status_code == 200
    assert got.is_streamed  # in chunks (graph.export.iter_export): ?default of a national store is every triple
    parsed = list(ox.parse(got.get_data(), format=ox.RdfFormat.N_TRIPLES))
    subjects = {t.subject.value for t in parsed}
    assert {EX + "plan", EX + "cell"} <= subjects  # triples of both named graphs
    assert len(parsed) == len(set(parsed))  # merged: each triple once
    turtle = tc.get("/rdf-graphs?default", headers={**auth, "Accept": "text/turtle"})
    assert {t for t in ox.parse(turtle.get_data(), format=ox.RdfFormat.TURTLE)} == set(parsed)
    before = count(tc)
    for method in ("put", "post", "delete"):
        resp = getattr(tc, method)("/rdf-graphs?default", data=f'<{EX}d> <{EX}p> "x" .',
                                   content_type="application/n-triples", headers=auth)
        assert resp.status_code == 400 and "named graph" in resp.get_data(as_text=True)
    assert count(tc) == before


def test_graph_store_get_of_a_graph_too_big_to_build_whole_is_refused_and_turtle_streams(make_app):
    store = endpoint_store()
    size = len(list(store.quads()))
    tc = make_app(store, update_token=TOKEN, download_max_document_quads=size - 1).test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for accept in ("application/ld+json", "application/rdf+xml"):  # built whole in memory
        resp = tc.get("/rdf-graphs?default", headers={**auth, "Accept": accept})
        assert resp.status_code == 400 and "ask for Turtle or N-Triples" in resp.get_data(as_text=True)
    turtle = tc.get("/rdf-graphs?default", headers={**auth, "Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.is_streamed
    roomy = make_app(store, update_token=TOKEN, download_max_document_quads=size).test_client()
    assert roomy.get("/rdf-graphs?default", headers={**auth, "Accept": "application/ld+json"}).status_code == 200


# --- spreadsheet formulas ---------------------------------------------------------------------

def test_csv_and_tsv_cells_that_look_like_formulas_are_neutralised_on_request(client):
    q = f"SELECT ?v WHERE {{ <{EX}cell> ?p ?v }} ORDER BY ?v"
    safe = {"query": q, "spreadsheet-safe": "1"}
    text = client.get("/sparql", query_string={**safe, "format": "csv"}).get_data(as_text=True)
    cells = sorted(r[0] for r in list(csv.reader(io.StringIO(text)))[1:])
    # "+1" is a plain number: it cannot be a formula and stays as it is.
    assert cells == sorted(["+1", "'-2+3", "'=cmd|' /C calc'!A0", "'@SUM(A1:A2)"])
    tsv = client.get("/sparql", query_string={**safe, "format": "tsv"}).get_data(as_text=True)
    assert "\"'=cmd|' /C calc'!A0\"" in tsv
    assert not any(line.startswith(("=", "-", "@")) for line in tsv.splitlines())


@pytest.mark.parametrize("safe", [None, "0", "false"])
def test_csv_and_tsv_values_are_exact_by_default(client, safe):
    """The SPARQL 1.1 CSV/TSV formats carry the values as they are: a client (rdflib, pandas) must
    read back the same literal that JSON gives."""
    q = f"SELECT ?v WHERE {{ <{EX}cell> ?p ?v }} ORDER BY ?v"
    params = {"query": q, **({"spreadsheet-safe": safe} if safe else {})}
    text = client.get("/sparql", query_string={**params, "format": "csv"}).get_data(as_text=True)
    cells = sorted(r[0] for r in list(csv.reader(io.StringIO(text)))[1:])
    assert cells == sorted(["+1", "-2+3", "=cmd|' /C calc'!A0", "@SUM(A1:A2)"])
    tsv = client.get("/sparql", query_string={**params, "format": "tsv"}).get_data(as_text=True)
    assert "\"=cmd|' /C calc'!A0\"" in tsv.splitlines()
    # JSON keeps the data as it is: it is not opened by spreadsheets.
    doc = client.get("/sparql", query_string={"query": q}).get_json(force=True)
    assert "=cmd|' /C calc'!A0" in {b["v"]["value"] for b in doc["results"]["bindings"]}
