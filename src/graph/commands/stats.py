"""``plangraph stats``: what is in the store — triples, graphs, entities per class, plans."""

from __future__ import annotations

import json

import click
import pyoxigraph as ox

from .. import scope
from ..dataset import dataset_statistics
from ..errors import NotFound
from ..queries import get_query, run_named
from ..results import compact_iri, printable
from ..vocab import PREFIXES
from . import CliContext, pass_cli

def collect(store, base_iri: str) -> dict:
    """The numbers ``stats`` prints, as a dict (also its ``--json`` output)."""
    prefixes = {**PREFIXES, "id": base_iri}
    stats = dataset_statistics(store)
    labels = {r["c"].value: r for r in store.query(get_query("_stats-class-labels").text).dicts()}
    classes = []
    for c, n in sorted(stats.classes.items(), key=lambda kv: (-kv[1], kv[0])):
        row = labels.get(c, {})
        classes.append({"class": compact_iri(c, prefixes),
                        "label_ja": printable(row["label_ja"].value) if "label_ja" in row else "",
                        "label_en": printable(row["label_en"].value) if "label_en" in row else "", "entities": n})
    plans = [_plan(r, prefixes) for r in store.query(get_query("_stats-plans").text).dicts()]
    return {"quads": len(store), "triples": stats.triples, "graphs": len(stats.graphs),
            "classes": classes, "plans": plans}


def _plan(row: dict, prefixes: dict) -> dict:
    """One row of ``_stats-plans`` as ``stats`` prints it."""
    return {"plan": compact_iri(row["plan"].value, prefixes),
            "label_ja": printable(row["label"].value) if "label" in row else "",
            "type": compact_iri(row["type"].value, prefixes) if "type" in row else "",
            "elements": int(row["elements"].value)}


def collect_municipality(store, base_iri: str, municipality: str) -> dict:
    """One municipality's plans with their kind and element count (``--municipality``).

    Why: on the whole country the whole-store numbers take about a minute and list
    7,000 plans; a planner asking about one municipality needs neither. Its plans
    are reached from the municipality (``municipality-plans``) and each plan's
    elements counted with the plan bound, so nothing scans the country.
    """
    found = next((m for m in scope.municipalities(store) if municipality.strip() in (m.iri, m.code)), None)
    if found is None:
        raise NotFound(f"no municipality {municipality!r} in the store: give its local government code "
                       "(6 digits, e.g. 111007) or its IRI")
    prefixes = {**PREFIXES, "id": base_iri}
    plan_iris = dict.fromkeys(r["plan"].value for r in run_named(store, "municipality-plans",
                                                                 {"municipality": found.iri}).dicts())
    text = get_query("_stats-plans").text
    plans = [_plan(r, prefixes)
             for iri in plan_iris for r in store.query(text, substitutions={"plan": ox.NamedNode(iri)}).dicts()]
    plans.sort(key=lambda p: (p["label_ja"], p["plan"]))
    return {"municipality": compact_iri(found.iri, prefixes), "label_ja": found.label_ja or "",
            "label_en": found.label_en or "", "code": found.code or "", "plans": plans}


def _width(s: str) -> int:
    import unicodedata  # noqa: PLC0415

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, w: int) -> str:
    return s + " " * max(w - _width(s), 0)


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
@click.option("--municipality", metavar="CODE|IRI",
              help="Only this municipality's plans (by local government code, e.g. 111007, or IRI); "
                   "the whole-store counts are skipped (a minute on a national store).")
@pass_cli
def command(cli: CliContext, as_json: bool, municipality: str | None) -> None:
    """Count what is loaded: triples, named graphs, entities per class (with Japanese labels), plans.

    \b
    Example:
        plangraph stats
        plangraph --data data/sample stats --json
        plangraph stats --municipality 111007
    """
    if municipality is not None:
        data = collect_municipality(cli.store, cli.settings.base_iri, municipality)
        if as_json:
            click.echo(json.dumps(data, ensure_ascii=False, indent=1))
            return
        click.echo(f"自治体 / municipality: {data['label_ja'] or data['label_en']} ({data['code']})  "
                   f"{data['municipality']}")
        _echo_plans(data["plans"])
        return
    data = collect(cli.store, cli.settings.base_iri)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    click.echo(f"トリプル / triples: {data['triples']}  (quads: {data['quads']})")
    click.echo(f"名前付きグラフ / named graphs: {data['graphs']}")
    click.echo("")
    click.echo("クラス別の件数 / entities per class:")
    wc = max((_width(c["class"]) for c in data["classes"]), default=0)
    wl = max((_width(c["label_ja"]) for c in data["classes"]), default=0)
    for c in data["classes"]:
        click.echo(f"  {c['entities']:>6}  {_pad(c['class'], wc)}  {_pad(c['label_ja'], wl)}  "
                   f"{c['label_en']}".rstrip())
    click.echo("")
    _echo_plans(data["plans"])


def _echo_plans(plans: list[dict]) -> None:
    click.echo(f"計画 / plans: {len(plans)}")
    for p in plans:
        click.echo(f"  {p['label_ja'] or p['plan']}  ({p['type']}, 要素 elements: {p['elements']})  {p['plan']}")
