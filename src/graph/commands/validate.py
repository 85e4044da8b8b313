"""``plangraph validate``: check data against the shapes, the violation queries and the vocabulary."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ValidationError
from ..sources import configured_data_files
from ..validate import check_files, validate
from . import CliContext, pass_cli


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@pass_cli
def command(cli: CliContext, paths: tuple[Path, ...]) -> None:
    """Validate RDF files, or the configured data; print the report (Japanese, then English).

    Files are checked as before an import: they must parse (errors name
    file, line and column), use only PlanGraph terms, label every typed
    resource, carry valid literals (no "2021-13-45"^^xsd:date) and pass the
    SHACL shapes and the violation queries. Without PATHS the configured
    data (--data or PLANGRAPH_DATA_PATHS) is checked; with --store-path or
    --store-url, the store's content is. Exit code 1 when anything is wrong.

    \b
    Example:
        plangraph validate data/saitama
        plangraph validate new-plan.ttl
    """
    s = cli.settings
    if paths or not (s.store_url or s.store_path):
        try:
            report = check_files(list(paths) or configured_data_files(s), base_iri=s.base_iri)
        except ValidationError as exc:
            if exc.report:
                click.echo(exc.report)
            raise
        click.echo(report.text(), nl=False)
        return
    report = validate(cli.store, base_iri=s.base_iri)
    click.echo(report.text(), nl=False)
    if not report.conforms:
        n = len(report.results)
        raise ValidationError(f"the store does not conform: {n} problem{'s' if n != 1 else ''} (report above)")
