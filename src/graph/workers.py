"""Inside the query processes: the zygote that holds the store and the workers it forks.

See :mod:`graph.executor` for the design; this module is the code that runs
in the child processes (started as ``python -c "from graph.workers import
zygote_entry; ..."``). Nothing here runs in the web app's process except
:func:`decode_error`, :func:`with_query_dataset` and the frame functions.

Messages on the pipes:

* app → zygote: ``("load", source, {"memory_mb": n})`` once, then ``("spawn", app_pid)``,
  ``("reload", source)``, ``("exit",)``. ``source`` is ``("dump", nquads, base_iri)``
  for an in-memory store or ``("path", folder, base_iri)`` for an on-disk one.
* zygote → app: ``("ready", pid)``, ``("spawned", pid)`` followed by the
  worker's pipe end (fd passing), ``("reloaded",)``.
* app ↔ worker: one bytes frame each way per query (``Connection.send_bytes``; a trial
  update is a JSON object ``{"update": text}``, see :func:`encode_update_job`),
  built and read by :func:`encode_job` / :func:`decode_job` and
  :func:`encode_reply` / :func:`decode_reply`; an empty frame tells the worker to exit.
  These frames are on every endpoint request's path, so they avoid pickle where
  they can: a JSON header line (the query, its terms as ``[kind, value, …]``,
  the answer's format, or an error's class and messages), then the answer's bytes
  as they are. Only :class:`~graph.store.QueryResult` objects (the pages' path,
  which needs terms) are pickled.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import pickle
import signal
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.reduction import send_handle
from typing import Any, Mapping

import orjson
import pyoxigraph as ox

from . import errors, netguard, sandbox
from .answers import Answer, AnswerSpec, encode_answer
from .errors import PlanGraphError, StoreError
from .store import AskResult, EmbeddedStore, QueryResult, Term

log = logging.getLogger(__name__)


def _encode_error(exc: BaseException) -> tuple:
    if isinstance(exc, PlanGraphError):
        return ("error", type(exc).__name__, exc.message_en, exc.title, exc.status, exc.message_ja, exc.detail)
    if isinstance(exc, MemoryError):
        return ("error", "QueryError", "the query needed more memory than a query may use "
                "(setting query_memory_mb); narrow it", "Query stopped", 503,
                "クエリが使えるメモリの上限を超えました。条件を絞ってください。", None)
    # Never echo raw exception text to the client; the worker's stderr keeps it.
    log.error("query worker: unexpected %s: %s", type(exc).__name__, exc)
    return ("error", "StoreError", "the query failed inside the query worker", "Store error", 500,
            "クエリの実行中に内部エラーが起きました。", None)


def decode_error(msg: tuple) -> PlanGraphError:
    _, name, message, title, status, *more = msg
    message_ja, detail = (list(more) + [None, None])[:2]  # both languages and the parser's words
    cls = getattr(errors, name, None)
    if not (isinstance(cls, type) and issubclass(cls, PlanGraphError)):
        cls = StoreError
    exc = cls.__new__(cls)
    PlanGraphError.__init__(exc, message, message_ja=message_ja, detail=detail, title=title, status=status)
    return exc


# --- the frames between the app and a worker ----------------------------------------

_DIRECTIONS = {str(d): d for d in (ox.BaseDirection.LTR, ox.BaseDirection.RTL)}


def encode_term(term: Term) -> list:
    """A pyoxigraph term as JSON-ready ``[kind, …]`` (``decode_term`` reverses it exactly).

    >>> encode_term(ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    ['l', '7', 'http://www.w3.org/2001/XMLSchema#integer', None, None]
    >>> decode_term(encode_term(ox.Literal("計画", language="ja"))) == ox.Literal("計画", language="ja")
    True
    """
    if isinstance(term, ox.NamedNode):
        return ["i", term.value]
    if isinstance(term, ox.Literal):
        if term.language:
            return ["l", term.value, None, term.language, str(term.direction) if term.direction else None]
        return ["l", term.value, term.datatype.value, None, None]
    if isinstance(term, ox.BlankNode):
        return ["b", term.value]
    if isinstance(term, ox.Triple):
        return ["t", encode_term(term.subject), encode_term(term.predicate), encode_term(term.object)]
    raise TypeError(f"not an RDF term: {type(term).__name__}")


def decode_term(item: list) -> Term:
    """The term :func:`encode_term` encoded."""
    kind = item[0]
    if kind == "i":
        return ox.NamedNode(item[1])
    if kind == "l":
        if item[4]:
            return ox.Literal(item[1], language=item[3], direction=_DIRECTIONS[item[4]])
        if item[3]:
            return ox.Literal(item[1], language=item[3])
        return ox.Literal(item[1], datatype=ox.NamedNode(item[2]))
    if kind == "b":
        return ox.BlankNode(item[1])
    if kind == "t":
        return ox.Triple(decode_term(item[1]), decode_term(item[2]), decode_term(item[3]))
    raise ValueError(f"unknown term kind {kind!r}")


def encode_job(sparql: str, kwargs: Mapping[str, Any], inspect: bool | sandbox.Analysis,
               spec: AnswerSpec | None) -> bytes:
    """One query for a worker: its text, ``Store.query`` arguments, the check to make, the answer to build.

    ``inspect`` is True (parse and check the text), an :data:`~graph.sandbox.Analysis`
    this app already got from a worker for the same text (only the dataset is
    checked again), or False (no check: tests of the deeper layers only).

    >>> decode_job(encode_job("ASK {}", {"max_rows": 5}, True, None))
    ('ASK {}', {'substitutions': None, 'default_graph': None, 'named_graphs': None, 'max_rows': 5}, True, None)
    """
    subs = kwargs.get("substitutions")
    return orjson.dumps([
        sparql,
        {k: encode_term(v) for k, v in subs.items()} if subs else None,
        kwargs.get("default_graph") or None, kwargs.get("named_graphs") or None, kwargs.get("max_rows"),
        inspect,
        None if spec is None else [spec.format, spec.param, list(spec.accept), spec.neutralize_formulas],
    ])


def encode_update_job(sparql: str) -> bytes:
    """A trial update for a worker (:meth:`graph.executor.QueryExecutor.update`): a JSON object,
    where a query job is a JSON array, so the first byte tells them apart."""
    return orjson.dumps({"update": sparql})


def decode_job(frame: bytes) -> tuple[str, dict, bool | sandbox.Analysis, AnswerSpec | None]:
    """``(sparql, store_query_kwargs, inspect, spec)`` from :func:`encode_job`'s frame."""
    sparql, subs, default_graph, named_graphs, max_rows, inspect, spec = orjson.loads(frame)
    kwargs = {"substitutions": {k: decode_term(v) for k, v in subs.items()} if subs else None,
              "default_graph": default_graph, "named_graphs": named_graphs, "max_rows": max_rows}
    if isinstance(inspect, list):  # JSON has no tuples: back to the Analysis shape
        inspect = (inspect[0], tuple((bool(n), iri) for n, iri in inspect[1]))
    return sparql, kwargs, inspect, (None if spec is None else AnswerSpec(spec[0], spec[1], tuple(spec[2]), spec[3]))


def encode_reply(outcome: Answer | QueryResult | BaseException, analysis: sandbox.Analysis | None = None) -> bytes:
    """A worker's reply: an encoded answer (its bytes unchanged), a result (pickled), or an error.

    ``analysis`` is what the worker's parse derived, for the app to keep.

    >>> from graph.store import AskResult
    >>> decode_reply(encode_reply(AskResult(True), ("ask", ())))
    ('ok', AskResult(value=True), ('ask', ()))
    """
    if isinstance(outcome, BaseException):
        return orjson.dumps(list(_encode_error(outcome))) + b"\n"
    if isinstance(outcome, Answer):
        head = ["answer", analysis, outcome.format, outcome.media_type, outcome.kind, outcome.truncated]
        return orjson.dumps(head) + b"\n" + outcome.body
    return orjson.dumps(["result", analysis]) + b"\n" + pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)


def decode_reply(frame: bytes) -> tuple:
    """``("ok", Answer or QueryResult, analysis or None)``, or the error tuple that :func:`decode_error` reads."""
    head, _, payload = frame.partition(b"\n")
    msg = orjson.loads(head)
    tag = msg[0]
    if tag == "error":
        return tuple(msg)
    analysis = msg[1]
    if analysis is not None:
        analysis = (analysis[0], tuple((bool(n), iri) for n, iri in analysis[1]))
    if tag == "answer":
        return "ok", Answer(payload, msg[2], msg[3], msg[4], msg[5]), analysis
    return "ok", pickle.loads(payload), analysis


def _open_worker_store(source: tuple) -> EmbeddedStore:
    kind = source[0]
    if kind == "path":
        return EmbeddedStore(source[1], read_only=True, base_iri=source[2])
    raise StoreError(f"unknown store source {kind!r}")


def with_query_dataset(info: sandbox.QueryInfo, kwargs: dict) -> dict:
    """Honour the query's own FROM / FROM NAMED (Store.query's union default would hide them).

    The protocol's default-graph-uri / named-graph-uri, when given, win (SPARQL 1.1 Protocol 2.1.4).
    """
    if kwargs.get("default_graph") or kwargs.get("named_graphs"):
        return kwargs
    if not (info.from_graphs or info.from_named):
        return kwargs
    return {**kwargs, "default_graph": list(info.from_graphs) or None,
            "named_graphs": list(info.from_named) or None}


def _limit_memory(megabytes: int) -> None:
    """Cap this worker's address space: a runaway sort fails here, not on the whole machine."""
    if megabytes and megabytes > 0:
        import resource  # noqa: PLC0415 (Unix only, like fork)

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _isolate_network() -> bool:
    """Linux: move this worker into an empty network namespace (best effort; a third layer).

    pyoxigraph's Rust HTTP client (SERVICE, LOAD) bypasses Python's sockets
    and so :mod:`graph.netguard`; in a fresh network namespace there is no
    interface at all, so even a query that slipped past :mod:`graph.sandbox`
    cannot connect anywhere. The pipe to the app is a Unix socketpair and is
    not affected. Needs root or unprivileged user namespaces, and a process
    with one thread (right after the fork); returns False when unavailable.
    """
    try:
        import ctypes  # noqa: PLC0415

        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    clone_newnet, clone_newuser = 0x40000000, 0x10000000
    return libc.unshare(clone_newnet) == 0 or libc.unshare(clone_newuser | clone_newnet) == 0


def _die_with_parent() -> None:
    """Linux: SIGKILL this worker when the zygote dies, even mid-query (best effort)."""
    try:
        import ctypes  # noqa: PLC0415

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _worker_loop(conn: Connection, store: EmbeddedStore | None, source: tuple, memory_mb: int = 0) -> None:
    """Serve queries one at a time until the app closes the pipe.

    The address-space limit comes last, once the threads exist (the watchdog,
    and RocksDB's when an on-disk store is opened): a thread started under the
    limit may fail to get its stack (EAGAIN), which killed or hung the worker.
    """
    zygote = os.getppid()
    _die_with_parent()

    def watchdog() -> None:  # the zygote died: nobody would ever kill us
        while True:
            time.sleep(0.5)
            if os.getppid() != zygote:
                os._exit(1)

    threading.Thread(target=watchdog, daemon=True).start()
    if store is None:
        store = _open_worker_store(source)
    _limit_memory(memory_mb)
    graphs = store.graphs
    while True:
        try:
            frame = conn.recv_bytes()
        except (EOFError, OSError):
            return
        if not frame:
            return
        analysis = None
        if frame[:1] == b"{":  # a trial update on this worker's copy (the app discards the worker after)
            try:
                store.update(orjson.loads(frame)["update"])
                reply = encode_reply(AskResult(True))
            except BaseException as exc:  # noqa: BLE001 — back as an error shape
                reply = encode_reply(exc)
            try:
                conn.send_bytes(reply)
            except (OSError, ValueError):
                return
            continue
        try:
            sparql, kwargs, inspect, spec = decode_job(frame)
            if inspect is True:
                analysis = sandbox.analyse(sparql)
                kwargs = with_query_dataset(sandbox.check_dataset(analysis, graphs=graphs), kwargs)
            elif inspect:  # the app's copy of an earlier worker's analysis of this text
                kwargs = with_query_dataset(sandbox.check_dataset(inspect, graphs=graphs), kwargs)
            result = store.query(sparql, **kwargs)
            reply = encode_reply(result if spec is None else encode_answer(result, spec), analysis)
        except BaseException as exc:  # noqa: BLE001 — everything goes back as an error shape
            reply = encode_reply(exc)
        try:
            conn.send_bytes(reply)
        except (OSError, ValueError):
            return


def zygote_entry(fd: int) -> None:
    """Entry point of the zygote process (started by :meth:`graph.zygote.Zygote.start`)."""
    _zygote_main(Connection(fd))


def _zygote_main(conn: Connection) -> None:
    """The zygote: hold the store, fork workers on request, reload after writes."""
    netguard.install()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in `plangraph serve` is the app's to handle
    tag, source, options = conn.recv()
    sandbox.warm_up()
    store = _zygote_store(source)
    source = _without_dump(source)
    children: set[int] = set()
    conn.send(("ready", os.getpid()))
    while True:
        _reap(children)
        if not conn.poll(1.0):
            continue
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            break
        if msg is None or msg[0] == "exit":
            break
        if msg[0] == "reload":
            store = _zygote_store(msg[1])
            source, msg = _without_dump(msg[1]), None
            conn.send(("reloaded",))
        elif msg[0] == "spawn":
            parent_end, child_end = mp.Pipe(duplex=True)
            pid = os.fork()
            if pid == 0:  # the worker
                code = 0
                try:
                    conn.close()
                    parent_end.close()
                    _isolate_network()  # before any thread starts
                    _worker_loop(child_end, store, source, options.get("memory_mb", 0))
                except BaseException:  # noqa: BLE001
                    code = 1
                os._exit(code)  # never run the zygote's atexit handlers in a worker
            children.add(pid)
            conn.send(("spawned", pid))
            send_handle(conn, parent_end.fileno(), msg[1])
            parent_end.close()
            child_end.close()
    for pid in children:  # the app went away: take the workers with us
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _reap(children)


def _zygote_store(source: tuple) -> EmbeddedStore | None:
    if source[0] == "dump":
        import pyoxigraph as ox  # noqa: PLC0415

        store = EmbeddedStore(base_iri=source[2])
        store.raw.load(source[1], format=ox.RdfFormat.N_QUADS)
        return store
    return None  # "path": each worker opens the folder itself, after the fork


def _without_dump(source: tuple) -> tuple:
    """The source without its N-Quads text once the store holds it.

    Kept, the text (240 MB at a million triples) stayed in the zygote and in
    every worker's memory map for nothing.

    >>> _without_dump(("dump", "<a> <b> <c> .", "https://ex.org/"))
    ('dump', None, 'https://ex.org/')
    """
    return (source[0], None, source[2]) if source[0] == "dump" else source


def _reap(children: set[int]) -> None:
    for pid in list(children):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            children.discard(pid)
