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
    from graph.store import open_store

    return open_store(load_settings(environ={}))
