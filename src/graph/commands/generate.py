"""``plangraph generate``: write a seeded synthetic national plan graph (see :mod:`graph.synthetic`)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..errors import InputError
from ..synthetic import JAPAN_MUNICIPALITIES, generate_file, municipalities_for_triples


@click.command("generate")
@click.option("--municipalities", "-n", type=int, help="How many municipalities (1,741 is the whole country).")
@click.option("--triples", type=int, help="Roughly how many triples instead (e.g. 1000000).")
@click.option("--country", is_flag=True, help=f"All {JAPAN_MUNICIPALITIES:,} municipalities (about 6.8M triples).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: same seed, same bytes.")
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Output file: .nq (one named graph per municipality) or .nt.")
def generate(municipalities, triples, country, seed, out):
    """Write a synthetic national plan graph for benchmarks and scale tests.

    Every municipality and plan is marked pg:synthetic true and lives under
    {base}synthetic/, so it can never be mistaken for real data. Keep the
    output out of data/saitama/. Example:

        plangraph generate --triples 1000000 --seed 1 --out /tmp/pg-1m.nq
    """
    given = [x for x in (municipalities, triples, country or None) if x is not None]
    if len(given) != 1:
        raise InputError("give exactly one of --municipalities, --triples or --country")
    n = JAPAN_MUNICIPALITIES if country else municipalities if municipalities is not None \
        else municipalities_for_triples(triples)
    started = time.monotonic()
    count = generate_file(out, municipalities=n, seed=seed)
    click.echo(f"{out}: {n} municipalities, {count} triples, seed {seed} ({time.monotonic() - started:.1f} s)")


command = generate
