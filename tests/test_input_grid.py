"""The input grid (core/inputgrid.py): derived once on loading, for check's warnings and
the computation, and never used for a monitor it was not made from."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from tests.test_derived_parents import _data, _monitor
from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.monitor import read_monitor


def _value(monitor, indicator: str, region: str, period: int) -> float:
    v = compute_results(monitor).values.set_index(["indicator", "region", "period"])
    return float(v.loc[(indicator, region, period), "value"])


def test_the_loaded_monitor_carries_the_derived_grid(tmp_path) -> None:
    monitor = _monitor(tmp_path)
    grid = monitor.input_grid
    assert grid is not None
    assert grid.made_from(
        monitor.regions, monitor.membership, monitor.data, monitor.inputs, monitor.kinds
    )
    row = grid.grid.regions.get_loc("GM0001") * len(grid.grid.periods)  # 2007
    # The gemeente has no rows of its own: 100 + 50 + 10 from its three wijken.
    assert grid.values["werkzoekenden"][row] == 160
    assert grid.derivation.derived["werkzoekenden"][row] == 2  # from wijken
    # Shared by check and compute, so nobody may write into it.
    with pytest.raises(ValueError, match="read-only"):
        grid.values["werkzoekenden"][row] = 0


def test_computing_twice_gives_the_same_results(tmp_path) -> None:
    monitor = _monitor(tmp_path)
    first, second = compute_results(monitor), compute_results(monitor)
    pd.testing.assert_frame_equal(first.values, second.values)
    pd.testing.assert_frame_equal(first.changes, second.changes)


def test_a_copy_with_other_data_does_not_use_the_grid_of_the_original(tmp_path) -> None:
    monitor = _monitor(tmp_path)
    # 6.4 % in 2007: (100 + 50 + 10) / 2500 from the wijken.
    assert _value(monitor, "werkzoekenden", "GM0001", 2007) == 6.4
    data = monitor.data.copy()
    row = (
        (data["region"] == "WK000103")
        & (data["period"] == 2007)
        & (data["variable"] == "werkzoekenden")
    )
    data.loc[row, "value"] = 60.0
    other = dataclasses.replace(monitor, data=data)
    assert not monitor.input_grid.made_from(
        other.regions, other.membership, other.data, other.inputs, other.kinds
    )
    # (100 + 50 + 60) / 2500 = 8.4 %: the copy's own figures, derived afresh.
    assert round(_value(other, "werkzoekenden", "GM0001", 2007), 9) == 8.4


def test_an_unchecked_monitor_is_computed_the_same(tmp_path) -> None:
    """read_monitor leaves the grid out; the computation then builds it itself."""
    checked = _monitor(tmp_path)
    unchecked = read_monitor(checked.dir)
    assert unchecked.input_grid is None
    pd.testing.assert_frame_equal(
        compute_results(unchecked).values, compute_results(checked).values
    )


def test_data_with_no_repeated_row_still_finds_one_added(tmp_path) -> None:
    """The bitmap that says "no repeats" must still see a repeat among many rows."""
    from wijkmonitor.core.tidy import duplicated_keys

    monitor = _monitor(tmp_path, _data())
    data = monitor.data
    assert not duplicated_keys(data).any()
    repeated = pd.concat([data, data.iloc[[3]]], ignore_index=True)
    assert np.flatnonzero(duplicated_keys(repeated)).tolist() == [len(data)]
