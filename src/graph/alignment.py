"""Alignment analysis: which plan elements serve which upper-plan goals, and what is left out.

The graph is read from the store with two internal named queries
(``queries/_alignment-edges.rq`` and ``_alignment-nodes.rq``), so it works on
the embedded store and on an external SPARQL server alike, then analysed with
networkx. Nodes are IRIs with attributes ``kind`` (the pg class's local name:
``BasicPolicy``, ``Goal``, ``SectorPlan``…), ``label_ja``, ``label_en``,
``plan`` (the plan an element belongs to, or the plan stating a goal) and
``notation``. Edges point up the alignment chain and carry ``relation``:

=================  ==============================================================
relation           edge
=================  ==============================================================
``parentElement``  measure → policy → philosophy; project → measure
``supports``       element → upper-plan goal
``goalOf``         goal → the upper plan that states it
``upperPlan``      plan → upper plan
``designatedAs``   plan → statutory plan type
``legalBasis``     plan or plan type → law
``viewpoint``      policy → viewpoint (観点)
``partOfPlan``     root element (one with no parent) → its plan
=================  ==============================================================

What "aligned" means here (the planners' rule "every measure serves a basic
policy, every policy reflects a goal"): an element serves a goal **directly**
when it has a ``supports`` edge to it, and **through inheritance** when one of
its ancestors along ``parentElement`` does — a measure under a policy that
supports a goal serves that goal through the policy. So:

* :func:`coverage` — for each goal, the elements serving it directly or inherited;
* :func:`gaps` — goals that no element serves (inheritance cannot help: if
  nothing supports a goal directly, nothing inherits it);
* :func:`orphans` — elements that serve no goal, neither themselves nor through
  any ancestor (with ``inherited=False``: elements with no ``supports`` of their own);
* :func:`explain` — the chains of edges that make an element serve a goal.

A tiny example (the fixture used by the doctests below):

>>> G = alignment_graph(example_store())
>>> sorted(G.nodes[n]["label_ja"] for n in gaps(G))
['空白の目標']
>>> [G.nodes[n]["label_ja"] for n in orphans(G)]
['孤立した方針']
"""

from __future__ import annotations

from typing import NamedTuple

import networkx as nx

from .labels import notation_key
from .queries import bind, get_query
from .store import SelectResult, Store
from .vocab import PG_NS

#: The classes whose members are aligned (elements of a plan), from top to bottom.
ELEMENT_KINDS: tuple[str, ...] = ("BasicPhilosophy", "BasicPolicy", "Measure", "Project")

#: When a node has several pg classes, the most specific one names its kind.
_KIND_ORDER = ELEMENT_KINDS + (
    "Goal", "Viewpoint", "ComprehensivePlan", "ImplementationPlan", "Strategy", "SectorPlan", "ActionPlan",
    "Guideline", "StatutoryPlanType", "Law", "Plan", "PlanElement",
)

_EXAMPLE = """
@prefix pg: <https://w3id.org/plangraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix : <https://example.org/> .
:plan a pg:SectorPlan ; pg:synthetic true ; rdfs:label "例示計画"@ja ; pg:upperPlan :upper .
:upper a pg:Strategy ; pg:synthetic true ; rdfs:label "上位戦略"@ja .
:goal1 a pg:Goal ; pg:goalOf :upper ; rdfs:label "目標"@ja .
:goal2 a pg:Goal ; pg:goalOf :upper ; rdfs:label "空白の目標"@ja .
:philosophy a pg:BasicPhilosophy ; pg:partOfPlan :plan ; rdfs:label "理念"@ja ; pg:supports :goal1 .
:policy1 a pg:BasicPolicy ; pg:partOfPlan :plan ; pg:parentElement :philosophy ; pg:notation "(1)" ;
    rdfs:label "方針"@ja .
:policy2 a pg:BasicPolicy ; pg:partOfPlan :plan ; pg:notation "(2)" ; rdfs:label "孤立した方針"@ja .
:measure1 a pg:Measure ; pg:partOfPlan :plan ; pg:parentElement :policy1 ; pg:notation "1" ;
    rdfs:label "施策"@ja .
"""


def example_store() -> Store:
    """A tiny synthetic store for the doctests: one plan, two goals, one gap, one orphan."""
    from .store import EmbeddedStore  # noqa: PLC0415

    store = EmbeddedStore()
    store.load_data(_EXAMPLE, format="ttl", graph="https://example.org/graph")
    return store


def _local(iri: str) -> str:
    return iri[len(PG_NS):] if iri.startswith(PG_NS) else iri


def _run(store: Store, name: str, plan: str | None) -> tuple[dict[str, int], list[tuple]]:
    """Rows of an internal query as tuples of plain strings, with the column index of each variable."""
    query = get_query(name)
    params = {} if plan is None else {"plan": plan}
    result = store.query(query.text, substitutions=bind(query, params, base_iri=getattr(store, "base_iri", None)))
    assert isinstance(result, SelectResult)
    # Plain tuples, not dicts: at national scale this loop sees 100k+ rows.
    return ({v: i for i, v in enumerate(result.variables)},
            [tuple(None if t is None else t.value for t in row) for row in result.rows])


def alignment_graph(store: Store, *, plan: str | None = None) -> nx.DiGraph:
    """The directed alignment graph of one plan (``plan``) or of the whole store.

    With ``plan``: its elements and viewpoints, the goals they support, the
    goals of its upper plans (supported or not, so gaps show), those upper
    plans, its plan types and laws, and the plan itself.

    Cost (1M-triple synthetic graph, in memory): one plan about 20 ms; the
    whole store about 9 s (100k nodes) — views of big stores should pass ``plan``.

    >>> G = alignment_graph(example_store(), plan="https://example.org/plan")
    >>> G.nodes["https://example.org/policy1"]["kind"], G.nodes["https://example.org/policy1"]["notation"]
    ('BasicPolicy', '(1)')
    >>> G.edges["https://example.org/philosophy", "https://example.org/goal1"]["relation"]
    'supports'
    """
    G = nx.DiGraph()
    kinds: dict[str, str] = {}
    col, rows = _run(store, "_alignment-nodes", plan)
    attr_cols = [(a, col[v]) for a, v in (("label_ja", "labelJa"), ("label_en", "labelEn"),
                                          ("notation", "notation"), ("plan", "of"))]
    n_i, type_i = col["n"], col["type"]
    for row in rows:
        n = row[n_i]
        if n not in G:
            G.add_node(n, kind=None, label_ja=None, label_en=None, plan=None, notation=None)
        attrs = G.nodes[n]
        kind = _local(row[type_i] or "")
        if kind in _KIND_ORDER and (n not in kinds or _KIND_ORDER.index(kind) < _KIND_ORDER.index(kinds[n])):
            kinds[n] = kind
        for attr, i in attr_cols:
            value = row[i]
            if value is not None and (attrs[attr] is None or value < attrs[attr]):
                attrs[attr] = value  # the smallest value when several: stable across runs
    for n, kind in kinds.items():
        G.nodes[n]["kind"] = kind
    col, rows = _run(store, "_alignment-edges", plan)
    s_i, o_i, r_i = col["s"], col["o"], col["relation"]
    for row in rows:
        s, o = row[s_i], row[o_i]
        for n in (s, o):
            if n not in G:  # a node with no pg class: keep it, unnamed
                G.add_node(n, kind=None, label_ja=None, label_en=None, plan=None, notation=None)
        G.add_edge(s, o, relation=row[r_i])
    return G


# --- analysis -------------------------------------------------------------------------

def in_alignment_graph(store: Store, iri: str) -> bool:
    """Whether ``iri`` is a node of :func:`alignment_graph` (same scope), asked of the store.

    Why not ``iri in alignment_graph(store)``: building the whole graph reads every
    plan; on the whole country that took four minutes, and an entity page only
    needs to know whether to link its network view.
    """
    query = get_query("_in-alignment-graph")
    return bool(store.query(query.text, substitutions=bind(query, {"n": iri}), max_rows=1).rows)


def _kind(G: nx.DiGraph, n: str) -> str | None:
    return G.nodes[n].get("kind")


def _by_relation(G: nx.DiGraph, node: str, relation: str) -> list[str]:
    return [v for _, v, r in G.out_edges(node, data="relation") if r == relation]


class OutlineEntry(NamedTuple):
    """One element in document order: how deep it sits, under which element, and its numbering path."""

    element: str
    depth: int
    parent: str | None
    notation: str | None


def _core(notation: str) -> str:
    return notation.strip("()（）")


def outline(G: nx.DiGraph) -> list[OutlineEntry]:
    """The plan elements of ``G`` in document order: each element followed by those under it
    (philosophy → basic policy → its measures → each measure's projects), siblings by number.

    ``notation`` is the element's number as the data gives it, qualified by its parent's where
    the plan numbers that kind of element within its parent, which shows as a number that
    repeats among the plan's elements of that kind: projects are numbered within their
    measure (the action-plan template's 事業番号), so project ``1`` of measure ``1-1`` reads
    ``1-1-1`` (and its project ``2`` reads ``1-1-2``). Where every number of a kind is unique
    (measures ``1-1``, ``1-2``; the synthetic graph's projects ``5-2``) it stays as it is;
    nothing is numbered that the data does not number. Roots (elements with no parent in
    ``G``) come plan by plan, the philosophy first.

    >>> G = alignment_graph(example_store())
    >>> [(e.element.rsplit("/", 1)[1], e.depth, e.notation) for e in outline(G)]
    [('philosophy', 0, None), ('policy1', 1, '(1)'), ('measure1', 2, '1'), ('policy2', 0, '(2)')]
    """
    members = [n for n in G if _kind(G, n) in ELEMENT_KINDS]
    children: dict[str | None, list[str]] = {}
    for n in members:
        parents = sorted(p for p in _by_relation(G, n, "parentElement") if _kind(G, p) in ELEMENT_KINDS)
        children.setdefault(parents[0] if parents else None, []).append(n)
    numbered: set[tuple] = set()
    local: set[tuple] = set()  # (plan, kind) numbered within the parent: a number repeats
    for n in members:
        a = G.nodes[n]
        if a.get("notation"):
            k = (a.get("plan"), a["kind"], a["notation"])
            if k in numbered:
                local.add(k[:2])
            numbered.add(k)

    def key(n: str) -> tuple:
        a = G.nodes[n]
        return (str(a.get("plan") or ""), ELEMENT_KINDS.index(a["kind"]), notation_key(a.get("notation")), n)

    out: list[OutlineEntry] = []
    seen: set[str] = set()

    def walk(n: str, depth: int, parent: str | None, parent_path: str | None) -> None:
        seen.add(n)
        a = G.nodes[n]
        own = a.get("notation")
        path = own
        if own and parent_path and (a.get("plan"), a["kind"]) in local:
            path = f"{_core(parent_path)}-{own}"
        out.append(OutlineEntry(n, depth, parent, path))
        for c in sorted(children.get(n, ()), key=key):
            if c not in seen:  # a parentElement cycle would be a data error; never loop on it
                walk(c, depth + 1, n, path)

    for root in sorted(children.get(None, ()), key=key):
        walk(root, 0, None, None)
    for n in sorted(set(members) - seen, key=key):  # only reachable through a cycle
        walk(n, 0, None, None)
    return out


def elements(G: nx.DiGraph) -> list[str]:
    """The plan elements of ``G`` (philosophy, policies, measures, projects) in document order
    (:func:`outline`): each element followed by the elements under it."""
    return [e.element for e in outline(G)]


def goals(G: nx.DiGraph) -> list[str]:
    """The upper-plan goals of ``G``, grouped by the plan that states them."""
    return sorted((n for n in G if _kind(G, n) == "Goal"),
                  key=lambda n: (str(G.nodes[n].get("plan") or ""), str(G.nodes[n].get("notation") or ""), n))


def ancestors(G: nx.DiGraph, element: str) -> list[str]:
    """The element's parents, grandparents… along ``parentElement``, nearest first.

    >>> G = alignment_graph(example_store())
    >>> ancestors(G, "https://example.org/measure1")
    ['https://example.org/policy1', 'https://example.org/philosophy']
    """
    out, frontier, seen = [], [element], {element}
    while frontier:
        nxt = []
        for n in frontier:
            for p in sorted(_by_relation(G, n, "parentElement")):
                if p not in seen:
                    seen.add(p)
                    out.append(p)
                    nxt.append(p)
        frontier = nxt
    return out


def served_goals(G: nx.DiGraph, element: str) -> dict[str, str]:
    """goal → ``"direct"`` or ``"inherited"`` for one element (direct wins)."""
    out = {g: "direct" for g in _by_relation(G, element, "supports")}
    for a in ancestors(G, element):
        for g in _by_relation(G, a, "supports"):
            out.setdefault(g, "inherited")
    return out


def coverage(G: nx.DiGraph) -> dict[str, list[str]]:
    """Every goal of ``G`` → the elements serving it, directly or through an ancestor.

    >>> G = alignment_graph(example_store())
    >>> {G.nodes[g]["label_ja"]: [G.nodes[e]["label_ja"] for e in es] for g, es in coverage(G).items()}
    {'目標': ['理念', '方針', '施策'], '空白の目標': []}
    """
    out: dict[str, list[str]] = {g: [] for g in goals(G)}
    for e in elements(G):
        for g in served_goals(G, e):
            out.setdefault(g, []).append(e)
    return out


class CoverageMatrix(NamedTuple):
    """Elements × goals; each cell ``"direct"``, ``"inherited"`` or ``None``."""

    rows: list[str]
    columns: list[str]
    cells: list[list[str | None]]


def coverage_matrix(G: nx.DiGraph) -> CoverageMatrix:
    """The coverage as a table (rows: elements, columns: goals) for pages, CSV and JSON.

    >>> m = coverage_matrix(alignment_graph(example_store()))
    >>> [r.rsplit("/", 1)[1] for r in m.rows], [c.rsplit("/", 1)[1] for c in m.columns]
    (['philosophy', 'policy1', 'measure1', 'policy2'], ['goal1', 'goal2'])
    >>> m.cells
    [['direct', None], ['inherited', None], ['inherited', None], [None, None]]
    """
    rows, columns = elements(G), goals(G)
    cells = []
    for e in rows:
        served = served_goals(G, e)
        cells.append([served.get(g) for g in columns])
    return CoverageMatrix(rows, columns, cells)


def gaps(G: nx.DiGraph, *, plan: str | None = None) -> list[str]:
    """Goals that no element serves.

    Without ``plan``: goals of ``G`` that no element of ``G`` supports. With
    ``plan``: goals of that plan's upper plans that none of *its* elements
    supports (the named query ``gaps`` answers the same per plan).

    >>> G = alignment_graph(example_store())
    >>> gaps(G), gaps(G, plan="https://example.org/plan")
    (['https://example.org/goal2'], ['https://example.org/goal2'])
    """
    if plan is None:
        return [g for g, es in coverage(G).items() if not es]
    uppers = set(_by_relation(G, plan, "upperPlan")) if plan in G else set()
    served = {g for e in elements(G) if G.nodes[e].get("plan") == plan for g in _by_relation(G, e, "supports")}
    return [g for g in goals(G) if set(_by_relation(G, g, "goalOf")) & uppers and g not in served]


def orphans(G: nx.DiGraph, *, inherited: bool = True) -> list[str]:
    """Elements that serve no goal.

    By default an element is an orphan when neither it nor any ancestor
    supports a goal (a measure whose policy supports a goal is aligned through
    it). With ``inherited=False``: every element with no ``supports`` of its own.

    >>> G = alignment_graph(example_store())
    >>> [n.rsplit("/", 1)[1] for n in orphans(G)]
    ['policy2']
    >>> [n.rsplit("/", 1)[1] for n in orphans(G, inherited=False)]
    ['policy1', 'measure1', 'policy2']
    """
    if inherited:
        return [e for e in elements(G) if not served_goals(G, e)]
    return [e for e in elements(G) if not _by_relation(G, e, "supports")]


Step = tuple[str, str, str]


def explain(G: nx.DiGraph, element: str, goal: str) -> list[list[Step]]:
    """Why ``element`` serves ``goal``: each chain of ``(source, relation, target)`` edges.

    A direct support is one step; an inherited one climbs ``parentElement``
    edges to the ancestor that supports the goal. No chain: no alignment.
    Shortest chains first.

    >>> G = alignment_graph(example_store())
    >>> for s, r, t in explain(G, "https://example.org/measure1", "https://example.org/goal1")[0]:
    ...     print(s.rsplit("/", 1)[1], r, t.rsplit("/", 1)[1])
    measure1 parentElement policy1
    policy1 parentElement philosophy
    philosophy supports goal1
    """
    if element not in G or goal not in G:
        return []
    keep = [(u, v) for u, v, r in G.edges(data="relation") if r in ("parentElement", "supports")]
    H = G.edge_subgraph(keep)
    if element not in H or goal not in H:
        return []
    paths = []
    for nodes in nx.all_simple_paths(H, element, goal):
        # only parent steps then one supports step at the end
        rels = [G.edges[u, v]["relation"] for u, v in zip(nodes, nodes[1:])]
        if rels[-1] == "supports" and all(r == "parentElement" for r in rels[:-1]):
            paths.append([(u, r, v) for (u, v), r in zip(zip(nodes, nodes[1:]), rels)])
    return sorted(paths, key=lambda p: (len(p), p))


def ego(G: nx.DiGraph, node: str, depth: int = 1) -> nx.DiGraph:
    """The subgraph within ``depth`` edges of ``node``, following edges both ways.

    >>> sorted(n.rsplit("/", 1)[1] for n in ego(alignment_graph(example_store()), "https://example.org/goal1"))
    ['goal1', 'philosophy', 'upper']
    """
    if node not in G:
        return nx.DiGraph()
    near = nx.single_source_shortest_path_length(G.to_undirected(as_view=True), node, cutoff=max(0, depth))
    return G.subgraph(near).copy()
