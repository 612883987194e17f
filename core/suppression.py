"""Small-number suppression: primary (below ``min_denominator``) and complementary
(methods §6).

A suppressed cell must not be recoverable from what is published. Every published
figure is part of linear relations — *sums*: a base region's figure is the sum of its
children's (a gemeente = its wijken, a wijk = its buurten), and a composite area's is
the sum of its base regions (that is how the engine computes it). The numerator and
the denominator of a cell are hidden or published together, so one pattern protects
both. Coverage of a parent by its listed children is not known; the rules assume every
sum is exact, which errs on the safe side (more relations can only disclose more).

Two stages, repeated until neither changes anything:

1. **Relation rule** (vectorised over the whole grid). A relation (parent and children,
   in one period) with exactly one hidden cell gives it away as the parent minus the
   others, or the sum of the children. Where that cell is secret, the published cell of
   the relation with the smallest denominator is suppressed too (children before the
   parent, which is usually a figure people look for).
2. **Exact check** where the relation rule is not enough. Relations of base regions form
   a tree; when every hidden cell of a connected set of hidden cells is secret and only
   tree relations join them, stage 1 is exact (a hidden cell is recoverable only if it is
   a bridge of the graph of hidden cells, and in a tree no relation with zero or two or
   more hidden cells leaves one). Composites overlap the tree (a gemeente minus a focus
   area is the rest of the gemeente; focus area A minus focus area B is A's extra
   member), and a hidden cell that is not secret (``.``) may itself be recoverable. Such
   components are solved with linear algebra: a secret cell is recoverable when its unit
   vector lies in the row space of the relations restricted to hidden cells, i.e. when
   the null space has no component along it. One published cell of the relations that
   combine to it is then suppressed, and both stages run again.

The exact check runs only on components with a secret cell and a composite or a hidden
non-secret cell, so a national monitor of base regions never pays for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wijkmonitor.core.grid import Grid

# Singular values and null-space components below this count as zero: the relation
# matrices hold only -1, 0 and 1 and have at most a few hundred columns.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Relations:
    """Every sum on the grid: (relation, cell) pairs, a relation per parent row.

    ``relation[i]`` is the relation number of pair i, ``cell[i]`` its grid row and
    ``is_parent[i]`` whether that row is the relation's parent (the sum).
    ``composite[r]`` says whether relation r is a composite area's (not a tree relation).
    """

    relation: np.ndarray
    cell: np.ndarray
    is_parent: np.ndarray
    composite: np.ndarray
    n_relations: int


def relations(grid: Grid, regions: pd.DataFrame, membership: pd.DataFrame) -> Relations:
    """The relations of a monitor: base parents = their children, composites = their bases.

    ``membership`` maps each region and area onto its base regions (see regions.py);
    composites are summed from exactly those, so those sums are what a reader can use.
    """
    base = regions[(regions["kind"] == "base") & (regions["parent"] != "")]
    flat = membership[membership["region"] != membership["base"]]
    parents = np.concatenate([base["parent"].to_numpy(dtype=object), flat["region"].to_numpy()])
    children = np.concatenate([base.index.to_numpy(dtype=object), flat["base"].to_numpy()])
    from_composite = np.concatenate([np.zeros(len(base), bool), np.ones(len(flat), bool)])
    parent_pos = grid.regions.get_indexer(pd.Index(parents))
    child_pos = grid.regions.get_indexer(pd.Index(children))
    known = (parent_pos >= 0) & (child_pos >= 0)
    parent_pos, child_pos = parent_pos[known], child_pos[known]
    from_composite = from_composite[known]
    # One relation per parent region, repeated for every period.
    parent_regions, parent_index = np.unique(parent_pos, return_inverse=True)
    n_periods = len(grid.periods)
    composite_region = np.zeros(len(parent_regions), bool)
    composite_region[parent_index[from_composite]] = True
    pairs_parent = np.concatenate([np.arange(len(parent_regions)), parent_index])
    pairs_cell = np.concatenate([parent_regions, child_pos])
    is_parent = np.concatenate([np.ones(len(parent_regions), bool), np.zeros(len(child_pos), bool)])
    period = np.arange(n_periods)
    relation = (pairs_parent[:, None] * n_periods + period[None, :]).ravel()
    cell = grid.expand(pairs_cell).ravel()
    return Relations(
        relation=relation,
        cell=cell,
        is_parent=np.repeat(is_parent, n_periods),
        composite=np.repeat(composite_region, n_periods),
        n_relations=len(parent_regions) * n_periods,
    )


def _pick(pairs: np.ndarray, rel: Relations, denominator: np.ndarray) -> np.ndarray:
    """Per relation among ``pairs``: the cell to suppress (child with the smallest
    denominator first, the parent last; ties by row, for determinism)."""
    size = np.nan_to_num(denominator[rel.cell[pairs]], nan=np.inf)
    order = np.lexsort((rel.cell[pairs], size, rel.is_parent[pairs], rel.relation[pairs]))
    pairs = pairs[order]
    first = np.unique(rel.relation[pairs], return_index=True)[1]
    return rel.cell[pairs[first]]


def _relation_rule(
    suppressed: np.ndarray, hidden: np.ndarray, denominator: np.ndarray, rel: Relations
) -> bool:
    """Stage 1, in place; return whether anything was suppressed."""
    changed = False
    while True:
        h = hidden[rel.cell]
        n_hidden = np.bincount(rel.relation, weights=h, minlength=rel.n_relations)
        n_secret = np.bincount(
            rel.relation, weights=suppressed[rel.cell], minlength=rel.n_relations
        )
        lonely = (n_hidden == 1) & (n_secret == 1)
        candidate = np.flatnonzero(lonely[rel.relation] & ~h)
        if len(candidate) == 0:
            return changed
        chosen = _pick(candidate, rel, denominator)
        suppressed[chosen] = True
        hidden[chosen] = True
        changed = True


# A count behind the figures, as one array, or two whose difference is a count (the
# whole minus the part of a pair the formula kind declares in ``count_pairs``, e.g. the
# denominator minus the numerator of a share: those who do not have it).
Count = tuple[np.ndarray, np.ndarray | None]


def _zero_sum_rule(
    suppressed: np.ndarray,
    hidden: np.ndarray,
    denominator: np.ndarray,
    counts: Sequence[Count],
    rel: Relations,
) -> bool:
    """Stage 1b, in place: counts are never negative, so when a published parent minus
    its published children comes to 0 in some count, every hidden child is 0 in it: a
    secret child is given away ("nobody there has it", or "everybody"). Hide one more
    published child, one that is not 0 where possible; the parent when none is left.
    Return whether anything was suppressed."""
    if not counts:
        return False
    n = rel.n_relations
    h = hidden[rel.cell]
    child = ~rel.is_parent
    parent_hidden = np.bincount(rel.relation, weights=h & rel.is_parent, minlength=n) > 0
    secret_child = np.bincount(rel.relation, weights=suppressed[rel.cell] & child, minlength=n)
    exposed = ~parent_hidden & (secret_child > 0)
    if not exposed.any():
        return False
    # What a reader derives: the parent minus the published children (hidden cells: 0).
    sign = np.where(h, 0.0, np.where(rel.is_parent, 1.0, -1.0))
    zero = np.zeros(n, bool)
    nonzero_cell = np.ones(len(hidden), bool)
    for a, b in counts:
        quantity = a if b is None else a - b
        with np.errstate(invalid="ignore"):
            derived = np.bincount(
                rel.relation, weights=np.where(h, 0.0, quantity[rel.cell]) * sign, minlength=n
            )
        zero |= exposed & (np.abs(derived) < 0.5)  # whole counts: 0 is below a half
        nonzero_cell &= quantity != 0
    if not zero.any():
        return False
    in_zero = zero[rel.relation]
    candidates = np.flatnonzero(in_zero & ~h & child)
    # Children that are not 0 first: hiding one of them ends the zero sum at once.
    preferred = candidates[nonzero_cell[rel.cell[candidates]]]
    rest = candidates[~np.isin(rel.relation[candidates], rel.relation[preferred])]
    picks = [_pick(p, rel, denominator) for p in (preferred, rest) if len(p)]
    # A zero sum with no published child left: hide the parent.
    orphans = np.flatnonzero(
        in_zero & rel.is_parent & ~np.isin(rel.relation, rel.relation[candidates])
    )
    chosen = np.concatenate([*picks, rel.cell[orphans]]).astype(np.int64)
    suppressed[chosen] = True
    hidden[chosen] = True
    return len(chosen) > 0


def _components(hidden: np.ndarray, rel: Relations) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Connected sets of hidden cells (joined by sharing a relation).

    Returns (pairs with a hidden cell, component of each such pair, component of each
    relation that has a hidden cell or -1).
    """
    pairs = np.flatnonzero(hidden[rel.cell])
    n_rows = len(hidden)
    nodes = n_rows + rel.n_relations
    # Imported here: scipy takes some 0.25 s to import, and only a monitor with hidden
    # cells gets here (every command would pay for it otherwise).
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix(
        (np.ones(len(pairs), bool), (rel.cell[pairs], n_rows + rel.relation[pairs])),
        shape=(nodes, nodes),
    )
    _, label = connected_components(graph, directed=False)
    relation_component = np.full(rel.n_relations, -1)
    relation_component[rel.relation[pairs]] = label[rel.cell[pairs]]
    return pairs, label[rel.cell[pairs]], relation_component


def _recoverable(matrix: np.ndarray) -> np.ndarray:
    """Columns (unknowns) of ``matrix @ x = constants`` whose value is determined."""
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > TOLERANCE * max(1.0, singular[0] if len(singular) else 0)).sum())
    null = vt[rank:]
    return np.linalg.norm(null, axis=0) < TOLERANCE if len(null) else np.ones(matrix.shape[1], bool)


def _exact_check(
    suppressed: np.ndarray, hidden: np.ndarray, denominator: np.ndarray, rel: Relations
) -> bool:
    """Stage 2, in place: suppress one more cell per component that gives a secret away."""
    pairs, pair_component, relation_component = _components(hidden, rel)
    if len(pairs) == 0:
        return False
    n_components = int(pair_component.max()) + 1
    cells = rel.cell[pairs]
    has_secret = np.bincount(pair_component, weights=suppressed[cells], minlength=n_components)
    has_other = np.bincount(pair_component, weights=~suppressed[cells], minlength=n_components)
    has_composite = np.bincount(
        pair_component, weights=rel.composite[rel.relation[pairs]], minlength=n_components
    )
    check = np.flatnonzero((has_secret > 0) & ((has_composite > 0) | (has_other > 0)))
    changed = False
    if len(check) == 0:
        return changed
    # All pairs (hidden or published) of the relations in the components to check.
    all_component = relation_component[rel.relation]
    in_check = np.isin(all_component, check)
    all_pairs = np.flatnonzero(in_check)
    order = np.argsort(all_component[all_pairs], kind="stable")
    all_pairs = all_pairs[order]
    bounds = np.searchsorted(all_component[all_pairs], np.append(check, check[-1] + 1))
    # A handful of small dense systems (one per component with a composite or a "."):
    # the national tree of base regions never gets here.
    for k in range(len(check)):
        members = all_pairs[bounds[k] : bounds[k + 1]]
        chosen = _break_disclosure(members, suppressed, hidden, denominator, rel)
        if chosen >= 0:
            suppressed[chosen] = True
            hidden[chosen] = True
            changed = True
    return changed


def _break_disclosure(
    members: np.ndarray,
    suppressed: np.ndarray,
    hidden: np.ndarray,
    denominator: np.ndarray,
    rel: Relations,
) -> int:
    """The cell to suppress so that no secret cell of one component is recoverable
    by the relations in ``members`` (pairs), or -1 when none is."""
    member_hidden = hidden[rel.cell[members]]
    unknowns, column = np.unique(rel.cell[members][member_hidden], return_inverse=True)
    relation_ids, row_of = np.unique(rel.relation[members], return_inverse=True)
    matrix = np.zeros((len(relation_ids), len(unknowns)))
    sign = np.where(rel.is_parent[members], 1.0, -1.0)
    np.add.at(matrix, (row_of[member_hidden], column), sign[member_hidden])
    exposed = _recoverable(matrix) & suppressed[unknowns]
    if not exposed.any():
        return -1
    target = np.zeros(len(unknowns))
    target[np.flatnonzero(exposed)[0]] = 1.0
    # The relations that combine to the exposed cell; hide one of their published cells.
    weights = np.linalg.lstsq(matrix.T, target, rcond=None)[0]
    used = np.flatnonzero(np.abs(weights) > 1e-6)
    published = members[~member_hidden & np.isin(row_of, used)]
    if len(published) == 0:
        published = members[~member_hidden]
    if len(published) == 0:
        return -1
    size = np.nan_to_num(denominator[rel.cell[published]], nan=np.inf)
    best = np.lexsort((rel.cell[published], size, rel.is_parent[published]))[0]
    return int(rel.cell[published[best]])


def complementary(
    suppressed: np.ndarray,
    published: np.ndarray,
    denominator: np.ndarray,
    rel: Relations,
    counts: Sequence[Count] = (),
) -> np.ndarray:
    """Return the suppression flags (one per grid row) after complementary suppression.

    ``suppressed``: the cells that must stay secret (primary suppression, and ``x`` in
    the source). ``published``: the cells that would carry a figure apart from
    suppression (a cell that is neither is hidden but needs no protection).
    ``counts``: the counts behind the figures (the kind's count inputs, and per declared
    (part, whole) pair the whole minus the part); with them no secret cell is given away
    as a zero by a sum of hidden cells that comes to 0.
    """
    suppressed = suppressed.copy()
    if rel.n_relations == 0 or not suppressed.any():
        return suppressed
    hidden = suppressed | ~published
    while True:
        _relation_rule(suppressed, hidden, denominator, rel)
        if _zero_sum_rule(suppressed, hidden, denominator, counts, rel):
            continue
        if not _exact_check(suppressed, hidden, denominator, rel):
            return suppressed
