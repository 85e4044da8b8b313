"""Network views: /views (alignment view with filters), /views/ego, their JSON and downloads.

The page never uses pyvis's HTML: it renders through this app's autoescaped
template, passes the nodes and edges as a JSON data block (not executed; the
CSP allows it) and draws them with the vendored vis-network from a static
script. PNG downloads are made in the browser from the canvas; RDF and
GraphML come from :mod:`graph.network`.

Which network a request draws, and which municipality and plan selectors the
views, figures and reports pages offer, is decided here once
(:func:`page_scope`, :func:`scoped_graph`) from :mod:`graph.scope`: a chosen
plan builds only its own network, and a store of many municipalities never
has its whole network built (four minutes on the whole country).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

import networkx as nx
from flask import Blueprint, Response, jsonify, render_template, request, url_for

from graph import network as nw
from graph import scope as sc
from graph.errors import ParameterError

from . import get_settings, get_store
from .i18n import current_lang
from .viewtext import register

bp = Blueprint("views", __name__)
register(bp)

MAX_DEPTH = 5

def no_scope_error() -> ParameterError:
    """What the JSON and download routes of a national store say when given neither plan nor municipality."""
    return ParameterError("give a municipality or a plan (municipality= or plan=): the whole store's network "
                          "is too big to build",
                          message_ja="自治体または計画を指定してください（municipality= または plan=）。"
                                     "全体のネットワークは大きすぎて作りません。")


def alignment_graph() -> nx.DiGraph:
    """The whole store's alignment graph, built once per version of the store (:mod:`graph.memo`).

    A write through the app (update, upload, import) changes the version, so
    the next view shows it; building it reads every element of every plan, so
    the pages call it only on stores that are not national (:func:`page_scope`).
    """
    return sc.whole_graph(get_store())


@dataclass
class Scope:
    """What a views, figures or reports page is about, and the selectors it offers.

    ``municipalities`` is empty when the store has only one (the page looks as
    before); ``national`` is true when the whole network must not be built
    (:func:`graph.scope.is_national`), and then a page without a plan or
    municipality offers the selectors and says why (``needs_choice``).
    """

    plan: str | None
    municipality: str | None
    plans: list[tuple[str, str]]
    municipalities: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)  # by prefecture
    national: bool = False
    count: int = 0
    choose_first: bool = False  # set by a page that fills in a default plan (figures)

    @property
    def needs_choice(self) -> bool:
        return self.choose_first or (self.national and not (self.plan or self.municipality))

    def args(self) -> dict[str, str]:
        """The query parameters that keep this scope in links (plan, else municipality)."""
        if self.plan:
            return {"plan": self.plan}
        return {"municipality": self.municipality} if self.municipality else {}


def page_scope() -> Scope:
    """The scope a request asks for (``plan=``, ``municipality=``), with the choices to offer.

    A plan given alone preselects its municipality. A plan given with a
    municipality that does not list it (the planner has just picked another
    municipality in the form) is dropped.
    """
    store, settings = get_store(), get_settings()
    lang = current_lang()
    plan = request.args.get("plan") or None
    municipality = request.args.get("municipality") or None
    towns = sc.municipalities(store)
    if municipality is None and plan and len(towns) > 1:
        municipality = sc.plan_municipality(store, plan)
    national = sc.is_national(store, settings.whole_network_max_municipalities)
    if municipality:
        plans = sc.plan_choices(store, lang, municipality=municipality)
        if plan and not any(iri == plan for iri, _ in plans) and request.args.get("municipality"):
            plan = None
    else:
        plans = [] if national else sc.plan_choices(store, lang)
    if plan and not any(iri == plan for iri, _ in plans):
        plans = [*plans, (plan, plan)]  # a plan asked for by IRI stays selectable
    return Scope(plan, municipality, plans, sc.municipality_groups(store, lang) if len(towns) > 1 else [],
                 national, len(towns))


def scoped_graph(scope: Scope) -> nx.DiGraph | None:
    """The alignment network a request needs: its plan's, its municipality's, around its node
    (national stores), or the whole store's (small stores); None when a national store was
    given neither plan nor municipality."""
    store = get_store()
    node = request.args.get("node")
    if node is not None and scope.national:
        if scope.plan:
            return sc.plan_graph(store, scope.plan)
        return sc.node_graph(store, node) if node else nx.DiGraph()
    if node is not None:
        return alignment_graph()  # small store: the neighbourhood may cross plans
    if scope.plan:
        return sc.plan_graph(store, scope.plan)
    if scope.municipality:
        return sc.municipality_graph(store, scope.municipality)
    return None if scope.national else alignment_graph()


def _required_graph(scope: Scope) -> nx.DiGraph:
    G = scoped_graph(scope)
    if G is None:
        raise no_scope_error()
    return G


def entity_url(iri: str) -> str | None:
    """``base_iri + path`` ↔ ``/id/path``: the entity page of a node, or None outside the base."""
    base = get_settings().base_iri
    if iri.startswith(base) and len(iri) > len(base):
        return "/id/" + quote(iri[len(base):], safe="/-._~")
    return None


def _filters(scope: Scope) -> dict[str, str | None]:
    return {"plan": scope.plan, "municipality": scope.municipality,
            **{k: (request.args.get(k) or None) for k in ("upper", "policy")}}


def _depth() -> int:
    raw = request.args.get("depth", "1")
    try:
        depth = int(raw)
    except ValueError:
        raise ParameterError(f"depth must be a whole number, not {raw!r}",
                             message_ja=f"depth は整数で指定してください（「{raw}」は整数ではありません）。") from None
    return max(0, min(MAX_DEPTH, depth))


def _selected(G: nx.DiGraph, scope: Scope) -> nx.DiGraph:
    """The part of the alignment graph the request asks for (ego if ``node`` is given, else filters)."""
    node = request.args.get("node")
    if node is not None:
        # Nodes expanded on the ego page (``expand=``, repeatable) add their depth-1
        # neighbourhoods, as the page drew them, so downloads hold what it shows.
        return nx.compose_all([nw.ego(G, node, _depth())] + [nw.ego(G, e, 1) for e in request.args.getlist("expand")])
    f = _filters(scope)
    return nw.narrow(G, plan=f["plan"], upper_plan=f["upper"], policy=f["policy"])


def _view(sub: nx.DiGraph) -> nw.View:
    # Ego views (and their expansions) keep each class at a fixed x so added nodes line up.
    return nw.build_view(sub, lang=current_lang(), max_nodes=get_settings().max_view_nodes, entity_url=entity_url,
                         compact="node" not in request.args)


def _choices(G: nx.DiGraph, lang: str, scope: Scope | str | None = None) -> dict[str, list[tuple[str, str]]]:
    """Filter options: plans (from :func:`page_scope`, asked of the store), upper plans (that
    state goals) and basic policies of the network shown.

    With a plan chosen, only its upper plans and its policies are offered (another plan's
    policy would empty the view); without one, each policy names its plan, since every
    plan has a "(1)". Given a plan IRI or nothing instead of a :class:`Scope` (the import
    page's older call), the plans are those of ``G`` that have elements."""
    plan = scope.plan if isinstance(scope, Scope) else scope
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

    if isinstance(scope, Scope):
        plans = scope.plans
    else:
        kinds = {"basicphilosophy", "basicpolicy", "measure", "project"}
        plans = opts({p for _, a in G.nodes(data=True) if (p := a.get("plan")) and nw.kind_key(a.get("kind")) in kinds})
    return {"plan": plans, "upper": opts(uppers), "policy": opts(policies, with_plan=not plan)}


def _download_args() -> dict[str, str | list[str]]:
    args: dict[str, str | list[str]] = {k: v for k, v in request.args.items()
                                        if k in ("plan", "municipality", "upper", "policy", "node", "depth", "lang")
                                        and v}
    if "node" in args and (expanded := request.args.getlist("expand")):
        args["expand"] = expanded
    return args


@bp.get("/views")
def view_page():
    """The alignment view: measures → policies → philosophy → upper-plan goals → upper plans → law.

    On a national store with neither plan nor municipality chosen, the selectors and why."""
    scope = page_scope()
    G = scoped_graph(scope)
    view = _view(_selected(G, scope)) if G is not None else None
    return render_template("views/view.html", view=view, filters=_filters(scope), scope=scope,
                           choices=_choices(G if G is not None else nx.DiGraph(), current_lang(), scope),
                           data_url=url_for("views.view_data", **_download_args()),
                           downloads=_download_args(), ego=None)


@bp.get("/views/ego")
def ego_page():
    """The neighbourhood of one node to a chosen depth; "expand" adds a node's neighbours in place.

    On a national store it is drawn within the networks of the plans that hold the node. A node
    not in the network answers 404 with the form and one message saying so."""
    node = request.args.get("node", "")
    depth = _depth()
    scope = page_scope()
    G = _required_graph(scope)
    known = node in G
    # An unknown node gets one message and the form, not an empty drawing, legend and node list.
    view = _view(nw.ego(G, node, depth)) if known else None
    label = nw.node_label(G.nodes[node], current_lang()) if known else ""
    page = render_template("views/view.html", view=view, filters=_filters(scope), choices=None, scope=scope,
                           node_plans=sc.NODE_PLANS, legend_all=nw.full_legend(current_lang()),
                           data_url=url_for("views.view_data", **_download_args()),
                           downloads=_download_args(), ego={"node": node, "depth": depth, "label": label,
                                                            "known": known, "url": entity_url(node)})
    return page, 404 if node and not known else 200


@bp.get("/views/data.json")
def view_data():
    """The nodes, edges and options of a view (same parameters as the pages) as JSON."""
    scope = page_scope()
    return jsonify(_view(_selected(_required_graph(scope), scope)).to_json())


@bp.get("/views/download.ttl")
def download_turtle():
    """The RDF (Turtle) of what a view shows."""
    scope = page_scope()
    body = nw.view_turtle(_capped(_selected(_required_graph(scope), scope)))
    return Response(body, mimetype="text/turtle",
                    headers={"Content-Disposition": 'attachment; filename="plangraph-view.ttl"'})


@bp.get("/views/download.graphml")
def download_graphml():
    """The GraphML of what a view shows (networkx)."""
    scope = page_scope()
    body = nw.view_graphml(_capped(_selected(_required_graph(scope), scope)))
    return Response(body, mimetype="application/graphml+xml",
                    headers={"Content-Disposition": 'attachment; filename="plangraph-view.graphml"'})


def _capped(sub: nx.DiGraph) -> nx.DiGraph:
    """The same nodes the page shows when the cap applies."""
    ids = {n["id"] for n in _view(sub).nodes}
    return sub.subgraph(ids)
