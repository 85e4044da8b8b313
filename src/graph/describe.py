"""What the graph says about one resource: the data behind a Linked Data page.

``describe(store, iri, lang)`` gathers, through the :class:`~graph.store.Store`
interface only (so it works on the embedded store and on an external
server alike):

* the resource's labels, picked in the chosen language with fallback
  (:mod:`graph.labels`);
* its types;
* every outgoing statement, grouped by property, with labels of the property
  and the values;
* every incoming statement (inverse relations), grouped the same way;
* the provenance of each statement: the named graph it lives in and, when that
  graph is a ``pg:Assertion``, its ``pg:source`` (section or figure, with its
  notation such as ``2-2`` or ``図表4``) and ``pg:quote``;
* those sources once each, in document order (:attr:`EntityView.source_groups`):
  a reader follows the page as they follow the plan, whatever the language.

An IRI the store does not mention at all comes back with ``exists=False``;
the web layer turns that into a 404. The SPARQL lives in
``queries/_describe_*.rq`` (internal queries, hidden from the named-query list).

>>> from graph.store import EmbeddedStore
>>> s = EmbeddedStore()
>>> s.load_data('<https://ex.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "計画"@ja .', format="nt",
...             graph="https://ex.org/g")
>>> v = describe(s, "https://ex.org/a", "en")
>>> v.exists, v.label
(True, '計画')
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import NotFound
from .labels import LABEL_PROPERTIES, LabelBook, fetch_labels, internal_query, notation_key, rows_for_iris, short_iri
from .results import serialize_result
from .store import GraphResult, Store
from .vocab import PREFIXES, RDF

RDF_TYPE = RDF + "type"


@dataclass
class Source:
    """Where a statement comes from: its named graph, and the section/figure and quote if any."""

    graph: str
    section: str | None = None
    section_label: str | None = None
    notation: str | None = None
    quote: str | None = None


@dataclass
class SourceGroup:
    """One section or figure and the sentences quoted from it, for the page's list of sources."""

    section: str | None
    section_label: str | None = None
    notation: str | None = None
    quotes: list[str] = field(default_factory=list)


@dataclass
class Value:
    """One value of a property: an IRI (with its label), a blank node, or a literal."""

    kind: str                      # "iri", "bnode" or "literal"
    value: str                     # the IRI, the blank node id, or the literal's text
    label: str | None = None       # for IRIs: the label in the chosen language (or a short form)
    language: str | None = None
    datatype: str | None = None
    datatype_label: str | None = None  # for literals: the datatype's label in the chosen language
    sources: list[Source] = field(default_factory=list)


@dataclass
class PropertyGroup:
    """All values of one property (outgoing), or all subjects pointing here by it (incoming)."""

    property: str
    label: str
    values: list[Value] = field(default_factory=list)


@dataclass
class EntityView:
    """The page data of one resource. ``exists`` is False when the store never mentions it."""

    iri: str
    lang: str
    exists: bool
    label: str
    labels: list[tuple[str, str]] = field(default_factory=list)
    types: list[Value] = field(default_factory=list)
    properties: list[PropertyGroup] = field(default_factory=list)
    inverse: list[PropertyGroup] = field(default_factory=list)
    is_graph: bool = False
    statements: list[tuple[Value, Value, Value]] = field(default_factory=list)  # when it names a graph
    statements_truncated: bool = False
    inverse_truncated: bool = False
    source_groups: list[SourceGroup] = field(default_factory=list)

    @property
    def sources(self) -> list[Source]:
        """The distinct sources (section or figure, quote) of the statements about this resource,
        in document order (the order of :attr:`source_groups`)."""
        seen: dict[tuple, Source] = {}  # two assertion graphs may cite the same sentence
        for value in self.types + [v for grp in self.properties for v in grp.values]:
            for s in value.sources:
                if s.section or s.quote:
                    seen.setdefault((s.section, s.quote), s)
        order = {g.section: i for i, g in enumerate(self.source_groups)}
        return sorted(seen.values(), key=lambda s: (order.get(s.section, len(order)), _graph_key(s.graph)))


def _graph_key(graph: str) -> tuple:
    """Quotes of one section, in a fixed order: by their assertion graph's name, numbers counted
    (the Saitama data names assertions by paragraph, ``s1-p2-…`` before ``s1-p10-…``)."""
    return notation_key(graph), graph


def _document_order(store: Store, sections: set[str]) -> dict[str, tuple]:
    """A sort key per section or figure: the numbers of the chapters and sections above it, from
    the document down (``第1章`` › ``2節`` › ``2-2`` › ``(1)``), so sources list as the document
    reads; a section outside any chapter hangs on its ``pg:sourceDocument``. Language-free: the
    Japanese and English pages list them alike. One query for all of them."""
    parent: dict[str, str] = {}
    notation: dict[str, str] = {}
    for _s, node, up, document, nota in rows_for_iris(store, internal_query("source-outline"), sections):
        up = up if up is not None else document
        if up is not None and up.value != node.value:
            parent[node.value] = min(parent.get(node.value, up.value), up.value)
        if nota is not None:
            notation[node.value] = min(notation.get(node.value, nota.value), nota.value)

    def key(section: str) -> tuple:
        chain, node = [], section
        while node is not None and node not in chain:  # a cycle would be a data error; stop on it
            chain.append(node)
            node = parent.get(node)
        return tuple((notation_key(notation.get(n)), n) for n in reversed(chain))

    return {s: key(s) for s in sections}


def _source_groups(store: Store, values: list[Value]) -> list[SourceGroup]:
    """The sources of ``values`` grouped by section or figure, in document order; each sentence
    once (two assertion graphs may quote the same one)."""
    groups: dict[str | None, SourceGroup] = {}
    quoted: dict[str | None, dict[str, tuple]] = {}
    for value in values:
        for s in value.sources:
            if not (s.section or s.quote):
                continue
            groups.setdefault(s.section, SourceGroup(s.section, s.section_label, s.notation))
            if s.quote:
                k = _graph_key(s.graph)
                quoted.setdefault(s.section, {})
                quoted[s.section][s.quote] = min(quoted[s.section].get(s.quote, k), k)
    order = _document_order(store, {s for s in groups if s})
    out = sorted(groups.values(), key=lambda g: (g.section is None, order.get(g.section, ()), g.section or ""))
    for g in out:
        g.quotes = sorted(quoted.get(g.section, {}), key=lambda q: (quoted[g.section][q], q))
    return out


def _value(term, book: LabelBook, lang: str) -> Value:
    if isinstance(term, ox.NamedNode):
        return Value("iri", term.value, label=book.display(term.value, lang))
    if isinstance(term, ox.BlankNode):
        return Value("bnode", term.value, label="_:" + term.value)
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else None
        return Value("literal", term.value, language=term.language or None, datatype=dt,
                     datatype_label=book.display(dt, lang) if dt else None)
    return Value("literal", str(term))


def _source(g, src, quote, book: LabelBook, lang: str) -> Source:
    s = Source(graph=g.value if g is not None else "")
    if isinstance(src, ox.NamedNode):
        s.section = src.value
        s.section_label = book.display(src.value, lang)
        s.notation = book.notations.get(src.value)
    if isinstance(quote, ox.Literal):
        s.quote = quote.value
    return s


def _group(rows, book: LabelBook, lang: str) -> list[PropertyGroup]:
    """Rows of (property, value term, graph, source, quote) → groups with merged provenance."""
    groups: dict[str, PropertyGroup] = {}
    values: dict[tuple[str, object], Value] = {}
    for p, term, g, src, quote in rows:
        group = groups.get(p.value)
        if group is None:
            group = groups[p.value] = PropertyGroup(p.value, book.display(p.value, lang))
        key = (p.value, term)
        value = values.get(key)
        if value is None:
            value = values[key] = _value(term, book, lang)
            group.values.append(value)
        source = _source(g, src, quote, book, lang)
        if source not in value.sources:
            value.sources.append(source)
    order = {prop: i for i, prop in enumerate(LABEL_PROPERTIES)}
    out = sorted(groups.values(), key=lambda grp: (order.get(grp.property, len(order)), grp.label))
    for grp in out:
        grp.values.sort(key=lambda v: (v.kind != "iri", (v.label or v.value)))
    return out


def not_an_iri(iri: str) -> NotFound:
    """What a page says of an address that cannot name anything (spaces, ``<``, no scheme…)."""
    shown = iri if len(iri) <= 120 else iri[:117] + "…"
    return NotFound(f"{shown!r} is not an IRI, so the dataset cannot hold anything by that name",
                    message_ja=f"「{shown}」は IRI ではないため、データセットにはありません。")


def describe(store: Store, iri: str, lang: str = "ja", *, max_statements: int = 500,
             max_incoming: int = 5000) -> EntityView:
    """Everything the store says about ``iri`` and points at it, with provenance, for a page.

    Labels come out in ``lang`` with fallback (ja → en → untagged → any).
    When ``iri`` names a graph (a ``pg:Assertion``), its first
    ``max_statements`` statements come too: what that source sentence says.
    A hub (a class with thousands of instances) keeps its first
    ``max_incoming`` incoming statements and says so (``inverse_truncated``).
    Raises :class:`~graph.errors.NotFound` for a string that is not an IRI.
    """
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        raise not_an_iri(iri) from None
    out_rows = store.query(internal_query("describe_out"), substitutions={"s": node}).rows
    incoming = store.query(internal_query("describe_in"), substitutions={"o": node}, max_rows=max_incoming)
    in_rows = incoming.rows
    is_graph = bool(store.query(internal_query("is_graph"), substitutions={"g": node}).value)
    graph_rows = []
    truncated = False
    if is_graph:
        result = store.query(internal_query("graph_triples"), substitutions={"g": node}, max_rows=max_statements)
        graph_rows, truncated = [row[1:] for row in result.rows], result.truncated

    mentioned = {iri}
    for row in list(out_rows) + list(in_rows) + graph_rows:
        for term in row:
            if isinstance(term, ox.NamedNode):
                mentioned.add(term.value)
            elif isinstance(term, ox.Literal) and term.datatype is not None:
                mentioned.add(term.datatype.value)  # shown as a tag: 日付, 年月 …
    book = fetch_labels(store, mentioned)

    out = _group(((p, o, g, src, q) for _s, p, o, g, src, q in out_rows), book, lang)
    types: list[Value] = []
    properties = []
    for grp in out:
        if grp.property == RDF_TYPE:
            types = grp.values
        else:
            properties.append(grp)
    inverse = _group(((p, x, g, src, q) for _o, x, p, g, src, q in in_rows), book, lang)
    source_groups = _source_groups(store, types + [v for grp in properties for v in grp.values])
    order = {g.section: i for i, g in enumerate(source_groups)}
    for grp in out + inverse:
        for v in grp.values:
            v.sources.sort(key=lambda s: (order.get(s.section, len(order)), _graph_key(s.graph)))
    return EntityView(
        iri=iri, lang=lang,
        exists=bool(out_rows or in_rows or is_graph),
        label=book.label(iri, lang) or short_iri(iri),
        labels=book.all_labels(iri),
        types=types, properties=properties, inverse=inverse, is_graph=is_graph,
        statements=[tuple(_value(term, book, lang) for term in row) for row in graph_rows],
        statements_truncated=truncated, inverse_truncated=incoming.truncated, source_groups=source_groups,
    )


#: Quad formats of a description: the statements keep their named graphs (provenance).
QUAD_FORMATS: dict[str, ox.RdfFormat] = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS}


def describe_rdf(store: Store, iri: str, format: str) -> bytes:
    """The resource's description as RDF: its outgoing and incoming triples.

    ``format`` is a graph format name of :data:`graph.results.RESULT_FORMATS`
    (``turtle``, ``ntriples``, ``jsonld``, ``rdfxml``), or a quad format of
    :data:`QUAD_FORMATS` (``trig``, ``nquads``): then every statement stays in
    its named graph and the description of those graphs (``pg:source``,
    ``pg:quote``) comes along, so a client sees where each statement comes from.
    An IRI that only names a graph (a data file's graph, which no triple
    describes) answers with the statements that graph holds, as its HTML page
    lists them. Raises :class:`~graph.errors.NotFound` when the store has
    neither a triple about it nor a graph of that name.
    """
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        raise not_an_iri(iri) from None
    if format in QUAD_FORMATS:
        rows = store.query(internal_query("describe_quads"), substitutions={"x": node}).rows
        quads = [ox.Quad(s, p, o, g) for _x, s, p, o, g in rows] or _graph_statements(store, node)
        return ox.serialize(quads, format=QUAD_FORMATS[format], prefixes=PREFIXES)
    result = store.query(internal_query("describe_rdf"), substitutions={"s": node})
    if not result.triples:
        result = GraphResult([q.triple for q in _graph_statements(store, node)])
    return serialize_result(result, format)


def _graph_statements(store: Store, node: ox.NamedNode) -> list[ox.Quad]:
    """The statements of the named graph ``node``; NotFound when there is no such graph either."""
    rows = store.query(internal_query("graph_triples"), substitutions={"g": node}).rows
    if not rows:
        raise NotFound(f"no description of <{node.value}> in this dataset")
    return [ox.Quad(s, p, o, g) for g, s, p, o in rows]
