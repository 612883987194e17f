"""Benchmark: `wijkmonitor build` against a bare mkdocs-material build of as many pages.

Usage: python benchmarks/site_scale.py [--sizes 250 1000 2000 4000] [--indicators 10]
       python benchmarks/site_scale.py --national 3300 [--indicators 10]

With ``--national W`` it builds instead a national monitor (wijkmonitor/demo/national.py)
of W wijken, W/9.3 gemeenten and about 4 buurten per wijk (3,300 wijken: the Netherlands,
~17,000 pages), where settings.area_pages gives every wijk and buurt a page (issue 12),
and prints seconds, ms per page and peak memory of `wijkmonitor build`, a bare
mkdocs-material build of the same shape (pages per folder, an index per folder, none in
the navigation one by one), their ratio, and `wijkmonitor build` again after one
indicator's definition changed, after its title changed and after one figure of the
data changed (issue 13: the rebuilds take the pages whose inputs are unchanged from the
previous build). `make bench` runs it for about 1,000, 4,000 and 17,000 pages.

For each size N it generates a seeded synthetic monitor with N wijken that are focus
areas (one /wijk/ page each), N/10 gemeenten, 10 indicators and 6 years, every wijk
compared with its gemeente. It times the whole `wijkmonitor build` (check, compute,
pages, mkdocs) in a child process and measures that process's peak memory (RSS).
In the same run it builds a bare mkdocs-material site with the same number of pages
of similar size (a title, a paragraph, a small table), the same theme features and
the search plugin, and the same navigation shape (section index pages; area pages not
listed one by one), and prints the ratio of the two times.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from wijkmonitor.demo.national import write_monitor

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Runs a command and reports its wall time, the peak RSS of its largest process and the
# peak memory of the whole process tree: the sum of PSS (each page shared by forked
# workers counted once, in shares), sampled every 0.2 s.
MEASURE = """
import json, resource, subprocess, sys, threading, time
import psutil
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
peak_total = 0
def sample():
    global peak_total
    root = psutil.Process(child.pid)
    while child.poll() is None:
        total = 0
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            break
        for process in tree:
            try:
                total += process.memory_full_info().pss
            except psutil.Error:
                pass
        peak_total = max(peak_total, total)
        time.sleep(0.2)
sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
out, err = child.communicate()
seconds = time.perf_counter() - start
sampler.join()
if child.returncode:
    sys.stderr.write(out + err)
    raise SystemExit(child.returncode)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
lines = out.strip().splitlines()  # wijkmonitor build's summary: its last line
said = lines[-1] if lines else ""
print(json.dumps({"seconds": seconds, "peak_mb": peak, "total_mb": peak_total / 2**20, "said": said}))
"""

BARE_PAGE = """\
# Pagina {n}

Een alinea tekst zoals op een gebiedspagina: dit gebied wordt vergeleken met het
gemiddelde van zijn gemeente, per jaar en per indicator. Pagina {n} van {total}.

| jaar | gebied | gemeente | afwijking |
|---|---|---|---|
| 2019 | 12,3 | 10,1 | 21,8 |
| 2020 | 12,0 | 10,3 | 16,5 |
| 2021 | 11,7 | 10,2 | 14,7 |
"""


def measure(command: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=False
    )
    if out.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{out.stderr}")
    return json.loads(out.stdout)


def bare_site(root: Path, n_pages: int) -> Path:
    """A plain mkdocs-material site of ``n_pages`` pages with our theme features."""
    docs = root / "docs"
    (docs / "gebied").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\nEen kale site ter vergelijking.\n")
    (docs / "gebied/index.md").write_text("# Gebieden\n\nAlle gebieden.\n")
    for n in range(n_pages - 2):
        (docs / f"gebied/p{n:05d}.md").write_text(BARE_PAGE.format(n=n, total=n_pages))
    _bare_config(root, [{"Home": "index.md"}, {"Gebieden": "gebied/index.md"}])
    return root


def _bare_config(root: Path, nav: list, **more: object) -> None:
    """mkdocs.yml of a bare site: our theme features, plugins and extensions, no more."""
    site = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    config = {
        "site_name": "Kale site",
        "theme": site["theme"],
        "plugins": site["plugins"],
        "markdown_extensions": site["markdown_extensions"],
        "use_directory_urls": True,
        "nav": nav,
        **more,
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config))


def count_pages(site_dir: Path) -> int:
    return sum(1 for p in site_dir.rglob("index.html") if "assets" not in p.parts)


def bare_national(root: Path, shape: dict[str, int]) -> Path:
    """A plain mkdocs-material site of the national site's shape: per folder (gemeente,
    wijk, buurt, ...) an index page and as many pages as ours has there, none listed in
    the navigation one by one."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\nEen kale site ter vergelijking.\n")
    nav: list = [{"Home": "index.md"}]
    total = sum(shape.values()) + 1
    for folder, n_pages in sorted(shape.items()):
        (docs / folder).mkdir()
        (docs / folder / "index.md").write_text(f"# {folder}\n\nAlle pagina's.\n")
        nav.append({folder: f"{folder}/index.md"})
        for n in range(n_pages - 1):
            page = BARE_PAGE.format(n=n, total=total)
            (docs / folder / f"p{n:05d}.md").write_text(page)
    _bare_config(root, nav, not_in_nav="/*/p*.md")
    return root


def site_shape(site_dir: Path) -> dict[str, int]:
    """Pages per top folder of a built site (the home page aside)."""
    shape: dict[str, int] = {}
    for page in site_dir.rglob("index.html"):
        parts = page.relative_to(site_dir).parts
        if len(parts) > 1 and parts[0] not in ("assets", "search"):
            shape[parts[0]] = shape.get(parts[0], 0) + 1
    return shape


def national_monitor(root: Path, n_wijken: int, n_indicators: int = 10, n_years: int = 6) -> Path:
    """A seeded national monitor (wijkmonitor/demo/national.py) of ``n_wijken`` wijken,
    W/9.3 gemeenten and ~3.9 buurten per wijk, with a page for every gemeente, wijk and
    buurt (settings.area_pages) and this project's site settings without its pages."""
    monitor = write_monitor(
        root,
        n_gemeenten=max(1, round(n_wijken / 9.3)),
        n_wijken=n_wijken,
        n_buurten=round(n_wijken * 13000 / 3300),
        n_indicators=n_indicators,
        years=range(2019 - n_years + 1, 2020),
        area_pages=("wijk", "buurt"),
        site_config=ROOT / "mkdocs.yml",
    )
    return monitor


def _edit_indicator(monitor: Path, old: str, new: str) -> None:
    indicator = sorted((monitor / "indicators").glob("*.yml"))[0]
    text = indicator.read_text()  # title: Synthetische indicator 0, definition: Synthetisch
    indicator.write_text(text.replace(old, new, 1))


def _edit_figure(monitor: Path) -> None:
    """One figure of the data: the last row's (a buurt's count) one more."""
    data = monitor / "data" / "synthetic.csv"
    lines = data.read_text().splitlines(keepends=True)
    region, period, variable, value = lines[-1].rstrip("\n").split(",")
    lines[-1] = f"{region},{period},{variable},{int(value) + 1}\n"
    data.write_text("".join(lines))


# The rebuilds after one change, as a publisher or an indicator author makes them:
# a text only the indicator's own page shows, a title every region page shows, a figure.
CHANGES = {
    "definition": lambda m: _edit_indicator(m, "\ndefinition: ", "\ndefinition: Gewijzigd. "),
    "title": lambda m: _edit_indicator(m, "\ntitle: ", "\ntitle: Gewijzigde "),
    "figure": _edit_figure,
}


def national(sizes: list[int], n_indicators: int, n_years: int) -> None:
    """Build national monitors with a page for every gemeente, wijk and buurt; then a
    bare mkdocs-material site of the same shape, and our build again after each of
    ``CHANGES`` (the pages of the previous build it may take: page_store.py)."""
    wijkmonitor = str(Path(sys.executable).with_name("wijkmonitor"))
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    rows = []
    with tempfile.TemporaryDirectory(prefix="wijkmonitor-bench-national-") as tmp:
        for n_wijken in sizes:
            monitor = national_monitor(
                Path(tmp) / f"national-{n_wijken}", n_wijken, n_indicators, n_years
            )
            site_dir = Path(tmp) / f"site-{n_wijken}"
            build = [wijkmonitor, "build", str(monitor), "--site-dir", str(site_dir)]
            ours = measure(build)
            pages = count_pages(site_dir)
            bare = bare_national(Path(tmp) / f"bare-{n_wijken}", site_shape(site_dir))
            theirs = measure([mkdocs, "build", "-q", "-f", str(bare / "mkdocs.yml")])
            again = {}
            for change, edit in CHANGES.items():
                edit(monitor)
                rebuild = measure(build)
                again[change] = rebuild["seconds"]
                # "11 of 16676 pages made (16665 unchanged, reused) in ..."
                made = rebuild["said"].split(" in ")[0]
                print(f"    {change} changed: {rebuild['seconds']:.1f} s, {made}", flush=True)
            rows.append((n_wijken, pages, ours, theirs, again))
            rebuilt = "  ".join(f"{c} changed {s:5.1f} s" for c, s in again.items())
            print(
                f"{n_wijken:>6} wijken {pages:>6} pages  {ours['seconds']:7.1f} s "
                f"{1000 * ours['seconds'] / pages:6.1f} ms/page  bare {theirs['seconds']:6.1f} s "
                f"ratio {ours['seconds'] / theirs['seconds']:.2f}  {rebuilt}  "
                f"peak {ours['peak_mb']:6.0f} MB (one process), "
                f"{ours['total_mb']:6.0f} MB (all processes, PSS)",
                flush=True,
            )
            shutil.rmtree(site_dir)
            shutil.rmtree(bare)
    print()
    print(
        "| wijken | pages | build (s) | ms/page | bare mkdocs (s) | ratio "
        "| definition changed (s) | title changed (s) | one figure changed (s) "
        "| peak RSS, one process (MB) | peak, all (MB) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n_wijken, pages, ours, theirs, again in rows:
        print(
            f"| {n_wijken:,} | {pages:,} | {ours['seconds']:.1f} | "
            f"{1000 * ours['seconds'] / pages:.1f} | {theirs['seconds']:.1f} | "
            f"{ours['seconds'] / theirs['seconds']:.2f} | "
            + " | ".join(f"{again[c]:.1f}" for c in CHANGES)
            + f" | {ours['peak_mb']:,.0f} | {ours['total_mb']:,.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 1000, 2000, 4000])
    parser.add_argument("--indicators", type=int, default=10)
    parser.add_argument("--years", type=int, default=6)
    parser.add_argument("--national", type=int, nargs="+", metavar="WIJKEN", default=[])
    args = parser.parse_args()
    if args.national:
        national(args.national, args.indicators, args.years)
        return
    wijkmonitor = str(Path(sys.executable).with_name("wijkmonitor"))
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    rows = []
    with tempfile.TemporaryDirectory(prefix="wijkmonitor-bench-site-") as tmp:
        for size in args.sizes:
            monitor = write_monitor(
                Path(tmp) / f"monitor-{size}",
                n_gemeenten=max(1, size // 10),
                n_wijken=size,
                n_buurten=0,
                n_indicators=args.indicators,
                years=range(2019 - args.years + 1, 2020),
                focus_areas=size,
                site_config=ROOT / "mkdocs.yml",  # without the default monitor's own pages
            )
            site_dir = Path(tmp) / f"site-{size}"
            ours = measure([wijkmonitor, "build", str(monitor), "--site-dir", str(site_dir)])
            pages = count_pages(site_dir)
            bare = bare_site(Path(tmp) / f"bare-{size}", pages)
            theirs = measure([mkdocs, "build", "-q", "-f", str(bare / "mkdocs.yml")])
            rows.append((size, pages, ours, theirs))
            print(
                f"{size:>6} areas {pages:>6} pages  wijkmonitor {ours['seconds']:7.1f} s "
                f"{1000 * ours['seconds'] / pages:6.1f} ms/page  peak {ours['peak_mb']:6.0f} MB  "
                f"bare {theirs['seconds']:6.1f} s  ratio {ours['seconds'] / theirs['seconds']:.2f}",
                flush=True,
            )
            shutil.rmtree(site_dir)
    print()
    print("| area pages | pages | build (s) | ms/page | bare mkdocs (s) | ratio | peak RSS (MB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size, pages, ours, theirs in rows:
        print(
            f"| {size:,} | {pages:,} | {ours['seconds']:.1f} | "
            f"{1000 * ours['seconds'] / pages:.1f} | {theirs['seconds']:.1f} | "
            f"{ours['seconds'] / theirs['seconds']:.2f} | {ours['peak_mb']:,.0f} |"
        )


if __name__ == "__main__":
    main()
