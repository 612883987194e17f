"""Small-number suppression: primary (below ``min_denominator``) and complementary.

A suppressed cell must not be recoverable by subtracting its published siblings from
their published parent. Where exactly one child of a parent is hidden in a period and
it is suppressed, the published sibling with the smallest denominator is suppressed
too; this is repeated until no parent has a single hidden child. Parents are the
``parent`` of base regions and the direct members of composite areas. Coverage of a
parent by its listed children is not known, so the rule errs on the safe side and
always applies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wijkmonitor.core.grid import Grid

MAX_ROUNDS = 20


@dataclass(frozen=True)
class Partitions:
    """Every (parent row, child row) pair on the grid, grouped by parent row."""

    parent_rows: np.ndarray
    child_rows: np.ndarray
    group: np.ndarray  # group number of each pair (one group per parent row)
    n_groups: int


def partitions(grid: Grid, regions: pd.DataFrame, members: dict[str, list[str]]) -> Partitions:
    base = regions[(regions["kind"] == "base") & (regions["parent"] != "")]
    parents = [base["parent"].to_numpy()]
    children = [base.index.to_numpy()]
    for area, area_members in members.items():
        parents.append(np.full(len(area_members), area, dtype=object))
        children.append(np.asarray(area_members, dtype=object))
    parent_pos = grid.regions.get_indexer(pd.Index(np.concatenate(parents)))
    child_pos = grid.regions.get_indexer(pd.Index(np.concatenate(children)))
    parent_rows = grid.expand(parent_pos).ravel()
    child_rows = grid.expand(child_pos).ravel()
    _, group = np.unique(parent_rows, return_inverse=True)
    n_groups = int(group.max()) + 1 if len(group) else 0
    return Partitions(parent_rows, child_rows, group, n_groups)


def complementary(
    suppressed: np.ndarray,
    published: np.ndarray,
    denominator: np.ndarray,
    parts: Partitions,
) -> np.ndarray:
    """Return the suppression flags (one per grid row) after complementary suppression.

    ``published`` says which rows carry a figure apart from the suppression.
    """
    suppressed = suppressed.copy()
    if parts.n_groups == 0 or not suppressed.any():
        return suppressed
    parent_published = published[parts.parent_rows]
    child_published = published[parts.child_rows]
    child_denominator = np.nan_to_num(denominator[parts.child_rows], nan=-np.inf)
    for _ in range(MAX_ROUNDS):
        flag = suppressed[parts.child_rows]
        hidden = flag | ~child_published
        n_hidden = np.bincount(parts.group, weights=hidden, minlength=parts.n_groups)
        n_flag = np.bincount(parts.group, weights=flag, minlength=parts.n_groups)
        lonely = (n_hidden == 1) & (n_flag == 1)
        candidate = (
            lonely[parts.group] & ~hidden & parent_published & ~suppressed[parts.parent_rows]
        )
        if not candidate.any():
            break
        index = np.flatnonzero(candidate)
        # Smallest denominator per parent first; ties broken by row for determinism.
        order = np.lexsort((parts.child_rows[index], child_denominator[index], parts.group[index]))
        index = index[order]
        first = np.unique(parts.group[index], return_index=True)[1]
        suppressed[parts.child_rows[index[first]]] = True
    return suppressed
