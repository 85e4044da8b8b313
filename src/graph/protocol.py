"""The SPARQL 1.1 Protocol and Graph Store Protocol, minus HTTP.

:mod:`web.sparql` parses requests and sends responses; the decisions live
here so they can be tested without a server and so ``web/`` holds no RDF
code: which result format a request gets, the service description, and the
Graph Store operations on the store (through the executor, so the query
workers see every write).

>>> choose_format("select", param="csv", accept=[])
'csv'
>>> choose_format("graph", param=None, accept=["application/rdf+xml"])
'rdfxml'
"""

from __future__ import annotations

from itertools import islice
from typing import Iterable, Iterator, Sequence

import pyoxigraph as ox

from .errors import InputError, NotFound, QueryError
from .export import iter_export
from .results import DEFAULT_FORMAT, RESULT_FORMATS
from .rdfio import parse_quads
from .store import Store
from .sources import rdf_format
from .vocab import RDF

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"

#: ``format=`` values (and their spellings) → result format, per result kind.
#: ``json``/``xml`` on a CONSTRUCT mean JSON-LD / RDF/XML, as most endpoints read them.
FORMAT_PARAM: dict[str, dict[str, str]] = {
    "solutions": {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv"},
    "graph": {"turtle": "turtle", "ttl": "turtle", "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld",
              "rdfxml": "rdfxml", "rdf": "rdfxml", "xml": "rdfxml", "ntriples": "ntriples", "nt": "ntriples",
              "n-triples": "ntriples",
              # SPARQLWrapper's values for RDFXML and N3 (Turtle is N3 too)
              "rdf+xml": "rdfxml", "n3": "turtle"},
}

#: Media types clients send besides the canonical ones (SPARQLWrapper, rdflib, curl users).
MEDIA_ALIASES: dict[str, dict[str, str]] = {
    "solutions": {"application/json": "json", "application/xml": "xml", "text/xml": "xml"},
    "graph": {"application/x-turtle": "turtle", "text/n3": "turtle", "application/json": "jsonld",
              "application/xml": "rdfxml", "text/xml": "rdfxml", "text/plain": "ntriples"},
}

#: The service description's own formats (a bare GET from a program).
DESCRIPTION_TYPES: dict[str, str] = {
    "text/turtle": "turtle", "application/ld+json": "jsonld", "application/rdf+xml": "rdfxml",
    "application/n-triples": "ntriples", "application/x-turtle": "turtle",
}

#: Upload media types of the Graph Store Protocol → store format name.
UPLOAD_TYPES: dict[str, str] = {
    "text/turtle": "ttl", "application/x-turtle": "ttl", "application/n-triples": "nt", "text/plain": "nt",
    "application/rdf+xml": "rdf", "application/ld+json": "jsonld",
}

_SD_RESULT_FORMATS = {
    "json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "jsonld": "JSON-LD", "rdfxml": "RDF_XML",
    "ntriples": "N-Triples",
}


def _group(kind: str) -> str:
    return "graph" if kind == "graph" else "solutions"


def media_types_for(kind: str) -> list[tuple[str, str]]:
    """(media type, format) pairs that can carry a result kind, the default first (for ``*/*``)."""
    default = DEFAULT_FORMAT[kind]
    names = [default] + [n for n, f in RESULT_FORMATS.items()
                         if kind in f.kinds and n not in (default, "table")]
    pairs = [(RESULT_FORMATS[n].media_type.split(";")[0], n) for n in names]
    pairs += [(mt, n) for mt, n in MEDIA_ALIASES[_group(kind)].items() if kind in RESULT_FORMATS[n].kinds]
    return pairs


def choose_format(kind: str, *, param: str | None, accept: Sequence[str]) -> str:
    """The result format for a request: ``format=`` wins, else the first acceptable media type.

    ``format=`` takes a short name (``json``, ``turtle``, SPARQLWrapper's ``rdf+xml`` and ``n3``)
    or a media type (``application/sparql-results+xml``), as Fuseki reads it.

    ``accept`` is the client's media types in preference order (the web layer
    sorts the Accept header). Nothing acceptable → the kind's default format,
    as most endpoints do; an unknown or unsuitable ``format=`` is a 400.

    >>> choose_format("ask", param=None, accept=["text/html", "*/*"])
    'json'
    >>> choose_format("ask", param="turtle", accept=[])
    Traceback (most recent call last):
    ...
    graph.errors.QueryError: format=turtle cannot carry an ASK result (use one of: json, xml, csv, tsv)
    """
    by_type = dict(reversed(media_types_for(kind)))
    if param:
        table = FORMAT_PARAM[_group(kind)]
        key = param.strip().lower()
        name = table.get(key) or by_type.get(key.split(";")[0].strip())  # a media type as format= too
        if name is None or kind not in RESULT_FORMATS[name].kinds:
            usable = ", ".join(n for n in dict.fromkeys(table.values()) if kind in RESULT_FORMATS[n].kinds)
            word = {"select": "a SELECT", "ask": "an ASK", "graph": "a CONSTRUCT/DESCRIBE"}[kind]
            raise QueryError(f"format={param} cannot carry {word} result (use one of: {usable})")
        return name
    for mt in accept:
        mt = mt.split(";")[0].strip().lower()
        if mt in by_type:
            return by_type[mt]
        if mt in ("*/*", "application/*", "text/*"):
            break
    return DEFAULT_FORMAT[kind]


def check_graphs(store: Store, default_graph: Iterable[str], named_graphs: Iterable[str]) -> None:
    """``default-graph-uri`` / ``named-graph-uri`` may only name the store's own graphs (else 400)."""
    known = None
    for param, iris in (("default-graph-uri", default_graph), ("named-graph-uri", named_graphs)):
        for iri in iris:
            if known is None:
                known = set(store.graphs())
            if iri not in known:
                raise QueryError(f"{param} <{iri}>: not a graph of this store")


def service_description(endpoint: str, store: Store, *, update_endpoint: str | None,
                        format: str = "turtle") -> bytes:
    """The SPARQL 1.1 Service Description of the endpoint, in an RDF format.

    Lists the query service's language, result formats, union default graph
    and named graphs; when writes are enabled, the update endpoint as a second
    ``sd:Service`` whose language is SPARQL 1.1 Update.
    """
    nn, bn = ox.NamedNode, ox.BlankNode
    sd = lambda local: nn(SD + local)  # noqa: E731
    a = nn(RDF + "type")
    svc = nn(endpoint)
    triples = [ox.Triple(svc, a, sd("Service")), ox.Triple(svc, sd("endpoint"), svc),
               ox.Triple(svc, sd("supportedLanguage"), sd("SPARQL11Query")),
               ox.Triple(svc, sd("feature"), sd("UnionDefaultGraph"))]
    if update_endpoint:  # a service of its own: /sparql itself refuses updates (SD §3.2, sd:endpoint)
        upd = nn(update_endpoint)
        triples += [ox.Triple(upd, a, sd("Service")), ox.Triple(upd, sd("endpoint"), upd),
                    ox.Triple(upd, sd("supportedLanguage"), sd("SPARQL11Update"))]
    for name in _SD_RESULT_FORMATS.values():
        triples.append(ox.Triple(svc, sd("resultFormat"), nn(FORMATS + name)))
    dataset, default = bn(), bn()
    triples += [ox.Triple(svc, sd("defaultDataset"), dataset), ox.Triple(dataset, a, sd("Dataset")),
                ox.Triple(dataset, sd("defaultGraph"), default), ox.Triple(default, a, sd("Graph"))]
    for g in store.graphs():
        node = bn()
        triples += [ox.Triple(dataset, sd("namedGraph"), node), ox.Triple(node, a, sd("NamedGraph")),
                    ox.Triple(node, sd("name"), nn(g))]
    fmt = RESULT_FORMATS[format]
    return fmt.serialize(_Graph(triples), prefixes={"sd": SD, "formats": FORMATS})


class _Graph:
    """A stand-in GraphResult for the results serializers."""

    truncated = False

    def __init__(self, triples: list[ox.Triple]):
        self.triples = triples


# --- Graph Store Protocol -----------------------------------------------------------

def graph_iri(value: str) -> str:
    """Check a ``graph=`` parameter is an absolute IRI (else 400)."""
    try:
        node = ox.NamedNode(value)
    except ValueError:
        raise QueryError(f"graph={value!r} is not an absolute IRI") from None
    if ":" not in node.value:
        raise QueryError(f"graph={value!r} is not an absolute IRI")
    return node.value


def read_graph(store: Store, graph: str | None, format: str, *, max_quads: int | None = None) -> Iterator[bytes]:
    """A graph's triples in an RDF format, in chunks; ``None`` is the default graph (the union, as queries see it).

    Turtle and N-Triples stream (:func:`graph.export.iter_export`): ``?default`` of a national
    store is its every triple, which held whole took GBs of the app's memory. The other formats
    (JSON-LD, RDF/XML) are built whole: with ``max_quads`` (the web: the download cap), a graph
    of more quads than that is refused before anything is held, as the downloads are.
    """
    if graph is not None and graph not in set(store.graphs()):
        raise NotFound(f"no graph <{graph}> in this store")
    if format in ("turtle", "ntriples"):
        return iter_export(store, format, graphs=[graph] if graph else None, max_document_quads=max_quads)
    if max_quads is not None and sum(1 for _ in islice(store.quads(graph), max_quads + 1)) > max_quads:
        raise InputError(
            f"{max_quads:,} 件を超えるグラフは、この形式では一度に組み立てないため返しません。Turtle か N-Triples を"
            f"求めてください / this graph has more than {max_quads:,} quads and {RESULT_FORMATS[format].media_type} "
            "is built whole in memory: ask for Turtle or N-Triples, which stream",
            title="Graph too large for this format")
    seen = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(graph))
    return iter([RESULT_FORMATS[format].serialize(_Graph(list(seen)))])


def parse_upload(data: bytes, media_type: str, graph: str) -> list[ox.Quad]:
    """Parse a Graph Store upload into quads of ``graph`` (all or nothing; see :mod:`graph.rdfio`).

    Relative IRIs (``<s>``, ``<#x>``) resolve against the graph's IRI, the document's
    own IRI in the Graph Store Protocol (RFC 3986 §5.1.3), as Fuseki resolves them.
    """
    name = UPLOAD_TYPES.get(media_type.split(";")[0].strip().lower())
    if name is None:
        raise InputError(f"cannot read {media_type or 'a body without Content-Type'} "
                         f"(send one of: {', '.join(sorted(set(UPLOAD_TYPES)))})", status=415,
                         title="Unsupported media type")
    # rdfio refuses DOCTYPE/ENTITY in XML and over-deep JSON before pyoxigraph sees them.
    parsed = parse_quads(data, rdf_format(name), source="upload", base_iri=graph)
    g = ox.NamedNode(graph)
    return [ox.Quad(q.subject, q.predicate, q.object, g) for q in parsed]


def put_graph(executor, graph: str, quads: list[ox.Quad]) -> bool:
    """Replace a graph (PUT). Returns True when the graph is new.

    A graph exists while it holds triples (a quad store's graphs are their
    quads), so an empty PUT empties the graph and creates nothing.
    """
    def change(store: Store) -> bool:
        created = bool(quads) and graph not in set(store.graphs())
        store.replace_graph(graph, quads)
        return created
    return executor.write(change)


def add_to_graph(executor, graph: str, quads: list[ox.Quad]) -> bool:
    """Add triples to a graph (POST). Returns True when the graph is new."""
    def change(store: Store) -> bool:
        known = graph in set(store.graphs())
        created = bool(quads) and not known
        existing = list(store.quads(graph)) if known else []
        store.replace_graph(graph, existing + quads)
        return created
    return executor.write(change)


def delete_graph(executor, graph: str) -> None:
    """Remove a graph (DELETE); 404 when there is none."""
    def change(store: Store) -> None:
        if graph not in set(store.graphs()):
            raise NotFound(f"no graph <{graph}> in this store")
        store.replace_graph(graph, [])
    executor.write(change)
