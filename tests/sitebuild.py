"""One build of the demo site (the repository root's default monitor) per test session,
shared by the page and browser tests."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT
from wijkmonitor.core.monitor import Monitor, load_monitor
from wijkmonitor.website.build import BuildSummary, build_site


@dataclass(frozen=True)
class BuiltSite:
    monitor_dir: Path
    site: Path
    summary: BuildSummary
    monitor: Monitor


_built: list[BuiltSite] = []


def demo_monitor_dir() -> Path:
    return ROOT


def demo_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """Build the demo site once; later calls in the session get the same build."""
    if not _built:
        monitor_dir = demo_monitor_dir()
        site = tmp_path_factory.mktemp("demo") / "site"
        summary = build_site(monitor_dir, site)
        _built.append(BuiltSite(monitor_dir, site, summary, load_monitor(monitor_dir)))
    return _built[0]


def tree(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``root``."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def leftovers(site: Path) -> list[str]:
    """What a build left beside the site directory (temporary or old sites)."""
    return sorted(p.name for p in site.parent.iterdir() if p.name != site.name)
