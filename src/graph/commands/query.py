"""``plangraph query``: run a named query, a query file or stdin; print a table, CSV, TSV or JSON."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import NotFound, ParameterError, QueryError
from ..results import RESULT_FORMATS, result_kind, serialize_result
from ..vocab import PREFIXES
from . import CliContext, pass_cli, stdout_bytes

#: The SPARQL-results format name to use when a CONSTRUCT/DESCRIBE result is asked for in it.
_GRAPH_EQUIVALENT = {"json": "jsonld", "xml": "rdfxml", "table": "table"}


def _params(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in values:
        name, sep, value = v.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"--param needs name=value, not {v!r}")
        out[name.strip()] = value
    return out


def _list_queries() -> None:
    from ..queries import list_queries  # noqa: PLC0415

    queries = list_queries()
    width = max((len(q.name) for q in queries), default=0)
    for q in queries:
        params = " ".join(f"{p.name}=" for p in q.parameters)
        click.echo(f"{q.name:<{width}}  {q.title_ja}" + (f"  [{params}]" if params else ""))


def _read_text(file: str | None, name: str | None) -> str | None:
    if file == "-" or name == "-":
        return sys.stdin.read()
    if file:
        try:
            return Path(file).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise NotFound(f"{file}: no such query file") from None
        except UnicodeDecodeError:
            raise QueryError(f"{file}: a query file must be UTF-8 text") from None
    return None


@click.command("query")
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A named query's parameter. Repeatable.")
@click.option("--file", "-f", "file", metavar="FILE", help="Run the SPARQL query in FILE ('-' reads stdin).")
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "ntriples", "jsonld", "rdfxml"]),
              help="Output format. json/xml are the SPARQL results formats (JSON-LD/RDF/XML for CONSTRUCT).")
@click.option("--max-rows", type=click.IntRange(min=1), help="Row cap (default: setting max_rows).")
@click.option("--spreadsheet-safe", is_flag=True,
              help="CSV/TSV: prefix cells starting with = + - @ so spreadsheets do not run them as formulas.")
@click.option("--list", "list_", is_flag=True, help="List the named queries and their parameters.")
@pass_cli
def command(cli: CliContext, name, params, file, fmt, max_rows, spreadsheet_safe, list_) -> None:
    """Run a named query (NAME), a query file (--file) or a query from stdin (NAME '-').

    \b
    Examples:
        plangraph query --list
        plangraph query upper-plans --param plan=https://w3id.org/plangraph/id/lg/111007/plan/digital-2021
        plangraph query --file my.rq --format csv > answer.csv
        echo 'SELECT * WHERE { ?s a ?c } LIMIT 5' | plangraph query -

    A truncated result says so (table footer, or a warning on stderr).
    """
    if list_:
        _list_queries()
        return
    text = _read_text(file, name)
    if text is None and not name:
        raise click.UsageError("give a query NAME, --file FILE, or '-' for stdin (see --list)")
    if text is not None and not text.strip():
        raise QueryError(f"{file if file and file != '-' else 'stdin'}: the query is empty")
    if text is not None and params:
        raise click.UsageError("--param works with named queries only")
    cap = max_rows or cli.settings.max_rows
    store = cli.store
    if text is None:
        from ..errors import UnknownQuery  # noqa: PLC0415
        from ..queries import run_named  # noqa: PLC0415

        try:
            result = run_named(store, name, _params(params), max_rows=cap)
        except UnknownQuery as exc:  # the error names no others (a page links to its list); here, --list does
            raise UnknownQuery(f"{exc.message_en} (plangraph query --list lists them)",
                               message_ja=f"{exc.message_ja}（一覧は plangraph query --list）") from None
    else:
        from ..sandbox import inspect_query  # noqa: PLC0415

        inspect_query(text, graphs=store.graphs())  # no SERVICE, no FROM outside the store
        result = store.query(text, max_rows=cap)
    kind = result_kind(result)
    if kind == "graph":
        fmt = _GRAPH_EQUIVALENT.get(fmt, fmt)
    elif fmt not in ("table", "csv", "tsv", "json", "xml"):
        raise QueryError(f"--format {fmt} is for CONSTRUCT/DESCRIBE results; use table, csv, tsv, json or xml")
    assert fmt in RESULT_FORMATS
    # "id:" shortens the data's IRIs in the table; in Turtle it would need escaped slashes (id:lg\/111007…).
    prefixes = {**PREFIXES, "id": cli.settings.base_iri} if fmt == "table" else None
    stdout_bytes(serialize_result(result, fmt, neutralize_formulas=spreadsheet_safe, prefixes=prefixes))
    if getattr(result, "truncated", False) and fmt != "table":
        click.echo(f"plangraph: warning: result truncated at {cap} rows (raise --max-rows)", err=True)
