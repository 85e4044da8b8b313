"""Action-plan import: the template downloads and the upload form behind the update token.

The route only parses the request and calls :func:`graph.importer.import_action_plan`,
which checks every row before writing anything. Problems come back on the
same form, each with its row and column, so a planner can fix the sheet and
upload it again.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from graph.actionplan import COLUMNS, template_bytes
from graph import scope
from graph.errors import InputError, ValidationError
from graph.importer import import_action_plan
from graph.queries import run_named
from graph.spreadsheet import column_letter

from . import get_settings, get_store
from .i18n import current_lang, t
from .auth import require_write_token

bp = Blueprint("imports", __name__)

TEMPLATE_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: Plan kinds an action plan can concretize (an action plan does not get one of its own).
TARGET_KINDS = {"ComprehensivePlan", "ImplementationPlan", "Strategy", "SectorPlan"}


def _plans(municipality: str | None = None) -> list[tuple[str, str]]:
    """(label, IRI) of the plans an action plan can be imported into: every plan, or one
    municipality's (``municipality-plans``: a few ms on the whole country, where every
    plan is 7,000 options and 4–7 s)."""
    if municipality:
        rows = run_named(get_store(), "municipality-plans", {"municipality": municipality}).dicts()
    else:
        rows = run_named(get_store(), "plans", {}).dicts()
    out = {}
    for r in rows:
        if r["kind"].value.rsplit("#", 1)[-1] in TARGET_KINDS:
            out[r["plan"].value] = r["planLabel"].value if "planLabel" in r else r["plan"].value
    return sorted(((label, iri) for iri, label in out.items()))


def _form(status: int = 200, *, plan: str | None = None, pick_default: bool = False,
          **context) -> tuple[str, int]:
    """The form. On a store of many municipalities the plans are one municipality's
    (``municipality=``, or the plan's own), chosen first with a selector."""
    store = get_store()
    national = scope.is_national(store, get_settings().whole_network_max_municipalities)
    municipality = groups = None
    if national:
        municipality = request.values.get("municipality") or (scope.plan_municipality(store, plan) if plan else None)
        groups = scope.municipality_groups(store, current_lang())
    plans = _plans(municipality) if municipality or not national else []
    iris = {iri for _, iri in plans}
    if plan not in iris:
        plan = _default_plan(iris) if pick_default and not national else None
    context.setdefault("problems", [])
    # Column letters, as the spreadsheet and the problem messages ("7行 F列") name them.
    columns = [(column_letter(i), c) for i, c in enumerate(COLUMNS)]
    return render_template("imports/form.html", plans=plans, plan=plan, columns=columns,
                           municipality=municipality, municipality_groups=groups,
                           enabled=bool(get_settings().update_token), **context), status


@bp.get("/import")
def import_form():
    """The upload form, the template's columns and the template downloads.
    ``?plan=IRI`` preselects the plan; otherwise the first plan that has basic policies
    (the one an action plan is made for), not the alphabetically first upper plan.
    On a store of many municipalities, ``?municipality=IRI`` lists that municipality's plans."""
    return _form(plan=request.args.get("plan") or None, pick_default=True)


def _default_plan(plans: set[str]) -> str | None:
    """The first plan with elements (a small store: :mod:`graph.scope` reads every plan)."""
    return next((iri for iri, _ in scope.plan_choices(get_store(), "ja") if iri in plans), None)


@bp.get("/import/template.<fmt>")
def template(fmt: str):
    """The empty action-plan template (CSV or XLSX, Japanese headers)."""
    if fmt not in TEMPLATE_MEDIA:
        return Response("unknown template format", status=404, mimetype="text/plain")
    return Response(template_bytes(fmt), mimetype=TEMPLATE_MEDIA[fmt],
                    headers={"Content-Disposition": f"attachment; filename=action-plan-template.{fmt}"})


@bp.post("/import/action-plan")
def import_upload():
    """Import an uploaded sheet: token first, then every check, then one atomic write."""
    require_write_token(allow_form=True)
    upload = request.files.get("file")
    plan = request.form.get("plan", "").strip()
    if upload is None or not upload.filename:
        return _form(400, problems=[t("import.no_file")], plan=plan)
    if not plan:
        return _form(400, problems=[t("import.no_plan")], plan=plan)
    try:
        outcome = import_action_plan(upload.read(), upload.filename, get_store(), plan,
                                     settings=get_settings(), dry_run=bool(request.form.get("dry_run")))
    except ValidationError as exc:
        return _form(400, problems=(exc.report or exc.message).splitlines(), plan=plan)
    except InputError as exc:
        return _form(exc.status, problems=[exc.text(current_lang())], plan=plan)
    _refresh_readers()
    return render_template("imports/done.html", outcome=outcome, plan=plan)


def _refresh_readers() -> None:
    """Tell the query workers (if the app runs any) that the store changed."""
    from flask import current_app  # noqa: PLC0415

    executor = current_app.extensions.get("plangraph.executor")
    if executor is not None and hasattr(executor, "invalidate"):
        executor.invalidate()
