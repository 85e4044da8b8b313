"""What a public query may do: inspect the parsed query before it runs.

The endpoint is public and pyoxigraph does what a query says: ``SERVICE``
and ``LOAD`` make it open HTTP connections from Rust code (measured: a
``SERVICE <http://127.0.0.1:…>`` reaches a listener), which the Python-level
:mod:`graph.netguard` cannot see. So every query is checked here first, on
its parse tree, never by a regular expression (a regex is fooled by
comments, strings, escapes and prefixed names):

* the text is parsed with rdflib's SPARQL 1.1 grammar
  (:mod:`rdflib.plugins.sparql.parser`); what it cannot parse is refused
  — a query we cannot inspect does not run — saying what is wrong and where
  (:func:`graph.syntax.syntax_error`), with the parser's own message after it;
* an update (``INSERT``, ``LOAD``, ``DROP`` …) sent as a query is refused;
* any ``SERVICE`` anywhere (nested in ``EXISTS``, ``OPTIONAL``, sub-selects) is refused;
* ``FROM`` / ``FROM NAMED`` must name graphs of this store (prefixed names and
  ``BASE`` are resolved first, so ``FROM <file:///etc/passwd>`` is caught however written).

For updates (only with the write token) ``LOAD`` and ``SERVICE`` are refused too:
the token holder may change the data, not make the server fetch URLs. So is an
operation on the default graph, which is always empty here (see :func:`inspect_update`).

Uploads are checked by :mod:`graph.rdfio` (no DOCTYPE, no deep JSON).

The query worker (:mod:`graph.executor`) calls :func:`inspect_query` inside
its killable process, so even a pathological parse is bounded by the deadline;
the web layer caps the query length first. The check is two halves:
:func:`analyse` (the parse: cached by text, and kept by the app for workers
forked later) and :func:`check_dataset` (the FROM graphs: on every query).

>>> inspect_query("ASK {}", graphs=[]).kind
'ask'
>>> inspect_query("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", graphs=[])
Traceback (most recent call last):
...
graph.errors.QueryForbidden: SERVICE is not allowed: queries here cannot reach other servers / SERVICE は使えません。ここでのクエリは他のサーバーに問い合わせられません。
"""

from __future__ import annotations

from functools import lru_cache

from dataclasses import dataclass
from typing import Any, Callable, Collection, Iterator, Union

from .errors import QueryForbidden, QuerySyntaxError
from .syntax import syntax_error, tokens_or_none

GraphSource = Union[Collection[str], Callable[[], Collection[str]]]

_QUERY_KINDS = {"SelectQuery": "select", "AskQuery": "ask", "ConstructQuery": "construct",
                "DescribeQuery": "describe"}


@dataclass(frozen=True)
class QueryInfo:
    """What inspection learned: the query form and the graphs its dataset clause names."""

    kind: str
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()


def _parser():
    # Imported on first use: pyparsing's grammar costs ~0.2 s to build; the
    # query workers import it once before they fork.
    from rdflib.plugins.sparql import parser  # noqa: PLC0415

    return parser


def warm_up() -> None:
    """Build the SPARQL grammar now (worker start), not during the first query's deadline."""
    _parser().parseQuery("ASK {}")


def _refused(exc: Exception, sparql: str, *, update: bool = False) -> QuerySyntaxError:
    """The error for a text rdflib's parser refused: what is wrong and where, then pyparsing's words."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    line, column = getattr(exc, "lineno", None), getattr(exc, "col", None)
    return syntax_error(sparql, text, line=line, column=column, update=update)


def _walk(node: Any, *, skip: frozenset[str] = frozenset()) -> Iterator[Any]:
    """Every node of an rdflib parse tree (CompValue is a dict; ParseResults a list), except
    the nodes named in ``skip`` and everything under them."""
    stack = [node]
    while stack:
        n = stack.pop()
        if skip and _name(n) in skip:
            continue
        yield n
        if isinstance(n, dict):
            stack.extend(n.values())
        elif isinstance(n, (list, tuple)) or type(n).__name__ == "ParseResults":
            stack.extend(list(n))


def _name(node: Any) -> str | None:
    return getattr(node, "name", None) if isinstance(node, dict) else None


def _field(node: Any, key: str) -> Any:
    # Not CompValue.get: it returns the key itself when the field is missing.
    return dict.get(node, key) if isinstance(node, dict) else None


def _refuse_remote(tree: Any) -> None:
    for n in _walk(tree):
        name = _name(n)
        if name == "ServiceGraphPattern":
            raise QueryForbidden("SERVICE is not allowed: queries here cannot reach other servers",
                                 message_ja="SERVICE は使えません。ここでのクエリは他のサーバーに問い合わせられません。")
        if name == "Load":
            raise QueryForbidden("LOAD is not allowed: PlanGraph does not fetch data from URLs",
                                 message_ja="LOAD は使えません。PlanGraph は URL からデータを取りに行きません。")


#: What the parse of one query text derives: its kind, and its dataset clauses as
#: (is FROM NAMED, absolute IRI) pairs. Plain tuples of text, so the app can keep
#: the analyses its workers made and send them along with the next job of the
#: same text (:mod:`graph.executor`): a freshly forked worker then skips the parse.
Analysis = tuple[str, tuple[tuple[bool, str], ...]]


def inspect_query(sparql: str, *, graphs: GraphSource) -> QueryInfo:
    """Parse a read query and refuse anything that could reach the network or the disk.

    ``graphs`` is the store's named graphs (or a function returning them,
    called only when the query has a dataset clause). Raises
    :class:`QuerySyntaxError` with the parser's message, or
    :class:`QueryForbidden` naming what is not allowed.

    >>> inspect_query("SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }", graphs=["https://ex.org/g"])
    Traceback (most recent call last):
    ...
    graph.errors.QueryForbidden: FROM <file:///etc/passwd>: not a graph of this store (FROM and FROM NAMED may only name the store's own graphs) / FROM <file:///etc/passwd> はこのストアのグラフではありません（FROM と FROM NAMED に書けるのはこのストアの名前付きグラフだけです）。
    """
    return check_dataset(analyse(sparql), graphs=graphs)


def check_dataset(analysis: Analysis, *, graphs: GraphSource) -> QueryInfo:
    """The second half of :func:`inspect_query`: FROM / FROM NAMED must name graphs of this store.

    Done on every query, never cached: the store's graphs change with writes.
    ``analysis`` is what :func:`analyse` returned for the query's text.

    >>> check_dataset(("select", ((False, "https://ex.org/g"),)), graphs=["https://ex.org/g"]).from_graphs
    ('https://ex.org/g',)
    """
    kind, dataset = analysis
    if not dataset:
        return QueryInfo(kind)
    known = set(graphs() if callable(graphs) else graphs)
    defaults, named = [], []
    for is_named, iri in dataset:
        if iri not in known:
            word = "FROM NAMED" if is_named else "FROM"
            raise QueryForbidden(f"{word} <{iri}>: not a graph of this store "
                                 "(FROM and FROM NAMED may only name the store's own graphs)",
                                 message_ja=f"{word} <{iri}> はこのストアのグラフではありません"
                                            "（FROM と FROM NAMED に書けるのはこのストアの名前付きグラフだけです）。")
        (named if is_named else defaults).append(iri)
    return QueryInfo(kind, tuple(defaults), tuple(named))


@lru_cache(maxsize=512)
def analyse(sparql: str) -> Analysis:
    """The query's kind and dataset clauses, or the reason it is refused (the parse half of the check).

    Cached by query text: rdflib's parser takes 60–260 ms on a named query,
    which would otherwise be most of an endpoint request's time. Only
    accepted queries are cached (a refusal is an exception, never stored).

    >>> analyse("PREFIX ex: <https://ex.org/> ASK FROM NAMED ex:g {}")
    ('ask', ((True, 'https://ex.org/g'),))
    """
    parser = _parser()
    try:
        tree = parser.parseQuery(sparql)
    except Exception as exc:  # noqa: BLE001 — pyparsing raises several types; the message is the parser's
        if tokens_or_none(sparql) and _is_update(parser, sparql):  # an empty text parses as an update
            raise QueryForbidden("this is a SPARQL Update (it changes data); queries here are read-only: "
                                 "updates go to /sparql/update with the write token",
                                 message_ja="これはデータを変更する SPARQL Update です。ここでは読み取りのクエリだけを"
                                            "実行できます（更新は書き込みトークンを付けて /sparql/update へ送ります）。"
                                 ) from None
        raise _refused(exc, sparql) from None
    prologue, query = tree[0], tree[1]
    kind = _QUERY_KINDS.get(_name(query) or "", "select")
    _refuse_remote(query)
    dataset = _field(query, "datasetClause") or []
    if not dataset:
        return kind, ()
    resolve = _resolver(prologue, sparql)
    out = []
    for clause in dataset:
        is_named = _field(clause, "named") is not None
        out.append((is_named, resolve(_field(clause, "named") if is_named else _field(clause, "default"))))
    return kind, tuple(out)


def inspect_update(sparql: str) -> None:
    """Parse an update (token holders only); refuse ``LOAD``, ``SERVICE`` and the default graph.

    The default graph is refused because here it is always empty: every triple
    lives in a named graph (one per source), and the default graph that queries
    see is the union of the named graphs, which pyoxigraph offers to queries
    only. An update that wrote there would hide triples in no named graph; one
    that read or deleted there would match nothing and answer 204 as if it had
    worked. So each such operation is refused with the way to write it instead.

    >>> inspect_update("INSERT DATA { GRAPH <https://ex.org/g> { <https://ex.org/a> <https://ex.org/p> 1 } }")
    >>> inspect_update("LOAD <http://127.0.0.1:9/x.ttl>")
    Traceback (most recent call last):
    ...
    graph.errors.QueryForbidden: LOAD is not allowed: PlanGraph does not fetch data from URLs / LOAD は使えません。PlanGraph は URL からデータを取りに行きません。
    """
    try:
        tree = _parser().parseUpdate(sparql)
    except Exception as exc:  # noqa: BLE001 — see inspect_query
        raise _refused(exc, sparql, update=True) from None
    _refuse_remote(tree)
    for number, op in enumerate(_field(tree, "request") or [], start=1):
        _refuse_default_graph(op, number)


#: How to address the data instead of the (empty) default graph.
_NAME_A_GRAPH = ("every triple of this store lives in a named graph and the default graph is empty: "
                 "name the graph (GRAPH <g> { … } or GRAPH ?g { … }), or give WITH <g> or USING <g>")


def _refuse_default_graph(op: Any, number: int) -> None:
    """Refuse operation ``number`` of an update if it writes, deletes or reads in the default graph."""
    name = _name(op)
    where = f"operation {number} ({_UPDATE_NAMES.get(name, name)})"
    if name in ("Add", "Move", "Copy") and "DEFAULT" in [str(g).upper() for g in _field(op, "graph") or []]:
        raise QueryForbidden(f"{where} names DEFAULT: {_NAME_A_GRAPH}")
    if name in ("InsertData", "DeleteData", "DeleteWhere"):
        if _field(_field(op, "quads"), "triples"):
            verb = "writes" if name == "InsertData" else "deletes"
            raise QueryForbidden(f"{where} {verb} triples outside GRAPH: {_NAME_A_GRAPH}")
    if name != "Modify" or _field(op, "withClause") is not None:
        return
    for clause, verb in (("delete", "deletes"), ("insert", "writes")):
        if _field(_field(_field(op, clause), "quads"), "triples"):
            raise QueryForbidden(f"{where} {verb} triples outside GRAPH: {_NAME_A_GRAPH}")
    using_default = any(_field(u, "default") is not None for u in _field(op, "using") or [])
    if not using_default and _reads_default_graph(_field(op, "where")):
        raise QueryForbidden(f"{where} matches a pattern outside GRAPH in WHERE, which would match "
                             f"nothing: {_NAME_A_GRAPH}")


_UPDATE_NAMES = {"InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE",
                 "Modify": "DELETE/INSERT … WHERE", "Add": "ADD", "Move": "MOVE", "Copy": "COPY"}


def _reads_default_graph(pattern: Any) -> bool:
    """Whether a WHERE pattern has a triple pattern outside every ``GRAPH`` (sub-selects and EXISTS too)."""
    return any(_name(n) == "TriplesBlock" and _field(n, "triples")
               for n in _walk(pattern, skip=frozenset({"GraphGraphPattern"})))


def _is_update(parser, sparql: str) -> bool:
    try:
        parser.parseUpdate(sparql)
    except Exception:  # noqa: BLE001 — only asking "does it parse as an update?"
        return False
    return True


def _resolver(prologue: Any, sparql: str) -> Callable[[Any], str]:
    """Resolve prefixed names and relative IRIs in the dataset clause as the query would."""
    from rdflib.plugins.sparql.algebra import translatePrologue  # noqa: PLC0415

    try:
        pro = translatePrologue(prologue, None)
    except Exception as exc:  # noqa: BLE001 — unknown prefix and friends
        raise _refused(exc, sparql) from None

    def resolve(term: Any) -> str:
        try:
            return str(pro.absolutize(term))
        except Exception as exc:  # noqa: BLE001
            raise _refused(exc, sparql) from None

    return resolve
