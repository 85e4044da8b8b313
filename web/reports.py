"""Alignment reports: /reports/coverage (HTML, .csv, .json), /reports/gaps, /reports/orphans, /reports/explain.

Routes parse the plan (optional; all plans when empty), call :mod:`graph.reports`
and render. The same rows feed the page, the CSV and the JSON.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request

from graph import reports as rp
from graph.errors import ParameterError

from . import get_store
from .i18n import current_lang
from .viewtext import register

bp = Blueprint("reports", __name__)
register(bp)


def _plan() -> str | None:
    return request.args.get("plan") or None


def _plans() -> list[tuple[str, str]]:
    """Plans that have elements, for the plan selector."""
    from .views import _choices, alignment_graph  # the cached alignment graph

    return _choices(alignment_graph(), current_lang())["plan"]


@bp.get("/reports")
def index():
    """The reports, with the plan they are computed for."""
    return render_template("reports/index.html", plan=_plan(), plans=_plans())


@bp.get("/reports/coverage")
def coverage():
    """Coverage matrix: each element (rows) × each upper-plan goal (columns), direct or inherited."""
    report = rp.coverage_report(get_store(), plan=_plan(), lang=current_lang())
    return render_template("reports/coverage.html", report=report, plan=_plan(), plans=_plans(),
                           cell_text=rp.CELL_TEXT)


@bp.get("/reports/coverage.csv")
def coverage_csv():
    """The coverage matrix as CSV (UTF-8 with BOM, formula-like cells neutralised)."""
    body = rp.coverage_report(get_store(), plan=_plan(), lang=current_lang()).to_csv()
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="plangraph-coverage.csv"'})


@bp.get("/reports/coverage.json")
def coverage_json():
    """The coverage matrix as JSON (goals, elements, cells keyed by goal IRI)."""
    return jsonify(rp.coverage_report(get_store(), plan=_plan(), lang=current_lang()).to_json())


@bp.get("/reports/gaps")
def gaps():
    """Upper-plan goals that nothing serves."""
    rows = rp.gaps_report(get_store(), plan=_plan(), lang=current_lang())
    return render_template("reports/list.html", kind="gaps", rows=rows, plan=_plan(), plans=_plans())


@bp.get("/reports/gaps.json")
def gaps_json():
    """The gaps as JSON."""
    return jsonify({"gaps": rp.gaps_report(get_store(), plan=_plan(), lang=current_lang())})


@bp.get("/reports/orphans")
def orphans():
    """Measures and policies that serve no goal, not even through a parent element."""
    rows = rp.orphans_report(get_store(), plan=_plan(), lang=current_lang())
    return render_template("reports/list.html", kind="orphans", rows=rows, plan=_plan(), plans=_plans())


@bp.get("/reports/orphans.json")
def orphans_json():
    """The orphans as JSON."""
    return jsonify({"orphans": rp.orphans_report(get_store(), plan=_plan(), lang=current_lang())})


@bp.get("/reports/explain")
def explain():
    """The chains of edges that make an element serve a goal (``element`` and ``goal`` are IRIs)."""
    element, goal = request.args.get("element", ""), request.args.get("goal", "")
    result = None
    if element or goal:
        if not (element and goal):
            raise ParameterError("element と goal の両方を指定してください / give both element and goal")
        result = rp.explain_report(get_store(), element, goal, lang=current_lang())
    if request.args.get("format") == "json" and result is not None:
        return jsonify(result)
    return render_template("reports/explain.html", result=result, element=element, goal=goal, plan=None, plans=[])
