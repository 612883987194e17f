"""Plugins for tests: a real package installed and the CLI run with it, or a module
registered in this process as an installed plugin would be."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path

from wijkmonitor.core.pluginmanager import comparison_kinds, formula_kinds, plugin_manager


def pip_install(source: Path, target: Path) -> Path:
    """Install the package at ``source`` into ``target`` as pip would for a user (no
    network, no build isolation: the venv's setuptools builds it)."""
    subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
            "--no-build-isolation", "--no-index", "--target", str(target), str(source),
        ],
        check=True,
    )  # fmt: skip
    return target


def run_cli(plugin_path: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m wijkmonitor ARGS`` with the installed plugin on the path."""
    env = {**os.environ, "PYTHONPATH": str(plugin_path)}
    return subprocess.run(
        [sys.executable, "-m", "wijkmonitor", *args],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip


@contextlib.contextmanager
def registered_plugin(name: str, **hooks: Callable) -> Iterator[types.ModuleType]:
    """A plugin module with these hook implementations, registered with the process's
    plugin manager as an installed one would be (an entry point only adds the import),
    and removed afterwards; the kinds are looked up afresh on both sides."""
    plugin = types.ModuleType(f"wm_{name}")
    for hook, implementation in hooks.items():
        setattr(plugin, hook, implementation)
    pm = plugin_manager()
    pm.register(plugin, name=name)
    formula_kinds.cache_clear()
    comparison_kinds.cache_clear()
    try:
        yield plugin
    finally:
        pm.unregister(name=name)
        formula_kinds.cache_clear()
        comparison_kinds.cache_clear()
