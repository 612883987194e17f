"""Sufficient statistics of household scores per region and period, rolled up.

Per region and period: the number of households ``n``, and per dimension d the sum
``S_d`` and the sum of squares ``Q_d`` of the scores. These add up over regions, so the
engine can combine any set of base regions exactly: mean = S / n and
SD = sqrt((Q - n * mean²) / (n - 1)).

A household counts in its own region and in every ancestor of it in
``data/regions.csv`` (a PC4's gemeente; buurt -> wijk -> gemeente), so a gemeente's
figure covers all its households, also those in its listed PC4s or buurten.
"""

from __future__ import annotations

import pandas as pd

from wijkmonitor.core.tidy import COLUMNS as TIDY_COLUMNS
from wijkmonitor.plugins.ses_woa.scoring import DIMENSIONS

COUNT = "ses_woa_huishoudens"


def sum_variable(dimension: str) -> str:
    return f"ses_woa_{dimension}_som"


def squares_variable(dimension: str) -> str:
    return f"ses_woa_{dimension}_kwadratensom"


VARIABLES = [COUNT] + [v for d in DIMENSIONS for v in (sum_variable(d), squares_variable(d))]


def ancestors(regions: pd.DataFrame) -> pd.DataFrame:
    """(region, ancestor) pairs, the region itself included, from the ``parent`` column.

    ``regions`` has the codes as index. The loop runs once per level of the hierarchy,
    never per region.
    """
    parent = regions["parent"].fillna("").astype(str)
    pairs = [pd.DataFrame({"region": regions.index, "ancestor": regions.index})]
    cursor = pd.Series(regions.index, index=regions.index)
    for _ in range(len(regions)):
        cursor = cursor.map(parent).fillna("")
        cursor = cursor[cursor != ""]
        if cursor.empty:
            break
        pairs.append(pd.DataFrame({"region": cursor.index, "ancestor": cursor.to_numpy()}))
    return pd.concat(pairs, ignore_index=True)


def region_statistics(
    households: pd.DataFrame, scores: pd.DataFrame, regions: pd.DataFrame
) -> pd.DataFrame:
    """Tidy rows (region, period, variable, value, status) for every region with households.

    ``scores`` is aligned with ``households`` (columns = :data:`DIMENSIONS`).
    """
    columns = {COUNT: 1.0}
    for d in DIMENSIONS:
        columns[sum_variable(d)] = scores[d]
        columns[squares_variable(d)] = scores[d] ** 2
    per_household = pd.DataFrame(columns, index=households.index).assign(
        region=households["region"], period=households["period"]
    )
    own = per_household.groupby(["region", "period"], as_index=False)[VARIABLES].sum()
    rolled = (
        own.merge(ancestors(regions), on="region")
        .drop(columns="region")
        .groupby(["ancestor", "period"], as_index=False)[VARIABLES]
        .sum()
        .rename(columns={"ancestor": "region"})
    )
    tidy = rolled.melt(id_vars=["region", "period"], var_name="variable", value_name="value")
    tidy["period"] = tidy["period"].astype("int64")
    tidy["value"] = tidy["value"].astype(float)
    tidy["status"] = ""
    return tidy[TIDY_COLUMNS]
