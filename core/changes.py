"""Change of the gap since the baseline, and the development class (methods §4 and §5,
docs/methods.md).

The gap is |p|. Its change is (|p_latest| - |p_baseline|) / |p_baseline| x 100:
negative means the gap shrank. When p changes sign the area overtook its reference
(or fell behind it) and a percentage would mislead, so ``gap_note`` says
``sign_change`` instead; with p_baseline = 0 there is no relative change
(``baseline_zero``). A gap change that rounds to 0 % (:func:`gap_unchanged`) is called
"unchanged": the site prints it as a whole percentage.

Development classes, per area with a reference and per indicator, with d = +1 when
higher is better and -1 when lower is better:

- ``not_applicable``: the indicator is descriptive (direction neutral);
- ``insufficient_data``: p is missing (not available or suppressed) at baseline or latest;
- ``better_and_staying_better``: the area was on the favourable side of its reference
  at the baseline and still is;
- ``no_change``: the position moved by less than ``no_change_threshold`` points of p;
- ``favourable`` / ``unfavourable``: (p_latest - p_baseline) x d is positive / negative.

The report does not state its threshold for "no change"; ours is a monitor setting
(``settings.no_change_threshold`` in monitor.yml, default 2 points of p), which an
indicator may override with its own ``no_change_threshold``. Where the counts are known
(a formula kind with a ``proportion``, like share and rate, compared by a kind with
``ratio_of_values``: ``IndicatorKinds.binomial_change``) a statistical rule applies as
well: a move of less than ``settings.no_change_z`` standard errors (default 1.96, about
95 %) is no change either, however large, because small areas move by chance. The
standard error of
p comes from the binomial variance of both shares (delta method); the covariance
between an area and the reference it is part of is left out, which errs towards "no
change".
"""

from __future__ import annotations

import numpy as np

DIRECTION_SIGN = {"higher_is_better": 1.0, "lower_is_better": -1.0, "neutral": 0.0}
# The precision at which a gap change is published (whole percent): a change that
# rounds to 0 at it is "unchanged".
GAP_CHANGE_DECIMALS = 0
CHANGE_COLUMNS = [
    "indicator",
    "region",
    "reference_region",
    "baseline_period",
    "latest_period",
    "deviation_baseline",
    "deviation_latest",
    "gap_change",
    "gap_note",
    "change_standard_error",
    "development",
]


def direction_sign(direction: str) -> float:
    """d in the development rules: +1 higher is better, -1 lower is better, 0 neutral."""
    return DIRECTION_SIGN[direction]


def gap_unchanged(change: float) -> bool:
    """Whether a gap change (in %) is "unchanged": it rounds to 0 at the published
    precision, half away from zero as the site rounds (0,5 % is printed as 1 %, so it is
    a change). A missing change (a sign change, a zero baseline) is not unchanged."""
    return bool(np.isfinite(change)) and abs(change) < 0.5 * 10.0**-GAP_CHANGE_DECIMALS


def gap_change(p_baseline: np.ndarray, p_latest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Relative change of |p| in percent, and a note where a percentage means nothing."""
    p_baseline = np.asarray(p_baseline, dtype=float)
    p_latest = np.asarray(p_latest, dtype=float)
    gap_b, gap_l = np.abs(p_baseline), np.abs(p_latest)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = (gap_l - gap_b) / gap_b * 100.0
    sign_change = np.sign(p_baseline) * np.sign(p_latest) < 0
    baseline_zero = p_baseline == 0
    note = np.where(sign_change, "sign_change", np.where(baseline_zero, "baseline_zero", ""))
    change = np.where(sign_change | baseline_zero | ~np.isfinite(change), np.nan, change)
    return change, note


def ratio_deviation_se(
    value: np.ndarray,
    reference_value: np.ndarray,
    relative_variance: np.ndarray,
    reference_relative_variance: np.ndarray,
) -> np.ndarray:
    """Standard error of p = (x / x_ref - 1) x 100 by the delta method.

    ``relative_variance`` is Var(x) / x^2; for a share q of n counted units it is
    (1 - q) / (q n). Then Var(p) = (100 x / x_ref)^2 (Var(x)/x^2 + Var(x_ref)/x_ref^2).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = 100.0 * np.asarray(value) / np.asarray(reference_value)
        return np.abs(scale) * np.sqrt(
            np.asarray(relative_variance) + np.asarray(reference_relative_variance)
        )


def binomial_relative_variance(proportion: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Var(q) / q^2 = (1 - q) / (q n) for a share q of n units (NaN where undefined)."""
    q, n = np.asarray(proportion, dtype=float), np.asarray(count, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = (1.0 - q) / (q * n)
    return np.where((q > 0) & (q <= 1) & (n > 0), result, np.nan)


def development(
    p_baseline: np.ndarray,
    p_latest: np.ndarray,
    sign: np.ndarray,
    threshold: float,
    change_se: np.ndarray | None = None,
    z: float = 0.0,
) -> np.ndarray:
    """The development class of each area (see the module docstring).

    ``change_se``: the standard error of p_latest - p_baseline where known (else NaN).
    """
    p_baseline = np.asarray(p_baseline, dtype=float)
    p_latest = np.asarray(p_latest, dtype=float)
    sign = np.asarray(sign, dtype=float)
    improvement = (p_latest - p_baseline) * sign
    small = np.abs(improvement) < threshold
    if change_se is not None and z > 0:
        # NaN standard errors compare False: no statistical rule without counts.
        small |= np.abs(improvement) < z * np.asarray(change_se, dtype=float)
    staying_better = (p_baseline * sign > 0) & (p_latest * sign > 0)
    return np.select(
        [
            sign == 0,
            np.isnan(p_baseline) | np.isnan(p_latest),
            staying_better,
            small,
            improvement > 0,
        ],
        [
            "not_applicable",
            "insufficient_data",
            "better_and_staying_better",
            "no_change",
            "favourable",
        ],
        default="unfavourable",
    )
