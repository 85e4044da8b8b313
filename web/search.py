"""Search by label: ``/search?q=…`` (HTML) and ``/search.json?q=…``.

The folding (full/half width, katakana/hiragana, case) and ranking live in
:mod:`graph.search`; this module only reads the request and renders.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from graph.errors import NotReady
from graph.search import search

from . import get_store
from .i18n import current_lang

bp = Blueprint("search", __name__)

#: Longest accepted search text; longer input is cut (a label is never this long).
MAX_QUERY = 200
#: Most hits shown; the page says when there may be more.
MAX_HITS = 50
#: How long a search waits for the index of a big store before it answers "being built" (seconds).
INDEX_WAIT_S = 3.0


def _query() -> str:
    return request.args.get("q", "").strip()[:MAX_QUERY]


def _hits(q: str):
    return search(get_store(), q, current_lang(), limit=MAX_HITS, wait_s=INDEX_WAIT_S) if q else []


@bp.get("/search")
def search_page():
    """The search page: the box, and the resources whose labels match (or a notice while
    a big store's index is being built: 503 with Retry-After, the box still there)."""
    q = _query()
    try:
        hits = _hits(q)
    except NotReady as exc:
        body = render_template("search.html", q=q, hits=[], building=True)
        return body, 503, {"Retry-After": str(exc.retry_after_s)}
    return render_template("search.html", q=q, hits=hits, capped=len(hits) >= MAX_HITS)


@bp.get("/search.json")
def search_json():
    """The same hits as JSON: ``{"ok": true, "q": …, "hits": [{iri, label, matched, type, type_label}]}``."""
    q = _query()
    hits = _hits(q)
    return jsonify({"ok": True, "q": q, "hits": [
        {"iri": h.iri, "label": h.label, "matched": h.matched, "type": h.type, "type_label": h.type_label}
        for h in hits]})
