"""The plan's figures (図表1–4), rebuilt from the graph: /figures and /figures/1..4.

Routes only pick the plan and call :mod:`graph.figures`; each page links to
the named query that built it, so a planner can check (and reuse) the question.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template, request

from graph import figures as fig

from . import get_settings, get_store
from .i18n import current_lang
from .views import Scope, page_scope
from .viewtext import register

bp = Blueprint("figures", __name__)
register(bp)

#: The plan whose figures are shown when none is asked for (under the configured base IRI).
DEFAULT_PLAN_PATH = "lg/111007/plan/digital-2021"


def _scope() -> Scope:
    """The plan to draw and the selectors: ``plan=``, else the chosen municipality's first plan,
    else the Saitama plan (under the configured base IRI). ``needs_choice`` stays as the request
    left it, so a national store's index still says to choose a municipality."""
    scope = page_scope()
    if scope.plan is None:
        choose = scope.needs_choice
        scope.plan = scope.plans[0][0] if scope.municipality and scope.plans else \
            get_settings().base_iri + DEFAULT_PLAN_PATH
        if not choose and not any(iri == scope.plan for iri, _ in scope.plans):
            scope.plans = [*scope.plans, (scope.plan, scope.plan)]
        scope.choose_first = choose
    return scope


def query_href(name: str, plan: str) -> str:
    """The named-query page for ``name`` with the plan filled in."""
    return f"/queries/{name}?" + urlencode({"plan": plan})


@bp.get("/figures")
def index():
    """The four figures of Chapter 1, with the plan they are drawn for (404 for a ``plan=`` that is no plan)."""
    scope = _scope()
    if request.args.get("plan"):
        fig.require_plan(get_store(), scope.plan)
    return render_template("figures/index.html", figures=fig.FIGURES.values(), plan=scope.plan, plans=scope.plans,
                           scope=scope)


@bp.get("/figures/<int:number>")
def figure(number: int):
    """One figure, drawn from SPARQL results over the graph; 404 when the plan is not in the graph."""
    info = fig.figure_info(number)
    scope = _scope()
    store = get_store()
    plan = fig.require_plan(store, scope.plan)
    data: dict = {}
    if number == 1:
        data["groups"] = fig.figure1(store, plan)
        data["roles"] = fig.ROLES
    elif number == 2:
        data["rows"] = fig.figure2(store, plan, lang=current_lang())
        data["conflicts"] = fig.figure2_conflicts(store, plan, lang=current_lang())
    elif number == 3:
        data["tree"] = fig.figure3(store, plan, lang=current_lang())
        data["measures"] = fig.measure_count(data["tree"])
    else:
        data["timeline"] = fig.figure4(store, plan)
    queries = [(q, query_href(q, plan)) for q in (info.query, *info.extra_queries)]
    plan_label = dict(scope.plans).get(plan, plan)
    return render_template(f"figures/figure{number}.html", info=info, plan=plan, plan_label=plan_label,
                           queries=queries, figures=fig.FIGURES.values(), **data)
