"""Builds are atomic (a failure at any step leaves the previous site exactly as it was)
and deterministic (the same inputs give the same bytes, whatever the hash seed, the
order in which the file system lists the inputs, or the clock)."""

from __future__ import annotations

import dataclasses
import errno
import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, write_monitor
from tests.sitebuild import leftovers, tree
from wijkmonitor.cli import main
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.website import build as build_module
from wijkmonitor.website import mkdocs_build
from wijkmonitor.website.build import build_site

# --- atomicity ----------------------------------------------------------------------------


class Injected(RuntimeError):
    """The failure a test causes on purpose."""


def _fail(*args, **kwargs):
    raise Injected("failed on purpose")


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("atomic")
    monitor = write_monitor(base / "m")
    site = base / "good" / "site"
    build_site(monitor, site)
    return monitor, site, tree(site)


def _previous_site(good_build, tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A copy of the good site, in a directory of its own, to fail a rebuild over."""
    monitor, site, before = good_build
    copy = tmp_path / "public" / "site"
    shutil.copytree(site, copy)
    assert tree(copy) == before
    return monitor, copy, before


# Every step of build_site, in order, replaced by one that fails.
STEPS = [
    "load_monitor",
    "compute_results",
    "plan",
    "site_assets",
    "write_results",
    "copy_site_src",
    "merged_config",
    "run_build",
    "stamp_times",
    "_exchange",
]


@pytest.mark.parametrize("step", STEPS)
def test_a_failure_at_any_step_leaves_the_previous_site(step, good_build, tmp_path, monkeypatch):
    monitor, site, before = _previous_site(good_build, tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # so stamp_times runs
    monkeypatch.setattr(build_module, step, _fail)
    with pytest.raises(Injected):
        build_site(monitor, site)
    assert tree(site) == before
    assert leftovers(site) == []


def test_a_signal_a_library_swallowed_during_the_build_leaves_the_previous_site(
    good_build, tmp_path, monkeypatch
):
    """A Ctrl+C that a library caught (a bare ``except:``) while the site was rendered:
    the run was asked to stop, so the new site is not swapped in (entry.raise_pending)."""
    from wijkmonitor import entry

    monitor, site, before = _previous_site(good_build, tmp_path)
    real_run_build = build_module.run_build
    swallowed = KeyboardInterrupt()

    def run_build_and_swallow(*args, **kwargs):
        real_run_build(*args, **kwargs)
        monkeypatch.setattr(entry, "_signalled", swallowed)  # what the handler records

    monkeypatch.setattr(build_module, "run_build", run_build_and_swallow)
    with pytest.raises(KeyboardInterrupt) as raised:
        build_site(monitor, site)
    assert raised.value is swallowed
    assert tree(site) == before and leftovers(site) == []


@pytest.mark.parametrize("where", ["page worker", "page writer"])
def test_a_page_failing_in_a_worker_process_leaves_the_previous_site(
    where, good_build, tmp_path, monkeypatch
):
    """A page failing in a forked worker (used for national builds): one generating and
    rendering pages in the site build, or one writing Markdown for a site with plugins."""
    monitor, site, before = _previous_site(good_build, tmp_path)
    real_plan = build_module.plan

    def plan_with_a_broken_page(*args, **kwargs):
        site_plan = real_plan(*args, **kwargs)
        jobs = list(site_plan.jobs)
        outside = [i for i, job in enumerate(jobs) if not job.in_nav]
        broken = outside[len(outside) // 2]
        jobs[broken] = dataclasses.replace(jobs[broken], make=_fail)
        return dataclasses.replace(site_plan, jobs=jobs)

    monkeypatch.setattr(build_module, "plan", plan_with_a_broken_page)
    monkeypatch.setattr(mkdocs_build, "PAGE_WORKERS_FROM", 1)
    if where == "page writer":
        monkeypatch.setattr(build_module, "generates_pages", lambda config: False)
        monkeypatch.setattr(build_module, "PARALLEL_FROM", 1)
    with pytest.raises(Injected):
        build_site(monitor, site)
    assert tree(site) == before and leftovers(site) == []


def test_a_real_failure_through_the_cli_keeps_the_site_and_says_why(good_build, tmp_path, capsys):
    monitor_src, site, before = _previous_site(good_build, tmp_path)
    monitor = tmp_path / "m"
    shutil.copytree(monitor_src, monitor)
    data = monitor / "data" / "werk.csv"
    data.write_text(data.read_text().replace("\n", "\nGM0001,2009,werkzoekenden,veel\n", 1))
    assert main(["build", str(monitor), "--site-dir", str(site)]) == 1
    err = capsys.readouterr().err
    assert "data/werk.csv:2: value: 'veel' is not a number" in err
    assert tree(site) == before and leftovers(site) == []


def test_compute_output_is_replaced_whole_or_not_at_all(tmp_path, monkeypatch, capsys):
    """`wijkmonitor compute --out`: a failure while writing the second file leaves both
    files of the previous run, and no temporary file."""
    from wijkmonitor.core import output

    monitor, out = write_monitor(tmp_path / "m"), tmp_path / "out"
    assert main(["compute", str(monitor), "--out", str(out)]) == 0
    before = tree(out)
    assert sorted(before) == ["changes.csv", "results.csv"]
    data = monitor / "data" / "werk.csv"
    data.write_text(
        data.read_text().replace("1001,2011,werkzoekenden,60", "1001,2011,werkzoekenden,70")
    )
    real_write_csv, calls = output.write_csv, []

    def fail_on_the_second(frame, path, synthetic=False):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real_write_csv(frame, path, synthetic)

    monkeypatch.setattr(output, "write_csv", fail_on_the_second)
    assert main(["compute", str(monitor), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    # The file asked for, not the temporary one beside it that was being written.
    assert calls[1].name.startswith(".changes.csv.")
    assert err == f"wijkmonitor: {out / 'changes.csv'}: No space left on device\n"
    assert tree(out) == before and len(calls) == 2
    monkeypatch.setattr(output, "write_csv", real_write_csv)
    assert main(["compute", str(monitor), "--out", str(out)]) == 0
    assert tree(out)["results.csv"] != before["results.csv"]


# --- determinism --------------------------------------------------------------------------


def _copy_in_reverse_order(src: Path, dst: Path) -> None:
    """Copy a monitor creating files in reverse order, so directory listings differ."""
    files = sorted((p for p in src.rglob("*") if p.is_file()), reverse=True)
    for path in files:
        relative = path.relative_to(src)
        if relative.parts[0] in {"site", ".venv", ".git", "tests", "build"}:
            continue
        if (
            relative.parts[0] not in {"indicators", "data", "site_src", "geo"}
            and len(relative.parts) > 1
        ):
            continue  # the monitor is the top-level files plus these directories
        (dst / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dst / relative)


def _build_in_subprocess(monitor: Path, site: Path, **env: str) -> None:
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-m", "wijkmonitor", "build", str(monitor), "--site-dir", str(site)],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def demo_builds(tmp_path_factory) -> dict[str, Path]:
    """The demo monitor built three times: two hash seeds, and a copy listed in reverse."""
    base = tmp_path_factory.mktemp("determinism")
    reversed_copy = base / "monitor-reversed"
    _copy_in_reverse_order(ROOT, reversed_copy)
    sites = {"seed1": base / "a" / "site", "seed2": base / "b" / "site"}
    sites["reversed"] = base / "c" / "site"
    _build_in_subprocess(ROOT, sites["seed1"], PYTHONHASHSEED="1")
    _build_in_subprocess(ROOT, sites["seed2"], PYTHONHASHSEED="2")
    _build_in_subprocess(reversed_copy, sites["reversed"], PYTHONHASHSEED="3")
    return sites


def test_the_demo_site_is_the_same_bytes_every_time(demo_builds):
    first = tree(demo_builds["seed1"])
    assert len(first) > 150
    for name in ("seed2", "reversed"):
        other = tree(demo_builds[name])
        assert sorted(other) == sorted(first), name
        differing = [path for path in first if first[path] != other[path]]
        assert differing == [], f"{name}: {differing[:10]}"
    # The parts most likely to vary are there and were compared.
    for path in (
        "sitemap.xml",
        "sitemap.xml.gz",
        "search/search_index.json",
        "downloads/results.csv",
        "downloads/changes.csv",
        "assets/wijkmonitor/vega.js",
    ):
        assert path in first, path


def test_without_source_date_epoch_the_site_has_no_dates(demo_builds):
    site = demo_builds["seed1"]
    assert "<lastmod>" not in (site / "sitemap.xml").read_text()
    with open(site / "sitemap.xml.gz", "rb") as fd:
        assert fd.read(8)[4:8] == b"\0\0\0\0"  # gzip header mtime


def test_source_date_epoch_dates_the_sitemap_and_every_file(tmp_path, monkeypatch):
    # A sitemap lists pages only when the site knows its address.
    monitor = write_monitor(
        tmp_path / "m", **{"mkdocs.yml": "site_url: https://monitor.example.nl/\n"}
    )
    epoch = 1_700_000_000  # 2023-11-14 22:13:20 UTC
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    build_site(monitor, tmp_path / "one" / "site")
    build_site(monitor, tmp_path / "two" / "site")
    one, two = tmp_path / "one" / "site", tmp_path / "two" / "site"
    assert tree(one) == tree(two)
    sitemap = (one / "sitemap.xml").read_text()
    assert sitemap.count("<lastmod>2023-11-14</lastmod>") == sitemap.count("<url>") > 5
    assert gzip.decompress((one / "sitemap.xml.gz").read_bytes()).decode() == sitemap
    with open(one / "sitemap.xml.gz", "rb") as fd:
        # mkdocs dates the gzip header at the start of that day.
        assert int.from_bytes(fd.read(8)[4:8], "little") == epoch - epoch % 86400
    times = {p.stat().st_mtime for p in [one, *one.rglob("*")]}
    assert times == {epoch}


def test_a_bad_source_date_epoch_is_refused_before_anything_is_written(
    tmp_path, monkeypatch, capsys
):
    monitor = write_monitor(tmp_path / "m")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "gisteren")
    with pytest.raises(ProblemsError):
        build_site(monitor, tmp_path / "out" / "site")
    assert main(["build", str(monitor), "--site-dir", str(tmp_path / "out" / "site")]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "environment: SOURCE_DATE_EPOCH: 'gisteren' is not allowed; use a whole number of "
        "seconds between 0 and 4294967295 (1970-01-01 to 2106-02-07 UTC, what the sitemap's "
        "gzip header holds), or unset it",
        "1 problem found",
    ]
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
