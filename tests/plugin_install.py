"""Installing a real plugin package for a test, and running the CLI that finds it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


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
