"""Disclosure: a suppressed cell never comes back out of what is published.

Hypothesis builds small random monitors (a gemeente, a few pc4s whose counts add up to
the gemeente's exactly, focus areas that are unions of pc4s and of each other, some
counts below ``min_denominator``, some cells ``x`` in the source), runs the real
computation and writes the real downloads. An attacker then reads ``results.csv`` only
and tries to recover any suppressed numerator or denominator: by differences (parent
minus the published children, composite minus composite) and, stronger, by solving
the whole linear system of published sums in exact rational arithmetic. A suppressed
value must never be uniquely determined.

The attacker also reads the confidence intervals and verdicts (methods §11): a
suppressed cell publishes neither, a verdict never speaks of a suppressed reference
value, and every published interval and verdict is a function of published figures
only (the value, the denominator and the reference value), so they add nothing to what
the attacks above already use.
"""

from __future__ import annotations

import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import THEMES, write_monitor
from tests.plugin_install import registered_plugin
from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.hookspecs import hookimpl
from wijkmonitor.core.kinds import FormulaKind, Interval
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.output import write_results
from wijkmonitor.core.significance import verdicts, wilson_interval

GEMEENTE = "GM0001"

INDICATOR = """\
id: aandeel
title: Aandeel
theme: werken
definition: Aandeel van de inwoners met een kenmerk.
direction: lower_is_better
unit: "%"
formula: {{kind: share, numerator: teller, denominator: noemer}}
comparison: {{kind: ratio}}
source: test
measurement_moment: {{kind: peilmoment, date: 1 januari}}
min_denominator: {minimum}
"""


# --- random monitors ---------------------------------------------------------------------


@st.composite
def monitors(draw: st.DrawFn) -> dict:
    n_base = draw(st.integers(2, 5))
    base = [str(1001 + i) for i in range(n_base)]
    periods = list(range(2010, 2010 + draw(st.integers(1, 3))))
    minimum = draw(st.sampled_from([10, 30, 50]))
    cells = {}
    for code in base:
        for period in periods:
            # Around the minimum, so primary suppression happens often but not always.
            denominator = draw(st.integers(0, 3 * minimum))
            # Nobody and everybody often: sums of hidden cells that come to 0.
            numerator = draw(st.sampled_from([0, denominator]) | st.integers(0, denominator))
            secret = draw(st.sampled_from(["", "", "", "", "", "", "teller", "noemer"]))
            cells[code, period] = (numerator, denominator, secret)
    areas: list[tuple[str, list[str]]] = []
    covers: dict[str, set[str]] = {}
    for i in range(draw(st.integers(0, 3))):
        pool = base + [a for a, _ in areas]
        members = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=len(pool), unique=True))
        # Members of one area must not overlap (a region counted twice is an input error).
        kept, covered = [], set()
        for member in members:
            if not covers.get(member, {member}) & covered:
                kept.append(member)
                covered |= covers.get(member, {member})
        covers[f"gebied-{i}"] = covered
        areas.append((f"gebied-{i}", kept))
    return {"base": base, "periods": periods, "minimum": minimum, "cells": cells, "areas": areas}


def _files(spec: dict, indicator: str = INDICATOR, derived: bool = False) -> dict[str, str | None]:
    # derived: the base regions are the gemeente's wijken and the gemeente has no rows,
    # so its figure is derived from them (methods §13) whenever every wijk has one.
    level = "wijk" if derived else "pc4"
    regions = ["code,name,level,parent", f"{GEMEENTE},Stad,gemeente,"]
    regions += [f"{code},Postcode {code},{level},{GEMEENTE}" for code in spec["base"]]
    rows = ["region,period,variable,value,status"]
    for period in spec["periods"]:
        total_n = total_d = 0
        for code in spec["base"]:
            numerator, denominator, secret = spec["cells"][code, period]
            total_n, total_d = total_n + numerator, total_d + denominator
            n_cell = ",x" if secret == "teller" else f"{numerator},"
            d_cell = ",x" if secret == "noemer" else f"{denominator},"
            rows += [f"{code},{period},teller,{n_cell}", f"{code},{period},noemer,{d_cell}"]
        # The gemeente's figures are the exact sums: the strongest position for a reader.
        if not derived:
            rows += [
                f"{GEMEENTE},{period},teller,{total_n},",
                f"{GEMEENTE},{period},noemer,{total_d},",
            ]
    areas = "areas:\n" + "".join(
        f"  - id: {area}\n    name: Gebied {area}\n    kind: focus_area\n    members: {members}\n"
        for area, members in spec["areas"]
    )
    return {
        "indicators/werkzoekenden.yml": None,
        "indicators/themes.yml": THEMES,
        "indicators/aandeel.yml": indicator.format(minimum=spec["minimum"]),
        "data/regions.csv": "\n".join(regions) + "\n",
        "data/werk.csv": "\n".join(rows) + "\n",
        "areas.yml": areas if spec["areas"] else "areas: []\n",
    }


def _flat(spec: dict) -> dict[str, set[str]]:
    """Every region and area as its set of base regions."""
    flat: dict[str, set[str]] = {GEMEENTE: set(spec["base"])}
    flat.update({code: {code} for code in spec["base"]})
    for area, members in spec["areas"]:
        flat[area] = set().union(*(flat[m] for m in members))
    return flat


# --- the attacker ------------------------------------------------------------------------


def _published(results_csv: Path) -> pd.DataFrame:
    """What a reader of the download knows per (region, period): numerator and
    denominator where a figure is published (the numerator is value x denominator / 100)."""
    table = pd.read_csv(results_csv, dtype={"region": str}, keep_default_na=False)
    table["status"] = table["status"].astype(str)
    for column in ("value", "denominator", "deviation", "reference_value", "ci_lower", "ci_upper"):
        table[column] = pd.to_numeric(table[column], errors="coerce")
    return table


def _intervals_restate_published_figures(rows: pd.DataFrame, secret: list[str]) -> None:
    """The interval attack: bounds and verdicts give nothing beyond published figures.

    A suppressed cell has no bounds (they would give its share and, with the width, its
    denominator back) and no verdict; a cell whose reference is suppressed has no verdict
    (better or worse would say on which side of its own bounds the hidden value lies).
    Every published pair of bounds is the Wilson interval of the published value and
    denominator, and every verdict follows from the published bounds and reference value:
    so tiny published counts only have their interval restated, never anything hidden."""
    for region in secret:
        assert np.isnan(rows.at[region, "ci_lower"]), region
        assert np.isnan(rows.at[region, "ci_upper"]), region
        assert rows.at[region, "verdict"] == "not_compared", region
    for region in rows.index:
        if rows.at[region, "reference_region"] in secret:
            assert rows.at[region, "verdict"] == "not_compared", region
    published = rows[rows["status"] == ""]
    n = published["denominator"].to_numpy()
    lower, upper = wilson_interval(published["value"].to_numpy() * n / 100, n)
    np.testing.assert_allclose(published["ci_lower"], 100 * lower, atol=2e-6)
    np.testing.assert_allclose(published["ci_upper"], 100 * upper, atol=2e-6)
    assert not published[["ci_lower", "ci_upper"]].isna().any().any()
    # lower_is_better (the indicator's direction): d = -1.
    again = verdicts(rows["ci_lower"], rows["ci_upper"], rows["reference_value"], -1.0)
    assert list(rows["verdict"]) == list(again)


def _reduce(rows: list[list[Fraction]], vector: list[Fraction]) -> list[Fraction]:
    """``vector`` minus its part in the span of ``rows`` (rows in echelon form)."""
    vector = list(vector)
    for row in rows:
        pivot = next(i for i, x in enumerate(row) if x != 0)
        if vector[pivot] != 0:
            factor = vector[pivot] / row[pivot]
            vector = [v - factor * r for v, r in zip(vector, row, strict=True)]
    return vector


def _echelon(equations: list[list[Fraction]]) -> list[list[Fraction]]:
    rows: list[list[Fraction]] = []
    for equation in equations:
        rest = _reduce(rows, equation)
        if any(x != 0 for x in rest):
            rows.append(rest)
    return rows


def recoverable_by_linear_algebra(flat: dict[str, set[str]], hidden: list[str]) -> set[str]:
    """Hidden regions whose counts follow uniquely from the published sums.

    Every region R (gemeente, pc4, area) is the sum of its base regions; published
    counts are constants, so each relation restricted to the hidden regions is one
    equation. A hidden region is determined iff its unit vector lies in the row space.
    """
    regions = sorted(flat)
    hidden_set = set(hidden)
    unknown = {r: i for i, r in enumerate(r for r in regions if r in hidden_set)}
    equations = []
    for region, bases in flat.items():
        if bases == {region}:
            continue
        row = [Fraction(0)] * len(unknown)
        if region in unknown:
            row[unknown[region]] += 1
        for b in bases:
            if b in unknown:
                row[unknown[b]] -= 1
        if any(row):
            equations.append(row)
    basis = _echelon(equations)
    found = set()
    for region, i in unknown.items():
        unit = [Fraction(int(j == i)) for j in range(len(unknown))]
        if not any(_reduce(basis, unit)):
            found.add(region)
    return found


def recoverable_by_differences(flat: dict[str, set[str]], hidden: set[str]) -> set[str]:
    """The obvious attacks: a sum minus its other published parts, and A minus B when
    A's base regions are B's plus one hidden region."""
    found = set()
    published = set(flat) - hidden
    for region, bases in flat.items():
        if bases == {region}:
            continue
        parts = {region} | bases
        if len(parts & hidden) == 1:
            found |= parts & hidden
    for a in published:
        for b in published:
            extra = flat[a] - flat[b]
            if flat[b] < flat[a] and len(extra) == 1 and extra <= hidden:
                found |= extra
    return found


def recoverable_as_zero(
    flat: dict[str, set[str]], hidden: set[str], counts: dict[str, dict[str, float]]
) -> set[str]:
    """Counts are never negative: when a published region's hidden base regions add up
    to 0 in a count (the region's count minus its published base regions'), every one of
    them is 0. ``counts``: per published region its numerator, denominator and
    denominator minus numerator (what a reader derives from value and denominator)."""
    found = set()
    for region, bases in flat.items():
        if region in hidden or bases == {region}:
            continue
        unknown = bases & hidden
        if not unknown or not (bases - unknown) <= set(counts):
            continue
        for key in ("numerator", "denominator", "rest"):
            rest = counts[region][key] - sum(counts[b][key] for b in bases - unknown)
            if round(rest, 6) == 0:
                found |= unknown
    return found


def _counts(rows: pd.DataFrame) -> dict[str, dict[str, float]]:
    published = rows[rows["status"] == ""]
    numerator = published["value"] * published["denominator"] / 100
    return {
        region: {"numerator": n, "denominator": d, "rest": d - n}
        for region, n, d in zip(published.index, numerator, published["denominator"], strict=True)
    }


def _check_period(spec: dict, table: pd.DataFrame, period: int) -> None:
    flat = _flat(spec)
    rows = table[table["period"] == period].set_index("region")
    hidden = [r for r in flat if r not in rows.index or rows.at[r, "status"] != ""]
    secret = [r for r in hidden if r in rows.index and rows.at[r, "status"] == "x"]
    # Everything published about a suppressed cell is empty.
    for region in secret:
        for column in ("value", "denominator", "deviation"):
            assert np.isnan(rows.at[region, column]), (region, column)
    for region in rows.index:
        reference = rows.at[region, "reference_region"]
        if reference in secret:
            assert np.isnan(rows.at[region, "reference_value"]), region
            assert np.isnan(rows.at[region, "deviation"]), region
    _intervals_restate_published_figures(rows, secret)
    assert not (recoverable_by_differences(flat, set(hidden)) & set(secret))
    assert not (recoverable_by_linear_algebra(flat, hidden) & set(secret))
    assert not (recoverable_as_zero(flat, set(hidden), _counts(rows)) & set(secret))


ATTACKS = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@ATTACKS
@given(monitors())
def test_no_suppressed_cell_can_be_recovered(spec):
    _attack(spec, INDICATOR)


@ATTACKS
@given(monitors())
def test_a_derived_parent_gives_no_suppressed_child_back(spec):
    # The gemeente is the sum of its wijken because the engine derives it: parent minus
    # the published wijken must not reveal a suppressed one (methods §6, §13).
    _attack(spec, INDICATOR, derived=True)


def _attack(spec: dict, indicator: str, derived: bool = False) -> None:
    """Build the monitor of ``spec`` with ``indicator``, publish it, and attack every
    period of its results.csv and its changes.csv."""
    with tempfile.TemporaryDirectory() as tmp:
        root = write_monitor(Path(tmp) / "m", **_files(spec, indicator, derived))
        results = compute_results(load_monitor(root))
        out = Path(tmp) / "out"
        write_results(results, out)
        table = _published(out / "results.csv")
        for period in spec["periods"]:
            _check_period(spec, table, period)
            if derived and not any(spec["cells"][c, period][2] for c in spec["base"]):
                # Every wijk has both figures: the gemeente was derived (the attack is real).
                row = table[(table["region"] == GEMEENTE) & (table["period"] == period)]
                assert len(row) == (table["period"] == period).any()
                published = row[row["status"] == ""]
                assert (published["derived_from"] == "wijk").all()
        # No change row carries a figure of a suppressed baseline or latest period.
        changes = pd.read_csv(out / "changes.csv", dtype={"region": str}, keep_default_na=False)
        status = table.set_index(["region", "period"])["status"]
        for row in changes.itertuples():
            for period, p in ((row.baseline_period, row.deviation_baseline),
                              (row.latest_period, row.deviation_latest)):  # fmt: skip
                if status.get((row.region, period), ".") == "x":
                    assert p == "" or np.isnan(float(p))
                    assert row.gap_change == "" or np.isnan(float(row.gap_change))
                    assert row.development in ("insufficient_data", "not_applicable")


# --- the attacker itself is checked against known disclosures -----------------------------


def test_attacker_finds_a_gemeente_minus_a_focus_area():
    # GM = a + b + c, F = a + b: with a, b, c hidden and GM, F published, c = GM - F.
    flat = {GEMEENTE: {"a", "b", "c"}, "a": {"a"}, "b": {"b"}, "c": {"c"}, "F": {"a", "b"}}
    assert recoverable_by_linear_algebra(flat, ["a", "b", "c"]) == {"c"}
    assert recoverable_by_differences(flat, {"a", "b", "c"}) == {"c"}
    assert recoverable_by_linear_algebra(flat, ["a", "b", "c", "F"]) == set()


def test_attacker_finds_a_zero_sum():
    # GM has 10 of 100; 1001 and 1002 publish 4 of 40 and 6 of 50: hidden 1003 (10
    # people) has 0 of them, though its share is suppressed.
    flat = {GEMEENTE: {"a", "b", "c"}, "a": {"a"}, "b": {"b"}, "c": {"c"}}
    counts = {
        GEMEENTE: {"numerator": 10, "denominator": 100, "rest": 90},
        "a": {"numerator": 4, "denominator": 40, "rest": 36},
        "b": {"numerator": 6, "denominator": 50, "rest": 44},
    }
    assert recoverable_as_zero(flat, {"c"}, counts) == {"c"}
    assert recoverable_as_zero(flat, {"b", "c"}, counts) == set()


def test_attacker_finds_a_chain_of_composites():
    # A = a + b, B = b + c, GM = a + b + c: hiding a, b, c leaves GM - A = c, GM - B = a.
    flat = {
        GEMEENTE: {"a", "b", "c"},
        "a": {"a"},
        "b": {"b"},
        "c": {"c"},
        "A": {"a", "b"},
        "B": {"b", "c"},
    }
    assert recoverable_by_linear_algebra(flat, ["a", "b", "c"]) == {"a", "b", "c"}


# --- one real site ----------------------------------------------------------------------

SITE_DATA = """\
region,period,variable,value,status
GM0001,2007,teller,4037,
GM0001,2007,noemer,9851,
1001,2007,teller,1913,
1001,2007,noemer,4721,
1002,2007,teller,2111,
1002,2007,noemer,5113,
1003,2007,teller,13,
1003,2007,noemer,17,
GM0001,2011,teller,4113,
GM0001,2011,noemer,9911,
1001,2011,teller,1931,
1001,2011,noemer,4703,
1002,2011,teller,2171,
1002,2011,noemer,5189,
1003,2011,teller,11,
1003,2011,noemer,19,
"""
SITE_AREAS = """\
areas:
  - id: noordzuid
    name: Noord-Zuid
    kind: focus_area
    members: ["1001", "1002"]
  - id: oost
    name: Oost
    kind: focus_area
    members: ["1003"]
  - id: totaal
    name: Totaal aandachtswijken
    kind: focus_total
    members: [noordzuid, oost]
"""


@pytest.mark.slow
def test_a_built_site_never_shows_a_suppressed_figure(tmp_path):
    """Build a real site where pc4 1003 (17 and 19 people) is suppressed and grep every
    page, chart and download for its counts, its value and anything derived from them."""
    from wijkmonitor.website.build import build_site

    root = write_monitor(
        tmp_path / "m",
        **{
            "indicators/werkzoekenden.yml": None,
            "indicators/aandeel.yml": INDICATOR.format(minimum=50),
            "data/werk.csv": SITE_DATA,
            "areas.yml": SITE_AREAS,
        },
    )
    results = compute_results(load_monitor(root))
    values = results.values.astype({"region": str}).set_index(["region", "period"])
    assert values.loc[("1003", 2007), "status"] == "x"
    assert values.loc[("oost", 2007), "status"] == "x"
    secret = values[values["status"] == "x"].index.get_level_values(0).unique()
    published = values[values["status"] == ""]
    # The gemeente and noordzuid are published in full; then 1003 = GM - noordzuid unless
    # one of them is hidden too — the engine must have hidden enough.
    flat = {
        "GM0001": {"1001", "1002", "1003"},
        "1001": {"1001"},
        "1002": {"1002"},
        "1003": {"1003"},
        "noordzuid": {"1001", "1002"},
        "oost": {"1003"},
        "totaal": {"1001", "1002", "1003"},
    }
    for period in (2007, 2011):
        hidden = [r for r in flat if values.loc[(r, period), "status"] != ""]
        assert "1003" not in recoverable_by_linear_algebra(flat, hidden)

    site = tmp_path / "site"
    build_site(root, site)
    suppressed = results.values[results.values["status"] == "x"]
    # The secret cells' own figures, in every notation the site or a download uses.
    counts = {"13", "17", "11", "19"}  # numerators and denominators of 1003
    needles = set()
    for share in (13 / 17 * 100, 11 / 19 * 100):  # 76.47 % and 57.89 %
        needles |= {f"{share:.1f}".replace(".", ","), f"{share:.2f}", f"{share:.6f}"}
    # Nor the bounds of their intervals (methods §11), which would give them back.
    for bound in np.concatenate(wilson_interval(np.array([13, 11]), np.array([17, 19]))):
        needles |= {f"{100 * bound:.1f}".replace(".", ","), f"{100 * bound:.6f}"}
    for region, period in zip(suppressed["region"], suppressed["period"], strict=True):
        original = values.loc[(str(region), period)]
        assert np.isnan(original["value"]) and np.isnan(original["denominator"])
    files = [p for p in site.rglob("*") if p.suffix in {".html", ".json", ".csv", ".js"}]
    files = [p for p in files if "assets" not in p.parts or p.suffix != ".js"]
    assert any(p.name == "results.csv" for p in files)
    for path in files:
        text = path.read_text(encoding="utf-8")
        for needle in needles:
            assert needle not in text, (path, needle)
        if path.suffix == ".csv":
            table = pd.read_csv(path, dtype=str, keep_default_na=False)
            for column in ("denominator",):
                if column in table:
                    assert not (set(table[column]) & counts), path
    assert len(secret) >= 2 and len(published) >= 1


# --- suppression across indicators, and "x" without a minimum ------------------------------

SHARED_NUMERATOR = """\
id: per_huishouden
title: Per huishouden
theme: werken
definition: Inwoners met een kenmerk per 100 huishoudens.
direction: lower_is_better
unit: per 100 huishoudens
formula: {kind: rate, numerator: teller, denominator: huishoudens, per: 100}
comparison: {kind: ratio}
source: test
measurement_moment: {kind: peilmoment, date: 1 januari}
"""
SHARED_DATA = SITE_DATA + "".join(
    f"{region},{period},huishoudens,{count},\n"
    for region, count in (("GM0001", 5000), ("1001", 2400), ("1002", 2500), ("1003", 100))
    for period in (2007, 2011)
)


def test_indicators_sharing_a_numerator_hide_the_same_cells(tmp_path):
    """'aandeel' hides 1003 (17 people < 50); 'per_huishouden' has no minimum and 100
    households there, so on its own it would publish 1003's rate, and rate x households
    would give the numerator 'aandeel' keeps secret."""
    root = write_monitor(
        tmp_path / "m",
        **{
            "indicators/werkzoekenden.yml": None,
            "indicators/aandeel.yml": INDICATOR.format(minimum=50),
            "indicators/per_huishouden.yml": SHARED_NUMERATOR,
            "data/werk.csv": SHARED_DATA,
            "areas.yml": SITE_AREAS,
        },
    )
    values = compute_results(load_monitor(root)).values.astype({"region": str})
    status = values.set_index(["indicator", "region", "period"])["status"]
    for period in (2007, 2011):
        assert status[("aandeel", "1003", period)] == "x"
        assert status[("per_huishouden", "1003", period)] == "x"
        for region in ("GM0001", "1001", "1002", "noordzuid", "oost", "totaal"):
            assert (
                status[("aandeel", region, period)] == status[("per_huishouden", region, period)]
            ), (region, period)
    rate = values[(values["indicator"] == "per_huishouden") & (values["region"] == "1003")]
    assert rate["value"].isna().all() and rate["denominator"].isna().all()
    # Nor its Poisson interval, which would give the rate and the count back.
    assert rate["ci_lower"].isna().all() and rate["ci_upper"].isna().all()
    assert (rate["verdict"] == "not_compared").all()


def test_a_source_x_is_protected_without_a_minimum(tmp_path):
    """No min_denominator, but 1003's numerator is 'x' in the source: GM0001 minus 1001
    and 1002 must not give it back."""
    data = SITE_DATA.replace("1003,2007,teller,13,", "1003,2007,teller,,x")
    root = write_monitor(
        tmp_path / "m",
        **{
            "indicators/werkzoekenden.yml": None,
            "indicators/aandeel.yml": INDICATOR.format(minimum=50).replace(
                "min_denominator: 50\n", ""
            ),
            "data/werk.csv": data,
            "areas.yml": "areas: []\n",
        },
    )
    values = compute_results(load_monitor(root)).values.astype({"region": str})
    rows = values[values["period"] == 2007].set_index("region")
    assert rows.at["1003", "status"] == "x"
    flat = {"GM0001": {"1001", "1002", "1003"}, "1001": {"1001"}, "1002": {"1002"}}
    flat["1003"] = {"1003"}
    hidden = [r for r in flat if rows.at[r, "status"] != ""]
    assert len(hidden) == 2  # one more cell hidden: the smallest of the other pc4s
    assert recoverable_by_linear_algebra(flat, hidden) == set()
    # 2011 has no secret: everything is published.
    assert (values[values["period"] == 2011]["status"] == "").all()


def test_a_zero_sum_of_hidden_cells_is_broken_up(tmp_path):
    """1003 (10 people) is secret. Hiding 1001 (the smallest other pc4) stops 'the
    gemeente minus the rest', but both have 0 of the 6 people the gemeente has, all in
    1002: the gemeente minus 1002 leaves 0 for 1001 and 1003 together, so each has 0.
    The engine must hide one more cell."""
    data = (
        "region,period,variable,value\n"
        "GM0001,2007,teller,6\nGM0001,2007,noemer,100\n"
        "1001,2007,teller,0\n1001,2007,noemer,40\n"
        "1002,2007,teller,6\n1002,2007,noemer,50\n"
        "1003,2007,teller,0\n1003,2007,noemer,10\n"
    )
    root = write_monitor(
        tmp_path / "m",
        **{
            "indicators/werkzoekenden.yml": None,
            "indicators/aandeel.yml": INDICATOR.format(minimum=20),
            "data/werk.csv": data,
            "areas.yml": "areas: []\n",
        },
    )
    out = tmp_path / "out"
    write_results(compute_results(load_monitor(root)), out)
    rows = _published(out / "results.csv").set_index("region")
    flat = {"GM0001": {"1001", "1002", "1003"}, "1001": {"1001"}, "1002": {"1002"}}
    flat["1003"] = {"1003"}
    hidden = {r for r in flat if rows.at[r, "status"] != ""}
    assert {"1001", "1003"} <= hidden and len(hidden) == 3
    assert recoverable_as_zero(flat, hidden, _counts(rows)) == set()
    assert recoverable_by_linear_algebra(flat, sorted(hidden)) == set()
    # Without the third hidden cell the attack works: the test's attacker is sharp.
    counts = _counts(rows) | {"1002": {"numerator": 6.0, "denominator": 50.0, "rest": 44.0}}
    assert recoverable_as_zero(flat, {"1001", "1003"}, counts) == {"1001", "1003"}


# --- a third-party formula kind: the guarantees follow declared capabilities, not names ----


def _incidence(inputs: pd.DataFrame, options: object) -> pd.Series:
    """100 x cases / population: a share by other names."""
    population = inputs["population"]
    return 100.0 * inputs["cases"] / population.where(population != 0)


INCIDENCE = FormulaKind(
    name="incidence",
    inputs=("cases", "population"),
    compute=_incidence,
    denominator="population",
    count_pairs=(("cases", "population"),),
    interval=Interval("wilson", count="cases", base="population", scale=100.0),
    describe=lambda f: f"100 × {f['cases']} / {f['population']}",
)
# The same kind without its pair: both inputs are counts, but the engine is not told
# that the cases are counted among the population.
INCIDENCE_UNPAIRED = FormulaKind(
    name="incidence_unpaired",
    inputs=("cases", "population"),
    compute=_incidence,
    denominator="population",
    counts=("cases", "population"),
    describe=lambda f: f"100 × {f['cases']} / {f['population']}",
)


@hookimpl
def _register_incidence() -> list[FormulaKind]:
    return [INCIDENCE, INCIDENCE_UNPAIRED]


def _third_party(kind: str) -> str:
    return INDICATOR.replace(
        "kind: share, numerator: teller, denominator: noemer",
        f"kind: {kind}, cases: teller, population: noemer",
    )


@pytest.fixture(scope="module")
def incidence_plugin():
    """A real plugin, registered with the process's plugin manager as an installed one
    would be (an entry point only adds the import), and removed afterwards."""
    with registered_plugin("incidence", register_formula_kinds=_register_incidence) as plugin:
        yield plugin


@ATTACKS
@given(spec=monitors())
def test_a_third_party_kind_with_other_input_names_is_protected_like_share(incidence_plugin, spec):
    """The same random monitors and the same attacker as for ``share``, with a formula
    kind of a plugin whose inputs are named ``cases`` and ``population``: no suppressed
    cell is recovered, zero sums included, and its declared Wilson interval is published
    for published cells only."""
    _attack(spec, _third_party("incidence"))


# Everybody in 1001 and 1003 has the characteristic: GM0001 94 of 100, 1002 44 of 50.
# 1003 (10 people) is below the minimum of 20, 1001 (40) is hidden to protect it, and
# GM0001's population minus cases (6) minus 1002's (6) leaves 0 for 1001 and 1003.
EVERYBODY = (
    "region,period,variable,value\n"
    "GM0001,2007,teller,94\nGM0001,2007,noemer,100\n"
    "1001,2007,teller,40\n1001,2007,noemer,40\n"
    "1002,2007,teller,44\n1002,2007,noemer,50\n"
    "1003,2007,teller,10\n1003,2007,noemer,10\n"
)


def _everybody_hidden(tmp_path: Path, kind: str) -> tuple[set[str], dict]:
    root = write_monitor(
        tmp_path / kind,
        **{
            "indicators/werkzoekenden.yml": None,
            "indicators/aandeel.yml": _third_party(kind).format(minimum=20),
            "data/werk.csv": EVERYBODY,
            "areas.yml": "areas: []\n",
        },
    )
    out = tmp_path / f"{kind}-out"
    write_results(compute_results(load_monitor(root)), out)
    rows = _published(out / "results.csv").set_index("region")
    return {r for r in rows.index if rows.at[r, "status"] != ""}, _counts(rows)


def test_declared_count_pairs_are_what_protects_the_everybody_sum(incidence_plugin, tmp_path):
    """The guarantee comes from the declaration: the kind without ``count_pairs`` leaks
    1001 and 1003 ("all of them have it") to the attacker, the kind with it does not."""
    flat = {"GM0001": {"1001", "1002", "1003"}, "1001": {"1001"}, "1002": {"1002"}}
    flat["1003"] = {"1003"}

    hidden, counts = _everybody_hidden(tmp_path, "incidence_unpaired")
    assert hidden == {"1001", "1003"}
    assert recoverable_as_zero(flat, hidden, counts) == {"1001", "1003"}

    hidden, counts = _everybody_hidden(tmp_path, "incidence")
    assert {"1001", "1003"} < hidden and len(hidden) == 3
    assert recoverable_as_zero(flat, hidden, counts) == set()
    assert recoverable_by_linear_algebra(flat, sorted(hidden)) == set()
