"""Pages taken from the previous build (issue 13): a rebuild takes the region pages whose
inputs are unchanged and writes, byte for byte, what a cold build of the same inputs
writes, after every kind of change; a site file changed since the build, a broken
manifest or a cache that cannot be written means those pages are made again, never a
stale page or a failed build."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.sitebuild import leftovers, tree
from tests.test_serve import _free_port, _wait_for
from wijkmonitor.cli import main
from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.website import build, site_folders
from wijkmonitor.website.build import _published_as, build_site, finish_removals
from wijkmonitor.website.generate import REGION_PAGES, REGION_PAGES_SKIP, plan
from wijkmonitor.website.page_keys import results_keys
from wijkmonitor.website.page_store import CACHE_DIR, PageStore, link_previous, manifest_path

INPUTS = ("monitor.yml", "areas.yml", "mkdocs.yml", "indicators", "data", "site_src", "geo")
INDICATOR = "indicators/lage_inkomens.yml"


def _demo(root: Path) -> Path:
    """A copy of the demo monitor (the repository root's inputs)."""
    root.mkdir()
    for name in INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy(source, root / name)
    return root


def _set(path: Path, **fields: str) -> None:
    """Give fields of an indicator YAML new values."""
    indicator = yaml.safe_load(path.read_text(encoding="utf-8"))
    indicator.update(fields)
    path.write_text(yaml.safe_dump(indicator, allow_unicode=True, sort_keys=False), "utf-8")


@pytest.fixture
def epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def _cold(monitor: Path, where: Path) -> dict[str, str]:
    """The site a build without the cache writes for the same inputs."""
    summary = build_site(monitor, where, cache=False)
    assert summary.reused == 0
    return tree(where)


def _pages(monitor: Path) -> tuple[set[str], set[str]]:
    """The site files of the region pages, and of every page outside the navigation
    (those a build may take from the previous one)."""
    jobs = plan(compute_results(load_monitor(monitor))).jobs
    regions = {_published_as(job.path) for job in jobs if job.reads == REGION_PAGES}
    return regions, {_published_as(job.path) for job in jobs if not job.in_nav}


def _inodes(site: Path) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_ino for p in site.rglob("*") if p.is_file()}


def _rebuild(monitor: Path, site: Path) -> tuple[set[str], set[str]]:
    """Build again: the pages taken from the previous build (their file is the previous
    site's: a hard link, the same inode) and the files whose bytes changed."""
    before, inodes = tree(site), _inodes(site)
    summary = build_site(monitor, site)
    after, now = tree(site), _inodes(site)
    taken = {path for path in now if path.endswith(".html") and inodes.get(path) == now[path]}
    changed = {path for path in after if after[path] != before.get(path)}
    assert summary.reused == len(taken)
    assert not taken & changed  # never a stale page
    return taken, changed


def test_every_change_rebuilds_what_a_cold_build_writes(tmp_path, epoch):
    monitor, site = _demo(tmp_path / "m"), tmp_path / "out" / "site"
    regions, outside = _pages(monitor)
    assert len(regions) >= 58 and len(outside) > len(regions)  # and indicator pages

    first = build_site(monitor, site)
    assert first.reused == 0
    assert (monitor / CACHE_DIR / ".gitignore").read_text().endswith("*\n")

    taken, changed = _rebuild(monitor, site)  # nothing changed
    assert (taken, changed) == (outside, set())
    assert tree(site) == _cold(monitor, tmp_path / "cold-0")

    # An indicator's definition and notes: shown only on its own page and the
    # definitions page; every region page is taken by its key, without being made.
    indicator = monitor / INDICATOR
    _set(indicator, definition="Een nieuwe definitie.", notes="Een nieuwe opmerking.")
    taken, changed = _rebuild(monitor, site)
    assert tree(site) == _cold(monitor, tmp_path / "cold-1")
    assert {"indicator/lage_inkomens/index.html", "definities/index.html"} <= changed
    assert regions <= taken == outside - changed

    # Its title: on every region page, so none is taken; the other indicators' pages are
    # made (their key is that of any page: none) and taken, being the same Markdown.
    _set(indicator, title="Lage inkomens (nieuw)")
    taken, changed = _rebuild(monitor, site)
    assert tree(site) == _cold(monitor, tmp_path / "cold-2")
    assert regions <= changed and taken == outside - changed

    # One figure of a data file: every region page is made, and those that come out the
    # same are taken.
    data = monitor / "data" / "synthetic_outcomemonitor.csv"
    lines = data.read_text(encoding="utf-8").splitlines(keepends=True)
    row = lines[1].split(",")  # region,period,variable,value,status
    row[3] = str(int(row[3]) + 1000)
    lines[1] = ",".join(row)
    data.write_text("".join(lines), encoding="utf-8")
    taken, changed = _rebuild(monitor, site)
    assert tree(site) == _cold(monitor, tmp_path / "cold-3")
    assert regions & changed and regions & taken and taken == outside - changed
    assert leftovers(site) == []


def test_region_pages_do_not_show_what_their_key_leaves_out(tmp_path):
    """The declaration behind the key (generate.REGION_PAGES_SKIP): every region page's
    Markdown is the same with every indicator's definition and notes changed, and the key
    is too; a title changes both."""
    monitor = _demo(tmp_path / "m")

    def pages_and_key() -> tuple[dict[str, str], str]:
        results = compute_results(load_monitor(monitor))
        jobs = [job for job in plan(results).jobs if job.reads == REGION_PAGES]
        key = results_keys(results, REGION_PAGES_SKIP, None, False).region_pages
        return {job.path: job.markdown() for job in jobs}, key

    pages, key = pages_and_key()
    for path in sorted((monitor / "indicators").glob("*.yml")):
        if "definition" in (yaml.safe_load(path.read_text(encoding="utf-8")) or []):
            _set(path, definition="Iets heel anders.", notes="Iets anders.")
    assert pages_and_key() == (pages, key)

    _set(monitor / INDICATOR, title="Een andere titel")
    titled, titled_key = pages_and_key()
    assert titled_key != key
    assert sum(titled[path] != pages[path] for path in pages) == len(pages)


def test_a_site_file_changed_since_the_build_is_made_again(tmp_path, epoch):
    monitor, site = _demo(tmp_path / "m"), tmp_path / "site"
    build_site(monitor, site)
    _regions, outside = _pages(monitor)
    cold = _cold(monitor, tmp_path / "cold")

    # Written in place with the same size and modification time (a copy over it with
    # cp -p, say): only the change time tells, and the page is made again.
    page = site / "wijk" / "amsterdam-noord" / "index.html"
    stat = page.stat()
    data = bytearray(page.read_bytes())
    index = data.index(b"<h1")
    data[index + 1 : index + 3] = b"H1"
    with page.open("r+b") as file:  # the same inode
        file.write(bytes(data))
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert page.stat().st_size == stat.st_size and page.stat().st_ino == stat.st_ino
    # And one page removed.
    (site / "gemeente" / "GM0014" / "index.html").unlink()

    taken, _changed = _rebuild(monitor, site)
    assert taken == outside - {
        "wijk/amsterdam-noord/index.html",
        "gemeente/GM0014/index.html",
    }
    assert tree(site) == cold


def test_a_broken_or_unwritable_cache_means_a_cold_build(tmp_path, epoch, capsys):
    monitor, site = _demo(tmp_path / "m"), tmp_path / "site"
    build_site(monitor, site)
    manifest = manifest_path(monitor / CACHE_DIR, site)
    assert json.loads(manifest.read_text())["site"] == str(site)

    manifest.write_text('{"format": 1, "site": "')  # cut off
    assert build_site(monitor, site).reused == 0
    assert build_site(monitor, site).reused > 0  # and written again

    entry = json.loads(manifest.read_text())
    some = next(page for page in entry["pages"] if page.endswith(".md"))
    entry["pages"][some]["file"] = "../../etc/passwd"
    entry["pages"][some]["stat"] = "wrong"
    manifest.write_text(json.dumps(entry))
    assert build_site(monitor, site).reused == len(_pages(monitor)[1]) - 1

    shutil.rmtree(monitor / CACHE_DIR)
    (monitor / CACHE_DIR).write_text("not a directory")  # the cache cannot be written
    assert main(["build", str(monitor), "--site-dir", str(site)]) == 0
    assert main(["build", str(monitor), "--site-dir", str(site)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert re.fullmatch(rf"\d+ pages in [\d.]+ s -> {re.escape(str(site))}", out[-1])
    assert tree(site) == _cold(monitor, tmp_path / "cold")


def test_the_cli_says_what_it_made_and_no_cache_makes_everything(tmp_path, epoch, capsys):
    monitor, site = _demo(tmp_path / "m"), tmp_path / "site"
    assert main(["build", str(monitor), "--site-dir", str(site)]) == 0
    assert main(["build", str(monitor), "--site-dir", str(site)]) == 0
    assert main(["build", str(monitor), "--site-dir", str(site), "--no-cache"]) == 0
    first, second, third = capsys.readouterr().out.splitlines()[-3:]
    pages, taken = int(first.split()[0]), len(_pages(monitor)[1])
    assert second.startswith(
        f"{pages - taken} of {pages} pages made ({taken} unchanged, reused) in "
    )
    assert third.startswith(f"{pages} pages in ")


def test_manifests_of_sites_that_are_gone_are_removed(tmp_path, epoch):
    monitor = _demo(tmp_path / "m")
    one, two = tmp_path / "one", tmp_path / "two"
    build_site(monitor, one)
    shutil.rmtree(one)
    build_site(monitor, two)
    names = sorted(p.name for p in (monitor / CACHE_DIR).glob("pages-*.json"))
    assert names == [manifest_path(monitor / CACHE_DIR, two).name]


def test_a_file_replaced_while_a_build_runs_is_never_taken(tmp_path, epoch):
    """Another build of the same site may replace it between the look at a file and its
    link: the link is checked, and a manifest is written only for this build's site."""
    monitor, site = _demo(tmp_path / "m"), tmp_path / "site"
    build_site(monitor, site)
    store = PageStore.load(monitor / CACHE_DIR, site)
    page = next(p for p in store.previous if p.endswith(".md"))
    found = store.reusable(page, store.previous[page]["file"], store.previous[page]["key"])
    assert found is not None and found.source == str(site / found.kept.file)

    replacement = tmp_path / "other.html"
    replacement.write_bytes(Path(found.source).read_bytes())
    os.replace(replacement, found.source)  # the same bytes, another file
    destination = tmp_path / "linked.html"
    with pytest.raises(ProblemsError) as raised:
        link_previous(found, str(destination))
    (problem,) = raised.value.problems
    assert problem.file == found.source and "changed while this build ran" in problem.message
    assert not destination.exists()

    manifest = manifest_path(monitor / CACHE_DIR, site)
    manifest.unlink()
    marker = (site / ".wijkmonitor-site").stat().st_ino
    store.save(".wijkmonitor-site", marker + 1)  # the site in place is not this build's
    assert not manifest.exists()
    store.save(".wijkmonitor-site", marker)
    assert manifest.exists()


def test_serve_says_what_it_made_and_shows_the_change(tmp_path):
    """An indicator author's preview: after an edit of a definition, serve makes the
    pages that show it, takes the region pages, says so, and serves the change."""
    monitor = _demo(tmp_path / "m")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "wijkmonitor", "serve", str(monitor), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    made = re.compile(r"(\d+) of (\d+) pages made \((\d+) unchanged, reused\) in [\d.]+ s")
    try:
        url = f"http://127.0.0.1:{port}/indicator/lage_inkomens/"
        assert _wait_for(url, "<html", 120), "the preview did not come up"
        _set(monitor / INDICATOR, definition="Een definitie die de preview laat zien.")
        assert _wait_for(url, "Een definitie die de preview laat zien.", 120), "no rebuild"
        area = urllib.request.urlopen(f"http://127.0.0.1:{port}/wijk/amsterdam-noord/")
        assert area.status == 200
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(made.match(x) for x in lines):
            time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    reader.join(timeout=10)
    first = next(x for x in lines if re.match(r"\d+ pages in ", x))
    pages = int(first.split()[0])
    (rebuilt,) = [m for m in map(made.match, lines) if m]
    taken = len(_pages(monitor)[1]) - 1  # all but the indicator's page
    assert rebuilt.groups() == (str(pages - taken), str(pages), str(taken))
    assert "changed: indicators/lage_inkomens.yml\n" in lines


def test_a_preview_removes_the_old_site_after_saying_it_is_done(tmp_path, epoch):
    """serve's builds leave the old site's folders to a thread (the files, links of the
    new site's, go first), which keeps them for the next build: that build still takes
    every unchanged page, and its site is a cold build's, folder for folder."""
    monitor, site = _demo(tmp_path / "m"), tmp_path / "out" / "site"
    build_site(monitor, site, remove_later=True)
    wijk = (site / "wijk").stat().st_ino
    build_site(monitor, site, remove_later=True)
    finish_removals()  # the first site's folders are kept
    taken = build_site(monitor, site, remove_later=True).reused
    finish_removals()
    assert taken == len(_pages(monitor)[1]) and leftovers(site) == [".site.folders"]
    assert (site / "wijk").stat().st_ino == wijk  # the old site's folders, kept
    assert tree(site) == _cold(monitor, tmp_path / "cold")
    assert _folders(site) == _folders(tmp_path / "cold")


def _folders(site: Path) -> set[str]:
    return {str(p.relative_to(site)) for p in site.rglob("*") if p.is_dir()}


def _kept(site: Path, timeout: float = 60) -> Path:
    """The old site's folders, once the detached process has kept them and removed the
    rest of the old build directory (which it does after keeping them)."""
    kept = site_folders.kept_path(site)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (kept / site_folders.LIST).exists() and leftovers(site) == [kept.name]:
            break
        time.sleep(0.05)
    assert (kept / site_folders.LIST).exists(), "the old site's folders were not kept"
    return kept


def test_a_large_sites_old_folders_are_kept_for_the_next_build(tmp_path, epoch, monkeypatch):
    """From LATER_FROM pages a build leaves the old site to a detached process, which
    keeps its folders (its files are gone) for the next build: that build moves them into
    its site and removes those it has no file in, so its site is a cold build's, folder
    for folder. Folders with anything put in them since are not taken."""
    monkeypatch.setattr(build, "LATER_FROM", 0)  # the demo as a large site
    monitor, site = _demo(tmp_path / "m"), tmp_path / "out" / "site"
    extra = monitor / "site_src" / "extra-pagina.md"
    extra.write_text("# Een pagina die weer verdwijnt\n", encoding="utf-8")
    build_site(monitor, site)
    build_site(monitor, site)  # replaces the first site: its folders are kept
    kept = _kept(site)
    assert leftovers(site) == [".site.folders"]
    assert not any(p.is_file() for p in kept.joinpath(site_folders.TREE).rglob("*"))
    wijk = (kept / site_folders.TREE / "wijk").stat().st_ino

    extra.unlink()  # its folder is kept, and must not be in the next site
    _set(monitor / INDICATOR, definition="Een nieuwe definitie.")
    taken, changed = _rebuild(monitor, site)
    assert (site / "wijk").stat().st_ino == wijk  # moved in, not made
    assert not (site / "extra-pagina").exists()
    cold = tmp_path / "cold-1"
    assert tree(site) == _cold(monitor, cold) and _folders(site) == _folders(cold)
    assert "indicator/lage_inkomens/index.html" in changed  # (a page less: none taken)

    # Something put in the kept folders: they are not taken, and it is not published.
    kept = _kept(site)
    stray = kept / site_folders.TREE / "wijk" / "amsterdam-noord" / "los.html"
    stray.write_text("<p>niet van deze build</p>", encoding="utf-8")
    (kept / site_folders.TREE / "nieuw").mkdir()  # a folder the list does not name
    build_site(monitor, site)
    assert (site / "wijk").stat().st_ino != wijk
    assert not (site / "wijk" / "amsterdam-noord" / "los.html").exists()
    assert not (site / "nieuw").exists()
    assert tree(site) == tree(cold) and _folders(site) == _folders(cold)

    # Without the cache nothing is kept or taken: the old site goes by a detached rm.
    _kept(site)
    build_site(monitor, site, cache=False)
    assert tree(site) == tree(cold) and _folders(site) == _folders(cold)
    deadline = time.monotonic() + 60
    while leftovers(site) != [".site.folders"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert leftovers(site) == [".site.folders"]

    # What a stopped detached process left (its process is gone) goes with the next build.
    ended = subprocess.run(
        [sys.executable, "-c", "from wijkmonitor.core.atomic import owner_tag; print(owner_tag())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stopped = site.with_name(f".site.old-{ended.stdout.strip()}-keep")
    (stopped / "site" / "wijk").mkdir(parents=True)
    build_site(monitor, site)
    assert not stopped.exists()


def test_kept_folders_without_a_file_of_the_new_site_are_tried_deepest_first():
    folders = ["a", "a/b", "a/b/c", "assets", "assets/js", "wijk", "wijk/x", "wijk/y"]
    files = ["a/b/index.html", "wijk/x/index.html"]
    assert site_folders.unused(folders, files) == ["a/b/c", "assets/js", "wijk/y", "assets"]


def test_nothing_stays_frozen_for_the_garbage_collector_after_a_build(small_monitor, tmp_path):
    """A build freezes what lives until its pages are planned, and again while mkdocs
    builds (gc.freeze: the collector's full collections skip it); a process that goes on
    after it (serve) must get every object back, after a failed build too."""
    import gc

    assert gc.get_freeze_count() == 0
    summary = build_site(small_monitor, tmp_path / "site")
    assert summary.pages > 0 and gc.get_freeze_count() == 0
    overrides = small_monitor / "site_src" / "overrides"
    overrides.mkdir(parents=True, exist_ok=True)
    (overrides / "main.html").write_text(
        '{% extends "base.html" %}{% block content %}{{ 1/0 }}{% endblock %}'
    )
    with pytest.raises(ProblemsError):
        build_site(small_monitor, tmp_path / "site")
    assert gc.get_freeze_count() == 0


# --- Region pages keyed on their gemeente's figures -----------------------------------


def _national(root: Path) -> Path:
    """A small national monitor (wijkmonitor/demo/national.py): a page for every gemeente,
    wijk and buurt, no focus areas, so every region page reads one gemeente's figures."""
    from wijkmonitor.demo.national import write_monitor

    return write_monitor(
        root,
        n_gemeenten=3,
        n_wijken=9,
        n_buurten=30,
        n_indicators=3,
        years=range(2017, 2020),
        area_pages=("wijk", "buurt"),
        site_config=ROOT / "mkdocs.yml",
    )


def _spine_rows(monitor: Path):
    return plan(compute_results(load_monitor(monitor))).data.spine_rows().reset_index(drop=True)


def _edit_count(monitor: Path, line: int, times: int) -> str:
    """Multiply the count on one line of the data (a buurt's) by ``times``, plus one;
    return the buurt's code."""
    data = monitor / "data" / "synthetic.csv"
    lines = data.read_text().splitlines(keepends=True)
    region, period, variable, value = lines[line].rstrip("\n").split(",")
    lines[line] = f"{region},{period},{variable},{int(value) * times + 1}\n"
    data.write_text("".join(lines))
    return region


def _quiet_edit(monitor: Path) -> tuple[int, str]:
    """A line of the data whose count, one more, leaves the spread of every comparable
    group as it was (core/spine.py, the oracle): the spine rows of the regions outside
    the buurt's gemeente stay the same. The data's line and the buurt."""
    data = monitor / "data" / "synthetic.csv"
    original = data.read_text()
    before = _spine_rows(monitor)
    for line in range(len(original.splitlines()) - 1, 0, -1):
        buurt = _edit_count(monitor, line, 1)
        if buurt.startswith("BU"):
            after = _spine_rows(monitor)
            outside = ~before["region"].astype(str).str.startswith(f"BU{buurt[2:6]}")
            outside &= ~before["region"].astype(str).str[2:6].eq(buurt[2:6])
            if before[outside].equals(after[outside]):
                data.write_text(original)
                return line, buurt
        data.write_text(original)
    raise AssertionError("no figure to change without moving a spread")


def _made_regions(monkeypatch, log: Path) -> Callable[[], set[str]]:
    """The codes of the region pages the next builds make, in the page workers (forked:
    they write them to ``log``); the function returns those made since it was last read."""
    from wijkmonitor.website import generate, mkdocs_build

    for name in ("area_page", "gemeente_page"):
        real = getattr(generate, name)

        def making(site, code, real=real):
            with log.open("a", encoding="utf-8") as out:
                out.write(code + "\n")
            return real(site, code)

        monkeypatch.setattr(generate, name, making)
    monkeypatch.setattr(mkdocs_build, "PAGE_WORKERS_FROM", 1)  # the cache needs workers

    def made() -> set[str]:
        codes = set(log.read_text(encoding="utf-8").split()) if log.exists() else set()
        log.unlink(missing_ok=True)
        return codes

    return made


def test_a_changed_figure_remakes_the_region_pages_of_its_gemeente_only(
    tmp_path, epoch, monkeypatch
):
    """A region page reads the figures of its own gemeente's regions only (its rows with
    its reference's figures, its spine rows, its children's rows): a changed figure
    changes the key of that gemeente's pages and no other's, unless it moves the spread
    of its comparable group, which is in every spine row of that level."""
    monitor = _national(tmp_path / "m")
    site = tmp_path / "site"
    made = _made_regions(monkeypatch, tmp_path / "made.log")
    build_site(monitor, site)
    assert len(made()) == 42  # a cold build: every region page
    jobs = plan(compute_results(load_monitor(monitor))).jobs
    clusters = {job.path: job.cluster for job in jobs if job.reads == REGION_PAGES}
    # Every gemeente, wijk and buurt page has its gemeente; the list of all buurten none.
    assert [path for path, cluster in clusters.items() if not cluster] == ["buurt/index.md"]

    line, buurt = _quiet_edit(monitor)
    _edit_count(monitor, line, 1)  # one more: no spread moves
    taken, changed = _rebuild(monitor, site)
    codes = made()
    assert tree(site) == _cold(monitor, tmp_path / "cold-1")
    gemeente = clusters[f"buurt/{buurt}/index.md"]
    ours = {path for path, cluster in clusters.items() if cluster == gemeente}
    others = {path for path, cluster in clusters.items() if cluster not in ("", gemeente)}
    assert len(others) > len(ours) > 1
    made_pages = {path for path in clusters if path.split("/")[-2] in codes}
    assert made_pages == ours  # its gemeente's pages are made again (then compared)
    assert {_published_as(path) for path in others} <= taken  # taken by their key
    assert f"buurt/{buurt}/index.html" in changed

    _edit_count(monitor, line, 1000)  # far beyond every other buurt: the spread moves
    _rebuild(monitor, site)
    codes = made()
    assert tree(site) == _cold(monitor, tmp_path / "cold-2")
    assert {path for path in clusters if path.split("/")[-2] in codes} & others

    # The clusters' digests kept for the next build: a damaged file is made again.
    (monitor / CACHE_DIR / build.CLUSTERS_FILE).write_text('{"key": ', encoding="utf-8")
    _edit_count(monitor, line, 1)
    _rebuild(monitor, site)
    assert tree(site) == _cold(monitor, tmp_path / "cold-3")
    assert json.loads((monitor / CACHE_DIR / build.CLUSTERS_FILE).read_text())["clusters"]


def _profiles_and_their_pages(monitor: Path, cache: Path) -> dict[str, tuple[str, str]]:
    """Per area: the key of its page, as build_site computes it (its gemeente's cluster
    or the shared key), and a digest of its profile's HTML and charts (what the PDF is
    rendered from), without rendering any."""
    from wijkmonitor.website.page_keys import digest
    from wijkmonitor.website.profile_pdf import profile_jobs

    results = compute_results(load_monitor(monitor))
    site_plan = plan(results, pdf_profiles=True)
    keys = results_keys(results, REGION_PAGES_SKIP, None, True)
    clusters = build.cluster_keys(site_plan, keys, cache)
    groups = {REGION_PAGES: keys.region_pages}
    pages = {job.path: build.job_key(job, groups, clusters) for job in site_plan.jobs}
    site = site_plan.data
    jobs = profile_jobs(site, 1_700_000_000)
    return {
        code: (pages[site.page_of(code)], digest(job.html, *job.charts))
        for code, job in zip(site.area_codes, jobs, strict=True)
    }


def test_a_profile_changes_only_where_its_page_key_does(tmp_path):
    """A PDF profile is taken on its area page's key (build.write_profiles), which holds
    only because a profile reads part of what its page reads: after a changed figure,
    every area whose profile would differ has a changed page key, whether or not the
    spread moved."""
    monitor = _national(tmp_path / "m")
    line, buurt = _quiet_edit(monitor)
    before = _profiles_and_their_pages(monitor, tmp_path / "cache")
    for times in (1, 1000):  # one more (no spread moves), then far beyond the others
        _edit_count(monitor, line, times)
        after = _profiles_and_their_pages(monitor, tmp_path / "cache")
        assert after.keys() == before.keys() and len(after) == 39  # the wijken and buurten
        changed = {code for code in after if after[code][1] != before[code][1]}
        rekeyed = {code for code in after if after[code][0] != before[code][0]}
        assert buurt in changed and changed <= rekeyed
        if times == 1:  # the other gemeenten' profiles and keys stay
            assert len(rekeyed) < len(after)
        before = after
