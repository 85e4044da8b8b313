"""web.sparql's response headers: ``Vary: Accept`` once, whatever Vary the route already set."""

from __future__ import annotations

from flask import Response

from web.sparql import _vary_accept

from .conftest import G1, endpoint_store


def vary_after(existing: str | None) -> list[str]:
    resp = Response(b"")
    if existing is not None:
        resp.headers["Vary"] = existing
    _vary_accept(resp)
    return resp.headers.getlist("Vary")


def test_accept_is_added_once_and_other_entries_stay():
    assert vary_after(None) == ["Accept"]
    assert vary_after("Cookie") == ["Cookie, Accept"]
    assert vary_after("Accept") == ["Accept"]
    assert vary_after("Origin, accept") == ["Origin, accept"]  # case-insensitive, as HTTP says
    assert vary_after("Acceptable-Thing") == ["Acceptable-Thing, Accept"]  # a whole entry, not a prefix


def test_the_endpoint_and_the_graph_store_say_vary_accept_exactly_once(make_app):
    client = make_app(endpoint_store(), update_token="s3cret").test_client()
    answer = client.get("/sparql?query=ASK%20%7B%7D")
    assert answer.status_code == 200 and answer.headers.getlist("Vary") == ["Accept"]
    described = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert described.headers.getlist("Vary") == ["Accept"]
    graph = client.get(f"/rdf-graphs?graph={G1}", headers={"Authorization": "Bearer s3cret"})
    assert graph.status_code == 200 and graph.headers.getlist("Vary") == ["Accept"]  # set by the route already
