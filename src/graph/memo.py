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

import logging
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
    return _answer(slot, store, compute)


def _current(entry: Any, store: Store) -> bool:
    """Whether a remembered ``(version, computed at, answer)`` still answers for ``store``."""
    return entry is not None and entry[0] == store.version and (
        isinstance(store, EmbeddedStore) or time.monotonic() - entry[1] < REMOTE_MAX_AGE_S)


def _answer(slot: list[Any], store: Store, compute: Callable[[Store], T]) -> T:
    """The slot's answer if current, else ``compute(store)`` kept in it (one computation at a time)."""
    with slot[0]:
        if _current(slot[1], store):
            return slot[1][2]
        version, now = store.version, time.monotonic()
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
    return _answer(slot, store, lambda s: compute(s, arg))


#: (store id, key) → the thread computing that answer in the background, while it runs.
_SOON: dict[tuple[int, str], threading.Thread] = {}


def memo_soon(store: Store, key: str, compute: Callable[[Store], T], *, wait_s: float) -> T | None:
    """:func:`memo`'s answer if it is ready within ``wait_s`` seconds, else None; it goes on
    being computed in the background, and a later call gets it.

    Why: on the whole country the home page's triple count takes 18 s and the
    dataset page's statistics 30 s. A page that shows such a number should not
    keep a planner waiting for it: it says "counting" and shows the number on
    the next visit. A small store answers within ``wait_s`` and never notices.

    >>> from graph.store import EmbeddedStore
    >>> import time
    >>> s = EmbeddedStore()
    >>> slow = lambda store: time.sleep(0.3) or 42
    >>> memo_soon(s, "slow", slow, wait_s=0.01) is None
    True
    >>> memo_soon(s, "slow", slow, wait_s=5)
    42
    """
    slot = _MEMO.get(store, {}).get(key)
    if slot is not None and _current(slot[1], store):
        return slot[1][2]  # the common case, without a thread
    with _LOCK:
        thread = _SOON.get((id(store), key))
        if thread is None or not thread.is_alive():
            thread = threading.Thread(target=_compute_soon, args=(store, key, compute), daemon=True,
                                      name=f"plangraph-memo-{key}")
            _SOON[(id(store), key)] = thread
            thread.start()
    thread.join(wait_s)
    if thread.is_alive():
        return None
    slot = _MEMO.get(store, {}).get(key)
    return slot[1][2] if slot is not None and slot[1] is not None else None


def _compute_soon(store: Store, key: str, compute: Callable[[Store], Any]) -> None:
    try:
        memo(store, key, compute)
    except Exception:  # noqa: BLE001 -- a failed count is asked again by the next page; the page says "counting"
        logging.getLogger(__name__).exception("computing %s in the background failed", key)
    finally:
        with _LOCK:
            _SOON.pop((id(store), key), None)
