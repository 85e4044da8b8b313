"""``plangraph import``: bring planners' spreadsheets into the graph.

``plangraph import action-plan FILE --plan IRI`` checks every row of an
action-plan sheet (CSV or XLSX, the template's Japanese headers) against the
plan it concretizes, validates the result with the SHACL shapes, and only
then writes one Turtle file atomically. ``plangraph import template`` writes
the empty template.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..actionplan import template_bytes
from ..atomic import write_bytes
from ..errors import ValidationError
from ..importer import import_action_plan
from . import CliContext, pass_cli, stdout_bytes


@click.group("import")
def command() -> None:
    """Import spreadsheets (action plans) into the graph. 表計算ファイルの取込。"""


@command.command("action-plan")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--plan", required=True, metavar="IRI", help="The plan the action plan concretizes (its basic "
              "policies and upper-plan goals are what the sheet may name).")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Turtle file to write (atomically). Default: <import_dir>/<plan path>-action-plan.ttl.")
@click.option("--title", help="Japanese name of the action plan (default: the existing one, or the plan's name "
              "+ アクション・プラン).")
@click.option("--synthetic/--real", default=None,
              help="Mark the imported nodes pg:synthetic (default: as the target plan is marked).")
@click.option("--dry-run", is_flag=True, help="Check everything, write nothing; print the Turtle to stdout.")
@pass_cli
def action_plan(cli: CliContext, file: Path, plan: str, out: Path | None, title: str | None,
                synthetic: bool | None, dry_run: bool) -> None:
    """Import an action-plan sheet (CSV or XLSX) for the plan PLAN.

    Every problem is reported with its row and column, and then nothing is
    written. 問題があれば行・列を示し、何も書き込みません。

    \b
    Example:
        plangraph --data data/sample import action-plan data/sample/sample-city-action-plan.csv \\
            --plan https://w3id.org/plangraph/id/synthetic/lg/990019/plan/digital-2024 \\
            --out data/sample/sample-city-action-plan.ttl
    """
    try:
        outcome = import_action_plan(file.read_bytes(), str(file), cli.store, plan, settings=cli.settings,
                                     out=out, title=title, synthetic=synthetic, dry_run=dry_run)
    except ValidationError as exc:
        # One problem a line (the error line itself stays one line, as for every command).
        for line in (exc.report or "").splitlines():
            click.echo(line, err=True)
        raise ValidationError(exc.message.splitlines()[0]) from None
    c = outcome.counts
    summary = (f"施策 {c['measure']} / 事業 {c['project']} / 指標 {c['indicator']} "
               f"({outcome.triples} triples)")
    if dry_run:
        stdout_bytes(outcome.turtle)
        click.echo(f"{file}: OK, nothing written — {summary}", err=True)
    else:
        click.echo(f"{outcome.path}: written — {summary}", err=True)


@command.command("template")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True)
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (atomically). Default: stdout.")
def template(fmt: str, out: Path | None) -> None:
    """Write the empty action-plan template (Japanese headers; the XLSX explains each column)."""
    data = template_bytes(fmt)
    write_bytes(out, data) if out else stdout_bytes(data)
