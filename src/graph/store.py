"""The store: one small interface, an embedded pyoxigraph implementation.

Everything that reads or writes the graph goes through :class:`Store`, so the
CLI, the web app and the tests do not care whether the quads live in memory,
in a pyoxigraph folder on disk, or on an external SPARQL server
(:mod:`graph.remote`). rdflib stays the modelling, validation and
serialization tool; it is never the query path (pyoxigraph is 20–100× faster).

Terms crossing this interface are pyoxigraph terms (``NamedNode``,
``BlankNode``, ``Literal``, ``Triple``), whatever the backend.

Named graphs: every quad lives in a named graph. A file's default-graph
triples go to :func:`graph.sources.graph_iri_for_file`; TriG/N-Quads graphs keep their own
names (the Saitama data uses one named graph per sourced assertion, see
``docs/model.md``). Queries see the union of all graphs as their default graph.

>>> s = EmbeddedStore()
>>> s.load_data('<https://ex.org/a> <https://ex.org/p> "x" .', format="nt", graph="https://ex.org/g")
>>> s.query("SELECT ?o WHERE { ?s ?p ?o }").rows[0][0].value
'x'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import IO, Iterable, Iterator, Mapping, Sequence, Union

import pyoxigraph as ox

from .errors import NotFound, ParameterError, ParseError, QueryError, StoreError
from .rdfio import as_bytes, check_safe, parse_error, parse_quads
from .remote_sparql import star_order
from .settings import DEFAULT_BASE_IRI
from .sources import graph_iri_for_file, rdf_format
from .syntax import syntax_error

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]

#: Up to this many subjects, :meth:`Store.triples_by_subject` gives them sorted (a few MB to sort).
SORTED_SUBJECTS = 100_000


# --- results -------------------------------------------------------------------

@dataclass
class SelectResult:
    """Rows of a SELECT. ``rows`` are tuples aligned with ``variables``; unbound is ``None``."""

    variables: list[str]
    rows: list[tuple[Term | None, ...]]
    truncated: bool = False

    def dicts(self) -> list[dict[str, Term]]:
        """Rows as ``{variable: term}``, unbound variables left out."""
        return [{v: t for v, t in zip(self.variables, r) if t is not None} for r in self.rows]


@dataclass
class AskResult:
    """The answer of an ASK query."""

    value: bool


@dataclass
class GraphResult:
    """Triples of a CONSTRUCT or DESCRIBE."""

    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False


QueryResult = Union[SelectResult, AskResult, GraphResult]


class Store:
    """The interface. Implementations: :class:`EmbeddedStore`, ``graph.remote.RemoteStore``."""

    #: Increases with every write made through this object (update, load, graph replacement), so
    #: answers about the whole store can be kept until the next write (:mod:`graph.memo`).
    version: int = 0

    #: Can :meth:`quads` stream a store of any size in bounded memory (N-Quads, TriG)? The embedded
    #: store reads its index; a remote store reads one named graph at a time. Where it cannot,
    #: :mod:`graph.export` caps what the web downloads offer.
    streams_quads: bool = False
    #: Can :meth:`triples_by_subject` (N-Triples, Turtle: the graphs merged)? The embedded store
    #: reads one subject at a time from its index; a remote store would hold every triple to merge.
    streams_triples: bool = False

    def _changed(self) -> None:
        self.version += 1

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        """Run a SPARQL query. ``substitutions`` binds variables safely (never by pasting text).

        ``default_graph``/``named_graphs`` restrict the dataset to graphs of this
        store (the protocol's default-graph-uri / named-graph-uri). ``max_rows``
        stops reading after that many rows and sets ``truncated``.
        """
        raise NotImplementedError

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update. Callers check authorization first."""
        raise NotImplementedError

    def load_data(self, data: bytes | str | IO, *, format: str | ox.RdfFormat, graph: str | None = None,
                  source: str = "<data>") -> None:
        """Parse and add RDF. Default-graph triples go to ``graph``. All or nothing."""
        raise NotImplementedError

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        """Replace one named graph's content atomically."""
        raise NotImplementedError

    def graphs(self) -> list[str]:
        """The named graphs' IRIs, sorted."""
        raise NotImplementedError

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Every quad (of one graph if given)."""
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def pairs(self, *predicates: str) -> Iterator[tuple[Term, Term]]:
        """Every (subject, object) stated with any of ``predicates``, in any graph (repeats possible).

        For whole-store indexes (:mod:`graph.search`): the embedded store streams
        them from its index and a remote store reads them one named graph at a
        time, so 1.75M labels never sit in memory as one result.
        """
        values = " ".join(str(ox.NamedNode(p)) for p in predicates)
        return iter(self.query(f"SELECT ?s ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}").rows)

    def triples_by_subject(self, graphs: Sequence[str] | None = None) -> Iterator[list[ox.Triple]]:
        """The union of the graphs' triples (all graphs if none given), each once, one list per subject.

        Why: a triple format (Turtle, N-Triples) merges the graphs, and a
        national store cannot hold every triple in memory to merge them. The
        embedded store reads one subject at a time from its index; this
        default holds them all (a remote store's export is its server's job).
        Subjects come in the order of their N-Triples form (the embedded store
        sorts up to :data:`SORTED_SUBJECTS` of them, and streams more unsorted).
        """
        by_subject: dict[Term, dict[ox.Triple, None]] = {}
        for g in graphs or [None]:
            for q in self.quads(g):
                by_subject.setdefault(q.subject, {})[q.triple] = None
        for s in sorted(by_subject, key=str):
            yield list(by_subject[s])

    def close(self) -> None:
        pass

    # shared helpers --------------------------------------------------------
    def load_file(self, path: str | Path, *, graph: str | None = None, base_iri: str = DEFAULT_BASE_IRI) -> None:
        """Load one RDF file; default-graph triples go to :func:`graph_iri_for_file`.

        Errors name the file, line and column (:class:`~graph.errors.ParseError`);
        a file that fails adds nothing.
        """
        path = Path(path)
        fmt = rdf_format(path)
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise NotFound(f"{path}: cannot read: {exc.strerror}") from None
        self.load_data(data, format=fmt, graph=graph or graph_iri_for_file(path, base_iri), source=str(path))


def _iri_rewriter(base_iri: str):
    """Map the default base IRI onto ``base_iri`` in every term of a quad."""
    if base_iri == DEFAULT_BASE_IRI:
        return None

    def term(t):
        if isinstance(t, ox.NamedNode) and t.value.startswith(DEFAULT_BASE_IRI):
            return ox.NamedNode(base_iri + t.value[len(DEFAULT_BASE_IRI):])
        return t

    def quad(q: ox.Quad) -> ox.Quad:
        return ox.Quad(term(q.subject), term(q.predicate), term(q.object), term(q.graph_name))

    return quad


class EmbeddedStore(Store):
    """pyoxigraph in this process: in memory, or on disk when ``path`` is given."""

    streams_quads = streams_triples = True

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False,
                 base_iri: str = DEFAULT_BASE_IRI):
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"{path}: cannot open store: {exc}") from None
        self.path = path
        self.base_iri = base_iri
        self._rewrite = _iri_rewriter(base_iri)

    @property
    def raw(self) -> ox.Store:
        """The underlying pyoxigraph store (for benchmarks and the worker processes)."""
        return self._store

    def query(self, sparql, *, substitutions=None, default_graph=None, named_graphs=None, max_rows=None):
        kwargs: dict = {}
        if default_graph or named_graphs:
            # A dataset given in part is given whole (SPARQL 1.1 Query §13.2, Protocol §2.1.4):
            # named graphs alone leave the default graph empty, default graphs alone leave
            # no named graphs (pyoxigraph reads [] so; None would mean the union, or all).
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph or ()]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or ()]
        else:
            kwargs["use_default_graph_as_union"] = True
        if substitutions:
            kwargs["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        try:
            res = self._store.query(sparql, **kwargs)
        except SyntaxError as exc:  # pyoxigraph's words follow ours (graph.syntax)
            raise syntax_error(sparql, str(exc)) from None
        except OSError as exc:
            raise StoreError(f"query failed: {exc}") from None
        except RuntimeError as exc:
            # pyoxigraph substitutes only projected variables and says so with a RuntimeError.
            if substitutions and "does not contains variable" in str(exc):
                raise ParameterError(f"cannot bind {', '.join('?' + k for k in substitutions)}: the query must "
                                     "SELECT every variable it binds") from None
            raise StoreError("query failed inside the store") from None
        if isinstance(res, ox.QueryBoolean):
            return AskResult(bool(res))
        if isinstance(res, ox.QuerySolutions):
            variables = [v.value for v in res.variables]
            variables = star_order(sparql, variables) or variables  # SELECT *: the query's order
            rows, truncated = [], False
            for sol in res:
                if max_rows is not None and len(rows) >= max_rows:
                    truncated = True
                    break
                rows.append(tuple(sol[v] for v in variables))
            return SelectResult(variables, rows, truncated)
        triples, truncated = [], False
        for t in res:
            if max_rows is not None and len(triples) >= max_rows:
                truncated = True
                break
            triples.append(t)
        return GraphResult(triples, truncated)

    def update(self, sparql):
        try:
            self._store.update(sparql)
        except SyntaxError as exc:
            raise syntax_error(sparql, str(exc), update=True) from None
        except OSError as exc:
            raise StoreError(f"update failed: {exc}") from None
        except RuntimeError as exc:
            # pyoxigraph's evaluation errors: "The graph <g> does not exist" (DROP, CLEAR,
            # MOVE of a missing graph without SILENT), "already exists" (CREATE). The
            # request's fault, and nothing was written (updates are transactions).
            raise QueryError(f"the update was not applied: {exc}", title="Update failed") from None
        finally:
            self._changed()  # also after a failure: never keep an answer that may be stale

    def load_data(self, data, *, format, graph=None, source="<data>"):
        self._changed()
        fmt = format if isinstance(format, ox.RdfFormat) else rdf_format(format)
        data = as_bytes(data)
        if self._rewrite is None:
            # Fast path: pyoxigraph parses and inserts in Rust, in one transaction
            # (all or nothing), renaming blank nodes apart.
            check_safe(data, fmt, source)
            try:
                self._store.load(data, format=fmt, to_graph=ox.NamedNode(graph) if graph else None)
            except (SyntaxError, ValueError, RecursionError) as exc:
                raise parse_error(exc, source) from None
            except OSError as exc:
                raise StoreError(f"{source}: cannot load: {exc}") from None
            return
        quads = parse_quads(data, fmt, source)  # parse fully first: nothing half-loaded
        out = []
        for q in quads:
            if isinstance(q.graph_name, ox.DefaultGraph) and graph is not None:
                q = ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph))
            out.append(self._rewrite(q))
        self._store.extend(out)

    def replace_graph(self, graph, quads):
        g = ox.NamedNode(graph)
        body = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads),
                            format=ox.RdfFormat.N_TRIPLES).decode()
        # One update request is one transaction in pyoxigraph; remove_graph + extend would not be.
        self.update(f"DROP SILENT GRAPH {g} ; INSERT DATA {{ GRAPH {g} {{ {body} }} }}")

    def graphs(self):
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def quads(self, graph=None):
        g = ox.NamedNode(graph) if graph else None
        return iter(self._store.quads_for_pattern(None, None, None, g))

    def __len__(self):
        return len(self._store)

    def pairs(self, *predicates):
        return ((q.subject, q.object) for p in predicates
                for q in self._store.quads_for_pattern(None, ox.NamedNode(p), None))

    def triples_by_subject(self, graphs=None):
        # The engine lists the distinct subjects (on the whole country 0.9M of them: 17 s and 200 MB
        # there; sorting them in SPARQL took over 12 minutes and 1.4 GB, since every comparison reads
        # two IRIs from disk), and each subject's triples are read from the index in its turn.
        # Up to SORTED_SUBJECTS subjects are sorted here, so a small store's export diffs cleanly.
        if graphs:
            values = " ".join(str(ox.NamedNode(g)) for g in graphs)
            text = f"SELECT DISTINCT ?s WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            wanted = {ox.NamedNode(g) for g in graphs}
        else:
            text, wanted = "SELECT DISTINCT ?s WHERE { ?s ?p ?o }", None
        subjects = (s for (s,) in self._store.query(text, use_default_graph_as_union=True))
        first = list(islice(subjects, SORTED_SUBJECTS + 1))
        if len(first) <= SORTED_SUBJECTS:
            first.sort(key=str)
        for s in chain(first, subjects):
            quads = self._store.quads_for_pattern(s, None, None, None)
            yield list(dict.fromkeys(q.triple for q in quads if wanted is None or q.graph_name in wanted))

    def is_empty(self) -> bool:
        """True when the store holds no quad: looks at one quad, where ``len`` counts them all
        (2 s on the 6.7M-quad national store, which must reopen in under 2 s)."""
        return next(iter(self._store.quads_for_pattern(None, None, None, None)), None) is None

    def flush(self) -> None:
        """Write an on-disk store's buffers to disk (no-op in memory)."""
        if self.path is not None:
            self._store.flush()

    def bulk_load_file(self, path: str | Path, *, graph: str) -> None:
        """Stream a big file into the store (not transactional: a syntax error leaves a partial load).

        Only :func:`graph.loading.load_default` uses it, for files whose format needs no
        safety pre-check (see :mod:`graph.rdfio`).
        """
        self._changed()
        fmt = rdf_format(path)
        if _file_contains(Path(path), b"<<"):
            # Quoted triples need the nesting check of graph.rdfio: take the checked path.
            self.load_file(path, graph=graph)
            return
        try:
            self._store.bulk_load(path=str(path), format=fmt, to_graph=ox.NamedNode(graph))
        except (SyntaxError, ValueError) as exc:
            raise parse_error(exc, str(path)) from None
        except OSError as exc:
            raise StoreError(f"{path}: cannot load: {exc}") from None


def _file_contains(path: Path, needle: bytes, chunk: int = 1 << 24) -> bool:
    """Does the file contain ``needle``? Read in chunks, so a big file is never held whole."""
    tail = b""
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            if needle in tail + block[: len(needle) - 1] or needle in block:
                return True
            tail = block[-(len(needle) - 1):]
    return False
