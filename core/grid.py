"""The grid: every region and area x every period, as positions in flat arrays.

The computation works on dense numpy arrays of one row per (region, period), region
major: row = region_position x n_periods + period_position. Joins then become array
indexing (the reference of a row, the parent of a row, the members of an area), which
keeps the cost linear in the number of regions without per-row Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Grid:
    regions: pd.Index  # codes of all regions and areas, in monitor.regions order
    periods: np.ndarray  # sorted periods (int64)

    @property
    def n_rows(self) -> int:
        return len(self.regions) * len(self.periods)

    def rows(self, region_positions: np.ndarray, period_positions: np.ndarray) -> np.ndarray:
        return np.asarray(region_positions) * len(self.periods) + np.asarray(period_positions)

    def row_periods(self) -> np.ndarray:
        """Period of every row."""
        return np.tile(self.periods, len(self.regions))

    def expand(self, region_positions: np.ndarray) -> np.ndarray:
        """Rows of the given regions for every period: shape (len, n_periods)."""
        base = np.asarray(region_positions)[:, None] * len(self.periods)
        return base + np.arange(len(self.periods))[None, :]


def reference_rows(grid: Grid, references: pd.Series) -> np.ndarray:
    """For every row, the row of its reference region in the same period, or -1."""
    ref_positions = grid.regions.get_indexer(pd.Index(references.to_numpy()))
    rows = np.repeat(ref_positions, len(grid.periods)) * len(grid.periods)
    rows = rows + np.tile(np.arange(len(grid.periods)), len(grid.regions))
    return np.where(np.repeat(ref_positions, len(grid.periods)) >= 0, rows, -1)


def take(values: np.ndarray, rows: np.ndarray, fill: float = np.nan) -> np.ndarray:
    """values[rows] with ``fill`` where rows is -1."""
    return np.where(rows >= 0, values[np.maximum(rows, 0)], fill)
