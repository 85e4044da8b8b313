"""`plangraph serve --with-sample`: the sample city joins the data; without it the real data stays alone."""

from __future__ import annotations

from click.testing import CliRunner

import graph.commands.serve as serve
from graph.cli import main

MEASURES = "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a <https://w3id.org/plangraph/ontology#Measure> }"


def served_measures(monkeypatch, *args: str) -> int:
    seen = {}

    def fake_serve(app, **kwargs):  # capture the app instead of listening
        from web import get_store

        with app.app_context():
            seen["n"] = int(get_store().query(MEASURES).rows[0][0].value)

    monkeypatch.setattr("waitress.serve", fake_serve)
    result = CliRunner().invoke(main, ["serve", "--port", "0", *args])
    assert result.exit_code == 0, result.output
    return seen["n"]


def test_with_sample_adds_the_synthetic_measures(monkeypatch):
    assert served_measures(monkeypatch) == 0
    assert served_measures(monkeypatch, "--with-sample") == 7
    assert serve.SAMPLE_DIR.name == "sample"
