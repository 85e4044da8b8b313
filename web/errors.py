"""One error handler for the whole app (Datasette's model).

Every :class:`~graph.errors.PlanGraphError` and every HTTP error (404, 405,
413, 500 …) becomes, depending on who asked:

* ``text/plain`` on the protocol routes (``/sparql…``, ``/rdf-graphs``): SPARQL
  clients show the message as it is;
* the JSON error shape ``{"ok": false, "error", "title", "status"}`` for API
  requests and data downloads (paths ending in ``.json``, ``.csv``, ``.ttl``, ``.graphml``,
  under ``/api/``, or Accept preferring JSON);
* an HTML error page otherwise.

Programs get the error's one-line message, both languages where it has both
("English / 日本語") and the parser's words after them; a page gets the
sentence in its own language only (:meth:`graph.errors.PlanGraphError.text`),
the parser's words folded away beneath it, and a link onward where one helps
(:data:`NEXT_STEPS`).

A 500 never shows the exception's text: it is logged, the client gets a
generic message.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from graph.errors import NotReady, PlanGraphError, UnknownQuery

from .i18n import t

bp = Blueprint("errors", __name__)
log = logging.getLogger(__name__)

#: Paths of data downloads and APIs (``/reports/coverage.csv``, ``/views/data.graphml`` …): a
#: program or a download, not a person, reads the answer, so errors there are the JSON shape.
DATA_EXTENSIONS = (".json", ".csv", ".ttl", ".graphml")

#: Routes whose errors are plain text (the SPARQL and Graph Store protocols).
PLAIN_TEXT_PREFIXES = ("/sparql", "/rdf-graphs")

_TITLES_JA = {400: "リクエストが正しくありません", 401: "認証が必要です", 403: "許可されていません",
              404: "見つかりません", 405: "このメソッドは使えません", 406: "この形式では返せません",
              413: "大きすぎます", 415: "この形式は受け付けません", 500: "サーバーの内部エラー",
              502: "ストアのエラー", 503: "時間切れ・混雑"}


#: Where a person goes after an error of these kinds: (endpoint, UI string key of the link).
NEXT_STEPS: dict[type, tuple[str, str]] = {UnknownQuery: ("pages.queries_index", "error.all_queries")}


@bp.app_template_global()
def error_next(error: object) -> tuple[str, str] | None:
    """The link an error page (or a page's error box) offers after the message, if any:
    an unknown question leads to the list of questions rather than to a list of names."""
    for kind, (endpoint, key) in NEXT_STEPS.items():
        if isinstance(error, kind):
            return url_for(endpoint), t(key)
    return None


def wants_json() -> bool:
    """Is this an API request (answer the JSON error shape)?"""
    path = request.path
    if path.endswith(DATA_EXTENSIONS) or path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes["application/json"] > \
        request.accept_mimetypes["text/html"]


def error_response(error: PlanGraphError) -> Response:
    """The response for an error, in the form the client can read: the one-line message
    (both languages where the error has both) for programs, the page language's for people."""
    if request.path.startswith(PLAIN_TEXT_PREFIXES):
        resp = Response(error.message + "\n", status=error.status, mimetype="text/plain")
    elif wants_json():
        resp = jsonify(error.to_dict())
        resp.status_code = error.status
    else:
        resp = Response(_page(error), status=error.status, mimetype="text/html")
    if error.status == 401:
        resp.headers["WWW-Authenticate"] = 'Bearer realm="PlanGraph"'
    if isinstance(error, NotReady):
        resp.headers["Retry-After"] = str(error.retry_after_s)
    return resp


def _page(error: PlanGraphError) -> str:
    context = {"error": error, "title_ja": _TITLES_JA.get(error.status, "エラー")}
    try:
        return render_template("error.html", **context)
    except Exception:  # noqa: BLE001 — the layout itself may be what failed; never fail twice
        log.exception("error page template failed")
        return (f"<!doctype html><meta charset='utf-8'><title>{error.status}</title>"
                f"<h1>{error.status} {escape(context['title_ja'])} / {escape(error.title)}</h1>"
                f"<p>{escape(error.message)}</p><p><a href='/'>PlanGraph</a></p>")


@bp.app_errorhandler(PlanGraphError)
def plangraph_error(error: PlanGraphError) -> Response:
    """A PlanGraph error raised by any route."""
    return error_response(error)


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    """404, 405, 413, 415 … from routing or Werkzeug, in the same shapes."""
    status = error.code or 500
    message = {404: "no such page", 405: f"method {request.method} is not allowed here",
               413: "the request body is too large"}.get(status, error.description or error.name)
    message_ja = {404: "このページはありません。アドレス（URL）を確かめてください。",
                  405: f"この操作（{request.method}）はここではできません。",
                  413: "送られたデータが大きすぎます。"}.get(status)
    resp = error_response(PlanGraphError(message, message_ja=message_ja, title=error.name, status=status))
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        resp.headers["Allow"] = ", ".join(error.valid_methods)
    return resp


@bp.app_errorhandler(Exception)
def unexpected_error(error: Exception) -> Response:
    """A bug: log it, answer 500 without the exception's text."""
    if isinstance(error, HTTPException):
        return http_error(error)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(PlanGraphError("an internal error occurred; it has been logged",
                                         message_ja="サーバーの内部でエラーが起きました（記録済みです）。",
                                         title="Internal Server Error", status=500))
