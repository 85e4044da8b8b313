"""Alignment reports as rows: coverage matrix, gaps, orphans, explanations.

A thin layer over :mod:`graph.alignment`: the analysis lives there; this
module turns its answers into labelled rows that a page, a CSV file and a
JSON document can all show the same way.

>>> from graph.alignment import example_store
>>> r = coverage_report(example_store())
>>> r.header(lang="ja")[:2], [row["label"] for row in r.rows][:2]
(['要素', '種類'], ['理念', '(1) 方針'])
>>> [g["label"] for g in gaps_report(example_store())]
['空白の目標']
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import networkx as nx

from . import alignment as al
from . import scope
from .errors import NotFound
from .network import KIND_STYLE, RELATION_STYLE, kind_key, node_label, relation_key
from .queries import iri_value
from .store import Store

#: Cell values of the coverage matrix and how a person reads them.
CELL_TEXT = {"direct": {"ja": "◎ 直接", "en": "direct"}, "inherited": {"ja": "○ 上位要素から", "en": "inherited"}}


def _graph(store: Store, plan: str | None, municipality: str | None = None) -> nx.DiGraph:
    """One plan's network, one municipality's plans' networks, or (neither) the whole store's:
    each kept per store version (:mod:`graph.scope`). The whole store only on small stores:
    the web pages never ask for it on a national one."""
    if plan:
        return scope.plan_graph(store, plan)
    if municipality:
        return scope.municipality_graph(store, municipality)
    return scope.whole_graph(store)


def _not_in_network(what: str, iri: str, plan: str | None) -> NotFound:
    """The 404 of :func:`explain_report` for an element or goal no network holds."""
    what_ja = {"element": "要素", "goal": "上位計画の目標"}[what]
    if plan:
        return NotFound(f"the {what} <{iri}> is not in the alignment network of the plan <{plan}>",
                        message_ja=f"{what_ja} <{iri}> は計画 <{plan}> の整合性ネットワークにありません。")
    return NotFound(f"the {what} <{iri}> is in no plan's alignment network: it is not a plan element or goal "
                    "of the dataset",
                    message_ja=f"{what_ja} <{iri}> はどの計画の整合性ネットワークにもありません"
                               "（データセットにない IRI か、計画の要素・目標ではありません）。")


def _node(G: nx.DiGraph, n: str, lang: str) -> dict:
    attrs = G.nodes[n] if n in G else {}
    return {"iri": n, "label": node_label(attrs, lang) or n,
            "kind": KIND_STYLE[kind_key(attrs.get("kind"))][lang], "plan": attrs.get("plan")}


@dataclass
class CoverageReport:
    """Elements × goals with labels; ``cells`` hold ``"direct"``, ``"inherited"`` or ``None``."""

    columns: list[dict]
    rows: list[dict]
    lang: str = "ja"

    def header(self, lang: str | None = None) -> list[str]:
        """Column headings for CSV and tables: element, kind, then one per goal."""
        lang = lang or self.lang
        first = ["要素", "種類"] if lang == "ja" else ["element", "kind"]
        return first + [f"{c['upper']}: {c['label']}" if c.get("upper") else c["label"] for c in self.columns]

    def to_json(self) -> dict:
        """A JSON document: goals, elements and cells (IRIs kept, so machines can join)."""
        return {"goals": self.columns, "elements": [{k: v for k, v in r.items() if k != "cells"} | {
            "cells": dict(zip((c["iri"] for c in self.columns), r["cells"]))} for r in self.rows]}

    def to_csv(self) -> bytes:
        """CSV for spreadsheets (UTF-8 with BOM so Excel reads Japanese); formula-like cells neutralised."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow([_safe(h) for h in self.header()] + ["IRI"])
        for r in self.rows:
            w.writerow([_safe(r["label"]), _safe(r["kind"])]
                       + [CELL_TEXT[c][self.lang] if c else "" for c in r["cells"]] + [r["iri"]])
        return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _safe(cell: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def coverage_report(store: Store, *, plan: str | None = None, municipality: str | None = None,
                    lang: str = "ja") -> CoverageReport:
    """The coverage matrix of one plan (or of everything) with labels in ``lang``.

    Rows are in document order (:func:`graph.alignment.outline`): each basic policy followed
    by its measures, each measure by its projects."""
    G = _graph(store, plan, municipality)
    m = al.coverage_matrix(G)
    columns = []
    for g in m.columns:
        col = _node(G, g, lang)
        uppers = [v for _, v, r in G.out_edges(g, data="relation") if r == "goalOf"]
        col["upper"] = node_label(G.nodes[uppers[0]], lang) if uppers else ""
        columns.append(col)
    entries = {e.element: e for e in al.outline(G)}
    rows = [_outline_node(G, entries[e], lang) | {"cells": cells} for e, cells in zip(m.rows, m.cells)]
    return CoverageReport(columns, rows, lang)


def _outline_node(G: nx.DiGraph, entry: al.OutlineEntry, lang: str) -> dict:
    """An element's row in document order: labelled with its numbering path (``1-1-1 …``, so that
    project 1 of one measure is not mistaken for project 1 of another), its depth and parent."""
    row = _node(G, entry.element, lang)
    attrs = {**G.nodes[entry.element], "notation": entry.notation}
    return row | {"label": node_label(attrs, lang) or entry.element, "notation": entry.notation,
                  "depth": entry.depth, "parent": entry.parent}


def gaps_report(store: Store, *, plan: str | None = None, municipality: str | None = None,
                lang: str = "ja") -> list[dict]:
    """Upper-plan goals that nothing serves, each with the upper plan that states it."""
    G = _graph(store, plan, municipality)
    out = []
    for g in al.gaps(G, plan=plan):
        row = _node(G, g, lang)
        uppers = [v for _, v, r in G.out_edges(g, data="relation") if r == "goalOf"]
        row["upper"] = [_node(G, u, lang) for u in uppers]
        out.append(row)
    return out


def orphans_report(store: Store, *, plan: str | None = None, municipality: str | None = None,
                   lang: str = "ja", inherited: bool = True) -> list[dict]:
    """Measures, policies (and other elements) that serve no goal, not even through a parent."""
    G = _graph(store, plan, municipality)
    return [_node(G, e, lang) for e in al.orphans(G, inherited=inherited)]


def explain_report(store: Store, element: str, goal: str, *, plan: str | None = None, lang: str = "ja") -> dict:
    """Why ``element`` serves ``goal``: each path as labelled steps (empty list: it does not).

    Every chain climbs the element's own plan (parents) to a goal it supports, so
    the networks of the plans holding the element are enough (``plan``: that plan's);
    the whole store's network is never read (four minutes on the whole country).

    "No path" is an answer only about two nodes of the network: a value that is no
    IRI is a :class:`~graph.errors.ParameterError` naming ``element``, ``goal`` or
    ``plan``, and an element or goal the network does not hold a
    :class:`~graph.errors.NotFound`, not an empty list a planner would read as "not aligned".
    """
    element = iri_value("element", element, "要素", "Element")
    goal = iri_value("goal", goal, "上位計画の目標", "Upper-plan goal")
    plan = iri_value("plan", plan, "計画", "Plan") if plan else None
    G = scope.plan_graph(store, plan) if plan else scope.node_graph(store, element)
    if element not in G:
        raise _not_in_network("element", element, plan)
    if goal not in G and not al.in_alignment_graph(store, goal):
        raise _not_in_network("goal", goal, None)
    paths = [[{"from": _node(G, s, lang), "relation": r, "relation_label": RELATION_STYLE[relation_key(r)][lang],
               "to": _node(G, t, lang)} for s, r, t in path]
             for path in al.explain(G, element, goal)]
    return {"element": _node(G, element, lang), "goal": _node(G, goal, lang), "paths": paths}
