"""``plangraph push``: load the ontology and the data into an external SPARQL server.

One named graph per source file (:func:`graph.sources.graph_iri_for_file`) for
the triples a file states outside any named graph. TriG and N-Quads files
that name their own graphs keep them: the Saitama data puts every sourced
statement in its own ``pg:Assertion`` graph, and the synthetic country one
graph per municipality; each of those graphs is replaced too.

Each file is pushed with :meth:`graph.remote.RemoteStore.write_graphs`: all of
its graphs go to staging graphs first and are moved into place only when
every upload succeeded, so a failure (server down, 500, a syntax error at
line 4,000,000) leaves every graph as it was. A file committed in several
requests keeps the old graphs aside until its last request succeeded and puts
them back if one fails (``--no-backup`` skips that, for speed). Graphs that a
file no longer has are not deleted on the server.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator

import click
import pyoxigraph as ox

from ..errors import ConfigError
from ..rdfio import as_bytes, check_safe, parse_error
from ..remote import RemoteStore
from ..settings import load_settings
from ..sources import data_files, graph_iri_for_file, ontology_files, rdf_format

#: Formats parsed as a stream from the file (the others are read whole and safety-checked first).
_STREAMED = {ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS, ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG}
#: Printed after a push when the server's own graphs are readable next to ours.
SYSTEM_GRAPHS_WARNING = (
    "warning: this Virtuoso lets the SPARQL user read its system graphs (virtrdf#, DAV/, owl#, ...): "
    "they appear in the default graph, the graph list and the service description next to PlanGraph's. "
    "Make them private as README (section 'Virtuoso') shows.")
#: Triples per upload request when a file streams one graph for a long time.
RUN_TRIPLES = 50_000


def graph_runs(path: Path, store: RemoteStore, base_iri: str) -> Iterator[tuple[str, list[ox.Triple]]]:
    """A file's triples as ``(graph, triples)`` runs, in file order, without holding the whole file.

    Default-graph triples go to the file's graph; the data's default base IRI
    is rewritten to ``base_iri`` as the embedded store does.
    """
    fmt = rdf_format(path)
    file_graph = ox.NamedNode(graph_iri_for_file(path, base_iri))
    if fmt in _STREAMED:
        quads = ox.parse(path=str(path), format=fmt, rename_blank_nodes=True)
    else:
        data = as_bytes(path.read_bytes())
        check_safe(data, fmt, str(path))
        quads = ox.parse(data, format=fmt, rename_blank_nodes=True)
    rewrite = store._rewrite
    current, run = None, []
    try:
        for q in quads:
            if isinstance(q.graph_name, ox.DefaultGraph):
                q = ox.Quad(q.subject, q.predicate, q.object, file_graph)
            if rewrite:
                q = rewrite(q)
            g = q.graph_name.value
            if (g != current and run) or len(run) >= RUN_TRIPLES:
                yield current, run
                run = []
            current = g
            run.append(ox.Triple(q.subject, q.predicate, q.object))
    except (SyntaxError, ValueError) as exc:
        raise parse_error(exc, str(path)) from None
    if run:
        yield current, run


def push_files(store: RemoteStore, files: list[Path], base_iri: str,
               echo=lambda line: None, *, backup: bool = True) -> tuple[int, int]:
    """Push each file, its graphs replaced as one staged write; return (graphs, triples)."""
    total_graphs = total_triples = 0
    for path in files:
        started = time.monotonic()
        counts = store.write_graphs(graph_runs(Path(path), store, base_iri), replace=True, backup=backup)
        n = sum(counts.values())
        total_graphs += len(counts)
        total_triples += n
        echo(f"{path}: {len(counts)} graph(s), {n} triples ({time.monotonic() - started:.1f} s)")
    return total_graphs, total_triples


@click.command("push")
@click.option("--store-url", help="SPARQL query endpoint (setting store_url).")
@click.option("--update-url", help="SPARQL update endpoint (setting store_update_url; default: the query URL).")
@click.option("--gsp-url", help="Graph Store Protocol endpoint (setting store_gsp_url), used for uploads.")
@click.option("--user", help="User name (setting store_user).")
@click.option("--password", help="Password (setting store_password; prefer PLANGRAPH_STORE_PASSWORD).")
@click.option("--auth", type=click.Choice(["basic", "digest"]), help="Authentication scheme (setting store_auth).")
@click.option("--data", "data", multiple=True, type=click.Path(path_type=Path),
              help="Data files or folders (default: setting data_paths). Repeatable.")
@click.option("--no-ontology", is_flag=True, help="Push only the data, not ontology/*.ttl.")
@click.option("--no-backup", is_flag=True,
              help="Keep no old graphs aside while a file commits in several requests: a re-push of "
                   "1M triples takes about 40 %% less time, but a failure midway leaves the graphs "
                   "committed before it new (the error says how many; push again to finish).")
def push(store_url, update_url, gsp_url, user, password, auth, data, no_ontology, no_backup):
    """Load the ontology and the data into an external SPARQL server.

    One named graph per source file, and TriG/N-Quads graphs under their own
    names; every graph is replaced atomically (uploaded to a staging graph,
    then moved into place), and a failure leaves every graph as it was.
    A file's graphs are moved into place in one request per 100,000 triples;
    if one fails, those already moved are put back (unless --no-backup).

    \b
    Example:
        plangraph push --store-url http://127.0.0.1:7878/query \\
            --update-url http://127.0.0.1:7878/update --gsp-url http://127.0.0.1:7878/store
    """
    overrides = {k: v for k, v in {
        "store_url": store_url, "store_update_url": update_url, "store_gsp_url": gsp_url,
        "store_user": user, "store_password": password, "store_auth": auth,
        "data_paths": list(data) if data else None}.items() if v is not None}
    settings = load_settings(overrides=overrides)
    if not settings.store_url:
        raise ConfigError("push needs a SPARQL server: give --store-url or set PLANGRAPH_STORE_URL")
    store = RemoteStore.from_settings(settings)
    files = ([] if no_ontology else ontology_files()) + data_files(settings.data_paths)
    started = time.monotonic()
    graphs, triples = push_files(store, files, settings.base_iri, echo=click.echo, backup=not no_backup)
    click.echo(f"pushed {len(files)} file(s): {graphs} graph(s), {triples} triples to {settings.store_url} "
               f"in {time.monotonic() - started:.1f} s")
    if store.shows_system_graphs():
        click.echo(SYSTEM_GRAPHS_WARNING, err=True)


command = push
