"""PlanGraph at national scale: load time, memory and named-query latency (a script, not a test).

For each size of the synthetic national graph (:mod:`graph.synthetic`) it
reports the load time and peak memory (RSS of a fresh process) and the median
latency of every named query, measured

  (a) through the HTTP endpoint: ``plangraph serve`` in a subprocess,
      ``GET /queries/<name>.json`` (routing, worker process, JSON included);
  (b) through the library's store: ``EmbeddedStore`` via ``run_named``;
  (c) on raw pyoxigraph: ``Store.query`` with the same substitutions, rows materialised;
  (d) on rdflib's own SPARQL engine, where it finishes within ``--rdflib-timeout`` per query;

and prints a table with the ratios (a)/(c), (a)/(c+floor) and (d)/(c). Above each
table a **floor** line gives the median latency of ``ASK {}`` through (a)'s path
(``GET /sparql`` on the same connection): the fixed cost any query pays
before it reads any data. (c) and each query's own floor run in this process
alternately with (a), request by request, so that the machine's drift (up to
2× within minutes on a shared machine) touches all three alike; (b) runs in
a child process, with the load time and memory. ``--country`` adds the
whole synthetic country (1,741 municipalities, about 6.8M triples) on an
on-disk store: build time, then the time and memory until the library and
the app answer after a restart, and the latency of the questions scoped to
one plan. ``--views`` runs ``benchmarks/views_bench.py --no-browser`` (the
alignment view at 100/1,000/5,000 nodes) as well.

    python3 benchmarks/bench.py                      # 10k, 100k, 1M
    python3 benchmarks/bench.py --sizes 10k --repeat 3 --no-rdflib
    python3 benchmarks/bench.py --sizes 1M --no-rdflib --queries provenance,plans,reviews
    python3 benchmarks/bench.py --sizes 10k,100k,1M --country --views | tee bench.txt

The named queries are called with parameters that exist in the synthetic
graph (the first municipality's first sector plan, its first policy and a
goal it supports); questions without a parameter answer for the whole graph.
The HTTP app runs with ``max_rows`` raised so that all four measure the same work.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from graph.synthetic import JAPAN_MUNICIPALITIES, generate_file, municipalities_for_triples  # noqa: E402

#: Like bench_child.ONCE_S: a request slower than this (seconds) is timed once, not repeated.
ONCE_S = 10.0

CHILD = [sys.executable, str(Path(__file__).resolve().parent / "bench_child.py")]


def parse_size(text: str) -> int:
    text = text.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * mult)


def machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    mem = next((int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines()
                if ln.startswith("MemTotal")), 0)
    load = os.getloadavg()
    return (f"{cpu}, {os.cpu_count()} CPU, {mem / 1024 / 1024:.1f} GiB RAM, Python {platform.python_version()}, "
            f"load average at start {load[0]:.1f}")


def child_lines(args: list[str], timeout: float | None = None) -> list[dict]:
    out = subprocess.run(CHILD + args, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"benchmark child {args[0]} failed:\n{out.stderr[-2000:]}")
    return [json.loads(ln) for ln in out.stdout.splitlines() if ln.startswith("{")]


# --- (d) rdflib, with a per-query timeout --------------------------------------------

def run_rdflib(file: Path, params: dict, repeat: int, timeout: float,
               only: set[str] | None = None) -> tuple[dict, dict]:
    """Per query: median ms or "timeout"; restarts the rdflib process after a timeout."""
    results: dict[str, object] = {}
    info: dict = {}
    skip = set(per_query_params(params)) - only if only else set()
    while True:
        proc = subprocess.Popen(CHILD + ["rdflib", str(file), json.dumps(params), str(repeat),
                                         ",".join(skip | set(results))], stdout=subprocess.PIPE, text=True, cwd=ROOT)
        lines: list[dict] = []
        cond = threading.Condition()

        def read(proc=proc, lines=lines, cond=cond):
            for ln in proc.stdout:
                if ln.startswith("{"):
                    with cond:
                        lines.append(json.loads(ln))
                        cond.notify()
            with cond:
                lines.append({"event": "eof"})
                cond.notify()
        threading.Thread(target=read, daemon=True).start()
        current, deadline, seen = None, time.monotonic() + 3600, 0
        while True:
            with cond:
                cond.wait_for(lambda: len(lines) > seen, timeout=max(0.0, deadline - time.monotonic()))
                new = lines[seen:]
                seen = len(lines)
            if not new:  # the current query passed its deadline
                proc.kill()
                proc.wait()
                results[current] = "timeout"
                break
            for ev in new:
                if ev["event"] == "loaded":
                    info = ev
                elif ev["event"] == "start":
                    current, deadline = ev["name"], time.monotonic() + timeout * (repeat + 1)
                elif ev["event"] == "query":
                    results[ev["name"]] = ev["rdflib_ms"]
                    current, deadline = None, time.monotonic() + 3600
                elif ev["event"] == "done":
                    info["rss_mb"] = ev["rss_mb"]
            if any(ev["event"] in ("done", "eof") for ev in new):
                proc.wait()
                return results, info


# --- (a) the HTTP endpoint ------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tree(pid: int) -> list[int]:
    """A process and all its descendants (the app, the zygote and the query workers)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _sum_kb(pids: list[int], path: str, key: str) -> float:
    total = 0
    for p in pids:
        try:
            for ln in Path(f"/proc/{p}/{path}").read_text().splitlines():
                if ln.startswith(key):
                    total += int(ln.split()[1])
                    break
        except OSError:
            pass
    return total / 1024


def memory_tree(pid: int) -> str:
    """RSS summed over the process tree, and PSS (each shared page split between its sharers: the real total).

    The query workers are forked from a zygote holding the store, so their
    copy-on-write pages appear in every worker's RSS; PSS counts them once.
    """
    pids = _tree(pid)
    return (f"RSS with workers {_sum_kb(pids, 'status', 'VmRSS:'):,.0f} MB "
            f"(PSS {_sum_kb(pids, 'smaps_rollup', 'Pss:'):,.0f} MB)")


def start_app(env_extra: dict) -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    env = {**os.environ, "PLANGRAPH_MAX_ROWS": "10000000", "PLANGRAPH_QUERY_TIMEOUT_MS": "600000", **env_extra}
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "graph.cli", "serve", "--port", str(port)], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    ask = url + "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"plangraph serve exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(urllib.request.Request(
                    ask, headers={"Accept": "application/sparql-results+json"}), timeout=600) as r:
                r.read()
            return proc, url, time.monotonic() - started
        except OSError:
            time.sleep(0.05)


def stop_app(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, 15)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)


#: The floor: the cheapest query there is, through (a)'s path (HTTP, Flask, the worker round trip).
FLOOR_QUERY = "ASK {}"
#: Runs of the floor query (it takes about a millisecond; five runs would say little).
FLOOR_REPEAT = 200


def run_floor(conn: http.client.HTTPConnection, repeat: int = FLOOR_REPEAT, warm: int = 5) -> float:
    """Median ms of ``ASK {}`` at ``/sparql`` on (a)'s connection: the fixed cost every query pays.

    No data is read, so what remains is the request itself: client and
    waitress, Flask, the query check, and the round trip to the query worker.
    """
    target = "/sparql?" + urllib.parse.urlencode({"query": FLOOR_QUERY})
    headers = {"Accept": "application/sparql-results+json"}
    times = []
    for i in range(repeat + warm):  # the first few warm the worker and the connection
        t = time.perf_counter()
        conn.request("GET", target, headers=headers)
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            raise SystemExit(f"{FLOOR_QUERY} through /sparql answered HTTP {resp.status}")
        if i >= warm:
            times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def run_http(url: str, per_query: dict[str, dict], repeat: int,
             raw: dict[str, object] | None = None) -> tuple[dict[str, float], dict[str, dict]]:
    """Median ms per named query over one kept-alive HTTP connection, as a client library's session does.

    A new TCP connection per request (urllib) adds about 0.4 ms of the client's own work;
    that is not the endpoint's cost. The result's ``FLOOR_QUERY`` entry is :func:`run_floor`.
    With ``raw`` (query name → a function running it on raw pyoxigraph in this process), each
    request alternates with a raw run and an ``ASK {}`` request, and their medians come back
    too (``{"raw": ms, "floor": ms}`` per query): on a shared machine whose speed drifts by up
    to 2× within minutes, (a), (c) and the floor measured minutes apart compared the drift as
    much as the endpoint.
    """
    raw_out: dict[str, dict] = {}
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    out: dict[str, object] = {FLOOR_QUERY: run_floor(conn)}
    for name, params in per_query.items():
        target = f"/queries/{name}.json?" + urllib.parse.urlencode(params)

        def get(target=target) -> int:
            conn.request("GET", target)
            resp = conn.getresponse()
            resp.read()
            return resp.status
        times = []
        t = time.perf_counter()
        status = get()
        first = (time.perf_counter() - t) * 1000
        if status != 200:  # e.g. 503: the app's deadline passed
            out[name] = f"HTTP {status}"
            continue
        if first > ONCE_S * 1000:  # label-search on the whole country: one run says enough
            out[name] = first
            continue
        run_raw = (raw or {}).get(name)
        raw_times, floor_times = [], []
        for _ in range(repeat):
            t = time.perf_counter()
            get()
            times.append((time.perf_counter() - t) * 1000)
            if run_raw is not None:
                t = time.perf_counter()
                run_raw()
                raw_times.append((time.perf_counter() - t) * 1000)
                floor_times.append(run_floor(conn, repeat=1, warm=0))
        out[name] = statistics.median(times)
        if raw_times:
            raw_out[name] = {"raw": statistics.median(raw_times), "floor": statistics.median(floor_times)}
    conn.close()
    return out, raw_out


# --- the report -----------------------------------------------------------------------

def fmt_ms(v) -> str:
    return v if isinstance(v, str) else (f"{v:,.1f}" if v < 100 else f"{v:,.0f}")


def ratio(a, c) -> str:
    return "—" if isinstance(a, str) or a is None or not c else f"{a / c:.2f}"


def overhead(a, c) -> str:
    """What the endpoint adds in absolute terms: for a 0.3 ms query the ratio only measures HTTP."""
    return "—" if isinstance(a, str) or a is None else f"{a - c:+.1f}"


def floor_ratio(a, c, floor) -> str:
    """(a) against raw plus the floor: what the endpoint adds beyond the cost of any HTTP request.

    Why: for a query of 0.2 ms, (a)/(c) measures HTTP, not the endpoint; 1.5× of raw is less
    than an empty request costs. This ratio stays near 1 when the endpoint adds nothing else.
    """
    if isinstance(a, str) or a is None or not isinstance(floor, float):
        return "—"
    return f"{a / (c + floor):.2f}"


def print_floor(http: dict) -> None:
    """The floor line above a table: what any query pays through (a) before it reads any data."""
    if FLOOR_QUERY in http:
        print(f"floor: `{FLOOR_QUERY}` through (a) (GET /sparql on the same connection, "
              f"median of {FLOOR_REPEAT}): {http[FLOOR_QUERY]:.2f} ms\n")


def raw_runners(file: Path, per_query: dict[str, dict]) -> dict[str, object]:
    """Raw pyoxigraph runs of each named query in this process, on the data the app loads (for (c))."""
    from bench_child import raw_runner
    from graph.loading import open_store
    from graph.settings import load_settings

    store = open_store(load_settings(environ={}, overrides={"data_paths": [str(file)]}))
    return {name: raw_runner(store.raw, name, params) for name, params in per_query.items()}


def per_query_params(params: dict, only: set[str] | None = None) -> dict[str, dict]:
    from graph.queries import list_queries

    return {q.name: {p.name: params[p.name] for p in q.parameters if p.name in params} for q in list_queries()
            if not only or q.name in only}


def bench_size(size: int, args, workdir: Path) -> dict:
    n = JAPAN_MUNICIPALITIES if size < 0 else municipalities_for_triples(size)
    file = workdir / f"synthetic-{n}-seed{args.seed}.nq"
    if not file.exists():
        t = time.perf_counter()
        triples = generate_file(file, municipalities=n, seed=args.seed)
        print(f"generated {file.name}: {triples:,} triples in {time.perf_counter() - t:.1f} s", flush=True)
    lines = child_lines(["embedded", str(file), "-", str(args.repeat), ",".join(sorted(args.queries or ()))])
    loaded = next(x for x in lines if x["event"] == "loaded")
    params = next(x for x in lines if x["event"] == "params")["params"]
    emb = {x["name"]: x for x in lines if x["event"] == "query"}
    done = next(x for x in lines if x["event"] == "done")
    print(f"\n## {loaded['triples']:,} triples ({n} municipalities)\n")
    print(f"embedded (in memory): load {loaded['load_s']:.1f} s, peak RSS {done['rss_mb']:,.0f} MB "
          f"(after load {loaded['rss_mb']:,.0f} MB)")
    http: dict = {}
    raw_here: dict = {}
    if not args.no_http:
        per_query = per_query_params(params, args.queries)
        runners = raw_runners(file, per_query)
        proc, url, startup = start_app({"PLANGRAPH_DATA_PATHS": str(file)})
        try:
            http, raw_here = run_http(url, per_query, args.repeat, runners)
            del runners
            print(f"app (plangraph serve, in memory): ready in {startup:.1f} s, "
                  f"{memory_tree(proc.pid)}")
        finally:
            stop_app(proc)
    rd: dict = {}
    if not args.no_rdflib and loaded["triples"] <= args.rdflib_max:
        rd, info = run_rdflib(file, params, args.rdflib_repeat, args.rdflib_timeout, args.queries)
        print(f"rdflib Dataset: load {info.get('load_s', float('nan')):.1f} s, "
              f"peak RSS {info.get('rss_mb', float('nan')):,.0f} MB")
    elif not args.no_rdflib:
        print(f"rdflib: skipped above {args.rdflib_max:,} triples (--rdflib-max)")
    print("\nmedian latency in ms (rows = answer size)\n")
    print_floor(http)
    if raw_here:
        print("(c) ran in this process, alternating with (a) request by request, and so did an `ASK {}` "
              "request for each query's floor in (a)/(c+floor); (b) in a child process\n")
    head = ["query", "rows", "(a) http", "(b) store", "(c) raw", "(d) rdflib", "(a)/(c)", "(a)−(c) ms",
            "(a)/(c+floor)", "(d)/(c)"]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for name, e in emb.items():
        a, d = http.get(name), rd.get(name)
        here = raw_here.get(name, {"raw": e["raw_ms"], "floor": http.get(FLOOR_QUERY)})
        c = here["raw"]
        print(f"| {name} | {e['rows']:,} | {fmt_ms(a) if a is not None else '—'} | {fmt_ms(e['store_ms'])} | "
              f"{fmt_ms(c)} | {fmt_ms(d) if d is not None else '—'} | {ratio(a, c)} | "
              f"{overhead(a, c)} | {floor_ratio(a, c, here['floor'])} | "
              f"{ratio(d, c)} |", flush=True)
    return params


def bench_country(args, workdir: Path, params: dict | None) -> None:
    n = JAPAN_MUNICIPALITIES
    file = workdir / f"synthetic-{n}-seed{args.seed}.nq"
    if not file.exists():
        t = time.perf_counter()
        triples = generate_file(file, municipalities=n, seed=args.seed)
        print(f"generated {file.name}: {triples:,} triples in {time.perf_counter() - t:.1f} s", flush=True)
    disk = workdir / f"store-{n}-seed{args.seed}"
    if not disk.exists():
        built = child_lines(["build-disk", str(file), str(disk)])[0]
        print(f"\n## whole country on disk: {built['triples']:,} triples\n\nbuilt on-disk store in "
              f"{built['build_s']:.0f} s (peak RSS {built['rss_mb']:,.0f} MB)")
    lines = child_lines(["reopen", str(disk), json.dumps(params) if params else "-", str(args.repeat)])
    reopened = next(x for x in lines if x["event"] == "reopened")
    params = next(x for x in lines if x["event"] == "params")["params"]
    done = next(x for x in lines if x["event"] == "done")
    print(f"library restart (open on-disk store, first answer): {reopened['ready_s']:.2f} s, "
          f"RSS {reopened['rss_mb']:,.0f} MB (peak after the scoped queries {done['rss_mb']:,.0f} MB)")
    proc, url, startup = start_app({"PLANGRAPH_STORE_PATH": str(disk), "PLANGRAPH_DATA_PATHS": str(file)})
    try:
        rss = memory_tree(proc.pid)
        print(f"app restart (plangraph serve on the on-disk store, first /sparql answer): {startup:.2f} s, "
              f"{rss}", flush=True)
        per_query, library_runs = country_runs(disk, params)
        http, library = run_http(url, per_query, args.repeat, library_runs)
        print(f"app after the scoped queries: {memory_tree(proc.pid)}\n")
    finally:
        stop_app(proc)
    print_floor(http)
    print("the library ran in this process on the same store (read-only), alternating with the HTTP "
          "requests, scoped questions first as in the restart child\n")
    print("| scoped query | rows | library ms | http ms |\n|---|---|---|---|")
    for x in (x for x in lines if x["event"] == "query"):
        lib = library.get(x["name"], {}).get("raw", x["store_ms"])
        print(f"| {x['name']} | {x['rows']:,} | {fmt_ms(lib)} | {fmt_ms(http.get(x['name'], '—'))} |")


def country_runs(disk: Path, params: dict) -> tuple[dict[str, dict], dict[str, object]]:
    """The country's questions in the restart child's order (scoped first: the nationwide ones read most
    of the store and evict what the scoped ones read), and library runs of each on the on-disk store."""
    from bench_child import SCOPES, store_runner
    from graph.store import EmbeddedStore

    per_query = {k: v for k, v in per_query_params(params).items() if v}
    per_query = dict(sorted(per_query.items(), key=lambda kv: not SCOPES & set(kv[1])))
    store = EmbeddedStore(str(disk), read_only=True)  # beside the app's own handle: both only read
    return per_query, {name: store_runner(store, name, prm) for name, prm in per_query.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10k,100k,1M", help="comma-separated triple counts (k, M suffixes)")
    ap.add_argument("--country", action="store_true", help="also the whole country on an on-disk store")
    ap.add_argument("--views", action="store_true", help="also run benchmarks/views_bench.py --no-browser")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per query (after one warm-up)")
    ap.add_argument("--queries", type=lambda t: {n.strip() for n in t.split(",") if n.strip()}, default=None,
                    help="only these named queries (comma-separated), e.g. the small ones while tuning")
    ap.add_argument("--no-http", action="store_true")
    ap.add_argument("--no-rdflib", action="store_true")
    ap.add_argument("--rdflib-max", type=parse_size, default=parse_size("1M"),
                    help="largest size rdflib is tried on")
    ap.add_argument("--rdflib-timeout", type=float, default=20.0, help="seconds per rdflib query run")
    ap.add_argument("--rdflib-repeat", type=int, default=1, help="timed rdflib runs per query (it is slow)")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/plangraph-bench"))
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"# PlanGraph benchmark\n\nmachine: {machine()}\n", flush=True)
    params = None
    for size in (parse_size(s) for s in args.sizes.split(",") if s):
        params = bench_size(size, args, args.workdir)
    if args.country:
        bench_country(args, args.workdir, params)
    if args.views:
        print("\n## alignment views (benchmarks/views_bench.py --no-browser)\n", flush=True)
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "views_bench.py"), "--no-browser"], cwd=ROOT)
    print(f"\nload average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
