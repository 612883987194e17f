"""Benchmark: making the region pages' Markdown, in this process, per page.

Usage: python benchmarks/page_speed.py [MONITOR] [--national 3300] [--pages 2000]
                                       [--runs 3] [--profile]

Making the region pages' Markdown is about half of the CPU time of a national build,
and what a rebuild after a changed figure spends most of its time on (every region
page is made again to find those that changed: README, "Speed"). This times
``--pages`` region pages, spread evenly over all of them, ``--runs`` times, and prints
the milliseconds per page and a digest of their Markdown, so a change meant to make
them faster can show it made the same pages. Without MONITOR it generates, in a
temporary directory, the national monitor of ``site_scale.py --national W``.
``--profile`` adds a cProfile of one more run (top 25 by own time).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import pstats
import sys
import tempfile
import time
from pathlib import Path

from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.website.charts import make_templates
from wijkmonitor.website.generate import REGION_PAGES, PageJob, plan


def region_jobs(monitor_dir: Path) -> list[PageJob]:
    """The region pages' jobs of a monitor, with what they read arranged beforehand."""
    site_plan = plan(compute_results(load_monitor(monitor_dir)))
    make_templates()
    site_plan.data.prepare_region_pages()
    return [job for job in site_plan.jobs if job.reads == REGION_PAGES]


def measure(jobs: list[PageJob], n_pages: int, runs: int, profile: bool) -> None:
    sample = jobs[:: max(1, len(jobs) // n_pages)][:n_pages]
    for run in range(runs):
        started = time.perf_counter()
        pages = [job.markdown() for job in sample]
        seconds = time.perf_counter() - started
        text = "\0".join(pages).encode()
        print(
            f"run {run + 1}: {len(sample)} of {len(jobs)} region pages in {seconds:.2f} s, "
            f"{1000 * seconds / len(sample):.2f} ms a page, {len(text) // len(sample):,} "
            f"bytes a page, sha256 {hashlib.sha256(text).hexdigest()[:16]}",
            flush=True,
        )
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [job.markdown() for job in sample])
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("monitor", nargs="?", type=Path, help="a monitor directory")
    parser.add_argument("--national", type=int, default=3300, metavar="WIJKEN")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if args.monitor is not None:
        measure(region_jobs(args.monitor), args.pages, args.runs, args.profile)
        return
    sys.path.insert(0, str(Path(__file__).parent))
    from site_scale import national_monitor

    with tempfile.TemporaryDirectory(prefix="wijkmonitor-bench-pages-") as tmp:
        monitor = national_monitor(Path(tmp) / "national", args.national)
        measure(region_jobs(monitor), args.pages, args.runs, args.profile)


if __name__ == "__main__":
    main()
