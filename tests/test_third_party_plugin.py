"""A third-party plugin package, installed for real, adds a formula kind used from YAML."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import write_monitor
from tests.plugin_install import pip_install, run_cli

PLUGIN_PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "wijkmonitor-household-size"
version = "1.2.3"

[project.entry-points.wijkmonitor]
household_size = "wm_household_size"
"""

PLUGIN_MODULE = '''\
"""Average household size: persons / households (a kind wijkmonitor does not ship)."""

from wijkmonitor.core.hookspecs import hookimpl
from wijkmonitor.core.kinds import FormulaKind


def household_size(inputs, options):
    return inputs["persons"] / inputs["households"].where(inputs["households"] != 0)


@hookimpl
def register_formula_kinds():
    return [
        FormulaKind(
            name="household_size",
            inputs=("persons", "households"),
            compute=household_size,
            denominator="households",
            describe=lambda f: f"{f['persons']} / {f['households']}",
        )
    ]
'''

INDICATOR = """\
id: huishoudensgrootte
title: Gemiddelde huishoudensgrootte
theme: werken
definition: Aantal personen per huishouden.
direction: neutral
unit: personen
formula:
  kind: household_size
  persons: personen
  households: huishoudens
comparison:
  kind: ratio
source: CBS
measurement_moment:
  kind: peilmoment
  date: 1 januari
"""

DATA = """\
region,period,variable,value
GM0001,2020,personen,21000
GM0001,2020,huishoudens,10000
1001,2020,personen,3000
1001,2020,huishoudens,1000
1002,2020,personen,2000
1002,2020,huishoudens,1000
1003,2020,personen,1000
1003,2020,huishoudens,500
"""


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory) -> Path:
    """Build and install the plugin package into its own target directory."""
    src = tmp_path_factory.mktemp("plugin-src")
    (src / "pyproject.toml").write_text(PLUGIN_PYPROJECT)
    (src / "wm_household_size.py").write_text(PLUGIN_MODULE)
    target = tmp_path_factory.mktemp("plugin-site")
    return pip_install(src, target)


def test_plugins_lists_the_third_party_kind(plugin_path):
    result = run_cli(plugin_path, "plugins")
    assert result.returncode == 0, result.stderr
    assert "household_size" in result.stdout
    assert "wijkmonitor-household-size 1.2.3" in result.stdout


def test_third_party_kind_is_computed(plugin_path, tmp_path):
    root = write_monitor(
        tmp_path / "m",
        **{
            "indicators/werkzoekenden.yml": None,
            "indicators/huishoudensgrootte.yml": textwrap.dedent(INDICATOR),
            "data/werk.csv": DATA,
        },
    )
    out = tmp_path / "out"
    result = run_cli(plugin_path, "compute", str(root), "--out", str(out))
    assert result.returncode == 0, result.stderr
    values = pd.read_csv(out / "results.csv", dtype={"region": str}).set_index("region")
    assert values.loc["GM0001", "value"] == pytest.approx(2.1)
    # The composite sums persons and households first: 5000 / 2000.
    assert values.loc["noordzuid", "value"] == pytest.approx(2.5)
    assert values.loc["noordzuid", "deviation"] == pytest.approx((2.5 / 2.1 - 1) * 100)


def test_without_the_plugin_the_kind_is_unknown(tmp_path):
    root = write_monitor(
        tmp_path / "m", **{"indicators/huishoudensgrootte.yml": textwrap.dedent(INDICATOR)}
    )
    result = subprocess.run(
        [sys.executable, "-m", "wijkmonitor", "check", str(root)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "formula.kind: 'household_size' is not one of" in result.stderr
