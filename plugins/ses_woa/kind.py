"""The formula kind ``ses_woa``: mean or spread of an SES-WOA (sub-)score in an area.

In an indicator YAML::

    formula:
      kind: ses_woa
      dimension: totaal      # totaal | welvaart | opleiding | arbeid
      statistic: mean        # mean | spread

The input variables follow from the options (``resolve_inputs``): the sum, the sum of
squares and the number of households made by this plugin's ``load_data``. The
denominator (for ``min_denominator``) is the number of households.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from wijkmonitor.core.kinds import FormulaKind
from wijkmonitor.plugins.formulas import mean, spread
from wijkmonitor.plugins.ses_woa.scoring import DIMENSIONS
from wijkmonitor.plugins.ses_woa.statistics import COUNT, squares_variable, sum_variable

STATISTICS = ("mean", "spread")
LABELS = {
    "totaal": "totaalscore",
    "welvaart": "deelscore financiële welvaart",
    "opleiding": "deelscore opleidingsniveau",
    "arbeid": "deelscore recent arbeidsverleden",
}


def resolve_inputs(formula: Mapping[str, object]) -> dict[str, str]:
    """{input field: variable} for the chosen dimension."""
    dimension = str(formula.get("dimension", "totaal"))
    return {
        "total": sum_variable(dimension),
        "sum_of_squares": squares_variable(dimension),
        "count": COUNT,
    }


def compute(inputs: pd.DataFrame, options: Mapping[str, object]) -> pd.Series:
    if options["statistic"] == "spread":
        return spread(inputs, options)
    return mean(inputs, options)


def describe(formula: Mapping[str, object]) -> str:
    dimension = str(formula.get("dimension", "totaal"))
    inputs = resolve_inputs(formula)
    label = LABELS.get(dimension, dimension)
    if formula.get("statistic", "mean") == "spread":
        return (
            f"standaardafwijking van de SES-WOA-{label} van de huishoudens in het gebied: "
            f"√(({inputs['sum_of_squares']} − n × gemiddelde²) / (n − 1)), "
            f"n = {inputs['count']}, gemiddelde = {inputs['total']} / n"
        )
    return (
        f"gemiddelde SES-WOA-{label} van de huishoudens in het gebied: "
        f"{inputs['total']} / {inputs['count']}"
    )


SES_WOA_KIND = FormulaKind(
    name="ses_woa",
    inputs=(),
    compute=compute,
    describe=describe,
    options={"dimension": "totaal", "statistic": "mean"},
    choices={"dimension": DIMENSIONS, "statistic": STATISTICS},
    resolve_inputs=resolve_inputs,
    denominator="count",
    # Capabilities: the household count is the only count (the denominator); the sums
    # of scores are no counts, so no (part, whole) pairs and no proportion.
    count_pairs=(),
)
