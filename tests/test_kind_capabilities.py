"""Kinds are resolved once, on the loaded monitor, and act by their declared capabilities.

The computation and the pages read ``Monitor.kinds`` (never the plugin registry), the
statistical "no change" rule and the wording of p follow what a kind declares (never
its name), and the domain rules the pages show live once, in core.
"""

from __future__ import annotations

import dataclasses
import math
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import INDICATOR, write_monitor
from tests.plugin_install import registered_plugin
from wijkmonitor.core.changes import gap_unchanged
from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.hookspecs import hookimpl
from wijkmonitor.core.kinds import ComparisonKind, FormulaKind
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.pluginmanager import comparison_kinds, formula_kinds, plugin_manager
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.plugins.comparisons import ratio
from wijkmonitor.website.page_area import area_page
from wijkmonitor.website.page_indicator import indicator_page
from wijkmonitor.website.page_theme import _gap_text, theme_page
from wijkmonitor.website.sitedata import ChangeRow, site_data
from wijkmonitor.website.texts import GapChange, gap_sentence

# --- the built-in kinds declare what the engine relies on ----------------------------------


def test_built_in_formula_kinds_declare_their_count_pairs():
    kinds = formula_kinds()
    assert kinds["share"].count_pairs == (("numerator", "denominator"),)
    assert kinds["rate"].count_pairs == (("numerator", "denominator"),)
    assert kinds["quotient"].count_pairs == (
        ("numerator_a", "denominator_a"),
        ("numerator_b", "denominator_b"),
    )
    # Scores, means and spreads are not a part of a whole.
    for name in ("mean", "value", "spread", "ses_woa"):
        assert kinds[name].count_pairs == (), name


def test_a_declared_pair_makes_both_inputs_counts():
    kind = FormulaKind(
        name="incidence",
        inputs=("cases", "population"),
        compute=lambda inputs, options: inputs["cases"],
        describe=str,
        denominator="population",
        count_pairs=(("cases", "population"),),
    )
    assert kind.count_inputs() == ("population", "cases")
    assert dataclasses.replace(kind, count_pairs=()).count_inputs() == ("population",)


def test_built_in_comparison_kinds_declare_unit_and_ratio():
    kinds = comparison_kinds()
    declared = {name: (kind.deviation_unit, kind.ratio_of_values) for name, kind in kinds.items()}
    assert declared == {
        "difference": ("unit", False),
        "quotient_ratio": ("percent", True),
        "ratio": ("percent", True),
        "shifted_ratio": ("percent", False),
    }


# --- resolved once, on the loaded monitor ---------------------------------------------------

SCORE = """\
id: score
title: Buurtscore
theme: werken
definition: Een score rond nul.
direction: higher_is_better
unit: punten
formula: {kind: value, variable: score, weight: beroepsbevolking}
comparison: {kind: difference}
source: test
measurement_moment: {kind: peilmoment, date: 1 januari}
baseline_period: 2007
decimals: 2
no_change_threshold: 0.05
"""
SCORES = "".join(
    f"{region},{period},score,{value}\n"
    for region, period, value in (
        ("GM0001", 2007, 0.10),
        ("1001", 2007, -0.40),
        ("1002", 2007, -0.10),
        ("1003", 2007, 0.30),
        ("GM0001", 2011, 0.12),
        ("1001", 2011, -0.20),
        ("1002", 2011, -0.05),
        ("1003", 2011, 0.35),
    )
)


@pytest.fixture
def two_kinds(tmp_path: Path) -> Path:
    """The small monitor: a share compared by ratio, and a score compared by difference."""
    return write_monitor(
        tmp_path / "m",
        **{
            "indicators/score.yml": SCORE,
            "data/score.csv": "region,period,variable,value\n" + SCORES,
        },
    )


def test_the_loaded_monitor_carries_each_indicators_kinds(two_kinds):
    monitor = load_monitor(two_kinds)
    share, score = monitor.kinds["werkzoekenden"], monitor.kinds["score"]
    assert share.formula is formula_kinds()["share"]
    assert share.comparison is comparison_kinds()["ratio"]
    assert (share.binomial_change, share.p_in_own_unit) == (True, False)
    assert score.formula is formula_kinds()["value"]
    assert (score.binomial_change, score.p_in_own_unit) == (False, True)
    # The rules that follow from them, in one place.
    assert monitor.no_change_z("werkzoekenden") == 1.96
    assert monitor.no_change_z("score") == 0.0
    assert monitor.no_change_threshold("werkzoekenden") == 2.0
    assert monitor.no_change_threshold("score") == 0.05


def test_the_computation_uses_the_monitors_kinds(two_kinds):
    """Swap the resolved comparison of the share for a difference: p follows the swap,
    so the computation reads ``Monitor.kinds`` and not the registry."""
    monitor = load_monitor(two_kinds)
    kinds = dict(monitor.kinds)
    kinds["werkzoekenden"] = dataclasses.replace(
        kinds["werkzoekenden"], comparison=comparison_kinds()["difference"], comparison_options={}
    )
    values = compute_results(dataclasses.replace(monitor, kinds=kinds)).values
    row = values[(values["indicator"] == "werkzoekenden") & (values["region"] == "noordzuid")]
    row = row.set_index("period")
    # Noord-Zuid 2007: 150 of 2000 = 7,5 %; Stad 500 of 10000 = 5 %: 7,5 - 5 = 2,5.
    assert row.at[2007, "deviation"] == pytest.approx(2.5)
    assert row.at[2011, "deviation"] == pytest.approx(5.0 - 4.0)


def _change_se(monitor, comparison: ComparisonKind) -> float:
    kinds = dict(monitor.kinds)
    kinds["werkzoekenden"] = dataclasses.replace(kinds["werkzoekenden"], comparison=comparison)
    changes = compute_results(dataclasses.replace(monitor, kinds=kinds)).changes
    row = changes[(changes["indicator"] == "werkzoekenden") & (changes["region"] == "noordzuid")]
    return float(row["change_standard_error"].iloc[0])


def test_the_statistical_rule_follows_the_capability_not_the_name(two_kinds):
    monitor = load_monitor(two_kinds)
    by_ratio = _change_se(monitor, comparison_kinds()["ratio"])
    # Noord-Zuid against Stad: q = 0,075 of 2000 and 0,05 of 10000 in 2007, 0,05 of 2000
    # and 0,04 of 10000 in 2011; Var(p) = (100 x / x_ref)^2 (sum of (1 - q) / (q n)).
    expected_2007 = 150.0**2 * ((1 - 0.075) / (0.075 * 2000) + (1 - 0.05) / (0.05 * 10000))
    expected_2011 = 125.0**2 * ((1 - 0.05) / (0.05 * 2000) + (1 - 0.04) / (0.04 * 10000))
    assert by_ratio == pytest.approx(math.sqrt(expected_2007 + expected_2011))
    renamed = ComparisonKind(name="relatief", compute=ratio, describe=str, ratio_of_values=True)
    assert _change_se(monitor, renamed) == pytest.approx(by_ratio)
    undeclared = dataclasses.replace(renamed, ratio_of_values=False)
    assert math.isnan(_change_se(monitor, undeclared))


# --- a third-party comparison kind ------------------------------------------------------------


@hookimpl
def _register_comparisons() -> list[ComparisonKind]:
    return [
        ComparisonKind(name="relatief", compute=ratio, describe=str, ratio_of_values=True),
        ComparisonKind(name="procentueel", compute=ratio, describe=str, deviation_unit="procent"),
    ]


@pytest.fixture
def comparison_plugin():
    with registered_plugin("relatief", register_comparison_kinds=_register_comparisons) as p:
        yield p


def test_a_plugins_ratio_gets_the_statistical_rule(comparison_plugin, tmp_path):
    own = INDICATOR.replace("kind: ratio", "kind: relatief")
    root = write_monitor(tmp_path / "m", **{"indicators/werkzoekenden.yml": own})
    monitor = load_monitor(root)
    assert monitor.kinds["werkzoekenden"].comparison.name == "relatief"
    assert monitor.no_change_z("werkzoekenden") == 1.96
    changes = compute_results(monitor).changes
    assert changes["change_standard_error"].notna().all()


def test_a_deviation_unit_the_site_cannot_word_is_the_plugins_error(comparison_plugin, tmp_path):
    own = INDICATOR.replace("kind: ratio", "kind: procentueel")
    root = write_monitor(tmp_path / "m", **{"indicators/werkzoekenden.yml": own})
    with pytest.raises(ProblemsError) as caught:
        load_monitor(root)
    assert [str(p) for p in caught.value.problems] == [
        "indicators/werkzoekenden.yml: comparison.kind: the comparison kind 'procentueel' "
        "declares deviation_unit 'procent'; must be one of percent, unit (an error in the "
        "plugin, not in this file: report it to the plugin's authors)"
    ]


# --- the pages word p after the resolved kind --------------------------------------------------


def test_the_area_page_says_percent_only_where_p_is_a_percentage(two_kinds):
    site = site_data(compute_results(load_monitor(two_kinds)))
    markdown = area_page(site, "noordzuid").markdown
    intro = markdown.split("## ", 1)[0]
    assert (
        "De afwijking <strong>p</strong> zegt hoeveel procent de wijk boven (+) of onder (−) het "
        "gemiddelde van Stad ligt; bij Buurtscore zegt p hoeveel de wijk boven (+) of onder "
        "(−) het gemiddelde van Stad ligt, in de eenheid van de indicator (een verschil, "
        "geen percentage); 0 is gelijk aan dat gemiddelde." in intro
    )
    # The score's chart: a difference in points, with two decimals; the share's: in %.
    # (A chart's subtitle is a list of lines, so that it wraps on a phone.)
    assert '["verschil met Stad (punten)","0 = gelijk aan Stad"]' in markdown
    assert '["afwijking van Stad in %","0 = gelijk aan Stad"]' in markdown
    # Noord-Zuid's score (weighted by its labour force) 2011: (-0,20 x 1000 - 0,05 x 1000)
    # / 2000 = -0,125 against 0,12: p = -0,245, shown as −0,25 (not −0,2 as a percentage).
    assert "2011 −0,25" in markdown


def test_an_area_page_of_scores_only_says_no_percent(two_kinds):
    (two_kinds / "indicators/werkzoekenden.yml").unlink()
    site = site_data(compute_results(load_monitor(two_kinds)))
    intro = area_page(site, "noordzuid").markdown.split("## ", 1)[0]
    assert "procent" not in intro
    assert "zegt hoeveel de wijk boven (+) of onder (−) het gemiddelde van Stad ligt, in de " in (
        intro
    )


def test_the_indicator_page_words_the_example_and_threshold_after_the_kind(two_kinds):
    site = site_data(compute_results(load_monitor(two_kinds)))
    score = indicator_page(site, site.indicators["score"]).markdown
    assert "geeft p = −0,3." in score  # -0,25 - 0,05, no "%"
    assert "0,05 punten (punten) van p" in score
    assert "standaardfouten" not in score
    share = indicator_page(site, site.indicators["werkzoekenden"]).markdown
    assert "geeft p = +25,0 %." in share
    assert "2 punten van p (instelling van de monitor); en minder dan 1,96 standaardfouten" in (
        share
    )


def test_a_theme_diagram_of_mixed_units_does_not_call_p_a_percentage(two_kinds):
    write_monitor(
        two_kinds,
        **{
            "areas.yml": (
                "areas:\n  - id: noordzuid\n    name: Noord-Zuid\n    kind: focus_area\n"
                '    members: ["1001", "1002"]\n  - id: totaal\n    name: Totaal\n'
                "    kind: focus_total\n    members: [noordzuid]\n"
            ),
            "indicators/score.yml": SCORE,
            "data/score.csv": "region,period,variable,value\n" + SCORES,
        },
    )
    site = site_data(compute_results(load_monitor(two_kinds)))
    markdown = theme_page(site, site.monitor.themes["werken"]).markdown
    assert "afwijking van Stad in %, of bij een verschil in de eenheid van de indicator" in (
        markdown
    )


def test_the_built_ses_woa_area_page_calls_its_p_a_difference(demo):
    """The default monitor's SES-WOA scores are compared by difference: their p on the
    wijk pages is a score difference, not "hoeveel procent"."""
    monitor = demo.monitor
    area = str(monitor.regions.index[monitor.regions["kind"] == "focus_area"][0])
    html = (demo.site / f"wijk/{area}/index.html").read_text(encoding="utf-8")
    ses = [i for i in monitor.indicators.values() if monitor.kinds[i.id].p_in_own_unit]
    assert ses and all(i.id.startswith("ses_woa") for i in ses)
    assert "zegt hoeveel procent de wijk boven" in html
    assert "zegt p hoeveel de wijk boven (+) of onder (−) het gemiddelde van" in html
    for indicator in ses:
        assert indicator.title in html.split("zegt p hoeveel", 1)[0], indicator.id
    assert f"verschil met {monitor.regions.at[monitor.regions.at[area, 'reference'], 'name']}" in (
        html
    )


# --- domain rules live once, in core ------------------------------------------------------


def test_a_gap_change_is_unchanged_when_it_prints_as_zero_percent():
    assert gap_unchanged(0.49) and gap_unchanged(-0.3) and gap_unchanged(0.0)
    assert not gap_unchanged(0.5)  # printed "1 %" (half away from zero): a change
    assert not gap_unchanged(-12.0) and not gap_unchanged(float("nan"))
    row = ChangeRow("i", "r", "g", 2007, 2011, -10.0, -10.04, 0.4, "", "no_change")
    assert _gap_text(row) == "gelijk"
    assert _gap_text(row._replace(gap_change=0.5)) == "+1 %"
    gap = GapChange(2007, 2011, -10.0, -10.04, 0.4, "")
    assert "gelijk gebleven" in gap_sentence(gap, -1.0, "Wijk", "Stad")
    gap = dataclasses.replace(gap, gap_change=0.5)
    assert "met 1 % groter geworden" in gap_sentence(gap, -1.0, "Wijk", "Stad")


def test_the_results_carry_the_reference_status(two_kinds):
    """The site shows the reference's status from the results, never re-derived."""
    lines = (two_kinds / "data/werk.csv").read_text(encoding="utf-8").splitlines()
    data = "\n".join([lines[0] + ",status"] + [line + "," for line in lines[1:]]) + "\n"
    data = data.replace("GM0001,2011,werkzoekenden,400,", "GM0001,2011,werkzoekenden,,x")
    (two_kinds / "data/werk.csv").write_text(data, encoding="utf-8")
    values = compute_results(load_monitor(two_kinds)).values
    rows = values[values["indicator"] == "werkzoekenden"].astype({"region": str})
    rows = rows.set_index(["region", "period"])
    assert rows.at[("noordzuid", 2011), "reference_status"] == "x"
    assert rows.at[("noordzuid", 2011), "deviation_status"] == "x"
    assert rows.at[("noordzuid", 2007), "reference_status"] == ""
    assert rows.at[("GM0001", 2007), "reference_status"] == "."  # compared with nothing
    assert np.isnan(rows.at[("noordzuid", 2011), "deviation"])
    site = site_data(compute_results(load_monitor(two_kinds)))
    table = area_page(site, "noordzuid").markdown
    # 2011: p and the reference value are "x"; Noord-Zuid's own value is published.
    right = '<td style="text-align: right">'
    row = f'<th scope="row">2011</th>{right}x</td>{right}5,0</td>{right}x</td></tr>'
    assert row in table


# --- core names data sources by what they are, not by a built-in's name -------------------


@hookimpl
def _load_extra_data() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": ["GM0001"],
            "period": [2007],
            "variable": ["werkzoekenden"],
            "value": [500.0],
            "status": [""],
        }
    )


def test_a_figure_given_by_a_file_and_a_plugin_names_the_sources_that_give_it(tmp_path):
    plugin = types.ModuleType("wm_extra")
    plugin.load_data = _load_extra_data
    pm = plugin_manager()
    pm.register(plugin, name="extra")
    try:
        with pytest.raises(ProblemsError) as caught:
            load_monitor(write_monitor(tmp_path / "m"))
    finally:
        pm.unregister(name="extra")
    assert [str(p) for p in caught.value.problems] == [
        "data/werk.csv:2: region: GM0001, 2007, werkzoekenden is given by more than one data "
        "source ('csv_data', 'extra'); give each figure once"
    ]
