"""The computation on a small monitor whose every figure can be checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import DATA, write_monitor
from wijkmonitor.core.changes import development, gap_change
from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.monitor import load_monitor


def _value(results, region, period):
    rows = results.values
    row = rows[(rows["region"] == region) & (rows["period"] == period)]
    assert len(row) == 1
    return row.iloc[0]


def test_composite_is_summed_from_counts_not_averaged(small_monitor):
    results = compute_results(load_monitor(small_monitor))
    row = _value(results, "noordzuid", 2007)
    # (100 + 50) / (1000 + 1000), not the mean of 10 % and 5 %.
    assert row["value"] == pytest.approx(7.5)
    assert row["reference_region"] == "GM0001"
    assert row["reference_value"] == pytest.approx(5.0)
    assert row["deviation"] == pytest.approx(50.0)


def test_every_region_is_compared_with_its_gemeente(small_monitor):
    results = compute_results(load_monitor(small_monitor))
    row = _value(results, "1001", 2011)
    assert row["value"] == pytest.approx(6.0)
    assert row["deviation"] == pytest.approx((6.0 / 4.0 - 1) * 100)
    gemeente = _value(results, "GM0001", 2011)
    assert gemeente["reference_region"] == "" and np.isnan(gemeente["deviation"])


def test_gap_change_and_development(small_monitor):
    results = compute_results(load_monitor(small_monitor))
    changes = results.changes.set_index("region")
    row = changes.loc["noordzuid"]
    assert (row["baseline_period"], row["latest_period"]) == (2007, 2011)
    # p: 50 -> (5 / 4 - 1) x 100 = 25: the gap halved.
    assert row["deviation_latest"] == pytest.approx(25.0)
    assert row["gap_change"] == pytest.approx(-50.0)
    # Binomial standard errors of p (delta method), by hand:
    # 2007: 150 / 2000 against 500 / 10000 -> 150 x sqrt(0.925/150 + 0.95/500) = 13.47
    # 2011: 100 / 2000 against 400 / 10000 -> 125 x sqrt(0.95/100 + 0.96/400) = 13.64
    se = np.hypot(150 * np.sqrt(0.925 / 150 + 0.95 / 500), 125 * np.sqrt(0.95 / 100 + 0.96 / 400))
    assert row["change_standard_error"] == pytest.approx(se)
    # 25 points is less than 1.96 x 19.2: with these few people it may be chance.
    assert row["development"] == "no_change"


def test_without_the_statistical_rule_the_threshold_decides(tmp_path):
    root = write_monitor(
        tmp_path / "m", **{"monitor.yml": "title: T\nsettings:\n  no_change_z: 0\n"}
    )
    changes = compute_results(load_monitor(root)).changes.set_index("region")
    assert changes.loc["noordzuid", "development"] == "favourable"


def test_with_large_counts_a_change_is_significant(tmp_path):
    from tests.conftest import DATA

    big = "\n".join(
        line
        if i == 0 or not line
        else line.rsplit(",", 1)[0] + "," + str(int(line.rsplit(",", 1)[1]) * 100)
        for i, line in enumerate(DATA.splitlines())
    )
    root = write_monitor(tmp_path / "m", **{"data/werk.csv": big + "\n"})
    row = compute_results(load_monitor(root)).changes.set_index("region").loc["noordzuid"]
    # Same shares, a hundred times the people: the standard error is ten times smaller.
    assert row["change_standard_error"] < 2.0
    assert row["development"] == "favourable"


@pytest.mark.parametrize("minimum", [600, 1000])
def test_primary_and_complementary_suppression(tmp_path, minimum):
    # 1003 has 500 in the denominator: below the minimum it is suppressed. GM0001 minus
    # 1001 and 1002 would give it away, so a sibling goes too; then the focus area
    # noordzuid = 1001 + 1002 would give that sibling away, so the other one goes too;
    # and then GM0001 minus noordzuid would still be 1003: noordzuid goes as well.
    from tests.conftest import INDICATOR

    indicator = INDICATOR.replace("min_denominator: 50", f"min_denominator: {minimum}")
    root = write_monitor(tmp_path / "m", **{"indicators/werkzoekenden.yml": indicator})
    monitor = load_monitor(root)
    v = compute_results(monitor).values
    v = v[v["period"] == 2007].set_index("region")
    assert v.loc["1003", "status"] == "x" and np.isnan(v.loc["1003", "value"])
    assert v.loc["GM0001", "status"] == "" and v.loc["GM0001", "denominator"] == 10000
    assert sorted(v.index[v["status"] == "x"]) == ["1001", "1002", "1003", "noordzuid"]
    # Nothing of a suppressed cell travels: no value, no count, no p.
    secret = v[v["status"] == "x"]
    assert secret[["value", "denominator", "deviation"]].isna().all().all()
    assert (secret["deviation_status"] == "x").all()


def test_a_composite_of_one_suppressed_member_is_suppressed(tmp_path):
    # oost = 1003 alone: publishing oost would publish 1003.
    from tests.conftest import AREAS, INDICATOR

    oost = '  - id: oost\n    name: Oost\n    kind: focus_area\n    members: ["1003"]\n'
    indicator = INDICATOR.replace("min_denominator: 50", "min_denominator: 600")
    files = {"areas.yml": AREAS + oost, "indicators/werkzoekenden.yml": indicator}
    v = compute_results(load_monitor(write_monitor(tmp_path / "m", **files))).values
    v = v[v["period"] == 2011].set_index("region")
    assert v.loc["oost", "status"] == "x" and np.isnan(v.loc["oost", "denominator"])


def test_status_travels_and_symbols_are_never_zero(tmp_path):
    data = """\
    region,period,variable,value,status
    GM0001,2007,werkzoekenden,500,
    GM0001,2007,beroepsbevolking,10000,
    1001,2007,werkzoekenden,,x
    1001,2007,beroepsbevolking,1000,
    1002,2007,werkzoekenden,.,
    1002,2007,beroepsbevolking,1000,
    1003,2007,werkzoekenden,-,
    1003,2007,beroepsbevolking,500,
    """
    root = write_monitor(tmp_path / "m", **{"data/werk.csv": data})
    v = compute_results(load_monitor(root)).values.set_index("region")
    assert v.loc["1001", "status"] == "x" and np.isnan(v.loc["1001", "value"])
    assert v.loc["1002", "status"] == "." and np.isnan(v.loc["1002", "value"])
    # A composite with a secret member is secret too: its sum would be incomplete.
    assert v.loc["noordzuid", "status"] == "x"
    # noordzuid = 1001 + 1002 = GM0001 - 1003: with 1003 published, the secret composite
    # would follow from the gemeente, so 1003 (a nil, 0 of 500) is suppressed with it.
    assert v.loc["1003", "status"] == "x" and np.isnan(v.loc["1003", "value"])
    assert np.isnan(v.loc["1002", "denominator"]) and np.isnan(v.loc["1001", "denominator"])


def test_given_scores_combine_as_weighted_mean(tmp_path):
    indicator = """\
    id: cito
    title: Cito
    theme: werken
    definition: Gemiddelde score.
    direction: higher_is_better
    unit: score
    formula: {kind: value, variable: cito, weight: leerlingen}
    comparison: {kind: shifted_ratio, offset: 200}
    source: Cito
    measurement_moment: {kind: peilmoment, date: februari}
    """
    data = """\
    region,period,variable,value
    GM0001,2007,cito,-12
    GM0001,2007,leerlingen,1000
    1001,2007,cito,-60
    1001,2007,leerlingen,30
    1002,2007,cito,-40
    1002,2007,leerlingen,10
    """
    root = write_monitor(
        tmp_path / "m",
        **{
            "indicators/werkzoekenden.yml": None,
            "indicators/cito.yml": indicator,
            "data/werk.csv": data,
        },
    )
    v = compute_results(load_monitor(root)).values.set_index("region")
    assert v.loc["noordzuid", "value"] == pytest.approx(-55.0)
    # ((-55 + 200) / (-12 + 200) - 1) x 100
    assert v.loc["noordzuid", "deviation"] == pytest.approx((145 / 188 - 1) * 100)


@pytest.mark.parametrize(
    ("p_baseline", "p_latest", "expected"),
    # docs/methods.md §4: the report's own checks (G18; Cito G4).
    [(41.2, 37.0, -10), (60.8, 43.5, -28), (31.7, 37.5, 18), (16.2, 9.1, -44), (-19.3, -21.4, 11)],
)
def test_gap_change_reproduces_the_report(p_baseline, p_latest, expected):
    change, note = gap_change(np.array([p_baseline]), np.array([p_latest]))
    assert round(change[0]) == expected and note[0] == ""


def test_gap_change_sign_change_and_zero_baseline():
    change, note = gap_change(np.array([5.0, 0.0, -3.0]), np.array([-2.0, 4.0, -1.5]))
    assert list(note) == ["sign_change", "baseline_zero", ""]
    assert np.isnan(change[0]) and np.isnan(change[1]) and change[2] == pytest.approx(-50.0)


def test_development_classes():
    p_b = np.array([20.0, 20.0, 20.0, -10.0, np.nan, 20.0, 20.0])
    p_l = np.array([10.0, 30.0, 21.0, -12.0, 5.0, 10.0, 25.0])
    sign = np.array([-1.0, -1.0, -1.0, -1.0, -1.0, 0.0, 1.0])
    classes = development(p_b, p_l, sign, threshold=2.0)
    assert list(classes) == [
        "favourable",
        "unfavourable",
        "no_change",
        "better_and_staying_better",
        "insufficient_data",
        "not_applicable",
        "better_and_staying_better",
    ]


def test_one_period_of_figures_is_no_development(tmp_path):
    """With figures for one year only, baseline and latest coincide: that is not "no
    change" but too little to say anything."""
    data = "\n".join(line for line in DATA.splitlines() if ",2011," not in line) + "\n"
    root = write_monitor(tmp_path / "m", **{"data/werk.csv": data})
    changes = compute_results(load_monitor(root)).changes
    assert len(changes) > 0
    assert (changes["latest_period"] == 2007).all()
    assert changes["deviation_baseline"].isna().all() and changes["gap_change"].isna().all()
    assert changes["development"].eq("insufficient_data").all()
