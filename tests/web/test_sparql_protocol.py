"""The SPARQL 1.1 Protocol at /sparql: every request form, every result format parsed back.

Runs against a tiny fixture store (tests/web/conftest.py) through Flask's
test client; the queries still run in the app's worker processes.
"""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
import rdflib

from graph.results import TRUNCATED_LINK

from .conftest import EX, G1, G2, endpoint_store

LABELS = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?label WHERE {{ ?s rdfs:label ?label FILTER(lang(?label) = "ja") }} ORDER BY ?label"""
CONSTRUCT = f"CONSTRUCT {{ ?s <{EX}upper> ?o }} WHERE {{ ?s <{EX}upper> ?o }}"
ASK = f"ASK {{ <{EX}plan> <{EX}measures> 3 }}"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
JA_ROWS = [(EX + "upper", "総合振興計画"), (EX + "plan", "行政デジタル化計画")]


@pytest.fixture(scope="module")
def client(make_app):
    return make_app(endpoint_store(), max_query_length=2000).test_client()


def json_rows(resp) -> list[tuple[str, str]]:
    doc = json.loads(resp.data)
    return [(b["s"]["value"], b["label"]["value"]) for b in doc["results"]["bindings"]]


# --- request forms ------------------------------------------------------------

def test_get_query(client):
    resp = client.get("/sparql", query_string={"query": LABELS})
    assert resp.status_code == 200
    assert resp.mimetype == "application/sparql-results+json"
    assert json_rows(resp) == JA_ROWS


def test_post_form(client):
    resp = client.post("/sparql", data={"query": LABELS})
    assert resp.status_code == 200
    assert json_rows(resp) == JA_ROWS


def test_post_sparql_query_body(client):
    resp = client.post("/sparql", data=LABELS.encode(), content_type="application/sparql-query; charset=utf-8")
    assert resp.status_code == 200
    assert json_rows(resp) == JA_ROWS


def test_default_graph_uri_restricts_the_dataset(client):
    q = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s"
    both = client.get("/sparql", query_string={"query": q}).get_json(force=True)
    only_g2 = client.get("/sparql", query_string={"query": q, "default-graph-uri": G2}).get_json(force=True)
    assert {b["s"]["value"] for b in both["results"]["bindings"]} == {EX + "plan", EX + "upper", EX + "cell"}
    assert {b["s"]["value"] for b in only_g2["results"]["bindings"]} == {EX + "cell"}


def test_named_graph_uri_and_graph_pattern(client):
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    resp = client.post("/sparql", data={"query": q, "named-graph-uri": G1})
    assert [b["g"]["value"] for b in resp.get_json(force=True)["results"]["bindings"]] == [G1]


def _values(resp, var: str) -> list[str]:
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return sorted(b[var]["value"] for b in resp.get_json(force=True)["results"]["bindings"] if var in b)


@pytest.mark.parametrize("ask", ["protocol", "query"])
def test_named_graphs_alone_leave_the_default_graph_empty(client, ask):
    """A dataset given in part is given whole (Query §13.2, Protocol §2.1.4): no union default graph then."""
    if ask == "protocol":
        params = {"query": "SELECT ?s WHERE { ?s ?p ?o }", "named-graph-uri": G1}
    else:
        params = {"query": f"SELECT ?s FROM NAMED <{G1}> WHERE {{ ?s ?p ?o }}"}
    assert _values(client.get("/sparql", query_string=params), "s") == []
    params["query"] = params["query"].replace("{ ?s ?p ?o }", "{ GRAPH ?g { ?s ?p ?o } }")
    assert set(_values(client.get("/sparql", query_string=params), "s")) == {EX + "plan", EX + "upper"}


@pytest.mark.parametrize("ask", ["protocol", "query"])
def test_default_graphs_alone_leave_no_named_graphs(client, ask):
    q = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    if ask == "protocol":
        params = {"query": q, "default-graph-uri": G1}
    else:
        params = {"query": q.replace("WHERE", f"FROM <{G1}> WHERE")}
    assert _values(client.get("/sparql", query_string=params), "g") == []


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
def test_graph_uri_not_in_the_store_is_400(client, param):
    resp = client.get("/sparql", query_string={"query": "ASK {}", param: "file:///etc/passwd"})
    assert resp.status_code == 400
    assert "file:///etc/passwd" in resp.get_data(as_text=True)


# --- result formats -----------------------------------------------------------

def test_select_as_xml(client):
    resp = client.get("/sparql", query_string={"query": LABELS, "format": "xml"})
    assert resp.mimetype == "application/sparql-results+xml"
    sols = ox.parse_query_results(resp.data, format=ox.QueryResultsFormat.XML)
    assert [(s["s"].value, s["label"].value) for s in sols] == JA_ROWS


def test_select_as_csv(client):
    resp = client.get("/sparql", query_string={"query": LABELS, "format": "csv"})
    assert resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
    assert rows == [["s", "label"], *[list(r) for r in JA_ROWS]]


def test_select_as_tsv(client):
    resp = client.get("/sparql", query_string={"query": LABELS, "format": "tsv"})
    assert resp.mimetype == "text/tab-separated-values"
    sols = ox.parse_query_results(resp.data, format=ox.QueryResultsFormat.TSV)
    assert [(s["s"].value, s["label"].value, s["label"].language) for s in sols] == \
        [(s, label, "ja") for s, label in JA_ROWS]


@pytest.mark.parametrize("fmt,media,parse", [
    ("json", "application/sparql-results+json", lambda d: json.loads(d)["boolean"]),
    ("xml", "application/sparql-results+xml",
     lambda d: bool(ox.parse_query_results(d, format=ox.QueryResultsFormat.XML))),
    ("csv", "text/csv", lambda d: {b"true\r\n": True, b"false\r\n": False}[d]),
    ("tsv", "text/tab-separated-values",
     lambda d: bool(ox.parse_query_results(d, format=ox.QueryResultsFormat.TSV))),
])
def test_ask_formats(client, fmt, media, parse):
    resp = client.get("/sparql", query_string={"query": ASK, "format": fmt})
    assert resp.mimetype == media
    assert parse(resp.data) is True
    by_accept = client.get("/sparql", query_string={"query": ASK}, headers={"Accept": media})
    assert by_accept.mimetype == media and parse(by_accept.data) is True
    assert parse(client.get("/sparql", query_string={"query": f"ASK {{ <{EX}plan> <{EX}measures> 4 }}",
                                                     "format": fmt}).data) is False


@pytest.mark.parametrize("fmt,media,rdf", [
    ("turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("rdfxml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("ntriples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
])
def test_construct_formats(client, fmt, media, rdf):
    resp = client.get("/sparql", query_string={"query": CONSTRUCT, "format": fmt})
    assert resp.status_code == 200
    assert resp.mimetype == media
    triples = {(t.subject.value, t.predicate.value, t.object.value) for t in ox.parse(resp.data, format=rdf)}
    assert triples == {(EX + "plan", EX + "upper", EX + "upper")}


DESCRIBE = f"DESCRIBE <{EX}plan>"
PLAN_TRIPLES = {(EX + "plan", "http://www.w3.org/2000/01/rdf-schema#label", "行政デジタル化計画"),
                (EX + "plan", "http://www.w3.org/2000/01/rdf-schema#label", "Administrative Digitalization Plan"),
                (EX + "plan", EX + "measures", "3"),
                (EX + "plan", EX + "upper", EX + "upper")}


@pytest.mark.parametrize("fmt,media,rdf", [
    ("turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("rdfxml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("ntriples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
])
def test_describe_formats_by_parameter_and_by_accept(client, fmt, media, rdf):
    by_param = client.get("/sparql", query_string={"query": DESCRIBE, "format": fmt})
    by_accept = client.post("/sparql", data={"query": DESCRIBE}, headers={"Accept": media})
    for resp in (by_param, by_accept):
        assert resp.status_code == 200
        assert resp.mimetype == media
        assert "Accept" in resp.headers["Vary"]
        triples = {(t.subject.value, t.predicate.value, t.object.value) for t in ox.parse(resp.data, format=rdf)}
        assert triples == PLAN_TRIPLES


def test_describe_defaults_to_turtle_and_never_answers_csv(client):
    resp = client.get("/sparql", query_string={"query": DESCRIBE})
    assert resp.mimetype == "text/turtle"
    assert {(t.subject.value, t.predicate.value, t.object.value)
            for t in ox.parse(resp.data, format=ox.RdfFormat.TURTLE)} == PLAN_TRIPLES
    # format=json on a graph result means JSON-LD, as most endpoints read it; CSV cannot carry triples
    as_json = client.get("/sparql", query_string={"query": DESCRIBE, "format": "json"})
    assert as_json.mimetype == "application/ld+json"
    assert len(list(ox.parse(as_json.data, format=ox.RdfFormat.JSON_LD))) == len(PLAN_TRIPLES)
    assert client.get("/sparql", query_string={"query": DESCRIBE, "format": "csv"}).status_code == 400


@pytest.mark.parametrize("query,accept,media", [
    (LABELS, "application/sparql-results+json", "application/sparql-results+json"),
    (LABELS, "application/sparql-results+xml", "application/sparql-results+xml"),
    (LABELS, "text/csv", "text/csv"),
    (LABELS, "text/tab-separated-values", "text/tab-separated-values"),
    (LABELS, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", "application/sparql-results+json"),
    (ASK, "application/sparql-results+xml", "application/sparql-results+xml"),
    (CONSTRUCT, "text/turtle", "text/turtle"),
    (CONSTRUCT, "application/ld+json", "application/ld+json"),
    (CONSTRUCT, "application/rdf+xml", "application/rdf+xml"),
    (CONSTRUCT, "application/n-triples", "application/n-triples"),
    (CONSTRUCT, "*/*", "text/turtle"),
    (CONSTRUCT, "text/csv;q=0.9, application/n-triples;q=0.5", "application/n-triples"),
])
def test_content_negotiation_and_vary(client, query, accept, media):
    resp = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert resp.status_code == 200
    assert resp.mimetype == media
    assert "Accept" in resp.headers["Vary"]


def test_format_parameter_wins_over_accept(client):
    resp = client.get("/sparql", query_string={"query": LABELS, "format": "csv"},
                      headers={"Accept": "application/sparql-results+xml"})
    assert resp.mimetype == "text/csv"


@pytest.mark.parametrize("fmt,media,rdf", [
    ("rdf+xml", "application/rdf+xml", "xml"),  # SPARQLWrapper's RDFXML
    ("n3", "text/turtle", "turtle"),  # SPARQLWrapper's N3: Turtle is N3
    ("application/ld+json", "application/ld+json", "json-ld"),
])
def test_construct_format_spellings_of_clients(client, fmt, media, rdf):
    resp = client.get("/sparql", query_string={"query": CONSTRUCT, "format": fmt},
                      headers={"Accept": media})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.mimetype == media
    g = rdflib.Graph().parse(data=resp.data, format=rdf)
    assert (rdflib.URIRef(EX + "plan"), rdflib.URIRef(EX + "upper"), rdflib.URIRef(EX + "upper")) in g


@pytest.mark.parametrize("query,columns", [
    ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1", ["g", "s", "p", "o"]),
    ("# SELECT ?z\nSELECT DISTINCT * WHERE { ?s ?p ?o . BIND(\"?x\" AS ?a) } LIMIT 1", ["s", "p", "o", "a"]),
    ("SELECT ?p ?s WHERE { ?s ?p ?o } LIMIT 1", ["p", "s"]),
])
def test_select_star_columns_come_in_the_querys_order(client, query, columns):
    """pyoxigraph sorts SELECT *'s columns by name (o, p, s); readers expect the query's order, as Jena gives."""
    doc = client.get("/sparql", query_string={"query": query}).get_json(force=True)
    assert doc["head"]["vars"] == columns
    assert list(doc["results"]["bindings"][0]) == columns
    head = client.get("/sparql", query_string={"query": query, "format": "csv"}).get_data(as_text=True)
    assert head.splitlines()[0].split(",") == columns


def test_format_may_be_a_media_type(client):
    resp = client.get("/sparql", query_string={"query": LABELS, "format": "application/sparql-results+xml"})
    assert resp.status_code == 200 and resp.mimetype == "application/sparql-results+xml"


def test_format_that_cannot_carry_the_result_is_400(client):
    resp = client.get("/sparql", query_string={"query": ASK, "format": "turtle"})
    assert resp.status_code == 400
    assert "turtle" in resp.get_data(as_text=True)
    assert client.get("/sparql", query_string={"query": CONSTRUCT, "format": "tsv"}).status_code == 400


# --- errors ------------------------------------------------------------------------

def test_malformed_query_is_400_with_the_parsers_message(client):
    resp = client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p }"})
    assert resp.status_code == 400
    assert resp.mimetype == "text/plain"
    text = resp.get_data(as_text=True)
    # one line: where the query stops making sense, in both languages, then the parser's own words
    assert text == ("the query cannot be read from line 1, column 19 on ('?s ?p }') / "
                    "1 行 19 列（「?s ?p }」）から先を読み取れません。 "
                    "(Expected SelectQuery, found '?' (at char 18), (line:1, col:19))\n")


def test_an_undefined_prefix_is_named_by_the_endpoint(client):
    resp = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?s foo:bar ?o }"})
    assert resp.status_code == 400 and resp.mimetype == "text/plain"
    text = resp.get_data(as_text=True)
    assert text.startswith("prefix foo: is not defined (line 1, column 22)") and "接頭辞 foo: が定義されていません" in text
    assert len(text.splitlines()) == 1 and len(text) < 700  # not pyoxigraph's whole list of character classes


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_wrong_method_is_405(client, method):
    resp = getattr(client, method)("/sparql", query_string={"query": "ASK {}"})
    assert resp.status_code == 405
    assert "GET" in resp.headers["Allow"] and "POST" in resp.headers["Allow"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", "multipart/form-data; boundary=x"])
def test_wrong_post_media_type_is_415(client, content_type):
    resp = client.post("/sparql", data=b"ASK {}", content_type=content_type)
    assert resp.status_code == 415


def test_post_without_query_is_400(client):
    assert client.post("/sparql", data={"nothing": "here"}).status_code == 400


@pytest.mark.parametrize("how", ["get", "form", "body"])
def test_an_empty_query_is_400_and_says_so(client, how):
    if how == "get":
        resp = client.get("/sparql", query_string={"query": "  "})
    elif how == "form":
        resp = client.post("/sparql", data={"query": ""})
    else:
        resp = client.post("/sparql", data=b"\n", content_type="application/sparql-query")
    assert resp.status_code == 400
    assert "the query is empty" in resp.get_data(as_text=True)


def test_two_query_parameters_are_400(client):
    """The protocol allows exactly one ``query`` (§2.1.1); which one to run would be a guess."""
    resp = client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20*%20%7B%7D")
    assert resp.status_code == 400
    assert "2 'query' parameters" in resp.get_data(as_text=True)


def test_a_body_that_is_not_utf8_is_400(client):
    resp = client.post("/sparql", data="SELECT * { ?s ?p \"計画\" }".encode("shift_jis"),
                       content_type="application/sparql-query")
    assert resp.status_code == 400
    assert "not UTF-8" in resp.get_data(as_text=True)


def test_too_long_is_413(client):
    long_query = "ASK {}" + " " * 2000
    assert client.get("/sparql", query_string={"query": long_query}).status_code == 413
    assert client.post("/sparql", data=long_query, content_type="application/sparql-query").status_code == 413
    assert client.get("/sparql", query_string={"query": "ASK {}" + " " * 1990}).status_code == 200


# --- service description and browsers -------------------------------------------------

@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                        ("application/rdf+xml", "xml"), ("application/n-triples", "nt")])
def test_bare_get_from_a_program_is_the_service_description(client, accept, fmt):
    resp = client.get("/sparql", headers={"Accept": accept})
    assert resp.status_code == 200
    assert resp.mimetype == accept
    g = rdflib.Graph().parse(data=resp.data, format=fmt)
    endpoint = rdflib.URIRef("http://localhost/sparql")
    assert (endpoint, rdflib.RDF.type, SD.Service) in g
    assert (endpoint, SD.endpoint, endpoint) in g
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Update) not in g  # no token: no updates
    names = {str(o) for o in g.objects(None, SD.name)}
    assert names == {G1, G2}
    assert len(set(g.objects(endpoint, SD.resultFormat))) == 8


def test_service_description_announces_update_only_with_a_token(make_app):
    """As a service of its own at /sparql/update: /sparql itself refuses updates."""
    client = make_app(endpoint_store(), update_token="s3cret").test_client()
    g = rdflib.Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).data, format="turtle")
    query, update = rdflib.URIRef("http://localhost/sparql"), rdflib.URIRef("http://localhost/sparql/update")
    assert (update, rdflib.RDF.type, SD.Service) in g
    assert (update, SD.endpoint, update) in g
    assert set(g.objects(update, SD.supportedLanguage)) == {SD.SPARQL11Update}
    assert set(g.objects(query, SD.supportedLanguage)) == {SD.SPARQL11Query}


@pytest.mark.parametrize("accept", [None, "*/*"])
def test_bare_get_from_curl_is_turtle(client, accept):
    resp = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"
    assert b"sd:Service" in resp.data


def test_bare_get_from_a_browser_goes_to_the_query_page(client):
    resp = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith("/query")


# --- truncation, CORS, headers ------------------------------------------------------------

def test_truncated_result_says_so(make_app):
    client = make_app(endpoint_store(), max_rows=2).test_client()
    resp = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert resp.headers["X-PlanGraph-Truncated"] == "true"
    doc = json.loads(resp.data)
    assert len(doc["results"]["bindings"]) == 2
    assert TRUNCATED_LINK in doc["head"]["link"]
    whole = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2"})
    assert "X-PlanGraph-Truncated" not in whole.headers


def test_cors_on_queries_and_preflight(client):
    resp = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://civic.example"})
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    pre = client.options("/sparql", headers={"Origin": "https://civic.example",
                                             "Access-Control-Request-Method": "POST",
                                             "Access-Control-Request-Headers": "Content-Type"})
    assert pre.status_code == 204
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in pre.headers["Access-Control-Allow-Headers"]
    custom = client.options("/sparql", headers={"Origin": "https://civic.example",
                                                "Access-Control-Request-Method": "POST",
                                                "Access-Control-Request-Headers": "content-type,x-requested-with"})
    assert custom.headers["Access-Control-Allow-Headers"] == "content-type,x-requested-with"


@pytest.mark.parametrize("url,accept", [(f"/resource?uri={EX}plan", "text/turtle"), ("/dataset", "text/turtle"),
                                        ("/.well-known/void", None), ("/queries", "text/html")])
def test_cors_on_every_public_read(client, url, accept):
    """A page in a browser that got an IRI from the endpoint can dereference it, and read the VoID."""
    resp = client.get(url, headers={"Origin": "https://civic.example", **({"Accept": accept} if accept else {})})
    assert resp.status_code in (200, 303, 302, 404), url
    assert resp.headers.get("Access-Control-Allow-Origin") == "*", url


def test_no_cors_on_writes_or_when_disabled(make_app):
    with_token = make_app(endpoint_store(), update_token="s3cret").test_client()
    resp = with_token.post("/sparql/update", data={"update": "CLEAR ALL"}, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in resp.headers
    for method, url in (("options", "/sparql/update"), ("options", "/rdf-graphs?graph=https://ex.org/g1"),
                        ("get", "/rdf-graphs?graph=https://ex.org/g1"), ("options", "/import/action-plan")):
        other = getattr(with_token, method)(url, headers={"Origin": "https://evil.example",
                                                          "Access-Control-Request-Method": "PUT"})
        assert "Access-Control-Allow-Origin" not in other.headers, url
    off = make_app(endpoint_store(), cors=False).test_client()
    assert "Access-Control-Allow-Origin" not in off.get("/sparql", query_string={"query": "ASK {}"}).headers
    assert "Access-Control-Allow-Origin" not in off.get("/dataset", headers={"Accept": "text/turtle"}).headers


def test_results_are_never_sniffed(client):
    resp = client.get("/sparql", query_string={"query": LABELS, "format": "csv"})
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_html_pages_carry_the_content_security_policy(client):
    resp = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert resp.status_code == 404
    assert resp.mimetype == "text/html"
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"]


def test_api_errors_use_the_json_error_shape(client):
    resp = client.get("/no/such/thing.json")
    assert resp.status_code == 404
    assert resp.get_json() == {"ok": False, "title": "Not Found", "status": 404,
                               "error": "no such page / このページはありません。アドレス（URL）を確かめてください。"}
