"""The spine chart (core/spine.py, methods §12): the spread over comparable areas from
published figures only, the orientation and the symmetric scale of each row, and the
section on the built demo's area and gemeente pages."""

from __future__ import annotations

import html
import json
import math
import re

import numpy as np
import pandas as pd
import pytest

from tests.conftest import write_monitor
from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.significance import VERDICT_LABELS
from wijkmonitor.core.spine import spine_table
from wijkmonitor.website.numbers import fmt_number

# Two gemeenten; focus areas a1, a2 in GM1 and a3, a4, a5 in GM2 (a5 suppressed in 2011);
# t1 is a focus total compared with a group (another kind of reference: not comparable).
REGIONS = pd.DataFrame(
    {
        "level": ["gemeente", "gemeente", "group"] + ["focus_area"] * 5 + ["focus_total"],
        "reference": ["", "", "", "GM1", "GM1", "GM2", "GM2", "GM2", "G"],
    },
    index=pd.Index(["GM1", "GM2", "G", "a1", "a2", "a3", "a4", "a5", "t1"], name="code"),
)
REFERENCE = dict(zip(REGIONS.index, REGIONS["reference"], strict=True))
DIRECTIONS = {"share": "lower_is_better", "score": "neutral", "income": "higher_is_better"}


def _values(rows: list[tuple]) -> pd.DataFrame:
    """(indicator, region, period, value, status, verdict) -> a results table."""
    frame = pd.DataFrame(
        rows, columns=["indicator", "region", "period", "value", "status", "verdict"]
    )
    frame["reference_region"] = frame["region"].map(REFERENCE)
    own = frame.set_index(["indicator", "region", "period"])
    keys = list(zip(frame["indicator"], frame["reference_region"], frame["period"], strict=True))
    frame["reference_value"] = [own["value"].get(k, np.nan) if k[1] else np.nan for k in keys]
    frame["reference_status"] = [own["status"].get(k, ".") if k[1] else "" for k in keys]
    return frame


def _example() -> pd.DataFrame:
    rows = []
    for ind in DIRECTIONS:
        rows += [
            (ind, "GM1", 2011, 15.0, "", "not_compared"),
            (ind, "GM2", 2011, 35.0, "", "not_compared"),
            (ind, "G", 2011, 25.0, "", "not_compared"),
            (ind, "a1", 2011, 10.0, "", "better"),
            (ind, "a2", 2011, 20.0, "", "similar"),
            (ind, "a3", 2011, 30.0, "", "similar"),
            (ind, "a4", 2011, 40.0, "", "worse"),
            # Suppressed: whatever value a table might hold here must never count.
            (ind, "a5", 2011, 1000.0, "x", "not_compared"),
            (ind, "t1", 2011, 22.0, "", "similar"),
            # An older period: the latest period with figures is used.
            (ind, "a1", 2010, -500.0, "", "better"),
            (ind, "a4", 2010, 900.0, "", "worse"),
        ]
    return _values(rows)


def _row(table: pd.DataFrame, indicator: str, region: str) -> pd.Series:
    found = table[(table["indicator"] == indicator) & (table["region"] == region)]
    assert len(found) == 1
    return found.iloc[0]


def test_the_spread_is_over_published_comparable_areas_in_the_latest_period():
    table = spine_table(_example(), REGIONS, DIRECTIONS)
    a1 = _row(table, "share", "a1")
    # Published focus areas compared with their gemeente in 2011: 10, 20, 30, 40 (a5 is
    # suppressed, t1 is compared with a group, 2010 is older).
    assert a1["period"] == 2011 and a1["n_areas"] == 4
    assert (a1["lowest"], a1["highest"]) == (10.0, 40.0)
    # Linear interpolation: position 0,75 and 2,25 of the sorted values.
    assert a1["q25"] == pytest.approx(17.5) and a1["q75"] == pytest.approx(32.5)
    assert a1["value"] == 10.0 and a1["reference_value"] == 15.0 and a1["centre"] == 15.0
    assert a1["verdict"] == "better" and a1["centre_kind"] == "reference"
    # The suppressed area keeps its row, without a value or a mark.
    a5 = _row(table, "share", "a5")
    assert a5["status"] == "x" and math.isnan(a5["value"]) and math.isnan(a5["x_value"])
    assert a5["lowest"] == 10.0 and a5["highest"] == 40.0 and a5["centre"] == 35.0
    # The focus total is alone in its group (compared with a group).
    t1 = _row(table, "share", "t1")
    assert t1["n_areas"] == 1 and t1["lowest"] == t1["highest"] == 22.0


def test_a_lower_is_better_row_is_flipped_and_every_row_is_symmetric():
    table = spine_table(_example(), REGIONS, DIRECTIONS)
    a1 = _row(table, "share", "a1")
    # Centre 15, farthest of 10, 40 and the area's 10 is 25 away: 25 is the half range.
    assert a1["half_range"] == 25.0 and bool(a1["flipped"])
    # Lower is better: 10 (below the centre) is favourable, so on the right.
    assert a1["x_value"] == pytest.approx(0.2)
    assert a1["x_lowest"] == pytest.approx(0.2) and a1["x_highest"] == pytest.approx(-1.0)
    assert a1["x_q25"] == pytest.approx(-0.1) and a1["x_q75"] == pytest.approx(-0.7)
    # Neutral and higher-is-better rows are not flipped: higher is on the right.
    for ind in ("score", "income"):
        row = _row(table, ind, "a1")
        assert not row["flipped"]
        assert row["x_value"] == pytest.approx(-0.2) and row["x_highest"] == pytest.approx(1.0)
    # Every row: the centre is 0 and the farthest figure is exactly at the edge.
    shown = table[table["status"] == ""]
    ends = shown[["x_lowest", "x_highest", "x_value"]].abs().max(axis=1)
    assert np.allclose(ends[shown["half_range"] != 1.0], 1.0)
    assert (table[["x_lowest", "x_q25", "x_q75", "x_highest"]].abs() <= 1 + 1e-12).all().all()


def test_an_area_without_reference_is_centred_on_the_median_without_verdict():
    table = spine_table(_example(), REGIONS, DIRECTIONS)
    gm1 = _row(table, "income", "GM1")
    assert gm1["n_areas"] == 2 and (gm1["lowest"], gm1["highest"]) == (15.0, 35.0)
    assert gm1["centre"] == 25.0 and gm1["centre_kind"] == "median"
    assert gm1["verdict"] == "not_compared" and math.isnan(gm1["reference_value"])
    assert gm1["x_value"] == pytest.approx(-1.0)


def test_a_suppressed_reference_value_is_not_used():
    values = _example()
    secret = (values["region"] == "GM2") & (values["indicator"] == "share")
    values.loc[secret, "status"] = "x"
    values.loc[
        values["reference_region"].eq("GM2") & values["indicator"].eq("share"), "reference_status"
    ] = "x"
    table = spine_table(values, REGIONS, DIRECTIONS)
    a3 = _row(table, "share", "a3")
    # Centred on the median of 10, 20, 30, 40 instead: 35 is nowhere in the row.
    assert math.isnan(a3["reference_value"]) and a3["centre"] == 25.0
    assert a3["centre_kind"] == "median"
    assert 35.0 not in set(a3[["lowest", "q25", "q75", "highest", "centre"]])


def _spine_of(values: pd.DataFrame, monitor) -> pd.DataFrame:
    directions = {i: ind.direction for i, ind in monitor.indicators.items()}
    return spine_table(values, monitor.regions, directions)


def test_hidden_values_never_reach_the_spine(tmp_path):
    """Disclosure: a real monitor whose smallest focus area is suppressed and would be
    the highest of all; the spine is the same whatever its hidden value is."""
    regions = "code,name,level,parent\nGM0001,Stad,gemeente,\n" + "".join(
        f"100{i},P{i},pc4,GM0001\n" for i in range(1, 6)
    )
    areas = "areas:\n" + "".join(
        f'  - id: w{i}\n    name: W{i}\n    kind: focus_area\n    members: ["100{i}"]\n'
        for i in range(1, 6)
    )
    counts = {1: (100, 1000), 2: (60, 1000), 3: (150, 1000), 4: (40, 800), 5: (25, 30)}
    data = "region,period,variable,value\n"
    for period in (2007, 2011):
        for i, (num, den) in counts.items():
            data += f"100{i},{period},werkzoekenden,{num}\n100{i},{period},beroepsbevolking,{den}\n"
        data += f"GM0001,{period},werkzoekenden,{sum(n for n, _ in counts.values())}\n"
        data += f"GM0001,{period},beroepsbevolking,{sum(d for _, d in counts.values())}\n"
    root = write_monitor(
        tmp_path / "m", **{"data/regions.csv": regions, "areas.yml": areas, "data/werk.csv": data}
    )
    monitor = load_monitor(root)
    values = compute_results(monitor).values
    table = _spine_of(values, monitor)
    areas_2011 = table[table["level"] == "focus_area"]
    hidden = 100 * 25 / 30  # w5: 25 of 30, below the minimum of 50
    assert (areas_2011.set_index("region").loc["w5", "status"]) == "x"
    published = values[(values["status"] == "") & values["region"].astype(str).str.startswith("w")]
    published = set(published.loc[published["period"] == 2011, "value"].round(9))
    for column in ("lowest", "highest"):
        # Every published extreme is a published figure, and never the hidden one.
        assert set(areas_2011[column].round(9)) <= published
        assert not np.isclose(areas_2011[column], hidden).any()
    assert not np.isclose(areas_2011[["q25", "q75", "centre"]], hidden).any()
    # Whatever the hidden cells held, the spine is the same.
    tampered = values.copy()
    secret = tampered["status"].astype(str) != ""
    for fill in (1e9, -1e9, hidden):
        tampered.loc[secret, "value"] = fill
        pd.testing.assert_frame_equal(_spine_of(tampered, monitor), table)


def test_the_demo_spine_is_independent_of_every_hidden_value(demo):
    monitor = demo.monitor
    values = compute_results(monitor).values
    table = _spine_of(values, monitor)
    secret = values["status"].astype(str) != ""
    assert secret.any()
    tampered = values.copy()
    tampered.loc[secret, "value"] = 1e12
    tampered.loc[tampered["reference_status"].astype(str) != "", "reference_value"] = -1e12
    pd.testing.assert_frame_equal(_spine_of(tampered, monitor), table)


def _spec_and_table(page: str) -> tuple[dict, str]:
    start = page.index("Alle indicatoren tussen vergelijkbare gebieden")
    spec = re.search(
        r'<script type="application/json" class="wm-spec">(.*?)</script>', page[start:]
    )
    assert spec is not None
    rest = page[start + spec.end() :]
    table = rest[rest.index("<table") : rest.index("</table>")]
    return json.loads(spec.group(1)), table


def test_the_area_page_has_the_chart_and_its_table(demo):
    monitor = demo.monitor
    page = (demo.site / "wijk" / "amsterdam-noord" / "index.html").read_text("utf-8")
    spec, table = _spec_and_table(page)
    values = compute_results(monitor).values
    expected = _spine_of(values, monitor)
    expected = expected[expected["region"] == "amsterdam-noord"].set_index("indicator")
    rows = {r["label"]: r for r in spec["data"]["values"]}
    assert len(rows) == len(expected)
    ind = monitor.indicators["sociale_huurwoningen"]
    row, want = rows[ind.title], expected.loc["sociale_huurwoningen"]
    assert row["x_value"] == pytest.approx(want["x_value"], abs=1e-4)
    assert row["oordeel"] == VERDICT_LABELS[want["verdict"]]
    figures = [
        fmt_number(want[c], ind.decimals)
        for c in ("value", "reference_value", "lowest", "q25", "q75", "highest")
    ]
    assert (row["waarde"], row["referentie"], row["laagste"], row["hoogste"]) == (
        figures[0],
        figures[1],
        figures[2],
        figures[5],
    )
    # The table row of the indicator: the same figures, the verdict in Dutch, the year.
    tr = next(r for r in table.split("<tr>") if f">{html.escape(ind.title)}</a>" in r)
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr)
    assert cells[1:3] == figures[:2] and cells[4:8] == figures[2:]
    assert cells[3].endswith(VERDICT_LABELS[want["verdict"]])
    assert cells[8] == str(want["period"]) and cells[9] == str(want["n_areas"])
    head = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)
    assert head == [
        "Indicator",
        "Amsterdam Noord",
        "Amsterdam",
        "Oordeel",
        "Laagste",
        "25 %",
        "75 %",
        "Hoogste",
        "Jaar",
        "Gebieden",
    ]
    # The chart is an image with a name and a caption spelling out the figures.
    assert 'aria-label="Grafiek: Amsterdam Noord tussen vergelijkbare gebieden"' in page
    assert f"Sociale huurwoningen {want['period']}: {figures[0]} (Amsterdam {figures[1]}" in page


def test_every_area_page_and_the_gemeente_page_have_a_spine(demo):
    for code in demo.monitor.regions.index[demo.monitor.regions["level"] == "focus_area"]:
        page = (demo.site / "wijk" / code / "index.html").read_text("utf-8")
        assert "Grafiek: " in page and "tussen vergelijkbare gebieden" in page, code
    page = (demo.site / "gemeente" / "GM0363" / "index.html").read_text("utf-8")
    spec, table = _spec_and_table(page)
    assert spec["title"]["subtitle"][0].startswith("middenlijn: mediaan")
    assert all(r["oordeel"] == VERDICT_LABELS["not_compared"] for r in spec["data"]["values"])
    assert re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)[2] == "Mediaan"
