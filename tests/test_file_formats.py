"""Each file format has one owner: the tidy format and the CBS symbols
(``core.tidy``), ``regions.csv`` (``core.regions``). What one side writes, the other
reads back unchanged, and the importers, the reader and the computation give every CBS
symbol the same meaning.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from wijkmonitor.cli import main
from wijkmonitor.core.aggregate import FIGURE, NOT_AVAILABLE, SECRET, STATUS_CODES
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.core.regions import read_base_regions, read_regions_csv, write_regions_csv
from wijkmonitor.core.tidy import COLUMNS, SYMBOLS, read_tidy_csv, write_tidy_csv
from wijkmonitor.importers.cells import parse_cells
from wijkmonitor.importers.statline import read_statline_csv

SAMPLE = Path(__file__).parent / "fixtures" / "statline" / "ses_woa_85163NED_sample.csv"
# The regions of the sample (NL00 is above gemeente level and skipped).
SAMPLE_CODES = ["GM0363", "WK036300", "BU03630000", "BU03630001", "BU03630002"]


def _rows(tidy: pd.DataFrame) -> list[tuple]:
    """The rows as plain tuples, sorted; NaN as None so that equal rows compare equal."""
    frame = tidy[COLUMNS].astype({"region": str, "variable": str, "status": str})
    return sorted(
        (r.region, int(r.period), r.variable, None if math.isnan(r.value) else r.value, r.status)
        for r in frame.itertuples(index=False)
    )


def test_an_import_writes_the_tidy_columns_and_reads_back_unchanged(tmp_path: Path) -> None:
    imported = read_statline_csv(SAMPLE).tidy
    out = tmp_path / "data" / "ses_woa.csv"
    write_tidy_csv(imported, out)

    # The import's lineage travels as the optional source column (core/lineage.py).
    assert out.read_text("utf-8").splitlines()[0] == "region,period,variable,value,status,source"
    back = read_tidy_csv(out, tmp_path, known_regions=pd.Index(SAMPLE_CODES))
    assert list(back.columns) == [*COLUMNS, "source"]
    assert set(back["source"]) == {"CBS StatLine 85163NED"}
    assert len(back) == 24
    assert _rows(back) == _rows(imported)
    cell = back.set_index(["region", "period", "variable"])
    assert cell.loc[("GM0363", 2018, "particuliere_huishoudens"), "value"] == 461205.0
    assert cell.loc[("GM0363", 2019, "ses_woa_welvaart_gemiddelde"), "value"] == -0.019
    assert cell.loc[("BU03630002", 2019, "particuliere_huishoudens"), "status"] == "-"
    assert cell.loc[("BU03630002", 2019, "particuliere_huishoudens"), "value"] == 0.0
    assert cell.loc[("BU03630001", 2019, "ses_woa_totaal_gemiddelde"), "status"] == "x"


def test_every_cbs_symbol_means_the_same_to_importer_reader_and_computation(
    tmp_path: Path,
) -> None:
    assert list(SYMBOLS) == [".", "x", "-"]
    value, status, understood = parse_cells(pd.Series(list(SYMBOLS)), ".")
    assert understood.all()

    # The same symbols in place of the value of a tidy file.
    path = tmp_path / "data" / "symbols.csv"
    path.parent.mkdir()
    lines = [f"GM0001,2019,v{i},{symbol}" for i, symbol in enumerate(SYMBOLS)]
    path.write_text("region,period,variable,value\n" + "\n".join(lines) + "\n", "utf-8")
    read = read_tidy_csv(path, tmp_path)

    assert status.tolist() == read["status"].astype(str).tolist() == [".", "x", "-"]
    for importer, reader in zip(value, read["value"], strict=True):
        assert (math.isnan(importer) and math.isnan(reader)) or importer == reader == 0.0
    assert read["value"].tolist()[2] == 0.0  # nil is the figure 0, the others no figure
    # The computation knows each symbol, and no other.
    assert set(STATUS_CODES) == {"", *SYMBOLS}
    assert [STATUS_CODES[s] for s in SYMBOLS] == [NOT_AVAILABLE, SECRET, FIGURE]


def test_import_adds_regions_through_the_monitors_own_reader(tmp_path: Path, capsys) -> None:
    regions = tmp_path / "data" / "regions.csv"
    regions.parent.mkdir()
    # A quoted name with a comma and the optional reference column stay as they are.
    regions.write_text(
        'code,name,level,parent,reference\nGM0363,Amsterdam,gemeente,,\nGM0599,"Rotterdam, '
        'stad",gemeente,,\n',
        "utf-8",
    )
    out = tmp_path / "data" / "ses_woa.csv"
    assert (
        main(["import", "statline", str(SAMPLE), "--out", str(out), "--regions", str(regions)]) == 0
    )
    assert f"{regions}: added 4 regions" in capsys.readouterr().out

    written = read_regions_csv(regions, "data/regions.csv")
    assert written.to_dict("records") == [
        {"code": "GM0363", "name": "Amsterdam", "level": "gemeente", "parent": "", "reference": ""},
        {"code": "GM0599", "name": "Rotterdam, stad", "level": "gemeente", "parent": ""}
        | {"reference": ""},
        {"code": "WK036300", "name": "Burgwallen-Oude Zijde", "level": "wijk"}
        | {"parent": "GM0363", "reference": ""},
        {"code": "BU03630000", "name": "Kop Zeedijk", "level": "buurt"}
        | {"parent": "WK036300", "reference": ""},
        {"code": "BU03630001", "name": "Oosterdokseiland", "level": "buurt"}
        | {"parent": "WK036300", "reference": ""},
        {"code": "BU03630002", "name": "Grachtengordel-West", "level": "buurt"}
        | {"parent": "WK036300", "reference": ""},
    ]
    # The monitor loader accepts it, and with it every region of the imported data.
    base = read_base_regions(regions, "data/regions.csv")
    assert len(read_tidy_csv(out, tmp_path, known_regions=base.index)) == 24


def test_a_regions_file_with_only_its_header_is_filled_by_an_import(tmp_path: Path) -> None:
    regions = tmp_path / "regions.csv"
    regions.write_text("code,name,level,parent\n", "utf-8")
    # A monitor needs at least one region ...
    with pytest.raises(ProblemsError) as caught:
        read_base_regions(regions, "data/regions.csv")
    assert [str(p) for p in caught.value.problems] == [
        "data/regions.csv:1: rows: the file has a header but no regions; list at least the gemeente"
    ]
    # ... an import may start from none.
    out = tmp_path / "tidy.csv"
    assert (
        main(["import", "statline", str(SAMPLE), "--out", str(out), "--regions", str(regions)]) == 0
    )
    assert read_base_regions(regions, "data/regions.csv").index.tolist() == SAMPLE_CODES


def test_a_broken_regions_file_is_the_same_problem_for_import_and_monitor(
    tmp_path: Path, capsys
) -> None:
    regions = tmp_path / "regions.csv"
    text = "code;name;level;parent\nGM0363;Amsterdam;gemeente;\n"
    regions.write_text(text, "utf-8")
    out = tmp_path / "tidy.csv"

    assert (
        main(["import", "statline", str(SAMPLE), "--out", str(out), "--regions", str(regions)]) == 1
    )
    printed = capsys.readouterr().err.splitlines()
    with pytest.raises(ProblemsError) as caught:
        read_base_regions(regions, str(regions))
    expected = [str(p) for p in caught.value.problems]
    assert expected == [
        f"{regions}:1: header: columns must be code,name,level,parent[,reference]; missing: "
        "code, name, level, parent; unknown: code;name;level;parent"
    ]
    assert expected[0] in printed
    # Nothing was written: the regions file is read before the tidy file is written.
    assert not out.exists()
    assert regions.read_text("utf-8") == text


def test_regions_written_are_read_back_unchanged(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "code": ["GM0363", "1011"],
            "name": ['Amsterdam\n"centrum"', "Postcode 1011"],  # a quote and a line break
            "level": ["gemeente", "pc4"],
            "parent": ["", "GM0363"],
        }
    )
    path = tmp_path / "data" / "regions.csv"
    write_regions_csv(frame, path)
    back = read_regions_csv(path, "data/regions.csv")
    assert back.to_dict("records") == frame.to_dict("records")
    assert back.attrs["lines"].tolist() == [2, 4]  # the quoted line break counts
    assert list(tmp_path.joinpath("data").iterdir()) == [path]  # no temporary file left
