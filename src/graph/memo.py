"""Whole-store answers computed once per version of the store, not once per request.

Why: on the whole country (6.75M quads on disk) counting the distinct triples
takes 18 s and counting the quads 1.4 s; the home page and the search index
asked for them on every request. A store's :attr:`~graph.store.Store.version`
changes with every write made through it (the app's updates, uploads and
imports all are), so an answer computed for one version stays right until
the next write. A remote server can also be written to by others: there an
answer is recomputed after :data:`REMOTE_MAX_AGE_S` as well.

>>> from graph.store import EmbeddedStore
>>> s = EmbeddedStore()
>>> calls = []
>>> count = lambda store: calls.append(1) or len(store)
>>> memo(s, "n", count), memo(s, "n", count), len(calls)
(0, 0, 1)
>>> s.update("INSERT DATA { GRAPH <https://ex.org/g> { <https://ex.org/a> <https://ex.org/p> 1 } }")
>>> memo(s, "n", count), len(calls)
(1, 2)
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from typing import Any, Callable, Hashable, TypeVar

from .store import EmbeddedStore, Store

T = TypeVar("T")

#: Seconds after which an answer about a remote store is recomputed (others may write to the server).
REMOTE_MAX_AGE_S = 300.0

#: store → key → [lock, (version, computed at, answer) or None]
_MEMO: "weakref.WeakKeyDictionary[Store, dict[str, list[Any]]]" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def memo(store: Store, key: str, compute: Callable[[Store], T]) -> T:
    """``compute(store)``, remembered for the store's current version under ``key``.

    One computation at a time per store and key: a request arriving while the
    answer is being computed waits for it instead of computing it again.
    """
    with _LOCK:
        slots = _MEMO.setdefault(store, {})
        slot = slots.get(key)
        if slot is None:
            slot = slots[key] = [threading.Lock(), None]
    with slot[0]:
        entry, version, now = slot[1], store.version, time.monotonic()
        if entry is not None and entry[0] == version and (
                isinstance(store, EmbeddedStore) or now - entry[1] < REMOTE_MAX_AGE_S):
            return entry[2]
        value = compute(store)
        slot[1] = (version, now, value)
        return value


#: How many per-argument answers :func:`memo_bounded` keeps per store and key (the most recently used).
BOUNDED_SIZE = 32

#: store → key → OrderedDict(argument → [lock, (version, computed at, answer) or None])
_BOUNDED: "weakref.WeakKeyDictionary[Store, dict[str, OrderedDict[Any, list[Any]]]]" = weakref.WeakKeyDictionary()


def memo_bounded(store: Store, key: str, arg: Hashable, compute: Callable[[Store, Any], T], *,
                 size: int = BOUNDED_SIZE) -> T:
    """``compute(store, arg)``, remembered per store version for the ``size`` most recently used ``arg``.

    Why: one plan's alignment network takes 0.1–0.2 s to read on the whole
    country, and a planner moves between the views, figures and reports of the
    same plan; keeping every plan ever asked for would grow without bound on a
    national store (7,000 plans). Same rules as :func:`memo` otherwise: a write
    through the store changes its version, a remote answer expires after
    :data:`REMOTE_MAX_AGE_S`, and one computation at a time per argument.

    >>> from graph.store import EmbeddedStore
    >>> s, calls = EmbeddedStore(), []
    >>> square = lambda store, n: calls.append(n) or n * n
    >>> [memo_bounded(s, "sq", n, square, size=2) for n in (2, 3, 2, 4, 3)], calls
    ([4, 9, 4, 16, 9], [2, 3, 4, 3])
    """
    with _LOCK:
        slots = _BOUNDED.setdefault(store, {}).setdefault(key, OrderedDict())
        slot = slots.get(arg)
        if slot is None:
            slot = slots[arg] = [threading.Lock(), None]
        slots.move_to_end(arg)
        while len(slots) > size:
            slots.popitem(last=False)
    with slot[0]:
        entry, version, now = slot[1], store.version, time.monotonic()
        if entry is not None and entry[0] == version and (
                isinstance(store, EmbeddedStore) or now - entry[1] < REMOTE_MAX_AGE_S):
            return entry[2]
        value = compute(store, arg)
        slot[1] = (version, now, value)
        return value
