"""``plangraph export``: the data (or its VoID/DCAT description) in an RDF format, to stdout or a file."""

from __future__ import annotations

from pathlib import Path

import click

from ..atomic import write_bytes
from ..dataset import describe_dataset_bytes
from ..export import EXPORT_FORMATS, export_file, iter_export
from ..sources import configured_data_files
from ..validate import check_files
from . import CliContext, pass_cli, stdout_bytes


@click.command("export")
@click.option("--format", "fmt", default="turtle", show_default=True, type=click.Choice(list(EXPORT_FORMATS)),
              help="RDF format. trig, nquads and jsonld keep the named graphs (provenance); "
                   "turtle, ntriples and rdfxml merge them.")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE atomically (an interrupted export leaves the old file). Default: stdout.")
@click.option("--graph", "graphs", multiple=True, metavar="IRI", help="Export only this named graph. Repeatable.")
@click.option("--void", "void", is_flag=True, help="Write the VoID + DCAT description of the dataset instead.")
@click.option("--endpoint-url", metavar="URL", help="With --void: the public SPARQL endpoint (void:sparqlEndpoint).")
@click.option("--dump-base-url", metavar="URL",
              help="With --void: where the dumps are published; files are named plangraph.<ext>.")
@click.option("--no-check", is_flag=True,
              help="Skip the quick checks of the data files (vocabulary, labels, literal values) before writing.")
@pass_cli
def command(cli: CliContext, fmt, out, graphs, void, endpoint_url, dump_base_url, no_check) -> None:
    """Export the loaded data as Turtle, N-Triples, TriG, N-Quads, JSON-LD or RDF/XML.

    JSON-LD embeds PlanGraph's context, so reading it back needs no network.
    The data files are checked first (they parse, use PlanGraph terms, label
    what they type, carry valid literals; `plangraph validate` adds SHACL)
    and the store is loaded before anything is opened for writing: bad data
    writes nothing.

    \b
    Examples:
        plangraph export --format trig --out plangraph.trig
        plangraph export --format jsonld --graph https://w3id.org/plangraph/id/graph/data/saitama/document.trig
        plangraph export --void --endpoint-url https://example.jp/sparql --out void.ttl
    """
    s = cli.settings
    if not no_check and not (s.store_url or s.store_path):
        check_files(configured_data_files(s), base_iri=s.base_iri, shacl=False)
    store = cli.store  # loads (and may fail) before anything is opened for writing
    if void:
        if graphs:
            raise click.UsageError("--graph and --void do not go together")
        data = describe_dataset_bytes(store, fmt, base_iri=cli.settings.base_iri, endpoint_url=endpoint_url,
                                      dump_base_url=dump_base_url)
        write_bytes(out, data) if out else stdout_bytes(data)
        return
    if endpoint_url or dump_base_url:
        raise click.UsageError("--endpoint-url and --dump-base-url go with --void")
    if out:
        export_file(store, fmt, out, graphs=list(graphs) or None)
        click.echo(f"{out}: {EXPORT_FORMATS[fmt].rdf_format.name} written", err=True)
    else:
        stdout_bytes(iter_export(store, fmt, graphs=list(graphs) or None))
