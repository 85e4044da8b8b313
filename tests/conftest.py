"""Shared fixtures. Paths come from this file's location, never the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"


@pytest.fixture(scope="session")
def saitama_store():
    """The embedded store with the ontology and the real Saitama graph (read-only use)."""
    from graph.settings import load_settings
    from graph.loading import open_store

    return open_store(load_settings(environ={}))


@pytest.fixture(scope="session")
def saitama_and_sample_store():
    """The store ``plangraph serve --with-sample`` serves: the Saitama graph and the sample city (read-only use)."""
    from graph.commands.serve import SAMPLE_DIR
    from graph.loading import open_store
    from graph.settings import load_settings

    defaults = load_settings(environ={})
    return open_store(load_settings(environ={}, overrides={
        "data_paths": [*map(str, defaults.data_paths), str(SAMPLE_DIR)], "store_path": None}))


def synthetic_country(municipalities: int = 3, seed: int = 1):
    """A fresh in-memory store: the ontology (class labels) and ``municipalities`` synthetic ones.

    A function, not a fixture: each test module builds its own (some add data to it).
    """
    import io

    from graph.store import EmbeddedStore

    from graph.sources import ontology_files
    from graph.synthetic import write_graph

    store = EmbeddedStore()
    for path in ontology_files():
        store.load_file(path)
    buf = io.StringIO()
    write_graph(buf, municipalities=municipalities, seed=seed)
    store.load_data(buf.getvalue(), format="nq")
    return store
