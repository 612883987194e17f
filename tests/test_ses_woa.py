"""SES-WOA plugin: household file, MCA coefficients, sufficient statistics, formula kind."""

from __future__ import annotations

import gzip
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wijkmonitor.cli import main
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.plugins import ses_woa
from wijkmonitor.plugins.ses_woa.households import read_households
from wijkmonitor.plugins.ses_woa.kind import SES_WOA_KIND
from wijkmonitor.plugins.ses_woa.scoring import (
    apply,
    fit,
    load_coefficients,
    save_coefficients,
)
from wijkmonitor.plugins.ses_woa.statistics import ancestors, region_statistics
from wijkmonitor.plugins.ses_woa.synthetic_households import generate, write_gzip_csv

ROOT = Path(__file__).resolve().parents[1]
# A gemeente with two PC4s, and one with a wijk and two buurten.
REGIONS = pd.DataFrame(
    {
        "code": ["GM0001", "1001", "1002", "GM0002", "WK000201", "BU00020101", "BU00020102"],
        "name": ["Stad", "Noord", "Zuid", "Dorp", "Centrum", "Kern", "Rand"],
        "level": ["gemeente", "pc4", "pc4", "gemeente", "wijk", "buurt", "buurt"],
        "parent": ["", "GM0001", "GM0001", "", "GM0002", "WK000201", "WK000201"],
    }
)


@pytest.fixture(scope="module")
def households() -> pd.DataFrame:
    return generate(REGIONS, seed=7, years=(2018, 2019), per_small_region=120)


@pytest.fixture(scope="module")
def coefficients(households):
    return fit(households, reference_year=2019)


def test_household_file_problems_name_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "households.csv"
    path.write_text(
        "household_id,region,period,welvaart_decile,opleiding,arbeid\n"
        "h1,1001,2019,11,2,3\n"
        "h2,9999,2019,3,0,3\n"
        "h3,1001,2019.5,3,2,x\n"
        "h4,1001,2019,3,2,7\n",
        encoding="utf-8",
    )
    with pytest.raises(ProblemsError) as info:
        read_households(path, "data/households.csv", known_regions=pd.Index(REGIONS["code"]))
    assert [str(p) for p in info.value.problems] == [
        "data/households.csv:3: region: '9999' is not a code in data/regions.csv",
        "data/households.csv:4: period: '2019.5' is not a year",
        "data/households.csv:2: welvaart_decile: '11' is not a class 1-10",
        "data/households.csv:3: opleiding: '0' is not a class 1-5",
        "data/households.csv:4: arbeid: 'x' is not a class 1-7",
    ]
    path.write_text("household_id,region,period,welvaart_decile\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as info:
        read_households(path, "h.csv")
    assert str(info.value.problems[0]).startswith("h.csv:1: columns must include")


def test_gzip_file_and_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "h.csv.gz"
    text = "household_id,region,period,welvaart_decile,opleiding,arbeid\nh1,1001,2019,1,1,1\n"
    path.write_bytes(gzip.compress(text.encode()))
    assert read_households(path)[["region", "period", "arbeid"]].values.tolist() == [
        ["1001", 2019, 1]
    ]
    path.write_bytes(gzip.compress((text + "h1,1002,2019,2,2,2\nh1,1002,2018,2,2,2\n").encode()))
    with pytest.raises(ProblemsError) as info:
        read_households(path, "h.csv.gz")
    assert [str(p) for p in info.value.problems] == [
        "h.csv.gz:3: household_id: 'h1' occurs twice in the same period"
    ]


def test_total_score_is_the_mca_row_coordinate_and_centred(households, coefficients) -> None:
    import prince

    year = households[households["period"] == 2019].reset_index(drop=True)
    columns = ["welvaart_decile", "opleiding", "arbeid"]
    mca = prince.MCA(n_components=1, engine="scipy").fit(year[columns].astype("int64"))
    row = mca.row_coordinates(year[columns].astype("int64"))[0].to_numpy()
    scores = apply(year, coefficients)
    sign = np.sign(np.corrcoef(row, scores["totaal"])[0, 1])
    np.testing.assert_allclose(scores["totaal"].to_numpy(), sign * row, atol=1e-9)
    assert scores["totaal"].to_numpy() == pytest.approx(
        scores[["welvaart", "opleiding", "arbeid"]].sum(axis=1).to_numpy()
    )
    # Centred: the reference year's mean total and sub-scores are 0.
    assert scores.mean().abs().max() < 1e-12
    assert coefficients.reference_year == 2019
    assert coefficients.n_households == len(year)
    assert 0 < coefficients.eigenvalue < 1
    assert coefficients.total_inertia == pytest.approx((10 + 5 + 7 - 3) / 3)


def test_higher_welfare_decile_scores_higher(coefficients) -> None:
    welfare = coefficients.categories["welvaart_decile"]
    assert welfare[10] > welfare[5] > welfare[1]
    pair = pd.DataFrame(
        {"welvaart_decile": [2, 9], "opleiding": [3, 3], "arbeid": [5, 5]}, dtype="int8"
    )
    scores = apply(pair, coefficients)
    assert scores.loc[1, "welvaart"] > scores.loc[0, "welvaart"]
    assert scores.loc[1, "totaal"] > scores.loc[0, "totaal"]
    assert scores.loc[1, "opleiding"] == scores.loc[0, "opleiding"]
    # Education and labour point the same way in the synthetic data.
    assert coefficients.categories["opleiding"][5] > coefficients.categories["opleiding"][1]
    assert coefficients.categories["arbeid"][5] > coefficients.categories["arbeid"][1]


def test_fixed_coefficients_a_years_scores_do_not_depend_on_other_years(households) -> None:
    regions = REGIONS.set_index("code")
    only_2019 = households[households["period"] == 2019]
    coefficients = fit(households, reference_year=2019)
    assert coefficients == fit(only_2019)  # other years never enter the fit

    extra = generate(REGIONS, seed=99, years=(2016,), per_small_region=80)
    extra["household_id"] = "extra-" + extra["household_id"]
    more = pd.concat([households, extra], ignore_index=True)
    refit = fit(more, reference_year=2019)
    assert refit == coefficients

    before = region_statistics(households, apply(households, coefficients), regions)
    after = region_statistics(more, apply(more, refit), regions)
    keys = ["region", "period", "variable"]
    after_2018_2019 = after[after["period"] != 2016].sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(before.sort_values(keys).reset_index(drop=True), after_2018_2019)
    assert set(after["period"]) == {2016, 2018, 2019}


def test_coefficients_file_round_trip(tmp_path: Path, coefficients) -> None:
    path = tmp_path / "c.json"
    save_coefficients(coefficients, path)
    loaded = load_coefficients(path)
    for column, values in coefficients.categories.items():
        assert loaded.categories[column] == pytest.approx(values, abs=1e-12)
    assert loaded.reference_year == 2019 and loaded.eigenvalue == coefficients.eigenvalue
    path.write_text(path.read_text().replace('"format_version": 1', '"format_version": 2'))
    with pytest.raises(ProblemsError) as info:
        load_coefficients(path, "c.json")
    assert str(info.value.problems[0]) == (
        "c.json: format_version: 2: this version of wijkmonitor reads format_version 1"
    )


def test_rollup_counts_households_in_every_ancestor() -> None:
    regions = REGIONS.set_index("code")
    pairs = ancestors(regions)
    assert sorted(pairs[pairs["region"] == "BU00020101"]["ancestor"]) == [
        "BU00020101",
        "GM0002",
        "WK000201",
    ]
    households = pd.DataFrame(
        {
            "household_id": [f"h{i}" for i in range(9)],
            "region": ["1001", "1001", "1002", "GM0001", "BU00020101", "BU00020102"]
            + ["BU00020102", "WK000201", "GM0002"],
            "period": 2019,
            "welvaart_decile": 5,
            "opleiding": 3,
            "arbeid": 5,
        }
    )
    scores = pd.DataFrame(
        {d: np.arange(9.0) for d in ["totaal", "welvaart", "opleiding", "arbeid"]}
    )
    tidy = region_statistics(households, scores, regions)
    count = tidy[tidy["variable"] == "ses_woa_huishoudens"].set_index("region")["value"]
    assert count.to_dict() == {
        "1001": 2.0,
        "1002": 1.0,
        "BU00020101": 1.0,
        "BU00020102": 2.0,
        "GM0001": 4.0,
        "GM0002": 5.0,
        "WK000201": 4.0,
    }
    total = tidy[tidy["variable"] == "ses_woa_totaal_som"].set_index("region")["value"]
    assert total["GM0001"] == 0 + 1 + 2 + 3 and total["WK000201"] == 4 + 5 + 6 + 7
    squares = tidy[tidy["variable"] == "ses_woa_arbeid_kwadratensom"].set_index("region")["value"]
    assert squares["GM0002"] == 16 + 25 + 36 + 49 + 64
    assert set(tidy["status"]) == {""} and tidy["period"].dtype == "int64"


def test_kind_mean_and_spread_equal_pandas_on_a_small_case() -> None:
    scores = pd.Series([-0.4, 0.1, 0.25, 0.7, -0.05])
    inputs = pd.DataFrame(
        {"total": [scores.sum()], "sum_of_squares": [(scores**2).sum()], "count": [5.0]}
    )
    spread = SES_WOA_KIND.compute(inputs, {"dimension": "totaal", "statistic": "spread"})
    mean = SES_WOA_KIND.compute(inputs, {"dimension": "totaal", "statistic": "mean"})
    assert spread.iloc[0] == pytest.approx(scores.std())  # ddof=1
    assert mean.iloc[0] == pytest.approx(scores.mean())
    assert SES_WOA_KIND.resolve_inputs({"kind": "ses_woa", "dimension": "opleiding"}) == {
        "total": "ses_woa_opleiding_som",
        "sum_of_squares": "ses_woa_opleiding_kwadratensom",
        "count": "ses_woa_huishoudens",
    }
    assert "ses_woa_arbeid_som / ses_woa_huishoudens" in SES_WOA_KIND.describe(
        {"dimension": "arbeid", "statistic": "mean"}
    )


def test_load_data_without_config_gives_nothing(tmp_path: Path) -> None:
    assert ses_woa.load_data(tmp_path, {}, REGIONS.set_index("code")) is None


def test_config_section_is_validated_by_the_plugins_model(tmp_path: Path, capsys) -> None:
    """plugins.ses_woa is checked by the plugin's pydantic model (register_config_model),
    so its mistakes name monitor.yml, the line and the field like every other error."""
    from tests.conftest import write_monitor

    root = write_monitor(
        tmp_path / "m",
        **{
            "monitor.yml": """\
                title: Test
                plugins:
                  ses_woa:
                    households: data/h.csv
                    coefs: data/c.json
                  csv_data: {enabled: 3}
                """
        },
    )
    assert main(["check", str(root)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "monitor.yml:3: plugins.ses_woa.coefficients: required field is missing",
        "monitor.yml:5: plugins.ses_woa.coefs: unknown key (a typo?)",
        "monitor.yml:6: plugins.csv_data.enabled: 3 is not true or false (false switches "
        "the plugin off)",
        "3 problems found",
    ]


INDICATOR = """\
id: {id}
title: SES-WOA {statistic}
theme: ses_woa
definition: Test.
direction: {direction}
unit: score
formula:
  kind: ses_woa
  dimension: totaal
  statistic: {statistic}
comparison:
  kind: difference
source: test
measurement_moment:
  kind: peilmoment
  date: 1 januari
periods: [2018, 2019]
baseline_period: 2018
decimals: 2
min_denominator: 50
"""


def _tiny_monitor(root: Path) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    sizes = {"1001": 200, "1002": 20, "1003": 90, "GM0001": 400}
    frames = []
    for year in (2018, 2019):
        region = np.repeat(list(sizes), list(sizes.values()))
        n = len(region)
        frames.append(
            pd.DataFrame(
                {
                    "household_id": [f"h{i}" for i in range(n)],
                    "region": region,
                    "period": year,
                    "welvaart_decile": rng.integers(1, 11, n),
                    "opleiding": rng.integers(1, 6, n),
                    "arbeid": rng.integers(1, 8, n),
                }
            )
        )
    households = pd.concat(frames, ignore_index=True)
    files = {
        "monitor.yml": """\
            title: SES-WOA test
            plugins:
              ses_woa:
                households: data/households.csv.gz
                coefficients: data/coefficients.json
            """,
        "indicators/themes.yml": "- id: ses_woa\n  title: SES-WOA\n",
        "indicators/ses_mean.yml": INDICATOR.format(
            id="ses_mean", statistic="mean", direction="higher_is_better"
        ),
        "indicators/ses_spread.yml": INDICATOR.format(
            id="ses_spread", statistic="spread", direction="neutral"
        ),
        "data/regions.csv": """\
            code,name,level,parent
            GM0001,Stad,gemeente,
            1001,Noord,pc4,GM0001
            1002,Zuid,pc4,GM0001
            1003,Oost,pc4,GM0001
            """,
        "areas.yml": """\
            areas:
              - id: noord
                name: Noord
                kind: focus_area
                members: ["1001"]
            """,
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    write_gzip_csv(households, root / "data" / "households.csv.gz")
    save_coefficients(fit(households, reference_year=2019), root / "data" / "coefficients.json")
    return households


def test_engine_means_spreads_rollup_and_suppression(tmp_path: Path) -> None:
    from wijkmonitor.core.compute import compute_results
    from wijkmonitor.core.monitor import load_monitor

    households = _tiny_monitor(tmp_path)
    monitor = load_monitor(tmp_path)
    results = compute_results(monitor).values
    value = results.set_index(["indicator", "region", "period"])
    scores = apply(households, load_coefficients(tmp_path / "data" / "coefficients.json"))
    frame = households.assign(score=scores["totaal"])
    in_2019 = frame[frame["period"] == 2019]

    # Gemeente: all its households, also those of its PC4s.
    row = value.loc[("ses_mean", "GM0001", 2019)]
    assert row["value"] == pytest.approx(in_2019["score"].mean())
    assert row["denominator"] == 710
    spread = value.loc[("ses_spread", "GM0001", 2019), "value"]
    assert spread == pytest.approx(in_2019["score"].std())
    # PC4 and the focus area made of it.
    noord = in_2019[in_2019["region"] == "1001"]["score"]
    assert value.loc[("ses_mean", "1001", 2019), "value"] == pytest.approx(noord.mean())
    assert value.loc[("ses_mean", "noord", 2019), "value"] == pytest.approx(noord.mean())
    assert value.loc[("ses_spread", "noord", 2019), "value"] == pytest.approx(noord.std())
    assert value.loc[("ses_mean", "noord", 2019), "deviation"] == pytest.approx(
        noord.mean() - in_2019["score"].mean()
    )
    # 20 households < min_denominator 50: suppressed.
    for indicator in ("ses_mean", "ses_spread"):
        small = value.loc[(indicator, "1002", 2019)]
        assert small["status"] == "x" and np.isnan(small["value"])


def test_cli_fit_writes_coefficients(tmp_path: Path, capsys, households) -> None:
    path = tmp_path / "households.csv.gz"
    write_gzip_csv(households, path)
    out = tmp_path / "coefficients.json"
    assert main(["ses-woa", "fit", str(path), "--reference-year", "2019", "--out", str(out)]) == 0
    assert "reference year 2019" in capsys.readouterr().out
    assert load_coefficients(out).n_households == int((households["period"] == 2019).sum())
    assert main(["ses-woa", "fit", str(path), "--reference-year", "2010", "--out", str(out)]) == 1
    assert "no households in 2010" in capsys.readouterr().err


def test_synthetic_generator_is_deterministic_and_plausible(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv.gz", tmp_path / "b.csv.gz"
    write_gzip_csv(generate(REGIONS, seed=5, per_small_region=60), first)
    write_gzip_csv(
        generate(REGIONS.sample(frac=1, random_state=1), seed=5, per_small_region=60), second
    )
    assert first.read_bytes() == second.read_bytes()

    households = generate(REGIONS, seed=2019)
    assert sorted(households["period"].unique()) == list(range(2014, 2020))
    assert set(households["region"]) == {
        "1001",
        "1002",
        "GM0001",
        "BU00020101",
        "BU00020102",
        "GM0002",
    }
    scores = apply(households, fit(households, reference_year=2019))
    frame = households.assign(score=scores["totaal"])
    mean = frame.groupby(["region", "period"])["score"].mean().unstack()
    # Small regions (the focus areas) lie below the rest of their gemeente.
    assert (mean.loc[["1001", "1002"]] < mean.loc["GM0001"]).all().all()
    assert (mean.loc[["BU00020101", "BU00020102"]] < mean.loc["GM0002"]).all().all()


def test_committed_demo_files_fit_the_default_monitor() -> None:
    """data/synthetic_households.csv.gz and its coefficients load against data/regions.csv."""
    regions = pd.read_csv(ROOT / "data" / "regions.csv", dtype=str, keep_default_na=False)
    config = {
        "households": "data/synthetic_households.csv.gz",
        "coefficients": "data/ses_woa_coefficients.json",
    }
    tidy = ses_woa.load_data(ROOT, ses_woa.SesWoaConfig(**config), regions.set_index("code"))
    coefficients = load_coefficients(ROOT / config["coefficients"])
    assert coefficients.reference_year == 2019
    assert any("SYNTHETIC" in note for note in coefficients.notes)
    count = tidy[tidy["variable"] == "ses_woa_huishoudens"]
    assert set(count["period"]) == set(range(2014, 2020))
    assert set(count["region"]) == set(regions["code"])
    total = tidy[(tidy["variable"] == "ses_woa_totaal_som") & (tidy["period"] == 2019)]
    # The reference year's mean over all households (the gemeenten cover them all) is 0.
    gemeenten = set(regions.loc[regions["level"] == "gemeente", "code"])
    n = count[(count["period"] == 2019) & count["region"].isin(gemeenten)]["value"].sum()
    assert total[total["region"].isin(gemeenten)]["value"].sum() / n == pytest.approx(0, abs=1e-9)
