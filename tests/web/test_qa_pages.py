"""Findings of the QA pass over the running app, each kept as a test that would have caught it."""

from __future__ import annotations

import re

import pytest

from web import create_app


@pytest.fixture(scope="module")
def client(saitama_store):
    """A client of the app on the real Saitama graph (read-only)."""
    app = create_app({"TESTING": True}, store=saitama_store)
    yield app.test_client()
    app.extensions["plangraph.executor"].close()


def html(resp) -> str:
    return resp.get_data(as_text=True)


@pytest.mark.parametrize("url, current", [("/views", "ネットワーク図"), ("/figures", "図表"),
                                          ("/figures/2", "図表"), ("/reports", "レポート"),
                                          ("/reports/gaps", "レポート")])
def test_nav_reaches_reports_and_marks_the_current_section(client, url, current):
    body = html(client.get(url))
    nav = body[body.index("<nav"):body.index("</nav>")]
    assert 'href="/reports"' in nav
    marked = re.findall(r'<a href="[^"]*"\s+aria-current="page">([^<]+)</a>', nav)
    assert marked == [current], url
