"""The rows of each area page (sitedata: its figures by year, its changes, its spine
rows), built per region when a page asks: the same rows, in the same order, as the
results say."""

from __future__ import annotations

import math

import pandas as pd

from tests.conftest import ROOT, write_monitor
from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.spine import SPINE_COLUMNS, spine_table
from wijkmonitor.website.sitedata import ChangeRow, SeriesByRegion, YearRow, site_data


def test_each_region_gets_its_own_rows_in_period_order(tmp_path):
    results = compute_results(load_monitor(write_monitor(tmp_path / "m")))
    values = results.values.astype({"region": str, "indicator": str, "status": str})
    series = SeriesByRegion(values)
    assert sorted(series) == sorted(set(values["region"])) and len(series) == len(
        set(values["region"])
    )
    rows = series["noordzuid"]["werkzoekenden"]
    assert [r.period for r in rows] == [2007, 2011]
    assert all(isinstance(r, YearRow) and isinstance(r.period, int) for r in rows)
    # Noord-Zuid: 150 of 2,000 in 2007 (7,5 %), 100 of 2,000 in 2011 (5,0 %); Stad 4,0 %.
    assert [round(r.value, 4) for r in rows] == [7.5, 5.0]
    assert math.isclose(rows[1].deviation, 25.0)
    assert rows[0].derived_from == ""
    assert "nowhere" not in series and series.get("nowhere", {}) == {}


def test_no_figures_no_rows(tmp_path):
    results = compute_results(load_monitor(write_monitor(tmp_path / "m")))
    series = SeriesByRegion(results.values.iloc[0:0])
    assert len(series) == 0 and list(series) == []


def test_change_and_spine_rows_are_the_tables_rows_by_region(tmp_path):
    """site.change and site.spine, built per region when a page asks, hold each row of
    the changes and spine tables once, under its region and indicator, and nothing else."""
    results = compute_results(load_monitor(write_monitor(tmp_path / "m")))
    site = site_data(results)
    expected = {
        (r.region, r.indicator): r
        for r in site.changes.assign(gap_note=site.changes["gap_note"].fillna("")).itertuples()
    }
    got = {(region, ind): row for region in site.change for ind, row in site.change[region].items()}
    assert got.keys() == expected.keys() and len(got) == len(site.changes) > 0
    for key, row in got.items():
        assert isinstance(row, ChangeRow)
        want = expected[key]
        assert row.development == want.development and row.gap_note == want.gap_note
        assert row.latest_period == want.latest_period
        assert math.isclose(row.gap_change, want.gap_change, rel_tol=0, abs_tol=0) or (
            math.isnan(row.gap_change) and math.isnan(want.gap_change)
        )
    directions = {i: ind.direction for i, ind in site.indicators.items()}
    table = spine_table(site.values, site.monitor.regions, directions)
    paged = set(site.focus_areas) | set(site.gemeenten)
    table = table[table["region"].isin(paged)]
    spine = [row for region in site.spine for row in site.spine[region].values()]
    assert {r.region for r in spine} <= paged and len(spine) == len(table) > 0
    rebuilt = pd.DataFrame(spine, columns=SPINE_COLUMNS).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        rebuilt.astype(object), table.reset_index(drop=True).astype(object), check_dtype=False
    )
    assert site.spine.get("nowhere", {}) == {} and site.change.get("nowhere", {}) == {}


def test_an_indicators_rows_are_the_values_of_that_indicator():
    """site.values_of (what an indicator page reads): exactly the rows of ``values`` of
    that indicator, in their order; an indicator without rows gets an empty table with
    the same columns."""
    site = site_data(compute_results(load_monitor(ROOT)))  # the demo: many indicators
    assert len(site.indicators) > 1
    for indicator_id in site.indicators:
        rows = site.values_of(indicator_id)
        expected = site.values[site.values["indicator"] == indicator_id]
        assert len(rows) > 0
        pd.testing.assert_frame_equal(rows, expected)
    none = site.values_of("nowhere")
    assert none.empty and list(none.columns) == list(site.values.columns)
    assert sum(len(site.values_of(i)) for i in site.indicators) == len(site.values)
