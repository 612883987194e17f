"""Built-in formula kinds: share, rate, mean, value, quotient, spread.

Each ``compute`` is vectorised over all areas and periods at once. Division by zero
gives NaN (no figure), never an infinite value.

Only ``share`` and ``rate`` declare a confidence interval (methods §11): their inputs are
the counts it needs. A mean, a given score, a quotient or a spread has no standard error
among its inputs, so it gets no interval and no verdict rather than an invented one.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from wijkmonitor.core.hookspecs import hookimpl
from wijkmonitor.core.kinds import FormulaKind, Interval


def _divide(a: pd.Series, b: pd.Series) -> pd.Series:
    return a.div(b.where(b != 0))


def share(inputs: pd.DataFrame, options: Mapping[str, float]) -> pd.Series:
    return _divide(inputs["numerator"], inputs["denominator"]) * 100.0


def proportion(inputs: pd.DataFrame, options: Mapping[str, float]) -> pd.Series:
    """numerator / denominator: the counted share behind a share or a rate."""
    return _divide(inputs["numerator"], inputs["denominator"])


def rate(inputs: pd.DataFrame, options: Mapping[str, float]) -> pd.Series:
    return _divide(inputs["numerator"], inputs["denominator"]) * float(options["per"])


def mean(inputs: pd.DataFrame, options: Mapping[str, float]) -> pd.Series:
    return _divide(inputs["total"], inputs["count"])


def value(inputs: pd.DataFrame, options: Mapping[str, float]) -> pd.Series:
    return inputs["variable"].astype(float)


def quotient(inputs: pd.DataFrame, options: Mapping[str, float]) -> pd.Series:
    share_a = _divide(inputs["numerator_a"], inputs["denominator_a"])
    share_b = _divide(inputs["numerator_b"], inputs["denominator_b"])
    return _divide(share_a, share_b) * float(options["per"])


def spread(inputs: pd.DataFrame, options: Mapping[str, float]) -> pd.Series:
    """Standard deviation inside the area from summed sufficient statistics.

    sum, sum of squares and count add up over base regions, so the spread of a
    composite is exact, not an average of spreads.
    """
    n = inputs["count"].where(inputs["count"] > 1)
    mean_ = inputs["total"] / n
    variance = (inputs["sum_of_squares"] - n * mean_**2) / (n - 1)
    return np.sqrt(variance.clip(lower=0.0))


def _per(options: Mapping[str, object]) -> str:
    per = float(options.get("per", 1))
    return f"{per:,.0f}".replace(",", ".")


FORMULA_KINDS = [
    FormulaKind(
        name="share",
        inputs=("numerator", "denominator"),
        compute=share,
        denominator="denominator",
        proportion=proportion,
        count_pairs=(("numerator", "denominator"),),
        # A share of counted units: Wilson (methods §11), in % like the value.
        interval=Interval("wilson", count="numerator", base="denominator", scale=100.0),
        describe=lambda f: f"100 × {f['numerator']} / {f['denominator']}",
    ),
    FormulaKind(
        name="rate",
        inputs=("numerator", "denominator"),
        options={"per": None},
        compute=rate,
        denominator="denominator",
        proportion=proportion,
        count_pairs=(("numerator", "denominator"),),
        # Counted events per N: Byar's Poisson limits (methods §11), times per / N.
        interval=Interval("poisson", count="numerator", base="denominator", scale_option="per"),
        describe=lambda f: f"{_per(f)} × {f['numerator']} / {f['denominator']}",
    ),
    FormulaKind(
        name="mean",
        inputs=("total", "count"),
        compute=mean,
        denominator="count",
        describe=lambda f: f"{f['total']} / {f['count']}",
    ),
    FormulaKind(
        name="value",
        inputs=("variable",),
        optional_inputs=("weight",),
        compute=value,
        weighted={"variable": "weight"},
        denominator="weight",
        describe=lambda f: (
            f"{f['variable']} (gegeven score; samengestelde gebieden: gemiddelde gewogen "
            f"naar {f['weight']})"
            if f.get("weight")
            else f"{f['variable']} (gegeven score)"
        ),
    ),
    FormulaKind(
        name="quotient",
        inputs=("numerator_a", "denominator_a", "numerator_b", "denominator_b"),
        options={"per": 1.0},
        compute=quotient,
        denominator="denominator_a",
        # Two shares of counts: none of the four may be negative.
        counts=("numerator_a", "denominator_a", "numerator_b", "denominator_b"),
        count_pairs=(("numerator_a", "denominator_a"), ("numerator_b", "denominator_b")),
        describe=lambda f: (
            f"{_per(f)} × ({f['numerator_a']} / {f['denominator_a']}) / "
            f"({f['numerator_b']} / {f['denominator_b']})"
        ),
    ),
    FormulaKind(
        name="spread",
        inputs=("total", "sum_of_squares", "count"),
        compute=spread,
        denominator="count",
        describe=lambda f: (
            f"standaardafwijking binnen het gebied: √(({f['sum_of_squares']} − "
            f"{f['count']} × gemiddelde²) / ({f['count']} − 1)), gemiddelde = "
            f"{f['total']} / {f['count']}"
        ),
    ),
]


@hookimpl
def register_formula_kinds() -> list[FormulaKind]:
    return FORMULA_KINDS
