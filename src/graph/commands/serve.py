"""``plangraph serve``: the web app (pages, SPARQL endpoint) under waitress."""

from __future__ import annotations

from pathlib import Path

import click

from ..settings import DATA_DIR
from . import CliContext, pass_cli

#: The synthetic sample city (never loaded unless asked for).
SAMPLE_DIR = DATA_DIR / "sample"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. 0.0.0.0 serves the whole network: put a reverse proxy in front.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--data", "data", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Data file or folder to serve instead of the setting data_paths. Repeatable.")
@click.option("--with-sample", is_flag=True,
              help="Also load the synthetic sample city (data/sample, marked pg:synthetic, サンプル市（架空）) so the "
                   "views and reports have measures to show. The real data stays as it is.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Request threads (queries themselves run in the query_workers processes).")
@pass_cli
def command(cli: CliContext, host: str, port: int, data: tuple[Path, ...], with_sample: bool, threads: int) -> None:
    """Serve the graph: pages for people and the SPARQL endpoint for programs.

    \b
    Examples:
        plangraph serve                      # the Saitama graph at http://127.0.0.1:5000/
        plangraph serve --with-sample        # plus the synthetic sample city's action plan
        plangraph serve --port 8080 --data data/sample
        PLANGRAPH_UPDATE_TOKEN=secret plangraph serve   # enables /sparql/update and /rdf-graphs

    Runs under waitress, a production WSGI server; Flask's debug mode is never
    used. Every query has a deadline (query_timeout_ms) and a row cap
    (max_rows) enforced in worker processes that are killed at the deadline.
    """
    import signal  # noqa: PLC0415
    import socket  # noqa: PLC0415
    import sys  # noqa: PLC0415

    import waitress  # noqa: PLC0415 (only this command needs the server)

    from web import create_app, get_executor  # noqa: PLC0415

    # Resolve a host name now: once the app is built, the process refuses DNS
    # lookups (graph.netguard), and waitress resolves its listen address late.
    try:
        listen = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][4][0]
    except OSError as exc:
        raise click.BadParameter(f"cannot resolve {host!r}: {exc.strerror or exc}", param_hint="--host") from None
    overrides = dict(cli.overrides)
    if data:
        overrides["data_paths"] = [str(p) for p in data]
    if with_sample:
        overrides["data_paths"] = [*map(str, overrides.get("data_paths", cli.settings.data_paths)), str(SAMPLE_DIR)]
    app = create_app(overrides)
    with app.app_context():
        executor = get_executor()
    executor.start()  # load the query workers now, not during the first visitor's query
    # No warm-up of whole-store counts: the home and dataset pages start them on the first visit,
    # in the background, and say "counting" meanwhile (graph.memo.memo_soon). Counting the whole
    # country at start-up took two CPU-minutes and slowed every query of the first minute.
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"PlanGraph: http://{shown}:{port}/  (SPARQL: http://{shown}:{port}/sparql)  Ctrl-C で停止 / to stop",
               err=True)
    # systemd/docker stop sends SIGTERM: leave through `finally` so the query processes stop too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        waitress.serve(app, host=listen, port=port, threads=threads, ident="PlanGraph", _quiet=True)
    finally:
        executor.close()
