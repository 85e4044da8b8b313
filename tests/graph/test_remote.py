"""RemoteStore against a fake SPARQL server on loopback (no external server needed).

The fake server answers SPARQL 1.1 Protocol and Graph Store Protocol requests
from an in-memory pyoxigraph store, and can be told to cap results the way
Virtuoso does, to be slow, to demand credentials, or to fail on the n-th write.
"""

from __future__ import annotations

import base64
import re
import socket
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest

from graph.errors import AuthError, ParameterError, ParseError, QuerySyntaxError, QueryTimeout, StoreError
from graph.queries import QUERY_DIR, _term, get_query, list_queries
from graph.remote import STAGING_PREFIX, RemoteStore
from graph.remote_sparql import bind_values, can_page, inline_filter_literals, paged_select, query_form
from graph.results import to_json
from graph.settings import load_settings
from graph.store import EmbeddedStore, SelectResult
from graph.loading import open_store

EX = "https://ex.org/"
DATA = "\n".join(
    f'<{EX}m{i}> <http://www.w3.org/2000/01/rdf-schema#label> "施策{i}"@ja <{EX}g{i % 3}> .'
    for i in range(25)) + "\n"


class FakeSparql:
    """A tiny SPARQL server: ``cap`` rows per answer, ``delay`` seconds, ``fail_write`` n, ``basic`` user:pw."""

    def __init__(self):
        self.store = EmbeddedStore()
        self.cap: int | None = None
        self.delay = 0.0
        self.fail_write: int | None = None
        self.fail_from = False  # with fail_write: that write and every later one fail (the server is gone)
        self.apply_then_fail: int | None = None  # this update is carried out, then answered 500 (as Virtuoso can)
        self.status: tuple[int, str] | None = None
        self.basic: str | None = None
        self.server_header: str | None = None  # e.g. "Virtuoso/07.20.3229 (Linux)"
        self.writes = 0
        self.seen: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def version_string(self):
                return fake.server_header or super().version_string()

            def _answer(self, status, body=b"", ctype="text/plain", headers=None):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def _gate(self) -> bool:
                time.sleep(fake.delay)
                if fake.status:
                    self._answer(fake.status[0], fake.status[1].encode())
                    return False
                if fake.basic and self.headers.get("Authorization") != \
                        "Basic " + base64.b64encode(fake.basic.encode()).decode():
                    self._answer(401, b"who are you", headers={"WWW-Authenticate": 'Basic realm="x"'})
                    return False
                return True

            def _write(self) -> bool:
                fake.writes += 1
                if fake.fail_write is not None and (fake.writes == fake.fail_write
                                                    or fake.fail_from and fake.writes > fake.fail_write):
                    self._answer(500, b"Internal error: disk full\nmore detail")
                    return False
                return True

            def do_POST(self):
                if self.path.startswith("/store"):
                    self._gsp(replace=False)
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if not self._gate():
                    return
                form = urllib.parse.parse_qs(body.decode(), keep_blank_values=True)
                fake.seen.append(form)
                if "update" in form:
                    if self._write():
                        fake.store.update(form["update"][0])
                        if fake.writes == fake.apply_then_fail:
                            self._answer(500, b"Virtuoso 40001 Error SR172: Transaction deadlocked")
                        else:
                            self._answer(204)
                    return
                try:
                    res = fake.store.query(form["query"][0], default_graph=form.get("default-graph-uri"),
                                           named_graphs=form.get("named-graph-uri"), max_rows=fake.cap)
                except QuerySyntaxError as exc:
                    self._answer(400, f"Parse error: {exc}".encode())
                    return
                headers = {"X-SPARQL-MaxRows": str(fake.cap)} if fake.cap else {}
                if isinstance(res, SelectResult) or not hasattr(res, "triples"):
                    self._answer(200, to_json(res), "application/sparql-results+json", headers)
                else:
                    self._answer(200, ox.serialize(res.triples, format=ox.RdfFormat.N_TRIPLES),
                                 "application/n-triples", headers)

            def do_PUT(self):
                self._gsp(replace=True)

            def _gsp(self, replace):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if not self._gate() or not self._write():
                    return
                graph = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["graph"][0]
                quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
                         for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
                if replace:
                    fake.store.replace_graph(graph, quads)
                else:
                    fake.store.raw.extend(quads)
                self._answer(201)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def remote(self, **kw) -> RemoteStore:
        kw.setdefault("update_url", self.url + "/update")
        return RemoteStore(self.url + "/query", **kw)


@pytest.fixture
def fake():
    f = FakeSparql()
    f.store.load_data(DATA, format="nq")
    yield f
    f.server.shutdown()
    f.server.server_close()


def _labels(result) -> set[str]:
    return {r[-1].value for r in result.rows}


# --- query text rewriting -------------------------------------------------------

@pytest.mark.parametrize("query", [
    'SELECT ?m ?l WHERE { ?m <http://www.w3.org/2000/01/rdf-schema#label> ?l }',
    '# a comment with { braces }\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n'
    'SELECT ?m ?l { ?m rdfs:label ?l FILTER(?l != "}{ \\" }") }',
    'SELECT ?m ?l WHERE { { SELECT ?m ?l WHERE { ?m <http://www.w3.org/2000/01/rdf-schema#label> ?l } } }',
    'SELECT ?m ?l WHERE { ?m <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(""" { """ != ?l) }',
])
def test_bound_values_answer_like_pyoxigraph_substitutions(query):
    store = EmbeddedStore()
    store.load_data(DATA, format="nq")
    m3 = ox.NamedNode(EX + "m3")
    expected = store.query(query, substitutions={"m": m3})
    rewritten = bind_values(query, {"m": m3})
    assert _labels(store.query(rewritten)) == _labels(expected) == {"施策3"}


_P = ox.NamedNode("urn:plan:1")


def _groups_opened_by_values(text: str) -> list[str]:
    """The first words after each VALUES block the rewrite added: which groups it opened."""
    return [m.group(1) for m in re.finditer(r"VALUES \(\?plan\) \{ \(<urn:plan:1>\) \} (\S+ \S+)", text)]


@pytest.mark.parametrize("query, opened", [
    # a sub-SELECT that projects ?plan is bound inside too; the one inside OPTIONAL keeps standing alone
    ("SELECT ?plan ?l WHERE { ?e <urn:of> ?plan OPTIONAL { SELECT ?plan ?l WHERE { ?plan <urn:l> ?l } } }",
     ["?e <urn:of>", "?plan <urn:l>"]),
    # MINUS / OPTIONAL groups whose own triple patterns use ?plan
    ("SELECT ?e WHERE { ?e <urn:of> ?plan MINUS { ?e <urn:of> ?plan ; <urn:s> ?g } "
     "OPTIONAL { ?plan <urn:l> ?l } }", ["?e <urn:of>", "?e <urn:of>", "?plan <urn:l>"]),
    # a sub-SELECT with LIMIT (bound before the LIMIT picks rows, as substitutions do), and SELECT *
    ("SELECT ?plan WHERE { ?e <urn:of> ?plan { SELECT ?plan WHERE { ?plan <urn:l> ?l } LIMIT 1 } }",
     ["?e <urn:of>", "?plan <urn:l>"]),
    ("SELECT ?plan WHERE { ?e <urn:of> ?plan { SELECT * WHERE { ?plan <urn:l> ?l } } }",
     ["?e <urn:of>", "?plan <urn:l>"]),
    # each UNION branch whose own triple patterns use ?plan (not one that only BINDs or lacks it)
    ("SELECT ?s WHERE { ?s <urn:a> ?b { ?s <urn:of> ?plan } UNION { ?plan <urn:up> ?s } "
     "UNION { ?s <urn:x> ?o BIND(?plan AS ?p) } UNION { ?s <urn:of> ?plan } }",
     ["?s <urn:a>", "?s <urn:of>", "?plan <urn:up>", "?s <urn:of>"]),
    # left alone: a computed ?plan; ?plan only in a FILTER;
    # a group inside a sub-SELECT that does not project ?plan (there it is another variable)
    ("SELECT ?plan WHERE { ?e <urn:of> ?plan { SELECT (?x AS ?plan) WHERE { ?x <urn:l> ?l } } }", ["?e <urn:of>"]),
    ("SELECT ?e WHERE { ?e <urn:of> ?plan MINUS { ?e <urn:s> ?g FILTER(?g != ?plan) } }", ["?e <urn:of>"]),
    ("SELECT ?e ?n WHERE { ?e <urn:of> ?plan { SELECT ?e (COUNT(*) AS ?n) WHERE { ?e <urn:k> ?k "
     "OPTIONAL { ?k <urn:of> ?plan } } GROUP BY ?e } }", ["?e <urn:of>"]),
])
def test_values_also_open_the_inner_groups_that_share_the_variable(query, opened):
    assert _groups_opened_by_values(bind_values(query, {"plan": _P})) == opened


def test_virtuoso_gets_no_values_inside_union_branches():
    # Virtuoso 7.2 refuses VALUES inside a branch with a + path ("transitive derived table …")
    q = "SELECT ?r WHERE { { ?plan <urn:succeeds>+ ?r } UNION { ?r <urn:succeeds>+ ?plan } }"
    assert bind_values(q, {"plan": _P}).count("VALUES") == 3
    assert bind_values(q, {"plan": _P}, unions=False).count("VALUES") == 1


@pytest.mark.parametrize("server_header, values", [(None, 3), ("Virtuoso/07.20.3229 (Linux)", 1)])
def test_the_remote_store_opens_union_branches_except_on_virtuoso(fake, server_header, values):
    fake.server_header = server_header
    q = "SELECT ?r WHERE { { ?plan ?p ?r } UNION { ?r ?p ?plan } }"
    fake.remote().query(q, substitutions={"plan": ox.NamedNode(EX + "m1")})
    assert [f["query"][0].count("VALUES") for f in fake.seen if "UNION" in f["query"][0]] == [values]


_SUBSTITUTION_CASES = [
    # LIMIT inside: the bound value must be picked before the LIMIT (unbound, ?v would be urn:v/0)
    "SELECT ?v ?s WHERE { { SELECT ?v ?s WHERE { ?s <urn:p> ?v } ORDER BY ?s LIMIT 1 } }",
    "SELECT ?v ?s WHERE { { SELECT * WHERE { ?s <urn:p> ?v } ORDER BY ?s LIMIT 1 } }",
    # not projected: inside, ?v is another variable, for substitutions too
    "SELECT ?v ?s WHERE { { SELECT ?s WHERE { ?s <urn:p> ?v } ORDER BY ?s LIMIT 1 } }",
    # only in a FILTER inside a projecting sub-SELECT with OFFSET
    "SELECT ?v ?s WHERE { { SELECT ?v ?s WHERE { ?s <urn:p> ?o FILTER(?o = ?v) } ORDER BY ?s OFFSET 0 LIMIT 2 } }",
]


@pytest.mark.parametrize("query", _SUBSTITUTION_CASES)
def test_values_binding_answers_like_pyoxigraph_substitutions(query):
    store = EmbeddedStore()
    for i in range(4):
        store.raw.add(ox.Quad(ox.NamedNode(f"urn:s/{i}"), ox.NamedNode("urn:p"), ox.NamedNode(f"urn:v/{i}")))
    subs = {"v": ox.NamedNode("urn:v/2")}
    expected = store.query(query, substitutions=subs).rows
    assert expected  # every case has an answer to compare
    assert store.query(bind_values(query, subs)).rows == expected


NAMED_WITH_PLAN = [q for q in list_queries() + [get_query(f.stem) for f in sorted(QUERY_DIR.glob("_*.rq"))]
                   if any(p.name == "plan" for p in q.parameters) and q.parameter("plan").example]


@pytest.mark.parametrize("query", NAMED_WITH_PLAN, ids=[q.name for q in NAMED_WITH_PLAN])
def test_named_queries_bound_by_values_answer_like_substitutions(saitama_store, query):
    # A remote server gets the VALUES text; the embedded store binds with substitutions.
    plan = ox.NamedNode(query.parameter("plan").example)
    others = {p.name: _term(p, p.example) for p in query.parameters if p.name != "plan" and p.example}
    subs = {"plan": plan, **others}
    expected = saitama_store.query(query.text, substitutions=subs)
    got = saitama_store.query(bind_values(query.text, subs))
    assert Counter(map(tuple, map(lambda r: map(str, r), got.rows))) == \
        Counter(map(tuple, map(lambda r: map(str, r), expected.rows)))
    assert bind_values(query.text, subs).count("VALUES") >= 1


def test_construct_template_is_skipped_and_short_form_refused():
    q = "CONSTRUCT { ?m <urn:p> ?l } WHERE { ?m ?x ?l }"
    out = bind_values(q, {"x": ox.NamedNode("urn:q")})
    assert out == "CONSTRUCT { ?m <urn:p> ?l } WHERE { VALUES (?x) { (<urn:q>) } ?m ?x ?l }"
    with pytest.raises(ParameterError):
        bind_values("CONSTRUCT WHERE { ?s ?p ?o }", {"s": ox.NamedNode("urn:a")})


def test_literals_are_bound_as_terms_never_as_query_text():
    hostile = ox.Literal('x" } ; DROP ALL ; SELECT * { "', language="ja")
    out = bind_values("SELECT ?s WHERE { ?s ?p ?l }", {"l": hostile})
    store = EmbeddedStore()
    store.load_data(DATA, format="nq")
    assert store.query(out).rows == []  # parsed as one literal: no match, no syntax error
    assert "DROP ALL" in out and out.count("{") == out.count("}")


def test_bad_parameters_are_refused():
    with pytest.raises(ParameterError):
        bind_values("SELECT ?s WHERE { ?s ?p ?o }", {"s": ox.BlankNode()})
    with pytest.raises(ParameterError):
        bind_values("SELECT ?s WHERE { ?s ?p ?o }", {"s o": ox.NamedNode("urn:a")})
    with pytest.raises(QuerySyntaxError):
        query_form("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_pages_cover_the_whole_result_in_a_stable_order():
    store = EmbeddedStore()
    store.load_data(DATA, format="nq")
    q = "SELECT ?m ?l WHERE { ?m <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    full = store.query(q).dicts()
    pages = [store.query(paged_select(q, ["m", "l"], 7, k)).dicts() for k in (0, 7, 14, 21)]
    assert [len(p) for p in pages] == [7, 7, 7, 4]
    assert sorted(str(sorted(d.items())) for d in sum(pages, [])) == sorted(str(sorted(d.items())) for d in full)
    ordered = q + " ORDER BY DESC(?l)"
    assert sum((store.query(paged_select(ordered, ["m", "l"], 10, k)).dicts() for k in (0, 10, 20)), []) == \
        store.query(ordered).dicts()
    assert not can_page("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }")
    assert not can_page("ASK { ?s ?p ?o }")


# --- the protocol ---------------------------------------------------------------

def test_select_ask_construct_through_the_protocol(fake):
    s = fake.remote()
    res = s.query("SELECT ?l WHERE { ?m <http://www.w3.org/2000/01/rdf-schema#label> ?l }")
    assert len(res.rows) == 25 and isinstance(res.rows[0][0], ox.Literal)
    assert res.rows[0][0].language == "ja"
    assert s.query("ASK { <https://ex.org/m1> ?p ?o }").value is True
    g = s.query("CONSTRUCT { ?m <urn:x> ?l } WHERE { ?m ?p ?l } ", max_rows=5)
    assert len(g.triples) == 5 and g.truncated
    assert s.graphs() == [EX + "g0", EX + "g1", EX + "g2"]
    assert len(s) == 25


def test_substitutions_and_dataset_reach_the_server(fake):
    s = fake.remote()
    res = s.query("SELECT ?l WHERE { ?m ?p ?l }", substitutions={"m": ox.NamedNode(EX + "m4")})
    assert _labels(res) == {"施策4"}
    res = s.query("SELECT ?l WHERE { ?m ?p ?l }", default_graph=[EX + "g1"])
    assert fake.seen[-1]["default-graph-uri"] == [EX + "g1"]
    assert _labels(res) == {f"施策{i}" for i in range(25) if i % 3 == 1}


def test_results_past_the_server_cap_are_read_in_pages(fake):
    fake.cap = 10  # like Virtuoso's ResultSetMaxRows, announced by X-SPARQL-MaxRows
    s = fake.remote(page_size=10)
    res = s.query("SELECT ?m ?l WHERE { ?m ?p ?l }")
    assert len(res.rows) == 25 and not res.truncated
    assert _labels(SelectResult(["l"], [(r[1],) for r in res.rows])) == {f"施策{i}" for i in range(25)}
    capped = s.query("SELECT ?m ?l WHERE { ?m ?p ?l }", max_rows=12)
    assert len(capped.rows) == 12 and capped.truncated
    unpageable = s.query("SELECT ?m FROM <https://ex.org/g0> FROM <https://ex.org/g1> WHERE { ?m ?p ?l }")
    assert len(unpageable.rows) == 10 and unpageable.truncated  # honest: cannot page a FROM query


def test_whole_store_reads_go_graph_by_graph_each_within_its_own_deadline(fake):
    # As one result, the 25 labels pass the cap (10) and would be paged: ORDER BY … OFFSET, sorted
    # again by the server for every page, all four requests within one 0.4 s deadline.
    fake.cap, fake.delay = 10, 0.15
    s = fake.remote(page_size=10, timeout_s=0.4)
    pairs = list(s.pairs("http://www.w3.org/2000/01/rdf-schema#label"))
    assert sorted(o.value for _, o in pairs) == sorted(f"施策{i}" for i in range(25))
    quads = list(s.quads())
    assert {(q.subject.value, q.graph_name.value) for q in quads} == \
        {(f"{EX}m{i}", f"{EX}g{i % 3}") for i in range(25)}
    assert not [f for f in fake.seen if "OFFSET" in f["query"][0]]


def test_whole_store_reads_ask_for_the_next_graph_only_when_needed(fake):
    s = fake.remote()
    it = s.quads()
    assert next(it).graph_name.value == f"{EX}g0"
    asked = lambda: [f["query"][0] for f in fake.seen if f["query"][0] != "ASK {}"]  # noqa: E731
    assert len(asked()) == 2  # the graph list, then the first graph
    assert len(list(it)) == 24 and len(asked()) == 4


def test_whole_store_reads_leave_out_the_staging_graphs_of_a_write_under_way(fake):
    fake.store.load_data(f'<{EX}half> <http://www.w3.org/2000/01/rdf-schema#label> "途中" '
                         f'<{STAGING_PREFIX}abc:0> .\n', format="nq")
    s = fake.remote()
    assert f"{STAGING_PREFIX}abc:0" in s.graphs()
    assert len(list(s.quads())) == 25
    assert "途中" not in {o.value for _, o in s.pairs("http://www.w3.org/2000/01/rdf-schema#label")}


@pytest.mark.parametrize("server_header", [None, "Virtuoso/07.20.3229 (Linux)"])
def test_graphs_are_listed_from_the_graph_index_except_on_virtuoso(fake, server_header):
    fake.server_header = server_header
    fake.store.update(f"CREATE GRAPH <{EX}empty>")
    listed = fake.remote().graphs()
    asked = [f["query"][0] for f in fake.seen if "?g" in f.get("query", [""])[0]]
    if server_header:  # Virtuoso 7.2 answers GRAPH ?g {} with one row: it groups quads by graph
        assert listed == [f"{EX}g{i}" for i in range(3)] and "GROUP BY ?g" in asked[-1]
    else:  # the server's graph index, empty graphs too, as the embedded store lists them
        assert listed == fake.store.graphs() == [f"{EX}empty"] + [f"{EX}g{i}" for i in range(3)]


def test_max_rows_stops_reading_early(fake):
    res = fake.remote().query("SELECT ?l WHERE { ?m ?p ?l }", max_rows=3)
    assert len(res.rows) == 3 and res.truncated


def test_open_store_selects_the_remote_store_by_setting(fake):
    store = open_store(load_settings(environ={}, overrides={"store_url": fake.url + "/query"}))
    assert isinstance(store, RemoteStore)
    assert store.update_url == fake.url + "/query"
    assert len(store) == 25


# --- failures -------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_down_is_a_store_error_naming_the_url():
    url = f"http://127.0.0.1:{_free_port()}/sparql"
    with pytest.raises(StoreError, match=r"cannot reach SPARQL server at http://127\.0\.0\.1:\d+/sparql"):
        RemoteStore(url).query("ASK {}")


def test_unknown_host_is_a_store_error():
    with pytest.raises(StoreError, match="cannot reach SPARQL server"):
        RemoteStore("http://plangraph-no-such-host.invalid/sparql").query("ASK {}")


def test_slow_server_is_a_query_timeout(fake):
    fake.delay = 1.5
    with pytest.raises(QueryTimeout):
        fake.remote(timeout_s=0.3).query("ASK {}")


def test_wrong_credentials_are_an_auth_error(fake):
    fake.basic = "planner:secret"
    with pytest.raises(AuthError):
        fake.remote(user="planner", password="wrong").query("ASK {}")
    with pytest.raises(AuthError):
        fake.remote().query("ASK {}")
    assert fake.remote(user="planner", password="secret").query("ASK {}").value is True


def test_server_error_is_a_store_error_with_the_servers_first_line(fake):
    fake.status = (500, "\nVirtuoso 42000 Error SR186: no permission\n\nSPARQL query: …")
    with pytest.raises(StoreError, match="failed \\(500\\): Virtuoso 42000 Error SR186: no permission$"):
        fake.remote().query("ASK {}")


def test_malformed_query_is_a_syntax_error(fake):
    with pytest.raises(QuerySyntaxError, match="rejected the request"):
        fake.remote().query("SELECT ?x WHERE { ?x ?p }")


@pytest.mark.parametrize("gsp", [False, True])
def test_a_failed_write_changes_no_graph(fake, gsp):
    s = fake.remote(gsp_url=fake.url + "/store" if gsp else None, chunk_triples=4)
    before = sorted(map(str, fake.store.quads()))
    fake.fail_write = 2  # the second request that writes fails
    new = {EX + f"g{i}": [ox.Triple(ox.NamedNode(EX + "x"), ox.NamedNode(EX + "p"), ox.Literal(f"新{i}"))] * 1
           for i in range(3)}
    with pytest.raises(StoreError, match="disk full"):
        s.write_graphs(new)
    assert sorted(map(str, fake.store.quads())) == before
    assert not [g for g in fake.store.graphs() if g.startswith(STAGING_PREFIX)]


def _new_graphs(sizes):
    return {EX + f"g{i}": [ox.Triple(ox.NamedNode(EX + f"x{j}"), ox.NamedNode(EX + "p"), ox.Literal(f"新{i}"))
                           for j in range(n)] for i, n in enumerate(sizes)}


def test_a_big_write_commits_whole_graphs_in_bounded_requests(fake):
    # one request moving 1M triples: Oxigraph server held a 3 GB transaction, Virtuoso refused it
    s = fake.remote(gsp_url=fake.url + "/store", commit_triples=5)
    s.write_graphs(_new_graphs([3, 2, 4]))
    commits = [f["update"][0] for f in fake.seen if "update" in f and "MOVE" in f["update"][0]]
    moved = [c.count(f"MOVE SILENT GRAPH <{STAGING_PREFIX}") for c in commits]
    assert moved == [2, 1]  # 3+2 triples, then 4: never a graph split
    assert [len(list(fake.store.quads(EX + f"g{i}"))) for i in range(3)] == [3, 2, 4]
    assert not [g for g in fake.store.graphs() if g.startswith(STAGING_PREFIX)]


def _snapshot(store):
    return sorted(map(str, store.quads()))


def test_a_failure_between_commits_puts_back_the_graphs_already_replaced(fake):
    s = fake.remote(gsp_url=fake.url + "/store", commit_triples=5)
    before = _snapshot(fake.store)
    fake.fail_write = 6  # four uploads, the first commit (g0, g1), then the second (g2, g3) fails
    with pytest.raises(StoreError, match="disk full") as err:
        s.write_graphs(_new_graphs([3, 2, 4, 1]))  # g3 did not exist before: it must not stay behind
    assert "may be new" not in str(err.value)
    assert _snapshot(fake.store) == before
    assert not [g for g in fake.store.graphs() if g.startswith(STAGING_PREFIX)]
    commits = [f["update"][0] for f in fake.seen if "update" in f and "MOVE" in f["update"][0]]
    assert ":old>" in commits[0]  # the old g0 and g1 were kept aside in the request that replaced them


def test_a_write_that_went_through_leaves_no_backup(fake):
    s = fake.remote(gsp_url=fake.url + "/store", commit_triples=5)
    s.write_graphs(_new_graphs([3, 2, 4]))
    assert [len(list(fake.store.quads(EX + f"g{i}"))) for i in range(3)] == [3, 2, 4]
    assert not [g for g in fake.store.graphs() if g.startswith(STAGING_PREFIX)]
    drops = [f["update"][0] for f in fake.seen if "update" in f and f["update"][0].startswith("DROP")]
    assert [d.count(":old>") for d in drops] == [2, 1]  # the backups go as they came: a request per commit


def test_a_small_write_on_oxigraph_needs_no_backup(fake):
    # one request is one transaction on Oxigraph: keeping the old graphs aside would only cost time
    s = fake.remote(gsp_url=fake.url + "/store")
    s.write_graphs(_new_graphs([3, 2, 4]))
    commits = [f["update"][0] for f in fake.seen if "update" in f and "MOVE" in f["update"][0]]
    assert len(commits) == 1 and ":old>" not in commits[0]


def test_virtuoso_one_request_that_fails_after_running_is_put_back(fake):
    # Virtuoso does not run one request as one transaction: its operations may have run when it fails
    fake.server_header = "Virtuoso/07.20.3229 (Linux) x86_64-generic-linux-glibc25  VDB"
    s = fake.remote(gsp_url=fake.url + "/store")
    before = _snapshot(fake.store)
    fake.apply_then_fail = 5  # four uploads, then the one commit runs and answers 500
    with pytest.raises(StoreError, match="SR172"):
        s.write_graphs(_new_graphs([3, 2, 4, 1]))
    assert _snapshot(fake.store) == before
    assert not [g for g in fake.store.graphs() if g.startswith(STAGING_PREFIX)]


def test_add_mode_failure_is_put_back_too(fake):
    fake.server_header = "Virtuoso/07.20.3229 (Linux)"
    s = fake.remote(gsp_url=fake.url + "/store")
    before = _snapshot(fake.store)
    fake.apply_then_fail = 2  # one upload, then the commit (ADD) runs and answers 500
    with pytest.raises(StoreError, match="SR172"):
        s.load_data(f'<{EX}n> <{EX}p> "足す" <{EX}g1> .\n'.encode(), format="nq")
    assert _snapshot(fake.store) == before


def test_when_putting_back_fails_too_the_error_says_where_the_old_graphs_are(fake):
    s = fake.remote(gsp_url=fake.url + "/store", commit_triples=5)
    old_g0 = sorted(str(q.object) for q in fake.store.quads(EX + "g0"))
    fake.fail_write, fake.fail_from = 5, True  # the server is gone after the first commit
    with pytest.raises(StoreError, match="disk full; putting back the graphs written before it failed too") as err:
        s.write_graphs(_new_graphs([3, 2, 4]))
    msg = str(err.value)
    assert "up to 3 of 3 graphs may be new" in msg and STAGING_PREFIX in msg and ":old>" in msg
    kept = [g for g in fake.store.graphs() if g.startswith(STAGING_PREFIX) and g.endswith(":old")]
    assert sorted(str(q.object) for g in kept for q in fake.store.quads(g) if g.endswith(":0:old")) == old_g0
    fake.fail_write = None  # the server is back: writing the same data again finishes the job
    s.write_graphs(_new_graphs([3, 2, 4]))
    assert [len(list(fake.store.quads(EX + f"g{i}"))) for i in range(3)] == [3, 2, 4]


def test_without_backups_a_failure_between_commits_says_how_many_graphs_may_be_new(fake):
    s = fake.remote(gsp_url=fake.url + "/store", commit_triples=5)
    old = {i: sorted(str(q.object) for q in fake.store.quads(EX + f"g{i}")) for i in range(3)}
    fake.fail_write = 6  # four uploads, the first commit (g0, g1), then the second (g2, g3) fails
    with pytest.raises(StoreError, match="disk full") as err:
        s.write_graphs(_new_graphs([3, 2, 4, 1]), backup=False)
    assert "written without backups: up to 4 of 4 graphs may be new" in str(err.value)
    commits = [f["update"][0] for f in fake.seen if "update" in f and "MOVE" in f["update"][0]]
    assert commits and not [c for c in commits if ":old>" in c]  # nothing was kept aside
    assert [len(list(fake.store.quads(EX + f"g{i}"))) for i in range(2)] == [3, 2]  # new, each whole
    assert sorted(str(q.object) for q in fake.store.quads(EX + "g2")) == old[2]  # the failed request's: old
    assert not [g for g in fake.store.graphs() if g.startswith(STAGING_PREFIX)]


def test_push_no_backup_keeps_nothing_aside(fake, tmp_path):
    from click.testing import CliRunner

    from graph.cli import main

    f = tmp_path / "plan.nq"
    f.write_text("".join(f'<{EX}x{j}> <{EX}p> "新{i}" <{EX}g{i}> .\n' for i in range(3) for j in range(60_000)),
                 encoding="utf-8")  # 60,000 triples per graph: a commit request each
    args = ["push", "--store-url", fake.url + "/query", "--update-url", fake.url + "/update",
            "--gsp-url", fake.url + "/store", "--no-ontology", "--data", str(f)]
    for extra, kept_aside in (([], True), (["--no-backup"], False)):
        fake.seen.clear()
        r = CliRunner().invoke(main, args + extra, env={"PLANGRAPH_STORE_URL": ""})
        assert r.exit_code == 0, r.output
        commits = [x["update"][0] for x in fake.seen if "update" in x and "MOVE" in x["update"][0]]
        assert len(commits) == 3 and any(":old>" in c for c in commits) is kept_aside
    assert len(list(fake.store.quads(EX + "g2"))) == 60_000


def test_an_interrupt_stays_an_interrupt_when_putting_back_fails(fake, monkeypatch):
    s = fake.remote(gsp_url=fake.url + "/store", commit_triples=5)
    sent, update = [], s.update

    def interrupted_second_commit(sparql):
        sent.append(sparql)
        if len(sent) == 2:
            raise KeyboardInterrupt
        update(sparql)

    monkeypatch.setattr(s, "update", interrupted_second_commit)
    fake.fail_write, fake.fail_from = 5, True  # three uploads, the first commit; then the server is gone
    with pytest.raises(KeyboardInterrupt) as err:
        s.write_graphs(_new_graphs([3, 2, 4]))
    assert isinstance(err.value.__cause__, StoreError)  # the failed putting back is chained, not raised instead


def test_replace_graph_replaces_only_that_graph(fake):
    s = fake.remote(gsp_url=fake.url + "/store")
    s.replace_graph(EX + "g1", [ox.Quad(ox.NamedNode(EX + "n"), ox.NamedNode(EX + "p"), ox.Literal("新しい"),
                                        ox.NamedNode(EX + "g1"))])
    assert [q.object.value for q in fake.store.quads(EX + "g1")] == ["新しい"]
    assert len(list(fake.store.quads(EX + "g0"))) == 9
    s.replace_graph(EX + "g1", [])
    assert EX + "g1" not in fake.store.graphs()
    assert not [g for g in fake.store.graphs() if g.startswith(STAGING_PREFIX)]


def test_load_data_adds_and_keeps_parse_errors_local(fake):
    s = fake.remote()
    s.load_data(f'<{EX}a> <{EX}p> "追加" .', format="nt", graph=EX + "g0")
    assert len(list(fake.store.quads(EX + "g0"))) == 10
    writes = fake.writes
    with pytest.raises(ParseError, match="^bad.nt:1:"):
        s.load_data(f'<{EX}a> <{EX}p> "broken .', format="nt", graph=EX + "g0", source="bad.nt")
    assert fake.writes == writes  # nothing was sent


# --- push -------------------------------------------------------------------------

TRIG = f"""
@prefix ex: <{EX}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:plan rdfs:label "計画"@ja .
ex:a1 {{ ex:plan ex:supports ex:goal1 . }}
ex:a2 {{ ex:plan ex:supports ex:goal2 . }}
"""


def test_push_replaces_the_files_graph_and_its_own_named_graphs(fake, tmp_path):
    from graph.commands.push import push_files
    from graph.sources import graph_iri_for_file

    f = tmp_path / "plan.trig"
    f.write_text(TRIG, encoding="utf-8")
    s = fake.remote(gsp_url=fake.url + "/store")
    s.replace_graph(EX + "a1", [ox.Quad(ox.NamedNode(EX + "old"), ox.NamedNode(EX + "p"), ox.Literal("古い"),
                                        ox.NamedNode(EX + "a1"))])
    graphs, triples = push_files(s, [f], "https://w3id.org/plangraph/id/")
    assert (graphs, triples) == (3, 3)
    assert [str(q.object) for q in fake.store.quads(EX + "a1")] == [f"<{EX}goal1>"]
    assert [q.object.value for q in fake.store.quads(graph_iri_for_file(f))] == ["計画"]


def test_push_that_fails_midway_changes_nothing(fake, tmp_path):
    from graph.commands.push import push_files

    f = tmp_path / "plan.trig"
    f.write_text(TRIG, encoding="utf-8")
    before = sorted(map(str, fake.store.quads()))
    fake.fail_write = 2
    with pytest.raises(StoreError):
        push_files(fake.remote(gsp_url=fake.url + "/store"), [f], "https://w3id.org/plangraph/id/")
    assert sorted(map(str, fake.store.quads())) == before


def test_push_with_a_syntax_error_late_in_the_file_changes_nothing(fake, tmp_path):
    from graph.commands.push import push_files

    f = tmp_path / "late.nq"
    f.write_text(DATA + f'<{EX}x> <{EX}p> "unterminated <{EX}g0> .\n', encoding="utf-8")
    before = sorted(map(str, fake.store.quads()))
    with pytest.raises(ParseError, match=r"late\.nq.*line 26"):
        push_files(fake.remote(gsp_url=fake.url + "/store"), [f], "https://w3id.org/plangraph/id/")
    assert sorted(map(str, fake.store.quads())) == before
    assert not [g for g in fake.store.graphs() if g.startswith(STAGING_PREFIX)]


def test_inline_filter_literals_writes_literals_only_into_filter_expressions():
    subs = {"q": ox.Literal("デジタル"), "plan": ox.NamedNode("https://ex.org/plan")}
    text = ('SELECT ?q ?s WHERE { ?s ?p ?q . FILTER(CONTAINS(?l, ?q) && ?plan = ?s '
            '&& EXISTS { ?s ?p ?q } && ?x != "?q") } ORDER BY ?q')
    got = inline_filter_literals(text, subs)
    assert got == ('SELECT ?q ?s WHERE { ?s ?p ?q . FILTER(CONTAINS(?l, "デジタル") && ?plan = ?s '
                   '&& EXISTS { ?s ?p ?q } && ?x != "?q") } ORDER BY ?q')
    assert inline_filter_literals(text, {"plan": subs["plan"]}) == text  # IRIs stay in VALUES only


def test_a_virtuoso_store_inlines_non_ascii_literals_and_other_servers_do_not(monkeypatch):
    sent = []
    for server, inlined in (("Virtuoso/07.20.3240 (Linux) x86_64", True), ("oxigraph/0.5", False)):
        store = RemoteStore("http://127.0.0.1:9/sparql")
        store._server = server
        monkeypatch.setattr(store, "_select", lambda text, fields, max_rows, deadline:
                            sent.append(text) or SelectResult(["q", "l"], [], False))
        store.query('SELECT ?q ?l WHERE { ?s ?p ?l FILTER(CONTAINS(?l, ?q)) }',
                    substitutions={"q": ox.Literal("市")})
        assert ('CONTAINS(?l, "市")' in sent[-1]) is inlined
        assert 'VALUES (?q) { ("市") }' in sent[-1]


# --- Virtuoso's system graphs -------------------------------------------------------

VIRTRDF = "http://www.openlinksw.com/schemas/virtrdf#"


@pytest.mark.parametrize("server_header, system_graph, warned", [
    ("Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu", True, True),   # as Virtuoso starts
    ("Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu", False, False),  # system graphs made private
    (None, True, False),                                                # not Virtuoso: a graph like any other
])
def test_push_warns_when_virtuoso_shows_its_system_graphs(fake, tmp_path, server_header, system_graph, warned):
    from click.testing import CliRunner

    from graph.cli import main
    from graph.commands.push import SYSTEM_GRAPHS_WARNING

    fake.server_header = server_header
    if system_graph:
        fake.store.load_data(f'<{VIRTRDF}QuadStorage> <{VIRTRDF}x> "1" <{VIRTRDF}> .\n', format="nq")
    f = tmp_path / "plan.ttl"
    f.write_text(f'<{EX}p> <http://www.w3.org/2000/01/rdf-schema#label> "計画"@ja .\n', encoding="utf-8")
    r = CliRunner().invoke(main, ["push", "--store-url", fake.url + "/query", "--update-url", fake.url + "/update",
                                  "--no-ontology", "--data", str(f)], env={"PLANGRAPH_STORE_URL": ""})
    assert r.exit_code == 0, r.output
    assert "1 graph(s), 1 triples" in r.output
    assert (SYSTEM_GRAPHS_WARNING in r.output) is warned
