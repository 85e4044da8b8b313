"""Benchmark: build and serve an alignment network view of 100, 1,000 and 5,000 nodes,
and lay out 1,000 nodes in headless Chromium.

Targets (issue 4): a 1,000-node view is served in under 1 s and is laid out and
interactive in Chromium within 3 s.

    python3 benchmarks/views_bench.py            # table of server timings + Chromium timing
    python3 benchmarks/views_bench.py --no-browser

The graph is synthetic (``pg:synthetic true``): one plan with a philosophy,
basic policies, measures and projects, upper plans with goals, a plan type and a law.
Server timings: "graph" = reading the alignment graph from the store
(graph.alignment), "view" = narrowing + layered layout + vis-network JSON
(graph.network), "serve" = the whole GET /views/data.json on a fresh app
(cold: graph read included) and again warm (graph cached; the median of five requests, since one
warm request of a small view took 6 ms or, now and then, 50 ms).
"""

from __future__ import annotations

import argparse
import sys
import statistics
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from graph import alignment, network  # noqa: E402
from graph.store import EmbeddedStore  # noqa: E402

# graph.network imports pyvis lazily, when a view is first built: 0.4–0.8 s (pyvis pulls in IPython),
# once per process. Imported here, so the "view" column times building a view, not that import.
import pyvis.network  # noqa: E402, F401

BASE = "https://w3id.org/plangraph/id/synthetic/bench/"
PG = "https://w3id.org/plangraph/ontology#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


def synthetic_plan(nodes: int) -> str:
    """N-Triples of one synthetic plan whose alignment graph has about ``nodes`` nodes."""
    uppers = max(2, nodes // 100)
    goals_per = 5
    policies = max(3, nodes // 50)
    measures = max(1, nodes - uppers * (goals_per + 1) - policies - 4)
    plan = f"{BASE}plan/p"
    out: list[str] = []

    def t(s: str, p: str, o: str) -> None:
        out.append(f"<{s}> <{p}> {o} .")

    def lab(s: str, text: str) -> None:
        t(s, RDFS + "label", f'"{text}"@ja')

    t(plan, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{PG}SectorPlan>")
    t(plan, PG + "synthetic", '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>')
    lab(plan, "合成計画")
    t(plan, PG + "designatedAs", f"<{BASE}type>")
    t(f"{BASE}type", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{PG}StatutoryPlanType>")
    t(f"{BASE}type", PG + "legalBasis", f"<{BASE}law>")
    t(f"{BASE}law", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{PG}Law>")
    goals = []
    for u in range(uppers):
        up = f"{BASE}plan/u{u}"
        t(up, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{PG}Strategy>")
        lab(up, f"上位計画{u}")
        t(plan, PG + "upperPlan", f"<{up}>")
        for g in range(goals_per):
            goal = f"{up}/goal/{g}"
            goals.append(goal)
            t(goal, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{PG}Goal>")
            t(goal, PG + "goalOf", f"<{up}>")
            lab(goal, f"目標{u}-{g}")
    phil = f"{plan}/philosophy"
    t(phil, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{PG}BasicPhilosophy>")
    t(phil, PG + "partOfPlan", f"<{plan}>")
    t(phil, PG + "supports", f"<{goals[0]}>")
    lab(phil, "理念")
    for i in range(policies):
        pol = f"{plan}/policy/{i}"
        t(pol, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{PG}BasicPolicy>")
        t(pol, PG + "partOfPlan", f"<{plan}>")
        t(pol, PG + "parentElement", f"<{phil}>")
        t(pol, PG + "supports", f"<{goals[(i * 7) % len(goals)]}>")
        lab(pol, f"基本方針{i}")
    for i in range(measures):
        m = f"{plan}/measure/{i}"
        t(m, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{PG}Measure>")
        t(m, PG + "partOfPlan", f"<{plan}>")
        t(m, PG + "parentElement", f"<{plan}/policy/{(i * 13) % policies}>")
        t(m, PG + "supports", f"<{goals[(i * 31) % len(goals)]}>")
        lab(m, f"施策{i}")
    return "\n".join(out) + "\n"


def make_store(nodes: int) -> EmbeddedStore:
    store = EmbeddedStore()
    store.load_data(synthetic_plan(nodes), format="nt", graph=BASE + "graph")
    return store


#: Warm requests per size; their median is reported.
WARM_RUNS = 5


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t0


def server_row(nodes: int) -> dict:
    from web import create_app

    store = make_store(nodes)
    G, t_graph = timed(lambda: alignment.alignment_graph(store))
    view, t_view = timed(lambda: network.build_view(G, max_nodes=10_000))
    app = create_app({"max_view_nodes": 10_000}, store=store)
    client = app.test_client()
    r, t_cold = timed(lambda: client.get("/views/data.json"))
    assert r.status_code == 200
    warm = [timed(lambda: client.get("/views/data.json")) for _ in range(WARM_RUNS)]
    r, t_warm = warm[-1][0], statistics.median(t for _, t in warm)
    return {"nodes": G.number_of_nodes(), "edges": G.number_of_edges(), "graph": t_graph, "view": t_view,
            "cold": t_cold, "warm": t_warm, "bytes": len(r.data)}


def browser_timing(nodes: int = 1000) -> dict:
    """Navigation start → drawn (data-ready) → interactive (a hover shows a node's tooltip)."""
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from web import create_app

    app = create_app({"max_view_nodes": 10_000}, store=make_store(nodes))
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{srv.server_port}/views"
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"]
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
            pg = b.new_page(viewport={"width": 1300, "height": 900})
            pg.route("**/*", lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1")
                     else r.abort())
            pg.goto(url)  # warm the server's graph cache and the browser's static cache
            t0 = time.perf_counter()
            pg.goto(url)
            pg.wait_for_selector("#network[data-ready='1']", timeout=30_000)
            t_drawn = time.perf_counter() - t0
            pg.locator("#network").scroll_into_view_if_needed()
            # a node the first view shows (a big view starts at a readable scale, showing part of it)
            x, y = pg.evaluate("""() => { const c = document.getElementById('network'); const n = c.pgNetwork;
                const r = c.getBoundingClientRect(); const pos = n.getPositions();
                for (const id of Object.keys(pos)) { const p = n.canvasToDOM(pos[id]);
                    if (p.x > 20 && p.y > 20 && p.x < c.clientWidth - 20 && p.y < c.clientHeight - 20)
                        return [r.left + p.x, r.top + p.y]; } }""")
            pg.mouse.move(x - 2, y - 2)
            pg.mouse.move(x, y, steps=2)
            pg.wait_for_selector("div.vis-tooltip", state="visible", timeout=30_000)
            t_interactive = time.perf_counter() - t0
            n = int(pg.get_attribute("#network", "data-nodes"))
            b.close()
    finally:
        srv.shutdown()
    return {"nodes": n, "drawn": t_drawn, "interactive": t_interactive}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000,5000")
    ap.add_argument("--no-browser", action="store_true")
    a = ap.parse_args()
    print(f"{'nodes':>6} {'edges':>6} {'graph s':>8} {'view s':>7} {'serve cold s':>12} {'serve warm s':>12} {'JSON KB':>8}")
    for size in (int(s) for s in a.sizes.split(",")):
        r = server_row(size)
        print(f"{r['nodes']:>6} {r['edges']:>6} {r['graph']:>8.3f} {r['view']:>7.3f} {r['cold']:>12.3f} "
              f"{r['warm']:>12.3f} {r['bytes'] / 1024:>8.0f}")
    if not a.no_browser:
        b = browser_timing(1000)
        verdict = "OK" if b["interactive"] < 3 else "SLOW"
        print(f"\nChromium, {b['nodes']} nodes: drawn {b['drawn']:.2f} s, interactive (tooltip on hover) "
              f"{b['interactive']:.2f} s  [{verdict}: target < 3 s]")


if __name__ == "__main__":
    main()
