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
from .viewtext import register

bp = Blueprint("figures", __name__)
register(bp)

#: The plan whose figures are shown when none is asked for (under the configured base IRI).
DEFAULT_PLAN_PATH = "lg/111007/plan/digital-2021"


def _plan() -> str:
    return request.args.get("plan") or get_settings().base_iri + DEFAULT_PLAN_PATH


def _plans(plan: str) -> list[tuple[str, str]]:
    """Plans that have elements, by label, for the plan selector (planners do not type IRIs);
    the asked-for plan is kept even when it has none."""
    from .views import _choices, alignment_graph  # the cached alignment graph

    plans = _choices(alignment_graph(), current_lang())["plan"]
    return plans if any(iri == plan for iri, _ in plans) else [*plans, (plan, plan)]


def query_href(name: str, plan: str) -> str:
    """The named-query page for ``name`` with the plan filled in."""
    return f"/queries/{name}?" + urlencode({"plan": plan})


@bp.get("/figures")
def index():
    """The four figures of Chapter 1, with the plan they are drawn for."""
    plan = _plan()
    return render_template("figures/index.html", figures=fig.FIGURES.values(), plan=plan, plans=_plans(plan))


@bp.get("/figures/<int:number>")
def figure(number: int):
    """One figure, drawn from SPARQL results over the graph."""
    info = fig.figure_info(number)
    plan = _plan()
    store = get_store()
    data: dict = {}
    if number == 1:
        data["groups"] = fig.figure1(store, plan)
        data["roles"] = fig.ROLES
    elif number == 2:
        data["rows"] = fig.figure2(store, plan, lang=current_lang())
        data["conflicts"] = fig.figure2_conflicts(store, plan)
    elif number == 3:
        data["tree"] = fig.figure3(store, plan, lang=current_lang())
        data["measures"] = fig.measure_count(data["tree"])
    else:
        data["timeline"] = fig.figure4(store, plan)
    queries = [(q, query_href(q, plan)) for q in (info.query, *info.extra_queries)]
    plan_label = dict(_plans(plan)).get(plan, plan)
    return render_template(f"figures/figure{number}.html", info=info, plan=plan, plan_label=plan_label,
                           queries=queries, figures=fig.FIGURES.values(), **data)
