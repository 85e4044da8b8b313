"""Time the dataset downloads on an on-disk store (the whole country), read-only.

Not a test: a script that prints one line per format. Each format runs in a
fresh process (peak RSS is per process) and is read the way the web download
and ``plangraph export`` read it, chunk by chunk from
:func:`graph.export.iter_export`, optionally through :func:`graph.export.gzipped`.
It reports the time to the first chunk (what a browser waits for before the
download starts), the total time, the size and the peak RSS.

    python3 benchmarks/exports.py                          # nquads and turtle, /tmp/plangraph-bench/store-1741-seed1
    python3 benchmarks/exports.py --formats nquads.gz,trig --store DIR
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

DEFAULT_STORE = Path("/tmp/plangraph-bench/store-1741-seed1")


def measure(store_dir: str, name: str) -> dict:
    """One export read to the end in this process: first-chunk and total seconds, MiB out, peak RSS MiB."""
    from graph.export import gzipped, iter_export
    from graph.store import EmbeddedStore

    store = EmbeddedStore(store_dir, read_only=True)
    fmt, gz = name.removesuffix(".gz"), name.endswith(".gz")
    started = time.perf_counter()
    chunks = iter_export(store, fmt)
    first, size = None, 0
    for chunk in gzipped(chunks) if gz else chunks:
        if first is None:
            first = time.perf_counter() - started
        size += len(chunk)
    return {"format": name, "first_s": first or 0.0, "total_s": time.perf_counter() - started,
            "mib": size / 2**20, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", type=Path, default=DEFAULT_STORE, help="folder of an on-disk pyoxigraph store")
    ap.add_argument("--formats", default="nquads,turtle",
                    help="comma-separated export formats, each optionally with .gz (e.g. nquads.gz)")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # the child process: measure one format, print JSON
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(str(args.store), args.one)))
        return
    print(f"store: {args.store}\n\n| format | first chunk s | total s | MiB | peak RSS MiB |\n|---|---|---|---|---|")
    for name in args.formats.split(","):
        out = subprocess.run([sys.executable, __file__, "--store", str(args.store), "--one", name],
                             capture_output=True, text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(f"| {r['format']} | {r['first_s']:.2f} | {r['total_s']:.0f} | {r['mib']:,.0f} | {r['peak_rss_mib']:,.0f} |",
              flush=True)


if __name__ == "__main__":
    main()
