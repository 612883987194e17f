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

import contextlib
import ctypes
import gc
import json
import multiprocessing as mp
import os
import posixpath
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path
from typing import Protocol

from wijkmonitor.core.atomic import (
    OWNER,
    WRITE_ERRORS,
    located,
    naming,
    owned_name,
    remove_stale,
    replacing,
)
from wijkmonitor.core.compute import Results, compute_results
from wijkmonitor.core.inputfiles import input_tree, read_input
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.output import write_results
from wijkmonitor.core.problems import Problem, ProblemsError
from wijkmonitor.entry import raise_pending
from wijkmonitor.environment import source_date_epoch
from wijkmonitor.forked_workers import ForkedWorkers, can_fork, running, worker_count
from wijkmonitor.website import addresses as addr
from wijkmonitor.website import site_folders
from wijkmonitor.website.assets import site_assets, theme_overrides
from wijkmonitor.website.charts import make_templates
from wijkmonitor.website.generate import (
    REGION_PAGES,
    REGION_PAGES_SKIP,
    PageJob,
    SitePlan,
    plan,
)
from wijkmonitor.website.mkdocs_build import (
    ASSET_DIR,
    GeneratedPage,
    TemplateError,
    generates_pages,
    merged_config,
    read_site_config,
    run_build,
)
from wijkmonitor.website.page_frame import SYNTHETIC_NOTICE
from wijkmonitor.website.page_keys import (
    ResultsKeys,
    cluster_digests,
    digest,
    page_key,
    results_keys,
)
from wijkmonitor.website.page_store import (
    CACHE_DIR,
    KeptPage,
    PageStore,
    forget,
    link_previous,
    manifest_path,
)
from wijkmonitor.website.sitedata import SiteData
from wijkmonitor.worker_signals import leave_signals_to_parent

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
    # The monitor's and the site's warnings (core.problems.Problem, warning=True), to print.
    warnings: tuple = ()
    profiles: int = 0  # PDF profiles in the site (build --pdf)
    reused: int = 0  # pages taken unchanged from the previous build (page_store.py)
    profiles_reused: int = 0  # PDF profiles taken unchanged from the previous build


class TargetError(ProblemsError):
    """The site directory is not one this command may replace (or write into)."""

    def __init__(self, target: Path, message: str):
        super().__init__([Problem(str(target), None, "--site-dir", message)])


# What a build reads from the monitor directory. A site directory inside one of these
# would be read back by the next build (site_src/ is copied into the site: every build
# would copy the previous site into itself) or shadow the monitor's own files.
INPUTS = (SITE_SRC, "data", "indicators", "monitor.yml", "areas.yml", "mkdocs.yml")


def check_site_dir(monitor_dir: Path, site_dir: Path) -> None:
    """Refuse a site directory that a build must not replace or write into: a file, the
    monitor directory or one containing it, a directory inside the monitor's inputs, or
    a directory of something else. The one rule for ``build`` and ``serve``; raises a
    TargetError naming both paths."""
    monitor_dir, target = Path(monitor_dir), Path(site_dir)
    resolved, root = target.resolve(), monitor_dir.resolve()
    default = monitor_dir / "site"
    if resolved == root or resolved in root.parents:
        relation = "is" if resolved == root else "contains"
        raise TargetError(
            target,
            f"{relation} the monitor directory {monitor_dir}, and a build replaces the whole "
            f"site directory; choose a directory of its own (default: {default})",
        )
    for name in INPUTS:
        source = root / name
        if resolved == source or source in resolved.parents:
            relation = "is" if resolved == source else "is inside"
            shown = f"{monitor_dir / name}{'' if '.' in name else '/'}"
            raise TargetError(
                target,
                f"{relation} {shown}, an input of the build (the next build would read the "
                f"site back in, or copy it into itself); choose a directory outside "
                f"{', '.join(n if '.' in n else n + '/' for n in INPUTS)} (default: {default})",
            )
    if target.is_symlink() and not target.exists():
        raise TargetError(target, "is a symbolic link to nothing; remove it or choose another")
    if target.exists() and not target.is_dir():
        raise TargetError(
            target, f"is a file, not a directory; choose a directory (default: {default})"
        )
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).exists():
        raise TargetError(
            target,
            f"exists and is not a site built by wijkmonitor (it has no {MARKER}); "
            "choose a new or empty directory",
        )


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with naming(path):  # a full disk fails in write(), which names no file
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8", newline="\n")


PARALLEL_FROM = 200  # pages; below this, starting workers costs more than it saves


def _write_pages(jobs: list, docs: Path, advance: Callable[[], None]) -> None:
    """Generate and write the pages, on every core when there are many."""

    def write(index: int) -> None:
        page = jobs[index]()
        _write(docs / page.path, page.markdown)

    workers = worker_count()
    if len(jobs) < PARALLEL_FROM or workers < 2 or not can_fork():
        for index in range(len(jobs)):
            write(index)
            advance()
        return
    pool = ForkedWorkers(list(range(len(jobs))), write, lambda _: advance(), workers)
    with running(pool):
        pool.poll(block=True)


# PDF profiles (profile_pdf.py) are rendered in processes started with "spawn": vl-convert
# converts on threads of its own, which a forked child lacks (a conversion in the fork of a
# process that has converted before never returns). A spawned worker takes about a second
# to start, and the jobs travel to it as plain data, a batch at a time, so a national
# build never holds every profile's HTML at once.
PDF_PARALLEL_FROM = 8  # profiles
PDF_BATCH = 64  # profiles per worker handed out at a time


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def write_profiles(
    site: SiteData,
    docs: Path,
    epoch: int | None,
    advance: Callable[[], None],
    store: PageStore | None = None,
    page_keys: Mapping[str, str] | None = None,
) -> int:
    """Render the PDF profile of every area page into the docs tree (on every core when
    there are many); return how many it rendered. With a ``store``, a profile whose area
    page's key (``page_keys``: docs path -> key) and renderers are the previous build's
    is taken from the previous site instead."""
    from wijkmonitor.website.profile_pdf import profile_jobs, render_profile

    codes = site.area_codes
    if store is not None and page_keys:
        codes = _taken_profiles(site, docs, epoch, store, page_keys, advance)
    jobs = profile_jobs(site, epoch, codes)
    workers = worker_count()
    if len(codes) < PDF_PARALLEL_FROM or workers < 2:
        for job in jobs:
            _write(docs / job.path, render_profile(job))
            advance()
        return len(codes)
    with mp.get_context("spawn").Pool(workers, initializer=leave_signals_to_parent) as pool:
        for batch in _batches(jobs, PDF_BATCH * workers):
            for job, pdf in zip(batch, pool.imap(render_profile, batch), strict=True):
                _write(docs / job.path, pdf)
                advance()
    return len(codes)


def _taken_profiles(
    site: SiteData,
    docs: Path,
    epoch: int | None,
    store: PageStore,
    page_keys: Mapping[str, str],
    advance: Callable[[], None],
) -> list[str]:
    """Link into the docs tree the previous site's profiles that are made of the same
    (their page's key, the renderers, the epoch: the PDF's dates); return the areas whose
    profile must be rendered. Every profile with a key is recorded for the next build."""
    from wijkmonitor.website.profile_pdf import renderer_parts

    renderers = digest(*renderer_parts())
    todo = []
    for code in site.area_codes:
        path = addr.profile_pdf(code)
        page = page_keys.get(site.page_of(code), "")
        key = digest("pdf profile", page, renderers, str(epoch)) if page else ""
        found = store.reusable(path, path, key) if key else None
        if found is not None:
            (docs / path).parent.mkdir(parents=True, exist_ok=True)
            link_previous(found, str(docs / path))
            advance()
        else:
            todo.append(code)
        if key:
            store.keep(path, KeptPage(key, "", path, [], [], {}, []))
    return todo


def _results_keys(
    results: Results, store: PageStore | None, built: date | None, pdf: bool
) -> ResultsKeys | None:
    """The keys of what the results' pages are made of; none without a store."""
    return results_keys(results, REGION_PAGES_SKIP, built, pdf) if store is not None else None


def _downloads(
    results: Results, docs: Path, store: PageStore | None, keyed: Future[ResultsKeys | None]
) -> None:
    """Write results.csv and changes.csv into the docs tree, or with a store, link the
    previous build's when the results are the same (``keyed``: their keys)."""
    paths = (addr.RESULTS_CSV, addr.CHANGES_CSV)  # where write_results puts them
    folder = docs / posixpath.dirname(addr.RESULTS_CSV)
    keys = keyed.result()
    if store is None or keys is None:
        write_results(results, folder)
        return
    found = [store.reusable(path, path, keys.downloads) for path in paths]
    if all(found):  # the same bytes, without writing 170 MB again
        folder.mkdir(parents=True, exist_ok=True)
        for path, reusable in zip(paths, found, strict=True):
            link_previous(reusable, str(docs / path))
    else:
        write_results(results, folder)
    for path in paths:
        store.keep(path, KeptPage(keys.downloads, "", path, [], [], {}, []))


# The digests of the clusters' figures (page_keys.cluster_digests) for the results of one
# region_pages key: a rebuild whose results did not change (a definition edited) need
# not arrange the spine rows to know them. Safe to delete, like the whole cache.
CLUSTERS_FILE = "region-clusters.json"


def _cached_clusters(path: Path, key: str) -> dict[str, str] | None:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(found, dict) or found.get("key") != key:
        return None
    clusters = found.get("clusters")
    if not isinstance(clusters, dict):
        return None
    if not all(isinstance(c, str) and isinstance(d, str) for c, d in clusters.items()):
        return None
    return clusters


def cluster_keys(site_plan: SitePlan, keys: ResultsKeys, cache_dir: Path) -> dict[str, str]:
    """The key of every cluster of region pages (``generate.region_cluster``): what its
    pages are made of besides their figures (``keys.region_frame``) and its figures."""
    wanted = sorted({job.cluster for job in site_plan.jobs if job.cluster})
    if not wanted:
        return {}
    path = cache_dir / CLUSTERS_FILE
    found = _cached_clusters(path, keys.region_pages)
    if found is None or not set(wanted) <= set(found):
        site, chosen = site_plan.data, set(wanted)
        cluster_of = {r: g for r, g in site.gemeente.items() if g in chosen}
        cluster_of |= {g: g for g in wanted}
        found = cluster_digests(site_plan.results, cluster_of, site.spine_rows())
        with contextlib.suppress(OSError):  # a cache that cannot be written: no cache
            cache_dir.mkdir(exist_ok=True)
            with replacing([path]) as (temporary,):
                text = json.dumps({"key": keys.region_pages, "clusters": found})
                temporary.write_text(text, encoding="utf-8")
    return {c: digest(keys.region_frame, found[c]) for c in wanted}


def job_key(job: PageJob, groups: Mapping[str, str], clusters: Mapping[str, str]) -> str:
    """What the page of ``job`` is made of ("" for a page made every build): its group's
    key (``groups``: ``PageJob.reads`` -> key) or its cluster's (``cluster_keys``), its
    address and what plugins add to it."""
    if job.reads not in groups:
        return ""
    return page_key(clusters.get(job.cluster) or groups[job.reads], job.path, job.extra)


def write_files(site_plan: SitePlan, docs: Path) -> None:
    """Write the generated files besides the pages into the docs tree (the results' CSV
    files are written by build_site, while it plans the pages)."""
    for path, text in site_plan.texts.items():
        _write(docs / path, text)
    for path, source in site_plan.copies.items():
        _write(docs / path, source.read_bytes())
    for name, text in site_assets().items():
        _write(docs / ASSET_DIR / name, text)


# What the theme override main.html of wijkmonitor holds, and a publisher's own
# (site_src/overrides/main.html, which replaces it) must keep for the site's search.
SEARCH_WORKER = b"wijkmonitor-search.js"


def copy_site_src(source: Path, docs: Path, overrides: Path) -> list[Problem]:
    """Hand-written pages and assets over the generated ones; theme overrides apart.
    Return the warnings about them (an own ``main.html`` without the site's search).

    Hidden and editor's files (``.#index.md``, ``index.md~``) are not published; a file
    that is not a regular file or cannot be read is a Problem, never a hang.
    """
    shutil.copytree(theme_overrides(), overrides)
    if os.path.lexists(source) and not source.is_dir():
        message = "is not a directory; site_src/ holds the hand-written pages and assets"
        raise ProblemsError([Problem(SITE_SRC, None, "file", message)])
    problems, warnings = [], []
    for path in input_tree(source):
        relative = path.relative_to(source)
        display = f"{SITE_SRC}/{relative.as_posix()}"
        try:
            data = read_input(path, display)
        except ProblemsError as exc:
            problems += exc.problems
            continue
        if relative.parts[0] == "overrides":
            _write(overrides / relative.relative_to("overrides"), data)
            if relative.as_posix() == "overrides/main.html" and SEARCH_WORKER not in data:
                warnings.append(Problem(display, None, "search", OWN_MAIN, warning=True))
        else:
            _write(docs / relative, data)
    if problems:
        raise ProblemsError(problems)
    return warnings


OWN_MAIN = (
    "replaces wijkmonitor's main.html without its config block, so the site's search "
    "falls back to Material's worker (seconds to a first result on a phone at national "
    "size): copy the config block of wijkmonitor/website/static/overrides/main.html into it"
)


def stamp_times(site: Path, epoch: int) -> None:
    """Give every file and directory of the site the same modification time."""
    times = (epoch, epoch)
    for top, dirs, files in os.walk(site, topdown=False):  # children before their folder
        links = [d for d in dirs if os.path.islink(os.path.join(top, d))]  # not walked
        for name in (*files, *links):
            os.utime(os.path.join(top, name), times, follow_symlinks=False)
        os.utime(top, times, follow_symlinks=False)


_removing: list[threading.Thread] = []  # build directories being removed (remove_later)


def finish_removals() -> None:
    """Wait until the build directories left to threads (``remove_later``) are gone."""
    while _removing:
        _removing.pop().join()


def _remove_links(work: Path, store: PageStore) -> None:
    """Remove from the build directory the other links of the files the manifest is
    about to record: a file's change time changes when one of its links goes, and the
    next build takes a page only if its file's times are as recorded. A taken page's file
    is a link of the old site's (now in ``work``), a download's of its file in the docs
    tree (mkdocs links static files into the site). Nothing else in ``work`` is a link of
    a recorded file; the rest goes with ``_remove_old`` (looking through the 16,700
    folders of a national site here took 0.2-0.3 s of every rebuild)."""
    old = _old_site(work)
    docs = os.path.join(work, "docs")
    for page, file in store.recorded():
        paths = [os.path.join(docs, page)]
        if old is not None:
            paths.append(os.path.join(work, old, file))
        for path in paths:
            with contextlib.suppress(OSError):
                os.unlink(path)


def _release_memory() -> None:
    """Free what is no longer referenced and give the heap's free pages back to the
    system (glibc keeps them otherwise), so they count for mkdocs, not twice."""
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the pages are reused, not returned
        pass


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
        try:
            os.rename(new, target)
        except BaseException:  # a signal or error between the renames: the old site back
            os.rename(old, target)
            raise


def _old_site(work: Path) -> str | None:
    """Where in ``work`` the old site is once the new one is in place (``swap_into_place``:
    exchanged with the new one, or renamed), if there was one."""
    return next((name for name in ("site", "old-site") if (work / name).is_dir()), None)


def _work_pattern(target: Path) -> re.Pattern[str]:
    """The names of build directories beside ``target`` (8 random hex digits after the
    owner; mkdtemp's [a-z0-9_]{8} in builds of older versions), and of the old sites'
    folders they become (``_remove_old``)."""
    name = re.escape(f".{target.name}.")
    return re.compile(name + "(?:tmp|old)-" + OWNER + r"-[a-z0-9_]+")


# From this many pages, the old site is removed, or its folders kept for the next build
# (site_folders.py), after ``build`` returned, by a detached process: removing the 16,700
# folders of a national site took 1.4-1.9 s of its rebuild (git's ``gc --auto`` detaches
# too). Below it, here and now.
LATER_FROM = 2000


def _remove_old(work: Path, target: Path, pages: int, keep_folders: bool, in_thread: bool) -> None:
    """Remove the build directory, which holds the old site once the new one is in place
    (``pages``: how many the site has; 0 if the build failed). ``keep_folders``: a build
    with the page cache put its site in place, so the old site's folders may be kept for
    the next one (emptied of their files first: site_folders.keep). ``in_thread``: a
    preview, whose process goes on: on a thread (``finish_removals`` waits for it)."""
    tree = _old_site(work)
    keep = keep_folders and tree is not None
    if in_thread:
        if keep:
            job, args = site_folders.keep, (work, tree, target)
        else:
            job, args = shutil.rmtree, (work, True)
        thread = threading.Thread(target=job, args=args, name="old-site")
        thread.start()
        _removing[:] = [*(t for t in _removing if t.is_alive()), thread]
        return
    if pages >= LATER_FROM and os.name == "posix":
        # Under another name: not a build's directory, and left by this process, so the
        # next build removes it if the detached process was stopped.
        old = work.with_name(work.name.replace(".tmp-", ".old-", 1))
        try:
            os.rename(work, old)
        except OSError:
            old = work
        if keep and site_folders.keep_later(old, tree, target):
            return
        if site_folders.remove_later(old):
            return
        work = old
    shutil.rmtree(work, ignore_errors=True)


def _published_as(relative: str) -> str:
    """The file of the site a file of the docs tree (a relative POSIX path) becomes: a
    page ``a/b.md`` becomes ``a/b/index.html`` (directory URLs), ``a/index.md``
    ``a/index.html``; others stay. Strings, not paths: a national site has 17,000 pages."""
    stem, suffix = posixpath.splitext(relative)
    if suffix.lower() != ".md":
        return relative
    folder, name = posixpath.split(stem)
    return posixpath.join(folder if name in ("index", "README") else stem, "index.html")


def site_src_conflicts(source: Path, docs: Path, pages: Iterable[str] = ()) -> list[Problem]:
    """A hand-written file that would replace a generated page (in ``docs`` or among the
    ``pages`` to generate), a computed download or an asset of the build: a Problem
    naming both (never a silent replacement)."""
    hand_written = [path.relative_to(source).as_posix() for path in input_tree(source)]
    if not hand_written:
        return []
    generated: dict[str, str] = {}
    for top, _dirs, files in os.walk(docs):
        for name in files:
            relative = Path(top, name).relative_to(docs).as_posix()
            generated[_published_as(relative)] = relative
    generated |= {_published_as(page): page for page in pages}
    problems = []
    for relative in hand_written:
        replaced = generated.get(_published_as(relative))
        if relative.split("/", 1)[0] == "overrides" or replaced is None:
            continue
        if replaced.split("/", 1)[0] == "downloads":
            what = f"the computed download {replaced}"
        elif replaced == "index.md":
            what = "the generated home page (index.md)"
        elif replaced.endswith(".md"):
            what = f"the generated page {posixpath.dirname(_published_as(replaced))}/"
        else:
            what = f"the build's file {replaced}"
        message = f"would replace {what}; give the file another name or folder"
        problems.append(Problem(f"{SITE_SRC}/{relative}", None, "path", message))
    return problems


def _template_problem(monitor_dir: Path, exc: TemplateError) -> ProblemsError:
    """A template of site_src/overrides/ that mkdocs could not compile or render."""
    if not (monitor_dir / SITE_SRC / "overrides" / exc.template).is_file():
        raise exc  # one of our own templates: a bug, not the publisher's
    where = f"{SITE_SRC}/overrides/{exc.template}"
    return ProblemsError([Problem(where, exc.line, "template", exc.message)])


def _site_path(path: Path, work: Path, target: Path) -> Path | None:
    """Where in the finished site a path of the build directory ends up (None: outside)."""
    absolute = Path(os.path.abspath(path))
    for base in (work, work.resolve()):
        if absolute == base:  # the build directory itself (it could not be made)
            return target
        if base not in absolute.parents:
            continue
        parts = absolute.relative_to(base).parts
        if parts[0] == "site":
            return target.joinpath(*parts[1:])
        if parts[0] == "docs" and len(parts) > 1:
            return target / _published_as("/".join(parts[1:]))
        return target
    return None


def _site_error(exc: OSError, work: Path, target: Path) -> OSError:
    """``exc`` naming the file of the site being written, or the site directory."""
    for name in (exc.filename, exc.filename2):
        if isinstance(name, str | bytes):
            where = _site_path(Path(os.fsdecode(name)), work, target)
            if where is not None:
                return located(exc, where)
    if exc.filename is None or exc.errno in WRITE_ERRORS:
        return located(exc, target)
    return exc  # about something else (an input that cannot be read): as it is


def build_site(
    monitor_dir: Path,
    site_dir: Path | None = None,
    reporter: Reporter | None = None,
    pdf: bool = False,
    cache: bool = True,
    remove_later: bool = False,
) -> BuildSummary:
    """Build the monitor's site into ``site_dir`` (default: <monitor>/site); with ``pdf``
    (or the monitor's ``settings.pdf_profiles``) a PDF profile per area page as well.
    With ``cache``, pages whose inputs are unchanged are taken from the previous build of
    the same site directory (``page_store.py``; the result is the same bytes). With
    ``remove_later`` (a preview, whose process goes on), the old site's folders are
    removed on a thread once the new site is in place (``finish_removals`` waits)."""
    started = time.perf_counter()
    reporter = reporter or _Silent()
    monitor_dir = Path(monitor_dir)
    target = Path(site_dir) if site_dir is not None else monitor_dir / "site"
    check_site_dir(monitor_dir, target)
    epoch = source_date_epoch()
    reporter.stage("loading and computing")
    monitor = load_monitor(monitor_dir)
    results = compute_results(monitor)
    pdf = pdf or monitor.config.settings.pdf_profiles
    # The build date pages may print: the epoch's day, never the clock's (deterministic).
    built = datetime.fromtimestamp(epoch, UTC).date() if epoch is not None else None
    target.parent.mkdir(parents=True, exist_ok=True)
    # What a killed build (SIGKILL, a power cut) left beside the site: it cannot clean up.
    remove_stale(target.parent, _work_pattern(target))
    # Absolute: mkdocs takes relative paths in its config as relative to mkdocs.yml.
    # Named before it is made, and made inside the try: the build directory goes however
    # the build ends, even when a Ctrl+C or SIGTERM comes the moment it is made.
    work = (target.parent / owned_name(f".{target.name}.tmp-")).absolute()
    cache_dir = monitor_dir / CACHE_DIR
    store: PageStore | None = None
    swapped = False
    try:
        work.mkdir(mode=0o700)
        store = PageStore.load(cache_dir, target) if cache else None
        # The previous site's folders, kept for this build (site_folders.py).
        folders = site_folders.take(target, work / "folders") if cache else None
        # The monitor, its results and the previous build's manifest live until the pages
        # are planned: frozen, the garbage collector's full collections skip them (they
        # took some 0.8 s of a national rebuild, as every collection walked every object).
        gc.freeze()
        docs, out, overrides = work / "docs", work / "site", work / "overrides"
        # results.csv and changes.csv are written while the pages are planned and their
        # clusters keyed (Arrow's CSV writer lets go of the GIL: 1-1.4 s less at national
        # size), and are done before anything forks (a fork copies only the thread that
        # forks). The block waits for them however it ends.
        with ThreadPoolExecutor(1, thread_name_prefix="downloads") as downloads:
            keyed = downloads.submit(_results_keys, results, store, built, pdf)
            written = downloads.submit(_downloads, results, docs, store, keyed)
            site_plan = plan(
                results, repo_url=monitor.config.repo_url, pdf_profiles=pdf, build_date=built
            )
            keys = keyed.result()
            clusters = cluster_keys(site_plan, keys, cache_dir) if keys is not None else {}
            written.result()
        groups = {REGION_PAGES: keys.region_pages} if keys is not None else {}
        config = merged_config(
            read_site_config(monitor_dir / "mkdocs.yml"),
            title=monitor.title,
            docs_dir=docs,
            site_dir=out,
            overrides_dir=overrides,
            nav=site_plan.nav,
            notice=SYNTHETIC_NOTICE if monitor.synthetic else "",
        )
        pages = len(site_plan.jobs)
        make_templates()  # once here, not once per worker that generates pages
        generated: dict[str, GeneratedPage] = {}
        if generates_pages(config):  # made where they are rendered: no Markdown on disk
            generated = {
                job.path: GeneratedPage(
                    job.in_nav,
                    job.markdown,
                    job_key(job, groups, clusters),
                )
                for job in site_plan.jobs
            }
        else:
            store = None  # pages written as files: made and rendered every build
            site_plan.data.prepare_region_pages()  # before the page writers fork
            reporter.stage("writing pages", pages)
            _write_pages(site_plan.jobs, docs, reporter.advance)
        write_files(site_plan, docs)
        profiles = profiles_reused = 0
        if pdf:  # into the docs tree: a site_src/ file in their place is a conflict too
            reporter.stage("writing PDF profiles", len(site_plan.data.area_codes))
            keys_of_pages = {path: page.key for path, page in generated.items()}
            profiles = len(site_plan.data.area_codes)
            profiles_reused = profiles - write_profiles(
                site_plan.data, docs, epoch, reporter.advance, store, keys_of_pages
            )
        conflicts = site_src_conflicts(monitor_dir / SITE_SRC, docs, generated)
        try:
            site_warnings = copy_site_src(monitor_dir / SITE_SRC, docs, overrides)
        except ProblemsError as exc:
            raise ProblemsError(conflicts + exc.problems) from None
        if conflicts:
            raise ProblemsError(conflicts)
        region_pages = {job.path for job in site_plan.jobs if job.reads == REGION_PAGES}
        page_files = [_published_as(job.path) for job in site_plan.jobs] if folders else []
        prepare = site_plan.data.prepare_region_pages

        def before_workers(paths: list[str]) -> None:
            if not region_pages.isdisjoint(paths):
                prepare()

        # Before mkdocs starts (and forks its page workers): let go of what the pages
        # still to generate do not need (with the pages written: the results too).
        warnings = (*monitor.warnings, *site_warnings)
        del monitor, results, site_plan
        gc.unfreeze()  # what they held is collected now
        _release_memory()
        # What is left lives until the site is built: frozen again while mkdocs makes some
        # 17,000 pages' objects (the page workers' start freezes too; stopping them, or
        # the end of the build, unfreezes).
        gc.freeze()
        if epoch is not None:  # the sitemap's <lastmod>; without it the site has no dates
            day = datetime.fromtimestamp(epoch, UTC).date().isoformat()
            config["extra"] = {**config["extra"], "wijkmonitor_build_date": day}
        reporter.stage("rendering site", pages)
        try:
            run_build(
                config,
                monitor_dir / "mkdocs.yml",
                reporter.advance,
                pages=generated,
                store=store,
                before_workers=before_workers,
                scratch_docs=True,
                folders=folders,
            )
        except TemplateError as exc:
            raise _template_problem(monitor_dir, exc) from None
        if folders is not None:  # those this site has no file in go (a cold build has none)
            site_folders.remove_empty(out, site_folders.unused(folders[1], page_files))
        _write(out / MARKER, "built by wijkmonitor; may be replaced by the next build\n")
        if epoch is not None:
            stamp_times(out, epoch)
        # The manifest of the site about to be replaced goes first (a crash after the swap
        # must not leave it describing files that are gone); this build's after the swap.
        forget(manifest_path(cache_dir, target))
        ours = (out / MARKER).stat().st_ino  # which site the manifest may describe
        raise_pending()  # a run asked to stop never replaces the site (entry.py)
        swap_into_place(out, target, work)
        swapped = True
    except OSError as exc:
        # Disk full and the like: say which file of the site (or at least which site),
        # never a temporary path, a path in site-packages (a copy's source) or none.
        raise _site_error(exc, work, target) from None
    finally:
        gc.unfreeze()  # nothing stays frozen in a process that goes on (serve)
        if swapped and store is not None:
            # The other links of the files the manifest records (the old site's files of
            # taken pages, the downloads' docs files) go before it records their change
            # times; the rest of the old site, and its folders, may go later.
            _remove_links(work, store)
            store.save(MARKER, ours)
        _remove_old(
            work, target, pages if swapped else 0, swapped and store is not None, remove_later
        )
    seconds = time.perf_counter() - started
    reused = store.reused if store is not None else 0
    return BuildSummary(pages, seconds, target, warnings, profiles, reused, profiles_reused)
