"""Fixtures for the endpoint tests: small stores, apps with chosen settings, live loopback servers.

Every app built here is closed at teardown (its query processes stop), and
every live server runs waitress — the server ``plangraph serve`` uses — in a
thread on a free loopback port.
"""

from __future__ import annotations

import threading
from urllib.parse import urlparse
from pathlib import Path
from typing import Callable, Iterator

import pytest

from graph.store import EmbeddedStore

#: Debian's Chromium (``playwright install`` cannot download a browser here) and the flags that keep
#: it from calling home: on a closed network those calls fail by the dozen at every start.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

EX = "https://ex.org/"
G1, G2 = EX + "g1", EX + "g2"

#: A tiny dataset: Japanese and English labels, a number, a link, a spreadsheet formula literal.
ENDPOINT_TRIG = f"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <{EX}> .
ex:g1 {{
  ex:plan rdfs:label "行政デジタル化計画"@ja , "Administrative Digitalization Plan"@en ;
          ex:measures 3 ;
          ex:upper ex:upper .
  ex:upper rdfs:label "総合振興計画"@ja .
}}
ex:g2 {{
  ex:cell rdfs:label "=cmd|' /C calc'!A0" ;
          ex:note "@SUM(A1:A2)" , "-2+3" , "+1" .
}}
"""


def endpoint_store() -> EmbeddedStore:
    """The tiny dataset above in a fresh in-memory store."""
    store = EmbeddedStore()
    store.load_data(ENDPOINT_TRIG, format="trig")
    return store


def product_store(n: int = 10_000) -> EmbeddedStore:
    """n triples: enough for a two-pattern cartesian product of n² = 10⁸ rows."""
    store = EmbeddedStore()
    body = "".join(f'<{EX}s{i}> <{EX}p> "{i}" .\n' for i in range(n))
    store.load_data(body, format="nt", graph=EX + "big")
    return store


@pytest.fixture(scope="module")
def make_app() -> Iterator[Callable]:
    """``make_app(store, **settings)`` → a Flask app; its query processes stop at module end."""
    from web import create_app

    apps = []

    def build(store: EmbeddedStore, **settings):
        app = create_app({"TESTING": True, **settings}, store=store)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["plangraph.executor"].close()


@pytest.fixture(scope="module")
def live_server() -> Iterator[Callable]:
    """``live_server(app)`` → base URL of waitress serving ``app`` on 127.0.0.1 (a free port)."""
    from waitress.server import create_server

    servers = []

    def start(app) -> str:
        server = create_server(app, host="127.0.0.1", port=0, threads=8)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.effective_port}"

    yield start
    for server, thread in servers:
        server.close()
        thread.join(5)


class Listener:
    """A loopback TCP listener that records every connection it receives (it must receive none)."""

    def __init__(self) -> None:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import socket

        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            conn.settimeout(0.5)
            try:
                self.connections.append(conn.recv(4096))
            except OSError:
                self.connections.append(b"")
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    """A recording loopback listener for "this must never be contacted" tests."""
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test (Playwright's sync API allows one driver at a time)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A page that may only talk to the loopback server; it records blocked requests, dialogs, errors."""
    ctx = browser.new_context(viewport={"width": 1300, "height": 900})
    pg = ctx.new_page()
    pg.blocked, pg.dialogs, pg.errors = [], [], []

    def route(r):
        host = urlparse(r.request.url).hostname
        if host in ("127.0.0.1", "localhost") or r.request.url.startswith("data:"):
            r.continue_()
        else:
            pg.blocked.append(r.request.url)
            r.abort()

    pg.route("**/*", route)
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" and "favicon" not in m.text else None)
    yield pg
    ctx.close()
