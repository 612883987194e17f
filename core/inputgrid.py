"""The input variables of a monitor on the grid, built once on loading.

Every input variable (and every score x weight product) as value and status arrays on
the grid of regions x periods: base regions from the data, parents derived from their
children where they have no row (methods §13, ``derive.py``), composite areas summed
from their base regions (``aggregate.fill_areas``). ``check`` needs the derivation for
its warnings and the computation needs all of it, so ``check_monitor`` builds it once
and keeps it on the :class:`~wijkmonitor.core.monitor.Monitor`; the computation reads
it and writes nothing into it (the arrays are read-only).

It is plain data that remembers what it was made from: a computation handed a monitor
whose data, regions, membership or weighted inputs differ from those (a copy with
other kinds, say) builds its own rather than use figures of something else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wijkmonitor.core.aggregate import base_columns, fill_areas
from wijkmonitor.core.derive import Derivation, derive_parents, weighted_inputs
from wijkmonitor.core.grid import Grid


@dataclass(frozen=True)
class InputGrid:
    """Read-only value and status arrays per input variable, and how parents were derived."""

    grid: Grid
    values: dict[str, np.ndarray]
    status: dict[str, np.ndarray]
    derivation: Derivation
    # What it was made from: the very tables (compared by identity, no copies) and the
    # variables and weighted pairs the indicators ask for.
    regions: pd.DataFrame
    membership: pd.DataFrame
    data: pd.DataFrame
    variables: list[str]
    weights: list[tuple[str, str]]
    scores: frozenset[str]

    def made_from(
        self,
        regions: pd.DataFrame,
        membership: pd.DataFrame,
        data: pd.DataFrame,
        inputs: dict[str, dict[str, str]],
        kinds: dict,
    ) -> bool:
        """Whether this grid is the one ``input_grid`` would build from these."""
        weights, scores = weighted_inputs(inputs, kinds)
        return (
            regions is self.regions
            and membership is self.membership
            and data is self.data
            and _variables(inputs) == self.variables
            and weights == self.weights
            and frozenset(scores) == self.scores
        )


def _variables(inputs: dict[str, dict[str, str]]) -> list[str]:
    return sorted({v for fields in inputs.values() for v in fields.values()})


def input_grid(
    regions: pd.DataFrame,
    membership: pd.DataFrame,
    data: pd.DataFrame,
    inputs: dict[str, dict[str, str]],
    kinds: dict,
) -> InputGrid:
    """Every input variable on the grid: base figures, derived parents, composites."""
    grid = Grid(regions.index, np.unique(data["period"].to_numpy(dtype="int64")))
    variables = _variables(inputs)
    weights, scores = weighted_inputs(inputs, kinds)
    values, status = base_columns(data, grid, variables, weights)
    # Parents without their own figure, from their children (methods §13), before the
    # composites are summed so that composites of derived regions have figures too.
    derivation = derive_parents(values, status, grid, regions, weights, scores)
    fill_areas(values, status, grid, membership)
    for array in (*values.values(), *status.values(), *derivation.derived.values()):
        array.flags.writeable = False
    return InputGrid(
        grid,
        values,
        status,
        derivation,
        regions,
        membership,
        data,
        variables,
        weights,
        frozenset(scores),
    )
