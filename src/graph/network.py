"""Network views: the alignment graph as nodes and edges for vis-network.

Input is the networkx ``DiGraph`` of :func:`graph.alignment.alignment_graph`
(node attributes ``kind``, ``label_ja``, ``label_en``, ``plan``,
``notation``; edge attribute ``relation``). Output is a :class:`View`: the
``nodes``, ``edges`` and ``options`` the page hands to vis-network, built on
pyvis's network model.

Why not pyvis's own HTML: its template pastes node ids and some titles into
the page as raw HTML, so a label could run script. The web app renders the
JSON through its own autoescaped template instead, and tooltips are plain
text (vis-network 9 sets a string ``title`` with ``innerText``).

Why positions are computed here: free physics took 43 s to settle 1,000
nodes in Chromium. The alignment chain is layered (measure → policy →
philosophy → upper-plan goal → upper plan → law), so x is the class and y the
order inside it, edges kept off the nodes they do not connect
(:mod:`graph.layout`), and physics is off.

>>> import networkx as nx
>>> G = nx.DiGraph()
>>> G.add_node("m", kind="Measure", label_ja="施策", label_en="Measure")
>>> G.add_node("g", kind="Goal", label_ja="目標", label_en="Goal")
>>> G.add_edge("m", "g", relation="supports")
>>> v = build_view(G, lang="en")
>>> [n["label"] for n in v.nodes], v.edges[0]["relation"]
(['Measure', 'Goal'], 'supports')
>>> v.nodes[0]["x"] < v.nodes[1]["x"]
True
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import Callable, Iterable

import networkx as nx
import pyoxigraph as ox

from . import drawing, layout
from .alignment import ego  # noqa: F401  (the ego view's neighbourhood; re-exported for the views)
from .vocab import PG_NS, RDF, RDFS

#: Node class → layer (x order), colour, vis shape, legend labels. Lower layers are drawn left.
KIND_STYLE: dict[str, dict] = {
    "project":           {"layer": 0, "color": "#d9f0d3", "shape": "box", "ja": "事業", "en": "Project"},
    "measure":           {"layer": 1, "color": "#a6dba0", "shape": "box", "ja": "施策", "en": "Measure"},
    "basicpolicy":       {"layer": 2, "color": "#7fbfea", "shape": "box", "ja": "基本方針", "en": "Basic policy"},
    "viewpoint":         {"layer": 3, "color": "#c6dbef", "shape": "ellipse", "ja": "観点", "en": "Viewpoint"},
    "basicphilosophy":   {"layer": 4, "color": "#3f8fd2", "shape": "box", "ja": "基本理念", "en": "Basic philosophy"},
    "goal":              {"layer": 5, "color": "#fdd49e", "shape": "ellipse", "ja": "上位計画の目標", "en": "Upper-plan goal"},
    "plan":              {"layer": 6, "color": "#fc8d59", "shape": "diamond", "ja": "計画", "en": "Plan"},
    "statutoryplantype": {"layer": 7, "color": "#d4b9da", "shape": "hexagon", "ja": "法定計画の類型", "en": "Statutory plan type"},
    "law":               {"layer": 8, "color": "#9e9ac8", "shape": "triangle", "ja": "法令", "en": "Law"},
    "other":             {"layer": 9, "color": "#dddddd", "shape": "dot", "ja": "その他", "en": "Other"},
}

#: Plan subclasses all drawn as a plan.
_PLAN_KINDS = {"comprehensiveplan", "implementationplan", "strategy", "sectorplan", "actionplan", "guideline"}

#: Edge relation → vis edge style and legend labels.
RELATION_STYLE: dict[str, dict] = {
    "supports":      {"color": "#d6604d", "dashes": False, "width": 2, "ja": "資する", "en": "supports"},
    "parentElement": {"color": "#4393c3", "dashes": False, "width": 1, "ja": "上位要素", "en": "parent element"},
    "goalOf":        {"color": "#999999", "dashes": True, "width": 1, "ja": "目標を掲げる計画", "en": "goal of"},
    "upperPlan":     {"color": "#f4a582", "dashes": True, "width": 2, "ja": "上位計画", "en": "upper plan"},
    "designatedAs":  {"color": "#8073ac", "dashes": True, "width": 1, "ja": "位置付け", "en": "designated as"},
    "legalBasis":    {"color": "#542788", "dashes": True, "width": 1, "ja": "根拠法", "en": "legal basis"},
    "viewpoint":     {"color": "#92c5de", "dashes": True, "width": 1, "ja": "観点を持つ", "en": "has viewpoint"},
    "hasProject":    {"color": "#5aae61", "dashes": False, "width": 1, "ja": "事業を持つ", "en": "has project"},
    "partOfPlan":    {"color": "#cccccc", "dashes": True, "width": 1, "ja": "計画の一部", "en": "part of plan"},
    "other":         {"color": "#bbbbbb", "dashes": True, "width": 1, "ja": "その他の関係", "en": "other relation"},
}
# A relation is named by what it says, never by a class's name: the legend lists both, and
# "観点" as a line and as a node kind read as the same thing (a test checks none is shared).

#: Shapes whose label is drawn below the shape (vis-network): drawn small, so that a shape
#: and a two-line label fit in the row gap and do not run into the next node's shape.
_LABEL_BELOW = {"diamond", "hexagon", "triangle", "dot"}
_LABEL_BELOW_SIZE = 12

#: Relations that narrowing (by plan, upper plan, policy) does not walk: every element is
#: part of its plan, so walking ``partOfPlan`` would pull the whole plan into any filter.
_NO_WALK = {"partOfPlan"}

_SMOOTH_EDGES_UP_TO = 400


def local_name(value: str | None) -> str:
    """The last segment of an IRI or CURIE (``pg:Measure`` → ``Measure``).

    >>> local_name("https://w3id.org/plangraph/ontology#supports")
    'supports'
    """
    if not value:
        return ""
    for sep in ("#", "/", ":"):
        if sep in value:
            value = value.rsplit(sep, 1)[1]
    return value


def kind_key(kind: str | None) -> str:
    """Normalise a node's ``kind`` to a key of :data:`KIND_STYLE`.

    >>> kind_key("pg:SectorPlan"), kind_key("Measure"), kind_key("Foo")
    ('plan', 'measure', 'other')
    """
    k = local_name(kind).lower()
    if k in _PLAN_KINDS:
        return "plan"
    return k if k in KIND_STYLE else "other"


def relation_key(relation: str | None) -> str:
    """Normalise an edge's ``relation`` to a key of :data:`RELATION_STYLE`."""
    r = local_name(relation)
    return r if r in RELATION_STYLE else "other"


def node_label(attrs: dict, lang: str) -> str:
    """The label in ``lang`` (``ja`` or ``en``), falling back to the other language."""
    other = "en" if lang == "ja" else "ja"
    label = attrs.get(f"label_{lang}") or attrs.get(f"label_{other}") or ""
    notation = attrs.get("notation")
    if notation and not str(label).startswith(str(notation)):
        label = f"{notation} {label}".strip()
    return str(label)


# --- narrowing ----------------------------------------------------------------

def _walk_graph(G: nx.DiGraph) -> nx.DiGraph:
    keep = [(u, v) for u, v, r in G.edges(data="relation") if local_name(r) not in _NO_WALK]
    return G.edge_subgraph(keep)


def _around(G: nx.DiGraph, seeds: Iterable[str]) -> set[str]:
    """Seeds plus everything above and below them along alignment edges (not partOfPlan)."""
    W = _walk_graph(G)
    out: set[str] = set()
    for s in seeds:
        if s not in G:
            continue
        out.add(s)
        if s in W:
            out |= nx.ancestors(W, s) | nx.descendants(W, s)
    return out


def narrow(G: nx.DiGraph, *, plan: str | None = None, upper_plan: str | None = None,
           policy: str | None = None) -> nx.DiGraph:
    """The part of ``G`` a filter asks for; filters combine (intersection).

    * ``plan``: the plan's elements (node attribute ``plan``) and the goals,
      upper plans and law they lead to.
    * ``upper_plan``: that upper plan, its goals and every element that leads to them.
    * ``policy``: that basic policy, its measures and projects, and what it leads to.
    """
    keep = set(G.nodes)
    if plan:
        seeds = [n for n, p in G.nodes(data="plan") if p == plan] + [plan]
        keep &= _around(G, seeds)
    if upper_plan:
        near: set[str] = set()
        if upper_plan in G:
            W = _walk_graph(G)
            near.add(upper_plan)
            for g, _, r in G.in_edges(upper_plan, data="relation"):
                if local_name(r) == "goalOf":
                    near.add(g)
                    near |= nx.ancestors(W, g) if g in W else set()
        keep &= near
    if policy:
        keep &= _around(G, [policy])
    return G.subgraph(keep).copy()


# --- layout -------------------------------------------------------------------

#: Relations whose target is drawn left of its source when both are of one class: an upper plan
#: sits beside the goals it states, left of the plans that name it (graph.layout, step 1).
_TARGET_LEFT = frozenset({"upperPlan"})


def curved_edges(G: nx.DiGraph) -> bool:
    """Whether the page draws ``G``'s edges as curves: straight lines past 400 edges cost less to draw."""
    return G.number_of_edges() <= _SMOOTH_EDGES_UP_TO


def node_boxes(G: nx.DiGraph, lang: str = "ja") -> dict[str, drawing.Box]:
    """The size each node is drawn at (its shape and its label in ``lang``)."""
    return {n: drawing.label_box(node_label(a, lang), KIND_STYLE[kind_key(a.get("kind"))]["shape"])
            for n, a in G.nodes(data=True)}


def layered_positions(G: nx.DiGraph, sweeps: int = 4, *, compact: bool = False,
                      lang: str = "ja") -> dict[str, tuple[float, float]]:
    """x by class (then by rank inside the class), y by order inside it, edges kept off nodes.

    The layout itself is :func:`graph.layout.layered_positions`; this gives it
    each node's class band (:data:`KIND_STYLE`), drawn size and the edge style.
    ``compact`` drops the bands of classes the graph does not have (a whole
    view reads better); without it a class always has the same x, so an ego
    view's expanded neighbourhood lines up with what is already drawn.

    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "g2"), ("b", "g1")])
    >>> for n, k in [("a", "Measure"), ("b", "Measure"), ("g1", "Goal"), ("g2", "Goal")]:
    ...     G.nodes[n]["kind"] = k
    >>> pos = layered_positions(G)
    >>> (pos["a"][1] < pos["b"][1]) == (pos["g2"][1] < pos["g1"][1])
    True
    """
    layer = {n: KIND_STYLE[kind_key(k)]["layer"] for n, k in G.nodes(data="kind")}
    return layout.layered_positions(G, layer, node_boxes(G, lang), compact=compact, sweeps=sweeps,
                                    target_left=_TARGET_LEFT, curved=curved_edges(G))


# --- the view -----------------------------------------------------------------

@dataclass
class View:
    """What one network page shows: vis-network nodes, edges and options, and a note when capped."""

    nodes: list[dict]
    edges: list[dict]
    options: dict
    total_nodes: int
    capped: bool = False
    message: str = ""
    legend: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """The JSON the page (and /views/data.json) serves."""
        return {"nodes": self.nodes, "edges": self.edges, "options": self.options,
                "total_nodes": self.total_nodes, "capped": self.capped, "message": self.message,
                "legend": self.legend}


def vis_options() -> dict:
    """vis-network options: fixed positions, physics off, hover tooltips, no edit tools."""
    return {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False,
                        "keyboard": False, "multiselect": False, "hideEdgesOnDrag": True},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "smooth": {"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal",
                             "roundness": drawing.ROUNDNESS}},  # graph.layout computes these curves
        "nodes": {"font": {"face": "Noto Sans CJK JP, sans-serif", "size": 14},
                  "widthConstraint": {"maximum": drawing.LABEL_MAX}},
    }


def _tooltip(n: str, attrs: dict, lang: str) -> str:
    """Plain text only: vis-network puts a string title in with innerText."""
    style = KIND_STYLE[kind_key(attrs.get("kind"))]
    lines = [node_label(attrs, lang), style[lang]]
    other = attrs.get("label_en" if lang == "ja" else "label_ja")
    if other:
        lines.append(str(other))
    lines.append(str(n))
    return "\n".join(lines)


def _cap(G: nx.DiGraph, max_nodes: int) -> list[str]:
    """Which nodes to keep past the cap: upper layers first (goals, plans), then policies, measures."""
    ranked = sorted(G.nodes, key=lambda n: -KIND_STYLE[kind_key(G.nodes[n].get("kind"))]["layer"])
    return ranked[:max_nodes]


def _edge_id(u: str, relation: str, v: str) -> str:
    """A short id that is the same in every view, so an expanded neighbourhood does not duplicate edges."""
    return hashlib.blake2s(f"{u}\x00{relation}\x00{v}".encode(), digest_size=8).hexdigest()


def build_view(G: nx.DiGraph, *, lang: str = "ja", max_nodes: int = 2000,
               entity_url: Callable[[str], str | None] | None = None, compact: bool = True) -> View:
    """Turn an alignment graph (or a part of it) into a vis-network view.

    ``entity_url`` maps a node IRI to its page (clicking a node opens it).
    Past ``max_nodes`` the view keeps the upper layers and says how to narrow.
    ``compact=False`` keeps every class at a fixed x (ego views that expand).
    Nodes and edges go straight into pyvis's lists: ``Network.add_node``
    checks membership in a list, which is quadratic on big graphs.
    """
    lang = "en" if lang == "en" else "ja"
    total = G.number_of_nodes()
    capped = total > max_nodes
    message = ""
    if capped:
        G = G.subgraph(_cap(G, max_nodes))
        message = (f"Showing {max_nodes} of {total} nodes. Narrow the view by plan, upper plan or "
                   f"basic policy, or open the view around one node." if lang == "en" else
                   f"{total} ノードのうち {max_nodes} ノードだけを表示しています。計画・上位計画・基本方針で"
                   f"絞り込むか、ノードを中心にした表示（エゴ表示）を使ってください。")
    pos = layered_positions(G, compact=compact, lang=lang)
    # Imported here, not at the top: pyvis imports IPython, 0.8 s that every app start paid
    # (the whole country's restart target is 2 s) though most requests never draw a network.
    from pyvis.network import Network  # noqa: PLC0415

    net = Network(directed=True)
    net.options = vis_options()
    curved = curved_edges(G)
    if not curved:  # curves cost drawing time; straight lines past 400 edges
        net.options["edges"]["smooth"] = {"enabled": False}
    kinds_seen, rels_seen = set(), set()
    for n, attrs in G.nodes(data=True):
        key = kind_key(attrs.get("kind"))
        kinds_seen.add(key)
        style = KIND_STYLE[key]
        x, y = pos[n]
        net.nodes.append({
            "id": n, "label": node_label(attrs, lang), "title": _tooltip(n, attrs, lang),
            "kind": key, "shape": style["shape"], "color": style["color"], "x": x, "y": y,
            "url": entity_url(n) if entity_url else None,
            **({"size": _LABEL_BELOW_SIZE} if style["shape"] in _LABEL_BELOW else {}),
        })
    for u, v, rel in G.edges(data="relation"):
        key = relation_key(rel)
        rels_seen.add(key)
        style = RELATION_STYLE[key]
        edge = {
            "id": _edge_id(u, key, v), "from": u, "to": v, "relation": key, "title": style[lang],
            "color": {"color": style["color"]}, "dashes": style["dashes"], "width": style["width"],
        }
        roundness = drawing.roundness(pos[v][0] - pos[u][0])
        if curved and roundness != drawing.ROUNDNESS:  # an edge to the next column turns between the columns
            edge["smooth"] = {**net.options["edges"]["smooth"], "roundness": roundness}
        net.edges.append(edge)
    legend = {
        "nodes": [{"kind": k, "label": KIND_STYLE[k][lang], "color": KIND_STYLE[k]["color"],
                   "shape": KIND_STYLE[k]["shape"]} for k in KIND_STYLE if k in kinds_seen],
        "edges": [{"relation": r, "label": RELATION_STYLE[r][lang], "color": RELATION_STYLE[r]["color"],
                   "dashes": RELATION_STYLE[r]["dashes"]} for r in RELATION_STYLE if r in rels_seen],
    }
    return View(net.nodes, net.edges, net.options, total, capped, message, legend)


def full_legend(lang: str = "ja") -> dict:
    """The legend entry of every class and relation, in legend order: an ego page that grows by
    expanding picks from it the entries of the classes and relations it comes to show."""
    lang = "en" if lang == "en" else "ja"
    return {"nodes": [{"kind": k, "label": v[lang], "color": v["color"], "shape": v["shape"]}
                      for k, v in KIND_STYLE.items()],
            "edges": [{"relation": r, "label": v[lang], "color": v["color"], "dashes": v["dashes"]}
                      for r, v in RELATION_STYLE.items()]}


# --- downloads ------------------------------------------------------------------

def _relation_iri(rel: str | None) -> str:
    rel = rel or "related"
    return rel if rel.startswith(("http://", "https://")) else PG_NS + local_name(rel)


def view_triples(G: nx.DiGraph) -> list[ox.Triple]:
    """The RDF of what a view shows: each edge as ``pg:<relation>``, each node's class and labels."""
    out: list[ox.Triple] = []
    label = ox.NamedNode(RDFS + "label")
    a = ox.NamedNode(RDF + "type")
    for n, attrs in G.nodes(data=True):
        s = ox.NamedNode(n)
        kind = attrs.get("kind")
        if kind:
            out.append(ox.Triple(s, a, ox.NamedNode(kind if kind.startswith("http") else PG_NS + local_name(kind))))
        for lang in ("ja", "en"):
            if attrs.get(f"label_{lang}"):
                out.append(ox.Triple(s, label, ox.Literal(str(attrs[f"label_{lang}"]), language=lang)))
    for u, v, rel in G.edges(data="relation"):
        out.append(ox.Triple(ox.NamedNode(u), ox.NamedNode(_relation_iri(rel)), ox.NamedNode(v)))
    return out


def view_turtle(G: nx.DiGraph, prefixes: dict[str, str] | None = None) -> bytes:
    """Turtle of :func:`view_triples`."""
    from .vocab import PREFIXES

    return ox.serialize(view_triples(G), format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes or PREFIXES))


def view_graphml(G: nx.DiGraph) -> bytes:
    """GraphML of the view (networkx), with empty attributes dropped (GraphML has no null)."""
    H = nx.DiGraph()
    for n, attrs in G.nodes(data=True):
        H.add_node(n, **{k: str(v) for k, v in attrs.items() if v not in (None, "")})
    for u, v, attrs in G.edges(data=True):
        H.add_edge(u, v, **{k: str(val) for k, val in attrs.items() if val not in (None, "")})
    buf = io.BytesIO()
    nx.write_graphml(H, buf, encoding="utf-8")
    return buf.getvalue()
