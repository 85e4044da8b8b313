"""The SPARQL 1.1 Protocol at ``/sparql``, updates at ``/sparql/update``, the Graph Store at ``/rdf-graphs``.

Queries run through the killable executor (:mod:`graph.executor`: deadline,
row cap, inspection that refuses SERVICE/LOAD/foreign FROM). Decisions about
formats and the service description live in :mod:`graph.protocol`; this
module only reads requests and writes responses.

Writes are off unless the ``update_token`` setting is set, and then need
``Authorization: Bearer <token>``, or Basic with the token as password
(:mod:`web.auth`). There are no cookies or sessions to ride on, so a
cross-site form can never change data.
"""

from __future__ import annotations

from itertools import chain

from flask import Blueprint, Response, redirect, request, url_for

from graph import protocol
from graph.errors import PlanGraphError, QueryError, QueryForbidden
from graph.answers import AnswerSpec
from graph.results import RESULT_FORMATS

from . import get_executor, get_settings, get_store
from .auth import require_write_token

bp = Blueprint("sparql", __name__)

_FORM = "application/x-www-form-urlencoded"
_CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Expose-Headers": "X-PlanGraph-Truncated, Content-Type",
    "Access-Control-Max-Age": "86400",
}


def _accepted() -> list[str]:
    """The Accept header's media types, most preferred first (no header: none)."""
    return [mt for mt, q in sorted(request.accept_mimetypes, key=lambda x: -x[1]) if q > 0]


def _prefers_html() -> bool:
    """Only a client that names HTML (a browser) gets the page; ``*/*`` (curl, libraries) gets RDF."""
    named = {mt.lower(): q for mt, q in request.accept_mimetypes}
    html = max(named.get("text/html", 0), named.get("application/xhtml+xml", 0))
    rdf = max([named.get(mt, 0) for mt in protocol.DESCRIPTION_TYPES] + [named.get("*/*", 0)])
    return html > 0 and html >= rdf


def _too_long(text: str) -> None:
    limit = get_settings().max_query_length
    if len(text) > limit:
        raise PlanGraphError(f"the query is {len(text)} characters long; the limit is {limit} "
                             "(setting max_query_length)", title="Query too long", status=413)


def _read_query():
    """(query text or None, parameters) from GET, POST form, or POST application/sparql-query."""
    if request.method == "GET" or request.method == "HEAD":
        return _one("query", request.args), request.args
    if request.mimetype == _FORM:
        if "update" in request.form:
            raise QueryForbidden("updates are not accepted on the query endpoint; "
                                 "send them to /sparql/update with the write token")
        return _one("query", request.form), request.form
    if request.mimetype == "application/sparql-query":
        return _not_empty("query", _body_text()), request.args
    raise PlanGraphError(f"POST a query as application/sparql-query or {_FORM}, not "
                         f"{request.mimetype or 'a body without Content-Type'}",
                         title="Unsupported media type", status=415)


#: Result media types a spreadsheet opens, with their file extension.
_SPREADSHEET_TYPES = {"text/csv": "csv", "text/tab-separated-values": "tsv"}


def _flag(params, name: str) -> bool:
    """A yes/no request parameter: present and not ``0``/``false``/``no``/``off``."""
    value = params.get(name)
    return value is not None and value.strip().lower() not in ("0", "false", "no", "off")


def _one(name: str, params) -> str | None:
    """The ``name`` parameter, which the protocol allows once (SPARQL 1.1 Protocol §2.1, §2.2)."""
    values = params.getlist(name)
    if len(values) > 1:
        raise QueryError(f"{len(values)} '{name}' parameters: send exactly one")
    return _not_empty(name, values[0]) if values else None


def _not_empty(name: str, text: str) -> str:
    if not text.strip():
        raise QueryError(f"the {name} is empty")
    return text


def _body_text() -> str:
    """The request body as UTF-8 (the protocol's encoding); other bytes are a 400, not U+FFFD."""
    try:
        return request.get_data().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError(f"the body is not UTF-8 text (byte {exc.start})") from None


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def query() -> Response:
    """SPARQL 1.1 query endpoint: GET ?query=, POST form, POST application/sparql-query."""
    if request.method == "OPTIONS":
        resp = _no_content()
        asked = request.headers.get("Access-Control-Request-Headers")
        if asked and get_settings().cors:  # a client's own headers (SPARQL libraries add a few)
            resp.headers["Access-Control-Allow-Headers"] = asked
        return resp
    text, params = _read_query()
    if text is None:
        if request.method == "POST":
            raise QueryError("no query: send it in the 'query' parameter or as the body")
        return _bare_get()
    _too_long(text)
    default_graph = params.getlist("default-graph-uri")
    named_graphs = params.getlist("named-graph-uri")
    protocol.check_graphs(get_store(), default_graph, named_graphs)
    # The query worker chooses the format once it knows the result's kind and encodes the answer;
    # only the bytes come back (graph.answers). CSV/TSV values are exact, as the results formats
    # require, unless the request asks for spreadsheet safety (the query page's CSV link does):
    # then cells starting with = + - @ tab CR get a leading '.
    for_spreadsheet = _flag(params, "spreadsheet-safe")
    answer = get_executor().answer(
        text, AnswerSpec(param=params.get("format") or params.get("output"), accept=tuple(_accepted()),
                         neutralize_formulas=for_spreadsheet),
        default_graph=default_graph or None, named_graphs=named_graphs or None, max_rows=get_settings().max_rows)
    mimetype = answer.media_type.split(";")[0]
    resp = Response(answer.body, mimetype=mimetype)
    if for_spreadsheet and mimetype in _SPREADSHEET_TYPES:
        # A file for Excel: with a byte-order mark, which Excel on a Japanese Windows needs to read
        # UTF-8 (without it, Shift_JIS mojibake), as the named queries' CSV downloads have.
        resp.set_data(b"\xef\xbb\xbf" + answer.body)
        resp.headers["Content-Disposition"] = f'attachment; filename="query.{_SPREADSHEET_TYPES[mimetype]}"'
    if "charset" in answer.media_type:
        resp.charset = "utf-8"
    if answer.truncated:
        resp.headers["X-PlanGraph-Truncated"] = "true"
    return resp


def _bare_get() -> Response:
    """No query: browsers go to the query page; programs get the service description."""
    if _prefers_html():
        return redirect("/query", code=303)
    name = next((protocol.DESCRIPTION_TYPES[mt] for mt in _accepted() if mt in protocol.DESCRIPTION_TYPES),
                "turtle")
    update = url_for("sparql.update", _external=True) if get_settings().update_token else None
    body = protocol.service_description(url_for("sparql.query", _external=True), get_store(),
                                        update_endpoint=update, format=name)
    return Response(body, mimetype=RESULT_FORMATS[name].media_type)


def _vary_accept(response: Response) -> None:
    """Add ``Accept`` to ``Vary``, as ``response.vary.add`` would, without its parse-and-rebuild.

    That round trip through werkzeug's HeaderSet cost a tenth of a small query's
    whole request in this process (measured 35 µs of about 200 µs in Flask).
    """
    vary = response.headers.get("Vary")
    if not vary:
        response.headers["Vary"] = "Accept"
    elif "accept" not in (v.strip().lower() for v in vary.split(",")):
        response.vary.add("Accept")  # rare: keep werkzeug's own joining of an existing list


@bp.after_request
def protocol_headers(response: Response) -> Response:
    """``Vary: Accept`` on the endpoint; its CORS headers (all methods, the preflight) when enabled.

    Other public reads get ``Access-Control-Allow-Origin`` from :mod:`web.security`.
    """
    if request.endpoint == "sparql.query" or request.path == "/sparql":
        _vary_accept(response)
        if get_settings().cors and request.path == "/sparql":
            for name, value in _CORS_HEADERS.items():
                response.headers.setdefault(name, value)  # keeps a preflight's echoed Allow-Headers
    return response


@bp.post("/sparql/update")
def update() -> Response:
    """SPARQL 1.1 Update (token holders only): POST application/sparql-update or form ``update=``."""
    require_write_token()
    if request.mimetype == "application/sparql-update":
        text, params = _not_empty("update", _body_text()), request.args
    elif request.mimetype == _FORM:
        text, params = _one("update", request.form), request.form
        if text is None:
            raise QueryError("no update: send it in the 'update' parameter")
    else:
        raise PlanGraphError(f"POST an update as application/sparql-update or {_FORM}",
                             title="Unsupported media type", status=415)
    for name in ("using-graph-uri", "using-named-graph-uri"):
        if name in params or name in request.args:  # refused, never silently ignored
            raise QueryError(f"the {name} parameter is not supported: write USING <g> "
                             "(or USING NAMED <g>) in the update itself")
    get_executor().update(text)
    return _no_content()


def _gsp_target() -> str | None:
    """The ``graph=`` IRI, or None for ``default``; exactly one of them."""
    if "graph" in request.args and "default" not in request.args:
        return protocol.graph_iri(request.args["graph"])
    if "default" in request.args and "graph" not in request.args:
        return None
    raise QueryError("name the graph: ?graph=<IRI> or ?default")


@bp.route("/rdf-graphs", methods=["GET", "PUT", "POST", "DELETE"])
def graph_store() -> Response:
    """SPARQL 1.1 Graph Store HTTP Protocol (token holders only)."""
    require_write_token()
    graph = _gsp_target()
    if request.method in ("GET", "HEAD"):
        name = protocol.choose_format("graph", param=request.args.get("format"), accept=_accepted())
        chunks = protocol.read_graph(get_store(), graph, name,
                                     max_quads=get_settings().download_max_document_quads)
        resp = Response(chain([next(chunks, b"")], chunks), mimetype=RESULT_FORMATS[name].media_type)
        resp.vary.add("Accept")
        return resp
    if graph is None:
        raise QueryError("this store keeps every triple in a named graph: write to ?graph=<IRI>")
    if request.method == "DELETE":
        protocol.delete_graph(get_executor(), graph)
        return _no_content()
    quads = protocol.parse_upload(request.get_data(), request.mimetype, graph)
    change = protocol.put_graph if request.method == "PUT" else protocol.add_to_graph
    created = change(get_executor(), graph, quads)
    return _no_content(201 if created else 204)


def _no_content(status: int = 204) -> Response:
    """An answer without a body, and so without the ``text/html`` type Flask would give it."""
    resp = Response(status=status)
    del resp.headers["Content-Type"]
    return resp
