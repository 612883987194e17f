"""The G4 example (examples/g4/): real 2014 regions, seeded synthetic buurt figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wijkmonitor.cli import main
from wijkmonitor.demo import g4
from wijkmonitor.website.build import build_site

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "g4"


def test_generator_is_deterministic_and_matches_the_committed_files(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    g4.write_data(first)
    g4.write_data(second)
    for name in ("regions.csv", "g4_synthetisch.csv"):
        written = (first / "data" / name).read_bytes()
        assert written == (second / "data" / name).read_bytes()
        # The committed files are the generator's default output (buurt figures only).
        assert written == (EXAMPLE / "data" / name).read_bytes()
    # Another seed gives other figures for the same regions.
    g4.write_data(tmp_path / "c", seed=7)
    other = tmp_path / "c" / "data"
    assert (other / "regions.csv").read_bytes() == (first / "data" / "regions.csv").read_bytes()
    assert (other / "g4_synthetisch.csv").read_bytes() != written


def test_regions_are_the_real_2014_codes_and_names():
    regions = pd.read_csv(EXAMPLE / "data" / "regions.csv", dtype=str, keep_default_na=False)
    counts = regions.groupby(["level", regions["code"].str[2:6]]).size()
    # wijken_2014.topojson: Amsterdam 8 wijken (its stadsdelen), Rotterdam 21,
    # 's-Gravenhage 44, Utrecht 10; buurten 93, 89 (90 less Rivium), 113, 111.
    assert counts["wijk"].to_dict() == {"0344": 10, "0363": 8, "0518": 44, "0599": 21}
    assert counts["buurt"].to_dict() == {"0344": 111, "0363": 93, "0518": 113, "0599": 89}
    names = dict(zip(regions["code"], regions["name"], strict=True))
    assert names["GM0518"] == "'s-Gravenhage"
    assert names["WK059901"] == "Wijk 01 Rotterdam Centrum"
    assert "BU05992540" not in names  # its wijk WK059925 is not in the wijk file
    # Every parent exists and follows from the code.
    wijken = regions[regions["level"] == "wijk"]
    buurten = regions[regions["level"] == "buurt"]
    assert set(buurten["parent"]) <= set(wijken["code"])
    assert (buurten["parent"] == "WK" + buurten["code"].str[2:8]).all()
    assert (wijken["parent"] == "GM" + wijken["code"].str[2:6]).all()


def test_data_has_buurt_figures_only_with_small_and_secret_buurten():
    data = pd.read_csv(EXAMPLE / "data" / "g4_synthetisch.csv", dtype={"status": str})
    assert data["region"].str.startswith("BU").all()
    assert sorted(data["period"].unique()) == [2016, 2017, 2018, 2019, 2020]
    assert (data["status"] == "x").sum() == 12
    assert data.loc[data["status"] == "x", "value"].isna().all()
    woningen = data[data["variable"] == "woningen"]
    small = (woningen["value"] < 50).sum()  # under min_denominator of the shares
    assert 50 < small < 300


def test_with_parents_writes_sums(tmp_path):
    g4.write_data(tmp_path, parents=True)
    data = pd.read_csv(tmp_path / "data" / "g4_synthetisch.csv", dtype={"status": str})
    regions = pd.read_csv(tmp_path / "data" / "regions.csv", dtype=str, keep_default_na=False)
    parent = dict(zip(regions["code"], regions["parent"], strict=True))
    inwoners = data[(data["variable"] == "inwoners") & (data["period"] == 2016)]
    buurt = inwoners[inwoners["region"].str.startswith("BU")]
    gm = buurt.groupby(buurt["region"].map(parent).map(parent))["value"].sum()
    given = inwoners.set_index("region")["value"]
    for code, total in gm.items():
        assert given[code] == total


def test_check_passes_and_the_example_builds(tmp_path, capsys):
    assert main(["check", str(EXAMPLE)]) == 0
    assert "7 indicators, 3 themes, 493 regions" in capsys.readouterr().out
    summary = build_site(EXAMPLE, tmp_path / "site")
    site = tmp_path / "site"
    # A page for every wijk and buurt, each saying its figures are synthetic.
    wijk = (site / "wijk" / "WK036300" / "index.html").read_text(encoding="utf-8")
    assert "Stadsdeel Centrum" in wijk
    assert "Synthetische gegevens" in wijk
    assert len(list((site / "wijk").glob("*/index.html"))) == 83
    assert len(list((site / "buurt").glob("*/index.html"))) == 406
    assert summary.pages > 500


def test_gemeenten_and_wijken_are_derived_from_the_buurten(tmp_path):
    # The data holds buurten only; the engine derives the parents (methods §8). The
    # expected totals are the generator's own sums (--with-parents).
    assert main(["compute", str(EXAMPLE), "--out", str(tmp_path)]) == 0
    results = pd.read_csv(tmp_path / "results.csv", dtype={"derived_from": str})
    row = results[
        (results["indicator"] == "lage_inkomens")
        & (results["region"] == "GM0363")
        & (results["period"] == 2016)
    ].iloc[0]
    assert row["derived_from"] == "wijk"
    assert row["denominator"] == 86247
    assert round(row["value"], 3) == round(100 * 40267 / 86247, 3)
    buurt = results[results["region"] == "BU03630001"]
    assert (buurt["reference_region"] == "GM0363").all()
    assert buurt["reference_value"].notna().any()
