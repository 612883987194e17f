"""Calibration maths for the synthetic demo data: pure numpy, no randomness.

The demo data are built in four *segments*: the aandachtswijken of the G4, the rest of the
G4 gemeenten, the aandachtswijken of the G14 and the rest of the G14 gemeenten. The group
figures the report prints (G4, G14, G18, each "aandachtswijken" against "the whole group")
are all sums over these segments, so choosing one value per segment and year fixes them.

:func:`solve_segments` finds those segment values: for each indicator (a :class:`Family`)
four targets (for example the printed p of G4, G14 and G18 and the printed level of G18)
against four unknowns per subgroup, solved by Newton's method on log values.
:func:`distribute` then spreads a segment value over the units (postcode areas and the rest
of each gemeente) of that segment with unit-level variation, such that the segment total is
kept exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

SEGMENTS = ("G4 focus", "G4 rest", "G14 focus", "G14 rest")
#: area -> the segments it is made of
AREAS: dict[str, tuple[int, ...]] = {
    "G4-aandachtswijken": (0,),
    "G4": (0, 1),
    "G14-aandachtswijken": (2,),
    "G14": (2, 3),
    "G18-aandachtswijken": (0, 2),
    "G18": (0, 1, 2, 3),
}
_FOCUS = {"G4": "G4-aandachtswijken", "G14": "G14-aandachtswijken", "G18": "G18-aandachtswijken"}


@dataclass(frozen=True)
class Family:
    """How one indicator's value is made from subgroup numerators and denominators.

    kind "share": value = sum of numerators of ``subs`` / sum of their denominators (a
    share, a rate, a mean or a weighted mean of a score: all are ratios of sums).
    kind "quotient": value = (num a / den a) / (num b / den b) with ``subs = (a, b)``.
    """

    kind: str
    subs: tuple[str, ...]


@dataclass(frozen=True)
class Target:
    """One equation: ``metric`` of ``family`` (index) must equal ``value``.

    metric "p:<group>": the deviation of the group's aandachtswijken from the group, in %.
    metric "level:<group>": the value of the whole group.
    metric "dp": p of G14 minus p of G4. metric "rr": level of G14 / level of G4.
    """

    family: int
    metric: str
    value: float


def area_value(
    family: Family, num: Mapping[str, np.ndarray], den: Mapping[str, np.ndarray], area: str
) -> float:
    """The value of ``family`` for an area, from per-segment numerators and denominators."""
    seg = list(AREAS[area])

    def ratio(subs: Sequence[str]) -> float:
        return sum(num[s][seg].sum() for s in subs) / sum(den[s][seg].sum() for s in subs)

    if family.kind == "share":
        return ratio(family.subs)
    a, b = family.subs
    return ratio((a,)) / ratio((b,))


def _metric(family: Family, num, den, metric: str) -> float:
    def p(group: str) -> float:
        return (
            area_value(family, num, den, _FOCUS[group]) / area_value(family, num, den, group) - 1.0
        ) * 100.0

    kind, _, group = metric.partition(":")
    if kind == "p":
        return p(group)
    if kind == "level":
        return area_value(family, num, den, group)
    if kind == "dp":
        return p("G14") - p("G4")
    if kind == "rr":
        return area_value(family, num, den, "G14") / area_value(family, num, den, "G4")
    raise ValueError(f"unknown metric {metric!r}")


def _residuals(families, targets, num, den) -> np.ndarray:
    out = []
    for t in targets:
        got = _metric(families[t.family], num, den, t.metric)
        if t.metric.startswith(("level", "rr")):
            out.append((got / t.value - 1.0) * 100.0)  # relative, in % like the p's
        else:
            out.append(got - t.value)
    return np.array(out)


def solve_segments(
    den: Mapping[str, np.ndarray],
    families: Sequence[Family],
    targets: Sequence[Target],
    free: Sequence[str],
    tied: Mapping[str, tuple[str, float]],
    start: Mapping[str, np.ndarray],
) -> dict[str, np.ndarray]:
    """Per-segment values (numerator / denominator) of every subgroup that meet ``targets``.

    ``den``: subgroup -> denominator per segment (4,). ``free``: the subgroups whose four
    segment values are unknowns; ``tied``: subgroup -> (free subgroup, factor), a value that
    follows another (e.g. other western migrants like natives). There must be as many
    targets as unknowns. ``start``: a first guess per free subgroup.
    """
    if len(targets) != 4 * len(free):
        raise ValueError(f"{len(targets)} targets for {4 * len(free)} unknowns")

    def values(x: np.ndarray) -> dict[str, np.ndarray]:
        out = {s: np.exp(x[4 * i : 4 * i + 4]) for i, s in enumerate(free)}
        out.update({s: out[other] * factor for s, (other, factor) in tied.items()})
        return out

    def residuals(x: np.ndarray) -> np.ndarray:
        v = values(x)
        return _residuals(families, targets, {s: v[s] * den[s] for s in v}, den)

    x = np.log(np.concatenate([np.asarray(start[s], dtype=float) for s in free]))
    r = residuals(x)
    for _ in range(60):
        if np.abs(r).max() < 1e-9:
            break
        jac = np.empty((len(r), len(x)))
        for j in range(len(x)):
            dx = np.zeros_like(x)
            dx[j] = 1e-7
            jac[:, j] = (residuals(x + dx) - r) / 1e-7
        step = np.linalg.lstsq(jac, -r, rcond=None)[0]
        for damping in (1.0, 0.5, 0.25, 0.125, 0.0625, 0.03125):
            trial = x + damping * step
            r_trial = residuals(trial)
            if np.isfinite(r_trial).all() and np.abs(r_trial).sum() < np.abs(r).sum():
                x, r = trial, r_trial
                break
        else:
            break
    if np.abs(r).max() > 1e-6:
        raise ArithmeticError(f"calibration did not converge: residuals {np.round(r, 4)}")
    return values(x)


# --------------------------------------------------------------------------- distribute


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p) - np.log1p(-p)


def _expit(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def distribute(
    segment_value: np.ndarray,
    unit_segment: np.ndarray,
    weight: np.ndarray,
    effect: np.ndarray,
    transform: str,
    bounds: tuple[float, float] = (0.0, 1.0),
) -> np.ndarray:
    """Spread segment values over units, keeping every weighted segment mean exact.

    ``segment_value`` (4, T); ``unit_segment`` (U,) segment index of each unit; ``weight``
    (U, T) the denominator of each unit; ``effect`` (U, T) the unit's deviation on the
    transformed scale. transform "logit": values between ``bounds`` (shares: 0 and 1; a
    score: its scale), effect on the logit of the position within the bounds; "log":
    positive values, effect on the log. Per segment and year a shift of the transformed
    values is found so that sum(weight x value) / sum(weight) equals the segment value.
    """
    if transform == "logit" and bounds != (0.0, 1.0):
        lo, hi = bounds
        inside = distribute((segment_value - lo) / (hi - lo), unit_segment, weight, effect, "logit")
        return lo + (hi - lo) * inside
    w = weight.astype(float)
    out = np.empty_like(w)
    for s in range(segment_value.shape[0]):
        rows = unit_segment == s
        target = segment_value[s]
        ws, es = w[rows], effect[rows]
        total = ws.sum(axis=0)
        if transform == "log":
            base = np.exp(np.log(target) + es)
            out[rows] = base * (target * total / (ws * base).sum(axis=0))
        elif transform == "logit":
            z = _logit(target) + es
            shift = np.zeros_like(target)
            for _ in range(50):  # Newton on the shift; the weighted mean is monotone in it
                p = _expit(z + shift)
                gap = (ws * p).sum(axis=0) - target * total
                if np.abs(gap).max() < 1e-9 * total.max():
                    break
                shift -= gap / (ws * p * (1.0 - p)).sum(axis=0)
            out[rows] = _expit(z + shift)
        else:
            raise ValueError(f"unknown transform {transform!r}")
    return out


def round_preserving(x: np.ndarray, unit_segment: np.ndarray) -> np.ndarray:
    """Round (U, T) values to integers such that each segment's total is the rounded total.

    Largest-remainder rounding: rounding every unit on its own would let the errors of many
    small units add up in the group figures.
    """
    out = np.floor(x)
    remainder = x - out
    for s in np.unique(unit_segment):
        rows = np.flatnonzero(unit_segment == s)
        short = np.rint(x[rows].sum(axis=0) - out[rows].sum(axis=0)).astype(int)  # per year
        order = np.argsort(-remainder[rows], axis=0, kind="stable")
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.arange(len(rows))[:, None], axis=0)
        out[rows] += rank < short[None, :]
    return out.astype(np.int64)
