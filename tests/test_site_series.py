"""The rows of figures of each area page (sitedata.SeriesByRegion), built per region when
a page asks: the same rows, in the same order, as the results say."""

from __future__ import annotations

import math

from tests.conftest import write_monitor
from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.website.sitedata import SeriesByRegion, YearRow


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
