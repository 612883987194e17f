"""Zero denominators and missing values: a missing figure with a status, never an
exception or an infinite value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import THEMES, write_monitor
from wijkmonitor.core.changes import gap_change
from wijkmonitor.core.compute import NOT_COMPUTABLE_STATUS, compute_results
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.output import write_results
from wijkmonitor.website.numbers import fmt_cell

HEAD = """\
id: {id}
title: {id}
theme: werken
definition: Test.
direction: lower_is_better
unit: "%"
source: test
measurement_moment: {{kind: peilmoment, date: 1 januari}}
baseline_period: 2007
"""
FORMULAS = {
    "aandeel": "formula: {kind: share, numerator: a, denominator: b}\ncomparison: {kind: ratio}",
    "rate": "formula: {kind: rate, numerator: a, denominator: b, per: 1000}\n"
    "comparison: {kind: ratio}",
    "gemiddelde": "formula: {kind: mean, total: a, count: b}\ncomparison: {kind: ratio}",
    "quotient": "formula: {kind: quotient, numerator_a: a, denominator_a: b, numerator_b: c, "
    "denominator_b: d}\ncomparison: {kind: quotient_ratio}",
    "spreiding": "formula: {kind: spread, total: a, sum_of_squares: s, count: b}\n"
    "comparison: {kind: ratio}",
    "verschoven": "formula: {kind: value, variable: a}\ncomparison: {kind: shifted_ratio, offset: 8}",
}
# a / b: 1001 is 0/0, 1002 is 5/0, 1003 is 3/10; the gemeente 0 of 100 (a reference of 0).
# c / d: share B is 0 in 1003 (a quotient x/0). s: sums of squares.
DATA = {
    "GM0001": {"a": 0, "b": 100, "c": 10, "d": 100, "s": 0},
    "1001": {"a": 0, "b": 0, "c": 1, "d": 10, "s": 0},
    "1002": {"a": 5, "b": 0, "c": 1, "d": 10, "s": 25},
    "1003": {"a": 3, "b": 10, "c": 0, "d": 10, "s": 1},
}
# 2011: the gemeente has a figure (a reference that is not 0), 1003 a count of 1.
DATA_2011 = {
    "GM0001": {"a": 8, "b": 100, "c": 10, "d": 100, "s": 10},
    "1001": {"a": 0, "b": 0, "c": 1, "d": 10, "s": 0},
    "1002": {"a": 4, "b": 40, "c": 1, "d": 10, "s": 1},
    "1003": {"a": 4, "b": 1, "c": 0, "d": 10, "s": 16},
}


def _data() -> str:
    lines = ["region,period,variable,value"]
    for period, table in ((2007, DATA), (2011, DATA_2011)):
        for region, row in table.items():
            lines += [f"{region},{period},{v},{x}" for v, x in row.items()]
    return "\n".join(lines) + "\n"


def _monitor(tmp_path, minimum: int | None = None):
    files = {
        "indicators/werkzoekenden.yml": None,
        "indicators/themes.yml": THEMES,
        "data/werk.csv": _data(),
    }
    for ind, formula in FORMULAS.items():
        extra = f"min_denominator: {minimum}\n" if minimum is not None else ""
        files[f"indicators/{ind}.yml"] = HEAD.format(id=ind) + formula + "\n" + extra
    return load_monitor(write_monitor(tmp_path / "m", **files))


@pytest.fixture
def results(tmp_path):
    return compute_results(_monitor(tmp_path))


def _cell(results, indicator, region, period):
    v = results.values
    row = v[(v["indicator"] == indicator) & (v["region"] == region) & (v["period"] == period)]
    assert len(row) == 1
    return row.iloc[0]


def _numeric(frame: pd.DataFrame) -> np.ndarray:
    return frame.select_dtypes("number").to_numpy(dtype=float)


def test_no_infinite_value_anywhere(results, tmp_path):
    for frame in (results.values, results.changes):
        numbers = _numeric(frame)
        assert not np.isinf(numbers).any()
        assert np.isfinite(numbers[~np.isnan(numbers)]).all()
    out = tmp_path / "out"
    write_results(results, out)
    for name in ("results.csv", "changes.csv"):
        assert "inf" not in (out / name).read_text().lower()


@pytest.mark.parametrize(
    ("indicator", "region", "period"),
    [
        ("aandeel", "1001", 2007),  # 0 / 0
        ("aandeel", "1002", 2007),  # 5 / 0
        ("rate", "1002", 2007),
        ("gemiddelde", "1001", 2007),  # mean of no sales
        ("quotient", "1003", 2007),  # share B = 0
        ("spreiding", "1001", 2007),  # count 0
        ("spreiding", "1003", 2011),  # count 1
    ],
)
def test_division_by_zero_is_not_computable(results, indicator, region, period):
    row = _cell(results, indicator, region, period)
    assert np.isnan(row["value"]) and row["status"] == NOT_COMPUTABLE_STATUS
    assert np.isnan(row["deviation"]) and row["deviation_status"] == NOT_COMPUTABLE_STATUS
    assert np.isnan(row["denominator"])
    # The site shows CBS's "." for it (the glossary must say why).
    assert fmt_cell(row["value"], row["status"]) == "."


@pytest.mark.parametrize("indicator", ["aandeel", "rate", "gemiddelde"])
def test_a_reference_of_zero_gives_no_p(results, indicator):
    # 1003 has 3 of 10 against the gemeente's 0 of 100: p would be infinite.
    row = _cell(results, indicator, "1003", 2007)
    assert row["status"] == "" and row["value"] > 0 and row["reference_value"] == 0
    assert np.isnan(row["deviation"]) and row["deviation_status"] == NOT_COMPUTABLE_STATUS


def test_quotient_ratio_against_a_reference_quotient_of_zero(results):
    # The gemeente's quotient is 0 (a = 0) in 2007; 1003's is not computable.
    row = _cell(results, "quotient", "1002", 2007)
    assert np.isnan(row["deviation"]) and row["deviation_status"] == NOT_COMPUTABLE_STATUS
    ok = _cell(results, "quotient", "1002", 2011)
    # (4 / 40) / (1 / 10) = 1 against (8 / 100) / (10 / 100) = 0.8: p = +25.
    assert ok["deviation"] == pytest.approx(25.0) and ok["deviation_status"] == ""


def test_shifted_ratio_with_a_shifted_reference_of_zero(tmp_path):
    monitor = _monitor(tmp_path)
    results = compute_results(monitor)
    # Offset 8: the gemeente's 2011 value is 8, not 0; in 2007 it is 0 + 8 = 8 as well.
    row = _cell(results, "verschoven", "1003", 2007)
    assert row["deviation"] == pytest.approx((3 + 8) / 8 * 100 - 100)


def test_with_a_minimum_a_zero_denominator_is_secret(tmp_path):
    results = compute_results(_monitor(tmp_path, minimum=5))
    row = _cell(results, "aandeel", "1001", 2007)
    assert row["status"] == "x" and np.isnan(row["value"]) and np.isnan(row["denominator"])
    assert not np.isinf(_numeric(results.values)).any()
    assert not np.isinf(_numeric(results.changes)).any()


def test_zero_baseline_gap_has_no_relative_change():
    change, note = gap_change(np.array([0.0, -0.0, 1e-300, np.nan]), np.array([5.0, 5.0, 5.0, 1.0]))
    assert list(note[:2]) == ["baseline_zero", "baseline_zero"]
    assert np.isnan(change[:2]).all() and np.isnan(change[3])
    assert not np.isinf(change).any()


def test_gap_change_from_a_zero_baseline_in_the_results(tmp_path):
    # In 2011 1002 (4 of 40 = 10 %) against the gemeente's 8 %: p = +25; in 2007 1002's
    # share is not computable, so there is no baseline and no relative change either.
    results = compute_results(_monitor(tmp_path))
    changes = results.changes.set_index(["indicator", "region"])
    row = changes.loc[("aandeel", "1002")]
    assert np.isnan(row["gap_change"]) and row["development"] == "insufficient_data"
    assert not np.isinf(_numeric(results.changes)).any()


def test_the_site_shows_a_dot_and_says_why_never_infinity(tmp_path):
    """The built site of the monitor above: every page, chart and download is free of
    inf/NaN, and the focus area (1001 + 1002: 5 of 0 in 2007) shows '.' for its share."""
    import re

    from wijkmonitor.website.build import build_site

    _monitor(tmp_path)
    site = tmp_path / "site"
    build_site(tmp_path / "m", site)
    forbidden = re.compile(r"\b(?:inf|Infinity|NaN|nan|undefined)\b|∞")
    for path in site.rglob("*"):
        if path.suffix in {".html", ".json", ".csv", ".xml"}:
            found = forbidden.search(path.read_text(encoding="utf-8"))
            assert found is None, (path, found and found.group())
    page = (site / "wijk" / "noordzuid" / "index.html").read_text(encoding="utf-8")
    row = re.search(r'<tr><th scope="row"[^>]*>2007</th>(.*?)</tr>', page, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
    assert cells[0] == "." and cells[1] == "."  # no p, no value of the area
    glossary = (site / "begrippen" / "index.html").read_text(encoding="utf-8")
    assert "niet te berekenen (de noemer of de referentiewaarde is 0)" in glossary
