"""Pages outside the navigation built by forked page workers (issue 13): the site is the
site mkdocs builds in one process, byte for byte (search index and sitemap included);
a worker's warnings fail the strict build with their message, its template errors name
the publisher's template and line, anchors on its pages are checked as mkdocs checks
them, and a worker that dies is an error, never a hang or a half-written site."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import wijkmonitor.website.build as build_module
from tests.conftest import write_monitor
from tests.sitebuild import leftovers, tree
from tests.test_build_hardening import _environment, _start_build
from wijkmonitor.cli import main
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.forked_workers import WorkerDied
from wijkmonitor.website import mkdocs_build
from wijkmonitor.website.build import build_site
from wijkmonitor.website.mkdocs_build import BuildError

HIDDEN = "---\nnav: hidden\ntitle: {title}\n{extra}---\n\n{body}\n"


def _page(title: str, body: str, extra: str = "") -> str:
    return HIDDEN.format(title=title, body=body, extra=extra)


def _build(monitor: Path, site: Path, monkeypatch, workers_from: int) -> tuple:
    """Build with page workers from ``workers_from`` pages outside the navigation."""
    counts: list = []

    def run_build(*args, **kwargs):
        counts.append(mkdocs_build.run_build(*args, **kwargs))
        return counts[-1]

    monkeypatch.setattr(build_module, "run_build", run_build)
    monkeypatch.setattr(mkdocs_build, "PAGE_WORKERS_FROM", workers_from)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    summary = build_site(monitor, site)
    return summary, counts[0]


def _monitor(tmp_path: Path, **pages: str) -> Path:
    extra = {f"site_src/{name}": text for name, text in pages.items()}
    return write_monitor(tmp_path / "monitor", **extra)


def test_pages_built_by_workers_are_the_site_mkdocs_builds_in_one_process(tmp_path, monkeypatch):
    monitor = _monitor(
        tmp_path,
        **{
            "los.md": _page("Los", "# Los\n\nEen pagina buiten de navigatie, [terug](index.md)."),
            "nog-een.md": _page("Nog een", "## Kop\n\nTekst met *nadruk*.", "search: text\n"),
        },
    )
    summary, counts = _build(monitor, tmp_path / "workers", monkeypatch, workers_from=1)
    same, one = _build(monitor, tmp_path / "one", monkeypatch, workers_from=10**9)
    assert one.in_workers == 0
    # Every page outside the navigation: areas, gemeenten, indicators and the two above.
    assert 2 < counts.in_workers < summary.pages == same.pages
    workers, single = tree(tmp_path / "workers"), tree(tmp_path / "one")
    assert workers.keys() == single.keys()
    assert [path for path in workers if workers[path] != single[path]] == []
    index = (tmp_path / "workers" / "search" / "search_index.json").read_text()
    assert '"location":"los/"' in index.replace(" ", "")


@pytest.mark.parametrize("workers_from", [1, 10**9], ids=["page workers", "one process"])
def test_pages_generated_in_the_site_build_are_the_site_built_from_written_pages(
    workers_from, tmp_path, monkeypatch
):
    """With no plugin but search the build hands its pages to the site build, which makes
    each where it renders it: no Markdown goes through the disk. The site is the one
    built from the Markdown written first, file for file; a hand-written page in
    site_src/ still sits beside them in the walk's order."""
    monitor = _monitor(tmp_path, **{"los.md": _page("Los", "# Los\n\n[terug](index.md)")})
    given: list[int] = []

    def run_build(*args, pages=None, **kwargs):
        given.append(len(pages or {}))
        return mkdocs_build.run_build(*args, pages=pages, **kwargs)

    made, counts = _build(monitor, tmp_path / "made", monkeypatch, workers_from)
    monkeypatch.setattr(build_module, "run_build", run_build)
    build_site(monitor, tmp_path / "made-again")
    monkeypatch.setattr(build_module, "generates_pages", lambda config: False)
    build_site(monitor, tmp_path / "written")
    assert given == [made.pages, 0]
    assert (counts.in_workers > 0) == (workers_from == 1)
    generated, written = tree(tmp_path / "made"), tree(tmp_path / "written")
    assert generated.keys() == written.keys()
    assert [path for path in generated if generated[path] != written[path]] == []
    assert generated == tree(tmp_path / "made-again")
    index = (tmp_path / "made" / "search" / "search_index.json").read_text()
    assert '"location":"los/"' in index.replace(" ", "")


def test_a_warning_on_a_workers_page_fails_the_strict_build(tmp_path, monkeypatch):
    monitor = _monitor(tmp_path, **{"los.md": _page("Los", "Tekst.", "search: overal\n")})
    site = tmp_path / "out" / "site"
    with pytest.raises(BuildError, match=r"los\.md: search: 'overal' is not one of"):
        _build(monitor, site, monkeypatch, workers_from=1)
    assert not site.exists() and leftovers(site) == []


def test_a_template_error_on_a_workers_page_names_the_template_and_line(tmp_path, monkeypatch):
    monitor = _monitor(
        tmp_path,
        **{
            "los.md": _page("Los", "Tekst.", "template: kapot.html\n"),
            "overrides/kapot.html": '{% extends "main.html" %}\n{% block content %}\n'
            "{{ 1 / 0 }}\n{% endblock %}\n",
        },
    )
    with pytest.raises(ProblemsError) as caught:
        _build(monitor, tmp_path / "site", monkeypatch, workers_from=1)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.field) == (
        "site_src/overrides/kapot.html",
        3,
        "template",
    )
    assert "ZeroDivisionError" in problem.message


@pytest.mark.parametrize("anchor, fails", [("kop", False), ("geen-kop", True)])
def test_links_to_anchors_on_workers_pages_are_checked(tmp_path, monkeypatch, anchor, fails):
    monitor = _monitor(
        tmp_path,
        **{
            "van.md": _page("Van", f"Zie [de kop](naar.md#{anchor})."),
            "naar.md": _page("Naar", "## Kop\n\nTekst."),
        },
    )
    config = (monitor / "mkdocs.yml").read_text() + "validation:\n  anchors: warn\n"
    (monitor / "mkdocs.yml").write_text(config)
    site = tmp_path / "site"
    if not fails:
        _build(monitor, site, monkeypatch, workers_from=1)
        assert 'href="../naar/#kop"' in (site / "van" / "index.html").read_text()
        return
    with pytest.raises(BuildError, match="does not contain an anchor '#geen-kop'"):
        _build(monitor, site, monkeypatch, workers_from=1)


def test_a_worker_that_dies_is_an_error_not_a_hang(tmp_path, monkeypatch):
    monitor = _monitor(tmp_path, **{"los.md": _page("Los", "Tekst.")})
    original = mkdocs_build._PageWorkers._one

    def one(self, index):  # the worker's process is killed (out of memory, say)
        if self._args[1][index].src_uri == "los.md":
            os.kill(os.getpid(), signal.SIGKILL)
        return original(self, index)

    monkeypatch.setattr(mkdocs_build._PageWorkers, "_one", one)
    site = tmp_path / "out" / "site"
    with pytest.raises(WorkerDied, match=r"ended without finishing \(exit code -9; killed"):
        _build(monitor, site, monkeypatch, workers_from=1)
    assert not site.exists() and leftovers(site) == []


def test_a_page_writer_that_dies_is_an_error_not_a_hang(tmp_path, monkeypatch, capsys):
    """The page writers (generating the Markdown) likewise: multiprocessing.Pool would
    wait for the killed worker's pages forever. The command says what happened."""
    monitor = _monitor(tmp_path, **{"los.md": _page("Los", "Tekst.")})
    original = build_module._write

    def write(path, data):
        if path.name == "index.md" and path.parent.name == "gemeente":
            os.kill(os.getpid(), signal.SIGKILL)
        original(path, data)

    monkeypatch.setattr(build_module, "_write", write)
    monkeypatch.setattr(build_module, "generates_pages", lambda config: False)
    monkeypatch.setattr(build_module, "PARALLEL_FROM", 1)
    site = tmp_path / "out" / "site"
    with pytest.raises(WorkerDied, match=r"exit code -9; killed: out of memory\?"):
        _build(monitor, site, monkeypatch, workers_from=1)
    assert not site.exists() and leftovers(site) == []
    capsys.readouterr()
    assert main(["build", str(monitor), "--site-dir", str(site)]) == 1
    assert capsys.readouterr().err == (
        "wijkmonitor: a worker process ended without finishing (exit code -9; killed: out "
        "of memory?); the previous site is kept\n"
    )


# The real command in a process of its own, with page workers from the first page outside
# the navigation, each page taking a while and each worker leaving its pid behind.
SLOW_WORKERS = """
import os, sys, time
from wijkmonitor import entry
from wijkmonitor.website import mkdocs_build
mkdocs_build.PAGE_WORKERS_FROM = 1
original = mkdocs_build._PageWorkers._one
def one(self, index):
    with open(os.path.join({pids!r}, str(os.getpid())), "w"):
        pass
    time.sleep(1)
    return original(self, index)
mkdocs_build._PageWorkers._one = one
sys.argv = ["wijkmonitor", "build", "."]
entry.main()
"""


def test_sigterm_while_workers_build_pages_stops_them_and_keeps_the_site(tmp_path):
    monitor = _monitor(tmp_path, **{"los.md": _page("Los", "Tekst.")})
    pids = tmp_path / "pids"
    pids.mkdir()
    script = tmp_path / "slow_build.py"
    script.write_text(SLOW_WORKERS.format(pids=str(pids)), encoding="utf-8")
    first = subprocess.run(
        [sys.executable, str(script)], cwd=monitor, env=_environment(), capture_output=True
    )
    assert first.returncode == 0, first.stderr
    before = tree(monitor / "site")
    for old in pids.iterdir():
        old.unlink()
    # Once a worker is building its first page:
    process = _start_build(monitor, [sys.executable, str(script)], lambda: any(pids.iterdir()))
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    # The workers were stopped with the build, not left to finish their pages.
    running = [w.name for w in pids.iterdir() if Path("/proc", w.name).exists()]
    assert [pid for pid in running if not _zombie(pid)] == []
    out, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (143, "wijkmonitor: terminated\n"), out
    assert tree(monitor / "site") == before
    assert [p.name for p in monitor.iterdir() if ".tmp" in p.name] == []


def _zombie(pid: str) -> bool:
    stat = Path("/proc", pid, "stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def test_serve_says_in_one_line_that_a_worker_died(tmp_path):
    from wijkmonitor.website.serve import failure_lines

    assert failure_lines(WorkerDied(-9), tmp_path) == [
        "wijkmonitor: a worker process ended without finishing (exit code -9; killed: out "
        "of memory?)"
    ]
