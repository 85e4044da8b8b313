"""External SPARQL servers for the integration tests (started by ``ci/start-servers.sh``).

Each server is described once in :data:`SERVERS`. A test asking for a server
that does not answer is skipped with the reason, except under CI
(``CI=true``), where it fails: CI must not pass silently without its servers.
URLs come from ``$PLANGRAPH_CI_DIR/servers.env`` (written by the start
script; default folder /tmp/plangraph-ci) or, without it, the fixed loopback ports.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph.commands.push import push_files
from graph.errors import PlanGraphError
from graph.remote import RemoteStore
from graph.settings import DATA_DIR, DEFAULT_BASE_IRI
from graph.sources import data_files, ontology_files

CI_DIR = Path(os.environ.get("PLANGRAPH_CI_DIR", "/tmp/plangraph-ci"))


def _env() -> dict[str, str]:
    out: dict[str, str] = {}
    path = CI_DIR / "servers.env"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if "=" in line and not line.startswith("#"):
                k, v = line.split("=", 1)
                out[k.strip()] = v.strip()
    return out


_E = _env()
SERVERS: dict[str, dict] = {
    "oxigraph": dict(
        query_url=_E.get("PLANGRAPH_CI_OXIGRAPH_QUERY", "http://127.0.0.1:7878/query"),
        update_url=_E.get("PLANGRAPH_CI_OXIGRAPH_UPDATE", "http://127.0.0.1:7878/update"),
        gsp_url=_E.get("PLANGRAPH_CI_OXIGRAPH_GSP", "http://127.0.0.1:7878/store")),
    "virtuoso": dict(
        query_url=_E.get("PLANGRAPH_CI_VIRTUOSO_QUERY", "http://127.0.0.1:8890/sparql"),
        update_url=_E.get("PLANGRAPH_CI_VIRTUOSO_UPDATE", "http://127.0.0.1:8890/sparql-auth"),
        gsp_url=_E.get("PLANGRAPH_CI_VIRTUOSO_GSP", "http://127.0.0.1:8890/sparql-graph-crud-auth"),
        user=_E.get("PLANGRAPH_CI_VIRTUOSO_USER", "plangraph"),
        password=_E.get("PLANGRAPH_CI_VIRTUOSO_PASSWORD", "plangraph-ci"),
        auth="digest"),
}

#: Graphs the tests may drop on a CI server: ours and the test fixtures', never Virtuoso's system graphs.
OUR_GRAPHS = (DEFAULT_BASE_IRI, "urn:plangraph:", "https://w3id.org/plangraph/", "urn:test:", "https://ex.org/")


def server_store(name: str, **kw) -> RemoteStore:
    """A RemoteStore on CI server ``name``; skip (or fail under CI) when it does not answer."""
    store = RemoteStore(**{**SERVERS[name], **kw})
    try:
        store.query("ASK {}")
    except PlanGraphError as exc:
        reason = f"{name} SPARQL server not reachable at {store.query_url} ({exc}); run ci/start-servers.sh"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    return store


def clear_ours(store: RemoteStore) -> None:
    """Drop every PlanGraph graph on the server (leaves a server's own system graphs alone)."""
    ops = [f"DROP SILENT GRAPH <{g}>" for g in store.graphs() if g.startswith(OUR_GRAPHS)]
    for i in range(0, len(ops), 200):
        store.update(" ;\n".join(ops[i:i + 200]))


@pytest.fixture(scope="module", params=sorted(SERVERS))
def saitama_remote(request):
    """Each CI server holding exactly the ontology and the Saitama data, pushed with ``push_files``."""
    store = server_store(request.param)
    clear_ours(store)
    push_files(store, ontology_files() + data_files([DATA_DIR / "saitama"]), DEFAULT_BASE_IRI)
    store.server_name = request.param
    return store
