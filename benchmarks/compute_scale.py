"""Benchmark: check + compute of a national-size monitor (about 14,000 buurten).

Usage: python benchmarks/compute_scale.py [--buurten 14000] [--indicators 40] [--years 10]

Generates a seeded synthetic monitor (cached in a temporary directory), then runs
``wijkmonitor compute`` in a child process and prints the wall time of loading
(reading and validating every file) and computing, and the peak memory (RSS).
Target on a 2-core machine: under 30 s and under 2 GB.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from wijkmonitor.demo.national import write_monitor

CHILD = """
import sys, time
t0 = time.perf_counter()
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.output import write_results
t1 = time.perf_counter()
monitor = load_monitor(sys.argv[1])
t2 = time.perf_counter()
results = compute_results(monitor)
t3 = time.perf_counter()
write_results(results, sys.argv[2])
t4 = time.perf_counter()
print(len(monitor.data), len(results.values), len(results.changes),
      t1 - t0, t2 - t1, t3 - t2, t4 - t3)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buurten", type=int, default=14000)
    parser.add_argument("--wijken", type=int, default=3300)
    parser.add_argument("--gemeenten", type=int, default=355)
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    key = f"{args.gemeenten}-{args.wijken}-{args.buurten}-{args.indicators}-{args.years}"
    root = Path(tempfile.gettempdir()) / f"wijkmonitor-bench-compute-{key}"
    if not (root / "data/synthetic.csv").exists():
        t = time.perf_counter()
        write_monitor(
            root,
            n_gemeenten=args.gemeenten,
            n_wijken=args.wijken,
            n_buurten=args.buurten,
            n_indicators=args.indicators,
            years=range(2014, 2014 + args.years),
        )
        print(f"generated {root} in {time.perf_counter() - t:.1f} s")
    out = root / "out"
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), str(out)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows, values, changes, imports, load, compute, write = done.stdout.split()
    print(
        f"regions: {args.gemeenten} gemeenten, {args.wijken} wijken, {args.buurten} buurten; "
        f"{args.indicators} indicators x {args.years} years"
    )
    print(f"input rows: {int(rows):,}; result rows: {int(values):,}; change rows: {int(changes):,}")
    print(
        f"load+check: {float(load):.1f} s  compute: {float(compute):.1f} s  "
        f"(imports {float(imports):.1f} s, writing CSV {float(write):.1f} s, "
        f"whole process {wall:.1f} s)"
    )
    print(f"peak memory (RSS): {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
