"""One measured process of ``benchmarks/bench.py`` (run as a subprocess, prints JSON lines).

Each mode runs in its own process so that its load time and peak memory
(``ru_maxrss``: the whole process, Rust allocations included — tracemalloc
would see only Python's) are its own:

    embedded FILE PARAMS REPEAT [ONLY] load into memory; time every named query (or those
                                       in ONLY, comma-separated) through EmbeddedStore (b)
                                       and raw pyoxigraph (c)
    rdflib FILE PARAMS REPEAT SKIP     load into an rdflib Dataset; time each query (d),
                                       one JSON line per query (the parent enforces timeouts)
    build-disk FILE DIR                build an on-disk store (load_default, bulk loader)
    reopen DIR PARAMS REPEAT           reopen the on-disk store; time to first answer; the queries
                                       that take a parameter (scoped to a plan, goal or municipality)
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import pyoxigraph as ox  # noqa: E402

from graph.queries import bind, get_query, list_queries, run_named  # noqa: E402
from graph.settings import load_settings  # noqa: E402
from graph.store import EmbeddedStore  # noqa: E402
from graph.loading import load_default, open_store  # noqa: E402


def emit(**kw) -> None:
    print(json.dumps(kw, ensure_ascii=False), flush=True)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


#: A query whose warm-up run takes longer than this is reported by that one run (not repeated).
ONCE_S = 10.0


def median_ms(fn, repeat: int) -> tuple[float, int]:
    """Median of ``repeat`` runs after a warm-up; a query slower than ONCE_S is timed once.

    (label-search reads every label of the whole country: 75 s a run; six runs
    would add minutes and change nothing in the table.)
    """
    t = time.perf_counter()
    n = fn()  # warm-up; also the row count
    first = (time.perf_counter() - t) * 1000
    if first > ONCE_S * 1000:
        return first, n
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), n


def raw_runner(raw: ox.Store, name: str, params: dict):
    query = get_query(name)
    subs = {ox.Variable(k): v for k, v in bind(query, params).items()}

    def run() -> int:
        res = raw.query(query.text, substitutions=subs, use_default_graph_as_union=True)
        if isinstance(res, ox.QuerySolutions):
            variables = res.variables
            return len([tuple(sol[v] for v in variables) for sol in res])
        if isinstance(res, ox.QueryBoolean):
            return 1
        return len(list(res))
    return run


def store_runner(store, name: str, params: dict):
    def run() -> int:
        res = run_named(store, name, params)
        return len(getattr(res, "rows", getattr(res, "triples", [1])))
    return run


def query_params(params_json: str) -> dict[str, dict]:
    """Per query, the parameters it takes from the shared parameter pool."""
    pool = json.loads(params_json)
    return {q.name: {p.name: pool[p.name] for p in q.parameters if p.name in pool} for q in list_queries()}


def pick_params(store: EmbeddedStore) -> dict[str, str]:
    """Parameter values that exist in the synthetic graph (the first municipality's first sector plan).

    ``municipality`` is that plan's publisher, the first municipality: the ``municipality-*``
    questions are scoped to it.
    """
    pg = "https://w3id.org/plangraph/ontology#"
    row = store.query(f"""SELECT ?plan ?policy ?goal WHERE {{
        ?plan a <{pg}SectorPlan> ; <{pg}planPeriod> ?pp . ?policy <{pg}partOfPlan> ?plan ; a <{pg}BasicPolicy> ;
              <{pg}supports> ?goal }} ORDER BY ?plan ?policy ?goal LIMIT 1""").rows[0]
    plan, policy, goal = (t.value for t in row)
    (municipality,) = store.query(f"SELECT ?plan ?municipality WHERE {{ ?plan <{pg}publisher> ?municipality }}",
                                  substitutions={"plan": ox.NamedNode(plan)}).rows[0][1:]
    return {"plan": plan, "policy": policy, "element": policy, "subject": policy, "goal": goal,
            "municipality": municipality.value, "q": "施策1", "fiscal_year": "2023"}


def mode_embedded(file: str, params_json: str, repeat: str, only: str = "") -> None:
    t = time.perf_counter()
    store = open_store(load_settings(environ={}, overrides={"data_paths": [file]}))
    emit(event="loaded", load_s=time.perf_counter() - t, triples=len(store), rss_mb=rss_mb())
    params = pick_params(store) if params_json == "-" else json.loads(params_json)
    emit(event="params", params=params)
    per_query = query_params(json.dumps(params))
    wanted = set(filter(None, only.split(",")))
    for q in list_queries():
        if wanted and q.name not in wanted:
            continue
        b, n = median_ms(store_runner(store, q.name, per_query[q.name]), int(repeat))
        c, _ = median_ms(raw_runner(store.raw, q.name, per_query[q.name]), int(repeat))
        emit(event="query", name=q.name, rows=n, store_ms=b, raw_ms=c)
    emit(event="done", rss_mb=rss_mb())


def _rdflib_term(t):
    from rdflib import Literal, URIRef

    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    return Literal(t.value, lang=t.language) if t.language else Literal(t.value, datatype=URIRef(t.datatype.value))


def mode_rdflib(file: str, params_json: str, repeat: str, skip: str) -> None:
    from rdflib import Dataset, Variable

    t = time.perf_counter()
    ds = Dataset(default_union=True)
    for f in [str(p) for p in sorted((ROOT / "ontology").glob("*.ttl")) if "shapes" not in p.name] + [file]:
        ds.parse(f, format="nquads" if f.endswith(".nq") else "turtle")
    emit(event="loaded", load_s=time.perf_counter() - t, rss_mb=rss_mb())
    per_query = query_params(params_json)
    skipped = set(filter(None, skip.split(",")))
    for q in list_queries():
        if q.name in skipped:
            continue
        emit(event="start", name=q.name)
        bindings = {Variable(k): _rdflib_term(v) for k, v in bind(q, per_query[q.name]).items()}

        def run(q=q, bindings=bindings) -> int:
            return len(list(ds.query(q.text, initBindings=bindings)))
        try:
            d, n = median_ms(run, int(repeat))
        except Exception as exc:  # noqa: BLE001 (rdflib's engine fails on some queries; the table says which)
            emit(event="query", name=q.name, rows=0, rdflib_ms=f"error ({type(exc).__name__})")
            continue
        emit(event="query", name=q.name, rows=n, rdflib_ms=d)
    emit(event="done", rss_mb=rss_mb())


def mode_build_disk(file: str, directory: str) -> None:
    t = time.perf_counter()
    store = EmbeddedStore(directory)
    load_default(store, load_settings(environ={}, overrides={"data_paths": [file], "store_path": directory}))
    emit(event="built", build_s=time.perf_counter() - t, triples=len(store), rss_mb=rss_mb())


#: Parameters that scope a question to one municipality, plan, element or goal.
SCOPES = {"municipality", "plan", "policy", "element", "subject", "goal"}


def mode_reopen(directory: str, params_json: str, repeat: str) -> None:
    t = time.perf_counter()
    store = open_store(load_settings(environ={}, overrides={"store_path": directory, "data_paths": []}))
    store.query("ASK { ?s ?p ?o }")
    emit(event="reopened", ready_s=time.perf_counter() - t, rss_mb=rss_mb())
    params = pick_params(store) if params_json == "-" else json.loads(params_json)
    emit(event="params", params=params)
    per_query = query_params(json.dumps(params))
    # Questions without parameters answer for the whole country and are not measured here.
    # plans-in-force and label-search take one but also answer for the whole country (the
    # municipality-* questions are their scoped forms): they run last, because reading most of the
    # store (label-search reads every label) evicts from the caches what the scoped questions read,
    # and one warm-up run does not bring all of it back.
    queries = [q for q in list_queries() if per_query[q.name]]
    queries.sort(key=lambda q: not SCOPES & set(per_query[q.name]))
    for q in queries:
        b, n = median_ms(store_runner(store, q.name, per_query[q.name]), int(repeat))
        emit(event="query", name=q.name, rows=n, store_ms=b)
    emit(event="done", rss_mb=rss_mb())


if __name__ == "__main__":
    {"embedded": mode_embedded, "rdflib": mode_rdflib, "build-disk": mode_build_disk,
     "reopen": mode_reopen}[sys.argv[1]](*sys.argv[2:])
