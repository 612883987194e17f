"""The default monitor's catalogue: themes, indicators, regions and areas (issue 5).

The engine validates every file (``load_monitor``); these tests add what the engine cannot
know: that the catalogue covers the report, uses the comparison the report uses, keeps one
key order, and that regions and areas match the report's Bijlage 1.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from wijkmonitor.core.monitor import load_monitor

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "reference"

# The key order every indicator YAML keeps (reviewers read them as diffs).
KEY_ORDER = [
    "id",
    "title",
    "theme",
    "definition",
    "direction",
    "unit",
    "formula",
    "comparison",
    "source",
    "measurement_moment",
    "periods",
    "baseline_period",
    "decimals",
    "min_denominator",
    "no_change_threshold",
    "notes",
]
REQUIRED = set(KEY_ORDER[:10])
THEMES = [
    "wonen_en_leefbaarheid",
    "leren",
    "werken",
    "inkomen_en_schuldenproblematiek",
    "veiligheid",
    "gezondheid",
    "integratie",
    "ses_woa",
]
SHIFTED = {"cito_score": 200, "voorzieningenniveau": 100, "veiligheid_overlast_score": 100}
FORMULA_INPUTS = {
    "share": {"numerator", "denominator"},
    "rate": {"numerator", "denominator", "per"},
    "mean": {"total", "count"},
    "value": {"variable", "weight"},
    "quotient": {"numerator_a", "denominator_a", "numerator_b", "denominator_b", "per"},
}


def _yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def group_tables() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "report_2012_group_tables.csv")


@pytest.fixture(scope="module")
def theme_tables() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "report_2012_theme_tables.csv")


@pytest.fixture(scope="module")
def catalogue() -> dict[str, dict]:
    """The report's indicators (every file but themes.yml and the SES-WOA ones)."""
    docs = {}
    for path in sorted((ROOT / "indicators").glob("*.yml")):
        doc = _yaml(path)
        if path.name != "themes.yml" and doc["theme"] != "ses_woa":
            docs[doc["id"]] = doc
    return docs


@pytest.fixture(scope="module")
def pc4_list() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "aandachtswijken_pc4.csv", dtype=str)


def test_the_engine_loads_the_default_monitor():
    monitor = load_monitor(ROOT)
    assert monitor.synthetic is True
    assert monitor.settings.no_change_threshold == 2.0
    assert list(monitor.themes) == THEMES
    regions = monitor.regions
    assert (regions["kind"] == "focus_area").sum() == 40
    assert {"G4", "G14", "G18", "G18-aandachtswijken", "GM0363-aandachtswijken"} <= set(
        regions.index
    )


def test_every_indicator_file_keeps_the_contract_keys_in_one_order():
    for path in sorted((ROOT / "indicators").glob("*.yml")):
        if path.name == "themes.yml":
            continue
        doc = _yaml(path)
        keys = list(doc)
        assert REQUIRED <= set(keys), f"{path.name}: missing {REQUIRED - set(keys)}"
        assert set(keys) <= set(KEY_ORDER), f"{path.name}: unknown {set(keys) - set(KEY_ORDER)}"
        assert keys == [k for k in KEY_ORDER if k in keys], f"{path.name}: key order"
        assert doc["id"] == path.stem
        assert list(doc["measurement_moment"]) == ["kind", "date"]
        assert doc["formula"] and list(doc["formula"])[0] == "kind"
        if "baseline_period" in doc and "periods" in doc:
            assert doc["baseline_period"] in doc["periods"]


def test_themes_have_dutch_titles_and_a_short_description():
    themes = _yaml(ROOT / "indicators" / "themes.yml")
    assert [t["id"] for t in themes] == THEMES
    assert themes[-1]["title"] == "Sociaaleconomische status (SES-WOA)"
    for theme in themes:
        sentences = [s for s in re.split(r"[.!?](?:\s|$)", theme["description"]) if s.strip()]
        assert 1 <= len(sentences) <= 3, theme["id"]


def test_the_catalogue_covers_every_indicator_of_the_report(catalogue, group_tables, theme_tables):
    report_ids = set(group_tables["indicator"]) | set(theme_tables["indicator"])
    assert len(set(group_tables["indicator"])) == 24
    assert report_ids == set(catalogue)
    assert {
        "kleine_woningen",
        "meergezinswoningen",
        "niet_werkend_werkzoekende_jongeren",
        "arbeidsongeschiktheidsuitkeringen",
    } <= set(catalogue)
    themes = {t["indicator"]: t["theme"] for _, t in theme_tables.iterrows()}
    for ind_id, theme in themes.items():
        assert catalogue[ind_id]["theme"] == theme


def test_formulas_name_their_inputs_and_comparisons_follow_the_report(catalogue):
    for ind_id, doc in catalogue.items():
        formula, comparison = dict(doc["formula"]), doc["comparison"]
        kind = formula.pop("kind")
        assert set(formula) == FORMULA_INPUTS[kind], ind_id
        for field, variable in formula.items():
            if field != "per":
                assert re.fullmatch(r"[a-z][a-z0-9_]*", variable), (ind_id, variable)
        if ind_id in SHIFTED:
            assert comparison == {"kind": "shifted_ratio", "offset": SHIFTED[ind_id]}
        elif kind == "quotient":
            assert ind_id.startswith("integratie_")
            assert comparison == {"kind": "quotient_ratio"}
        else:
            assert comparison == {"kind": "ratio"}, ind_id
    assert catalogue["gestarte_schuldsaneringen"]["formula"]["per"] == 10000
    assert catalogue["integratie_havo_vwo"]["formula"]["per"] == 100
    # the 1-7 score: the report's shift cannot be recovered, and the notes say so
    assert "niet terug te rekenen" in catalogue["leefbaarheidsscore"]["notes"]


def test_periods_and_baselines_are_those_of_the_report(catalogue, group_tables, theme_tables):
    printed = group_tables[group_tables["series"] == "deviation_printed"]
    for ind_id, years in printed.groupby("indicator")["period"]:
        assert catalogue[ind_id]["periods"] == sorted(set(years)), ind_id
        assert catalogue[ind_id]["baseline_period"] == min(years), ind_id
    # the theme diagrams compare the Nulmeting with the latest period
    g18 = theme_tables[theme_tables["reference"] == "G18"].set_index("indicator")
    baseline_p = printed[printed["group"] == "G18"].set_index(["indicator", "period"])["value"]
    for ind_id, row in g18.iterrows():
        if ind_id in set(printed["indicator"]):
            first = catalogue[ind_id]["baseline_period"]
            assert round(baseline_p[(ind_id, first)]) == pytest.approx(
                row["deviation_baseline"], abs=1
            )
    leefbaarometer = ["leefbaarheidsscore", "voorzieningenniveau", "veiligheid_overlast_score"]
    for ind_id in leefbaarometer:
        assert catalogue[ind_id]["periods"] == [2006, 2008, 2010]
        assert "eens per twee jaar" in catalogue[ind_id]["notes"]
    assert "Breuk in de reeks" in catalogue["wanbetalers_zorgverzekering"]["notes"]


def test_small_counts_have_a_minimum(catalogue):
    for ind_id in (
        "cito_score",
        "pasgeborenen_extra_zorg",
        "verkoopprijs_woningen",
        "havo_vwo_3e_leerjaar",
        "inkomsten_uit_arbeid_moe_landers",
    ):
        assert catalogue[ind_id]["min_denominator"] > 0, ind_id


def test_regions_are_the_18_gemeenten_and_83_pc4s_of_bijlage_1(pc4_list):
    regions = pd.read_csv(ROOT / "data" / "regions.csv", dtype=str, keep_default_na=False)
    assert list(regions.columns) == ["code", "name", "level", "parent"]
    gemeenten = regions[regions["level"] == "gemeente"]
    pc4 = regions[regions["level"] == "pc4"]
    assert len(gemeenten) == 18 and len(pc4) == 83 and len(regions) == 101
    assert set(gemeenten["code"]) == set(pc4_list["gemeente_code"])
    assert (gemeenten["parent"] == "").all()
    assert dict(zip(pc4["code"], pc4["parent"], strict=True)) == dict(
        zip(pc4_list["pc4"], pc4_list["gemeente_code"], strict=True)
    )
    names = dict(zip(gemeenten["code"], gemeenten["name"], strict=True))
    assert names["GM0363"] == "Amsterdam" and names["GM0518"] == "'s-Gravenhage"


def test_areas_are_the_40_aandachtswijken_their_totals_and_the_groups(pc4_list):
    areas = {a["id"]: a for a in _yaml(ROOT / "areas.yml")["areas"]}
    focus = {i: a for i, a in areas.items() if a["kind"] == "focus_area"}
    assert len(focus) == 40
    expected = pc4_list.groupby("aandachtswijk")["pc4"].apply(sorted).to_dict()
    assert {a["name"]: sorted(a["members"]) for a in focus.values()} == expected
    for area_id in focus:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", area_id), area_id
    gem_of_pc4 = dict(zip(pc4_list["pc4"], pc4_list["gemeente_code"], strict=True))
    for area in focus.values():
        assert {gem_of_pc4[m] for m in area["members"]} == {area["reference"]}
    for code in set(pc4_list["gemeente_code"]):
        total = areas[f"{code}-aandachtswijken"]
        assert total["kind"] == "focus_total" and total["reference"] == code
        assert sorted(total["members"]) == sorted(
            i for i, a in focus.items() if a["reference"] == code
        )
    by_group = pc4_list.groupby("group")["gemeente_code"].apply(set).to_dict()
    assert set(areas["G4"]["members"]) == by_group["G4"]
    assert set(areas["G14"]["members"]) == by_group["G14"]
    assert set(areas["G18"]["members"]) == by_group["G4"] | by_group["G14"]
    for group in ("G4", "G14", "G18"):
        assert areas[group]["kind"] == "group"
        total = areas[f"{group}-aandachtswijken"]
        assert total["kind"] == "focus_total" and total["reference"] == group
