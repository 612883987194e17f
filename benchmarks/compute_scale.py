"""Benchmark: check + compute of a national-size monitor (about 14,000 buurten).

Usage: python benchmarks/compute_scale.py [--buurten 14000] [--indicators 40] [--years 10]
       python benchmarks/compute_scale.py --national 3300 [--runs 2] [--profile]

Generates a seeded synthetic monitor (cached in a temporary directory), then runs
``wijkmonitor compute`` in a child process and prints the wall time of loading
(reading and validating every file) and computing, and the peak memory (RSS).
Target on a 2-core machine: under 30 s and under 2 GB.

With ``--national W`` it generates once, in a temporary directory, the national monitor of
``site_scale.py --national W`` (W wijken, W/9.3 gemeenten, ~3.9 buurten per wijk, 10
indicators, 6 years) with W focus areas in areas.yml, and times in this process, ``--runs``
times, the three steps separately: load (read and validate every file), check (derive
parents, warnings) and compute. Target: load + check + compute under 5 s. ``--profile``
adds a cProfile of one more run (top 25 by cumulative time).
"""

from __future__ import annotations

import argparse
import itertools
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


def national(n_wijken: int, n_indicators: int, n_years: int, runs: int, profile: bool) -> None:
    """Load, check and compute of a national monitor, timed step by step in-process."""
    from wijkmonitor.core.compute import compute_results
    from wijkmonitor.core.monitor import check_monitor, read_monitor

    with tempfile.TemporaryDirectory(prefix="wijkmonitor-bench-national-") as tmp:
        t = time.perf_counter()
        root = write_monitor(
            Path(tmp) / "national",
            n_gemeenten=max(1, round(n_wijken / 9.3)),
            n_wijken=n_wijken,
            n_buurten=round(n_wijken * 13000 / 3300),
            n_indicators=n_indicators,
            years=range(2019 - n_years + 1, 2020),
            focus_areas=n_wijken,
        )
        print(f"generated {root} in {time.perf_counter() - t:.1f} s")

        def steps() -> list[tuple[float, float]]:
            """(wall, CPU) seconds of load, check and compute: on a shared machine the
            CPU time of this process varies less than the wall time."""
            clock = [(time.perf_counter(), time.process_time())]
            monitor = read_monitor(root)
            clock.append((time.perf_counter(), time.process_time()))
            monitor = check_monitor(monitor)
            clock.append((time.perf_counter(), time.process_time()))
            results = compute_results(monitor)
            clock.append((time.perf_counter(), time.process_time()))
            assert len(results.values)
            return [(b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(clock)]

        regions = len(read_monitor(root).regions)  # also warms imports and plugins
        print(
            f"{n_wijken} wijken, {regions:,} regions and areas, {n_indicators} indicators x "
            f"{n_years} years"
        )
        for run in range(1, runs + 1):
            (load, load_cpu), (check, check_cpu), (compute, compute_cpu) = steps()
            print(
                f"run {run}: load {load:.2f} s  check {check:.2f} s  compute {compute:.2f} s  "
                f"total {load + check + compute:.2f} s  (CPU: {load_cpu:.2f}, "
                f"{check_cpu:.2f}, {compute_cpu:.2f}; {load_cpu + check_cpu + compute_cpu:.2f} s)",
                flush=True,
            )
        if profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(steps)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--national", type=int, metavar="WIJKEN")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--buurten", type=int, default=14000)
    parser.add_argument("--wijken", type=int, default=3300)
    parser.add_argument("--gemeenten", type=int, default=355)
    # Defaults: 40 indicators x 10 years; with --national 10 x 6 (as site_scale.py).
    parser.add_argument("--indicators", type=int)
    parser.add_argument("--years", type=int)
    args = parser.parse_args()
    if args.national:
        national(args.national, args.indicators or 10, args.years or 6, args.runs, args.profile)
        return
    args.indicators = args.indicators or 40
    args.years = args.years or 10
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
