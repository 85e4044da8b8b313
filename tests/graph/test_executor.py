"""graph.executor: queries in worker processes give the store's answers; writes reach the workers."""

from __future__ import annotations

import os
import signal

import pytest

from graph.errors import QueryError, QueryForbidden, QuerySyntaxError, QueryTimeout
from graph.store import AskResult, EmbeddedStore, GraphResult, SelectResult
from graph.workers import decode_reply, encode_job

from .conftest import EX, SMALL_DATA, make_executor, small_store

make = make_executor


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    return small_store()


def test_same_answers_as_the_store(executor, store):
    q = f"SELECT ?s ?o WHERE {{ ?s <{EX}label> ?o }}"
    got, want = executor.query(q), store.query(q)
    assert isinstance(got, SelectResult)
    assert got.variables == want.variables and got.rows == want.rows
    assert got.rows[0][1].value == "計画" and got.rows[0][1].language == "ja"
    assert executor.query(f"ASK {{ <{EX}b> <{EX}link> <{EX}a> }}") == AskResult(True)
    graph = executor.query(f"CONSTRUCT WHERE {{ ?s <{EX}link> ?o }}")
    assert isinstance(graph, GraphResult) and len(graph.triples) == 1


def test_substitutions_and_row_cap(executor):
    import pyoxigraph as ox

    got = executor.query("SELECT ?s ?p WHERE { ?s ?p ?o }", substitutions={"s": ox.NamedNode(EX + "a")})
    assert sorted(r[1].value for r in got.rows) == [EX + "label", EX + "n"]
    capped = executor.query("SELECT * WHERE { ?s ?p ?o }", max_rows=2)
    assert len(capped.rows) == 2 and capped.truncated


def test_errors_come_back_as_plangraph_errors(executor):
    with pytest.raises(QuerySyntaxError):
        executor.query("SELECT WHERE")
    with pytest.raises(QueryForbidden):
        executor.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")


def test_deadline_kills_the_worker_and_a_new_one_answers(store):
    big = EmbeddedStore()
    big.load_data("".join(f'<{EX}s{i}> <{EX}p> "{i}" .\n' for i in range(3000)), format="nt", graph=EX + "big")
    ex = make(big, query_timeout_ms=500)
    try:
        ex.query("ASK {}")
        with pytest.raises(QueryTimeout) as err:
            ex.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        # each page language gets its own sentence; programs get both
        assert "制限時間（0.5 秒）" in err.value.text("ja") and "deadline" not in err.value.text("ja")
        assert "deadline of 0.5 s" in err.value.text("en") and "制限時間" not in err.value.text("en")
        assert err.value.message == f"{err.value.text('en')} / {err.value.text('ja')}"
        assert ex.query("ASK {}") == AskResult(True)
    finally:
        ex.close()


def test_memory_limit_stops_a_runaway_sort():
    big = EmbeddedStore()
    big.load_data("".join(f'<{EX}s{i}> <{EX}p> "{i}" .\n' for i in range(3000)), format="nt", graph=EX + "big")
    ex = make(big, query_timeout_ms=60_000, query_memory_mb=600)
    try:
        ex.query("ASK {}")
        with pytest.raises(QueryError, match="memory") as info:
            ex.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY DESC(?c)")
        assert info.value.status == 503
        assert ex.query("ASK {}") == AskResult(True)
    finally:
        ex.close()


def test_writes_reach_the_workers(store):
    own = EmbeddedStore()
    own.load_data(SMALL_DATA, format="nt", graph=EX + "g")
    ex = make(own)
    try:
        assert ex.query(f"ASK {{ <{EX}c> ?p ?o }}") == AskResult(False)
        ex.update(f'INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}c> <{EX}label> "新" }} }}')
        assert ex.query(f"ASK {{ <{EX}c> ?p ?o }}") == AskResult(True)
        with pytest.raises(QueryForbidden):
            ex.update("LOAD <http://127.0.0.1:9/x.ttl>")
    finally:
        ex.close()


def test_a_runaway_update_is_killed_at_the_deadline_and_changes_nothing():
    """pyoxigraph applies an update in Rust and a thread cannot be stopped: before the trial run in
    a worker, this update ran on with the write lock held and the next write waited for a restart."""
    import time

    big = EmbeddedStore()
    big.load_data("".join(f'<{EX}s{i}> <{EX}p> "{i}" .\n' for i in range(3000)), format="nt", graph=EX + "big")
    ex = make(big, query_timeout_ms=500)
    runaway = (f"INSERT {{ GRAPH <{EX}out> {{ <{EX}r> <{EX}n> ?n }} }} WHERE {{ {{ SELECT (COUNT(*) AS ?n) "
               f"WHERE {{ GRAPH ?x {{ ?a ?b ?c }} GRAPH ?y {{ ?d ?e ?f }} GRAPH ?z {{ ?g ?h ?i }} }} }} }}")
    try:
        t0 = time.monotonic()
        with pytest.raises(QueryTimeout) as err:
            ex.update(runaway)
        assert time.monotonic() - t0 < 30  # the product is 2.7e10 rows: hours, not the deadline
        assert "nothing was changed" in err.value.text("en") and "データは変わっていません" in err.value.text("ja")
        assert len(big) == 3000  # the main store never saw it
        ex.update(f'INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}c> <{EX}label> "次" }} }}')  # the lock is free
        assert ex.query(f"ASK {{ <{EX}c> <{EX}label> \"次\" }}") == AskResult(True)
    finally:
        ex.close()


def test_an_update_is_applied_once_to_the_main_store_after_its_trial():
    """The trial ran on a worker's copy: a counter that an update increments goes up by one, not two."""
    own = EmbeddedStore()
    own.load_data(f'<{EX}c> <{EX}count> "0"^^<http://www.w3.org/2001/XMLSchema#integer> .', format="nt",
                  graph=EX + "g")
    ex = make(own)
    increment = (f"DELETE {{ GRAPH <{EX}g> {{ <{EX}c> <{EX}count> ?n }} }} "
                 f"INSERT {{ GRAPH <{EX}g> {{ <{EX}c> <{EX}count> ?m }} }} "
                 f"WHERE {{ GRAPH <{EX}g> {{ <{EX}c> <{EX}count> ?n }} BIND(?n + 1 AS ?m) }}")
    try:
        ex.update(increment)
        ex.update(increment)
        (n,), = ex.query(f"SELECT ?n WHERE {{ <{EX}c> <{EX}count> ?n }}").rows
        assert n.value == "2"
        (n,), = own.query(f"SELECT ?n WHERE {{ <{EX}c> <{EX}count> ?n }}").rows
        assert n.value == "2"
    finally:
        ex.close()


def test_an_update_that_fails_in_its_trial_says_why_and_changes_nothing():
    own = EmbeddedStore()
    own.load_data(SMALL_DATA, format="nt", graph=EX + "g")
    ex = make(own)
    try:
        with pytest.raises(QueryError, match="does not exist") as err:
            ex.update(f'INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}x> <{EX}p> 1 }} }} ; DROP GRAPH <{EX}missing>')
        assert err.value.status == 400
        assert len(own) == 3 and ex.query(f"ASK {{ <{EX}x> ?p ?o }}") == AskResult(False)
    finally:
        ex.close()


def test_on_disk_store_workers_open_it_read_only(tmp_path):
    disk = EmbeddedStore(tmp_path / "store")
    disk.load_data(SMALL_DATA, format="nt", graph=EX + "g")
    disk.flush()
    ex = make(disk)
    try:
        assert len(ex.query("SELECT * WHERE { ?s ?p ?o }").rows) == 3
        ex.update(f'INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}c> <{EX}label> "新" }} }}')
        assert len(ex.query("SELECT * WHERE { ?s ?p ?o }").rows) == 4
    finally:
        ex.close()


def test_a_dead_zygote_is_restarted(store):
    ex = make(store)
    try:
        ex.query("ASK {}")
        os.kill(ex._zygote.proc.pid, signal.SIGKILL)
        ex._zygote.proc.wait(5)
        ex.refresh()  # retires the idle workers; the next query needs a new fork
        assert ex.query("ASK {}") == AskResult(True)
    finally:
        ex.close()


def _namespaces_available() -> bool:
    import subprocess
    import sys

    probe = ("import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
             "ok = libc.unshare(0x40000000) == 0 or libc.unshare(0x50000000) == 0\nos._exit(0 if ok else 1)")
    return subprocess.run([sys.executable, "-c", probe], timeout=30).returncode == 0


def test_workers_have_no_network_even_past_the_sandbox(store):
    """Third layer: a SERVICE that skipped inspection still reaches nobody (empty network namespace)."""
    import socket
    import threading
    import time

    if not _namespaces_available():
        pytest.skip("this kernel/user cannot create network namespaces")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(2)
    got: list = []

    def accept() -> None:
        try:
            got.append(listener.accept())
        except OSError:
            pass

    thread = threading.Thread(target=accept)
    thread.start()
    ex = make(store)
    try:
        ex.query("ASK {}")
        worker = ex._acquire(time.monotonic() + 10)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        job = encode_job(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", {}, False, None)  # no inspection
        worker.conn.send_bytes(job)
        reply = decode_reply(worker.conn.recv_bytes())
        ex._release(worker)
        assert reply[0] == "error"
    finally:
        ex.close()
        thread.join(5)
        listener.close()
    assert got == []


def test_a_parse_is_remembered_for_workers_forked_later_but_the_graphs_are_checked_every_time():
    """After a write every worker is new; the app tells it what the text's parse found (no second parse)."""
    own = EmbeddedStore()
    own.load_data(SMALL_DATA, format="nt", graph=EX + "g")
    ex = make(own)
    text = f"SELECT ?s WHERE {{ GRAPH <{EX}g> {{ ?s <{EX}label> ?o }} }}"
    from_g = f"SELECT ?s FROM <{EX}g> WHERE {{ ?s <{EX}label> ?o }}"
    try:
        assert [r[0].value for r in ex.query(text).rows] == [EX + "a"]
        assert len(ex.query(from_g).rows) == 1
        assert ex._analyses[text] == ("select", ()) and ex._analyses[from_g] == ("select", ((False, EX + "g"),))
        with pytest.raises(QueryForbidden):  # a refusal is never remembered
            ex.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
        assert not any("SERVICE" in t for t in ex._analyses)
        ex.update(f"DROP GRAPH <{EX}g>")  # retires every worker: the next ones are new forks
        assert ex.query(text).rows == []
        with pytest.raises(QueryForbidden, match=f"FROM <{EX}g>: not a graph of this store"):
            ex.query(from_g)
    finally:
        ex.close()


def test_a_new_worker_uses_the_remembered_parse_of_exactly_that_text(executor):
    """Shown by planting a parse that names a FROM graph the text does not: the worker goes by the app's copy."""
    text = "ASK { }  # planted"
    executor._analyses[text] = ("ask", ((False, EX + "not-in-store"),))
    with pytest.raises(QueryForbidden, match="not-in-store"):
        executor.query(text)
    assert executor.query("ASK {}  # not planted") == AskResult(True)  # another text is parsed afresh


def test_the_remembered_parses_are_bounded(store, monkeypatch):
    import graph.executor

    monkeypatch.setattr(graph.executor, "ANALYSES_KEPT", 2)
    ex = make(store)
    try:
        for n in range(3):
            ex.query(f"ASK {{ ?s ?p {n} }}")
        assert list(ex._analyses) == ["ASK { ?s ?p 1 }", "ASK { ?s ?p 2 }"]
    finally:
        ex.close()


def test_text_that_is_not_unicode_is_a_syntax_error_not_a_crash(executor):
    """A lone surrogate cannot go into the worker's frame (nor would a parser read it): a 400, not a 500.

    (pyoxigraph refuses such a string in a term already, so only the query text can carry one.)
    """
    with pytest.raises(QuerySyntaxError, match="not valid Unicode"):
        executor.query("ASK { ?s ?p '\ud800' }")
    assert executor.query("ASK {}") == AskResult(True)
