"""The dataset: its VoID/DCAT description and downloads of the whole graph.

(First version: the page and the /.well-known/void redirect; the description
and the downloads come from graph.dataset and graph.export.)
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from . import get_store

bp = Blueprint("datasets", __name__)


@bp.get("/dataset")
def dataset():
    """The dataset page."""
    store = get_store()
    return render_template("dataset.html", triples=len(store), graphs=store.graphs(), description=None,
                           downloads=[])


@bp.get("/.well-known/void")
def well_known_void():
    """RFC 5785 / VoID well-known location → the dataset description."""
    return redirect(url_for("datasets.dataset"), code=303)
