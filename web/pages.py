"""Pages for people: home, the SPARQL query page, and the named queries as pages and APIs.

Named queries follow Datasette's canned queries: each ``.rq`` file in
``src/graph/queries`` is a form at ``/queries/<name>`` and an API at
``/queries/<name>.json`` and ``/queries/<name>.csv``, its parameters taken
from the query string (``?plan=https://…``). The query page ``/query`` is a
GET form, so its URL is the permalink: ``/query?query=…`` for free text,
``/query?name=…&<param>=…`` for a named query. Results are rendered on the
server (labels included), so the page works without JavaScript; the script
only turns the textarea into a highlighting editor and fills it from the
named-query list.

Queries typed by users run through the killable executor (deadline, row cap,
SERVICE/LOAD/FROM checks) when the app has one, else through the store
after :func:`graph.sandbox.inspect_query`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, render_template, request, url_for
from markupsafe import Markup, escape

from graph.answers import ROWS, Answer, AnswerSpec, encode_answer, with_fields
from graph.dataset import triple_count_soon
from graph.errors import PlanGraphError
from graph.labels import fetch_labels
from graph.queries import NamedQuery, bind, get_query, list_queries
from graph.store import AskResult, GraphResult, QueryResult, SelectResult
from graph.vocab import PREFIXES

from . import get_settings, get_store
from .i18n import current_lang

bp = Blueprint("pages", __name__)

#: Rows shown in an HTML table (downloads get up to the row cap).
PAGE_ROWS = 1000
#: Request arguments that are not named-query parameters.
RESERVED_ARGS = frozenset({"lang", "name", "query", "run", "format"})


def _runner():
    """The object that runs user queries: the executor when the app has one."""
    import web  # noqa: PLC0415 (the accessor may arrive with the executor)

    getter = getattr(web, "get_executor", None)
    return getter() if getter is not None else None


def run_text(sparql: str, *, max_rows: int) -> QueryResult:
    """Run a user's SPARQL text under the endpoint's rules."""
    settings = get_settings()
    if len(sparql) > settings.max_query_length:
        raise PlanGraphError(f"query longer than {settings.max_query_length} characters",
                             message_ja=f"クエリが {settings.max_query_length} 文字を超えています。",
                             title="Query too long", status=413)
    runner = _runner()
    if runner is not None:
        return runner.query(sparql, max_rows=max_rows)
    from graph.sandbox import inspect_query  # noqa: PLC0415

    store = get_store()
    inspect_query(sparql, graphs=store.graphs())
    return store.query(sparql, max_rows=max_rows)


def run_named_query(name: str, params: dict[str, str], *, max_rows: int) -> QueryResult:
    """Run a named query with request parameters (on the executor when there is one).

    Parameters are bound here against the app's ``base_iri``, so defaults
    follow a configured base IRI whichever runner executes the query.
    """
    query = get_query(name)
    bindings = bind(query, params, base_iri=get_settings().base_iri)
    return (_runner() or get_store()).query(query.text, substitutions=bindings, max_rows=max_rows)


def answer_named_query(query: NamedQuery, params: dict[str, str], spec: AnswerSpec, *, max_rows: int) -> Answer:
    """Run a named query and get its answer already encoded (the API routes' fast path).

    On the executor the query worker encodes it, so no terms cross the pipe
    (:mod:`graph.answers`); without one, it is encoded here.
    """
    bindings = bind(query, params, base_iri=get_settings().base_iri)
    runner = _runner()
    if runner is not None:
        return runner.answer(query.text, spec, substitutions=bindings, max_rows=max_rows)
    return encode_answer(get_store().query(query.text, substitutions=bindings, max_rows=max_rows), spec)


def prefix_block() -> str:
    """The PREFIX lines the editor starts with."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


# --- results as a table ---------------------------------------------------------

@dataclass
class Cell:
    kind: str = "empty"        # iri, bnode, literal, empty
    value: str = ""
    label: str | None = None
    language: str | None = None
    datatype: str | None = None


@dataclass
class Table:
    """A result ready for the template: columns, cells with labels, the truncation flag."""

    kind: str                               # select, ask, graph
    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False                 # the page shows fewer rows than the answer has, or…
    capped: bool = False                    # …the answer itself stopped at the row cap (max_rows)
    total: int = 0                          # rows in the answer (at least this many when capped)


def _cell(term, book, lang: str) -> Cell:
    if term is None:
        return Cell()
    if isinstance(term, ox.NamedNode):
        return Cell("iri", term.value, book.display(term.value, lang))
    if isinstance(term, ox.BlankNode):
        return Cell("bnode", "_:" + term.value)
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else None
        return Cell("literal", term.value, language=term.language or None, datatype=dt)
    return Cell("literal", str(term))


def result_table(result: QueryResult, lang: str, *, limit: int | None = None) -> Table:
    """Turn a query result into a :class:`Table` of at most ``limit`` (``PAGE_ROWS``) rows, labelling
    every IRI in ``lang``."""
    limit = PAGE_ROWS if limit is None else limit
    if isinstance(result, AskResult):
        return Table("ask", boolean=result.value)
    if isinstance(result, SelectResult):
        columns, rows = result.variables, result.rows
        kind = "select"
    else:
        assert isinstance(result, GraphResult)
        columns, kind = ["subject", "predicate", "object"], "graph"
        rows = [(t.subject, t.predicate, t.object) for t in result.triples]
    shown = rows[:limit]
    iris = {t.value for row in shown for t in row if isinstance(t, ox.NamedNode)}
    book = fetch_labels(get_store(), iris)
    return Table(kind, columns, [[_cell(t, book, lang) for t in row] for row in shown],
                 truncated=result.truncated or len(rows) > limit, capped=result.truncated, total=len(rows))


# --- pages --------------------------------------------------------------------------

def _query_args(query: NamedQuery) -> dict[str, str]:
    """The named query's parameters from the request; ``bind`` refuses unknown ones."""
    return {k: v for k, v in request.args.items() if k not in RESERVED_ARGS}


def _form_values(query: NamedQuery, params: dict[str, str]) -> dict[str, str]:
    """What the parameter form shows: the given value, else the default, else the example."""
    return {p.name: params.get(p.name) or p.default or p.example or "" for p in query.parameters}


def _named_page_data(query: NamedQuery) -> tuple[dict[str, str], Table | None, PlanGraphError | None]:
    """Parameters, result table and error for a named query requested in the page's URL.

    With no parameter given at all the form's defaults and examples are used,
    so every named query shows an answer on first visit.
    """
    params = _query_args(query)
    if not params:
        params = {k: v for k, v in _form_values(query, {}).items() if v}
    try:
        result = run_named_query(query.name, params, max_rows=get_settings().max_rows)
    except PlanGraphError as exc:
        return params, None, exc
    return params, result_table(result, current_lang()), None


@bp.get("/")
def home():
    """The home page: what PlanGraph is, the Saitama plan, the named queries."""
    store = get_store()
    plan_iri = get_settings().base_iri + "lg/111007/plan/digital-2021"
    return render_template("home.html", queries=list_queries(), plan_iri=plan_iri,
                           triples=triple_count_soon(store), graphs=len(store.graphs()))


@bp.get("/query")
def query_page():
    """The SPARQL query page; its URL (GET form) is the permalink of the query shown."""
    name = request.args.get("name", "").strip()
    text = request.args.get("query")
    named = None
    unknown: PlanGraphError | None = None
    if name:
        try:
            named = get_query(name)
        except PlanGraphError as exc:
            unknown = exc  # e.g. an old permalink to a renamed query: say so, do not show a blank editor
    if named is not None and text is not None and " ".join(text.split()) != " ".join(named.text.split()):
        named = None  # the user edited the named query: run their text
    table = error = None
    params: dict[str, str] = {}
    if named is not None:
        params, table, error = _named_page_data(named)
        text = named.text
        permalink = url_for("pages.query_page", name=named.name, **params)
        downloads = {f: url_for(f"pages.named_{f}", name=named.name, **params) for f in ("csv", "json")}
    elif text and text.strip():
        try:
            table = result_table(run_text(text, max_rows=get_settings().max_rows), current_lang())
        except PlanGraphError as exc:
            error = exc
        permalink = url_for("pages.query_page", query=text)
        downloads = {f: "/sparql?" + urlencode({"query": text, "format": f}) for f in ("csv", "json", "turtle")}
        downloads["csv"] += "&spreadsheet-safe=1"  # a planner opens it in Excel: no cell runs as a formula
    else:
        text, permalink, downloads = prefix_block() + "\nSELECT * WHERE {\n  ?s ?p ?o\n}\nLIMIT 20\n", None, {}
        error = unknown
    queries = list_queries()
    catalogue = [{"name": q.name, "title": q.title(current_lang()), "text": q.text,
                  "description": q.description(current_lang()),
                  "params": [{"name": p.name, "label": p.label(current_lang()), "kind": p.kind,
                              "required": p.required, "value": p.default or p.example or ""}
                             for p in q.parameters]} for q in queries]
    html = render_template("query.html", text=text, named=named, params=params,
                           form=_form_values(named, params) if named else {}, table=table, error=error,
                           permalink=permalink, downloads=downloads, queries=queries, catalogue=catalogue)
    return html, (error.status if error else 200)


#: How a description quotes another question's title, per language.
_QUOTED_TITLE = {"ja": re.compile(r"「([^」]+)」"), "en": re.compile(r'"([^"]+)"')}


@bp.app_template_global()
def linked_description(query: NamedQuery, lang: str) -> Markup:
    """The query's description with each question it names by title (「自治体の計画の一覧」) linked
    to that question's page, so a planner told to use another question can open it. The rest is
    escaped text."""
    text = query.description(lang)
    titles = {q.title(lang): q.name for q in list_queries() if q.name != query.name}
    parts, pos = [], 0
    for m in _QUOTED_TITLE["en" if lang == "en" else "ja"].finditer(text):
        name = titles.get(m.group(1))
        if name is None:
            continue
        parts += [escape(text[pos:m.start()]),
                  Markup('<a href="{}">{}</a>').format(url_for("pages.named_page", name=name), m.group(0))]
        pos = m.end()
    return Markup("").join([*parts, escape(text[pos:])])


@bp.get("/queries")
def queries_index():
    """Every named query, by Japanese title, with its description and API links."""
    return render_template("queries.html", queries=list_queries())


@bp.get("/queries/<name>")
def named_page(name: str):
    """A named query as a form and its results (Datasette's canned query page)."""
    query = get_query(name)
    params, table, error = _named_page_data(query)
    html = render_template("named.html", query=query, params=params, form=_form_values(query, params),
                           table=table, error=error,
                           downloads={f: url_for(f"pages.named_{f}", name=name, **params) for f in ("csv", "json")},
                           permalink=url_for("pages.named_page", name=name, **params))
    return html, (error.status if error else 200)


def _api_answer(name: str, spec: AnswerSpec) -> tuple[NamedQuery, Answer]:
    query = get_query(name)
    return query, answer_named_query(query, _query_args(query), spec, max_rows=get_settings().max_rows)


def _error_json(exc: PlanGraphError) -> Response:
    resp = jsonify(exc.to_dict())
    resp.status_code = exc.status
    return resp


@bp.get("/queries/<name>.json")
def named_json(name: str):
    """The named query's answer as JSON; errors in the one error shape."""
    try:
        query, answer = _api_answer(name, AnswerSpec(format=ROWS))
    except PlanGraphError as exc:
        return _error_json(exc)
    body = with_fields(answer.body, {"name": query.name, "title": query.title_ja, "title_en": query.title_en,
                                     "parameters": _query_args(query)})
    resp = Response(body, mimetype="application/json")
    if answer.truncated:
        resp.headers["X-PlanGraph-Truncated"] = "true"
    return resp


@bp.get("/queries/<name>.csv")
def named_csv(name: str):
    """The named query's answer as CSV for spreadsheets (formula cells neutralised).

    UTF-8 with a byte-order mark, like the coverage report: Excel on a Japanese Windows
    reads a CSV without one as Shift_JIS and shows the labels as mojibake."""
    _, answer = _api_answer(name, AnswerSpec(format="csv", neutralize_formulas=True))
    resp = Response(b"\xef\xbb\xbf" + answer.body, mimetype="text/csv")
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    if answer.truncated:
        resp.headers["X-PlanGraph-Truncated"] = "true"
    return resp
