"""The web app's SPARQL protocol tests (tests/web/test_sparql_protocol.py), re-run on each CI server.

Every test of that module is imported here unchanged; only ``make_app`` is
replaced: the app it builds answers from a :class:`RemoteStore` on the server,
holding the same tiny dataset (pushed once per server, after dropping the
other tests' PlanGraph graphs). This shows the app runs unchanged on the
remote store. Every test passes on both servers: the CI Virtuoso keeps its own
system graphs private (ci/virtuoso/setup.sql), so its default graph, graph
list and service description hold the dataset's graphs only.
"""

from __future__ import annotations

from typing import Callable, Iterator

import pyoxigraph as ox
import pytest

from tests.web.test_sparql_protocol import *  # noqa: F401,F403 (the tests themselves)
from tests.web.test_sparql_protocol import client  # noqa: F401 (their fixture, built on our make_app)

from .conftest import SERVERS, clear_ours, server_store

pytestmark = pytest.mark.integration

@pytest.fixture(scope="module", params=sorted(SERVERS))
def make_app(request) -> Iterator[Callable]:
    """Like tests/web's ``make_app``, but the app's store is the server holding the same quads."""
    from web import create_app

    remote = server_store(request.param)
    pushed: list[str] = []
    apps = []

    def build(store, **settings):
        quads = sorted(store.quads(), key=lambda q: q.graph_name.value)
        key = str(quads)
        if pushed != [key]:
            clear_ours(remote)
            by_graph: dict[str, list] = {}
            for q in quads:
                by_graph.setdefault(q.graph_name.value, []).append(ox.Triple(q.subject, q.predicate, q.object))
            remote.write_graphs(by_graph)
            pushed[:] = [key]
        app = create_app({"TESTING": True, **settings}, store=remote)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["plangraph.executor"].close()
    clear_ours(remote)  # the next module expects only its own data on the server
