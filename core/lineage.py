"""Lineage: where each figure comes from.

Every row of the loaded data carries a ``source`` (a categorical: a handful of names
for millions of rows): the tidy file's own ``source`` column (an importer writes the
StatLine table id there), else what the data source that loaded it says (the CSV
source: the file, ``data/x.csv``), else the name of the plugin that loaded it.

A result's ``data_source`` is the distinct sources of its indicator's input variables
in its period, sorted and joined with ``"; "``: computed once per (indicator, period)
with one bincount over the data, then joined onto the results by codes, so a national
results table gets its column without a Python step per row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from wijkmonitor.core.tidy import COLUMNS, NOT_AVAILABLE, SOURCE

if TYPE_CHECKING:  # monitor.py reads the data through with_source
    from wijkmonitor.core.monitor import Monitor

# The results column.
DATA_SOURCE = "data_source"
SEPARATOR = "; "
# Rows per step of the count: bounds the temporary arrays at national size.
CHUNK_ROWS = 4_000_000
# Periods are years: spans up to this are indexed by offset rather than by sorting.
MAX_SPAN = 100_000


def with_source(frame: pd.DataFrame, default: str) -> pd.DataFrame:
    """The tidy columns of ``frame`` and a categorical ``source``: the frame's own
    source where it gives one, else ``default`` (the data source's name for itself)."""
    n = len(frame)
    if SOURCE not in frame.columns:
        source = pd.Categorical.from_codes(np.zeros(n, "int8"), [default])
    else:
        given = frame[SOURCE]
        if not isinstance(given.dtype, pd.CategoricalDtype):
            given = given.astype("category")
        # Per category, not per row: empty names and missing cells (the extra last
        # name) become the default, and names that then coincide become one.
        names = [str(v).strip() or default for v in given.cat.categories] + [default]
        merged, uniques = pd.factorize(np.array(names, dtype=object))
        codes = given.cat.codes.to_numpy()
        codes = np.where(codes >= 0, codes, len(names) - 1)
        source = pd.Categorical.from_codes(merged[codes], pd.Index(uniques, dtype=str))
        source = source.remove_unused_categories()
    out = frame[COLUMNS]  # copy-on-write: the data is not copied
    out[SOURCE] = source
    return out


def _periods(period: np.ndarray) -> np.ndarray:
    """The periods to index by: for years every year from the first to the last, without
    sorting millions of rows; any other span its distinct values."""
    lo, hi = int(period.min()), int(period.max())
    if hi - lo < MAX_SPAN:
        return np.arange(lo, hi + 1)
    return np.sort(pd.unique(period))


def _positions(period: np.ndarray, periods: np.ndarray) -> np.ndarray:
    """Each period's position in ``periods`` (from :func:`_periods`)."""
    if len(periods) == periods[-1] - periods[0] + 1:  # every year: an offset
        return period - periods[0]
    return np.searchsorted(periods, period)


def data_sources(monitor: Monitor) -> pd.DataFrame:
    """``indicator, period, data_source`` for every (indicator, period) whose input
    variables have a row in the data other than ``.`` (a figure, a nil or a secret:
    the source did say something about them)."""
    data = monitor.data
    rows: list[tuple[str, int, str]] = []
    if SOURCE not in data.columns or data.empty:
        return pd.DataFrame(rows, columns=["indicator", "period", DATA_SOURCE])
    variables = data["variable"].astype("category")
    sources = data[SOURCE].astype("category")
    period = data["period"].to_numpy("int64")
    n_var, n_src = len(variables.cat.categories), len(sources.cat.categories)
    periods = _periods(period)
    n_per = len(periods)
    present = np.zeros(n_var * n_per * n_src, dtype=bool)
    said = np.asarray(data["status"].astype("category") != NOT_AVAILABLE)
    var_codes = variables.cat.codes.to_numpy()
    src_codes = sources.cat.codes.to_numpy()
    for start in range(0, len(data), CHUNK_ROWS):
        part = slice(start, start + CHUNK_ROWS)
        keep = said[part] & (var_codes[part] >= 0) & (src_codes[part] >= 0)
        position = _positions(period[part][keep], periods)
        key = (var_codes[part][keep].astype("int64") * n_per + position) * n_src
        present |= np.bincount(key + src_codes[part][keep], minlength=len(present)) > 0
    present = present.reshape(n_var, n_per, n_src)
    position_of = {str(v): i for i, v in enumerate(variables.cat.categories)}
    names = [str(s) for s in sources.cat.categories]
    for indicator_id, inputs in monitor.inputs.items():
        codes = sorted({position_of[v] for v in inputs.values() if v in position_of})
        if not codes:
            continue
        given = present[codes].any(axis=0)  # periods x sources
        for p in np.flatnonzero(given.any(axis=1)):
            joined = SEPARATOR.join(sorted(names[s] for s in np.flatnonzero(given[p])))
            rows.append((indicator_id, int(periods[p]), joined))
    return pd.DataFrame(rows, columns=["indicator", "period", DATA_SOURCE])


def add_data_source(values: pd.DataFrame, monitor: Monitor) -> pd.DataFrame:
    """``values`` (a results table: categorical ``indicator``, int ``period``) with the
    column ``data_source`` of its (indicator, period), empty where there is none."""
    table = data_sources(monitor)
    indicator = values["indicator"].astype("category")
    period = values["period"].to_numpy("int64")
    if not len(period):
        return values.assign(**{DATA_SOURCE: pd.Categorical([], categories=[])})
    periods = _periods(period)
    position = _positions(period, periods)
    labels, names = pd.factorize(table[DATA_SOURCE], sort=True)
    # The lookup: (indicator, period) -> source, a small array indexed by codes.
    lookup = np.full(len(indicator.cat.categories) * len(periods), -1, dtype="int32")
    index_of = {str(i): n for n, i in enumerate(indicator.cat.categories)}
    known = table["indicator"].isin(list(index_of)).to_numpy()
    known = known & table["period"].isin(periods).to_numpy()
    at = table.loc[known, "indicator"].map(index_of).to_numpy("int64") * len(periods)
    lookup[at + np.searchsorted(periods, table.loc[known, "period"].to_numpy("int64"))] = labels[
        known
    ]
    codes = indicator.cat.codes.to_numpy()
    found = lookup[np.maximum(codes, 0).astype("int64") * len(periods) + position]
    found = np.where(codes >= 0, found, -1)
    column = pd.Categorical.from_codes(found, categories=pd.Index(names, dtype=str))
    return values.assign(**{DATA_SOURCE: column})


def sources_by_indicator(values: pd.DataFrame) -> dict[str, dict[str, list[int]]]:
    """indicator -> data source -> its periods (sorted), from a results table's
    ``data_source`` column: what an area page lists under "Bronnen". Rows of one
    (indicator, period) share their source, so any selection of regions will do."""
    if DATA_SOURCE not in values.columns:
        return {}
    pairs = values[["indicator", "period", DATA_SOURCE]].dropna().drop_duplicates()
    nested: dict[str, dict[str, list[int]]] = {}
    for indicator, period, source in sorted(
        (str(i), int(p), str(s)) for i, p, s in pairs.itertuples(index=False)
    ):
        nested.setdefault(indicator, {}).setdefault(source, []).append(period)
    return nested
