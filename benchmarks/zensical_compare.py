"""Benchmark: Zensical against mkdocs-material, on a bare site and on our pages (issue 13).

Usage: python benchmarks/zensical_compare.py --zensical PATH [--national 800]

Zensical (by the makers of Material for MkDocs, its successor) reads ``mkdocs.yml``. For a
national monitor of W wijken (as in site_scale.py --national) this prints the seconds and
peak memory of:

- ``wijkmonitor build`` (our whole build: check, compute, pages, mkdocs);
- a bare site of the same shape (site_scale.bare_national) built by mkdocs-material, and
  by Zensical cold (no cache), warm (its cache of the cold build, nothing changed) and
  after one page changed;
- the Markdown our build hands mkdocs (every page written out, with the mkdocs.yml the
  build merges) built by Zensical cold and warm, with benchmarks/zensical_stash.py, which
  gives Python-Markdown the pages' finished HTML blocks as our mkdocs adapter does. Our
  theme overrides are left out (the sitemap template is mkdocs' own), so this times what
  Zensical does with our pages, not a site we would publish.

``PATH`` is a Zensical executable (``make bench`` installs one in ``.venv-zensical``).
Zensical 0.1.x needs the package zensical-ui, which the package registry this project
is built from does not carry; 0.0.73 is the last release with the theme inside.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from site_scale import bare_national, count_pages, measure, national_monitor, site_shape

from wijkmonitor.website import build as site_build

HERE = Path(__file__).resolve().parent


class _Written(Exception):
    pass


def write_docs(monitor: Path, dest: Path) -> Path:
    """The docs tree and mkdocs.yml a ``wijkmonitor build`` hands mkdocs, under ``dest``:
    the build's own path for sites with other plugins (pages written first), stopped
    before mkdocs runs."""

    def keep(config: dict, *args: object, **kwargs: object) -> None:
        work = Path(config["docs_dir"]).parent
        shutil.copytree(work / "docs", dest / "docs")
        plain = json.loads(json.dumps(config, default=str))  # Markup -> str
        plain.update(docs_dir="docs", site_dir="site")
        plain["theme"].pop("custom_dir", None)
        plain["markdown_extensions"].append("zensical_stash")
        (dest / "mkdocs.yml").write_text(yaml.safe_dump(plain, allow_unicode=True))
        raise _Written

    generates, run_build = site_build.generates_pages, site_build.run_build
    site_build.generates_pages, site_build.run_build = (lambda config: False), keep
    try:
        site_build.build_site(monitor, dest / "unused-site")
    except _Written:
        return dest
    finally:
        site_build.generates_pages, site_build.run_build = generates, run_build
    raise RuntimeError("the build finished without handing its pages over")


def zensical(exe: str, config: Path, clean: bool = False) -> dict:
    command = [exe, "build", "-f", str(config), *(["--clean"] if clean else [])]
    return measure(command)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zensical", required=True, help="a Zensical executable")
    parser.add_argument("--national", type=int, default=800, metavar="WIJKEN")
    args = parser.parse_args()
    version = subprocess.run([args.zensical, "--version"], capture_output=True, text=True)
    print(f"Zensical: {version.stdout.strip() or version.stderr.strip()}")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(HERE), os.environ.get("PYTHONPATH", "")) if p
    )
    wijkmonitor = str(Path(sys.executable).with_name("wijkmonitor"))
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    n = args.national
    rows: list[tuple[str, dict]] = []

    def row(label: str, figures: dict) -> None:
        rows.append((label, figures))
        print(f"{label:<48} {figures['seconds']:7.1f} s  {figures['peak_mb']:6.0f} MB", flush=True)

    with tempfile.TemporaryDirectory(prefix="wijkmonitor-bench-zensical-") as tmp:
        monitor = national_monitor(Path(tmp) / "monitor", n)
        site_dir = Path(tmp) / "site"
        row(
            "wijkmonitor build",
            measure([wijkmonitor, "build", str(monitor), "--site-dir", str(site_dir)]),
        )
        pages = count_pages(site_dir)
        print(f"{pages:,} pages")

        bare = bare_national(Path(tmp) / "bare", site_shape(site_dir))
        row(
            "bare site: mkdocs build",
            measure([mkdocs, "build", "-q", "-f", str(bare / "mkdocs.yml")]),
        )
        row("bare site: zensical build, cold", zensical(args.zensical, bare / "mkdocs.yml", True))
        row("bare site: zensical build, warm", zensical(args.zensical, bare / "mkdocs.yml"))
        page = sorted((bare / "docs").rglob("p*.md"))[0]
        page.write_text(page.read_text() + "\nEen regel meer.\n")
        row(
            "bare site: zensical build, one page changed",
            zensical(args.zensical, bare / "mkdocs.yml"),
        )

        ours = write_docs(monitor, Path(tmp) / "ours")
        row("our pages: zensical build, cold", zensical(args.zensical, ours / "mkdocs.yml", True))
        row("our pages: zensical build, warm", zensical(args.zensical, ours / "mkdocs.yml"))
        built = count_pages(ours / "site")
        if built != pages:
            raise SystemExit(f"Zensical built {built} pages of our {pages}")

    print()
    print(f"| {pages:,} pages | seconds | peak RSS (MB) |")
    print("|---|---:|---:|")
    for label, figures in rows:
        print(f"| {label} | {figures['seconds']:.1f} | {figures['peak_mb']:,.0f} |")


if __name__ == "__main__":
    main()
