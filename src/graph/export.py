"""Export the store: Turtle, N-Triples, TriG, N-Quads, JSON-LD, RDF/XML — to bytes or atomically to a file.

Quad formats (TriG, N-Quads, JSON-LD) keep the named graphs, and so the
provenance (one graph per sourced assertion). Triple formats (Turtle,
N-Triples, RDF/XML) hold the union of the selected graphs, duplicates merged.

JSON-LD is compacted with PlanGraph's published context
(``src/graph/contexts/plangraph.jsonld``: the shared prefixes of
:data:`graph.vocab.PREFIXES`). The context is *embedded*, not referenced by
URL, so a reader never needs the network to expand it — PlanGraph's own
parsers refuse remote contexts anyway (:mod:`graph.rdfio`).

>>> from graph.store import EmbeddedStore
>>> s = EmbeddedStore()
>>> s.load_data('<https://w3id.org/plangraph/id/a> a <https://w3id.org/plangraph/ontology#Plan> .',
...             format="ttl", graph="https://w3id.org/plangraph/id/graph/g")
>>> print(export_bytes(s, "turtle").decode().splitlines()[-1])
<https://w3id.org/plangraph/id/a> a pg:Plan .
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox

from .atomic import atomic_write
from .errors import InputError, NotFound
from .store import Store
from .vocab import PREFIXES, RDF, XSD


@dataclass(frozen=True)
class ExportFormat:
    """One export format: name, pyoxigraph format, media type, extension, keeps named graphs?, shown name."""

    name: str
    rdf_format: ox.RdfFormat
    media_type: str
    extension: str
    quads: bool
    label: str

    @property
    def built_whole(self) -> bool:
        """JSON-LD and RDF/XML are one document each, built in memory (the others stream)."""
        return self.rdf_format in (ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML)


#: The one table of export formats (name → format). The CLI's --format choices come from it.
EXPORT_FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("turtle", ox.RdfFormat.TURTLE, "text/turtle", "ttl", False, "Turtle"),
    ExportFormat("ntriples", ox.RdfFormat.N_TRIPLES, "application/n-triples", "nt", False, "N-Triples"),
    ExportFormat("trig", ox.RdfFormat.TRIG, "application/trig", "trig", True, "TriG"),
    ExportFormat("nquads", ox.RdfFormat.N_QUADS, "application/n-quads", "nq", True, "N-Quads"),
    ExportFormat("jsonld", ox.RdfFormat.JSON_LD, "application/ld+json", "jsonld", True, "JSON-LD"),
    ExportFormat("rdfxml", ox.RdfFormat.RDF_XML, "application/rdf+xml", "rdf", False, "RDF/XML"),
)}


def size_limited(store: Store, fmt: ExportFormat) -> bool:
    """Whether a web download of ``fmt`` from ``store`` is offered only up to ``max_document_quads``.

    True for a format built whole in memory, and for one this store cannot
    stream (a remote store merging the graphs of N-Triples or Turtle):
    :attr:`Store.streams_quads`, :attr:`Store.streams_triples`.
    """
    return fmt.built_whole or not (store.streams_quads if fmt.quads else store.streams_triples)


def _streamed_labels(store: Store, sep: str, last: str) -> str:
    """The formats ``store`` streams at any size, for an error message: quad formats first."""
    names = [EXPORT_FORMATS[n].label for n in ("nquads", "trig", "ntriples", "turtle")
             if not size_limited(store, EXPORT_FORMATS[n])]
    return sep.join(names[:-1]) + last + names[-1] if len(names) > 1 else "".join(names)


def export_format(name: str) -> ExportFormat:
    """The export format called ``name`` (or by its file extension, e.g. ``ttl``)."""
    key = name.lower().lstrip(".")
    for f in EXPORT_FORMATS.values():
        if key in (f.name, f.extension):
            return f
    raise InputError(f"unknown export format {name!r} (known: {', '.join(EXPORT_FORMATS)})")


@lru_cache(maxsize=1)
def published_context() -> dict:
    """PlanGraph's JSON-LD context document (``{"@context": {...}}``), as published."""
    text = resources.files("graph").joinpath("contexts/plangraph.jsonld").read_text(encoding="utf-8")
    return json.loads(text)


# --- selecting quads -------------------------------------------------------------

def _check_graphs(store: Store, graphs: Sequence[str] | None) -> None:
    known = set(store.graphs()) if graphs else set()
    missing = [g for g in graphs or () if g not in known]
    if missing:
        raise NotFound(f"no such graph in the store: {', '.join(missing)}")


def _select(store: Store, graphs: Sequence[str] | None) -> Iterator[ox.Quad]:
    if not graphs:
        yield from store.quads()
        return
    for g in graphs:
        yield from store.quads(g)


def _union(quads: Iterable[ox.Quad]) -> Iterator[ox.Triple]:
    """The triples of the quads, each once (the same fact may sit in several assertion graphs)."""
    seen: set[ox.Triple] = set()
    for q in quads:
        t = q.triple
        if t not in seen:
            seen.add(t)
            yield t


# --- JSON-LD writer -----------------------------------------------------------------

_XSD_STRING = XSD + "string"
_RDF_TYPE = RDF + "type"


class _Compactor:
    """Compact IRIs with the context's prefixes (longest namespace wins)."""

    def __init__(self, prefixes: Mapping[str, str]):
        self.prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))

    def __call__(self, iri: str) -> str:
        for prefix, ns in self.prefixes:
            # A suffix starting with "//" would read as an absolute IRI, not a compact one.
            if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
                return f"{prefix}:{iri[len(ns):]}"
        return iri


def _node_id(term, compact: _Compactor) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    raise InputError("JSON-LD cannot carry RDF-star triple terms; export as TriG or N-Quads")


def _value(term, compact: _Compactor) -> dict:
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == _XSD_STRING:
            return {"@value": term.value}
        # Lexical form kept as a string: "2021-04-01"^^xsd:date round-trips exactly.
        return {"@value": term.value, "@type": compact(term.datatype.value)}
    return {"@id": _node_id(term, compact)}


def _nodes(triples: Iterable[ox.Triple], compact: _Compactor) -> list[dict]:
    nodes: dict[str, dict] = {}
    for t in triples:
        sid = _node_id(t.subject, compact)
        node = nodes.setdefault(sid, {"@id": sid})
        if t.predicate.value == _RDF_TYPE and isinstance(t.object, ox.NamedNode):
            node.setdefault("@type", []).append(compact(t.object.value))
        else:
            node.setdefault(compact(t.predicate.value), []).append(_value(t.object, compact))
    return [nodes[k] for k in sorted(nodes)]


def to_jsonld(quads: Iterable[ox.Quad | ox.Triple], context: dict | None = None) -> bytes:
    """A compacted JSON-LD document with the context embedded; each named graph a node with its own ``@graph``.

    Triples (or default-graph quads) become top-level nodes. Used for exports
    and for CONSTRUCT results, so both read the same way.
    """
    context = published_context()["@context"] if context is None else context
    quads = (ox.Quad(q.subject, q.predicate, q.object) if isinstance(q, ox.Triple) else q for q in quads)
    compact = _Compactor({k: v for k, v in context.items() if isinstance(v, str)})
    by_graph: dict[object, list[ox.Triple]] = {}
    for q in quads:
        by_graph.setdefault(q.graph_name, []).append(q.triple)
    top: list[dict] = []
    for g in sorted(by_graph, key=lambda g: "" if isinstance(g, ox.DefaultGraph) else g.value):
        nodes = _nodes(by_graph[g], compact)
        if isinstance(g, ox.DefaultGraph):
            top.extend(nodes)
        else:
            top.append({"@id": _node_id(g, compact), "@graph": nodes})
    doc = {"@context": context, "@graph": top}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode() + b"\n"


def triple_order(t: ox.Triple) -> tuple:
    """Subjects together, rdf:type first among their predicates."""
    return (str(t.subject), t.predicate.value != _RDF_TYPE, t.predicate.value, str(t.object))


# --- export ---------------------------------------------------------------------------

#: Quads (or triples) per serialised chunk of a streamed export: few enough that a chunk is a few MB.
CHUNK = 20_000


def _too_large(store: Store, fmt: ExportFormat, max_quads: int) -> InputError:
    streamed_ja, streamed_en = _streamed_labels(store, "・", "・"), _streamed_labels(store, ", ", " and ")
    if fmt.built_whole:
        return InputError(
            f"{fmt.label} の書き出しは全体を一度に組み立てるため、{max_quads:,} 件以下のデータに限ります。"
            f"{streamed_ja} は件数によらず書き出せます / "
            f"a {fmt.label} export is built whole in memory, so downloads offer it up to "
            f"{max_quads:,} quads and this dataset has more; {streamed_en} "
            "are streamed at any size (or run plangraph export)",
            title="Export too large for this format")
    # a remote store would merge the graphs of a triple format in the app, holding them all
    return InputError(
        f"このデータセットは外部の SPARQL サーバーにあり、{max_quads:,} 件を超えるため、この形式では"
        f"ここからダウンロードできません。{streamed_ja}（グラフごとに送ります）か、サーバーのダンプを使ってください / "
        f"the dataset lives on an external SPARQL server and has more than {max_quads:,} quads: "
        f"{fmt.label} merges the graphs, which this app would have to hold in memory. Download "
        f"{_streamed_labels(store, ', ', ' or ')} (sent graph by graph) or take the server's own dump",
        title="Export too large for this store")


def iter_export(store: Store, format: str, *, graphs: Sequence[str] | None = None,
                prefixes: Mapping[str, str] | None = None, max_document_quads: int | None = None) -> Iterator[bytes]:
    """The export as chunks of bytes, in memory bounded by :data:`CHUNK`, not by the store.

    Why: the whole country is 6.7M quads, 1.6 GB of N-Quads; held whole, one
    download took 80 s before its first byte and 1.8 GB of the app's memory.
    N-Quads and TriG stream the quads; N-Triples and Turtle stream one
    subject's merged triples at a time (:meth:`Store.triples_by_subject`: in
    subject order up to 100,000 subjects), ``rdf:type`` first. Turtle and TriG chunks after the first
    leave out the ``@prefix`` lines they repeat; a TriG graph may be split into
    two ``GRAPH`` blocks at a chunk's end (still one graph to any reader).

    JSON-LD and RDF/XML are one document each, built in memory; with
    ``max_document_quads`` (the web downloads), a store with more quads than
    that raises :class:`InputError` instead of exhausting the app's memory,
    and so does a format the store cannot stream (:func:`size_limited`).
    """
    fmt = export_format(format)
    prefixes = dict(PREFIXES if prefixes is None else prefixes)
    _check_graphs(store, graphs)
    if max_document_quads is not None and size_limited(store, fmt) and (len(store) if not graphs else sum(
            # counted before anything is held (a national store's first million quads alone are ~400 MB);
            # the engine counts a whole store in 2 s where reading a million quads here took 14 s
            1 for _ in islice(_select(store, graphs), max_document_quads + 1))) > max_document_quads:
        raise _too_large(store, fmt, max_document_quads)
    if fmt.built_whole:
        quads = list(_select(store, graphs))
        if fmt.name == "jsonld":
            yield to_jsonld(quads)
        else:
            data = sorted(_union(quads), key=triple_order)  # the writer groups a subject's triples only when adjacent
            yield ox.serialize(data, format=fmt.rdf_format, prefixes=prefixes)
        return
    if fmt.quads:
        chunks = _batches(_select(store, graphs), CHUNK)
    else:
        chunks = _subject_batches(store.triples_by_subject(graphs or None), CHUNK)
    first = True
    for chunk in chunks:
        body = ox.serialize(chunk, format=fmt.rdf_format, prefixes=prefixes)
        if not first and fmt.rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
            body = _without_prefix_lines(body)
        first = False
        yield body


def _batches(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _subject_batches(groups: Iterable[list[ox.Triple]], size: int) -> Iterator[list[ox.Triple]]:
    """Whole subjects per batch (Turtle groups a subject's triples only within one call), rdf:type first."""
    batch: list[ox.Triple] = []
    for triples in groups:
        batch.extend(sorted(triples, key=triple_order))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _without_prefix_lines(body: bytes) -> bytes:
    """A Turtle/TriG chunk without the ``@prefix`` lines the first chunk already declared."""
    start = 0
    while body.startswith(b"@prefix ", start):
        start = body.index(b"\n", start) + 1
    return body[start:]


def gzipped(chunks: Iterable[bytes], level: int = 6) -> Iterator[bytes]:
    """The chunks as one gzip stream (``.nq.gz`` and the like: the synthetic country's N-Quads shrink about 30×).

    >>> import gzip
    >>> gzip.decompress(b"".join(gzipped([b"<a> ", b"<b> <c> ."])))
    b'<a> <b> <c> .'
    """
    z = zlib.compressobj(level, zlib.DEFLATED, 31)  # wbits 31: gzip header and trailer
    for chunk in chunks:
        if out := z.compress(chunk):
            yield out
    yield z.flush()


def write_export(store: Store, format: str, out: BinaryIO, *, graphs: Sequence[str] | None = None,
                 prefixes: Mapping[str, str] | None = None) -> None:
    """Serialize the store (or the named ``graphs``) to a binary stream, chunk by chunk (:func:`iter_export`)."""
    for chunk in iter_export(store, format, graphs=graphs, prefixes=prefixes):
        out.write(chunk)


def export_bytes(store: Store, format: str, *, graphs: Sequence[str] | None = None,
                 prefixes: Mapping[str, str] | None = None) -> bytes:
    """The export as one bytes object, for small stores and tests (downloads and the CLI stream :func:`iter_export`)."""
    return b"".join(iter_export(store, format, graphs=graphs, prefixes=prefixes))


def export_file(store: Store, format: str, path: str | Path, *, graphs: Sequence[str] | None = None,
                prefixes: Mapping[str, str] | None = None) -> None:
    """Export atomically to ``path``: an error or Ctrl-C midway leaves the old file (or none)."""
    with atomic_write(path) as fh:
        write_export(store, format, fh, graphs=graphs, prefixes=prefixes)
