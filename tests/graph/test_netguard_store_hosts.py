"""The external SPARQL server named in the settings is reachable; no other host is.

The hook is called directly with a stand-in socket: nothing is sent anywhere
(192.0.2.0/24 is TEST-NET-1, never routed).
"""

from __future__ import annotations

import socket

import pytest

from graph import netguard


class FakeSocket:
    family = socket.AF_INET


def connect(host: str) -> None:
    netguard._hook("socket.connect", (FakeSocket(), (host, 80)))


def lookup(name: str) -> None:
    netguard._hook("socket.getaddrinfo", (name, 80, 0, 0, 0, 0))


def test_only_the_configured_store_host_is_allowed():
    with pytest.raises(netguard.OutboundBlocked):
        connect("192.0.2.10")
    netguard.allow_store_hosts(["http://192.0.2.10:8890/sparql", None, "http://127.0.0.1:7878/query"])
    connect("192.0.2.10")                      # the store's address: allowed
    with pytest.raises(netguard.OutboundBlocked):
        connect("192.0.2.11")                  # any other address: still refused
    with pytest.raises(netguard.OutboundBlocked):
        lookup("example.org")                  # and any other name


def test_a_store_named_by_host_name_is_resolved_once_and_allowed(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port: [(None, None, None, "", ("192.0.2.20", 0))])
    netguard.allow_store_hosts(["https://sparql.city.example.lg.jp/sparql"])
    lookup("sparql.city.example.lg.jp")
    connect("192.0.2.20")
    with pytest.raises(netguard.OutboundBlocked):
        lookup("other.example.lg.jp")
