"""Confidence intervals and the verdict against the reference (methods §11).

The interval functions against worked and exact values, the verdict truth table, the
capability a formula kind declares (never its name), and the columns ci_lower, ci_upper
and verdict of the results table computed by the real engine.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from tests.conftest import ROOT, write_monitor
from tests.plugin_install import registered_plugin
from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.hookspecs import hookimpl
from wijkmonitor.core.kinds import FormulaKind, Interval
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.output import write_results
from wijkmonitor.core.pluginmanager import formula_kinds
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.core.significance import (
    VERDICT_LABELS,
    VERDICTS,
    Z_95,
    byar_interval,
    interval_bounds,
    standard_error_interval,
    verdicts,
    wilson_interval,
)
from wijkmonitor.plugins.formulas import FORMULA_KINDS

KINDS = {kind.name: kind for kind in FORMULA_KINDS}


def _bounds(kind: str, options: dict | None = None, **inputs: list[float]):
    """The interval a built-in kind declares, computed as the engine does."""
    formula = KINDS[kind]
    frame = pd.DataFrame(inputs, dtype=float)
    value = formula.compute(frame, options or {}).to_numpy()
    is_area = np.zeros(len(frame), bool)
    return value, *interval_bounds(formula.interval, frame, options or {}, value, is_area)


# --- the interval functions ----------------------------------------------------------------


def test_wilson_30_of_120_is_the_methods_example():
    value, lower, upper = _bounds("share", numerator=[30], denominator=[120])
    assert round(value[0], 1) == 25.0
    assert round(lower[0], 1) == 18.1 and round(upper[0], 1) == 33.4
    # The formula of methods §11, written out once more.
    p, n, z = 0.25, 120, 1.96
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert lower[0] == pytest.approx(100 * (centre - half), abs=1e-12)
    assert upper[0] == pytest.approx(100 * (centre + half), abs=1e-12)


def test_wilson_at_the_edges():
    lower, upper = wilson_interval(np.array([0, 50, 5, 3, 0]), np.array([50, 50, 0, 2, 0]))
    # Nobody of 50: the interval starts at 0 and is not empty (unlike p ± z·se).
    assert lower[0] == 0 and upper[0] == pytest.approx(Z_95**2 / (50 + Z_95**2))
    # Everybody: it ends at 1.
    assert upper[1] == 1 and lower[1] == pytest.approx(50 / (50 + Z_95**2))
    # No base, or a count that is not a part of its base: no interval.
    assert np.isnan(lower[2:]).all() and np.isnan(upper[2:]).all()


@pytest.mark.parametrize("events", [10, 11, 12, 15, 20, 37, 50, 100, 389, 1000, 12345])
def test_byar_is_within_one_percent_of_the_exact_poisson_limits(events):
    lower, upper = byar_interval(np.array([events]))
    # Exact (Garwood) limits: chi²(0,025; 2O) / 2 and chi²(0,975; 2(O + 1)) / 2.
    exact_lower = chi2.ppf(0.025, 2 * events) / 2
    exact_upper = chi2.ppf(0.975, 2 * (events + 1)) / 2
    assert lower[0] == pytest.approx(exact_lower, rel=0.01)
    assert upper[0] == pytest.approx(exact_upper, rel=0.01)
    assert lower[0] < events < upper[0]


def test_byar_for_few_events_errs_towards_a_wider_interval():
    events = np.arange(0, 10)
    lower, upper = byar_interval(events)
    assert lower[0] == 0  # methods §11: O = 0 has lower limit 0
    assert upper[0] == pytest.approx(chi2.ppf(0.975, 2) / 2, rel=0.01)
    exact_lower = chi2.ppf(0.025, 2 * events[1:]) / 2
    assert (lower[1:] <= exact_lower).all()  # never narrower at the bottom
    assert upper[1:] == pytest.approx(chi2.ppf(0.975, 2 * (events[1:] + 1)) / 2, rel=0.01)
    assert np.isnan(byar_interval(np.array([-1.0, np.nan]))[0]).all()


def test_a_rate_gets_its_interval_in_the_indicators_unit():
    # 12 of 8.000 per 10.000 = 15,0, interval 7,7 to 26,2 (the rate example of methods §11).
    value, lower, upper = _bounds("rate", {"per": 10000}, numerator=[12], denominator=[8000])
    events_lower, events_upper = byar_interval(np.array([12]))
    assert value[0] == pytest.approx(15.0)
    assert lower[0] == pytest.approx(events_lower[0] * 10000 / 8000)
    assert upper[0] == pytest.approx(events_upper[0] * 10000 / 8000)
    assert (round(lower[0], 1), round(upper[0], 1)) == (7.7, 26.2)
    # A population of 0: no figure, no interval.
    value, lower, upper = _bounds("rate", {"per": 10000}, numerator=[0], denominator=[0])
    assert np.isnan([value[0], lower[0], upper[0]]).all()


def test_a_given_standard_error_gives_value_plus_or_minus_z_se():
    lower, upper = standard_error_interval(np.array([0.5, 0.5, 0.5]), np.array([0.1, np.nan, -1]))
    assert lower[0] == pytest.approx(0.5 - 0.196) and upper[0] == pytest.approx(0.5 + 0.196)
    assert np.isnan(lower[1:]).all() and np.isnan(upper[1:]).all()


def test_only_kinds_whose_inputs_say_how_uncertain_they_are_declare_an_interval():
    declared = {name: kind.interval and kind.interval.method for name, kind in KINDS.items()}
    assert declared == {
        "share": "wilson",
        "rate": "poisson",
        "mean": None,
        "value": None,
        "quotient": None,
        "spread": None,
    }
    assert formula_kinds()["ses_woa"].interval is None


# --- the verdict -------------------------------------------------------------------------

HIGHER, LOWER, NEUTRAL = 1.0, -1.0, 0.0


@pytest.mark.parametrize(
    ("lower", "upper", "reference", "sign", "expected"),
    [
        # Interval above the reference value.
        (6.0, 9.0, 5.0, HIGHER, "better"),
        (6.0, 9.0, 5.0, LOWER, "worse"),
        (6.0, 9.0, 5.0, NEUTRAL, "higher"),
        # Below it.
        (1.0, 4.0, 5.0, HIGHER, "worse"),
        (1.0, 4.0, 5.0, LOWER, "better"),
        (1.0, 4.0, 5.0, NEUTRAL, "lower"),
        # Containing it, bounds included.
        (4.0, 6.0, 5.0, HIGHER, "similar"),
        (5.0, 6.0, 5.0, LOWER, "similar"),
        (4.0, 5.0, 5.0, NEUTRAL, "similar"),
        # Negative scores compare the same way.
        (-0.4, -0.1, 0.05, HIGHER, "worse"),
        # No interval (suppressed, not available, no counts) or no reference value.
        (math.nan, math.nan, 5.0, HIGHER, "not_compared"),
        (math.nan, 9.0, 5.0, NEUTRAL, "not_compared"),
        (6.0, 9.0, math.nan, LOWER, "not_compared"),
    ],
)
def test_the_verdict_truth_table(lower, upper, reference, sign, expected):
    assert verdicts([lower], [upper], [reference], sign)[0] == expected


def test_every_verdict_has_one_dutch_label():
    assert set(VERDICT_LABELS) == set(VERDICTS)
    assert len(set(VERDICT_LABELS.values())) == len(VERDICTS)
    assert VERDICT_LABELS["similar"] == "niet significant verschillend"
    assert VERDICT_LABELS["not_compared"] == "niet vergeleken"


# --- declared, never guessed ---------------------------------------------------------------


def _kind(**changes) -> FormulaKind:
    fields = {
        "name": "incidence",
        "inputs": ("cases", "population"),
        "compute": lambda inputs, options: inputs["cases"],
        "describe": str,
        "denominator": "population",
        "count_pairs": (("cases", "population"),),
        "options": {"per": 1000.0},
    }
    return FormulaKind(**{**fields, **changes})


def test_a_wrong_interval_declaration_is_refused_where_it_is_made():
    with pytest.raises(ValueError, match="'bootstrap' is not one of wilson, poisson"):
        Interval("bootstrap", count="cases", base="population")
    with pytest.raises(ValueError, match="needs a count and a base"):
        Interval("wilson", count="cases")
    with pytest.raises(ValueError, match="needs a standard_error input"):
        Interval("standard_error")
    # Wilson needs the count declared as a part of the base: disclosure protects the pair.
    with pytest.raises(ValueError, match="declared in count_pairs"):
        _kind(
            count_pairs=(),
            counts=("cases", "population"),
            interval=Interval("wilson", count="cases", base="population"),
        )
    with pytest.raises(ValueError, match="'people' is not one of its required count inputs"):
        _kind(interval=Interval("poisson", count="cases", base="people"))
    with pytest.raises(ValueError, match="scale_option 'per_n' is not one of its options"):
        _kind(interval=Interval("poisson", count="cases", base="population", scale_option="per_n"))
    with pytest.raises(ValueError, match="'cases' is a weighted input"):
        _kind(
            weighted={"cases": "population"},
            interval=Interval("poisson", count="cases", base="population"),
        )
    with pytest.raises(ValueError, match="standard_error 'se' is not one of its inputs"):
        _kind(interval=Interval("standard_error", standard_error="se"))
    # The same declarations, right, are accepted.
    _kind(interval=Interval("wilson", count="cases", base="population", scale=100.0))
    _kind(interval=Interval("poisson", count="cases", base="population", scale_option="per"))


def test_a_plugin_that_declares_a_wrong_interval_is_named(monkeypatch):
    @hookimpl
    def register_formula_kinds():
        return [
            _kind(count_pairs=(), interval=Interval("wilson", count="cases", base="population"))
        ]

    with registered_plugin("bad_interval", register_formula_kinds=register_formula_kinds):
        with pytest.raises(ProblemsError) as caught:
            formula_kinds()
    (problem,) = caught.value.problems
    assert str(problem).startswith("plugin 'bad_interval': register_formula_kinds: raised")
    assert "interval count 'cases' is not one of its required count inputs" in str(problem)


# --- through the engine ----------------------------------------------------------------------

# Incidents per 1.000 inhabitants, descriptive; Oost (500 inhabitants) is below the minimum.
INCIDENTS = """\
id: incidenten
title: Incidenten
theme: werken
definition: Incidenten per 1.000 inwoners.
direction: neutral
unit: per 1.000 inwoners
formula: {kind: rate, numerator: incidenten, denominator: inwoners, per: 1000}
comparison: {kind: ratio}
source: test
measurement_moment: {kind: jaartotaal, date: kalenderjaar}
min_denominator: 600
"""
MEAN = """\
id: prijs
title: Verkoopprijs
theme: werken
definition: Gemiddelde verkoopprijs.
direction: neutral
unit: euro
formula: {kind: mean, total: prijzen, count: verkopen}
comparison: {kind: ratio}
source: test
measurement_moment: {kind: jaartotaal, date: kalenderjaar}
"""
MORE_DATA = "".join(
    f"{region},{period},{variable},{value}\n"
    for region, period, incidents, people, prices, sales in (
        ("GM0001", 2007, 200, 10000, 5000, 20),
        ("1001", 2007, 40, 1000, 1200, 5),
        ("1002", 2007, 9, 900, 900, 4),
        ("1003", 2007, 9, 500, 800, 3),  # below the minimum of 600
        ("GM0001", 2011, 200, 10000, 5000, 20),
        ("1001", 2011, 40, 1000, 1200, 5),
        ("1002", 2011, 10, 1000, 900, 4),
        ("1003", 2011, 9, 700, 800, 3),
    )
    for variable, value in (
        ("incidenten", incidents),
        ("inwoners", people),
        ("prijzen", prices),
        ("verkopen", sales),
    )
)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    root = write_monitor(
        tmp_path_factory.mktemp("significance") / "m",
        **{
            "indicators/incidenten.yml": INCIDENTS,
            "indicators/prijs.yml": MEAN,
            "data/meer.csv": "region,period,variable,value\n" + MORE_DATA,
        },
    )
    values = compute_results(load_monitor(root)).values
    return values.astype({"indicator": str, "region": str}).set_index(
        ["indicator", "region", "period"]
    )


def test_share_intervals_and_verdicts_of_the_small_monitor(results):
    share = results.loc["werkzoekenden"]
    # 1001: 100 of 1.000 (10 %) against the gemeente's 5 %: lower is better, so worse.
    lower, upper = wilson_interval(np.array([100]), np.array([1000]))
    row = share.loc[("1001", 2007)]
    assert row["ci_lower"] == pytest.approx(100 * lower[0])
    assert row["ci_upper"] == pytest.approx(100 * upper[0])
    assert row["ci_lower"] < row["value"] < row["ci_upper"]
    expected = {
        ("1001", 2007): "worse",  # 8,3 % to 12,0 % against 5 %
        ("1002", 2007): "similar",  # 50 of 1.000: exactly 5 %
        ("1003", 2007): "better",  # 10 of 500: 1,1 % to 3,6 %
        ("noordzuid", 2007): "worse",  # 150 of 2.000: 6,4 % to 8,7 %
        ("1002", 2011): "similar",  # 40 of 1.000 against 4 %
        ("1003", 2011): "better",  # 5 of 500: 0,4 % to 2,3 % against 4 %
        # The gemeente has no reference: an interval, but nothing to compare it with.
        ("GM0001", 2007): "not_compared",
    }
    assert {key: share.at[key, "verdict"] for key in expected} == expected
    assert share.loc[("GM0001", 2007), "ci_lower"] == pytest.approx(
        100 * wilson_interval(np.array([500]), np.array([10000]))[0][0]
    )


def test_rate_intervals_verdicts_and_suppression(results):
    rate = results.loc["incidenten"]
    # 1001: 40 per 1.000 against the gemeente's 20; descriptive, so "higher".
    lower, upper = byar_interval(np.array([40]))
    row = rate.loc[("1001", 2011)]
    assert row["value"] == pytest.approx(40.0)
    assert (row["ci_lower"], row["ci_upper"]) == pytest.approx((lower[0], upper[0]))
    assert row["verdict"] == "higher"
    assert rate.at[("1002", 2011), "verdict"] == "lower"  # 10 per 1.000: 4,8 to 18,4
    assert rate.at[("1003", 2011), "verdict"] == "similar"  # 9 per 700: 5,9 to 24,4
    # In 2007 Oost (500 < 600) is suppressed, and Zuid, Noord and Noord-Zuid with it
    # (each would give it back through the gemeente): no value, no interval, no verdict.
    assert rate.at[("GM0001", 2007), "status"] == ""
    for region in ("1003", "1002", "1001", "noordzuid"):
        secret = rate.loc[(region, 2007)]
        assert secret["status"] == "x"
        assert np.isnan([secret["value"], secret["ci_lower"], secret["ci_upper"]]).all()
        assert secret["verdict"] == "not_compared"
    # Every hidden cell of the table says the same.
    hidden = results[results["status"] != ""]
    assert hidden[["ci_lower", "ci_upper"]].isna().all().all()
    assert (hidden["verdict"] == "not_compared").all()


def test_a_kind_without_an_interval_is_never_compared(results):
    mean = results.loc["prijs"]
    assert mean["value"].notna().all()
    assert mean[["ci_lower", "ci_upper"]].isna().all().all()
    assert (mean["verdict"] == "not_compared").all()


def test_results_csv_carries_the_bounds_and_the_verdict(small_monitor, tmp_path):
    results_csv, _ = write_results(compute_results(load_monitor(small_monitor)), tmp_path / "o")
    table = pd.read_csv(results_csv, dtype=str, keep_default_na=False)
    # After the columns that were there before them (a byte-identical prefix for readers).
    at = list(table.columns).index("denominator")
    assert list(table.columns[at : at + 4]) == ["denominator", "ci_lower", "ci_upper", "verdict"]
    row = table[(table["region"] == "1001") & (table["period"] == "2007")].iloc[0]
    assert (row["ci_lower"], row["ci_upper"], row["verdict"]) == ("8.290916", "12.015236", "worse")
    gemeente = table[table["region"] == "GM0001"].iloc[0]
    assert gemeente["verdict"] == "not_compared" and gemeente["ci_lower"] != ""


# --- a third-party kind with a standard error ------------------------------------------------


def _given(inputs: pd.DataFrame, options: object) -> pd.Series:
    return inputs["score"]


GIVEN = FormulaKind(
    name="given_score",
    inputs=("score",),
    optional_inputs=("weight", "se"),
    compute=_given,
    describe=lambda f: f["score"],
    weighted={"score": "weight"},
    denominator="weight",
    interval=Interval("standard_error", standard_error="se"),
)
GIVEN_INDICATOR = """\
id: werkzoekenden
title: Score
theme: werken
definition: Een gegeven score met standaardfout.
direction: higher_is_better
unit: punten
formula: {kind: given_score, score: score, weight: weight, se: se}
comparison: {kind: difference}
source: test
measurement_moment: {kind: peilmoment, date: 1 januari}
"""
GIVEN_DATA = "region,period,variable,value\n" + "".join(
    f"{region},2007,{variable},{value}\n"
    for region, score, se in (
        ("GM0001", 0.10, 0.01),
        ("1001", -0.30, 0.05),
        ("1002", 0.12, 0.05),
        ("1003", 0.40, 0.10),
    )
    for variable, value in (("score", score), ("se", se), ("weight", 100))
)


@hookimpl
def _register_given() -> list[FormulaKind]:
    return [GIVEN]


def test_a_third_party_kind_with_a_standard_error(tmp_path: Path):
    with registered_plugin("given", register_formula_kinds=_register_given):
        root = write_monitor(
            tmp_path / "m",
            **{"indicators/werkzoekenden.yml": GIVEN_INDICATOR, "data/werk.csv": GIVEN_DATA},
        )
        values = compute_results(load_monitor(root)).values
    rows = values.astype({"region": str}).set_index("region")
    assert rows.at["1001", "ci_lower"] == pytest.approx(-0.30 - 1.96 * 0.05)
    assert rows.at["1001", "ci_upper"] == pytest.approx(-0.30 + 1.96 * 0.05)
    assert rows.at["1001", "verdict"] == "worse"
    assert rows.at["1002", "verdict"] == "similar"
    assert rows.at["1003", "verdict"] == "better"
    # Noord-Zuid's score is the weighted mean, but standard errors cannot be summed.
    assert rows.at["noordzuid", "value"] == pytest.approx(-0.09)
    assert np.isnan(rows.at["noordzuid", "ci_lower"])
    assert rows.at["noordzuid", "verdict"] == "not_compared"


# --- the default monitor -----------------------------------------------------------------------


def test_the_default_monitor_publishes_intervals_around_its_figures():
    monitor = load_monitor(ROOT)
    values = compute_results(monitor).values
    method = {i: k.formula.interval and k.formula.interval.method for i, k in monitor.kinds.items()}
    with_interval = values["indicator"].map(method).notna().to_numpy()
    published = (values["status"] == "").to_numpy()
    inside = (values["ci_lower"] <= values["value"]) & (values["value"] <= values["ci_upper"])
    assert inside[with_interval & published].all()
    assert values.loc[~(with_interval & published), ["ci_lower", "ci_upper"]].isna().all().all()
    assert set(values["verdict"]) <= set(VERDICTS)
    compared = values["verdict"] != "not_compared"
    assert compared.sum() > 1000 and (with_interval & published)[compared.to_numpy()].all()
    assert values.loc[compared, "reference_value"].notna().all()
