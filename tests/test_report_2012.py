"""The 2012 Outcomemonitor report, reproduced cell by cell from its printed figures.

The report prints, per indicator, group and year, the figure of the group's
aandachtswijken, the figure of the group and the deviation p. The inputs are
printed rounded (to whole numbers, or to two decimals for the quotients), so p
computed from them differs slightly from the printed p. A printed p counts as
reproduced when it lies between the smallest and largest p the engine computes for
inputs anywhere inside their rounding interval (plus the rounding of p itself).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import EXAMPLE_2012
from wijkmonitor.core.changes import gap_change
from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.kind_checks import resolved_options
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.pluginmanager import comparison_kinds

# The 1-7 leefbaarheidsscore: the report's shift c cannot be recovered (docs/methods.md §3).
UNRECOVERABLE = {"leefbaarheidsscore"}


@pytest.fixture(scope="module")
def monitor():
    return load_monitor(EXAMPLE_2012)


@pytest.fixture(scope="module")
def results(monitor):
    return compute_results(monitor)


@pytest.fixture(scope="module")
def printed():
    """The printed tables, one row per indicator x group x year, inputs kept as text."""
    raw = pd.read_csv(EXAMPLE_2012 / "printed/report_2012_group_tables.csv", dtype=str)
    wide = raw.pivot_table(
        index=["indicator", "group", "period"], columns="series", values="value", aggfunc="first"
    ).reset_index()
    wide["period"] = wide["period"].astype(int)
    return wide


def _half_unit(text: pd.Series) -> np.ndarray:
    decimals = text.str.partition(".")[2].str.len()
    return 0.5 * 10.0 ** (-decimals.to_numpy(dtype=float))


def _bounds(monitor, indicator_id, focus, reference, h_focus, h_reference):
    indicator = monitor.indicators[indicator_id]
    kind = comparison_kinds()[indicator.comparison_kind]
    options = resolved_options(indicator.comparison, kind.options)

    def p(x, r):
        return kind.compute(pd.Series(x), pd.Series(r), options).to_numpy()

    corners = [
        p(focus + sf * h_focus, reference + sr * h_reference) for sf in (-1, 1) for sr in (-1, 1)
    ]
    return np.min(corners, axis=0), np.max(corners, axis=0)


def test_every_printed_deviation_is_reproduced(monitor, results, printed):
    computed = results.values.assign(region=results.values["region"].astype(str))
    computed = computed[computed["region"].str.endswith("-aandachtswijken")]
    computed = computed.assign(group=computed["region"].str.removesuffix("-aandachtswijken"))
    merged = printed.merge(
        computed.assign(indicator=computed["indicator"].astype(str)),
        on=["indicator", "group", "period"],
        how="left",
        validate="one_to_one",
    )
    assert len(merged) == 372 and merged["deviation"].notna().all()
    merged["reference_region"] = merged["reference_region"].astype(str)
    assert (merged["reference_region"] == merged["group"]).all()

    reproduced = 0
    failures = []
    for indicator_id, rows in merged.groupby("indicator"):
        focus = rows["focus"].astype(float).to_numpy()
        reference = rows["reference"].astype(float).to_numpy()
        # The engine used exactly the printed inputs.
        assert np.allclose(rows["value"], focus) and np.allclose(rows["reference_value"], reference)
        low, high = _bounds(
            monitor,
            indicator_id,
            focus,
            reference,
            _half_unit(rows["focus"]),
            _half_unit(rows["reference"]),
        )
        p_printed = rows["deviation_printed"].astype(float).to_numpy()
        inside = (p_printed >= low - 0.05) & (p_printed <= high + 0.05)
        if indicator_id in UNRECOVERABLE:
            # Our assumption c = 0 is consistent with the printed figures, no more.
            assert inside.all()
            continue
        reproduced += int(inside.sum())
        failures += [
            (indicator_id, g, y, pp, lo, hi)
            for g, y, pp, lo, hi, ok in zip(
                rows["group"], rows["period"], p_printed, low, high, inside, strict=True
            )
            if not ok
        ]
    assert failures == []
    assert reproduced == 363


def test_computed_deviations_are_close_to_the_printed_ones(results, printed):
    """Beyond the interval check: the typical distance to the printed p, in points."""
    v = results.values[results.values["region"].astype(str).str.endswith("-aandachtswijken")]
    v = v.assign(
        group=v["region"].astype(str).str.removesuffix("-aandachtswijken"),
        indicator=v["indicator"].astype(str),
    )
    merged = printed.merge(v, on=["indicator", "group", "period"])
    merged = merged[~merged["indicator"].isin(UNRECOVERABLE)]
    diff = (merged["deviation"] - merged["deviation_printed"].astype(float)).abs()
    assert len(merged) == 363
    # Measured: median 0.17, 90th percentile 2.9 points of p (inputs rounded to units;
    # the largest distances are small figures such as 3 % against 2 %).
    assert diff.median() < 0.5
    assert diff.quantile(0.9) < 3.5


@pytest.mark.parametrize(
    ("indicator", "group", "expected"),
    # docs/methods.md §4: the gap changes the report states in its text.
    [
        ("sociale_huurwoningen", "G18", -10),
        ("niet_werkend_werkzoekenden", "G18", -28),
        ("voortijdig_schoolverlaters", "G18", 18),
        ("pasgeborenen_extra_zorg", "G18", -44),
        ("cito_score", "G4", 11),
    ],
)
def test_the_reports_gap_changes(monitor, results, printed, indicator, group, expected):
    changes = results.changes
    row = changes[
        (changes["indicator"] == indicator) & (changes["region"] == f"{group}-aandachtswijken")
    ].iloc[0]
    rows = printed[(printed["indicator"] == indicator) & (printed["group"] == group)]
    by_year = rows.set_index("period")
    baseline, latest = row["baseline_period"], row["latest_period"]
    # The baseline and latest periods are the report's.
    assert (baseline, latest) == (rows["period"].min(), rows["period"].max())
    # From the printed p, the engine's gap change gives the report's rounded figure.
    p_b = float(by_year.loc[baseline, "deviation_printed"])
    p_l = float(by_year.loc[latest, "deviation_printed"])
    change, note = gap_change(np.array([p_b]), np.array([p_l]))
    assert round(change[0]) == expected and note[0] == ""
    # From the printed inputs, the engine's gap change lies within their rounding.
    low_b, high_b = _bounds(
        monitor,
        indicator,
        np.array([float(by_year.loc[baseline, "focus"])]),
        np.array([float(by_year.loc[baseline, "reference"])]),
        _half_unit(by_year.loc[[baseline], "focus"]),
        _half_unit(by_year.loc[[baseline], "reference"]),
    )
    low_l, high_l = _bounds(
        monitor,
        indicator,
        np.array([float(by_year.loc[latest, "focus"])]),
        np.array([float(by_year.loc[latest, "reference"])]),
        _half_unit(by_year.loc[[latest], "focus"]),
        _half_unit(by_year.loc[[latest], "reference"]),
    )
    gaps_b = np.abs([low_b[0], high_b[0]])
    gaps_l = np.abs([low_l[0], high_l[0]])
    lowest = (gaps_l.min() - gaps_b.max()) / gaps_b.max() * 100
    highest = (gaps_l.max() - gaps_b.min()) / gaps_b.min() * 100
    assert lowest <= row["gap_change"] <= highest
    assert lowest <= expected <= highest


def test_theme_diagrams_use_the_reports_baseline_and_latest_period(results, printed):
    """Table 2.2 etc. print p at the Nulmeting and the latest period, as whole numbers.

    The engine must pick the same two periods: the printed p of the group tables at
    the engine's baseline and latest period round to the theme diagram's figures.
    """
    themes = pd.read_csv(EXAMPLE_2012 / "printed/report_2012_theme_tables.csv")
    themes = themes[themes["focus"] == "G18 aandachtswijken"]
    changes = results.changes[results.changes["region"] == "G18-aandachtswijken"]
    changes = changes.set_index(changes["indicator"].astype(str))
    p = printed[printed["group"] == "G18"].set_index(["indicator", "period"])["deviation_printed"]
    compared = themes[themes["indicator"].isin(changes.index)]
    assert len(compared) == 16
    for _, row in compared.iterrows():
        ours = changes.loc[row["indicator"]]
        p_b = float(p[(row["indicator"], ours["baseline_period"])])
        p_l = float(p[(row["indicator"], ours["latest_period"])])
        assert abs(p_b - row["deviation_baseline"]) <= 1, row["indicator"]
        assert abs(p_l - row["deviation_latest"]) <= 1, row["indicator"]
