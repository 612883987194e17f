"""Benchmark: seconds per PDF profile (``wijkmonitor build --pdf``), and the national size
extrapolated from it.

Usage: python benchmarks/pdf_profiles.py [--areas 200] [--indicators 34]

It generates a seeded synthetic monitor with N wijken that are focus areas (each one a
profile) and the given number of indicators (the demo has 34), computes it, and times
the PDF step alone (website/build.py ``write_profiles``: HTML, charts to SVG with
vl-convert, PDF with WeasyPrint) on every core the build uses. National size is then an
extrapolation, stated as such: seconds per PDF x 17,000 areas, with the same cores.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.demo.national import write_monitor
from wijkmonitor.website.build import write_profiles
from wijkmonitor.website.sitedata import site_data

NATIONAL_AREAS = 17_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=200)
    parser.add_argument("--indicators", type=int, default=34)
    parser.add_argument("--years", type=int, default=6)
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    with tempfile.TemporaryDirectory(prefix="wijkmonitor-bench-pdf-") as tmp:
        monitor = write_monitor(
            Path(tmp) / "monitor",
            n_gemeenten=max(1, args.areas // 10),
            n_wijken=args.areas,
            n_buurten=0,
            n_indicators=args.indicators,
            years=range(2019 - args.years + 1, 2020),
            focus_areas=args.areas,
        )
        site = site_data(compute_results(load_monitor(monitor)))
        docs = Path(tmp) / "docs"
        started = time.perf_counter()
        count = write_profiles(site, docs, int(os.environ["SOURCE_DATE_EPOCH"]), lambda: None)
        seconds = time.perf_counter() - started
        files = sorted((docs / "downloads/profiel").glob("*.pdf"))
        size = sum(f.stat().st_size for f in files) / max(1, len(files))
    per_pdf = seconds / count
    cores = min(os.cpu_count() or 1, 4)
    print(
        f"{count} profiles ({args.indicators} indicators) in {seconds:.1f} s on {cores} "
        f"cores: {per_pdf:.2f} s per PDF (wall), {size / 1024:.0f} KB per PDF"
    )
    print(
        f"national size, extrapolated: {NATIONAL_AREAS:,} profiles x {per_pdf:.2f} s = "
        f"{NATIONAL_AREAS * per_pdf / 3600:.1f} h on the same {cores} cores"
    )


if __name__ == "__main__":
    main()
