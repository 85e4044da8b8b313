"""Network views: /views (alignment view with filters), /views/ego, their JSON and downloads.

The page never uses pyvis's HTML: it renders through this app's autoescaped
template, passes the nodes and edges as a JSON data block (not executed; the
CSP allows it) and draws them with the vendored vis-network from a static
script. PNG downloads are made in the browser from the canvas; RDF and
GraphML come from :mod:`graph.network`.
"""

from __future__ import annotations

from urllib.parse import quote

import networkx as nx
from flask import Blueprint, Response, jsonify, render_template, request, url_for

from graph import network as nw
from graph.errors import ParameterError
from graph.memo import memo

from . import get_settings, get_store
from .i18n import current_lang
from .viewtext import register

bp = Blueprint("views", __name__)
register(bp)

MAX_DEPTH = 5


def alignment_graph() -> nx.DiGraph:
    """The store's alignment graph, built once per version of the store (:mod:`graph.memo`).

    A write through the app (update, upload, import) changes the version, so
    the next view shows it; building it reads every element of every plan.
    """
    from graph.alignment import alignment_graph as build

    return memo(get_store(), "views.alignment_graph", build)


def entity_url(iri: str) -> str | None:
    """``base_iri + path`` ↔ ``/id/path``: the entity page of a node, or None outside the base."""
    base = get_settings().base_iri
    if iri.startswith(base) and len(iri) > len(base):
        return "/id/" + quote(iri[len(base):], safe="/-._~")
    return None


def _filters() -> dict[str, str | None]:
    return {k: (request.args.get(k) or None) for k in ("plan", "upper", "policy")}


def _depth() -> int:
    raw = request.args.get("depth", "1")
    try:
        depth = int(raw)
    except ValueError:
        raise ParameterError(f"depth は整数で指定してください / depth must be a whole number: {raw!r}") from None
    return max(0, min(MAX_DEPTH, depth))


def _selected(G: nx.DiGraph) -> nx.DiGraph:
    """The part of the alignment graph the request asks for (ego if ``node`` is given, else filters)."""
    node = request.args.get("node")
    if node is not None:
        # Nodes expanded on the ego page (``expand=``, repeatable) add their depth-1
        # neighbourhoods, as the page drew them, so downloads hold what it shows.
        return nx.compose_all([nw.ego(G, node, _depth())] + [nw.ego(G, e, 1) for e in request.args.getlist("expand")])
    f = _filters()
    return nw.narrow(G, plan=f["plan"], upper_plan=f["upper"], policy=f["policy"])


def _view(sub: nx.DiGraph) -> nw.View:
    # Ego views (and their expansions) keep each class at a fixed x so added nodes line up.
    return nw.build_view(sub, lang=current_lang(), max_nodes=get_settings().max_view_nodes, entity_url=entity_url,
                         compact="node" not in request.args)


def _choices(G: nx.DiGraph, lang: str, plan: str | None = None) -> dict[str, list[tuple[str, str]]]:
    """Filter options: plans that have elements, upper plans (that state goals), basic policies.

    With a plan chosen, only its upper plans and its policies are offered (another plan's
    policy would empty the view); without one, each policy names its plan, since every
    plan has a "(1)"."""
    element_kinds = {"basicphilosophy", "basicpolicy", "measure", "project"}
    plans = {p for _, a in G.nodes(data=True) if (p := a.get("plan")) and nw.kind_key(a.get("kind")) in element_kinds}
    uppers = {v for u, v, r in G.edges(data="relation") if nw.local_name(r) == "goalOf"}
    policies = {n for n, k in G.nodes(data="kind") if nw.kind_key(k) == "basicpolicy"}
    if plan:
        # its upper plans: named as such, or stating a goal one of its elements supports
        mine = {v for _, v, r in G.out_edges(plan, data="relation") if nw.local_name(r) == "upperPlan"} if plan in G else set()
        goals = {g for n, a in G.nodes(data=True) if a.get("plan") == plan
                 for _, g, r in G.out_edges(n, data="relation") if nw.local_name(r) == "supports"}
        mine |= {u for g in goals for _, u, r in G.out_edges(g, data="relation") if nw.local_name(r) == "goalOf"}
        uppers &= mine
        policies = {n for n in policies if G.nodes[n].get("plan") == plan}

    def label(n: str) -> str:
        return nw.node_label(G.nodes[n], lang) if n in G else n

    def opts(nodes: set[str], with_plan: bool = False) -> list[tuple[str, str]]:
        return sorted(((n, f"{label(n)} — {label(G.nodes[n]['plan'])}" if with_plan and G.nodes[n].get("plan")
                        else label(n)) for n in nodes), key=lambda t: t[1])

    return {"plan": opts(plans), "upper": opts(uppers), "policy": opts(policies, with_plan=not plan)}


def _download_args() -> dict[str, str | list[str]]:
    args: dict[str, str | list[str]] = {k: v for k, v in request.args.items()
                                        if k in ("plan", "upper", "policy", "node", "depth", "lang") and v}
    if "node" in args and (expanded := request.args.getlist("expand")):
        args["expand"] = expanded
    return args


@bp.get("/views")
def view_page():
    """The alignment view: measures → policies → philosophy → upper-plan goals → upper plans → law."""
    G = alignment_graph()
    view = _view(_selected(G))
    return render_template("views/view.html", view=view, filters=_filters(),
                           choices=_choices(G, current_lang(), _filters()["plan"]),
                           data_url=url_for("views.view_data", **_download_args()),
                           downloads=_download_args(), ego=None)


@bp.get("/views/ego")
def ego_page():
    """The neighbourhood of one node to a chosen depth; "expand" adds a node's neighbours in place."""
    node = request.args.get("node", "")
    depth = _depth()
    G = alignment_graph()
    view = _view(nw.ego(G, node, depth))
    view.legend = nw.full_legend(current_lang())  # expanding may bring in any class
    label = nw.node_label(G.nodes[node], current_lang()) if node in G else ""
    return render_template("views/view.html", view=view, filters=_filters(), choices=None,
                           data_url=url_for("views.view_data", **_download_args()),
                           downloads=_download_args(), ego={"node": node, "depth": depth, "label": label,
                                                            "known": node in G, "url": entity_url(node)})


@bp.get("/views/data.json")
def view_data():
    """The nodes, edges and options of a view (same parameters as the pages) as JSON."""
    return jsonify(_view(_selected(alignment_graph())).to_json())


@bp.get("/views/download.ttl")
def download_turtle():
    """The RDF (Turtle) of what a view shows."""
    body = nw.view_turtle(_capped(_selected(alignment_graph())))
    return Response(body, mimetype="text/turtle",
                    headers={"Content-Disposition": 'attachment; filename="plangraph-view.ttl"'})


@bp.get("/views/download.graphml")
def download_graphml():
    """The GraphML of what a view shows (networkx)."""
    body = nw.view_graphml(_capped(_selected(alignment_graph())))
    return Response(body, mimetype="application/graphml+xml",
                    headers={"Content-Disposition": 'attachment; filename="plangraph-view.graphml"'})


def _capped(sub: nx.DiGraph) -> nx.DiGraph:
    """The same nodes the page shows when the cap applies."""
    ids = {n["id"] for n in _view(sub).nodes}
    return sub.subgraph(ids)
