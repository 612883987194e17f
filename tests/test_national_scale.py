"""A monitor of every wijk in the Netherlands: every page is built, and an interrupted
build never leaves half a site.

Slow (about 30 s on two cores) but part of ``make test``: national scale
is what CBS and the larger gemeenten publish, so it must keep working.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from wijkmonitor.demo.national import write_monitor
from wijkmonitor.website.build import build_site

pytestmark = pytest.mark.slow

N_GEMEENTEN, N_WIJKEN = 355, 3300


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> tuple[Path, Path]:
    """A synthetic national monitor (3,300 wijken as focus areas) and its built site."""
    root = tmp_path_factory.mktemp("national")
    monitor = write_monitor(
        root / "monitor",
        n_gemeenten=N_GEMEENTEN,
        n_wijken=N_WIJKEN,
        n_buurten=0,
        n_indicators=4,
        years=range(2016, 2020),
        focus_areas=N_WIJKEN,
        site_config=ROOT / "mkdocs.yml",  # without the default monitor's own pages
    )
    site = root / "site"
    build_site(monitor, site)
    return monitor, site


def test_every_wijk_and_gemeente_page_exists(national):
    monitor, site = national
    regions = (monitor / "data/regions.csv").read_text(encoding="utf-8").splitlines()[1:]
    wijken = [line.split(",")[0] for line in regions if ",wijk," in line]
    gemeenten = [line.split(",")[0] for line in regions if ",gemeente," in line]
    assert (len(wijken), len(gemeenten)) == (N_WIJKEN, N_GEMEENTEN)
    missing = [w for w in wijken if not (site / f"wijk/focus-{w.lower()}/index.html").is_file()]
    missing += [g for g in gemeenten if not (site / f"gemeente/{g}/index.html").is_file()]
    assert missing == []
    page = (site / f"wijk/focus-{wijken[-1].lower()}/index.html").read_text(encoding="utf-8")
    assert "wm-chart" in page and "<table" in page


def _snapshot(site: Path) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_size for p in site.rglob("*") if p.is_file()}


def _interrupt_build(monitor: Path, site: Path, sig: signal.Signals) -> None:
    """Start a build over an existing site and stop it with ``sig`` while it writes pages
    (generated in the page workers, which write the new site's pages beside the old one)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "wijkmonitor", "build", str(monitor), "--site-dir", str(site)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    # Wait until the build has started writing its new site next to the old one.
    while time.monotonic() < deadline and process.poll() is None:
        work = list(site.parent.glob(f".{site.name}.tmp-*/site/wijk"))
        if work and sum(1 for _ in work[0].iterdir()) > 200:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the build ended before it could be interrupted"
    os.killpg(process.pid, sig)
    process.wait(timeout=60)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_an_interrupted_build_leaves_the_previous_site(national, sig):
    monitor, site = national
    before = _snapshot(site)
    _interrupt_build(monitor, site, sig)
    assert _snapshot(site) == before
    leftovers = list(site.parent.glob(f".{site.name}.tmp-*"))
    if sig == signal.SIGINT:
        assert leftovers == []  # Ctrl-C cleans up after itself
    for leftover in leftovers:  # a killed process cannot; the next build is unaffected
        subprocess.run(["rm", "-rf", str(leftover)], check=True)
