"""Built-in comparison kinds: the deviation p of an area from its reference (methods §3)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from wijkmonitor.core.hookspecs import hookimpl
from wijkmonitor.core.kinds import ComparisonKind


def ratio(value: pd.Series, reference: pd.Series, options: Mapping[str, float]) -> pd.Series:
    """p = (x / x_ref - 1) x 100; 5 % against 4 % gives +25, 4 % against 5 % gives -20
    (methods §3)."""
    return (value / reference.where(reference != 0) - 1.0) * 100.0


def shifted_ratio(
    value: pd.Series, reference: pd.Series, options: Mapping[str, float]
) -> pd.Series:
    """p = ((x + c) / (x_ref + c) - 1) x 100 for scores on a scale around zero.

    c (``offset``) is twice the size of the scale's minimum: 200 for Cito (-100..100),
    100 for the Leefbaarometer scores (-50..50). Without the shift a ratio of two
    scores near zero would explode and flip sign.
    """
    c = float(options["offset"])
    return ratio(value + c, reference + c, options)


def difference(value: pd.Series, reference: pd.Series, options: Mapping[str, float]) -> pd.Series:
    """p = x - x_ref, for scores centred on zero (SES-WOA) where a ratio means nothing."""
    return value - reference


COMPARISON_KINDS = [
    ComparisonKind(
        name="ratio",
        compute=ratio,
        describe=lambda o: "p = (waarde gebied / waarde referentie − 1) × 100",
        example=(5.0, 4.0),
        ratio_of_values=True,
    ),
    ComparisonKind(
        name="shifted_ratio",
        compute=shifted_ratio,
        options={"offset": None},
        describe=lambda o: (
            f"p = ((waarde gebied + {o['offset']:g}) / (waarde referentie + {o['offset']:g})"
            " − 1) × 100"
        ),
        example=(-53.0, -12.0),
    ),
    ComparisonKind(
        # The value is already a quotient (share group A / share group B); p compares
        # the quotients: 1,20 in the wijk against 3,0 / 2,7 = 1,11 in the gemeente gives
        # +8,0 (methods §3).
        name="quotient_ratio",
        compute=ratio,
        describe=lambda o: "p = (quotiënt gebied / quotiënt referentie − 1) × 100",
        example=(1.2, 3.0 / 2.7),
        ratio_of_values=True,
    ),
    ComparisonKind(
        name="difference",
        compute=difference,
        describe=lambda o: "p = waarde gebied − waarde referentie",
        example=(-0.25, 0.05),
        deviation_unit="unit",
    ),
]


@hookimpl
def register_comparison_kinds() -> list[ComparisonKind]:
    return COMPARISON_KINDS
