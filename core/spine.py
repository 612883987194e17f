"""The spine chart's figures: one area against all comparable areas (methods §12,
docs/methods.md).

Per indicator, one row per area: the area's value in the latest period with figures, its
reference's value, and the spread of the value over every *comparable* area — the same
level (focus areas with focus areas, gemeenten with gemeenten) compared with the same kind
of reference (the level of the reference: their gemeente, a group, or none): the lowest
and highest value and the 25th and 75th percentile. Only published figures count: a
suppressed value never enters the spread, so the published lowest, highest and
percentiles are functions of published figures alone and give no hidden figure back.

Each row is put on a scale of its own, symmetric around its centre (the reference's
value; for an area without one, the median of the comparable areas), from -1 to +1, so
rows of different units read alike; rows of a lower-is-better indicator are flipped so the
favourable side is always on the right. Descriptive (neutral) indicators are not flipped.

Vectorised over the whole results table: a handful of group-bys, no loop over areas.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from wijkmonitor.core.changes import direction_sign

# Where the centre of a row comes from.
CENTRE_REFERENCE = "reference"
CENTRE_MEDIAN = "median"
NOT_COMPARED = "not_compared"

SPINE_COLUMNS = [
    "indicator",
    "region",
    "level",
    "reference_region",
    "reference_level",
    "period",
    "value",  # NaN unless published
    "status",
    "reference_value",  # NaN unless published
    "reference_status",
    "verdict",
    "n_areas",  # comparable areas with a published value (the area itself included)
    "lowest",
    "q25",
    "q75",
    "highest",
    "centre",
    "centre_kind",
    "flipped",
    "half_range",
    "x_value",
    "x_lowest",
    "x_q25",
    "x_q75",
    "x_highest",
]
_GROUP = ["indicator", "level", "reference_level"]


def _codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a column's values (-1 for missing) and the distinct values."""
    return pd.factorize(column.to_numpy(dtype=object))


def _latest_of_groups(values: pd.DataFrame, level: pd.Series) -> pd.DataFrame:
    """The rows of ``values`` in the latest period in which their comparable group
    (indicator, level, reference level) has a published figure: a sixth of the results
    table of six periods, so the text columns below are made for those rows only (at
    national size, 1 M rows of four text columns cost seconds to copy). On integer codes:
    a level per distinct region, not per row."""
    indicator, _ = _codes(values["indicator"])
    groups = indicator.astype("int64")
    level_codes = {name: code for code, name in enumerate(pd.unique(level.to_numpy(object)))}
    for column in ("region", "reference_region"):
        codes, regions = _codes(values[column])
        # Unknown regions (no level) and missing ones share a code of their own, as the
        # missing level they had as text.
        lookup = np.array(
            [level_codes.get(lv, -1) for lv in level.reindex(regions).to_numpy(object)] + [-1],
            dtype="int64",
        )
        groups = groups * (len(level_codes) + 1) + lookup[codes] + 1
    period = values["period"].to_numpy(dtype="int64")
    published = (values["status"].astype(object) == "").to_numpy() & np.isfinite(
        values["value"].to_numpy(dtype=float)
    )
    latest = (
        pd.Series(np.where(published, period, np.nan))
        .groupby(groups, sort=False)
        .transform("max")
        .to_numpy()
    )
    return values[period == latest]


def spine_table(
    values: pd.DataFrame, regions: pd.DataFrame, directions: Mapping[str, str]
) -> pd.DataFrame:
    """The spine rows of every area and indicator in ``values`` (the results table, or
    a part of it that holds every region of the levels wanted), methods §12.

    ``regions`` is the monitor's region table (index code; ``level``), ``directions``
    maps an indicator id onto its direction. Areas of a comparable group without a
    figure in the group's latest period keep their row, with the status of their cell.
    """
    level = regions["level"].astype(str)
    # Each comparable group's rows of its latest period with a published figure; groups
    # without one have none.
    values = _latest_of_groups(values, level)
    frame = pd.DataFrame(
        {
            "indicator": values["indicator"].astype(str).array,
            "region": values["region"].astype(str).array,
            "reference_region": values["reference_region"].astype(str).array,
            "period": values["period"].to_numpy(dtype="int64"),
            "value": values["value"].to_numpy(dtype=float),
            "status": values["status"].astype(str).array,
            "reference_value": values["reference_value"].to_numpy(dtype=float),
            "reference_status": values["reference_status"].astype(str).array,
            "verdict": (
                values["verdict"].astype(str).array
                if "verdict" in values
                else np.full(len(values), NOT_COMPARED, dtype=object)
            ),
        }
    )
    frame["reference_region"] = frame["reference_region"].replace("nan", "")
    frame["level"] = frame["region"].map(level).fillna("")
    frame["reference_level"] = frame["reference_region"].map(level).fillna("")
    # Only published figures: a hidden cell's value (and a hidden reference's) is NaN here
    # whatever the table held, so nothing below can depend on it.
    published = (frame["status"] == "").to_numpy() & np.isfinite(frame["value"].to_numpy())
    frame["value"] = frame["value"].where(published)
    reference_published = (frame["reference_status"] == "").to_numpy()
    frame["reference_value"] = frame["reference_value"].where(reference_published)

    if not published.any():  # nothing published (or no indicator at all): no rows
        return pd.DataFrame(columns=SPINE_COLUMNS)
    shown = frame[frame["value"].notna()].groupby(_GROUP, sort=False)["value"]
    spread = pd.DataFrame(
        {
            "n_areas": shown.count(),
            "lowest": shown.min(),
            # Linear interpolation between the published values (pandas' default).
            "q25": shown.quantile(0.25),
            "q75": shown.quantile(0.75),
            "highest": shown.max(),
            "median": shown.median(),
        }
    )
    frame = frame.join(spread, on=_GROUP)

    reference = frame["reference_value"].to_numpy()
    has_reference = np.isfinite(reference)
    centre = np.where(has_reference, reference, frame["median"].to_numpy())
    frame["centre"] = centre
    frame["centre_kind"] = np.where(has_reference, CENTRE_REFERENCE, CENTRE_MEDIAN)
    signs = {i: direction_sign(directions[i]) for i in frame["indicator"].unique()}
    sign = frame["indicator"].map(signs).to_numpy(dtype=float)
    frame["flipped"] = sign < 0
    orient = np.where(sign < 0, -1.0, 1.0)
    # Symmetric around the centre: the farthest of lowest, highest and the area's value.
    reach = np.fmax(
        np.fmax(np.abs(frame["lowest"] - centre), np.abs(frame["highest"] - centre)),
        np.abs(frame["value"] - centre),
    ).to_numpy()
    half = np.where(np.isfinite(reach) & (reach > 0), reach, 1.0)
    frame["half_range"] = half
    for name in ("value", "lowest", "q25", "q75", "highest"):
        frame[f"x_{name}"] = orient * (frame[name].to_numpy() - centre) / half
    frame = frame.sort_values(["region", "indicator"], kind="stable", ignore_index=True)
    return frame[SPINE_COLUMNS]
