"""StatLine CSV import: the hand-made exports in tests/fixtures/statline, cell for cell.

The fixtures are written by hand in the format StatLine uses for "CSV met statistische
symbolen" (BOM, ``;``, every field quoted, padded numbers and codes, symbols); their
figures are invented.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from wijkmonitor.cli import main
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.core.regions import read_base_regions
from wijkmonitor.core.tidy import read_tidy_csv
from wijkmonitor.importers.cells import detect_decimal, parse_numbers
from wijkmonitor.importers.naming import title_to_id, variable_ids
from wijkmonitor.importers.statline import read_statline_csv

FIXTURES = Path(__file__).parent / "fixtures" / "statline"
SAMPLE_COMMA = FIXTURES / "ses_woa_85163NED_sample.csv"
SAMPLE_POINT = FIXTURES / "ses_woa_85163NED_sample_point.csv"
EXPORT = FIXTURES / "SES_WOA_scores_per_wijk_en_buurt_export.csv"
NAN = float("nan")

# (region, period, variable, value, status) of the sample, in file order per column.
EXPECTED_SAMPLE = [
    ("GM0363", 2018, "particuliere_huishoudens", 461205.0, ""),
    ("GM0363", 2019, "particuliere_huishoudens", 466900.0, ""),
    ("WK036300", 2019, "particuliere_huishoudens", 2730.0, ""),
    ("BU03630000", 2019, "particuliere_huishoudens", 570.0, ""),
    ("BU03630001", 2019, "particuliere_huishoudens", 15.0, ""),
    ("BU03630002", 2019, "particuliere_huishoudens", 0.0, "-"),
    ("GM0363", 2018, "ses_woa_totaal_gemiddelde", 0.046, ""),
    ("GM0363", 2019, "ses_woa_totaal_gemiddelde", 0.052, ""),
    ("WK036300", 2019, "ses_woa_totaal_gemiddelde", 0.181, ""),
    ("BU03630000", 2019, "ses_woa_totaal_gemiddelde", 0.125, ""),
    ("BU03630001", 2019, "ses_woa_totaal_gemiddelde", NAN, "x"),
    ("BU03630002", 2019, "ses_woa_totaal_gemiddelde", NAN, "."),
    ("GM0363", 2018, "ses_woa_welvaart_gemiddelde", -0.024, ""),
    ("GM0363", 2019, "ses_woa_welvaart_gemiddelde", -0.019, ""),
    ("WK036300", 2019, "ses_woa_welvaart_gemiddelde", 0.102, ""),
    ("BU03630000", 2019, "ses_woa_welvaart_gemiddelde", 0.064, ""),
    ("BU03630001", 2019, "ses_woa_welvaart_gemiddelde", NAN, "x"),
    ("BU03630002", 2019, "ses_woa_welvaart_gemiddelde", NAN, "."),
    ("GM0363", 2018, "ses_woa_totaal_spreiding", 0.521, ""),
    ("GM0363", 2019, "ses_woa_totaal_spreiding", 0.519, ""),
    ("WK036300", 2019, "ses_woa_totaal_spreiding", 0.465, ""),
    ("BU03630000", 2019, "ses_woa_totaal_spreiding", NAN, "x"),
    ("BU03630001", 2019, "ses_woa_totaal_spreiding", NAN, "x"),
    ("BU03630002", 2019, "ses_woa_totaal_spreiding", NAN, "."),
]


def rows(frame: pd.DataFrame) -> list[tuple]:
    return list(frame[["region", "period", "variable", "value", "status"]].itertuples(index=False))


def assert_same_rows(actual: list[tuple], expected: list[tuple]) -> None:
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected, strict=True):
        assert got[:3] == want[:3] and got[4] == want[4], (got, want)
        if math.isnan(want[3]):
            assert math.isnan(got[3]), (got, want)
        else:
            assert got[3] == pytest.approx(want[3], abs=1e-12), (got, want)


@pytest.mark.parametrize("path", [SAMPLE_COMMA, SAMPLE_POINT], ids=["comma", "point"])
def test_sample_cell_for_cell(path: Path) -> None:
    result = read_statline_csv(path)
    assert_same_rows(rows(result.tidy), EXPECTED_SAMPLE)
    assert result.tidy["period"].dtype == "int64"
    assert result.mapping == {
        "Particuliere huishoudens (Aantal)": "particuliere_huishoudens",
        "SES-WOA/Totaalscore/Gemiddelde score (Getal)": "ses_woa_totaal_gemiddelde",
        "SES-WOA/Deelscore financiële welvaart/Gemiddelde score (Getal)": (
            "ses_woa_welvaart_gemiddelde"
        ),
        "Spreiding/Spreiding totaal/Waarde (Getal)": "ses_woa_totaal_spreiding",
    }
    decimal = "decimal comma" if path == SAMPLE_COMMA else "decimal point"
    assert any(note.startswith(decimal) for note in result.notes)
    assert any("NL00" in note and "skipped 1 rows" in note for note in result.notes)


def test_sample_regions_with_names_levels_and_derived_parents() -> None:
    regions = read_statline_csv(SAMPLE_COMMA).regions
    assert regions.to_dict("records") == [
        {"code": "GM0363", "name": "Amsterdam", "level": "gemeente", "parent": ""},
        {"code": "WK036300", "name": "Burgwallen-Oude Zijde", "level": "wijk", "parent": "GM0363"},
        {"code": "BU03630000", "name": "Kop Zeedijk", "level": "buurt", "parent": "WK036300"},
        {"code": "BU03630001", "name": "Oosterdokseiland", "level": "buurt", "parent": "WK036300"},
        {
            "code": "BU03630002",
            "name": "Grachtengordel-West",
            "level": "buurt",
            "parent": "WK036300",
        },
    ]


def test_variable_id_rule() -> None:
    assert (
        title_to_id("SES-WOA/Totaalscore/Gemiddelde score (Getal)")
        == "ses_woa_totaalscore_gemiddelde_score"
    )
    assert title_to_id("Spreiding/Spreiding totaal/Waarde (Getal)") == (
        "spreiding_spreiding_totaal_waarde"
    )
    assert title_to_id("Particuliere huishoudens (Aantal)") == "particuliere_huishoudens"
    assert title_to_id("Financiële Welvaart/Gemiddelde percentielgroep (Getal)") == (
        "financiele_welvaart_gemiddelde_percentielgroep"
    )
    assert title_to_id("65 jaar of ouder (%)") == "v_65_jaar_of_ouder"
    # Same title with two units: both get their unit.
    ids = variable_ids(["Woningen (aantal)", "Woningen (%)", "Inwoners (aantal)"])
    assert ids == {
        "Woningen (aantal)": "woningen_aantal",
        "Woningen (%)": "woningen_pct",
        "Inwoners (aantal)": "inwoners",
    }
    # A user mapping wins over the built-in one; matching ignores case and padding.
    ids = variable_ids(
        ["SES-WOA/Totaalscore/Gemiddelde score (Getal)"],
        {"ses-woa/totaalscore/gemiddelde  score (getal)": "ses_totaal"},
    )
    assert ids == {"SES-WOA/Totaalscore/Gemiddelde score (Getal)": "ses_totaal"}


def test_decimal_detection_does_not_confuse_thousands() -> None:
    def decide(*cells: str) -> str:
        return detect_decimal(pd.Series(cells))[0].decimal

    assert decide("0,123", "12") == ","
    assert decide("1.234,5") == ","
    assert decide("1.234.567", "3") == ","
    assert decide("0.123") == "."
    assert decide("1,234,567", "2.5") == "."
    assert decide("1,234") == ","  # ambiguous: StatLine never groups thousands in a CSV
    assert decide("0,5", "0.5") == "?"
    numbers = parse_numbers(pd.Series(["1.234,5", "1234,5", "-0,045", "12 345", "1.23.4"]), ",")
    assert numbers.iloc[:4].tolist() == [1234.5, 1234.5, -0.045, 12345.0]
    assert math.isnan(numbers.iloc[4])


def write(tmp_path: Path, text: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\ufeff" + text).encode("utf-8"))
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ProblemsError) as info:
        read_statline_csv(path)
    return [str(p) for p in info.value.problems]


HEADER = (
    '"Wijken en buurten";"Regiocode (gemeente, wijk, buurt) (code)";"Perioden";"Score (Getal)"\n'
)


def test_header_without_region_column(tmp_path: Path) -> None:
    path = write(tmp_path, '"Perioden";"Score (Getal)"\n"2019";"  0,1"\n')
    assert problems_of(path) == [
        f"{path}:1: no region column (expected 'Wijken en buurten' and/or "
        "'Regiocode (gemeente, wijk, buurt) (code)')"
    ]


def test_bad_cell_wrong_field_count_period_and_region_named(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + '"Amsterdam";"GM0363    ";"2019";"     12a"\n"Amsterdam";"GM0363    ";"2018"\n',
    )
    assert problems_of(path) == [f"{path}:3: expected 4 fields like the header on line 1, found 3"]
    path = write(
        tmp_path,
        HEADER
        + '"Amsterdam";"GM0363    ";"2019";"     12a"\n'
        + '"Amsterdam";"GM0363    ";"2019KW01";"   0,1"\n'
        + '"Elders";"XX0001    ";"2019";"   0,2"\n',
    )
    assert problems_of(path) == [
        f"{path}:4: Regiocode (gemeente, wijk, buurt) (code): region code 'XX0001' not "
        "understood (expected GM0363, WK036300, BU03630000, a PC4 such as 1024, or NL00)",
        f"{path}:3: Perioden: period '2019KW01' not understood (expected a year: 2019, "
        "2019JJ00, 2019*)",
        f"{path}:2: Score (Getal): '12a' is not a number or a symbol (. x -)",
    ]


def test_conflicting_decimal_separators(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + '"A";"GM0363";"2018";"0,5"\n"A";"GM0363";"2019";"0.25"\n',
    )
    assert problems_of(path) == [
        f"{path}:2: Score (Getal): '0,5' has a decimal comma but '0.25' on line 3 "
        "(Score (Getal)) a decimal point"
    ]


def test_duplicate_region_period(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + '"A";"GM0363";"2019";"1"\n"A";"GM0363";"2019*";"2"\n')
    assert problems_of(path) == [
        f"{path}:3: Score (Getal): GM0363 2019 score already given on line 2"
    ]


def test_title_line_footer_period_codes_and_codes_in_the_dimension(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '"SES-WOA scores per wijk en buurt"\n'
        '"Wijken en buurten";"Perioden";"Gemeentenaam (naam)";"Score (Getal)"\n'
        '"GM0363    ";"2019JJ00";"Amsterdam";"  0.5"\n'
        '"1024      ";"2018*";"Amsterdam";"     -"\n'
        '"Bron: CBS"\n',
    )
    result = read_statline_csv(path)
    assert_same_rows(
        rows(result.tidy),
        [("GM0363", 2019, "score", 0.5, ""), ("1024", 2018, "score", 0.0, "-")],
    )
    assert result.regions["level"].tolist() == ["gemeente", "pc4"]
    assert result.regions["name"].tolist() == ["GM0363", "1024"]  # no labels in this export
    assert any("2018*" in note for note in result.notes)
    assert any("Gemeentenaam (naam)" in note for note in result.notes)


def test_export_with_labels_but_no_codes_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path, '"Wijken en buurten";"Perioden";"Score (Getal)"\n"Amsterdam";"2019";"1"\n'
    )
    (problem,) = problems_of(path)
    assert "no region code column" in problem and problem.startswith(f"{path}:1: ")


def test_cli_imports_the_realistic_export(tmp_path: Path, capsys) -> None:
    """The full 85163NED header as StatLine writes it: every column maps, file is tidy."""
    out = tmp_path / "data" / "ses_woa_statline.csv"
    regions = tmp_path / "data" / "regions.csv"
    regions.parent.mkdir(parents=True)
    regions.write_text("code,name,level,parent\nGM0599,Rotterdam,gemeente,\n", encoding="utf-8")
    assert (
        main(["import", "statline", str(EXPORT), "--out", str(out), "--regions", str(regions)]) == 0
    )
    printed = capsys.readouterr().out
    assert "SES-WOA/Totaalscore/Gemiddelde score (Getal)  ->  ses_woa_totaal_gemiddelde" in printed
    assert "Spreiding/Spreiding totaal/Waarde (Getal)  ->  ses_woa_totaal_spreiding" in printed
    assert "added 5 regions" in printed

    # The engine's own reader accepts the file, with every region known.
    known = read_base_regions(regions, "data/regions.csv").reset_index()
    assert known.drop(columns="reference").to_dict("records") == [
        {"code": "GM0599", "name": "Rotterdam", "level": "gemeente", "parent": ""},
        {"code": "WK059915", "name": "Feijenoord", "level": "wijk", "parent": "GM0599"},
        {"code": "BU05991542", "name": "Afrikaanderwijk", "level": "buurt", "parent": "WK059915"},
        {"code": "BU05991544", "name": "Bloemhof", "level": "buurt", "parent": "WK059915"},
        {"code": "BU05991547", "name": "Kop van Zuid", "level": "buurt", "parent": "WK059915"},
        {"code": "BU05991549", "name": "Feijenoord-Haven", "level": "buurt", "parent": "WK059915"},
    ]
    tidy = read_tidy_csv(out, tmp_path, known_regions=pd.Index(known["code"]))
    assert len(tidy) == 6 * 2 * 15
    cell = tidy.set_index(["region", "period", "variable"])
    assert cell.loc[("BU05991542", 2019, "ses_woa_totaal_gemiddelde"), "value"] == -0.330
    assert cell.loc[("GM0599", 2014, "opleidingsniveau_laag_pct"), "value"] == 35.2
    assert cell.loc[("GM0599", 2019, "particuliere_huishoudens"), "value"] == 327415
    assert cell.loc[("BU05991549", 2014, "ses_woa_arbeid_spreiding"), "status"] == "x"
    assert cell.loc[("BU05991549", 2019, "particuliere_huishoudens"), "status"] == "-"
    assert cell.loc[("BU05991549", 2019, "particuliere_huishoudens"), "value"] == 0.0
    assert math.isnan(cell.loc[("BU05991549", 2019, "ses_woa_totaal_gemiddelde"), "value"])


def test_cli_user_mapping_and_problems_exit_1(tmp_path: Path, capsys) -> None:
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(
        '"SES-WOA/Totaalscore/Gemiddelde score (Getal)": ses_totaal\n', encoding="utf-8"
    )
    out = tmp_path / "tidy.csv"
    assert (
        main(
            ["import", "statline", str(SAMPLE_COMMA), "--out", str(out), "--mapping", str(mapping)]
        )
        == 0
    )
    assert "->  ses_totaal" in capsys.readouterr().out
    assert "ses_totaal" in set(pd.read_csv(out)["variable"])

    mapping.write_text('"Score (Getal)": "Not An Id"\n', encoding="utf-8")
    assert (
        main(
            ["import", "statline", str(SAMPLE_COMMA), "--out", str(out), "--mapping", str(mapping)]
        )
        == 1
    )
    assert "must be snake_case" in capsys.readouterr().err
