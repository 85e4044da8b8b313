"""A process-wide block on outbound network access: the second layer of defence.

The first layer is :mod:`graph.sandbox`, which refuses ``SERVICE``, ``LOAD``
and foreign ``FROM`` before a query runs. This module makes sure that, if
something slips past it in Python code (rdflib fetching a remote JSON-LD
``@context``, a library following a URL found in data), no connection leaves
the machine: PlanGraph serves municipal networks (LGWAN) where a query that
reaches out is both useless and a data leak.

How: a :func:`sys.addaudithook` hook sees every ``socket.connect`` (also
``connect_ex`` and asyncio's connects, which call it) and every
``socket.getaddrinfo`` made by Python code, and refuses connections to
non-loopback addresses and name lookups other than loopback names (an IP
literal, such as a listen address, needs no lookup and passes). Audit hooks cannot be removed, so :func:`install` is for
processes that serve the graph (the web app, its query workers); it is
idempotent. Unix sockets and loopback (``127.0.0.0/8``, ``::1``,
``localhost``) stay allowed, so the test suite's own servers keep working.
rdflib's JSON-LD context loader is replaced by one that refuses every
remote or file context, because a file context would read the disk.

Native code that opens its own sockets (pyoxigraph's Rust HTTP client for
``SERVICE``/``LOAD``) does not pass through Python's socket module; that is
why the sandbox refuses those operations before they reach pyoxigraph.

>>> install()
>>> import socket
>>> try:
...     socket.create_connection(("192.0.2.1", 80), timeout=1)
... except OutboundBlocked as exc:
...     print(exc)
outbound network access is disabled in PlanGraph (192.0.2.1)
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading

_lock = threading.Lock()
_installed = False
#: The configured external SPARQL server(s): the only other hosts this process may reach.
_allowed_names: set[str] = set()
_allowed_addresses: set[str] = set()

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", ""})


class OutboundBlocked(ConnectionRefusedError):
    """Raised in place of a connection to a non-loopback host.

    A ``ConnectionRefusedError`` so code that already handles unreachable
    hosts (rdflib, urllib) reports it as a failed fetch, not a crash.
    """


def is_loopback(host: object) -> bool:
    """True for loopback addresses and names; Unix socket paths count as local.

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("localhost"), is_loopback("example.org")
    (True, True, True, False)
    """
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _is_ip_literal(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        ipaddress.ip_address(str(host).strip("[]").split("%")[0])
    except ValueError:
        return False
    return True


def _is_local_target(host: object) -> bool:
    """Loopback, or the unspecified address (0.0.0.0 / ::), which also reaches this machine."""
    if is_loopback(host):
        return True
    text = host.decode("ascii", "replace") if isinstance(host, bytes) else str(host)
    try:
        return ipaddress.ip_address(text.strip("[]").split("%")[0]).is_unspecified
    except ValueError:
        return False


def _hook(event: str, args: tuple) -> None:
    if event == "socket.connect":
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
            if not (_is_local_target(address[0]) or str(address[0]) in _allowed_addresses):
                raise OutboundBlocked(f"outbound network access is disabled in PlanGraph ({address[0]})")
    elif event == "socket.getaddrinfo":
        # Resolving a name asks a DNS server; an IP literal (a listen address
        # such as 0.0.0.0 for waitress) is answered locally and stays allowed.
        host = args[0]
        name = host.decode("ascii", "replace") if isinstance(host, bytes) else str(host)
        if not (is_loopback(host) or _is_ip_literal(host) or name.lower() in _allowed_names):
            raise OutboundBlocked(f"outbound network access is disabled in PlanGraph ({host})")


def _refuse_context(self, source, base, referenced_contexts):  # noqa: ANN001 (rdflib's signature)
    raise OutboundBlocked(f"remote JSON-LD contexts are disabled in PlanGraph ({source})")


def install() -> None:
    """Block non-loopback connects and remote JSON-LD contexts in this process (idempotent).

    Called by ``create_app`` and by every query worker at start.
    """
    global _installed
    with _lock:
        if _installed:
            return
        sys.addaudithook(_hook)
        try:
            from rdflib.plugins.shared.jsonld import context as jsonld_context  # noqa: PLC0415
        except ImportError:  # rdflib without its JSON-LD plugin: nothing to disable
            pass
        else:
            jsonld_context.Context._fetch_context = _refuse_context
        _installed = True


def allow_store_hosts(urls) -> None:
    """Let this process reach the external SPARQL server(s) the settings name, and nothing else.

    The scale-out store (``store_url`` …) usually lives on another machine; its
    host names and their addresses (resolved now, before the block applies to
    lookups) join loopback on the allow list. A page or query still cannot
    name any other host.

    >>> allow_store_hosts(["http://127.0.0.1:7878/query", None])
    """
    from urllib.parse import urlsplit  # noqa: PLC0415

    for url in urls:
        host = urlsplit(url).hostname if url else None
        if not host or is_loopback(host):
            continue
        with _lock:
            _allowed_names.add(host.lower())
            if _is_ip_literal(host):
                _allowed_addresses.add(host)
                continue
        for info in socket.getaddrinfo(host, None):  # allowed by name above
            with _lock:
                _allowed_addresses.add(info[4][0])


def installed() -> bool:
    """Whether :func:`install` has run in this process."""
    return _installed
