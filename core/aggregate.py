"""Input variables on the grid, for base regions and composite areas alike.

Composites and groups are built from summed counts of their base regions, never from
averaged percentages. Given scores are combined as a mean weighted by a declared
weight: the engine sums score x weight and weight, and divides later.

Statuses travel as small codes so the worst one wins with a plain ``max``:
0 a figure (CBS ``-`` nil is the figure 0), 2 not available (``.``), 3 secret (``x``),
4 absent (no row in the data at all; shown as ``.``). The computation adds
5 not computable: every input is a figure but the formula divides by zero (a share of
nobody, a mean of no sales, a spread of fewer than two).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wijkmonitor.core import tidy
from wijkmonitor.core.grid import Grid

FIGURE, NOT_AVAILABLE, SECRET, ABSENT, NOT_COMPUTABLE = 0, 2, 3, 4, 5
# The CBS symbols of the data (core.tidy) as codes.
STATUS_CODES = {
    "": FIGURE,
    tidy.NIL: FIGURE,
    tidy.NOT_AVAILABLE: NOT_AVAILABLE,
    tidy.SECRET: SECRET,
}


def product_name(variable: str, weight: str) -> str:
    return f"{variable}*{weight}"


def _positions(codes: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each value in ``index`` (-1 if absent), per category when categorical."""
    if isinstance(codes.dtype, pd.CategoricalDtype):
        per_category = index.get_indexer(codes.cat.categories.astype(str))
        return np.append(per_category, -1)[codes.cat.codes.to_numpy()]
    return index.get_indexer(pd.Index(codes.to_numpy()))


def base_columns(
    data: pd.DataFrame, grid: Grid, variables: list[str], products: list[tuple[str, str]]
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Value and status arrays on the grid for each variable (base regions filled in)."""
    column = _positions(data["variable"], pd.Index(variables))
    keep = column >= 0
    column = column[keep]
    region_pos = _positions(data["region"], grid.regions)[keep]
    period_pos = np.searchsorted(grid.periods, data["period"].to_numpy()[keep])
    rows = grid.rows(region_pos, period_pos)
    value = data["value"].to_numpy(dtype=float)[keep]
    codes = data["status"].map(STATUS_CODES).to_numpy(dtype="int8")[keep]
    # One scatter into a variables x rows block (a row per variable is a view of it):
    # a mask per variable would read every data row once per variable.
    value_block = np.full((len(variables), grid.n_rows), np.nan)
    status_block = np.full((len(variables), grid.n_rows), ABSENT, dtype="int8")
    value_block[column, rows] = value
    status_block[column, rows] = codes
    value_block[status_block >= NOT_AVAILABLE] = np.nan
    values = {name: value_block[i] for i, name in enumerate(variables)}
    status = {name: status_block[i] for i, name in enumerate(variables)}
    for name, weight in products:
        key = product_name(name, weight)
        status[key] = np.maximum(status[name], status[weight])
        # NaN where either is no figure, so no mask is needed.
        values[key] = values[name] * values[weight]
    return values, status


def fill_areas(
    values: dict[str, np.ndarray],
    status: dict[str, np.ndarray],
    grid: Grid,
    membership: pd.DataFrame,
) -> None:
    """Sum each composite area's base regions into its rows, in place.

    A composite has a figure only when every one of its base regions has one: a sum
    over part of an area would understate it without anyone noticing.
    """
    composite = membership[membership["region"] != membership["base"]]
    if composite.empty:
        return
    area_rows = grid.expand(grid.regions.get_indexer(pd.Index(composite["region"]))).ravel()
    base_rows = grid.expand(grid.regions.get_indexer(pd.Index(composite["base"]))).ravel()
    target, group = np.unique(area_rows, return_inverse=True)
    n_members = np.bincount(group)
    for name in values:
        gathered = values[name][base_rows]
        sums = np.bincount(group, weights=np.nan_to_num(gathered), minlength=len(target))
        count = np.bincount(group, weights=~np.isnan(gathered), minlength=len(target))
        codes = status[name][base_rows]
        worst = np.zeros(len(target), dtype="int8")
        np.maximum.at(worst, group, np.where(codes == ABSENT, NOT_AVAILABLE, codes))
        best = np.full(len(target), ABSENT, dtype="int8")
        np.minimum.at(best, group, codes)
        # Incomplete sums are not available; an area with no member in the data is absent.
        code = np.where((count < n_members) & (worst < NOT_AVAILABLE), NOT_AVAILABLE, worst)
        code = np.where(best == ABSENT, ABSENT, code)
        status[name][target] = code
        values[name][target] = np.where(code < NOT_AVAILABLE, sums, np.nan)
