"""The methods document (docs/methods.md, the site's "Verantwoording"): every worked
example recomputed with the project's own kinds and rules, and the page on a built site.

Worked examples are the rows of the document's tables with the columns Voorbeeld |
Soort | Invoer | Berekening | Uitkomst. ``Soort`` names a built-in formula or
comparison kind (computed with that kind's own ``compute``), ``gap_change``,
``development`` or ``standard_error`` (computed with core/changes.py), ``wilson``,
``poisson`` (the interval a built-in kind declares, with core/significance.py; ``bound``
says which limit) or ``verdict`` (core/significance.py), or is plain text (only the
written calculation is checked). ``Invoer`` is ``name`` = value pairs
separated by ";"; ``Berekening`` is the calculation written out, which must give the
stated outcome too. Numbers are Dutch (decimal comma, thousands dot, real minus sign);
an outcome is correct when it is the computed figure rounded to the decimals shown.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import ROOT, write_monitor
from wijkmonitor.core.changes import (
    binomial_relative_variance,
    development,
    gap_change,
    ratio_deviation_se,
)
from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.significance import VERDICT_LABELS, interval_bounds, verdicts
from wijkmonitor.plugins.comparisons import COMPARISON_KINDS
from wijkmonitor.plugins.formulas import FORMULA_KINDS
from wijkmonitor.plugins.ses_woa.kind import SES_WOA_KIND
from wijkmonitor.website.build import build_site
from wijkmonitor.website.page_methods import METHODS, methods_markdown, split_title

DOC = ROOT / "docs" / "methods.md"
HEADER = ["Voorbeeld", "Soort", "Invoer", "Berekening", "Uitkomst"]
FORMULAS = {k.name: k for k in [*FORMULA_KINDS, SES_WOA_KIND]}
COMPARISONS = {k.name: k for k in COMPARISON_KINDS}
DIRECTION = {"higher_is_better": 1.0, "lower_is_better": -1.0, "neutral": 0.0}
# The numbered sections code comments cite as "methods §N".
SECTIONS = {
    1: "Gebieden en samengestelde gebieden",
    2: "De waarde van een indicator: de formulesoorten",
    3: "De afwijking p van het referentiegebied",
    4: "De verandering van de afstand sinds de nulmeting",
    5: "Ontwikkelingsklassen en de regel voor „geen verandering”",
    6: "Geheimhouding: kleine aantallen en wat daaruit terug te rekenen is",
    7: "Ontbrekende en niet te berekenen cijfers",
    8: "Bovenliggende gebieden zonder eigen cijfer",
    9: "De SES-WOA-score: wat wij van het CBS volgen en waar wij benaderen",
    10: "Wat het voorbeeld van 2012 reproduceert",
    11: "Betrouwbaarheidsintervallen en het oordeel tegenover het referentiegebied",
    12: "De ruggengraatgrafiek",
    13: "Cijfers afgeleid uit de onderdelen",
}
# Interval examples (methods §11) by method, computed with the built-in kind declaring it.
INTERVALS = {"wilson": "share", "poisson": "rate"}


# --- reading the document ----------------------------------------------------------------

# A Dutch number: thousands dots only in groups of three, a decimal comma.
NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")


def dutch(text: str) -> float:
    """One Dutch number ("−1.234,5", "+25,0"); "x" and "." are no figure (NaN)."""
    text = text.strip().replace("\u2212", "-")
    if text in ("x", "."):
        return math.nan
    sign = -1.0 if text.startswith("-") else 1.0
    digits = text.lstrip("+-")
    if not NUMBER.fullmatch(digits):
        raise ValueError(f"not a Dutch number: {text!r}")
    return sign * float(digits.replace(".", "").replace(",", "."))


_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


def _evaluate(node: ast.AST) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_evaluate(node.operand))
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "sqrt":
        return math.sqrt(_evaluate(node.args[0]))
    raise ValueError(f"not arithmetic: {ast.dump(node)}")


def arithmetic(text: str) -> float:
    """A calculation as the document writes it: Dutch numbers, ×, −, √(...), ²."""
    python = NUMBER.sub(lambda m: repr(dutch(m.group())), text)
    python = python.replace("\u2212", "-").replace("×", "*").replace("√", "sqrt")
    python = python.replace("²", "**2").replace("³", "**3")
    return _evaluate(ast.parse(python, mode="eval"))


def decimals(text: str) -> int:
    number = re.search(r"[\d.,]+", text).group()
    return len(number.partition(",")[2])


def example_rows(markdown: str) -> list[dict[str, str]]:
    """Every row of every worked-example table, as {column: cell}."""
    rows, header = [], None
    for line in markdown.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
        elif header == HEADER and not set("".join(cells)) <= set("-: "):
            rows.append(dict(zip(HEADER, cells, strict=True)))
    return rows


def parse_inputs(text: str) -> dict[str, float | str]:
    """ "`numerator` = 100 + 10; `per` = 10.000; `statistic` = mean" -> {name: value}."""
    given: dict[str, float | str] = {}
    for part in text.split(";"):
        name, _, value = part.partition("=")
        name, value = name.strip().strip("`"), value.strip()
        try:
            given[name] = arithmetic(value)
        except (ValueError, SyntaxError):
            given[name] = dutch(value) if value in ("x", ".") else value
    return given


def kind_of(row: dict[str, str]) -> str:
    return row["Soort"].strip("`")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return example_rows(DOC.read_text(encoding="utf-8"))


# --- the worked examples -----------------------------------------------------------------


def computed(row: dict[str, str]) -> float | str:
    """The example's outcome by the project's own code: a number, or a class or note."""
    kind, given = kind_of(row), parse_inputs(row["Invoer"])
    if kind in FORMULAS:
        formula = FORMULAS[kind]
        options = {**formula.options, **{k: v for k, v in given.items() if k in formula.options}}
        inputs = pd.DataFrame({k: [v] for k, v in given.items() if k not in formula.options})
        return float(formula.compute(inputs, options).iloc[0])
    if kind in COMPARISONS:
        comparison = COMPARISONS[kind]
        options = {k: v for k, v in given.items() if k in comparison.options}
        value, reference = pd.Series([given["value"]]), pd.Series([given["reference"]])
        return float(comparison.compute(value, reference, options).iloc[0])
    if kind == "gap_change":
        change, note = gap_change(np.array([given["p_baseline"]]), np.array([given["p_latest"]]))
        return str(note[0]) if note[0] else float(change[0])
    if kind == "development":
        se = np.array([given.get("change_se", math.nan)])
        return str(
            development(
                np.array([given["p_baseline"]]),
                np.array([given["p_latest"]]),
                np.array([DIRECTION[str(given["direction"])]]),
                float(given["threshold"]),
                se,
                float(given.get("z", 0.0)),
            )[0]
        )
    if kind == "standard_error":
        share = FORMULAS["share"]
        frame = pd.DataFrame(
            {
                "numerator": [given["numerator"], given["reference_numerator"]],
                "denominator": [given["denominator"], given["reference_denominator"]],
            }
        )
        value = share.compute(frame, {}).to_numpy()
        relative = binomial_relative_variance(
            share.proportion(frame, {}).to_numpy(), frame["denominator"].to_numpy()
        )
        return float(ratio_deviation_se(value[:1], value[1:], relative[:1], relative[1:])[0])
    if kind in INTERVALS:
        formula = FORMULAS[INTERVALS[kind]]
        assert formula.interval.method == kind
        options = {k: v for k, v in given.items() if k in formula.options}
        inputs = pd.DataFrame({k: [v] for k, v in given.items() if k in formula.inputs})
        value = formula.compute(inputs, options).to_numpy()
        lower, upper = interval_bounds(formula.interval, inputs, options, value, np.zeros(1, bool))
        return float({"lower": lower, "upper": upper}[str(given["bound"])][0])
    if kind == "verdict":
        sign = DIRECTION[str(given["direction"])]
        code = verdicts([given["lower"]], [given["upper"]], [given["reference"]], sign)[0]
        # The site's label first, then the code name.
        return f"{VERDICT_LABELS[code]} (`{code}`)"
    raise KeyError(kind)


def test_the_document_has_worked_examples_for_every_built_in_kind(rows):
    kinds = {kind_of(row) for row in rows}
    assert set(FORMULAS) <= kinds
    assert set(COMPARISONS) <= kinds
    assert {"gap_change", "development", "standard_error", *INTERVALS, "verdict"} <= kinds
    # The five gap changes of the 2012 report's text (methods §4).
    stated = sorted(row["Uitkomst"] for row in rows if kind_of(row) == "gap_change")
    assert {"−10", "−28", "+18", "−44", "+11"} <= set(stated)
    # Every development class is shown once at least.
    classes = {
        re.search(r"`(\w+)`", r["Uitkomst"]).group(1) for r in rows if kind_of(r) == "development"
    }
    assert classes == {
        "favourable",
        "unfavourable",
        "no_change",
        "better_and_staying_better",
        "insufficient_data",
        "not_applicable",
    }
    # Every verdict of methods §11 is shown once at least.
    shown = {re.search(r"`(\w+)`", r["Uitkomst"]).group(1) for r in rows if kind_of(r) == "verdict"}
    assert shown == set(VERDICT_LABELS)


def test_every_worked_example_is_what_the_code_computes(rows):
    checked = 0
    for row in rows:
        kind = kind_of(row)
        if kind not in (
            *FORMULAS,
            *COMPARISONS,
            "gap_change",
            "development",
            "standard_error",
            *INTERVALS,
            "verdict",
        ):
            continue
        result = computed(row)
        stated = row["Uitkomst"]
        if isinstance(result, str) and kind == "verdict":
            assert stated == result, (row["Voorbeeld"], result, stated)
        elif isinstance(result, str):
            # A class or note is given by its code name in backticks.
            assert f"`{result}`" in stated, (row["Voorbeeld"], result, stated)
        else:
            number = dutch(stated)
            half = 0.5 * 10.0 ** -decimals(stated)
            assert abs(result - number) <= half + 1e-9, (row["Voorbeeld"], result, stated)
            # A sign is written on deviations and changes, as on the site.
            if kind in (*COMPARISONS, "gap_change") and round(result, decimals(stated)) > 0:
                assert stated.startswith("+"), (row["Voorbeeld"], stated)
        checked += 1
    assert checked >= 30


def test_every_written_calculation_gives_the_stated_outcome(rows):
    checked = 0
    for row in rows:
        if row["Berekening"] == "geen" or not NUMBER.fullmatch(
            row["Uitkomst"].replace("\u2212", "").lstrip("+")
        ):
            continue
        result = arithmetic(row["Berekening"])
        stated = row["Uitkomst"]
        half = 0.5 * 10.0 ** -decimals(stated)
        assert abs(result - dutch(stated)) <= half + 1e-9, (row["Berekening"], result, stated)
        checked += 1
    assert checked >= 20


def test_the_rounding_check_would_catch_a_wrong_figure():
    """The comparison of the checks above fails on a figure one unit off in its last
    decimal (5 % against 4 % is +25, not the +20 one might write)."""
    row = {
        "Voorbeeld": "",
        "Soort": "`ratio`",
        "Invoer": "`value` = 5; `reference` = 4",
        "Berekening": "(5 / 4 − 1) × 100",
        "Uitkomst": "+20,0",
    }
    assert computed(row) == pytest.approx(25.0)
    assert abs(computed(row) - dutch(row["Uitkomst"])) > 0.05
    assert arithmetic("√(19,9 × 19,9 + 14,0 × 14,0)") == pytest.approx(24.3312, abs=1e-4)
    assert dutch("10.000") == 10000 and dutch("−0,25") == -0.25


# --- the examples of §1 and §6 through the whole engine ----------------------------------

REGIONS = """\
code,name,level,parent
GM0001,Stad,gemeente,
GM0002,Dorp,gemeente,
WK000201,A,wijk,GM0002
WK000202,B,wijk,GM0002
WK000203,C,wijk,GM0002
1001,Noord,pc4,GM0001
1002,Zuid,pc4,GM0001
"""
AREAS = """\
areas:
  - id: noordzuid
    name: Noord-Zuid
    kind: focus_area
    members: ["1001", "1002"]
"""
# §1: 100 of 1.000 and 10 of 500 job seekers; Cito 534 (40 pupils) and 538 (60).
# §6: wijken of 1.000, 800 and 30 inhabitants with a minimum of 50.
DATA = """\
region,period,variable,value
1001,2020,werkzoekenden,100
1001,2020,beroepsbevolking,1000
1002,2020,werkzoekenden,10
1002,2020,beroepsbevolking,500
1001,2020,cito,534
1001,2020,leerlingen,40
1002,2020,cito,538
1002,2020,leerlingen,60
GM0001,2020,werkzoekenden,400
GM0001,2020,beroepsbevolking,5000
GM0001,2020,cito,535
GM0001,2020,leerlingen,300
GM0002,2020,huurders,500
GM0002,2020,inwoners,1830
WK000201,2020,huurders,300
WK000201,2020,inwoners,1000
WK000202,2020,huurders,190
WK000202,2020,inwoners,800
WK000203,2020,huurders,10
WK000203,2020,inwoners,30
"""
CITO = """\
id: cito
title: Cito-score
theme: werken
definition: Gemiddelde score.
direction: higher_is_better
unit: score
formula:
  kind: value
  variable: cito
  weight: leerlingen
comparison:
  kind: shifted_ratio
  offset: 200
source: Cito
measurement_moment:
  kind: peilmoment
  date: 1 januari
"""
HUUR = """\
id: huur
title: Huurders
theme: werken
definition: Aandeel huurders.
direction: neutral
unit: "%"
formula:
  kind: share
  numerator: huurders
  denominator: inwoners
comparison:
  kind: ratio
source: CBS
measurement_moment:
  kind: peilmoment
  date: 1 januari
min_denominator: 50
"""
INDICATOR = """\
id: werkzoekenden
title: Niet-werkende werkzoekenden
theme: werken
definition: Aandeel van de potentiële beroepsbevolking dat werk zoekt.
direction: lower_is_better
unit: "%"
formula:
  kind: share
  numerator: werkzoekenden
  denominator: beroepsbevolking
comparison:
  kind: ratio
source: UWV
measurement_moment:
  kind: peilmoment
  date: 1 januari
"""


def examples_monitor(root: Path) -> Path:
    return write_monitor(
        root,
        **{
            "data/regions.csv": REGIONS,
            "areas.yml": AREAS,
            "data/werk.csv": DATA,
            "indicators/werkzoekenden.yml": INDICATOR,
            "indicators/cito.yml": CITO,
            "indicators/huur.yml": HUUR,
        },
    )


@pytest.fixture(scope="module")
def examples_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return examples_monitor(tmp_path_factory.mktemp("methods") / "monitor")


def test_composites_sum_counts_and_weight_given_scores_as_section_1_says(examples_dir, rows):
    values = compute_results(load_monitor(examples_dir)).values.set_index(["indicator", "region"])
    share = values.loc[("werkzoekenden", "noordzuid"), "value"]
    cito = values.loc[("cito", "noordzuid"), "value"]
    stated = {kind_of(r) + "|" + r["Voorbeeld"][:11]: r["Uitkomst"] for r in rows}
    assert round(share, 1) == dutch(stated["share|Aandachtswi"]) == 7.3
    assert round(cito, 1) == dutch(stated["value|Cito-score "]) == 536.4


def test_the_suppression_example_of_section_6(examples_dir):
    values = compute_results(load_monitor(examples_dir)).values
    huur = values[values["indicator"] == "huur"].set_index("region")["status"]
    # C (30 < 50) is secret; B, the smallest published denominator of the sum
    # gemeente = A + B + C, is hidden too; A and the gemeente stay published.
    assert huur["WK000203"] == "x"
    assert huur["WK000202"] == "x"
    assert huur["WK000201"] == "" and huur["GM0002"] == ""
    text = DOC.read_text(encoding="utf-8")
    assert "A (1.000 inwoners), B (800) en C (30), en een minimum van 50" in text
    assert "dus ook B (de kleinste" in text


# --- the document's structure and the published page -------------------------------------


def test_sections_are_numbered_as_the_code_cites_them():
    headings = re.findall(r"^## (\d+)\. (.+)$", DOC.read_text(encoding="utf-8"), re.M)
    assert {int(n): title for n, title in headings} == SECTIONS
    title, body = split_title(methods_markdown())
    assert title == "Verantwoording" and body.startswith("Hoe deze monitor")
    # The packaged document is the one in the repository.
    assert methods_markdown() == DOC.read_text(encoding="utf-8")


def test_the_site_publishes_the_document_as_verantwoording(examples_dir, tmp_path):
    site = tmp_path / "site"
    build_site(examples_dir, site)
    page = (site / METHODS.replace("index.md", "index.html")).read_text(encoding="utf-8")
    # Every numbered section is a heading of the page.
    for number, title in SECTIONS.items():
        heading = re.search(rf"<h2 id=\"[^\"]*\">{number}\. (.*?)<", page)
        assert heading is not None, number
        assert heading.group(1).replace("&ldquo;", "„").startswith(title[:20])
    # Markdown is rendered, not escaped: tables, code and emphasis.
    assert page.count("<table>") == len(
        re.findall(r"^\| Voorbeeld \|", DOC.read_text("utf-8"), re.M)
    )
    assert "<code>shifted_ratio</code>" in page
    assert "<strong>Aantallen worden opgeteld, percentages nooit gemiddeld.</strong>" in page
    assert "**" not in page and "&#96;" not in page and "&#42;" not in page
    # Dutch figures as the document writes them, right-aligned like every table of figures.
    assert re.search(r"<td[^>]*text-align: right[^>]*>\+25,0</td>", page)
    assert re.search(r"<td[^>]*text-align: right[^>]*>−21,8</td>", page)
    # It is in the navigation of every page, beside Begrippen.
    home = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="verantwoording/"[^>]*>\s*Verantwoording', home)


def test_the_derivation_example_is_what_the_engine_derives(tmp_path):
    # methods §13: the gemeente without rows of the worked example, derived end to end.
    from tests.test_derived_parents import _monitor

    v = compute_results(_monitor(tmp_path)).values.set_index(["indicator", "region", "period"])
    text = DOC.read_text(encoding="utf-8").split("## 13.")[1]
    assert "| 6,4 |" in text and "| 528,0 |" in text
    assert round(v.loc[("werkzoekenden", "GM0001", 2007), "value"], 1) == 6.4
    assert v.loc[("cito", "GM0001", 2007), "value"] == 528.0
    assert v.loc[("werkzoekenden", "GM0001", 2007), "derived_from"] == "wijk"
