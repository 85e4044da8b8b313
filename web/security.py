"""Security headers on every response: the browser enforces what the app promises.

* ``Content-Security-Policy`` on HTML: scripts, styles and images only from
  the app itself (the pages work offline on LGWAN, so nothing else is ever
  needed), no plugins, no framing, no ``<base>`` tricks. A label that slipped
  through escaping still could not run a script.
* ``X-Content-Type-Options: nosniff`` everywhere, so a CSV or Turtle answer
  holding ``<script>`` is never sniffed into HTML.
* ``Referrer-Policy: same-origin``: query URLs (which may carry a planner's
  query text) are not sent to other sites.

* ``Access-Control-Allow-Origin: *`` on reads (GET, HEAD) when the ``cors``
  setting is on: the Linked Data (``/id/…``), the VoID and downloads, the named
  queries' JSON and CSV, so a civic-tech page in a browser can dereference what
  the endpoint answered. Everything here is public and no cookie or credential
  is ever honoured cross-site (``*`` forbids them). Not on ``/rdf-graphs`` or
  ``/import`` (token holders only); the query endpoint's own CORS, with its
  preflight, is in :mod:`web.sparql`.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from . import get_settings

bp = Blueprint("security", __name__)

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


@bp.after_app_request
def security_headers(response: Response) -> Response:
    """Add the headers; HTML gets the content security policy."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype in ("text/html", "application/xhtml+xml"):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
    if (request.method in ("GET", "HEAD") and not request.path.startswith(_NOT_CROSS_ORIGIN)
            and get_settings().cors):
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
    return response


#: Paths whose reads need the write token: never readable cross-origin.
_NOT_CROSS_ORIGIN = ("/rdf-graphs", "/import")
