"""Parents derived from their parts (methods §13): a gemeente from its wijken, a wijk
from its buurten; a secret child blocks; an own figure wins and a difference warns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.conftest import write_monitor
from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.output import write_results

REGIONS = """\
code,name,level,parent
GM0001,Stad,gemeente,
WK000101,Noord,wijk,GM0001
WK000102,Zuid,wijk,GM0001
WK000103,Oost,wijk,GM0001
BU00010101,Noord-A,buurt,WK000101
BU00010102,Noord-B,buurt,WK000101
"""
AREAS = "areas: []\n"
CITO = """\
id: cito
title: Cito
theme: werken
definition: Gemiddelde score.
direction: higher_is_better
unit: score
formula: {kind: value, variable: cito_score, weight: cito_leerlingen}
comparison: {kind: difference}
source: Cito
measurement_moment: {kind: jaarcijfer}
"""
# 2007: the three wijken only; the gemeente has no rows (derived from its wijken).
# 2011: WK000101 has no rows but its two buurten do (wijk from buurten, then gemeente
# from the wijken, one of them derived).
ROWS = {
    2007: {
        "WK000101": (100, 1000, 530.0, 40),
        "WK000102": (50, 1000, 540.0, 60),
        "WK000103": (10, 500, 520.0, 100),
    },
    2011: {
        "BU00010101": (30, 600, 530.0, 10),
        "BU00010102": (20, 400, 540.0, 30),
        "WK000102": (40, 1000, 535.0, 60),
        "WK000103": (5, 500, 525.0, 100),
    },
}


def _data(rows=ROWS, extra: str = "") -> str:
    lines = ["region,period,variable,value"]
    names = ("werkzoekenden", "beroepsbevolking", "cito_score", "cito_leerlingen")
    for period, table in rows.items():
        for region, row in table.items():
            lines += [f"{region},{period},{n},{v}" for n, v in zip(names, row, strict=True)]
    return "\n".join(lines) + "\n" + extra


def _monitor(tmp_path, data: str | None = None):
    root = write_monitor(
        tmp_path / "m",
        **{
            "data/regions.csv": REGIONS,
            "areas.yml": AREAS,
            "data/werk.csv": data if data is not None else _data(),
            "indicators/cito.yml": CITO,
        },
    )
    return load_monitor(root)


def _values(monitor) -> pd.DataFrame:
    v = compute_results(monitor).values
    return v.set_index(["indicator", "region", "period"])


def test_a_gemeente_is_derived_from_three_wijken(tmp_path) -> None:
    v = _values(_monitor(tmp_path))
    row = v.loc[("werkzoekenden", "GM0001", 2007)]
    # (100 + 50 + 10) / (1000 + 1000 + 500) = 160 / 2500 = 6.4 %
    assert row["value"] == 6.4
    assert row["denominator"] == 2500
    assert row["derived_from"] == "wijk"
    # Weighted by pupils: (530*40 + 540*60 + 520*100) / 200 = 528.0
    cito = v.loc[("cito", "GM0001", 2007)]
    assert cito["value"] == 528.0 and cito["derived_from"] == "wijk"
    # The wijken themselves rest on their own figures, and are compared with the
    # derived gemeente: p = (10 / 6.4 - 1) x 100 = 56.25
    assert v.loc[("werkzoekenden", "WK000101", 2007), "derived_from"] == ""
    assert v.loc[("werkzoekenden", "WK000101", 2007), "deviation"] == 56.25


def test_two_levels_derive_bottom_up(tmp_path) -> None:
    v = _values(_monitor(tmp_path))
    wijk = v.loc[("werkzoekenden", "WK000101", 2011)]
    assert wijk["value"] == 5.0  # (30 + 20) / (600 + 400)
    assert wijk["derived_from"] == "buurt"
    gemeente = v.loc[("werkzoekenden", "GM0001", 2011)]
    # (50 + 40 + 5) / (1000 + 1000 + 500) = 3.8 %, resting on a wijk derived from buurten
    assert round(gemeente["value"], 9) == 3.8
    assert gemeente["derived_from"] == "wijk"
    # (530*10 + 540*30) = 21500 over 40 pupils = 537.5 for the wijk; the gemeente:
    # (21500 + 535*60 + 525*100) / 200 = 530.5
    assert v.loc[("cito", "WK000101", 2011), "value"] == 537.5
    assert v.loc[("cito", "GM0001", 2011), "value"] == 530.5


def test_a_secret_child_blocks_the_parent(tmp_path) -> None:
    data = (
        _data()
        .replace("WK000103,2007,werkzoekenden,10", "WK000103,2007,werkzoekenden,x")
        .replace("region,period,variable,value", "region,period,variable,value", 1)
    )
    v = _values(_monitor(tmp_path, data))
    assert ("werkzoekenden", "GM0001", 2007) not in v.index or np.isnan(
        v.loc[("werkzoekenden", "GM0001", 2007), "value"]
    )
    # The score does not depend on that variable: still derived.
    assert v.loc[("cito", "GM0001", 2007), "value"] == 528.0


def test_an_absent_child_blocks_the_parent(tmp_path) -> None:
    rows = {2007: dict(ROWS[2007]), 2011: ROWS[2011]}
    del rows[2007]["WK000103"]
    v = _values(_monitor(tmp_path, _data(rows)))
    assert ("werkzoekenden", "GM0001", 2007) not in v.index


def test_an_own_figure_wins_and_a_difference_warns(tmp_path) -> None:
    # Own 170 against the wijken's 160 (more than 0.5 and 0.5 %); own 2500 = the sum.
    own = "GM0001,2007,werkzoekenden,170\nGM0001,2007,beroepsbevolking,2500\n"
    monitor = _monitor(tmp_path, _data(extra=own))
    messages = [str(w) for w in monitor.warnings]
    assert messages == [
        "data/: value: warning: GM0001 werkzoekenden 2007: its own figure 170 differs from "
        "the sum of its children at level wijk, 160 (own figure used; methods §13)"
    ]
    row = _values(monitor).loc[("werkzoekenden", "GM0001", 2007)]
    assert round(row["value"], 9) == 6.8 and row["derived_from"] == ""


def test_rounding_differences_do_not_warn(tmp_path) -> None:
    # 2502 against 2500: 2 is above 0.5 but below 0.5 % of 2502 (12.5).
    own = "GM0001,2007,werkzoekenden,160\nGM0001,2007,beroepsbevolking,2502\n"
    assert _monitor(tmp_path, _data(extra=own)).warnings == []


def test_results_csv_has_the_derived_from_column(tmp_path) -> None:
    out = tmp_path / "out"
    write_results(compute_results(_monitor(tmp_path)), out)
    table = pd.read_csv(out / "results.csv", dtype=str, keep_default_na=False)
    assert "derived_from" in table.columns
    row = table[
        (table["indicator"] == "werkzoekenden")
        & (table["region"] == "GM0001")
        & (table["period"] == "2007")
    ]
    assert row["derived_from"].tolist() == ["wijk"]
    assert set(table["derived_from"]) == {"", "wijk", "buurt"}


def test_the_site_says_which_figures_are_derived(tmp_path) -> None:
    from wijkmonitor.website.generate import generate_pages

    pages = {p.path: p.markdown for p in generate_pages(compute_results(_monitor(tmp_path)))}
    gemeente = next(md for path, md in pages.items() if "GM0001" in path and "gemeente" in path)
    # The latest period (2011): the gemeente's value rests on wijken, one from buurten.
    assert "3,8 (2011), berekend uit de wijken" in gemeente
    wijk = next(md for path, md in pages.items() if "WK000101" in path)
    assert "De cijfers van Noord: 2011 berekend uit de buurten." in wijk
    other = next(md for path, md in pages.items() if "WK000102" in path)
    assert "berekend uit" not in other
