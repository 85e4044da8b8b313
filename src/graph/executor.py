"""The killable query runner: every endpoint query runs in a worker process.

A Python thread cannot be stopped, and pyoxigraph evaluates a query in Rust
without returning to Python, so the only reliable way to enforce a deadline
on a hostile query (a cartesian product over 10⁸ rows) is to run it in a
process and ``SIGKILL`` that process when the deadline passes.

Processes::

    web app (threads) ── socket ─► zygote (a fresh interpreter, single-threaded)
         │                          │ holds a copy of the store
         │                          │ os.fork() on request
         └──── Pipe (fd passed) ──► worker, worker, …  (one query at a time each)

* The **zygote** is a fresh interpreter (``python -c``, not a fork of the
  app): it never inherits the web app's threads or locks, so forking from it
  is safe. It loads an
  N-Quads dump of the in-memory store (or, for ``store_path``, lets each
  worker open the folder read-only), imports pyoxigraph and builds rdflib's
  SPARQL grammar once. A fork then costs a few milliseconds and shares the
  store's memory copy-on-write.
* A **worker** lives in an empty network namespace where Linux allows it
  (no interface: pyoxigraph's own HTTP client cannot reach anything), under
  an address-space limit (``query_memory_mb``), and
  runs :func:`graph.sandbox.inspect_query` and the query, stops
  reading at ``max_rows`` + 1 (``truncated``), and sends back the encoded
  answer (:meth:`QueryExecutor.answer`) or the same result objects as
  :meth:`graph.store.Store.query` (the frames: :mod:`graph.workers`).
* The app **remembers each accepted text's parse** (:func:`graph.sandbox.analyse`:
  the query form and its FROM IRIs) as a worker reports it, and sends it with
  the next job of that text: a worker forked since (after a write, or a burst
  worker) then checks only the FROM graphs, instead of spending rdflib's
  60–260 ms on the parse again. A text no worker has accepted yet is always
  parsed in the worker, under the deadline.
* ``query_workers`` workers are kept warm. When all are busy a **burst**
  worker is forked on demand (up to twice as many, at least two extra), so
  while one query burns its deadline, ``ASK {}`` from another client still
  answers at once. Past that bound, requests queue; the wait counts against
  their own deadline.
* At the deadline the worker is killed and :class:`~graph.errors.QueryTimeout` raised (HTTP 503).
* **Writes** go to the main store in this process (:meth:`QueryExecutor.update`,
  :meth:`QueryExecutor.write`); then the zygote reloads and every worker
  forked before the write is retired, so the next query sees the change. A
  SPARQL Update on an in-memory store runs first as a trial in a worker,
  under the deadline, so a runaway update is killed like a runaway query.
* A **remote** store (``store_url``) needs no processes: its HTTP timeout is
  the deadline, and the inspection runs here.

The code that runs inside the child processes is :mod:`graph.workers`; starting and
speaking to them is :mod:`graph.zygote`.

``QueryExecutor.query`` has the signature of ``Store.query``, so code that
only reads (named queries, pages) can take either.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from typing import Any, Callable, Mapping, Sequence

import orjson

from . import sandbox
from .answers import Answer, AnswerSpec, encode_answer
from .errors import QueryError, QuerySyntaxError, QueryTimeout, StoreError
from .settings import Settings
from .store import EmbeddedStore, QueryResult, Store, Term
from .workers import decode_error, decode_reply, encode_job, encode_update_job, with_query_dataset
from .zygote import STARTUP_TIMEOUT_S, Worker, Zygote, shutdown

log = logging.getLogger(__name__)

#: Query texts whose parse (:func:`graph.sandbox.analyse`) the app remembers for its workers.
ANALYSES_KEPT = 512


class QueryExecutor:
    """Run read queries under a deadline and a row cap, in killable worker processes.

    Build one per app (``create_app`` does) and :meth:`close` it at exit.
    Processes start on the first query.
    """

    def __init__(self, store: Store, settings: Settings):
        self.store = store
        self.settings = settings
        self.timeout_s = settings.query_timeout_ms / 1000.0
        self.max_rows = settings.max_rows
        self.warm = max(1, settings.query_workers)
        self.max_workers = self.warm + max(2, self.warm)
        self._isolated = isinstance(store, EmbeddedStore)
        self._cond = threading.Condition()
        self._idle: list[Worker] = []
        self._total = 0
        self._generation = 0
        self._zygote_lock = threading.Lock()  # one conversation with the zygote at a time
        self._write_lock = threading.Lock()
        self._zygote = Zygote(settings.query_memory_mb)
        self._closed = False
        self._finalizer = weakref.finalize(self, shutdown, self._idle, [None])
        # What the workers' parses derived, by query text: sent with the next job of the
        # same text, so a worker forked since (after a write, or a burst worker) skips
        # rdflib's 60–260 ms parse. Only accepted queries get here.
        self._analyses: dict[str, sandbox.Analysis] = {}
        self._analyses_lock = threading.Lock()

    # public API --------------------------------------------------------------
    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        """Inspect and run a read query; same arguments and results as ``Store.query``.

        ``max_rows`` defaults to the ``max_rows`` setting and ``timeout`` (seconds)
        to ``query_timeout_ms``. Raises QuerySyntaxError / QueryForbidden (400),
        QueryTimeout (503) or StoreError.
        """
        return self._run(sparql, None, substitutions=substitutions, default_graph=default_graph,
                         named_graphs=named_graphs, max_rows=max_rows, timeout=timeout)

    def answer(
        self,
        sparql: str,
        spec: AnswerSpec,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
        timeout: float | None = None,
    ) -> Answer:
        """Like :meth:`query`, but the worker encodes the answer (``spec``) and only bytes come back.

        This is the endpoint's path: the result never crosses the pipe as terms
        (see :mod:`graph.answers` for what that saves). The same deadline covers
        the query and its encoding.
        """
        return self._run(sparql, spec, substitutions=substitutions, default_graph=default_graph,
                         named_graphs=named_graphs, max_rows=max_rows, timeout=timeout)

    def _run(self, sparql: str, spec: AnswerSpec | None, *, substitutions, default_graph, named_graphs,
             max_rows, timeout):
        kwargs = {"substitutions": dict(substitutions) if substitutions else None,
                  "default_graph": list(default_graph) if default_graph else None,
                  "named_graphs": list(named_graphs) if named_graphs else None,
                  "max_rows": self.max_rows if max_rows is None else max_rows}
        timeout = self.timeout_s if timeout is None else timeout
        if not self._isolated:  # a remote store: its own HTTP timeout is the deadline
            info = sandbox.inspect_query(sparql, graphs=self.store.graphs)
            result = self.store.query(sparql, **with_query_dataset(info, kwargs))
            return result if spec is None else encode_answer(result, spec)
        known = self._analyses.get(sparql)
        try:
            frame = encode_job(sparql, kwargs, known or True, spec)
        except orjson.JSONEncodeError:  # a lone surrogate (pickle carried it; no parser reads it)
            raise QuerySyntaxError("the query or a parameter is not valid Unicode text",
                                   message_ja="クエリかパラメータに、文字として読めないデータが含まれています。") from None
        reply = self._exchange(frame, sparql, timeout)
        if reply[0] != "ok":
            raise decode_error(reply)
        if reply[2] is not None and known is None:
            self._remember(sparql, reply[2])
        return reply[1]

    def _exchange(self, frame: bytes, sparql: str, timeout: float, *, update: bool = False) -> tuple:
        """Send one job to a worker and wait for its reply, killing the worker at the deadline.

        ``update``: the job is a trial update (:meth:`update`); the worker's copy of the store
        then differs from the app's, so the worker is discarded whatever the outcome.
        """
        self._ensure_zygote()  # starting the processes is not the job's time
        deadline = time.monotonic() + timeout
        worker = self._acquire(deadline)
        try:
            worker.conn.send_bytes(frame)
            if not worker.wait(deadline - time.monotonic()):
                log.warning("%s stopped at its %g s deadline (worker %d killed): %.200s",
                            "update" if update else "query", timeout, worker.pid, " ".join(sparql.split()))
                self._discard(worker, kill=True)
                worker = None
                if update:
                    raise QueryTimeout(
                        f"the update did not finish within its deadline of {timeout:g} s and was stopped; "
                        "nothing was changed",
                        message_ja=f"更新が制限時間（{timeout:g} 秒）内に終わらなかったため止めました。"
                                   "データは変わっていません。")
                raise QueryTimeout(
                    f"the query did not finish within its deadline of {timeout:g} s and was stopped; "
                    "narrow it (LIMIT, more specific patterns) or ask the operator for a longer deadline",
                    message_ja=f"クエリが制限時間（{timeout:g} 秒）内に終わらなかったため止めました。"
                               "LIMIT を付けるなど条件を絞ってください。")
            reply = decode_reply(worker.conn.recv_bytes())
        except (EOFError, OSError, BrokenPipeError):
            if worker is not None:
                self._discard(worker, kill=True)
                worker = None
            noun_en, noun_ja = ("update", "更新") if update else ("query", "クエリ")
            raise QueryError(
                f"the {noun_en} was stopped: its worker process ended, most likely at its memory limit "
                f"({self.settings.query_memory_mb} MiB, setting query_memory_mb); narrow the {noun_en}",
                message_ja=f"{noun_ja}がメモリの上限に達したため止めました。条件を絞ってください。",
                title="Query stopped", status=503) from None
        finally:
            if worker is not None:
                if update:
                    self._discard(worker, kill=True)
                else:
                    self._release(worker)
        return reply

    def _remember(self, sparql: str, analysis: sandbox.Analysis) -> None:
        with self._analyses_lock:
            if len(self._analyses) >= ANALYSES_KEPT:
                self._analyses.pop(next(iter(self._analyses)))  # the oldest
            self._analyses[sparql] = analysis

    def update(self, sparql: str, *, timeout: float | None = None) -> None:
        """Run a SPARQL Update on the main store (caller checked the token), then refresh workers.

        ``LOAD`` and ``SERVICE`` are refused even here (:func:`graph.sandbox.inspect_update`).

        On an in-memory store the update first runs as a trial in a worker, on the worker's
        copy of the store, under the query deadline (``timeout``, default ``query_timeout_ms``)
        and memory limit: pyoxigraph applies an update in Rust and a thread cannot be
        stopped, so a runaway update (a cartesian product in its WHERE) ran on, the write
        lock held, until a restart. A trial past the deadline is killed and nothing changes;
        one that finishes is applied to the main store, which takes about as long again.
        Writes are serialised, so the worker's copy is the main store's. An on-disk store's
        workers open it read-only, so there an update runs without a deadline.
        """
        sandbox.inspect_update(sparql)
        timeout = self.timeout_s if timeout is None else timeout
        with self._write_lock:
            if self._isolated and self.store.path is None:
                reply = self._exchange(encode_update_job(sparql), sparql, timeout, update=True)
                if reply[0] != "ok":
                    raise decode_error(reply)
            self._apply(lambda store: store.update(sparql))

    def write(self, change: Callable[[Store], Any]) -> Any:
        """Apply ``change(store)`` to the main store, then make the workers see it."""
        with self._write_lock:
            return self._apply(change)

    def _apply(self, change: Callable[[Store], Any]) -> Any:
        """:meth:`write`'s work, with the write lock held."""
        result = change(self.store)
        flush = getattr(self.store, "flush", None)
        if flush:
            flush()
        self.refresh()
        return result

    def refresh(self) -> None:
        """Retire every worker forked before now; reload the zygote's copy of the store."""
        if not self._isolated:
            return
        with self._zygote_lock:
            with self._cond:
                self._generation += 1
                stale, self._idle[:] = list(self._idle), []
                self._total -= len(stale)
                self._cond.notify_all()
            for w in stale:
                w.retire()
            if self._zygote.running:
                try:
                    self._zygote.reload(self._source())
                except (EOFError, OSError):
                    self._zygote.stop()

    #: Writers that changed the store themselves (imports) call this.
    invalidate = refresh

    def close(self) -> None:
        """Stop the zygote and every worker."""
        self._closed = True
        with self._zygote_lock:
            with self._cond:
                idle, self._idle[:] = list(self._idle), []
            for w in idle:
                w.kill()
            self._zygote.stop()

    def start(self) -> None:
        """Start the processes and the warm workers now (``plangraph serve``), not on the first query."""
        if not self._isolated:
            return
        workers = [self._acquire(time.monotonic() + STARTUP_TIMEOUT_S) for _ in range(self.warm)]
        for w in workers:
            self._release(w)

    def stats(self) -> dict:
        """Counts for the health check and the tests."""
        with self._cond:
            return {"idle": len(self._idle), "total": self._total, "generation": self._generation,
                    "warm": self.warm, "max": self.max_workers}

    # the pool ------------------------------------------------------------------
    def _acquire(self, deadline: float) -> Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise StoreError("the query executor is closed")
                while self._idle:
                    w = self._idle.pop()
                    if w.generation == self._generation:
                        return w
                    self._total -= 1
                    w.retire()
                if self._total < self.max_workers:
                    self._total += 1
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise QueryTimeout("every query worker is busy and the deadline passed while waiting; "
                                       "try again shortly",
                                       message_ja="混み合っているため実行できませんでした。"
                                                  "しばらくしてからもう一度お試しください。")
                self._cond.wait(remaining)
        try:
            return self._spawn()
        except BaseException:
            with self._cond:
                self._total -= 1
                self._cond.notify()
            raise

    def _release(self, worker: Worker) -> None:
        with self._cond:
            keep = (worker.generation == self._generation and not self._closed
                    and len(self._idle) < self.warm)
            if keep:
                self._idle.append(worker)
            else:
                self._total -= 1
            self._cond.notify()
        if not keep:  # a burst worker, or one forked before a write
            worker.retire()

    def _discard(self, worker: Worker, *, kill: bool) -> None:
        worker.kill() if kill else worker.retire()
        with self._cond:
            self._total -= 1
            self._cond.notify()

    def _ensure_zygote(self) -> None:
        if not self._zygote.running:
            with self._zygote_lock:
                if not self._zygote.running:
                    self._start_zygote()

    def _spawn(self) -> Worker:
        with self._zygote_lock:
            for attempt in (1, 2):
                if not self._zygote.running:
                    self._start_zygote()
                try:
                    return self._zygote.spawn(self._generation)
                except (EOFError, OSError) as exc:
                    self._zygote.stop()  # it died (killed, out of memory): start a new one once
                    if attempt == 2:
                        raise StoreError("cannot start a query worker") from exc
        raise AssertionError("unreachable")

    def _source(self) -> tuple:
        store = self.store
        if store.path is not None:
            return ("path", str(store.path), store.base_iri)
        import pyoxigraph as ox  # noqa: PLC0415

        return ("dump", store.raw.dump(format=ox.RdfFormat.N_QUADS), store.base_iri)

    def _start_zygote(self) -> None:
        proc = self._zygote.start(self._source())
        self._finalizer.detach()
        self._finalizer = weakref.finalize(self, shutdown, self._idle, [proc])


def open_executor(store: Store, settings: Settings) -> QueryExecutor:
    """The executor the web app uses for every endpoint query (processes start lazily)."""
    return QueryExecutor(store, settings)
