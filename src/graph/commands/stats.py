"""``plangraph stats``: what is in the store — triples, graphs, entities per class, plans."""

from __future__ import annotations

import json

import click

from ..dataset import dataset_statistics
from ..queries import get_query
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
    plans = [{"plan": compact_iri(r["plan"].value, prefixes),
              "label_ja": printable(r["label"].value) if "label" in r else "",
              "type": compact_iri(r["type"].value, prefixes) if "type" in r else "",
              "elements": int(r["elements"].value)} for r in store.query(get_query("_stats-plans").text).dicts()]
    return {"quads": len(store), "triples": stats.triples, "graphs": len(stats.graphs),
            "classes": classes, "plans": plans}


def _width(s: str) -> int:
    import unicodedata  # noqa: PLC0415

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, w: int) -> str:
    return s + " " * max(w - _width(s), 0)


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
@pass_cli
def command(cli: CliContext, as_json: bool) -> None:
    """Count what is loaded: triples, named graphs, entities per class (with Japanese labels), plans.

    \b
    Example:
        plangraph stats
        plangraph --data data/sample stats --json
    """
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
    click.echo(f"計画 / plans: {len(data['plans'])}")
    for p in data["plans"]:
        click.echo(f"  {p['label_ja'] or p['plan']}  ({p['type']}, 要素 elements: {p['elements']})  {p['plan']}")
