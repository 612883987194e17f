"""``wijkmonitor build``: load, compute, generate the pages, run the site build, swap it in.

The build is atomic: everything happens in a temporary directory next to the target
and the finished site replaces the old one in one rename. A failed or interrupted
build leaves the previous site as it was.

The build is deterministic: the same inputs give the same bytes. Nothing depends on
the clock unless ``SOURCE_DATE_EPOCH`` is set (reproducible-builds.org): then the
sitemap dates its pages and every file of the site gets that modification time, so an
archive of the site is reproducible too.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.output import write_results
from wijkmonitor.website.assets import site_assets, theme_overrides
from wijkmonitor.website.generate import SitePlan, plan
from wijkmonitor.website.mkdocs_build import (
    ASSET_DIR,
    merged_config,
    read_site_config,
    run_build,
)

SITE_SRC = "site_src"
MARKER = ".wijkmonitor-site"  # marks a directory this command may replace


class Reporter(Protocol):
    def stage(self, description: str, total: int | None = None) -> None: ...
    def advance(self) -> None: ...


class _Silent:
    def stage(self, description: str, total: int | None = None) -> None:
        pass

    def advance(self) -> None:
        pass


@dataclass(frozen=True)
class BuildSummary:
    pages: int
    seconds: float
    site_dir: Path


class TargetError(Exception):
    """The site directory is not one this command may replace."""


class BuildSettingError(TargetError):
    """The environment asks for something the build cannot do."""


def _check_target(monitor_dir: Path, target: Path) -> None:
    resolved, root = target.resolve(), monitor_dir.resolve()
    if resolved == root or resolved in root.parents or resolved == (root / SITE_SRC):
        raise TargetError(
            f"{target}: refusing to replace the monitor or a directory that contains it"
        )
    if target.exists() and (
        not target.is_dir() or (any(target.iterdir()) and not (target / MARKER).exists())
    ):
        raise TargetError(
            f"{target}: exists and is not a site built by wijkmonitor; choose another --site-dir"
        )


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8", newline="\n")


# Set just before the worker processes fork, so they inherit the jobs (and the results
# they close over) without pickling them.
_FORKED_JOBS: tuple[list, Path] | None = None
PARALLEL_FROM = 200  # pages; below this, starting workers costs more than it saves


def _write_page(index: int) -> None:
    jobs, docs = _FORKED_JOBS
    page = jobs[index]()
    _write(docs / page.path, page.markdown)


def _write_pages(jobs: list, docs: Path, advance: Callable[[], None]) -> None:
    """Generate and write the pages, on every core when there are many."""
    global _FORKED_JOBS
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) < PARALLEL_FROM or workers < 2 or "fork" not in mp.get_all_start_methods():
        for job in jobs:
            page = job()
            _write(docs / page.path, page.markdown)
            advance()
        return
    _FORKED_JOBS = (jobs, docs)
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            for _ in pool.imap_unordered(_write_page, range(len(jobs)), chunksize=8):
                advance()
    finally:
        _FORKED_JOBS = None


def write_docs(site_plan: SitePlan, docs: Path, advance: Callable[[], None]) -> int:
    """Write every generated page and file into the docs tree; return the page count."""
    _write_pages(site_plan.jobs, docs, advance)
    for path, text in site_plan.texts.items():
        _write(docs / path, text)
    for path, source in site_plan.copies.items():
        _write(docs / path, source.read_bytes())
    for name, text in site_assets().items():
        _write(docs / ASSET_DIR / name, text)
    write_results(site_plan.results, docs / "downloads")
    return len(site_plan.jobs)


def copy_site_src(source: Path, docs: Path, overrides: Path) -> None:
    """Hand-written pages and assets over the generated ones; theme overrides apart."""
    shutil.copytree(theme_overrides(), overrides)
    if not source.is_dir():
        return
    for path in sorted(source.rglob("*")):
        if path.is_dir():
            continue
        relative = path.relative_to(source)
        if relative.parts[0] == "overrides":
            _write(overrides / relative.relative_to("overrides"), path.read_bytes())
        else:
            _write(docs / relative, path.read_bytes())


def source_date_epoch() -> int | None:
    """The build time fixed by the environment (``SOURCE_DATE_EPOCH``), if any."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise BuildSettingError(
            f"SOURCE_DATE_EPOCH: {value!r} is not allowed; use whole seconds since "
            "1970-01-01 UTC (e.g. 1700000000) or unset it"
        )
    return int(value)


def stamp_times(site: Path, epoch: int) -> None:
    """Give every file and directory of the site the same modification time."""
    for path in sorted(site.rglob("*"), reverse=True):  # children before their directory
        os.utime(path, (epoch, epoch), follow_symlinks=False)
    os.utime(site, (epoch, epoch))


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def swap_into_place(new: Path, target: Path, work: Path) -> None:
    """Put the finished site at ``target``; the old one (if any) ends up inside ``work``."""
    if not target.exists():
        os.rename(new, target)
    elif not _exchange(new, target):
        old = work / "old-site"
        os.rename(target, old)
        os.rename(new, target)


def build_site(
    monitor_dir: Path, site_dir: Path | None = None, reporter: Reporter | None = None
) -> BuildSummary:
    """Build the monitor's site into ``site_dir`` (default: <monitor>/site)."""
    started = time.perf_counter()
    reporter = reporter or _Silent()
    monitor_dir = Path(monitor_dir)
    target = Path(site_dir) if site_dir is not None else monitor_dir / "site"
    _check_target(monitor_dir, target)
    epoch = source_date_epoch()
    reporter.stage("loading and computing")
    monitor = load_monitor(monitor_dir)
    results = compute_results(monitor)
    site_plan = plan(results, repo_url=monitor.config.repo_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        docs, out, overrides = work / "docs", work / "site", work / "overrides"
        reporter.stage("writing pages", len(site_plan.jobs))
        pages = write_docs(site_plan, docs, reporter.advance)
        copy_site_src(monitor_dir / SITE_SRC, docs, overrides)
        config = merged_config(
            read_site_config(monitor_dir / "mkdocs.yml"),
            title=monitor.title,
            docs_dir=docs,
            site_dir=out,
            overrides_dir=overrides,
            nav=site_plan.nav,
            synthetic=monitor.synthetic,
        )
        if epoch is not None:  # the sitemap's <lastmod>; without it the site has no dates
            day = datetime.fromtimestamp(epoch, UTC).date().isoformat()
            config["extra"] = {**config["extra"], "wijkmonitor_build_date": day}
        reporter.stage("rendering site", pages)
        run_build(config, monitor_dir / "mkdocs.yml", reporter.advance)
        (out / MARKER).write_text("built by wijkmonitor; may be replaced by the next build\n")
        if epoch is not None:
            stamp_times(out, epoch)
        swap_into_place(out, target, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BuildSummary(pages, time.perf_counter() - started, target)
