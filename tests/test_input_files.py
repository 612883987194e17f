"""Which files of a monitor are inputs, and reading them safely (core/inputfiles.py).

What the bad-input corpus cannot express: a YAML file over the size limit (10 MB is too
big for the corpus), memory and time bounds on a device, a file the system refuses to
open (the tests run as root, which may read anything: that case runs as ``nobody``),
what the build copies from site_src/ and what the preview server watches.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pytest

from tests.conftest import write_monitor
from tests.test_bad_inputs import hang_guard
from wijkmonitor.cli import main
from wijkmonitor.core.inputfiles import (
    MAX_YAML_BYTES,
    data_files,
    input_files,
    input_problem,
    input_tree,
    is_ignored,
    read_input,
)
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.core.yamlfile import load_yaml
from wijkmonitor.website.build import MARKER
from wijkmonitor.website.serve import changed_files, input_snapshot

NOT_REGULAR = "not a regular file ({}); monitor inputs must be regular files"
# What an emacs lock looks like: a symbolic link to user@host.pid:boot-time, no file.
EMACS_LOCK = "root@host.12345:1700000000"


def run_cli(args: list[str], capsys) -> tuple[int, list[str]]:
    """``wijkmonitor ARGS`` in-process (no run may hang): exit status, stderr lines."""
    with hang_guard(60):
        code = main(args)
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err, err
    return code, err.splitlines()


@pytest.mark.parametrize(
    "name",
    [
        ".#werkzoekenden.yml",  # emacs lock
        "#werkzoekenden.yml#",  # emacs auto-save
        "werkzoekenden.yml~",  # backup (emacs, vim, gedit)
        ".werkzoekenden.yml.swp",  # vim swap
        "werkzoekenden.yml.swo",
        "werk.csv.swp",  # vim swap with a flattened 'directory'
        "4913",  # vim's write probe
        "~$werk.csv",  # MS Office lock
        ".~lock.werk.csv#",  # LibreOffice lock
        ".DS_Store",
        ".werk.csv",
    ],
)
def test_editor_and_hidden_files_are_ignored(name: str):
    assert is_ignored(name)


@pytest.mark.parametrize(
    "name", ["werkzoekenden.yml", "werk.csv", "extra.CSV", "a#b.csv", "#1.csv", "x~y.yml"]
)
def test_input_names_are_not_ignored(name: str):
    assert not is_ignored(name)


def test_data_files_take_any_case_of_csv_and_skip_editor_files(tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    for name in ["regions.csv", "werk.csv", "extra.CSV", "b.Csv", ".werk.csv", "werk.csv~"]:
        (data / name).write_text("x\n")
    (data / "notes.txt").write_text("x\n")
    (data / ".#werk.csv").symlink_to(EMACS_LOCK)
    assert [p.name for p in data_files(tmp_path)] == ["b.Csv", "extra.CSV", "werk.csv"]
    assert input_files(tmp_path / "missing", (".csv",)) == []


def test_input_tree_skips_hidden_directories_and_ends_in_a_link_loop(tmp_path: Path):
    (tmp_path / "a" / ".git").mkdir(parents=True)
    (tmp_path / "a" / ".git" / "config").write_text("x")
    (tmp_path / "a" / "page.md").write_text("x")
    (tmp_path / "a" / "page.md~").write_text("x")
    (tmp_path / "a" / "back").symlink_to("..")  # a loop: a/back/a/back/...
    assert [p.relative_to(tmp_path).as_posix() for p in input_tree(tmp_path)] == ["a/page.md"]


def test_extra_CSV_figures_are_used(tmp_path: Path, capsys):  # noqa: N802
    """Control: the same figures under data/WERK.CSV give the same results as under
    data/werk.csv (and without any data file the check fails: the figures are read)."""
    lower = write_monitor(tmp_path / "lower")
    upper = write_monitor(tmp_path / "upper")
    (upper / "data" / "werk.csv").rename(upper / "data" / "WERK.CSV")
    for monitor in (lower, upper):
        assert run_cli(["compute", str(monitor), "--out", str(monitor / "out")], capsys)[0] == 0
    results = (lower / "out" / "results.csv").read_text(encoding="utf-8")
    assert "werkzoekenden" in results
    # The same figures; their lineage (data_source) names the file as it is called.
    upper_results = (upper / "out" / "results.csv").read_text(encoding="utf-8")
    assert upper_results.replace('"data/WERK.CSV"', '"data/werk.csv"') == results
    (upper / "data" / "WERK.CSV").unlink()
    assert run_cli(["check", str(upper)], capsys)[0] == 1


@pytest.mark.parametrize(
    ("name", "size", "shown"),
    [
        ("indicators/groot.yml", 12 * 1024 * 1024, "12.0 MB"),
        ("areas.yml", MAX_YAML_BYTES + 1, "10.1 MB"),  # a byte over never reads "10.0"
    ],
)
def test_yaml_file_over_the_size_limit(tmp_path: Path, capsys, name: str, size: int, shown: str):
    monitor = write_monitor(tmp_path / "m")
    with open(monitor / name, "wb") as file:
        file.write(b"# ")
        file.truncate(size)  # sparse: the limit is checked before anything is read
    code, err = run_cli(["check", str(monitor)], capsys)
    assert code == 1
    message = f"is {shown}; a monitor YAML file may be at most 10.0 MB (is it the right file?)"
    assert err == [f"{name}: file: {message}", "1 problem found"]
    # Refused by its size, not after reading it (a check allocates ~10 MB of its own).
    tracemalloc.start()
    try:
        with pytest.raises(ProblemsError):
            load_yaml(monitor / name, name)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024, f"{peak:,} bytes allocated"


def test_mkdocs_yml_over_the_size_limit(tmp_path: Path):
    from wijkmonitor.website.mkdocs_build import read_site_config

    path = tmp_path / "mkdocs.yml"
    with open(path, "wb") as file:
        file.truncate(11 * 1024 * 1024)
    with pytest.raises(ProblemsError) as caught:
        read_site_config(path)
    assert [str(p) for p in caught.value.problems] == [
        "mkdocs.yml: file: is 11.0 MB; a monitor YAML file may be at most 10.0 MB "
        "(is it the right file?)"
    ]


def test_dev_zero_is_refused_at_once_without_reading(tmp_path: Path):
    link = tmp_path / "nul.yml"
    link.symlink_to("/dev/zero")
    started = time.monotonic()
    tracemalloc.start()
    try:
        with hang_guard(10), pytest.raises(ProblemsError) as caught:
            read_input(link, "indicators/nul.yml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 2
    assert peak < 1024 * 1024, f"{peak:,} bytes allocated"
    assert [str(p) for p in caught.value.problems] == [
        "indicators/nul.yml: file: "
        + NOT_REGULAR.format("a symbolic link to /dev/zero, a character device")
    ]


def test_named_pipe_is_never_opened_for_reading(tmp_path: Path):
    """A reader that opened a pipe would wait for a writer forever; a writer waiting on
    the other side would see a reader come and go."""
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    with hang_guard(10):
        problem = input_problem(pipe, "data/pipe.csv")
        with pytest.raises(ProblemsError) as caught:
            read_input(pipe, "data/pipe.csv")
        # No reader was there: a writer opening without waiting finds none.
        with pytest.raises(OSError):
            os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
    expected = "data/pipe.csv: file: " + NOT_REGULAR.format("a named pipe")
    assert str(problem) == expected
    assert [str(p) for p in caught.value.problems] == [expected]


def test_missing_file_is_no_input_problem_but_no_read_either(tmp_path: Path):
    """input_problem leaves a missing file to the caller (who says what it must hold);
    read_input says it is missing."""
    assert input_problem(tmp_path / "areas.yml", "areas.yml") is None
    with pytest.raises(ProblemsError) as caught:
        read_input(tmp_path / "areas.yml", "areas.yml")
    assert [str(p) for p in caught.value.problems] == ["areas.yml: file: is missing"]


def test_data_directory_in_place_of_regions_csv(tmp_path: Path, capsys):
    monitor = write_monitor(tmp_path / "m")
    (monitor / "data" / "regions.csv").unlink()
    (monitor / "data" / "regions.csv").mkdir()
    code, err = run_cli(["check", str(monitor)], capsys)
    assert code == 1
    assert err == [
        "data/regions.csv: file: " + NOT_REGULAR.format("a directory"),
        "1 problem found",
    ]


def _setpriv_nobody() -> list[str] | None:
    """A command prefix that runs as the user nobody, if this test may and can."""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    try:
        import pwd

        pwd.getpwnam("nobody")
    except (ImportError, KeyError):
        return None
    return [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_file_without_read_permission(tmp_path: Path, capsys):
    """chmod 000: the system refuses to open the file. Root may read anything, so as
    root the check runs as nobody (when setpriv is there; else this variant skips)."""
    if os.geteuid() != 0:
        monitor = write_monitor(tmp_path / "m")
        (monitor / "data" / "werk.csv").chmod(0)
        code, err = run_cli(["check", str(monitor)], capsys)
    else:
        prefix = _setpriv_nobody()
        if prefix is None:
            pytest.skip("running as root without setpriv: cannot take the permission away")
        # nobody must reach the monitor: not under pytest's private (0700) temp dir.
        with tempfile.TemporaryDirectory(prefix="wijkmonitor-perm-") as top:
            os.chmod(top, 0o755)
            monitor = write_monitor(Path(top) / "m")
            for path in [monitor, *monitor.rglob("*")]:
                path.chmod(0o755 if path.is_dir() else 0o644)
            (monitor / "data" / "werk.csv").chmod(0)
            result = subprocess.run(
                [*prefix, sys.executable, "-m", "wijkmonitor", "check", "."],
                cwd=monitor,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
        if result.stderr.startswith(("setpriv:", "/")) or "No module named" in result.stderr:
            pytest.skip(f"nobody cannot run this Python: {result.stderr.strip()}")
        code, err = result.returncode, result.stderr.splitlines()
    assert code == 1, err
    assert err == ["data/werk.csv: file: cannot be read: Permission denied", "1 problem found"]


def test_build_does_not_publish_editor_files(tmp_path: Path, capsys):
    monitor = write_monitor(tmp_path / "m")
    site_src = monitor / "site_src"
    (site_src / "sub").mkdir(parents=True)
    (site_src / "over.md").write_text("# Over deze monitor\n", encoding="utf-8")
    (site_src / "sub" / "extra.txt").write_text("bijlage\n", encoding="utf-8")
    editor_files = {
        ".#notes.md": None,  # an emacs lock: a link to nothing
        "x.md~": "# oude versie\n",
        "#over.md#": "# auto-save\n",
        ".over.md.swp": "b0VIM",
        "sub/extra.txt~": "oud\n",
        ".hidden/page.md": "# verborgen\n",
    }
    for name, text in editor_files.items():
        path = site_src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            path.symlink_to(EMACS_LOCK)
        else:
            path.write_text(text, encoding="utf-8")
    with hang_guard(300):
        code, err = run_cli(["build", str(monitor)], capsys)
    assert code == 0, err
    site = monitor / "site"
    published = {p.relative_to(site).as_posix() for p in site.rglob("*")}
    # Control: the hand-written files are there.
    assert "over/index.html" in published and "sub/extra.txt" in published
    leaked = [p for p in published if any(n in p for n in ("notes", "x.md", "#", "swp", "~"))]
    assert leaked == []
    hidden = [p for p in published - {MARKER} if any(n.startswith(".") for n in p.split("/"))]
    assert hidden == []


def test_watcher_ignores_editor_files(tmp_path: Path):
    """The preview server rebuilds when an input changes, never for an editor's file."""
    monitor = write_monitor(tmp_path / "m")
    (monitor / "site_src").mkdir()
    (monitor / "site_src" / "over.md").write_text("# Over\n", encoding="utf-8")
    before = input_snapshot(monitor)
    assert "indicators/werkzoekenden.yml" in before and "site_src/over.md" in before
    (monitor / "indicators" / ".#werkzoekenden.yml").symlink_to(EMACS_LOCK)
    (monitor / "indicators" / "werkzoekenden.yml~").write_text("oud", encoding="utf-8")
    (monitor / "indicators" / "#werkzoekenden.yml#").write_text("x", encoding="utf-8")
    (monitor / "indicators" / ".werkzoekenden.yml.swp").write_text("x", encoding="utf-8")
    (monitor / "data" / ".werk.csv").write_text("x", encoding="utf-8")
    (monitor / "data" / "4913").write_text("", encoding="utf-8")
    (monitor / "site_src" / ".#over.md").symlink_to(EMACS_LOCK)
    (monitor / "site_src" / "over.md~").write_text("x", encoding="utf-8")
    (monitor / ".#monitor.yml").symlink_to(EMACS_LOCK)
    (monitor / "monitor.yml~").write_text("x", encoding="utf-8")
    assert changed_files(before, input_snapshot(monitor)) == []
    # Control: a real change is seen, and so is a new input (even a broken one).
    (monitor / "indicators" / "werkzoekenden.yml").write_text("title: x\n", encoding="utf-8")
    (monitor / "data" / "extra.CSV").write_text("x\n", encoding="utf-8")
    (monitor / "indicators" / "kapot.yml").symlink_to("nergens.yml")
    assert changed_files(before, input_snapshot(monitor)) == [
        "data/extra.CSV",
        "indicators/kapot.yml",
        "indicators/werkzoekenden.yml",
    ]
