"""Fixtures of the library tests that run queries in worker processes."""

from __future__ import annotations

from typing import Iterator

import pytest

from graph.executor import QueryExecutor
from graph.settings import load_settings
from graph.store import EmbeddedStore

EX = "https://ex.org/"
#: A tiny graph: a Japanese label, a typed number, a link.
SMALL_DATA = f"""<{EX}a> <{EX}label> "計画"@ja .
<{EX}a> <{EX}n> "7"^^<http://www.w3.org/2001/XMLSchema#integer> .
<{EX}b> <{EX}link> <{EX}a> .
"""


def make_executor(store: EmbeddedStore, **settings) -> QueryExecutor:
    """An executor with one warm worker (close it after use)."""
    return QueryExecutor(store, load_settings(environ={}, overrides={"query_workers": 1, **settings}))


def small_store(extra: str = "") -> EmbeddedStore:
    """:data:`SMALL_DATA` (plus ``extra`` N-Triples) in the graph ``ex:g``."""
    s = EmbeddedStore()
    s.load_data(SMALL_DATA + extra, format="nt", graph=EX + "g")
    return s


@pytest.fixture(scope="module")
def executor(store) -> Iterator[QueryExecutor]:
    """An executor over the module's ``store`` fixture."""
    ex = make_executor(store)
    yield ex
    ex.close()
