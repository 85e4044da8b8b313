"""Alignment reports: /reports/coverage (HTML, .csv, .json), /reports/gaps, /reports/orphans, /reports/explain.

Routes parse the plan or municipality (:func:`web.views.page_scope`), call
:mod:`graph.reports` and render. The same rows feed the page, the CSV and the
JSON. Without either, a small store reports on every plan; a national store
offers the selectors instead (its whole network takes minutes to build), and
its JSON and CSV routes answer 400.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request

from graph import reports as rp
from graph.errors import ParameterError

from . import get_store
from .i18n import current_lang
from .views import Scope, no_scope_error, page_scope
from .viewtext import register

bp = Blueprint("reports", __name__)
register(bp)


def _scoped(scope: Scope) -> dict:
    """The report functions' scope arguments; a national store with neither plan nor municipality
    has no report of its own (the whole country's network is too big to build)."""
    return {"plan": scope.plan, "municipality": scope.municipality}


def _page(template: str, scope: Scope, **context):
    return render_template(template, plan=scope.plan, scope=scope, scope_args=scope.args(), **context)


def _json_scope() -> Scope:
    scope = page_scope()
    if scope.needs_choice:
        raise no_scope_error()
    return scope


@bp.get("/reports")
def index():
    """The reports, with the plan (or municipality) they are computed for."""
    return _page("reports/index.html", page_scope())


@bp.get("/reports/coverage")
def coverage():
    """Coverage matrix: each element (rows) × each upper-plan goal (columns), direct or inherited."""
    scope = page_scope()
    report = None if scope.needs_choice else rp.coverage_report(get_store(), **_scoped(scope), lang=current_lang())
    return _page("reports/coverage.html", scope, report=report, cell_text=rp.CELL_TEXT)


@bp.get("/reports/coverage.csv")
def coverage_csv():
    """The coverage matrix as CSV (UTF-8 with BOM, formula-like cells neutralised)."""
    body = rp.coverage_report(get_store(), **_scoped(_json_scope()), lang=current_lang()).to_csv()
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="plangraph-coverage.csv"'})


@bp.get("/reports/coverage.json")
def coverage_json():
    """The coverage matrix as JSON (goals, elements, cells keyed by goal IRI)."""
    return jsonify(rp.coverage_report(get_store(), **_scoped(_json_scope()), lang=current_lang()).to_json())


@bp.get("/reports/gaps")
def gaps():
    """Upper-plan goals that nothing serves."""
    scope = page_scope()
    rows = [] if scope.needs_choice else rp.gaps_report(get_store(), **_scoped(scope), lang=current_lang())
    return _page("reports/list.html", scope, kind="gaps", rows=rows)


@bp.get("/reports/gaps.json")
def gaps_json():
    """The gaps as JSON."""
    return jsonify({"gaps": rp.gaps_report(get_store(), **_scoped(_json_scope()), lang=current_lang())})


@bp.get("/reports/orphans")
def orphans():
    """Measures and policies that serve no goal, not even through a parent element."""
    scope = page_scope()
    rows = [] if scope.needs_choice else rp.orphans_report(get_store(), **_scoped(scope), lang=current_lang())
    return _page("reports/list.html", scope, kind="orphans", rows=rows)


@bp.get("/reports/orphans.json")
def orphans_json():
    """The orphans as JSON."""
    return jsonify({"orphans": rp.orphans_report(get_store(), **_scoped(_json_scope()), lang=current_lang())})


@bp.get("/reports/explain")
def explain():
    """The chains of edges that make an element serve a goal (``element`` and ``goal`` are IRIs).

    Read from the networks of the plans that hold the element (or of ``plan`` when given)."""
    element, goal = request.args.get("element", ""), request.args.get("goal", "")
    plan = request.args.get("plan") or None
    result = None
    if element or goal:
        if not (element and goal):
            raise ParameterError("give both element and goal (IRIs)",
                                 message_ja="element（要素）と goal（上位計画の目標）の両方を IRI で指定してください。")
        result = rp.explain_report(get_store(), element, goal, plan=plan, lang=current_lang())
    if request.args.get("format") == "json" and result is not None:
        return jsonify(result)
    return render_template("reports/explain.html", result=result, element=element, goal=goal, plan=None,
                           scope=None, scope_args={})
