"""How vis-network 9 draws a network view, in numbers: the size of each node, the curve of each edge.

:mod:`graph.layout` needs them to keep edges off nodes, and the tests to check
that no edge runs through a node it does not connect
(:func:`edges_through_nodes`). The sizes were measured in Chromium with the
page's options (font 14, ``widthConstraint.maximum`` 160, the small shapes at
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
TURN_ROUNDNESS = 0.9       # … of an edge to the next column (graph.network sets it on the edge)
SHORT_RUN = 300            # the longest run of an edge to the next column (a column gap is 240-260 px)
LABEL_MAX = 160            # nodes.widthConstraint.maximum of the page (graph.network.vis_options uses this)
FONT, LINE = 14, 14        # label font size and line height (px)
SHAPE_SIZE = 12            # size of the shapes drawn with their label below (diamond, hexagon, …)

#: Per shape: the width a label line may take before vis-network breaks it (a box's margins come
#: off ``LABEL_MAX``), the widest a wrapped label was drawn (Chromium, Noto Sans CJK JP) and
#: the padding around a one-line label.
_WRAP_AT = {"box": LABEL_MAX - 10}
_WRAPPED_WIDTH = {"box": 168, "ellipse": 168}
_BELOW_WIDTH = 172

Node = Hashable


@dataclass(frozen=True)
class Box:
    """A node's extent around its centre on the canvas, as vis-network's ``getBoundingBox`` reports it."""

    half_width: float
    top: float
    bottom: float


#: Widths of Latin characters in Noto Sans, in em (rounded up); anything else not full-width: 0.6.
_EM = {**dict.fromkeys("fijlrt", 0.37), **dict.fromkeys("Iil.,:;'|!", 0.28), **dict.fromkeys("()[]-/", 0.33), " ": 0.28,
       **dict.fromkeys("abcdeghknopqsuvxyz0123456789", 0.6), **dict.fromkeys("mwMW", 0.92)}


def text_width(text: str, font: float = FONT) -> float:
    """The drawn width of ``text`` (rounded up): a full-width (Japanese) character is one em.

    >>> text_width("計画"), round(text_width("Administrative"))  # drawn 95 px wide
    (28, 100)
    """
    return sum(font if unicodedata.east_asian_width(c) in "WF" else font * _EM.get(c, 0.6 if c.islower() else 0.68)
               for c in text)


def wrap(label: str, limit: float) -> list[float]:
    """The widths of the lines vis-network breaks ``label`` into at ``limit`` px.

    As its label splitter does: words (split at spaces) fill a line while they
    fit, measured as if three spaces stood between them (it joins the words
    and the spaces between them with spaces); a word wider than a line
    (Japanese has no spaces) is cut into pieces that fit. vis-network lets a
    piece run one character over; cutting before it gives as many lines or
    one more, so the box is never drawn bigger than this says.

    >>> len(wrap("未来に引き継ぐための持続可能なまちづくりを進める", 160)), len(wrap("生活環境", 160))
    (3, 1)
    """
    lines: list[float] = []
    line = measured = 0.0  # the line's drawn width; its width as the splitter measures it
    space = text_width(" ")
    for word in label.split():
        w = text_width(word)
        if line and measured + 3 * space + w <= limit:
            line, measured = line + space + w, measured + 3 * space + w
            continue
        if line:
            lines.append(line)
        while w > limit:  # cut a long word into pieces that fit
            piece, used = 0.0, 0
            for c in word:
                cw = text_width(c)
                if piece + cw > limit and used:
                    break
                piece, used = piece + cw, used + 1
            lines.append(piece)
            word = word[used:]
            w = text_width(word)
        line = measured = w
    lines.append(line)
    return lines


def label_box(label: str, shape: str) -> Box:
    """The box vis-network 9 draws for a node of ``shape`` with ``label`` (font 14, ``LABEL_MAX``).

    Measured in Chromium: a box is its label plus 22 px each way, an ellipse
    its label plus the label's height across and twice that height up and
    down, and the small shapes (diamond, hexagon, triangle, dot) carry their
    label below. A wrapped label is taken as wide as the widest drawn.

    >>> label_box("(3) 上質な行政経営", "box")  # drawn 140.4 × 36
    Box(half_width=70.78, top=18.0, bottom=18.0)
    >>> label_box("計画", "diamond")
    Box(half_width=14.0, top=12, bottom=26)
    """
    lines = wrap(label, _WRAP_AT.get(shape, LABEL_MAX))
    height = LINE * len(lines)
    if shape == "box":
        width = lines[0] if len(lines) == 1 else _WRAPPED_WIDTH["box"]
        return Box((width + 22) / 2, (height + 22) / 2, (height + 22) / 2)
    if shape == "ellipse":
        width = lines[0] if len(lines) == 1 else _WRAPPED_WIDTH["ellipse"]
        return Box((width + height) / 2, height, height)
    width = lines[0] if len(lines) == 1 else _BELOW_WIDTH
    return Box(max(SHAPE_SIZE, width / 2), SHAPE_SIZE, SHAPE_SIZE + height)


def roundness(run: float) -> float:
    """The roundness the page gives an edge that runs ``run`` px across (graph.network sets it per edge).

    An edge to the next column turns in the gap between the columns and runs
    level through both columns' labels (``TURN_ROUNDNESS``: its control points
    near the far end), so it does not cut through a neighbour of its ends. A
    longer edge turns gradually (``ROUNDNESS``): a turn in its middle would
    run straight up or down through the column it crosses there.

    >>> roundness(260), roundness(520)
    (0.9, 0.4)
    """
    return TURN_ROUNDNESS if abs(run) <= SHORT_RUN else ROUNDNESS


def _bezier_x(t: float, r: float) -> float:
    """x along a horizontal cubicBezier edge of roundness ``r``, as a share of its run."""
    return 3 * t * (1 - t) ** 2 * r + 3 * t * t * (1 - t) * (1 - r) + t ** 3


_T_STEPS = 512
_X_OF_T = {r: [_bezier_x(i / _T_STEPS, r) for i in range(_T_STEPS + 1)] for r in (ROUNDNESS, TURN_ROUNDNESS)}


def _t_at(share: float, r: float) -> float:
    """The curve parameter t where the curve has run ``share`` of its x distance (inverse of _bezier_x)."""
    if share <= 0:
        return 0.0
    if share >= 1:
        return 1.0
    table = _X_OF_T[r]
    i = bisect_left(table, share)
    lo, hi = table[i - 1], table[i]
    return (i - 1 + (share - lo) / (hi - lo if hi > lo else 1)) / _T_STEPS


def curve(p: tuple[float, float], q: tuple[float, float], t: float, *, curved: bool = True) -> tuple[float, float]:
    """The point at ``t`` of the edge from ``p`` to ``q`` as vis-network 9 draws it.

    Curved: a cubic Bézier with control points ``roundness`` of the run from
    each end, level with that end (``smooth: cubicBezier, forceDirection:
    horizontal``); else a straight line.

    >>> curve((0, 0), (520, 100), 0.5)
    (260.0, 50.0)
    """
    (x0, y0), (x1, y1) = p, q
    if not curved:
        return x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
    return x0 + (x1 - x0) * _bezier_x(t, roundness(x1 - x0)), y0 + (y1 - y0) * (3 * t * t - 2 * t ** 3)


def y_span(p: tuple[float, float], q: tuple[float, float], lo_x: float, hi_x: float,
           curved: bool) -> tuple[float, float] | None:
    """The y range the edge p→q covers between x = lo_x and hi_x, or None if it does not reach there.

    On both kinds of edge x and y change monotonically with t, so the range
    is given by the two ends of the stretch.

    >>> y_span((0, 0), (520, 100), 260, 260, curved=True)
    (50.0, 50.0)
    """
    (x0, y0), (x1, y1) = p, q
    if max(x0, x1) < lo_x or min(x0, x1) > hi_x:
        return None
    if x0 == x1:
        return min(y0, y1), max(y0, y1)
    r = roundness(x1 - x0)
    ends = []
    for share in ((lo_x - x0) / (x1 - x0), (hi_x - x0) / (x1 - x0)):
        share = min(1.0, max(0.0, share))
        if curved:
            t = _t_at(share, r)
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
