"""Export: every format parses back with rdflib AND pyoxigraph to the same graphs; files are written atomically."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from graph.dataset import LICENSE, dataset_statistics, describe_dataset, describe_dataset_bytes
from graph.errors import NotFound
from graph.export import EXPORT_FORMATS, export_bytes, export_file, published_context
from graph.store import EmbeddedStore
from graph.sources import graph_iri_for_file
from graph.vocab import PREFIXES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MINI = FIXTURES / "lib" / "mini-plan.trig"
RDFLIB_FORMAT = {"turtle": "turtle", "ntriples": "nt", "trig": "trig", "nquads": "nquads",
                 "jsonld": "json-ld", "rdfxml": "xml"}


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything tries to open a network connection."""
    def refuse(*args, **kwargs):
        pytest.fail(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


@pytest.fixture
def mini():
    s = EmbeddedStore()
    s.load_file(MINI)
    # a blank node and a typed number, so the round trip has to keep both
    s.load_data('@prefix pg: <https://w3id.org/plangraph/ontology#> .\n'
                '<https://w3id.org/plangraph/id/lg/999999/plan/mini/measure/1> pg:indicator '
                '[ pg:target "42"^^<http://www.w3.org/2001/XMLSchema#integer> ; pg:unit "件"@ja ] .',
                format="ttl", graph="https://w3id.org/plangraph/id/graph/extra")
    return s


def _rdflib_graph(triples) -> rdflib.Graph:
    return rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")


def _expected_graphs(store) -> dict[str, rdflib.Graph]:
    return {g: _rdflib_graph([q.triple for q in store.quads(g)]) for g in store.graphs()}


def _check_round_trip(store, name: str) -> None:
    fmt = EXPORT_FORMATS[name]
    data = export_bytes(store, name)
    union = _rdflib_graph({q.triple for q in store.quads()})
    # pyoxigraph
    back = list(ox.parse(data, format=fmt.rdf_format))
    if fmt.quads:
        for g, expected in _expected_graphs(store).items():
            got = _rdflib_graph([q.triple for q in back if getattr(q.graph_name, "value", None) == g])
            assert isomorphic(got, expected), (name, g)
        assert all(not isinstance(q.graph_name, ox.DefaultGraph) for q in back)
    else:
        assert isomorphic(_rdflib_graph([q.triple for q in back]), union), name
    # rdflib
    if fmt.quads:
        ds = rdflib.Dataset()
        ds.parse(data=data, format=RDFLIB_FORMAT[name])
        for g, expected in _expected_graphs(store).items():
            assert isomorphic(ds.graph(rdflib.URIRef(g)), expected), (name, g)
    else:
        g = rdflib.Graph().parse(data=data, format=RDFLIB_FORMAT[name])
        assert isomorphic(g, union), name


@pytest.mark.parametrize("name", list(EXPORT_FORMATS))
def test_every_format_round_trips_with_rdflib_and_pyoxigraph(mini, name, no_network):
    _check_round_trip(mini, name)


@pytest.mark.parametrize("name", ["trig", "jsonld", "rdfxml"])
def test_the_saitama_graph_round_trips(saitama_store, name, no_network):
    _check_round_trip(saitama_store, name)


def test_json_ld_embeds_the_published_context(mini):
    doc = json.loads(export_bytes(mini, "jsonld"))
    assert doc["@context"] == published_context()["@context"] == PREFIXES
    graphs = {n["@id"] for n in doc["@graph"]}
    assert "https://w3id.org/plangraph/id/lg/999999/plan/mini/prov/s1" in graphs
    plan = next(n for g in doc["@graph"] for n in g["@graph"]
                if n["@id"] == "https://w3id.org/plangraph/id/lg/999999/plan/mini")
    assert plan["@type"] == ["pg:SectorPlan"]
    assert {"@value": "テスト市デジタル計画", "@language": "ja"} in plan["rdfs:label"]


def test_triple_formats_merge_the_union_and_quad_formats_keep_graphs(mini):
    turtle = export_bytes(mini, "turtle").decode()
    assert "@prefix pg: <https://w3id.org/plangraph/ontology#>" in turtle
    assert "GRAPH" not in turtle and "{" not in turtle
    nq = list(ox.parse(export_bytes(mini, "nquads"), format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name.value for q in nq} == set(mini.graphs())


def test_export_of_selected_graphs(mini):
    g = "https://w3id.org/plangraph/id/lg/999999/plan/mini/prov/s1"
    back = list(ox.parse(export_bytes(mini, "nquads", graphs=[g]), format=ox.RdfFormat.N_QUADS))
    assert back and {q.graph_name.value for q in back} == {g}
    with pytest.raises(NotFound, match="no such graph"):
        export_bytes(mini, "nquads", graphs=["https://ex.org/nope"])


def test_export_file_writes_atomically(mini, tmp_path):
    out = tmp_path / "plangraph.trig"
    export_file(mini, "trig", out)
    assert set(ox.parse(path=str(out))) == set(mini.quads())
    assert [p.name for p in tmp_path.iterdir()] == ["plangraph.trig"]


@pytest.mark.parametrize("interrupt", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_an_interrupted_export_leaves_the_old_file_and_no_half_file(mini, tmp_path, monkeypatch, interrupt):
    out = tmp_path / "plangraph.nq"
    out.write_bytes(b"old content\n")
    real = list(mini.quads())

    def quads_then_fail(graph=None):
        yield from real[:5]
        raise interrupt

    monkeypatch.setattr(mini, "quads", quads_then_fail)
    with pytest.raises(type(interrupt)):
        export_file(mini, "nquads", out)
    assert out.read_bytes() == b"old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plangraph.nq"]
    # a new file that fails midway never appears at all
    with pytest.raises(type(interrupt)):
        export_file(mini, "nquads", tmp_path / "new.nq")
    assert not (tmp_path / "new.nq").exists()


def test_void_and_dcat_description(mini):
    g = graph_iri_for_file(MINI)
    stats = dataset_statistics(mini)
    assert stats.graphs[g] == 7
    assert stats.classes["https://w3id.org/plangraph/ontology#BasicPolicy"] == 1
    triples = describe_dataset(mini, endpoint_url="http://localhost:5000/sparql",
                               dump_base_url="http://localhost:5000/download/")
    s = EmbeddedStore()
    s.load_data(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt", graph="https://ex.org/void")

    def one(q):
        return [r[0].value for r in s.query("PREFIX void: <http://rdfs.org/ns/void#> PREFIX dcat: "
                                             "<http://www.w3.org/ns/dcat#> PREFIX dcterms: "
                                             "<http://purl.org/dc/terms/> PREFIX sd: "
                                             "<http://www.w3.org/ns/sparql-service-description#> " + q).rows]

    assert one("SELECT ?n WHERE { ?d a void:Dataset, dcat:Dataset ; void:triples ?n }") == [str(stats.triples)]
    assert one("SELECT ?l WHERE { ?d a dcat:Dataset ; dcterms:license ?l }") == [LICENSE]
    assert one(f"SELECT ?n WHERE {{ ?d void:subset ?s . ?s sd:name <{g}> ; void:triples ?n }}") == ["7"]
    assert one("SELECT ?n WHERE { ?d void:classPartition ?p . ?p void:class "
               "<https://w3id.org/plangraph/ontology#SectorPlan> ; void:entities ?n }") == ["1"]
    assert one("SELECT ?e WHERE { ?d void:sparqlEndpoint ?e }") == ["http://localhost:5000/sparql"]
    assert sorted(one("SELECT ?m WHERE { ?d dcat:distribution ?x . ?x dcat:mediaType ?m "
                      "FILTER NOT EXISTS { ?x dcat:compressFormat ?c } }")) == sorted(
        "https://www.iana.org/assignments/media-types/" + f.media_type for f in EXPORT_FORMATS.values())
    # each also gzipped, as a distribution of its own
    assert sorted(one("SELECT ?u WHERE { ?d dcat:distribution ?x . ?x dcat:compressFormat "
                      "<https://www.iana.org/assignments/media-types/application/gzip> ; dcat:downloadURL ?u }")) == \
        sorted(f"http://localhost:5000/download/plangraph.{f.extension}.gz" for f in EXPORT_FORMATS.values())
    assert "http://localhost:5000/download/plangraph.ttl" in one("SELECT ?u WHERE { ?d void:dataDump ?u }")
    assert "https://w3id.org/plangraph/ontology" in one("SELECT ?v WHERE { ?d void:vocabulary ?v }")
    rights = one("SELECT ?r WHERE { ?d dcterms:rights ?r FILTER(lang(?r) = 'ja') }")[0]
    assert "さいたま市" in rights and "CC BY 4.0" in rights
    # serialized, it parses back with rdflib too
    assert len(rdflib.Graph().parse(data=describe_dataset_bytes(mini), format="turtle")) > 20


# --- streamed in chunks (a national store's export never sits in memory whole) -------------

@pytest.mark.parametrize("name", ["turtle", "ntriples", "trig", "nquads"])
def test_exports_streamed_in_small_chunks_round_trip(saitama_store, name, monkeypatch, no_network):
    import graph.export as export

    monkeypatch.setattr(export, "CHUNK", 7)  # the Saitama data makes hundreds of chunks
    chunks = list(export.iter_export(saitama_store, name))
    assert len(chunks) > 50
    _check_round_trip(saitama_store, name)  # export_bytes is the chunks joined
    if name in ("turtle", "trig"):  # the prefixes are declared once, at the start
        text = b"".join(chunks).decode()
        assert text.count("@prefix pg: <https://w3id.org/plangraph/ontology#>") == 1
        assert text.startswith("@prefix ")
        assert all(not c.startswith(b"@prefix") for c in chunks[1:])


@pytest.mark.parametrize("name", ["turtle", "ntriples", "trig", "nquads"])
def test_a_blank_node_split_across_chunks_stays_one_node(mini, name, monkeypatch, no_network):
    import graph.export as export

    monkeypatch.setattr(export, "CHUNK", 1)  # the indicator's blank node: object in one chunk, subject in others
    _check_round_trip(mini, name)  # isomorphic: the blank node links the measure to its target and unit


def test_turtle_keeps_a_subjects_triples_together_across_chunks(saitama_store, monkeypatch):
    import graph.export as export

    monkeypatch.setattr(export, "CHUNK", 5)
    turtle = b"".join(export.iter_export(saitama_store, "turtle")).decode()
    plan = "<https://w3id.org/plangraph/id/lg/111007/plan/digital-2021>"
    # one statement block per subject: the subject starts a line once, its first predicate is rdf:type
    starts = [line for line in turtle.splitlines() if line.startswith(plan + " ")]
    assert len(starts) == 1 and starts[0].startswith(plan + " a ")


def test_triples_by_subject_streams_what_the_generic_default_holds(saitama_store, monkeypatch):
    from graph.store import Store

    streamed = [sorted(map(str, ts)) for ts in saitama_store.triples_by_subject()]
    held = [sorted(map(str, ts)) for ts in Store.triples_by_subject(saitama_store)]
    assert sorted(streamed) == sorted(held)
    # each subject once, each triple once, and the union of the graphs
    assert len({ts[0].split(" ")[0] for ts in streamed}) == len(streamed)
    assert sum(map(len, streamed)) == len({q.triple for q in saitama_store.quads()})
    # past SORTED_SUBJECTS the subjects stream unsorted: the same groups
    import graph.store

    monkeypatch.setattr(graph.store, "SORTED_SUBJECTS", 5)
    assert sorted(sorted(map(str, ts)) for ts in saitama_store.triples_by_subject()) == sorted(streamed)
    one = saitama_store.graphs()[:3]
    assert sum(map(len, saitama_store.triples_by_subject(one))) == \
        len({q.triple for g in one for q in saitama_store.quads(g)})


@pytest.mark.parametrize("name", ["jsonld", "rdfxml"])
def test_whole_document_formats_refuse_a_store_over_the_limit(mini, name):
    from graph.errors import InputError
    from graph.export import iter_export

    size = len(list(mini.quads()))
    assert list(iter_export(mini, name, max_document_quads=size))  # at the limit: made
    with pytest.raises(InputError, match="N-Quads, TriG, N-Triples and Turtle"):
        list(iter_export(mini, name, max_document_quads=size - 1))
    assert list(iter_export(mini, "nquads", max_document_quads=1))  # streamed formats: any size


def test_a_store_that_cannot_stream_a_format_is_capped_in_it(mini):
    # a remote store streams quads graph by graph, but would merge a triple format's graphs in the app
    from graph.errors import InputError
    from graph.export import iter_export

    size = len(mini)
    mini.streams_triples = False
    for name in ("turtle", "ntriples"):
        with pytest.raises(InputError, match="external SPARQL server.*N-Quads or TriG"):
            list(iter_export(mini, name, max_document_quads=size - 1))
        assert list(iter_export(mini, name, max_document_quads=size))
        assert list(iter_export(mini, name))  # plangraph export: no cap
    assert list(iter_export(mini, "nquads", max_document_quads=1))
    mini.streams_quads = False
    with pytest.raises(InputError, match="external SPARQL server"):
        list(iter_export(mini, "nquads", max_document_quads=size - 1))
