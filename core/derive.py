"""Parents derived from their parts (methods §13).

A base region without a row for a variable in a period gets the figure of its children
at one level (a wijk from its buurten, a gemeente from its wijken) when *every* child at
that level has a figure: the sum of counts, the weighted mean of given scores (the sum of
score x weight over the sum of the weights), exactly as composites are built
(``aggregate.fill_areas``). A child that is secret (``x``), not available (``.``) or
absent leaves the parent without a figure, never a partial sum. The parent's own row,
whatever it says (a figure, ``.`` or ``x``), always wins.

Levels are applied bottom-up (buurt children, then wijk children), so a gemeente can be
derived from wijken that were themselves derived from buurten. Everything is a groupby
on ``parent`` over the grid: a handful of ``bincount`` calls per variable and level.

Disclosure needs nothing new: ``suppression.relations`` already treats every base parent
as the exact sum of its children, so a derived parent is protected like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wijkmonitor.core.aggregate import ABSENT, FIGURE, NOT_AVAILABLE, product_name
from wijkmonitor.core.grid import Grid
from wijkmonitor.core.problems import MAX_REPORTED, Problem

# Child levels in the order they are applied (bottom-up); the code of a derived row is
# its position here + 1, 0 for a row that is not derived. Only CBS's own partition: the
# buurten of a wijk and the wijken of a gemeente cover it by definition; the PC4 areas a
# monitor lists under a gemeente usually do not (only those of its focus areas).
CHILD_LEVELS = ("buurt", "wijk")
# "More than rounding" (methods §13): a parent's own figure and the sum of its children
# differ by more than 0.5 (half a unit, the rounding of a published count) and by more
# than 0.5 % of the own figure (children published rounded, e.g. to 5, add up their
# rounding errors). Both must be exceeded before `check` warns.
ABSOLUTE_TOLERANCE = 0.5
RELATIVE_TOLERANCE = 0.005


@dataclass
class Derivation:
    """Per variable an int8 array on the grid: 0 own or none, else CHILD_LEVELS index + 1."""

    derived: dict[str, np.ndarray]
    mismatches: pd.DataFrame  # region, variable, period, own, derived


def _child_groups(grid: Grid, regions: pd.DataFrame, level: str):
    """Children at ``level`` and their parents, as grid positions grouped by parent."""
    base = regions[regions["kind"] == "base"]
    children = base[(base["level"] == level) & (base["parent"] != "")]
    parent_pos = grid.regions.get_indexer(pd.Index(children["parent"].to_numpy()))
    child_pos = grid.regions.get_indexer(pd.Index(children.index.to_numpy()))
    known = (parent_pos >= 0) & (child_pos >= 0)
    parent_pos, child_pos = parent_pos[known], child_pos[known]
    parents, group = np.unique(parent_pos, return_inverse=True)
    return parents, group, child_pos


def derive_parents(
    values: dict[str, np.ndarray],
    status: dict[str, np.ndarray],
    grid: Grid,
    regions: pd.DataFrame,
    weights: list[tuple[str, str]],
    scores: set[str],
) -> Derivation:
    """Fill derivable parent rows in place; return which rows were derived.

    ``weights`` pairs weighted score variables with their weight variable (their product
    ``product_name(score, weight)`` is a column of ``values``; a score weighted by two
    variables is derived with the last pair); ``scores`` are every variable that is a
    given score (never summed: without a weight it is not derived).
    """
    n_periods = len(grid.periods)
    derived = {name: np.zeros(grid.n_rows, dtype="int8") for name in values}
    mismatch_frames = []
    summed = [n for n in values if n not in scores]
    for level_code, level in enumerate(CHILD_LEVELS, start=1):
        parents, group, child_pos = _child_groups(grid, regions, level)
        if len(parents) == 0:
            continue
        n_children = np.bincount(group, minlength=len(parents))
        # Rows (parent x period) and the children's rows, flattened the same way.
        parent_rows = grid.expand(parents)  # (n_parents, n_periods)
        child_rows = grid.expand(child_pos).ravel()
        cell = (group[:, None] * n_periods + np.arange(n_periods)[None, :]).ravel()
        n_cells = len(parents) * n_periods
        complete_of: dict[str, np.ndarray] = {}
        sum_of: dict[str, np.ndarray] = {}
        for name in summed:
            figure = status[name][child_rows] < NOT_AVAILABLE
            count = np.bincount(cell, weights=figure, minlength=n_cells)
            sums = np.bincount(
                cell, weights=np.nan_to_num(values[name][child_rows]), minlength=n_cells
            )
            complete_of[name] = count == np.repeat(n_children, n_periods)
            sum_of[name] = sums
        # Given scores: the weighted mean, where score x weight and the weight are complete.
        for score, weight in weights:
            product = product_name(score, weight)
            if product not in sum_of or weight not in sum_of:
                continue
            with np.errstate(divide="ignore", invalid="ignore"):
                mean = sum_of[product] / sum_of[weight]
            complete_of[score] = complete_of[product] & np.isfinite(mean)
            sum_of[score] = mean
        rows = parent_rows.ravel()
        for name, complete in complete_of.items():
            own = status[name][rows]
            fill = complete & (own == ABSENT)
            values[name][rows[fill]] = sum_of[name][fill]
            status[name][rows[fill]] = FIGURE
            # A parent derived from derived children says so with its own child level.
            derived[name][rows[fill]] = level_code
            if "*" in name:
                continue
            both = complete & (own < NOT_AVAILABLE) & (derived[name][rows] == 0)
            own_value = values[name][rows]
            difference = np.abs(own_value - sum_of[name])
            off = both & (difference > ABSOLUTE_TOLERANCE)
            off &= difference > RELATIVE_TOLERANCE * np.abs(own_value)
            if off.any():
                hit = rows[off]
                mismatch_frames.append(
                    pd.DataFrame(
                        {
                            "region": grid.regions[hit // n_periods],
                            "variable": name,
                            "period": grid.periods[hit % n_periods],
                            "own": own_value[off],
                            "derived": sum_of[name][off],
                            "level": level,
                        }
                    )
                )
    columns = ["region", "variable", "period", "own", "derived", "level"]
    mismatches = (
        pd.concat(mismatch_frames, ignore_index=True)
        if mismatch_frames
        else pd.DataFrame(columns=columns)
    )
    return Derivation(derived, mismatches)


def derived_from(derived: list[np.ndarray]) -> np.ndarray:
    """Per grid row the child level an indicator's figure rests on ("" if none): the
    lowest level among its derived inputs (the deepest derivation it depends on)."""
    code = np.zeros(len(derived[0]), dtype="int8") if derived else np.zeros(0, "int8")
    for d in derived:
        code = np.where(code == 0, d, np.where(d == 0, code, np.minimum(code, d)))
    return code


def level_names(code: np.ndarray) -> pd.Categorical:
    """The codes of ``derived_from`` as the child level's name ("" for 0)."""
    return pd.Categorical.from_codes(code, categories=["", *CHILD_LEVELS])


def mismatch_warnings(mismatches: pd.DataFrame, file: str) -> list[Problem]:
    """One warning per parent whose own figure differs from its children's sum (the
    first MAX_REPORTED, then a count), naming region, variable and period."""
    if mismatches.empty:
        return []
    rows = mismatches.sort_values(["region", "variable", "period"]).head(MAX_REPORTED)
    warnings = [
        Problem(
            file,
            None,
            "value",
            f"{r.region} {r.variable} {r.period}: its own figure {r.own:g} differs from "
            f"the sum of its children at level {r.level}, {r.derived:g} (own figure used; "
            "methods §13)",
            warning=True,
        )
        for r in rows.itertuples()
    ]
    if len(mismatches) > MAX_REPORTED:
        more = len(mismatches) - MAX_REPORTED
        warnings.append(
            Problem(file, None, "value", f"... and {more} more such differences", warning=True)
        )
    return warnings


def weighted_inputs(
    inputs: dict[str, dict[str, str]], kinds: dict
) -> tuple[list[tuple[str, str]], set[str]]:
    """The (score, weight) variable pairs of weighted scores, sorted, and every variable
    that is a given score, from the kinds' declared ``weighted`` capability (never from
    names): which products the input grid holds, and how the derivation weighs."""
    pairs: set[tuple[str, str]] = set()
    scores: set[str] = set()
    for ind_id, fields in inputs.items():
        for field, weight_field in kinds[ind_id].formula.weighted.items():
            if field in fields:
                scores.add(fields[field])
                if weight_field in fields:
                    pairs.add((fields[field], fields[weight_field]))
    return sorted(pairs), scores
