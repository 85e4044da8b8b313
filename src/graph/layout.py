"""Where each node of a network view is drawn: a layered layout in which edges do not run through nodes.

Why a layout of our own: free physics took 43 s to settle 1,000 nodes in
Chromium, and the alignment chain is layered anyway (measure → policy →
philosophy → upper-plan goal → plan → law), so x is the class and physics is
off. Why more than "x by class, y by order": with one row per class member,
a policy whose viewpoint, philosophy and goal each sit alone in their class
put all four on one line, and its edge to the philosophy ran straight through
the viewpoint (read as "viewpoint → philosophy"); plans naming upper plans sat
in one column and their edges ran down it through every plan between.

The drawing is built in four steps (Sugiyama's scheme):

1. **Bands.** x is the node's class (``layer``) and, inside a class, its rank
   along the edges between members of that class: an upper plan is drawn left
   of the plans that name it (beside the goals it states, ``target_left``),
   a parent measure right of its children. Such an edge then joins two
   columns instead of running down one column through the nodes between.
2. **Placeholders.** An edge that skips bands (policy → goal passes the
   viewpoint and philosophy bands) gets a placeholder in each band it
   crosses, so that ordering keeps room for it.
3. **Order.** Barycentre sweeps order each band, placeholders included: each
   item moves to the mean rank of its neighbours already placed, which removes
   most crossings at O(sweeps · edges) cost.
4. **Rows.** y starts from that order, a row (``Y_GAP``) between nodes and
   half a row beside a placeholder; then a few passes move each band's nodes
   toward the mean of their neighbours while keeping them a row apart and
   every edge that passes the band (the curve vis-network draws,
   :mod:`graph.drawing`) at least half a row from their centre and
   ``CLEARANCE`` from their box: a small dynamic programme per band on an
   8-px grid (:func:`_place`). Moving a node bends its own edges, so repair
   rounds follow, and the result is kept only if fewer edges meet nodes.

A band of more nodes than ``rows`` (hundreds of measures) wraps into
sub-columns, so a big view keeps a readable aspect ratio, and deals its nodes
to them in turn so the band's order holds across them. Step 4 runs on views
of up to :data:`REFINE_BUDGET` nodes × edges: denser ones take longer and
have no room to keep every edge off every node, so there edges may cross
nodes. :func:`graph.drawing.edges_through_nodes` says which (the tests use it).

>>> import networkx as nx
>>> G = nx.DiGraph([("p", "v"), ("p", "f"), ("p", "g")])
>>> pos = layered_positions(G, {"p": 0, "v": 1, "f": 2, "g": 3})
>>> pos["p"][0] < pos["v"][0] < pos["f"][0] < pos["g"][0]
True
>>> edges_through_nodes(G, pos, {n: Box(40, 15, 15) for n in G})
[]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import networkx as nx

from .drawing import Box, Node, edges_through_nodes, y_span  # noqa: F401  (edges_through_nodes: the doctest)

X_GAP, Y_GAP = 260, 80     # between classes; between the rows of a band
SUB_GAP = 240              # between the bands (or wrapped sub-columns) of one class
WRAP_MIN_ROWS = 30         # a band taller than this many nodes (at least) wraps
GRID = 8                   # the rows' grid (px)
CLEARANCE = 8              # the least distance (px) between an edge and the box of a node it does not connect
REFINE_PASSES = 8
MEET_COST = 1e9            # an edge meeting a node outweighs any move within reach (least meetings first)
REFINE_BUDGET = 12_000     # nodes × edges above which step 4 is skipped: 0.1 s at this size, and denser
                           # views (150 nodes) have no room to keep every edge off every node anyway

# --- bands, placeholders, order ----------------------------------------------------

def _sub_ranks(G: nx.DiGraph, layer: Mapping[Node, int], target_left: frozenset[str]) -> dict[Node, int]:
    """Each node's rank inside its class along the edges between members of that class (0: leftmost).

    The target of an edge is drawn right of its source (a parent measure right
    of its children), except for relations in ``target_left`` (an upper plan
    left of the plans that name it). A cycle shares one rank.
    """
    H = nx.DiGraph()
    for u, v, rel in G.edges(data="relation"):
        if u != v and layer[u] == layer[v]:
            name = str(rel or "").rsplit("#", 1)[-1].rsplit("/", 1)[-1].rsplit(":", 1)[-1]
            H.add_edge(*((v, u) if name in target_left else (u, v)))
    if not H:
        return {n: 0 for n in G}
    C = nx.condensation(H)
    rank: dict[int, int] = {}
    for c in nx.topological_sort(C):
        rank[c] = max((rank[p] + 1 for p in C.predecessors(c)), default=0)
    of = C.graph["mapping"]
    return {n: rank[of[n]] if n in of else 0 for n in G}


def _stable_key(G: nx.DiGraph, n: Node) -> tuple:
    a = G.nodes[n]
    return (str(a.get("plan") or ""), str(a.get("notation") or ""), str(a.get("label_ja") or ""), str(n))


@dataclass(frozen=True)
class _Slot:
    """A placeholder for the edge (u, v) in a band it crosses."""

    u: Node
    v: Node
    band: int


def _order(G: nx.DiGraph, bands: list[list[Node]], band_of: dict[Node, int], sweeps: int) -> list[list]:
    """Each band's items (nodes and placeholders) in barycentre order."""
    items: list[list] = [list(b) for b in bands]
    nbrs: dict = {n: [] for n in G}
    for u, v in G.edges():
        if u == v:
            continue
        bu, bv = band_of[u], band_of[v]
        if abs(bu - bv) <= 1:
            nbrs[u].append(v)
            nbrs[v].append(u)
            continue
        step = 1 if bv > bu else -1
        chain = [u] + [_Slot(u, v, b) for b in range(bu + step, bv, step)] + [v]
        for s in chain[1:-1]:
            items[s.band].append(s)
            nbrs[s] = []
        for a, b in zip(chain, chain[1:]):
            nbrs[a].append(b)
            nbrs[b].append(a)
    rank = {it: i for band in items for i, it in enumerate(band)}
    for sweep in range(sweeps):
        seq = range(len(items)) if sweep % 2 == 0 else range(len(items) - 1, -1, -1)
        placed: set = set()
        for b in seq:
            def bary(it) -> float:
                ns = [rank[m] for m in nbrs[it] if m in placed]
                return sum(ns) / len(ns) if ns else rank[it]

            items[b].sort(key=bary)
            for i, it in enumerate(items[b]):
                rank[it] = i
            placed.update(items[b])
    return items


# --- rows ----------------------------------------------------------------------

def _keep(extent: float) -> float:
    """How far a passing edge keeps from a node's centre on one side: CLEARANCE beyond its box, and
    at least half a row, so that edges leaving one node toward others fan out visibly."""
    return max(extent + CLEARANCE, Y_GAP / 2)


def _place(desired: list[float], tops: list[float], bottoms: list[float],
           blocked: list[list[tuple[float, float]]]) -> list[float]:
    """Rows for one band's nodes, in their order: each at least a row below the one before, meeting
    as few ``blocked`` y ranges (the edges that pass, kept :func:`_keep` away) as can be, and among
    those as near ``desired`` as can be (least squares). Within reach, so a dense band cannot push
    a node off the page. A dynamic programme over an 8-px grid: O(nodes · cells + ranges)."""
    n = len(desired)
    seps = [0] + [math.ceil(max(Y_GAP, bottoms[i - 1] + tops[i] + CLEARANCE) / GRID) for i in range(1, n)]
    reach = sum(seps) * GRID / 2 + 2 * Y_GAP
    base = math.floor((min(desired) - reach) / GRID)
    cells = math.ceil((max(desired) + reach) / GRID) - base + 1
    inf = math.inf
    back: list[list[int]] = []
    prev: list[float] = []
    for i in range(n):
        meets = [0] * (cells + 1)  # how many blocked ranges each centre meets (a difference array)
        for lo, hi in blocked[i]:  # centres c whose box [c - top, c + bottom] comes near [lo, hi]
            first = max(0, math.floor((lo - _keep(bottoms[i])) / GRID) - base + 1)
            last = min(cells - 1, math.ceil((hi + _keep(tops[i])) / GRID) - base - 1)
            if first <= last:
                meets[first] += 1
                meets[last + 1] -= 1
        d, cost, running = desired[i], [0.0] * cells, 0
        for c in range(cells):
            running += meets[c]
            cost[c] = ((base + c) * GRID - d) ** 2 + running * MEET_COST
        if i:
            k = seps[i]
            best, arg = inf, 0
            choice = [0] * cells
            for c in range(k, cells):
                if prev[c - k] < best:
                    best, arg = prev[c - k], c - k
                cost[c] += best
                choice[c] = arg
            for c in range(min(k, cells)):
                cost[c] = inf
            back.append(choice)
        prev = cost
    end = min(range(cells), key=prev.__getitem__)
    out = [end]
    for choice in reversed(back):
        out.append(choice[out[-1]])
    return [float((base + c) * GRID) for c in reversed(out)]


def _passing(G: nx.DiGraph, bands: list[list[Node]], x: dict[Node, float],
             boxes: Mapping[Node, Box]) -> list[list[tuple[Node, Node]]]:
    """For each band, the edges whose x range reaches one of its nodes' boxes (those that can hit it)."""
    edges = [(u, v) for u, v in G.edges() if u != v]
    out = []
    for band in bands:
        if not band:
            out.append([])
            continue
        reach = max(boxes[n].half_width for n in band) + CLEARANCE
        at = x[band[0]]
        out.append([(u, v) for u, v in edges if min(x[u], x[v]) <= at + reach and max(x[u], x[v]) >= at - reach])
    return out


def _spans(n: Node, edges: list[tuple[Node, Node]], x: dict[Node, float], y: dict[Node, float],
           box: Box, curved: bool) -> list[tuple[float, float]]:
    """The y ranges the edges not touching ``n`` cover across ``n``'s box (widened by CLEARANCE)."""
    lo_x, hi_x = x[n] - box.half_width - CLEARANCE, x[n] + box.half_width + CLEARANCE
    spans = []
    for u, v in edges:
        if n != u and n != v:
            span = y_span((x[u], y[u]), (x[v], y[v]), lo_x, hi_x, curved)
            if span is not None:
                spans.append(span)
    return spans


def _hits(n: Node, spans: list[tuple[float, float]], y: dict[Node, float], box: Box) -> bool:
    return any(y[n] - _keep(box.top) < hi and y[n] + _keep(box.bottom) > lo for lo, hi in spans)


def _meetings(G: nx.DiGraph, bands: list[list[Node]], x: dict[Node, float], y: dict[Node, float],
              boxes: Mapping[Node, Box], curved: bool) -> int:
    """How many nodes an edge comes within CLEARANCE of (a node counted once per band check)."""
    passing = _passing(G, bands, x, boxes)
    return sum(_hits(n, _spans(n, passing[b], x, y, boxes[n], curved), y, boxes[n])
               for b, band in enumerate(bands) for n in band)


def _refine(G: nx.DiGraph, bands: list[list[Node]], x: dict[Node, float], y: dict[Node, float],
            boxes: Mapping[Node, Box], curved: bool, passes: int) -> None:
    """Move each band's nodes toward their neighbours and off the edges passing the band (in place).

    The passes pull nodes toward the mean of their neighbours; each move bends
    the edges of the nodes moved, so repair rounds follow that move only the
    bands where an edge still runs through a node, as little as they can.
    """
    passing = _passing(G, bands, x, boxes)
    U = G.to_undirected(as_view=True)

    def place(b: int, pull: bool) -> None:
        band = bands[b]
        desired = []
        for n in band:
            ns = [y[m] for m in U[n] if m != n]
            desired.append((y[n] + sum(ns) / len(ns)) / 2 if pull and ns else y[n])
        blocked = [_spans(n, passing[b], x, y, boxes[n], curved) for n in band]
        rows = _place(desired, [boxes[n].top for n in band], [boxes[n].bottom for n in band], blocked)
        for n, row in zip(band, rows):
            y[n] = row

    for p in range(passes):
        for b in (range(len(bands)) if p % 2 == 0 else range(len(bands) - 1, -1, -1)):
            if bands[b]:
                place(b, pull=True)
    least = math.inf
    for _ in range(passes * 2):
        hits = [sum(_hits(n, _spans(n, passing[b], x, y, boxes[n], curved), y, boxes[n]) for n in band)
                for b, band in enumerate(bands)]
        if sum(hits) == 0 or sum(hits) >= least:
            return
        least = sum(hits)
        for b, count in enumerate(hits):
            if count:
                place(b, pull=False)


def layered_positions(G: nx.DiGraph, layer: Mapping[Node, int], boxes: Mapping[Node, Box] | None = None, *,
                      compact: bool = False, sweeps: int = 4, target_left: frozenset[str] = frozenset(),
                      curved: bool = True, passes: int = REFINE_PASSES) -> dict[Node, tuple[float, float]]:
    """x by band (class, then rank inside the class), y by order inside the band, edges kept off nodes.

    ``layer`` gives each node's class band (lower left). ``boxes`` the drawn
    size of each node (default: a one-line box). ``compact`` drops the bands
    of classes the graph does not have (a whole view reads better); without
    it a class keeps its x, so an ego view's expansion lines up. ``curved``
    says whether vis-network draws the edges as curves or straight lines.

    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "g2"), ("b", "g1")])
    >>> pos = layered_positions(G, {"a": 1, "b": 1, "g1": 5, "g2": 5})
    >>> (pos["a"][1] < pos["b"][1]) == (pos["g2"][1] < pos["g1"][1])
    True
    """
    if not len(G):
        return {}
    boxes = boxes or {n: Box(100, 18, 18) for n in G}
    sub = _sub_ranks(G, layer, target_left)
    keys = sorted({(layer[n], sub[n]) for n in G})
    index = {k: i for i, k in enumerate(keys)}
    bands: list[list[Node]] = [[] for _ in keys]
    band_of: dict[Node, int] = {}
    for n in G:
        band_of[n] = index[(layer[n], sub[n])]
        bands[band_of[n]].append(n)
    for b in bands:  # a stable start: by plan, notation, label
        b.sort(key=lambda n: _stable_key(G, n))
    items = _order(G, bands, band_of, sweeps)
    bands = [[it for it in band if not isinstance(it, _Slot)] for band in items]

    # x: bands left to right; a band taller than ``rows`` wraps into sub-columns.
    biggest = max(len(b) for b in bands)
    rows = max(WRAP_MIN_ROWS, math.ceil(math.sqrt(biggest * 2)))
    cols = [max(1, math.ceil(len(b) / rows)) for b in bands]
    band_x: list[float] = [0.0] * len(bands)
    at = 0.0
    layers = sorted({k[0] for k in keys}) if compact else range(keys[-1][0] + 1)
    for lay in layers:
        mine = [index[k] for k in keys if k[0] == lay]
        for j, b in enumerate(mine):
            band_x[b] = at
            at += (cols[b] - 1) * SUB_GAP + (SUB_GAP if j < len(mine) - 1 else 0)
        at += X_GAP

    # y: a row per node and half a row per placeholder, in order. A wrapped band deals its nodes
    # to its sub-columns in turn (node i to column i mod cols, half a row apart when cols = 2),
    # so each sub-column keeps the band's order and the others' edges pass between its rows.
    x: dict[Node, float] = {}
    y: dict[Node, float] = {}
    columns: list[list[Node]] = []
    for b, band in enumerate(items):
        if cols[b] > 1:
            nodes = bands[b]
            for j in range(cols[b]):
                columns.append(nodes[j::cols[b]])
                for i in range(j, len(nodes), cols[b]):
                    x[nodes[i]] = band_x[b] + j * SUB_GAP
                    y[nodes[i]] = (i - (len(nodes) - 1) / 2) * Y_GAP / cols[b]
            continue
        columns.append(bands[b])
        at, steps = 0.0, []
        for i, it in enumerate(band):
            if i:
                at += Y_GAP if not isinstance(it, _Slot) and not isinstance(band[i - 1], _Slot) else Y_GAP / 2
            steps.append(at)
        for it, row in zip(band, steps):
            if not isinstance(it, _Slot):
                x[it], y[it] = band_x[b], row - at / 2
    if passes and len(G) * G.number_of_edges() <= REFINE_BUDGET:
        start = dict(y)
        before = _meetings(G, columns, x, y, boxes, curved)
        _refine(G, columns, x, y, boxes, curved, passes)
        if _meetings(G, columns, x, y, boxes, curved) > before:  # kept only when it helps
            y = start
    mid = (min(y.values()) + max(y.values())) / 2
    return {n: (x[n], float(y[n] - mid)) for n in G}
