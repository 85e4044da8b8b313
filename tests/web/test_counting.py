"""Whole-store counts on the home and dataset pages: shown when known, "counting" while a big store is counted.

On the whole country the triple count takes 18 s and the statistics 30 s; the
pages must not keep a planner waiting for them (graph.memo.memo_soon).
"""

from __future__ import annotations

import threading

import pytest

import graph.dataset as dataset
from graph.store import EmbeddedStore

from .conftest import endpoint_store


@pytest.fixture
def slow_counts(monkeypatch):
    """Counting blocks until the test releases it, like a count of the whole country."""
    release = threading.Event()
    triples, count = dataset._triples, dataset._count
    monkeypatch.setattr(dataset, "PAGE_WAIT_S", 0.05)
    monkeypatch.setattr(dataset, "_triples", lambda s: release.wait(10) and triples(s))
    monkeypatch.setattr(dataset, "_count", lambda s: release.wait(10) and count(s))
    yield release
    release.set()


def _text(client, path: str) -> str:
    resp = client.get(path, headers={"Accept-Language": "ja"})
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_pages_say_counting_until_the_count_is_known(make_app, slow_counts):
    store = endpoint_store()
    client = make_app(store).test_client()
    assert "計数中" in _text(client, "/")
    page = _text(client, "/dataset")
    assert 'id="counting"' in page and "バックグラウンド" in page
    assert "ダウンロード" in page or "plangraph.ttl" in page  # the rest of the page is there
    slow_counts.set()
    for _ in range(100):  # the background count finishes
        if "計数中" not in _text(client, "/"):
            break
        threading.Event().wait(0.05)
    home = _text(client, "/")
    assert "計数中" not in home and f">{len(store):,}<" in home.replace("</dd>", "<")
    page = _text(client, "/dataset")
    assert 'id="counting"' not in page and "トリプル数" in page


def test_a_small_store_shows_its_counts_at_once(make_app):
    store = EmbeddedStore()
    store.load_data('<https://ex.org/a> <https://ex.org/p> "x" .\n<https://ex.org/b> <https://ex.org/p> "y" .',
                    format="nt", graph="https://ex.org/g")
    client = make_app(store).test_client()
    home = _text(client, "/")
    assert "計数中" not in home and "<dd>2</dd>" in home
    assert 'id="counting"' not in _text(client, "/dataset")
