"""How vis-network 9 draws a network view, in numbers: the size of each node, the curve of each edge.

:mod:`graph.layout` needs them to keep edges off nodes, and the tests to check
that no edge runs through a node it does not connect
(:func:`edges_through_nodes`). The sizes were measured in Chromium with the
page's options (font 14, ``widthConstraint.maximum`` 220, the small shapes at
size 12); the curve is vis-network's ``cubicBezier`` with ``forceDirection:
horizontal``, whose control points are ``ROUNDNESS`` of the run from each end,
level with that end.

>>> import networkx as nx
>>> G = nx.DiGraph([("a", "c")]); G.add_node("b")
>>> pos = {"a": (0, 0), "b": (100, 0), "c": (200, 0)}
>>> edges_through_nodes(G, pos, {n: Box(20, 10, 10) for n in G})
[('a', 'c', 'b')]
"""

from __future__ import annotations

import math
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from typing import Hashable, Mapping

import networkx as nx

ROUNDNESS = 0.4            # edges.smooth.roundness of the page (graph.network.vis_options uses this)
FONT, LINE = 14, 14        # label font size and line height (px)
LABEL_WRAP = 215           # a label wider than this wraps (widthConstraint 220, less padding)
SHAPE_SIZE = 12            # size of the shapes drawn with their label below (diamond, hexagon, …)

Node = Hashable


@dataclass(frozen=True)
class Box:
    """A node's extent around its centre on the canvas, as vis-network's ``getBoundingBox`` reports it."""

    half_width: float
    top: float
    bottom: float


def text_width(text: str, font: float = FONT) -> float:
    """The drawn width of ``text``: a full-width (Japanese) character is one em, others about half.

    >>> text_width("計画"), text_width("ab")
    (28, 15.4)
    """
    return sum(font if unicodedata.east_asian_width(c) in "WF" else round(font * 0.55, 1) for c in text)


def label_box(label: str, shape: str) -> Box:
    """The box vis-network 9 draws for a node of ``shape`` with ``label`` (font 14, width up to 220).

    Measured in Chromium: a box is the text plus 22 px each way, an ellipse the
    text plus its height across and twice its height up and down, and the
    small shapes (diamond, hexagon, triangle, dot) carry their label below.

    >>> label_box("上質な生活都市さいたま市", "box")
    Box(half_width=95.0, top=18.0, bottom=18.0)
    >>> label_box("計画", "diamond")
    Box(half_width=14.0, top=12, bottom=26)
    """
    width = text_width(label)
    lines = max(1, math.ceil(width / LABEL_WRAP))
    if lines > 1:
        width = LABEL_WRAP + 10
    height = LINE * lines
    if shape == "box":
        return Box((width + 22) / 2, (height + 22) / 2, (height + 22) / 2)
    if shape == "ellipse":
        return Box((width + height) / 2, height, height)
    return Box(max(SHAPE_SIZE, width / 2), SHAPE_SIZE, SHAPE_SIZE + height)


def _bezier_x(t: float) -> float:
    """x along a horizontal cubicBezier edge, as a share of its run (the same for every edge)."""
    r = ROUNDNESS
    return 3 * t * (1 - t) ** 2 * r + 3 * t * t * (1 - t) * (1 - r) + t ** 3


_T_STEPS = 512
_X_OF_T = [_bezier_x(i / _T_STEPS) for i in range(_T_STEPS + 1)]


def _t_at(share: float) -> float:
    """The curve parameter t where the curve has run ``share`` of its x distance (inverse of _bezier_x)."""
    if share <= 0:
        return 0.0
    if share >= 1:
        return 1.0
    i = bisect_left(_X_OF_T, share)
    lo, hi = _X_OF_T[i - 1], _X_OF_T[i]
    return (i - 1 + (share - lo) / (hi - lo)) / _T_STEPS


def curve(p: tuple[float, float], q: tuple[float, float], t: float, *, curved: bool = True) -> tuple[float, float]:
    """The point at ``t`` of the edge from ``p`` to ``q`` as vis-network 9 draws it.

    Curved: a cubic Bézier with control points ``roundness`` of the run from
    each end, level with that end (``smooth: cubicBezier, forceDirection:
    horizontal``); else a straight line.

    >>> curve((0, 0), (100, 100), 0.5)
    (50.0, 50.0)
    """
    (x0, y0), (x1, y1) = p, q
    if not curved:
        return x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
    return x0 + (x1 - x0) * _bezier_x(t), y0 + (y1 - y0) * (3 * t * t - 2 * t ** 3)


def y_span(p: tuple[float, float], q: tuple[float, float], lo_x: float, hi_x: float,
            curved: bool) -> tuple[float, float] | None:
    """The y range the edge p→q covers between x = lo_x and hi_x, or None if it does not reach there.

    >>> y_span((0, 0), (260, 100), 130, 130, curved=True)
    (50.0, 50.0)

    On both kinds of edge x and y change monotonically with t, so the range
    is given by the two ends of the stretch.
    """
    (x0, y0), (x1, y1) = p, q
    if max(x0, x1) < lo_x or min(x0, x1) > hi_x:
        return None
    if x0 == x1:
        return min(y0, y1), max(y0, y1)
    a, b = (lo_x - x0) / (x1 - x0), (hi_x - x0) / (x1 - x0)
    ends = []
    for share in (a, b):
        share = min(1.0, max(0.0, share))
        if curved:
            t = _t_at(share)
            share = 3 * t * t - 2 * t ** 3
        ends.append(y0 + (y1 - y0) * share)
    return min(ends), max(ends)


def edges_through_nodes(G: nx.Graph, pos: Mapping[Node, tuple[float, float]], boxes: Mapping[Node, Box], *,
                        curved: bool = True, samples: int = 200) -> list[tuple[Node, Node, Node]]:
    """Each ``(u, v, w)`` where the edge u→v, drawn as vis-network draws it, runs through node w's box.

    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "c")]); G.add_node("b")
    >>> pos = {"a": (0, 0), "b": (100, 0), "c": (200, 0)}
    >>> edges_through_nodes(G, pos, {n: Box(20, 10, 10) for n in G})
    [('a', 'c', 'b')]
    """
    found = []
    nodes = [(w, pos[w], boxes[w]) for w in G]
    for u, v in G.edges():
        if u == v:
            continue
        points = [curve(pos[u], pos[v], i / samples, curved=curved) for i in range(samples + 1)]
        lo_x, hi_x = min(pos[u][0], pos[v][0]), max(pos[u][0], pos[v][0])
        for w, (x, y), box in nodes:
            if w in (u, v) or x + box.half_width < lo_x or x - box.half_width > hi_x:
                continue
            if any(abs(px - x) < box.half_width and y - box.top < py < y + box.bottom for px, py in points):
                found.append((u, v, w))
    return found
