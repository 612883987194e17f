"""The example third-party plugin (examples/plugins/woningbezetting), installed for real
as a package, adds a formula kind, a page section and a download to a built site."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ROOT, write_monitor
from tests.plugin_install import pip_install, run_cli

EXAMPLE = ROOT / "examples" / "plugins" / "woningbezetting"

INDICATOR = """\
id: woningbezetting
title: Woningbezetting
theme: werken
definition: Het aantal bewoners per woning.
direction: neutral
unit: bewoners per woning
formula:
  kind: woningbezetting
  persons: bewoners
  dwellings: woningen
comparison:
  kind: ratio
source: CBS
measurement_moment:
  kind: peilmoment
  date: 1 januari
decimals: 2
min_denominator: 2500
"""

DATA = """\
region,period,variable,value
GM0001,2020,bewoners,21000
GM0001,2020,woningen,10000
1001,2020,bewoners,3000
1001,2020,woningen,1000
1002,2020,bewoners,2000
1002,2020,woningen,1000
1003,2020,bewoners,1000
1003,2020,woningen,500
"""


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory) -> Path:
    """pip-install the example package (no network, no build isolation) into a target."""
    target = tmp_path_factory.mktemp("example-plugin")
    # Build from a copy: setuptools writes build/ and *.egg-info beside the sources.
    source = tmp_path_factory.mktemp("example-src") / "woningbezetting"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "wm_woningbezetting.py"):
        (source / name).write_bytes((EXAMPLE / name).read_bytes())
    return pip_install(source, target)


def test_plugins_lists_the_example_and_its_hooks(plugin_path):
    result = run_cli(plugin_path, "plugins")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("woningbezetting "))
    assert "wijkmonitor-woningbezetting 1.0.0" in lines[start]
    assert [line.strip() for line in lines[start + 1 : start + 4]] == [
        "register_formula_kinds: woningbezetting",
        "register_pages",
        "register_downloads",
    ]


def test_a_site_built_with_the_example_plugin(plugin_path, tmp_path):
    root = write_monitor(
        tmp_path / "m",
        **{
            "indicators/werkzoekenden.yml": None,
            "indicators/woningbezetting.yml": INDICATOR,
            "data/werk.csv": None,
            "data/wonen.csv": DATA,
        },
    )
    site = tmp_path / "site"
    result = run_cli(plugin_path, "build", str(root), "--site-dir", str(site))
    assert result.returncode == 0, result.stderr

    # The kind: the gemeente's value; the focus area (2,000 dwellings) lies below
    # min_denominator 2,500 and is suppressed, on the site and in the plugin's download.
    values = pd.read_csv(site / "downloads/results.csv", dtype={"region": str})
    values = values.set_index("region")
    assert values.loc["GM0001", "value"] == pytest.approx(2.1)
    assert values.loc["noordzuid", "status"] == "x"

    # The section, on the page of the indicator of its kind, links to the download.
    page = (site / "indicator/woningbezetting/index.html").read_text("utf-8")
    assert "Over de woningbezetting</h2>" in page
    assert "aantal bewoners per woning" in page
    assert 'href="../../downloads/woningbezetting.csv"' in page

    # The download: the published values of the indicator, and nothing suppressed.
    download = pd.read_csv(site / "downloads/woningbezetting.csv", dtype={"region": str})
    rows = download.set_index("region")
    assert sorted(rows.index) == ["GM0001", "noordzuid"]
    assert rows.loc["GM0001", "value"] == pytest.approx(2.1)
    assert rows.loc["noordzuid", "status"] == "x" and pd.isna(rows.loc["noordzuid", "value"])
    assert (rows["indicator"] == "woningbezetting").all() and (rows["period"] == 2020).all()
    listed = (site / "downloads/index.html").read_text("utf-8")
    assert "woningbezetting.csv" in listed and "bewoners per woning per gebied" in listed
