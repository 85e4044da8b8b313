"""The embedded store: loading every format, hostile input, atomic replacement, base-IRI rewrite."""

from __future__ import annotations

import gc
import socket
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import NotFound, ParseError
from graph.settings import load_settings
from graph.store import EmbeddedStore
from graph.loading import load_default, open_store
from graph.sources import configured_data_files, graph_iri_for_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BAD = FIXTURES / "bad"
MINI = FIXTURES / "lib" / "mini-plan.trig"
PLAN = "https://w3id.org/plangraph/id/lg/999999/plan/mini"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def _labels(store, iri=PLAN):
    r = store.query(f"SELECT ?l WHERE {{ <{iri}> <{LABEL}> ?l }} ORDER BY ?l")
    return [row[0].value for row in r.rows]


def test_fixture_loads_with_named_graphs_kept():
    s = EmbeddedStore()
    s.load_file(MINI)
    assert _labels(s) == ["Test City Digital Plan", "テスト市デジタル計画"]
    assert f"{PLAN}/prov/s1" in s.graphs()
    assert graph_iri_for_file(MINI) in s.graphs()  # the file's default graph got the file's name


@pytest.mark.parametrize("fmt", [ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML,
                                 ox.RdfFormat.JSON_LD, ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS])
def test_load_file_round_trips_every_format(tmp_path, fmt):
    src = EmbeddedStore()
    src.load_file(MINI)
    quads = list(src.quads())
    if fmt.supports_datasets:
        data = ox.serialize(quads, format=fmt)
    else:
        data = ox.serialize({q.triple for q in quads}, format=fmt)
    path = tmp_path / f"copy.{fmt.file_extension}"
    path.write_bytes(data)
    dst = EmbeddedStore()
    dst.load_file(path)
    if fmt.supports_datasets:
        assert set(dst.quads()) == set(quads)
    else:
        assert {q.triple for q in dst.quads()} == {q.triple for q in quads}
        assert dst.graphs() == [graph_iri_for_file(path)]


def test_syntax_error_names_file_line_and_column():
    s = EmbeddedStore()
    with pytest.raises(ParseError) as exc:
        s.load_file(BAD / "syntax-error.ttl")
    err = exc.value
    assert (err.line, err.column) == (7, 5)
    assert err.source.endswith("syntax-error.ttl")
    assert str(err).endswith("syntax-error.ttl:7:5: A dot is expected at the end of statements")
    assert len(s) == 0


def test_a_failed_load_adds_nothing():
    s = EmbeddedStore()
    s.load_file(MINI)
    before = set(s.quads())
    with pytest.raises(ParseError):
        s.load_data('<https://ex.org/a> <https://ex.org/p> "ok" .\n<https://ex.org/a> <https://ex.org/p> .',
                    format="nt", graph="https://ex.org/g")
    assert set(s.quads()) == before


def test_xml_with_a_doctype_is_refused_before_parsing():
    s = EmbeddedStore()
    with pytest.raises(ParseError, match="DOCTYPE declarations are refused") as exc:
        s.load_file(BAD / "entity-bomb.rdf")
    assert exc.value.line == 2
    assert len(s) == 0
    # an ENTITY declaration without DOCTYPE context, in lower case, is refused too
    with pytest.raises(ParseError, match="ENTITY"):
        s.load_data('<?xml version="1.0"?><!entity x "y"><rdf:RDF '
                    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', format="rdf")


def test_deeply_nested_json_ld_is_a_parse_error_not_a_crash():
    # 5000 nested objects: handed to pyoxigraph 0.5 this kills the process with SIGSEGV.
    s = EmbeddedStore()
    with pytest.raises(ParseError, match="nested deeper"):
        s.load_file(BAD / "deep-nesting.jsonld")
    with pytest.raises(ParseError, match="nested deeper"):
        s.load_data(b"[" * 100_000 + b"]" * 100_000, format="jsonld")
    assert len(s) == 0


def test_deeply_nested_turtle_collections_parse():
    nested = "(" * 20_000 + ")" * 20_000
    s = EmbeddedStore()
    s.load_data(f"<https://ex.org/a> <https://ex.org/p> {nested} .", format="ttl", graph="https://ex.org/g")
    assert len(s) > 20_000


def test_invalid_json_names_line_and_column():
    with pytest.raises(ParseError) as exc:
        EmbeddedStore().load_data(b'{\n  "@id": "https://ex.org/a",\n  "x": [1,}\n', format="jsonld", source="up.jsonld")
    assert (exc.value.line, exc.value.column) == (3, 11)


@pytest.fixture
def listener():
    """A loopback TCP listener that records every connection it receives."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(5)
    srv.settimeout(0.2)
    hits: list = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            hits.append(conn.recv(2000))
            conn.close()

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield srv.getsockname()[1], hits
    stop.set()
    t.join()
    srv.close()


def test_remote_json_ld_context_is_never_fetched(listener):
    port, hits = listener
    doc = ('{"@context": "http://127.0.0.1:%d/context.jsonld", "@id": "https://ex.org/a", "name": "x"}' % port)
    s = EmbeddedStore()
    with pytest.raises(ParseError, match="remote JSON-LD contexts are never fetched"):
        s.load_data(doc, format="jsonld", source="remote.jsonld")
    # also through the Python-side parser used when the base IRI is rewritten
    with pytest.raises(ParseError, match="never fetched"):
        EmbeddedStore(base_iri="https://example.org/id/").load_data(doc, format="jsonld")
    assert hits == []
    assert len(s) == 0


def test_blank_nodes_of_two_loads_stay_apart():
    s = EmbeddedStore()
    for v in ("1", "2"):
        s.load_data(f'_:b1 <https://ex.org/p> "{v}" .', format="nt", graph="https://ex.org/g")
    assert len({q.subject for q in s.quads()}) == 2


def test_base_iri_rewrite_on_load():
    s = EmbeddedStore(base_iri="https://plans.example.jp/id/")
    s.load_file(MINI)
    assert _labels(s, "https://plans.example.jp/id/lg/999999/plan/mini")[1] == "テスト市デジタル計画"
    assert _labels(s) == []


def test_replace_graph_replaces_one_graph_only():
    s = EmbeddedStore()
    s.load_file(MINI)
    other = set(s.quads(f"{PLAN}/prov/s1"))
    g = graph_iri_for_file(MINI)
    new = [ox.Quad(ox.NamedNode(PLAN), ox.NamedNode(LABEL), ox.Literal('新しい "名前"\n', language="ja"),
                   ox.NamedNode(g)),
           ox.Quad(ox.BlankNode(), ox.NamedNode(LABEL), ox.Literal("x"), ox.NamedNode(g))]
    s.replace_graph(g, new)
    assert {(q.subject, q.predicate, q.object) for q in s.quads(g)} >= {(new[0].subject, new[0].predicate,
                                                                          new[0].object)}
    assert len(list(s.quads(g))) == 2
    assert set(s.quads(f"{PLAN}/prov/s1")) == other


def test_load_file_of_a_missing_file_is_not_found(tmp_path):
    with pytest.raises(NotFound):
        EmbeddedStore().load_file(tmp_path / "nope.ttl")


def test_load_default_and_open_store_use_the_settings(tmp_path):
    settings = load_settings(environ={}, overrides={"data_paths": [str(MINI)], "import_dir": str(tmp_path / "none")})
    store = open_store(settings)
    assert _labels(store)[1] == "テスト市デジタル計画"
    assert any("ontology" in g for g in store.graphs())  # the ontology is always loaded
    # on disk: a second open finds the data already there and does not load twice
    disk = settings.replace(store_path=str(tmp_path / "db"))
    first = open_store(disk)
    n = len(first)
    first.close()
    del first
    second = open_store(disk)
    assert len(second) == n


def test_a_disk_store_whose_first_load_fails_stays_empty_and_fails_again(tmp_path):
    """Half a load must not pass for a loaded store: the next run would skip the bad file silently."""
    settings = load_settings(environ={}, overrides={
        "data_paths": [str(MINI), str(BAD / "syntax-error.ttl")], "import_dir": str(tmp_path / "none"),
        "store_path": str(tmp_path / "db")})
    for _ in range(2):  # as two runs of the CLI would
        with pytest.raises(ParseError, match="syntax-error.ttl:7:5") as info:
            open_store(settings)
        info = None  # the traceback's frames hold the store and its lock
        gc.collect()
    assert len(EmbeddedStore(tmp_path / "db")) == 0
    gc.collect()
    # with the bad file gone, the store is filled as usual
    good = open_store(settings.replace(data_paths=[str(MINI)]))
    assert _labels(good)[1] == "テスト市デジタル計画"


def test_load_default_streams_big_files_into_a_disk_store(tmp_path, monkeypatch):
    import graph.loading as loading_module

    monkeypatch.setattr(loading_module, "BULK_LOAD_BYTES", 10)
    nt = tmp_path / "big.nt"
    nt.write_text("".join(f'<https://ex.org/s{i}> <{LABEL}> "ラベル{i}"@ja .\n' for i in range(100)),
                  encoding="utf-8")
    s = EmbeddedStore(tmp_path / "db")
    load_default(s, load_settings(environ={}, overrides={"data_paths": [str(nt)], "import_dir": str(tmp_path / "x")}))
    assert len(list(s.quads(graph_iri_for_file(nt)))) == 100


def test_imported_action_plans_are_loaded_with_the_data(tmp_path):
    imports = tmp_path / "imports"
    imports.mkdir()
    (imports / "x-action-plan.ttl").write_text(
        f'<{PLAN}/action-plan> <{LABEL}> "アクション・プラン"@ja .\n', encoding="utf-8")
    settings = load_settings(environ={}, overrides={"data_paths": [str(MINI)], "import_dir": str(imports)})
    assert configured_data_files(settings) == [MINI, imports / "x-action-plan.ttl"]
    assert _labels(open_store(settings), f"{PLAN}/action-plan") == ["アクション・プラン"]


def test_replace_graph_that_fails_midway_changes_nothing():
    s = EmbeddedStore()
    s.load_file(MINI)
    g = f"{PLAN}/prov/s1"
    before = set(s.quads(g))

    def quads():
        yield ox.Quad(ox.NamedNode(PLAN), ox.NamedNode(LABEL), ox.Literal("途中"), ox.NamedNode(g))
        raise RuntimeError("source failed")

    with pytest.raises(RuntimeError):
        s.replace_graph(g, quads())
    assert set(s.quads(g)) == before


def test_malformed_rdf_xml_names_line_and_column():
    data = ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            '  <rdf:Description rdf:about="https://ex.org/a">\n  </rdf:Descriptio>\n</rdf:RDF>\n')
    with pytest.raises(ParseError, match="malformed XML: mismatched tag") as exc:
        EmbeddedStore().load_data(data, format="rdf", source="plan.rdf")
    assert (exc.value.line, exc.value.column) == (4, 5)
    assert str(exc.value).startswith("plan.rdf:4:5: ")


def test_a_notepad_byte_order_mark_is_accepted():
    s = EmbeddedStore()
    s.load_data(b"\xef\xbb\xbf" + f'<{PLAN}> <{LABEL}> "計画"@ja .'.encode(), format="ttl", graph="https://ex.org/g")
    assert _labels(s) == ["計画"]


@pytest.mark.parametrize("fmt,text,where", [
    ("ttl", '<https://ex.org/a> <https://ex.org/b> "計画" .', (1, 40)),
    ("jsonld", '{"@id": "https://ex.org/a",\n "https://ex.org/b": "計画"}', (2, 23)),
])
def test_shift_jis_files_are_told_to_be_utf8(fmt, text, where):
    with pytest.raises(ParseError, match="not UTF-8 text") as exc:
        EmbeddedStore().load_data(text.encode("cp932"), format=fmt, source="sjis." + fmt)
    assert (exc.value.line, exc.value.column) == where


@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_deeply_nested_triple_terms_are_refused_not_a_crash(fmt):
    # 20,000 nested <<( … )>>: handed to pyoxigraph 0.5 this kills the process with SIGSEGV.
    n = 20_000
    data = "<https://ex.org/a> <https://ex.org/b> " + "<<( <https://ex.org/a> <https://ex.org/b> " * n \
        + '"x"' + " )>>" * n + " .\n"
    with pytest.raises(ParseError, match="nested deeper than 64"):
        EmbeddedStore().load_data(data, format=fmt, graph="https://ex.org/g")


def test_shallow_triple_terms_still_load():
    s = EmbeddedStore()
    s.load_data('<https://ex.org/a> <https://ex.org/b> <<( <https://ex.org/c> <https://ex.org/d> "e" )>> .',
                format="nt", graph="https://ex.org/g")
    assert isinstance(next(s.quads()).object, ox.Triple)


def test_bulk_load_takes_the_checked_path_for_quoted_triples(tmp_path):
    nt = tmp_path / "big.nt"
    nt.write_text('<https://ex.org/a> <https://ex.org/b> ' + '<<( <https://ex.org/a> <https://ex.org/b> ' * 100
                  + '"x"' + ' )>>' * 100 + ' .\n')
    with pytest.raises(ParseError, match="nested deeper"):
        EmbeddedStore(tmp_path / "db").bulk_load_file(nt, graph="https://ex.org/g")


def test_deeply_nested_rdf_xml_is_refused_not_left_to_hang():
    # 100,000 levels: pyoxigraph 0.5 would parse this for hours (superquadratic in depth).
    n = 100_000
    data = ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:b="https://ex.org/">' + "<rdf:Description><b:p>" * n + "<rdf:Description/>"
            + "</b:p></rdf:Description>" * n + "</rdf:RDF>")
    with pytest.raises(ParseError, match="nested deeper than 256") as exc:
        EmbeddedStore().load_data(data, format="rdf", source="deep.rdf")
    assert exc.value.line == 2


def test_is_empty_looks_at_one_quad():
    import pyoxigraph as ox

    from graph.store import EmbeddedStore

    s = EmbeddedStore()
    assert s.is_empty()
    s.load_data('<https://ex.org/a> <https://ex.org/p> "x" .', format="nt", graph="https://ex.org/g")
    assert not s.is_empty()
    assert isinstance(s.raw, ox.Store)


def test_binding_a_variable_the_query_does_not_select_is_a_parameter_error():
    import pyoxigraph as ox
    import pytest

    from graph.errors import ParameterError
    from graph.store import EmbeddedStore

    s = EmbeddedStore()
    with pytest.raises(ParameterError, match=r"\?plan"):
        s.query("SELECT ?s WHERE { ?s ?p ?plan }", substitutions={"plan": ox.NamedNode("https://ex.org/p")})


def test_an_error_spanning_lines_is_located_at_its_start(tmp_path):
    import pytest

    from graph.errors import ParseError
    from graph.store import EmbeddedStore

    bad = tmp_path / "open-string.ttl"
    bad.write_text('@prefix x: <http://a/> .\nx:a x:b """never closed\n\n', encoding="utf-8")
    with pytest.raises(ParseError) as info:
        EmbeddedStore().load_file(bad)
    assert (info.value.line, info.value.column) == (2, 9)
    assert str(info.value).startswith(f"{bad}:2:9: ")


# --- the dataset of a query -------------------------------------------------------------------

def _two_graphs_sharing_a_triple() -> EmbeddedStore:
    store = EmbeddedStore()
    store.load_data('<https://ex.org/s> <https://ex.org/p> "10" .', format="nt", graph="https://ex.org/g1")
    store.load_data('<https://ex.org/s> <https://ex.org/p> "10" .\n<https://ex.org/t> <https://ex.org/p> "1" .',
                    format="nt", graph="https://ex.org/g2")
    return store


def test_a_dataset_given_in_part_is_given_whole():
    """Named graphs alone: an empty default graph; default graphs alone: no named graphs (Query §13.2)."""
    store = _two_graphs_sharing_a_triple()
    assert store.query("SELECT * { ?s ?p ?o }", named_graphs=["https://ex.org/g1"]).rows == []
    assert len(store.query("SELECT * { GRAPH ?g { ?s ?p ?o } }", named_graphs=["https://ex.org/g1"]).rows) == 1
    assert store.query("SELECT * { GRAPH ?g { ?s ?p ?o } }", default_graph=["https://ex.org/g2"]).rows == []
    assert len(store.query("SELECT * { ?s ?p ?o }", default_graph=["https://ex.org/g2"]).rows) == 2


@pytest.mark.xfail(strict=True, reason="pyoxigraph 0.5 repeats a triple of several graphs in the union default "
                   "graph (oxigraph#1919, fixed for 0.6). When this passes, drop this mark and README's note "
                   "'Repeated triples in the union'.")
def test_the_union_default_graph_is_a_set_of_triples():
    store = _two_graphs_sharing_a_triple()
    (n,), = store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").rows
    assert int(n.value) == 2
