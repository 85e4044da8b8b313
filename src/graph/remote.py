"""The store on an external SPARQL server (Oxigraph server, Virtuoso, any SPARQL 1.1 server).

When one machine is not enough, PlanGraph runs unchanged on an existing
server: set ``store_url`` (and ``store_update_url``, ``store_gsp_url``,
``store_user``, ``store_password``, ``store_auth``) and :func:`graph.loading.open_store`
returns a :class:`RemoteStore` instead of the embedded one.

Protocol. Queries are POSTed form-encoded (SPARQL 1.1 Protocol §2.1.2, the
form every server accepts) with ``default-graph-uri`` / ``named-graph-uri``;
SELECT/ASK ask for ``application/sparql-results+json``, CONSTRUCT/DESCRIBE for
N-Triples (Turtle accepted). Answers are parsed by pyoxigraph into the same
result objects and terms as the embedded store. Updates go to the update URL;
graphs are uploaded with the Graph Store Protocol when a GSP URL is set, else
with ``INSERT DATA`` in chunks. Authentication: Basic (sent up front) or
Digest (challenge-response), with the standard library's ``urllib``.

The default graph. PlanGraph's queries see the union of all named graphs.
Start Oxigraph server with ``--union-default-graph``; Virtuoso does this by
default (and its default graph also holds its own system graphs).

Row caps. The result is read as a stream and reading stops at ``max_rows``.
A server that caps results silently (Virtuoso: ``ResultSetMaxRows``, 10,000,
announced by the ``X-SPARQL-MaxRows`` header) is read in pages instead; see
:mod:`graph.remote_sparql` for how and for the limits. CONSTRUCT/DESCRIBE
answers are not paged: Virtuoso cuts them at ``ResultSetMaxRows`` + 1 triples
without saying so, so an answer of exactly ``page_size`` or ``page_size + 1``
triples is marked ``truncated`` (possibly wrongly, on a server without a cap).
Whole-store reads (:meth:`RemoteStore.quads`, :meth:`RemoteStore.pairs`: the
search index, N-Quads and TriG exports) go one named graph at a time, so they
stream, each request under the cap and within its own deadline.

Writes are never partial. :meth:`RemoteStore.write_graphs` uploads every graph
into its own staging graph first (``urn:plangraph:staging:…``); only when all
uploads succeeded do update requests ``MOVE`` each staging graph onto its
target. If an upload fails, the staging graphs are dropped and no target graph
has changed. A write of up to ``commit_triples`` (100,000) triples is moved in
one request, which Oxigraph runs as one transaction. A bigger write commits in
requests of at most that many triples (a whole graph each): in one request,
1M triples took Oxigraph server 4 minutes, its memory growing to 3.2 GB, and
Virtuoso refused them ("log after image size went above the limit", its
``TransactionAfterImageLimit``). Then, and always on Virtuoso (which does not
run even one request as one transaction: an ``INSERT DATA`` before a failing
operation in the same request stays), each target that has content is first
moved (or, when adding, copied) to a backup graph (``…:old``) in the request
that writes it; if a commit request fails, the targets of the requests sent so
far are put back from their backups (or dropped, if they were empty before),
and only then is the error raised. So a failed write leaves every graph as it
was. Only if putting back fails too (the server is gone) can some graphs be
new, each whole; the error says so and where the old content is kept; writing
the same data again finishes the job. The backups cost time when the graphs
being replaced have content (a re-push of 1M triples: about 1.7× the time
without them, on both servers), so a caller may choose ``backup=False``
(``plangraph push --no-backup``) and take that risk.

Errors. Unreachable server → :class:`StoreError` "cannot reach SPARQL server
at …"; 401/403 → :class:`AuthError`; 400 → :class:`QuerySyntaxError` with the
server's first line; a socket timeout, 503/504 or Virtuoso's ``S1T00`` →
:class:`QueryTimeout`; other errors → :class:`StoreError` with the status and
the server's first line.
"""

from __future__ import annotations

import time
import urllib.parse
import uuid
from typing import Iterable, Iterator, Mapping

import pyoxigraph as ox

from .errors import AuthError, PlanGraphError, QuerySyntaxError, QueryTimeout, StoreError
from .syntax import named_mistake
from .remote_http import HttpClient
from .rdfio import parse_error, parse_quads
from .remote_sparql import (bind_values, can_page, inline_filter_literals, paged_select, query_form, star_order,
                            read_json_results)
from .settings import DEFAULT_BASE_IRI, Settings
from .store import AskResult, GraphResult, SelectResult, Store, _iri_rewriter
from .sources import rdf_format

_RESULTS_JSON = "application/sparql-results+json"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
STAGING_PREFIX = "urn:plangraph:staging:"
#: The system graph every Virtuoso holds (its quad-storage metadata); its siblings are listed in README.
VIRTUOSO_SYSTEM_GRAPH = "http://www.openlinksw.com/schemas/virtrdf#"


class RemoteStore(Store):
    """A :class:`~graph.store.Store` over SPARQL 1.1 Protocol and Graph Store Protocol.

    ``page_size`` is the row count asked per page when a server caps
    results (Virtuoso's default cap is 10,000); ``chunk_triples`` the size of
    one ``INSERT DATA`` when there is no GSP URL (Virtuoso refuses requests
    whose generated SQL passes 10,000 lines, about 3,000 triples);
    ``commit_triples`` how many staged triples one commit request moves into
    place at most (see the module docstring).
    """

    def __init__(self, query_url: str, *, update_url: str | None = None, gsp_url: str | None = None,
                 user: str | None = None, password: str | None = None, auth: str = "basic",
                 timeout_s: float = 10.0, write_timeout_s: float = 600.0, page_size: int = 10_000,
                 chunk_triples: int = 1_000, commit_triples: int = 100_000, base_iri: str = DEFAULT_BASE_IRI):
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.gsp_url = gsp_url
        self.user, self.auth = user, auth  # the password lives only in the HTTP client
        self.timeout_s, self.write_timeout_s = timeout_s, write_timeout_s
        self.page_size, self.chunk_triples, self.commit_triples = page_size, chunk_triples, commit_triples
        self.base_iri = base_iri
        self._rewrite = _iri_rewriter(base_iri)
        self._server: str | None = None  # the Server header, learnt when a Virtuoso workaround may apply
        self._http = HttpClient(user=user, password=password, auth=auth, timeout_s=timeout_s)

    @classmethod
    def from_settings(cls, settings: Settings) -> "RemoteStore":
        """The remote store the settings describe (``store_url`` and friends)."""
        return cls(settings.store_url, update_url=settings.store_update_url, gsp_url=settings.store_gsp_url,
                   user=settings.store_user, password=settings.store_password, auth=settings.store_auth,
                   timeout_s=settings.query_timeout_ms / 1000, base_iri=settings.base_iri)

    # --- queries ------------------------------------------------------------
    #: A graph no store holds: the empty part of a dataset given in part (see :meth:`query`).
    NO_GRAPH = "urn:plangraph:no-graph"

    def query(self, sparql, *, substitutions=None, default_graph=None, named_graphs=None, max_rows=None):
        try:
            return self._query(sparql, substitutions, default_graph, named_graphs, max_rows)
        except QuerySyntaxError as exc:  # the server's parser refused it: say what we can name, as embedded
            raise named_mistake(sparql, exc.message) or exc from None

    def _query(self, sparql, substitutions, default_graph, named_graphs, max_rows):
        text = bind_values(sparql, substitutions or {}, unions=not (substitutions and self._is_virtuoso()))
        if any(isinstance(t, ox.Literal) and not t.value.isascii() for t in (substitutions or {}).values()) \
                and self._is_virtuoso():
            text = inline_filter_literals(text, substitutions)
        form = query_form(text)
        fields = [("query", text)]
        if default_graph or named_graphs:
            # A dataset given in part is given whole (SPARQL 1.1 Query §13.2), which Virtuoso 7.2
            # does not do: default-graph-uri alone left every graph named there. A graph that
            # does not exist stands for the missing part, so every server reads it as empty.
            fields += [("default-graph-uri", g) for g in default_graph or (self.NO_GRAPH,)]
            fields += [("named-graph-uri", g) for g in named_graphs or (self.NO_GRAPH,)]
        deadline = time.monotonic() + self.timeout_s
        if form == "ASK":
            with self._http.post_form(self.query_url, fields, _RESULTS_JSON) as resp:
                return AskResult(bool(self._parse_results(resp)))
        if form == "DESCRIBE" and self._is_virtuoso():
            # Virtuoso 7.2's default describe mode answers nothing without FROM; CBD is what
            # Oxigraph and the embedded store answer (the resource's own triples).
            fields[0] = ("query", 'DEFINE sql:describe-mode "CBD" ' + text)
        if form in ("CONSTRUCT", "DESCRIBE"):
            return self._graph_query(fields, max_rows)
        result = self._select(text, fields[1:], max_rows, deadline)
        order = star_order(sparql, result.variables)  # SELECT *: the query's order, as the embedded store
        if order and order != result.variables:
            at = [result.variables.index(v) for v in order]
            result = SelectResult(order, [tuple(row[i] for i in at) for row in result.rows], result.truncated)
        return result

    def _is_virtuoso(self) -> bool:
        """Whether the server is Virtuoso, from its ``Server`` header (asked once, with ``ASK {}``)."""
        if self._server is None:
            with self._http.post_form(self.query_url, [("query", "ASK {}")], _RESULTS_JSON) as resp:
                self._server = resp.headers.get("Server", "")
        return self._server.lower().startswith("virtuoso")

    def shows_system_graphs(self) -> bool:
        """Whether the server's own system graphs are readable in its default graph and graph list.

        Why: Virtuoso keeps its metadata (``virtrdf#``, ``DAV/``, ``owl#``, …) as
        ordinary graphs, so ``?s ?p ?o``, the graph list and the service
        description would show them next to PlanGraph's, unless the server
        makes them private (README, "Virtuoso"). ``plangraph push`` warns.
        """
        if not self._is_virtuoso():
            return False
        return self.query(f"ASK {{ GRAPH <{VIRTUOSO_SYSTEM_GRAPH}> {{ ?s ?p ?o }} }}").value

    def _parse_results(self, resp):
        ctype = resp.headers.get("Content-Type", _RESULTS_JSON).split(";")[0].strip()
        fmt = ox.QueryResultsFormat.from_media_type(ctype)
        if fmt is None:
            raise StoreError(f"SPARQL server at {self.query_url} answered {ctype!r}, not SPARQL results")
        try:
            return ox.parse_query_results(resp, format=fmt)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"SPARQL server at {self.query_url} sent unreadable results: "
                             f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None

    def _graph_query(self, fields, max_rows):
        with self._http.post_form(self.query_url, fields, _GRAPH_ACCEPT) as resp:
            ctype = resp.headers.get("Content-Type", "application/n-triples").split(";")[0].strip()
            if ctype == "text/plain":  # older servers' N-Triples
                ctype = "application/n-triples"
            fmt = ox.RdfFormat.from_media_type(ctype)
            if fmt is None:
                raise StoreError(f"SPARQL server at {self.query_url} answered {ctype!r}, not RDF")
            cap = resp.headers.get("X-SPARQL-MaxRows")
            triples, truncated = [], False
            try:
                for q in ox.parse(resp, format=fmt):
                    if max_rows is not None and len(triples) >= max_rows:
                        truncated = True
                        break
                    triples.append(ox.Triple(q.subject, q.predicate, q.object))
            except (SyntaxError, ValueError) as exc:
                raise parse_error(exc, self.query_url) from None
        # Virtuoso caps CONSTRUCT silently too (at ResultSetMaxRows + 1 triples, without the header).
        limit = int(cap) if cap and cap.isdigit() else self.page_size
        if len(triples) in (limit, limit + 1):
            truncated = True
        return GraphResult(triples, truncated)

    def _read_rows(self, fields, max_rows) -> tuple[list[str], list[tuple], bool, int | None]:
        """One request: variables, rows (at most max_rows), whether more rows were there, server cap."""
        with self._http.post_form(self.query_url, fields, _RESULTS_JSON) as resp:
            cap = resp.headers.get("X-SPARQL-MaxRows")
            sols = self._parse_results(resp)
            if isinstance(sols, ox.QueryBoolean):
                raise StoreError(f"SPARQL server at {self.query_url} answered a boolean to a SELECT")
            variables = [v.value for v in sols.variables]
            rows, more = [], False
            try:
                for sol in sols:
                    if max_rows is not None and len(rows) >= max_rows:
                        more = True
                        break
                    rows.append(tuple(sol[v] for v in variables))
            except (SyntaxError, ValueError) as exc:
                if "bnode" not in str(exc).lower():
                    raise StoreError(f"SPARQL server at {self.query_url} sent unreadable results: "
                                     f"{str(exc).splitlines()[0]}") from None
                # Virtuoso labels blank nodes "nodeID://b10006", which pyoxigraph's strict parser
                # refuses: ask again and read the answer with the lenient reader.
                with self._http.post_form(self.query_url, fields, _RESULTS_JSON) as again:
                    variables, rows = read_json_results(again.read(), self.query_url)
                more = max_rows is not None and len(rows) > max_rows
                rows = rows[:max_rows] if more else rows
        return variables, rows, more, int(cap) if cap and cap.isdigit() else None

    def _select(self, text, dataset, max_rows, deadline) -> SelectResult:
        variables, rows, more, cap = self._read_rows([("query", text)] + dataset, max_rows)
        # Capped: the server announced a cap and we hit it, or (no announcement) exactly one page came back.
        capped = not more and (len(rows) >= cap if cap else len(rows) == self.page_size)
        if not capped:
            return SelectResult(variables, rows, more)
        if not can_page(text):
            return SelectResult(variables, rows, True)  # cannot wrap (FROM, not SELECT): say so honestly
        page = min(self.page_size, cap or self.page_size)
        rows, offset = [], 0
        while True:
            if time.monotonic() > deadline:
                raise QueryTimeout(f"reading pages from {self.query_url} took longer than {self.timeout_s:g} s")
            paged = paged_select(text, variables, page, offset)
            pvars, chunk, _, _ = self._read_rows([("query", paged)] + dataset, None)
            if pvars != variables:  # SELECT * may list the variables in another order
                pos = [pvars.index(v) if v in pvars else None for v in variables]
                chunk = [tuple(r[i] if i is not None else None for i in pos) for r in chunk]
            rows.extend(chunk)
            offset += page
            if max_rows is not None and len(rows) > max_rows:
                return SelectResult(variables, rows[:max_rows], True)
            if len(chunk) < page:
                return SelectResult(variables, rows, False)

    # --- writes ---------------------------------------------------------------
    def update(self, sparql: str) -> None:
        self._changed()
        with self._http.post_form(self.update_url, [("update", sparql)], "*/*", timeout=self.write_timeout_s) as resp:
            resp.read()

    def _parse(self, data, fmt, graph, source) -> list[ox.Quad]:
        fmt = fmt if isinstance(fmt, ox.RdfFormat) else rdf_format(fmt)
        out = []
        for q in parse_quads(data, fmt, source):  # safety checks, all or nothing
            if isinstance(q.graph_name, ox.DefaultGraph):
                if graph is None:
                    raise StoreError(f"{source}: triples outside a named graph need a target graph")
                q = ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph))
            out.append(self._rewrite(q) if self._rewrite else q)
        return out

    def load_data(self, data, *, format, graph=None, source="<data>"):
        by_graph: dict[str, list[ox.Triple]] = {}
        for q in self._parse(data, format, graph, source):
            by_graph.setdefault(q.graph_name.value, []).append(ox.Triple(q.subject, q.predicate, q.object))
        self.write_graphs(by_graph, replace=False)

    def replace_graph(self, graph, quads):
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        self.write_graphs({graph: triples}, replace=True)

    def write_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]] | Iterable[tuple[str, Iterable[ox.Triple]]],
                     *, replace: bool = True, backup: bool = True) -> dict[str, int]:
        """Write several graphs, all uploaded to staging graphs first (see the module docstring).

        ``graphs`` maps graph IRIs to triples, or is a stream of
        ``(graph, triples)`` runs in which a graph may come back (its runs are
        appended to one staging graph), so a file of millions of quads can be
        pushed one run at a time. ``replace=True`` replaces each graph's
        content; ``False`` adds to it. ``backup=False`` keeps no old content
        aside (a re-push of 1M triples took about 40 % less time): a write in
        several requests that fails midway then leaves the graphs of the
        requests before it new, each whole, and the error says so. Returns the
        triples written per graph.
        """
        self._changed()
        token = uuid.uuid4().hex
        staged: dict[str, str] = {}
        counts: dict[str, int] = {}
        runs = graphs.items() if isinstance(graphs, Mapping) else graphs
        try:
            for graph, triples in runs:
                if graph not in staged:
                    staged[graph] = f"{STAGING_PREFIX}{token}:{len(staged)}"
                    counts[graph] = 0
                counts[graph] += self._upload(staged[graph], triples)
        except BaseException:
            self._drop_quietly(staged.values())
            raise
        self._commit(staged, counts, replace, token, backup)
        return counts

    def _commit(self, staged: dict[str, str], counts: dict[str, int], replace: bool, token: str,
                backup: bool) -> None:
        """Move the staged graphs into place, all or none (see the module docstring).

        One request moving at most ``commit_triples`` triples is one transaction
        on Oxigraph, and nothing more is needed. When the write takes several
        requests, or the server is Virtuoso (which does not run even one
        request as one transaction), each target that had content is first
        moved (``replace``) or copied (add) to a backup graph beside its
        staging graph, in the same request that writes it. If a request fails,
        the graphs of the requests sent so far are put back from their backups
        (or dropped, if they were empty before), so a failure leaves every
        target as it was. Only if that also fails (the server is gone) does
        the error say that some graphs may be new, and where their old
        content is kept. With ``backup=False`` nothing is kept aside, and a
        failure that may have left graphs new says how many.
        """
        items = [(g, s) for g, s in staged.items() if counts[g] or replace]
        batches: list[list[tuple[str, str]]] = [[]]
        size = 0
        for graph, stage in items:
            if batches[-1] and size + counts[graph] > self.commit_triples:
                batches.append([])
                size = 0
            batches[-1].append((graph, stage))
            size += counts[graph]
        batches = [b for b in batches if b]
        atomic = len(batches) <= 1 and not (batches and self._is_virtuoso())  # one Oxigraph transaction
        guarded = backup and not atomic
        had = self._nonempty([g for g, _ in items]) if guarded else set()

        def op(graph: str, stage: str) -> str:
            g, s, b = ox.NamedNode(graph), ox.NamedNode(stage), ox.NamedNode(stage + ":old")
            ops = []
            if graph in had:
                ops.append(f"{'MOVE' if replace else 'COPY'} SILENT GRAPH {g} TO GRAPH {b}")
            if counts[graph] == 0:
                ops.append(f"DROP SILENT GRAPH {g}")
            elif replace:
                ops.append(f"MOVE SILENT GRAPH {s} TO GRAPH {g}")
            else:
                ops += [f"ADD SILENT GRAPH {s} TO GRAPH {g}", f"DROP SILENT GRAPH {s}"]
            return " ;\n".join(ops)

        sent: list[list[tuple[str, str]]] = []
        try:
            for batch in batches:
                sent.append(batch)
                self.update(" ;\n".join(op(g, s) for g, s in batch))
        except BaseException as exc:
            may_be_new = f"up to {sum(map(len, sent))} of {len(items)} graphs may be new, each whole"
            if not guarded:
                self._drop_quietly(staged.values())
                if atomic or not isinstance(exc, PlanGraphError):  # atomic: nothing changed
                    raise
                raise type(exc)(f"{exc} (written without backups: {may_be_new}; the others are unchanged. "
                                "Write the same data again to finish)") from exc
            try:
                self._undo(sent, had)
            except PlanGraphError as undo_exc:
                if isinstance(exc, PlanGraphError):
                    raise type(exc)(
                        f"{exc}; putting back the graphs written before it failed too ({undo_exc}): "
                        f"{may_be_new}; the old content of those that had any is kept in "
                        f"<{STAGING_PREFIX}{token}:…:old> graphs. Write the same data again to finish") from exc
                raise exc from undo_exc  # (an interrupt or a bug stays what it was)
            self._drop_quietly(staged.values())
            raise
        for batch in batches:  # the backups of a write that went through: one request per commit request
            self._drop_quietly([s + ":old" for g, s in batch if g in had], together=True)

    def _undo(self, sent: list[list[tuple[str, str]]], had: set[str]) -> None:
        """Put back the targets of the requests ``sent`` as they were (``had``: those that had content).

        One request per request sent: the server took that one moving the old
        content aside, so it takes the one moving it back.
        """
        kept = self._nonempty([s + ":old" for batch in sent for g, s in batch if g in had])
        for batch in sent:
            ops = [f"MOVE SILENT GRAPH {ox.NamedNode(s + ':old')} TO GRAPH {ox.NamedNode(g)}" if g in had
                   else f"DROP SILENT GRAPH {ox.NamedNode(g)}"
                   for g, s in batch if g not in had or s + ":old" in kept]
            # (a backup not made means the request never reached that graph: it is as it was)
            if ops:
                self.update(" ;\n".join(ops))

    def _nonempty(self, graphs: list[str]) -> set[str]:
        """Which of these graphs hold at least one triple (asked 200 at a time)."""
        found: set[str] = set()
        for i in range(0, len(graphs), 200):
            values = " ".join(str(ox.NamedNode(g)) for g in graphs[i:i + 200])
            res = self.query(f"SELECT ?g WHERE {{ VALUES ?g {{ {values} }} "
                             "FILTER EXISTS { GRAPH ?g { ?s ?p ?o } } }")
            found.update(g.value for (g,) in res.rows)
        return found

    def _upload(self, stage: str, triples: Iterable[ox.Triple]) -> int:
        """Add triples to a (fresh, private) staging graph: GSP POST, else INSERT DATA chunks."""
        triples = list(triples)
        if not triples:
            return 0
        if self.gsp_url:
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            sep = "&" if "?" in self.gsp_url else "?"
            url = f"{self.gsp_url}{sep}{urllib.parse.urlencode({'graph': stage})}"
            with self._http.request(url, data=body, method="POST", timeout=self.write_timeout_s,
                               headers={"Content-Type": "application/n-triples"}) as resp:
                resp.read()
            return len(triples)
        g = ox.NamedNode(stage)
        for i in range(0, len(triples), self.chunk_triples):
            chunk = ox.serialize(triples[i:i + self.chunk_triples], format=ox.RdfFormat.N_TRIPLES).decode()
            self.update(f"INSERT DATA {{ GRAPH {g} {{\n{chunk}}} }}")
        return len(triples)

    def _drop_quietly(self, stages: Iterable[str], *, together: bool = False) -> None:
        """Best effort: remove staging graphs (the server may be gone), one request each or ``together``."""
        drops = [f"DROP SILENT GRAPH {ox.NamedNode(stage)}" for stage in stages]
        for request in ([" ;\n".join(drops)] if together and drops else drops):
            try:
                self.update(request)
            except (StoreError, AuthError, QueryTimeout, QuerySyntaxError):
                return

    # --- reading the whole store ------------------------------------------------
    def graphs(self):
        # `GRAPH ?g {}` lists the server's named graphs (empty ones too, as the embedded store does)
        # from its graph index: on Oxigraph server 0.27 s at 1M triples, where grouping every quad
        # by graph took 1.6 s (and would pass the 10 s deadline on the whole country). Virtuoso 7.2
        # answers `GRAPH ?g {}` with one row, so there it is GROUP BY ?g, which it runs on its graph
        # index (0.15 s at 1M); DISTINCT ?g it plans as a scan of every quad (16–110 s at 100k).
        if self._is_virtuoso():
            text = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        else:
            text = "SELECT ?g WHERE { GRAPH ?g { } }"
        res = self.query(text)
        return sorted(r[0].value for r in res.rows if isinstance(r[0], ox.NamedNode))

    # A whole-store read goes one named graph at a time: one request per graph, each with its own
    # deadline and (a graph being one source file) under the server's row cap. As one result, the
    # country's 1.75M labels had to be paged with ORDER BY … LIMIT … OFFSET, which the server sorts
    # again for every page, all within one query deadline: on Virtuoso it could not be read at all.
    streams_quads = True

    def _graph_by_graph(self, variables: str, pattern: str) -> Iterator[tuple[ox.NamedNode, tuple]]:
        """(graph, row) for ``SELECT variables`` of ``pattern`` in each named graph in turn, lazily.

        Staging graphs of a write under way (another ``push``) are left out: they are not data yet.
        """
        for g in self.graphs():
            if g.startswith(STAGING_PREFIX):
                continue
            node = ox.NamedNode(g)
            for row in self.query(f"SELECT {variables} WHERE {{ GRAPH {node} {{ {pattern} }} }}").rows:
                yield node, row

    def pairs(self, *predicates):
        # all predicates in one request per graph: the search index's four label properties took
        # 1,036 requests at 1M triples (257 graphs), 17–19 s
        values = " ".join(str(ox.NamedNode(p)) for p in predicates)
        return ((s, o) for _, (s, o) in self._graph_by_graph("?s ?o", f"VALUES ?p {{ {values} }} ?s ?p ?o"))

    def quads(self, graph=None) -> Iterator[ox.Quad]:
        if graph:
            g = ox.NamedNode(graph)
            res = self.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}")
            return (ox.Quad(s, p, o, g) for s, p, o in res.rows)
        return (ox.Quad(s, p, o, g) for g, (s, p, o) in self._graph_by_graph("?s ?p ?o", "?s ?p ?o"))

    def __len__(self):
        res = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(res.rows[0][0].value)

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r})"

