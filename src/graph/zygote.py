"""The app's side of the zygote process: start it, fork query workers from it, reload, stop.

Why a module of its own: :mod:`graph.executor` decides *when* a query runs
(deadline, row cap, pool of warm and burst workers); this module knows *how*
the processes are made and spoken to. The code that runs inside them is
:mod:`graph.workers`; the design is in :mod:`graph.executor`'s docstring.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle
from typing import Any

from .errors import StoreError

#: The folder holding the ``graph`` package, so the zygote imports it even when it is not installed.
_SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: How long the app waits for the zygote to start and load the data (not a query deadline).
STARTUP_TIMEOUT_S = 120.0


@dataclass
class Worker:
    """One forked query process and the pipe to it (one query at a time)."""

    pid: int
    conn: Connection
    generation: int
    # One poll object per worker: Connection.poll builds a selector on every call.
    poller: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.poller is None:
            self.poller = select.poll()
            self.poller.register(self.conn.fileno(), select.POLLIN)

    def wait(self, seconds: float) -> bool:
        """True when the reply (or the end of the pipe) is there within ``seconds``."""
        return bool(self.poller.poll(max(0.0, seconds) * 1000.0))

    def kill(self) -> None:
        """Stop it now (``SIGKILL``: the only way to stop a query inside Rust)."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.conn.close()

    def retire(self) -> None:
        """Ask it to exit when idle (the empty frame)."""
        try:
            self.conn.send_bytes(b"")
        except (OSError, ValueError):
            pass
        self.conn.close()


class Zygote:
    """The zygote process: a fresh interpreter holding the store, forking a worker on request.

    Not thread-safe: the executor holds its zygote lock around every call.
    """

    def __init__(self, memory_mb: int):
        self.memory_mb = memory_mb
        self.proc: subprocess.Popen | None = None
        self.conn: Connection | None = None

    @property
    def running(self) -> bool:
        return self.conn is not None

    def start(self, source: tuple) -> subprocess.Popen:
        """Start it and load ``source`` (a store folder or an N-Quads dump); return the process."""
        # A plain subprocess, not multiprocessing's "spawn": that one re-imports
        # the caller's __main__ (a script without a main guard would start twice).
        ours, theirs = socket.socketpair()
        proc = subprocess.Popen(
            [sys.executable, "-c", f"import sys; sys.path.insert(0, {_SRC!r}); "
                                   f"from graph.workers import zygote_entry; zygote_entry({theirs.fileno()})"],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, close_fds=True)
        theirs.close()
        self.proc, self.conn = proc, Connection(ours.detach())
        try:
            self.conn.send(("load", source, {"memory_mb": self.memory_mb}))
            if not self.conn.poll(STARTUP_TIMEOUT_S):
                raise OSError("timeout")
            self._expect("ready")
        except (EOFError, OSError):
            self.stop()
            raise StoreError("the query process did not start") from None
        return proc

    def spawn(self, generation: int) -> Worker:
        """Fork a worker (raises EOFError/OSError when the zygote is gone)."""
        self.conn.send(("spawn", os.getpid()))
        pid = self._expect("spawned")[1]
        fd = recv_handle(self.conn)
        return Worker(pid, Connection(fd), generation)

    def reload(self, source: tuple) -> None:
        """Load the store again after a write (raises EOFError/OSError when the zygote is gone)."""
        self.conn.send(("reload", source))
        self._expect("reloaded")

    def _expect(self, tag: str) -> tuple:
        msg = self.conn.recv()
        if not (isinstance(msg, tuple) and msg and msg[0] == tag):
            raise OSError(f"unexpected reply from the query process: {msg!r:.80}")
        return msg

    def stop(self) -> None:
        """Ask it to exit; kill it if it does not within 2 s."""
        if self.conn is not None:
            try:
                self.conn.send(("exit",))
            except (OSError, ValueError):
                pass
            self.conn.close()
        if self.proc is not None:
            try:
                self.proc.wait(2)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(2)
        self.proc, self.conn = None, None


def shutdown(idle: list[Worker], procs: list) -> None:
    """Kill idle workers and zygote processes (the executor's finalizer, at exit)."""
    for w in list(idle):
        w.kill()
    for p in procs:
        if p is not None and p.poll() is None:
            p.kill()
