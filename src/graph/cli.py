"""The ``plangraph`` command: one click group, one module per command.

Adding a command is one line: put its module name in :data:`COMMANDS`; the
module ``graph.commands.<name>`` exposes a click command called ``command``.

Errors are one line on stderr and an exit code, never a traceback:

====  ==========================================================
0     success
1     a PlanGraph error (bad input, failed validation, query error,
      store error …): ``plangraph: error: <message>``
2     usage error (unknown option, missing argument)
130   interrupted (Ctrl-C)
====  ==========================================================

``--debug`` lets unexpected exceptions through with their traceback (for
bug reports); without it they too are one line.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

import click

from .commands import CliContext
from .errors import PlanGraphError

#: Command modules under graph.commands, in --help order.
COMMANDS: tuple[str, ...] = ("validate", "query", "export", "stats", "serve", "import", "push", "generate")


class PlanGraphGroup(click.Group):
    """Loads command modules on demand and turns errors into one line and an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The commands of COMMANDS whose module exists (a helper may not have written theirs yet)."""
        return [name for name in COMMANDS if importlib.util.find_spec(f"graph.commands.{name}")]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """Import ``graph.commands.<name>`` only now, so one slow import costs only its command."""
        if name not in COMMANDS:
            return None
        try:
            # importlib takes any module name, even the keyword ``import``.
            module = importlib.import_module(f"graph.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"graph.commands.{name}":
                return None  # listed but not written yet
            raise
        return module.command

    def invoke(self, ctx: click.Context):
        """Run the group and its command; every failure becomes one line and an exit code."""
        try:
            return super().invoke(ctx)
        except PlanGraphError as exc:
            _fail(ctx, str(exc), 1)
        except KeyboardInterrupt:
            _fail(ctx, "interrupted", 130, prefix="plangraph: ")
        except BrokenPipeError:
            # `plangraph export | head`: the reader left; not an error worth a message.
            sys.stderr.close()
            ctx.exit(141)
        except OSError as exc:
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            _fail(ctx, f"{where}{exc.strerror or type(exc).__name__}", 1)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as exc:  # noqa: BLE001 (the last line of defence: no traceback for users)
            if ctx.obj is not None and getattr(ctx.obj, "debug", False):
                raise
            _fail(ctx, f"internal error ({type(exc).__name__}); run again with --debug and report it", 1)


def _fail(ctx: click.Context, message: str, code: int, prefix: str = "plangraph: error: ") -> None:
    click.echo(prefix + " ".join(message.split()), err=True)
    ctx.exit(code)


@click.group(cls=PlanGraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data", "data", multiple=True, type=click.Path(path_type=Path),
              help="Data file or folder to load instead of the setting data_paths. Repeatable.")
@click.option("--base-iri", help="Base IRI of the data's resources (setting base_iri).")
@click.option("--store-path", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of an on-disk pyoxigraph store (setting store_path).")
@click.option("--store-url", help="SPARQL endpoint of an external server (setting store_url).")
@click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks of unexpected errors.")
@click.version_option(package_name="plangraph", prog_name="plangraph")
@click.pass_context
def main(ctx: click.Context, data, base_iri, store_path, store_url, debug) -> None:
    """PlanGraph: Japanese municipal plans as a validated knowledge graph.

    自治体の計画を検証済みのナレッジグラフとして扱うコマンドです。
    Settings come from PLANGRAPH_* environment variables; the options
    below override them for one run.
    """
    overrides = {k: v for k, v in {
        "data_paths": [str(p) for p in data] if data else None,
        "base_iri": base_iri,
        "store_path": str(store_path) if store_path else None,
        "store_url": store_url,
    }.items() if v is not None}
    ctx.obj = CliContext(overrides, debug=debug)  # a ConfigError here is one line too (see invoke)
    ctx.call_on_close(ctx.obj.close)


if __name__ == "__main__":  # pragma: no cover
    main()
