"""Confidence intervals and the verdict against the reference area (methods §11,
docs/methods.md).

Where the counts behind a figure are known, the figure gets a 95 % confidence interval:

- a share x / n of counted units: the Wilson score interval;
- a rate O / N x k of counted events: Byar's approximation of the exact Poisson limits
  of O, times k / N;
- a value given with its standard error s: value +/- z x s (composites: none, a standard
  error cannot be summed).

Which one a formula kind has is its declared capability (``FormulaKind.interval``),
never its name. The verdict compares the area's interval with the reference's *value*:
the reference contains the area, so its own interval is not independent of the area's,
and it is usually far larger. Interval above the reference value: higher, below: lower,
containing it: similar; with the indicator's direction higher and lower become better
and worse. Without an interval (suppressed, not available, no counts) or without a
reference value there is no verdict: ``not_compared``.

Every function is vectorised over numpy arrays and gives NaN where there is no interval.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from wijkmonitor.core.kinds import Interval

# 95 %: the normal quantile of 0,975 as public-health practice rounds it (methods §11).
Z_95 = 1.96

# The verdicts, in the order of the results table's categories.
VERDICTS = ("better", "similar", "worse", "higher", "lower", "not_compared")
BETTER, SIMILAR, WORSE, HIGHER, LOWER, NOT_COMPARED = range(len(VERDICTS))
# What the site says for each verdict: the one place these words live.
VERDICT_LABELS = {
    "better": "significant gunstiger",
    "similar": "niet significant verschillend",
    "worse": "significant ongunstiger",
    "higher": "significant hoger",
    "lower": "significant lager",
    "not_compared": "niet vergeleken",
}


def wilson_interval(
    count: np.ndarray, base: np.ndarray, z: float = Z_95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of the proportion count / base (0..1), methods §11.

    centre = (p + z²/2n) / (1 + z²/n), half-width = z / (1 + z²/n) x √(p(1 - p)/n + z²/4n²).
    NaN where it means nothing: no base (n <= 0), or a count outside 0..n.
    """
    x = np.asarray(count, dtype=float)
    n = np.asarray(base, dtype=float)
    valid = (n > 0) & (x >= 0) & (x <= n)
    n = np.where(valid, n, np.nan)
    p = x / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denominator
    half = z / denominator * np.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n))
    # Rounding may put a bound a hair outside 0..1 for p = 0 or 1; it never lies there.
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def byar_interval(events: np.ndarray, z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximation of the exact Poisson limits of a count of events O, methods §11.

    lower = O (1 - 1/(9O) - z/(3√O))³, upper = (O + 1) (1 - 1/(9(O + 1)) + z/(3√(O + 1)))³;
    for O = 0 the lower limit is 0. NaN for a negative or missing count.
    """
    o = np.asarray(events, dtype=float)
    o = np.where(o >= 0, o, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = o * (1.0 - 1.0 / (9.0 * o) - z / (3.0 * np.sqrt(o))) ** 3
    lower = np.where(o == 0, 0.0, lower)
    o1 = o + 1.0
    upper = o1 * (1.0 - 1.0 / (9.0 * o1) + z / (3.0 * np.sqrt(o1))) ** 3
    return lower, upper


def standard_error_interval(
    value: np.ndarray, standard_error: np.ndarray, z: float = Z_95
) -> tuple[np.ndarray, np.ndarray]:
    """value +/- z x s; NaN where s is missing or negative (methods §11)."""
    v = np.asarray(value, dtype=float)
    s = np.asarray(standard_error, dtype=float)
    s = np.where(s >= 0, s, np.nan)
    return v - z * s, v + z * s


def interval_bounds(
    interval: Interval,
    inputs: Mapping[str, np.ndarray] | pd.DataFrame,
    options: Mapping[str, object],
    value: np.ndarray,
    is_area: np.ndarray,
    z: float = Z_95,
) -> tuple[np.ndarray, np.ndarray]:
    """The interval a kind declares, in the indicator's unit, for every row of ``inputs``
    (the kind's input columns summed per area, by input field). NaN where the value is
    NaN or the declared inputs are missing."""
    value = np.asarray(value, dtype=float)
    nan = np.full(len(value), np.nan)
    if interval.method == "standard_error":
        if interval.standard_error not in inputs:
            return nan, nan
        se = np.asarray(inputs[interval.standard_error], dtype=float)
        # A composite's summed standard errors are not its standard error.
        se = np.where(is_area, np.nan, se)
        lower, upper = standard_error_interval(value, se, z)
    else:
        count = np.asarray(inputs[interval.count], dtype=float)
        base = np.asarray(inputs[interval.base], dtype=float)
        scale = interval.scale
        if interval.scale_option is not None:
            scale *= float(options[interval.scale_option])
        if interval.method == "wilson":
            lower, upper = wilson_interval(count, base, z)
            lower, upper = scale * lower, scale * upper
        else:
            low_events, high_events = byar_interval(count, z)
            per_unit = np.where(base > 0, scale / np.where(base > 0, base, 1.0), np.nan)
            lower, upper = low_events * per_unit, high_events * per_unit
    missing = ~np.isfinite(value) | ~np.isfinite(lower) | ~np.isfinite(upper)
    return np.where(missing, np.nan, lower), np.where(missing, np.nan, upper)


def verdict_codes(
    lower: np.ndarray, upper: np.ndarray, reference_value: np.ndarray, sign: np.ndarray | float
) -> np.ndarray:
    """The verdict of each row as an index into ``VERDICTS`` (int8), methods §11.

    ``sign`` is the direction's d: +1 higher is better, -1 lower is better, 0 neutral
    (``changes.direction_sign``). A missing bound or reference value: ``not_compared``.
    """
    lower = np.asarray(lower, dtype=float)
    upper = np.asarray(upper, dtype=float)
    reference = np.asarray(reference_value, dtype=float)
    sign = np.broadcast_to(np.asarray(sign, dtype=float), lower.shape)
    compared = np.isfinite(lower) & np.isfinite(upper) & np.isfinite(reference)
    # NaN compares False, so rows without an interval are neither above nor below.
    above = compared & (lower > reference)
    below = compared & (upper < reference)
    codes = np.select(
        [
            ~compared,
            above & (sign > 0),
            above & (sign < 0),
            above,
            below & (sign > 0),
            below & (sign < 0),
            below,
        ],
        [NOT_COMPARED, BETTER, WORSE, HIGHER, WORSE, BETTER, LOWER],
        default=SIMILAR,
    )
    return codes.astype("int8")


def verdicts(
    lower: np.ndarray, upper: np.ndarray, reference_value: np.ndarray, sign: np.ndarray | float
) -> np.ndarray:
    """The verdicts of :func:`verdict_codes` as their names."""
    return np.asarray(VERDICTS, dtype=object)[verdict_codes(lower, upper, reference_value, sign)]
