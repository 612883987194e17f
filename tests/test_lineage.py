"""Lineage (issue 15): where each figure comes from, from the data files through
results.csv to the "Bronnen en verantwoording" section of every area page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ROOT, write_monitor
from wijkmonitor.cli import main
from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.lineage import DATA_SOURCE, with_source
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.output import write_csv, write_results
from wijkmonitor.core.tidy import read_tidy_csv
from wijkmonitor.importers.statline import export_source
from wijkmonitor.website.build import build_site
from wijkmonitor.website.generate import plan
from wijkmonitor.website.page_area import area_page

# 2007: the numerator in one file, the denominator in another; 2011: a StatLine export
# of table 85163NED, imported with `wijkmonitor import statline`.
WERK_2007 = """\
region,period,variable,value
GM0001,2007,werkzoekenden,500
1001,2007,werkzoekenden,100
1002,2007,werkzoekenden,50
1003,2007,werkzoekenden,10
"""
BEVOLKING_2007 = """\
region,period,variable,value
GM0001,2007,beroepsbevolking,10000
1001,2007,beroepsbevolking,1000
1002,2007,beroepsbevolking,1000
1003,2007,beroepsbevolking,500
"""
EXPORT_2011 = (
    '\ufeff"Arbeid in wijken; tabel 85163NED"\n'
    '"Wijken en buurten";"Regiocode (gemeente, wijk, buurt) (code)";"Perioden";'
    '"Werkzoekenden (Aantal)";"Beroepsbevolking (Aantal)"\n'
    '"Stad";"GM0001    ";"2011";"   400";" 10000"\n'
    '"Noord";"1001      ";"2011";"    60";"  1000"\n'
    '"Zuid";"1002      ";"2011";"    40";"  1000"\n'
    '"Oost";"1003      ";"2011";"     5";"   500"\n'
    '"Bron: CBS"\n'
)
MAPPING = '"Werkzoekenden (Aantal)": werkzoekenden\n"Beroepsbevolking (Aantal)": beroepsbevolking\n'
BOTH_FILES = "data/bevolking.csv; data/werk.csv"
TABLE = "CBS StatLine 85163NED"
EPOCH = 1709640000  # 2024-03-05 12:00 UTC


@pytest.fixture
def lineage_monitor(tmp_path: Path) -> Path:
    root = write_monitor(
        tmp_path / "monitor", **{"data/werk.csv": WERK_2007, "data/bevolking.csv": BEVOLKING_2007}
    )
    export, mapping = tmp_path / "export.csv", tmp_path / "mapping.yml"
    export.write_text(EXPORT_2011, "utf-8")
    mapping.write_text(MAPPING, "utf-8")
    args = ["import", "statline", str(export), "--out", str(root / "data" / "cbs.csv")]
    assert main([*args, "--mapping", str(mapping)]) == 0
    return root


def _sources(results_csv: Path) -> dict[tuple[str, int], set[str]]:
    """(indicator, period) -> the data_source values of its rows in results.csv."""
    frame = pd.read_csv(results_csv, dtype={DATA_SOURCE: str}, keep_default_na=False)
    grouped = frame.groupby(["indicator", "period"])[DATA_SOURCE]
    return {key: set(values) for key, values in grouped}


def test_a_file_path_and_an_imported_table_id_reach_results_csv(
    lineage_monitor: Path, tmp_path: Path
) -> None:
    imported = read_tidy_csv(lineage_monitor / "data" / "cbs.csv", lineage_monitor)
    assert set(imported["source"]) == {TABLE}  # the export's title line names the table

    results = compute_results(load_monitor(lineage_monitor))
    (values_csv, _) = write_results(results, tmp_path / "out")

    # Every row of an (indicator, period) carries the same lineage: the two files whose
    # variables made the 2007 figures, both named, and the imported table for 2011.
    assert _sources(values_csv) == {
        ("werkzoekenden", 2007): {BOTH_FILES},
        ("werkzoekenden", 2011): {TABLE},
    }
    assert pd.read_csv(values_csv, nrows=0).columns[-1] == DATA_SOURCE


def test_only_the_inputs_of_the_indicator_count(lineage_monitor: Path, tmp_path: Path) -> None:
    # A file with a variable no indicator uses adds no source to werkzoekenden.
    (lineage_monitor / "data" / "extra.csv").write_text(
        "region,period,variable,value,source\nGM0001,2007,inwoners,20000,Gemeente Stad\n",
        "utf-8",
    )
    results = compute_results(load_monitor(lineage_monitor))
    (values_csv, _) = write_results(results, tmp_path / "out")
    assert _sources(values_csv)[("werkzoekenden", 2007)] == {BOTH_FILES}


def test_a_source_column_names_rows_and_empty_cells_name_the_file(tmp_path: Path) -> None:
    root = write_monitor(
        tmp_path / "monitor",
        **{
            "data/werk.csv": (
                "region,period,variable,value,source\n"
                # A bidi control would reverse what the site prints after it.
                "GM0001,2007,werkzoekenden,500,UWV\u202e maand\n"
                "1001,2007,werkzoekenden,100,\n"
                "1002,2007,werkzoekenden,50,\n"
                "1003,2007,werkzoekenden,10,\n"
            ),
            "data/bevolking.csv": BEVOLKING_2007,
        },
    )
    data = load_monitor(root).data
    rows = data[data["variable"] == "werkzoekenden"].set_index("region")["source"].astype(str)
    assert rows.to_dict() == {
        "GM0001": "UWV maand",
        "1001": "data/werk.csv",
        "1002": "data/werk.csv",
        "1003": "data/werk.csv",
    }


def test_a_data_source_without_sources_is_named_by_its_plugin() -> None:
    frame = pd.DataFrame(
        {
            "region": ["A", "B", "C"],
            "period": [2019, 2019, 2019],
            "variable": ["v", "v", "v"],
            "value": [1.0, 2.0, 3.0],
            "status": ["", "", ""],
        }
    )
    assert list(with_source(frame, "plugin_x")["source"].astype(str)) == ["plugin_x"] * 3
    given = frame.assign(source=["CBS", None, " "])
    assert list(with_source(given, "plugin_x")["source"].astype(str)) == [
        "CBS",
        "plugin_x",
        "plugin_x",
    ]


def test_an_export_is_named_by_its_table_id_or_else_its_file_name() -> None:
    assert export_source(Path("x.csv"), ["Kerncijfers; 84799ned"]) == "CBS StatLine 84799NED"
    assert export_source(Path("85163NED_2024.csv"), []) == TABLE
    # A number that is no table id (a date, a longer code) is not taken for one.
    assert export_source(Path("kerncijfers_2023112012NED.csv"), ["Bron: CBS"]) == (
        "kerncijfers_2023112012NED.csv"
    )


def test_the_area_page_shows_the_sources_and_the_build_date(
    lineage_monitor: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    site = tmp_path / "site"
    build_site(lineage_monitor, site)
    html = (site / "wijk" / "noordzuid" / "index.html").read_text("utf-8")
    section = html[html.index('id="bronnen-en-verantwoording"') :]
    assert "UWV" in section  # the indicator's source, from its YAML
    assert f"{BOTH_FILES} (2007)" in section and f"{TABLE} (2011)" in section
    assert "2007, 2011" in section
    assert "Deze monitor is gebouwd op 5 maart 2024." in section
    assert 'href="../../verantwoording/"' in section
    # It is the end of the page's content: no section follows it.
    assert "<h2" not in section[section.index("</h2>") :]


def test_without_an_epoch_the_page_names_the_latest_period_not_a_date(
    lineage_monitor: Path,
) -> None:
    results = compute_results(load_monitor(lineage_monitor))
    undated = area_page(plan(results).data, "noordzuid").markdown
    assert "De cijfers lopen tot 2011." in undated and "gebouwd op" not in undated
    dated = area_page(plan(results, build_date=date(2024, 3, 5)).data, "noordzuid").markdown
    assert "Deze monitor is gebouwd op 5 maart 2024." in dated


def test_results_csv_of_the_default_monitor_is_otherwise_unchanged(tmp_path: Path) -> None:
    results = compute_results(load_monitor(ROOT))
    (values_csv, _) = write_results(results, tmp_path / "out")
    without = write_csv(
        results.values.drop(columns=DATA_SOURCE), tmp_path / "without.csv", synthetic=True
    )
    read = {"dtype": str, "keep_default_na": False}
    lines = pd.read_csv(values_csv, **read)
    pd.testing.assert_frame_equal(lines.drop(columns=DATA_SOURCE), pd.read_csv(without, **read))
    # The demo's figures come from its CSV file and from the SES-WOA plugin, which names
    # no source of its own; every figure has its lineage.
    assert set(lines[DATA_SOURCE]) == {"data/synthetic_outcomemonitor.csv", "ses_woa"}
    ses = lines["indicator"].str.startswith("ses_woa")
    assert set(lines.loc[ses, DATA_SOURCE]) == {"ses_woa"}
    assert list(lines.columns[-2:]) == [DATA_SOURCE, "data"]  # before the synthetic label
