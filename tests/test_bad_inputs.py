"""The bad-input corpus (tests/bad_inputs/): every broken monitor gets one exact message.

Each case file describes a small broken monitor and the error lines it must produce
(format: tests/bad_inputs/README.md). The real CLI runs on it, in-process through
``wijkmonitor.cli.main`` (any exception escaping main would be a traceback) and, for
cases marked ``subprocess: true``, as ``python -m wijkmonitor`` too.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import signal
import subprocess
import sys
import types
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLE_2012, write_monitor
from wijkmonitor.cli import main
from wijkmonitor.core.pluginmanager import comparison_kinds, formula_kinds, plugin_manager

CASES_DIR = Path(__file__).parent / "bad_inputs"
CASES = sorted(CASES_DIR.glob("*.yml"))
KEYS = {
    "description", "base", "command", "files", "files_base64", "encoding", "patch", "delete",
    "plugin", "subprocess", "expected", "exit", "no_line", "more",
    "symlinks", "fifos", "env",
}  # fmt: skip
# file[:line]: field: what is wrong and what is allowed
LOCATED = re.compile(r"^(?P<file>[^:\s][^:]*?)(?::(?P<line>\d+))?: (?P<field>[^:]+): (?P<what>.+)$")
SUMMARY = re.compile(r"^\d+ problems? found$")


def load_case(path: Path) -> dict:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = set(case) - KEYS
    assert not unknown, f"{path.name}: unknown keys {unknown}"
    assert case.get("description"), f"{path.name}: needs a description"
    return case


def build_case(case: dict, root: Path) -> None:
    """Write the monitor (or whatever files) of ``case`` into ``root``."""
    base = case.get("base", "small")
    if base == "small":
        write_monitor(root)
    elif base == "example_2012":
        import shutil

        shutil.copytree(EXAMPLE_2012, root)
    else:
        assert base == "none", base
        root.mkdir(parents=True)
    encodings = case.get("encoding", {})
    for name, text in (case.get("files") or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(encodings.get(name, "utf-8")))
    for name, data in (case.get("files_base64") or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
    for patch in case.get("patch") or ():
        path = root / patch["file"]
        text = path.read_text(encoding="utf-8")
        assert patch["replace"] in text, f"patch target not in {patch['file']}: {patch['replace']}"
        path.write_text(text.replace(patch["replace"], patch["with"], 1), encoding="utf-8")
    for name in case.get("delete") or ():
        path = root / name
        if path.is_dir():
            import shutil

            shutil.rmtree(path)
        else:
            path.unlink()
    # Inputs that are no regular file: links (to devices, to nothing, in a loop), pipes.
    for name, target in (case.get("symlinks") or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        path.symlink_to(target)
    for name in case.get("fifos") or ():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        os.mkfifo(path)


def install_plugin(plugin: dict, site: Path) -> None:
    """Install ``plugin`` as a real distribution (module + dist-info with its entry point)."""
    module = f"wm_{plugin['name']}"
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{module}.py").write_text(plugin["source"], encoding="utf-8")
    info = site / f"wijkmonitor_{plugin['name']}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: wijkmonitor-{plugin['name']}\nVersion: 0.1\n"
    )
    (info / "entry_points.txt").write_text(f"[wijkmonitor]\n{plugin['name']} = {module}\n")


def _clear_kind_caches() -> None:
    formula_kinds.cache_clear()
    comparison_kinds.cache_clear()


def run_in_process(case: dict, monkeypatch, capsys) -> tuple[int, str, str]:
    """main() on the case; an exception escaping it fails the test (it would be a traceback)."""
    pm = plugin_manager()
    plugin = case.get("plugin")
    if plugin:
        module = types.ModuleType(f"wm_{plugin['name']}")
        exec(compile(plugin["source"], module.__name__, "exec"), module.__dict__)  # noqa: S102
        pm.register(module, name=plugin["name"])
        _clear_kind_caches()
    monkeypatch.delenv("WIJKMONITOR_DEBUG", raising=False)
    for name, value in (case.get("env") or {}).items():
        monkeypatch.setenv(name, value)
    try:
        code = main(case["command"])
    except SystemExit as exc:  # argparse
        code = exc.code
    except BaseException as exc:  # noqa: BLE001
        pytest.fail(f"exception escaped main(): {type(exc).__name__}: {exc}")
    finally:
        if plugin:
            pm.unregister(name=plugin["name"])
            _clear_kind_caches()
    captured = capsys.readouterr()
    return code, captured.out, captured.err


class Hung(BaseException):
    """A case ran past its deadline (a BaseException: main() must not catch it)."""


@contextlib.contextmanager
def hang_guard(seconds: int):
    """Fail instead of hanging the suite: a case with a named pipe that the CLI opened
    would block forever in-process."""
    if not seconds:
        yield
        return

    def hung(signum, frame):
        raise Hung(f"still running after {seconds} s (a pipe or device read?)")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_subprocess(case: dict, cwd: Path) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if k != "WIJKMONITOR_DEBUG"}
    env.update(case.get("env") or {})
    if case.get("plugin"):
        site = cwd.parent / "plugin-site"
        install_plugin(case["plugin"], site)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-m", "wijkmonitor", *case["command"]],
        capture_output=True, text=True, cwd=cwd, env=env, check=False, timeout=120,
    )  # fmt: skip
    return result.returncode, result.stdout, result.stderr


def check_structure(case: dict, line: str) -> None:
    """Every expected line names the file, the line or row, the field and what is wrong."""
    match = LOCATED.match(line)
    assert match, f"not 'file[:line]: field: message': {line}"
    assert not Path(match["file"]).is_absolute(), f"absolute path in {line}"
    if match["line"] is None:
        assert case.get("no_line"), f"no line number and no `no_line` reason: {line}"


def test_corpus_is_big_and_distinct():
    cases = [load_case(p) for p in CASES]
    expected = [tuple(c["expected"]) for c in cases if c.get("exit", 1) == 1]
    assert len(expected) >= 50
    assert all(expected), "every error case expects at least one line"
    assert len(set(expected)) == len(expected), "two cases expect the same lines"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_input(path: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    case = load_case(path)
    cwd = tmp_path / "case"
    build_case(case, cwd)
    monkeypatch.chdir(cwd)
    with hang_guard(60 if case.get("fifos") or case.get("symlinks") else 0):
        runs = [run_in_process(case, monkeypatch, capsys)]
    if case.get("subprocess"):
        runs.append(run_subprocess(case, cwd))
    want_exit = case.get("exit", 1)
    for code, out, err in runs:
        assert code == want_exit, f"exit {code}, stderr:\n{err}"
        assert "Traceback" not in out + err
        assert "internal error" not in err
        lines = err.splitlines()
        for line in case["expected"]:
            assert line in lines, f"missing line:\n{line}\nstderr was:\n{err}"
        if want_exit == 1 and not case.get("more"):
            problems = [x for x in lines if not SUMMARY.match(x)]
            assert problems == case["expected"], f"other lines on stderr:\n{err}"
    for line in case["expected"]:
        check_structure(case, line)
    if case["command"][0] == "build":
        leftovers = [p.name for p in cwd.iterdir() if p.name == "site" or ".tmp-" in p.name]
        assert leftovers == [] or want_exit == 0
    if case["command"][0] == "compute":
        assert not (cwd / "out").exists()
