"""PlanGraph on an external SPARQL server: what the app does there at scale (a script, not a test).

``bench.py`` measures the embedded store. This script measures the same
library on a :class:`graph.remote.RemoteStore` (Oxigraph server, Virtuoso) that
already holds a synthetic national graph, pushed with ``plangraph push``:

  * the graph list and the quad count (what the dataset page asks first);
  * every named query through ``RemoteStore`` (median of ``--repeat`` runs
    after a warm-up, rows counted), with the parameters ``bench.py`` uses;
  * the search index build (:class:`graph.search.LabelIndex`: every label of
    the store, read one named graph at a time) and one search in it;
  * an N-Quads export read to the end (:func:`graph.export.iter_export`, one
    named graph at a time): time to the first chunk, total time, size.

Each of the last three runs in a fresh process, so its peak RSS is its own.
The store is opened with a 600 s query deadline, so long queries are timed
(the app stops them at its ``query_timeout_ms``, 10 s by default).

    plangraph generate --municipalities 256 --seed 1 --out /tmp/synthetic-256.nq
    plangraph push --store-url http://127.0.0.1:7878/query --update-url http://127.0.0.1:7878/update \\
        --gsp-url http://127.0.0.1:7878/store --data /tmp/synthetic-256.nq
    python3 benchmarks/remote.py --store-url http://127.0.0.1:7878/query
    python3 benchmarks/remote.py --store-url http://127.0.0.1:8890/sparql --queries plans,coverage
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "benchmarks")]

TIMEOUT_S = 600.0


def _store(url: str):
    from graph.remote import RemoteStore

    return RemoteStore(url, timeout_s=TIMEOUT_S)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step_queries(url: str, repeat: int, only: str) -> dict:
    from bench_child import median_ms, pick_params, query_params, store_runner
    from graph.queries import list_queries

    store = _store(url)
    started = time.perf_counter()
    graphs = store.graphs()
    graphs_s = time.perf_counter() - started
    started = time.perf_counter()
    quads = len(store)
    count_s = time.perf_counter() - started
    params = pick_params(store)
    per_query = query_params(json.dumps(params))
    wanted = set(filter(None, only.split(",")))
    rows = []
    for q in list_queries():
        if wanted and q.name not in wanted:
            continue
        try:
            ms, n = median_ms(store_runner(store, q.name, per_query[q.name]), repeat)
            rows.append({"name": q.name, "rows": n, "ms": ms})
        except Exception as exc:  # a server's error is a result here, not the end of the run
            rows.append({"name": q.name, "error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:100]}"})
    return {"graphs": len(graphs), "graphs_s": graphs_s, "quads": quads, "count_s": count_s,
            "queries": rows, "rss_mb": _rss_mb()}


def step_search(url: str) -> dict:
    from graph.search import LabelIndex

    store = _store(url)
    started = time.perf_counter()
    index = LabelIndex(store)
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    hits = index.search(store, "施策1", "ja", limit=50)
    search_ms = (time.perf_counter() - started) * 1000
    return {"labels": len(index), "build_s": build_s, "search_ms": search_ms, "hits": len(hits),
            "rss_mb": _rss_mb()}


def step_export(url: str) -> dict:
    from graph.export import iter_export

    store = _store(url)
    started = time.perf_counter()
    first, size = None, 0
    for chunk in iter_export(store, "nquads"):
        first = first if first is not None else time.perf_counter() - started
        size += len(chunk)
    return {"first_s": first, "total_s": time.perf_counter() - started, "mib": size / 2**20,
            "rss_mb": _rss_mb()}


STEPS = {"queries": step_queries, "search": step_search, "export": step_export}


def child(step: str, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, __file__, "--store-url", args.store_url, "--step", step,
           "--repeat", str(args.repeat), "--queries", args.queries]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode:
        return {"error": (out.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store-url", required=True, help="the server's SPARQL query URL")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per query (after one warm-up)")
    ap.add_argument("--queries", default="", help="only these named queries (comma-separated)")
    ap.add_argument("--skip", default="", help="steps to leave out: queries, search, export")
    ap.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step:
        kw = {"queries": dict(repeat=args.repeat, only=args.queries)}.get(args.step, {})
        print(json.dumps(STEPS[args.step](args.store_url, **kw)))
        return
    from bench import machine

    with urllib.request.urlopen(args.store_url + "?query=ASK%7B%7D", timeout=30) as resp:
        name = resp.headers.get("Server", "?")
    print("# PlanGraph on an external SPARQL server\n")
    print(f"machine: {machine()}")
    print(f"server: {args.store_url} ({name})\n")
    skip = set(args.skip.split(","))
    if "queries" not in skip:
        q = child("queries", args)
        if "error" in q:
            print(f"queries: failed: {q['error']}")
        else:
            print(f"{q['quads']:,} quads in {q['graphs']:,} named graphs; graph list {q['graphs_s']:.2f} s, "
                  f"count {q['count_s']:.2f} s\n")
            print("| named query | rows | ms |\n|---|---|---|")
            for r in q["queries"]:
                print(f"| {r['name']} | {r.get('rows', '')} | {r['ms']:,.1f} |" if "ms" in r
                      else f"| {r['name']} | | {r['error']} |")
            print()
    if "search" not in skip:
        s = child("search", args)
        print(f"search index: failed: {s['error']}" if "error" in s else
              f"search index: {s['labels']:,} labels in {s['build_s']:.1f} s, peak RSS {s['rss_mb']:.0f} MB; "
              f"one search {s['search_ms']:.0f} ms ({s['hits']} hits)")
    if "export" not in skip:
        e = child("export", args)
        print(f"N-Quads export: failed: {e['error']}" if "error" in e else
              f"N-Quads export: first chunk {e['first_s']:.2f} s, all {e['total_s']:.1f} s, "
              f"{e['mib']:.0f} MiB, peak RSS {e['rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
