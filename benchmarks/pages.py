"""Time the pages of the app on an on-disk store (the whole country), read-only.

Not a test: a script that prints a table. It opens the store with
``pyoxigraph.Store.read_only`` (nothing is ever written to it), builds the app
around it, picks a municipality and one of its plans by query
(:mod:`graph.scope`), and times the first and the second request of each page
through Flask's test client. The first request of a page pays for the plan's
network and the municipality list (kept per store version afterwards); the
second shows what a planner waits for when moving between pages.

It also counts how often the whole store's alignment network was built: on a
national store the pages must never do it (about four minutes on the whole
country), so the count must be 0. Last, it builds the search index and times
searches (the first search on a big store answers "being built" after 3 s).

    python3 benchmarks/pages.py                       # /tmp/plangraph-bench/store-1741-seed1
    python3 benchmarks/pages.py --store DIR --municipality IRI --plan IRI
    python3 benchmarks/pages.py --store-url http://127.0.0.1:7878/query   # the app on an external server
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

DEFAULT_STORE = Path("/tmp/plangraph-bench/store-1741-seed1")


def _pick(store, municipality: str | None, plan: str | None) -> tuple[str, str]:
    """A municipality (the middle one in code order, away from any cache of the first) and its first plan."""
    from graph import scope

    if municipality is None:
        towns = scope.municipalities(store)
        municipality = towns[len(towns) // 2].iri
    if plan is None:
        plan = scope.plan_choices(store, "ja", municipality=municipality)[0][0]
    return municipality, plan


def _pages(municipality: str, plan: str, element: str, goal: str | None) -> list[tuple[str, str]]:
    def q(path: str, **params: str) -> str:
        return path + ("?" + urlencode(params) if params else "")

    pages = [
        ("views (no choice: selectors)", q("/views")),
        ("views, plan (builds its network)", q("/views", plan=plan)),
        ("views data.json, plan", q("/views/data.json", plan=plan)),
        ("views ego, policy, depth 2", q("/views/ego", node=element, depth="2")),
        ("views, municipality (its other plans)", q("/views", municipality=municipality)),
        ("figures (no choice: selectors)", q("/figures")),
        ("figures, municipality", q("/figures", municipality=municipality)),
        ("figures/1, plan", q("/figures/1", plan=plan)),
        ("figures/2, plan", q("/figures/2", plan=plan)),
        ("figures/3, plan", q("/figures/3", plan=plan)),
        ("figures/4, plan", q("/figures/4", plan=plan)),
        ("reports (no choice: selectors)", q("/reports")),
        ("reports/coverage, plan", q("/reports/coverage", plan=plan)),
        ("reports/coverage, municipality", q("/reports/coverage", municipality=municipality)),
        ("reports/coverage.csv, plan", q("/reports/coverage.csv", plan=plan)),
        ("reports/gaps, plan", q("/reports/gaps", plan=plan)),
        ("reports/orphans, plan", q("/reports/orphans", plan=plan)),
    ]
    if goal:
        pages.append(("reports/explain", q("/reports/explain", element=element, goal=goal)))
    base = "https://w3id.org/plangraph/id/"
    pages += [
        ("home (counts in the background)", q("/")),
        ("dataset (counts in the background)", q("/dataset")),
        ("import (no choice: municipality first)", q("/import")),
        ("import, municipality", q("/import", municipality=municipality)),
        ("entity page, plan", "/id/" + plan[len(base):]),
        ("entity page, municipality", "/id/" + municipality[len(base):]),
        ("search (index being built: 503)", q("/search", q="施策")),
    ]
    return pages


def _search(client, store) -> None:
    """The search index: its build, then searches of a common and a rarer word."""
    from graph.search import label_index

    t = time.perf_counter()
    index = label_index(store)
    print(f"\nsearch index: {len(index):,} labels built in {time.perf_counter() - t:.1f} s")
    print("| search | status | first (ms) | second (ms) |\n|---|---:|---:|---:|")
    for words in ("施策", "デジタル", "施策1 充実", "ict", "Measure 3", "該当なし"):
        times, status = [], 0
        for _ in range(2):
            t = time.perf_counter()
            status = client.get("/search?" + urlencode({"q": words})).status_code
            times.append((time.perf_counter() - t) * 1000)
        print(f"| {words} | {status} | {times[0]:,.0f} | {times[1]:,.0f} |")


def main(argv: list[str] | None = None) -> int:
    """Open the store read-only, time each page twice, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, default=DEFAULT_STORE, help="folder of an on-disk pyoxigraph store")
    ap.add_argument("--municipality", help="municipality IRI (default: picked by query)")
    ap.add_argument("--plan", help="plan IRI (default: the municipality's first plan)")
    ap.add_argument("--store-url", help="an external SPARQL server's query URL instead of --store")
    args = ap.parse_args(argv)
    if not args.store_url and not args.store.is_dir():
        print(f"{args.store}: no such store (build it with benchmarks/bench.py)", file=sys.stderr)
        return 2

    import graph.alignment as al
    import graph.memo as memo_module
    from graph.store import EmbeddedStore
    from web import create_app

    whole_builds = []
    build = al.alignment_graph

    def counting(store, *, plan=None):
        if plan is None:
            whole_builds.append(time.perf_counter())
        return build(store, plan=plan)

    al.alignment_graph = counting  # count (never prevent) whole-store builds

    t0 = time.perf_counter()
    if args.store_url:
        from graph.remote import RemoteStore

        store = RemoteStore(args.store_url)  # the app's own deadline: 10 s per query
    else:
        store = EmbeddedStore(args.store, read_only=True)
    app = create_app({"TESTING": True}, store=store)
    opened = time.perf_counter() - t0
    client = app.test_client()
    t0 = time.perf_counter()
    municipality, plan = _pick(store, args.municipality, args.plan)
    picked = time.perf_counter() - t0
    from graph import scope

    G = scope.plan_graph(store, plan)
    element = next((n for n, k in G.nodes(data="kind") if k == "BasicPolicy"), plan)
    goal = next((g for _, g, r in G.out_edges(element, data="relation") if r == "supports"), None)
    print(f"store {args.store_url or args.store} (read-only), opened with the app in {opened:.2f} s; "
          f"{len(scope.municipalities(store)):,} municipalities; picked in {picked:.2f} s")
    print(f"municipality {municipality}\nplan         {plan} ({G.number_of_nodes()} nodes)\n")
    # The pick warmed the municipality list and the plan's network: start the pages cold.
    memo_module._MEMO.clear()
    memo_module._BOUNDED.clear()

    print("| page | status | first (ms) | second (ms) | KiB |\n|---|---:|---:|---:|---:|")
    for name, path in _pages(municipality, plan, element, goal):
        times, status, size = [], 0, 0
        for _ in range(2):
            t = time.perf_counter()
            r = client.get(path)
            times.append((time.perf_counter() - t) * 1000)
            status, size = r.status_code, len(r.get_data())
        print(f"| {name} | {status} | {times[0]:,.0f} | {times[1]:,.0f} | {size / 1024:,.0f} |")
    print(f"\nwhole-store alignment networks built: {len(whole_builds)}")
    _search(client, store)
    app.extensions["plangraph.executor"].close()
    return 0 if not whole_builds else 1


if __name__ == "__main__":
    sys.exit(main())
