"""Model checks the corpus cannot express: warnings, bidi controls in text, and the
region checks at national size (tests/bad_inputs/130-149 hold the one-line cases)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import AREAS, DATA, INDICATOR, THEMES, write_monitor
from wijkmonitor.cli import main
from wijkmonitor.core.model import Area
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.problems import Problem, ProblemsError
from wijkmonitor.core.regions import build_regions

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "12,5" after it reads "5,21"
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_a_warning_prints_as_a_located_line():
    warning = Problem("areas.yml", 3, "reference", "gets no p", warning=True)
    assert str(warning) == "areas.yml:3: reference: warning: gets no p"
    assert (
        str(Problem("areas.yml", 3, "reference", "gets no p"))
        == "areas.yml:3: reference: gets no p"
    )


def test_a_monitor_without_indicators_loads_with_one_warning(tmp_path):
    root = write_monitor(tmp_path / "m", **{"indicators/werkzoekenden.yml": None})
    monitor = load_monitor(root)
    assert [str(w) for w in monitor.warnings] == [
        "indicators/: directory: warning: holds no indicator, so the site will show no figure; "
        "add one YAML file per indicator (indicators/<id>.yml)"
    ]
    assert load_monitor(write_monitor(tmp_path / "ok")).warnings == []


# Two gemeenten; the focus area lies in both and declares no reference. Names carry
# every bidi control, the region name of 1001 an override before a figure.
TWO_GEMEENTEN = f"""\
code,name,level,parent
GM0001,Stad,gemeente,
"1001","Noord{RLO} 12,5",pc4,GM0001
1002,Zuid,pc4,GM0001
1003,Oost,pc4,GM0001
GM0002,Dorp,gemeente,
2001,Dorp-Noord,pc4,GM0002
"""
DATA_TWO = DATA + "".join(
    f"{region},{year},{variable},{value}\n"
    for year in (2007, 2011)
    for region, variable, value in [
        ("GM0002", "werkzoekenden", 50),
        ("GM0002", "beroepsbevolking", 1000),
        ("2001", "werkzoekenden", 10),
        ("2001", "beroepsbevolking", 100),
    ]
)


def bidi_monitor(root: Path) -> Path:
    return write_monitor(
        root,
        **{
            "monitor.yml": f"title: Test{BIDI}monitor\ndescription: Over{RLO} 12,5 %\n",
            "indicators/themes.yml": THEMES.replace("title: Werken", f"title: Wer{RLO}ken"),
            "indicators/werkzoekenden.yml": INDICATOR.replace(
                "title: Niet-werkende", f"title: Niet{BIDI}-werkende"
            ).replace("source: UWV", f"source: UWV{RLO} 2012"),
            "data/regions.csv": TWO_GEMEENTEN,
            "areas.yml": AREAS.replace("name: Noord-Zuid", f"name: Noord{RLO}-Zuid").replace(
                '["1001", "1002"]', '["1001", "2001"]'
            ),
            "data/werk.csv": DATA_TWO,
        },
    )


def test_bidi_controls_leave_every_text_where_it_enters_the_model(tmp_path):
    monitor = load_monitor(bidi_monitor(tmp_path / "m"))
    assert monitor.title == "Testmonitor"
    assert monitor.config.description == "Over 12,5 %"
    assert monitor.themes["werken"].title == "Werken"
    indicator = monitor.indicators["werkzoekenden"]
    assert (indicator.title, indicator.source) == ("Niet-werkende werkzoekenden", "UWV 2012")
    assert monitor.regions.loc["1001", "name"] == "Noord 12,5"
    assert monitor.regions.loc["noordzuid", "name"] == "Noord-Zuid"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, str]:
    """The bidi monitor built through the CLI: (monitor, site, stderr of the build)."""
    root = bidi_monitor(tmp_path_factory.mktemp("bidi") / "m")
    site = root.parent / "site"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["build", str(root), "--site-dir", str(site)])
    assert code == 0, err.getvalue()
    return root, site, err.getvalue()


def test_no_bidi_control_reaches_the_site_or_the_downloads(built):
    _, site, _ = built
    texts = [p for p in site.rglob("*") if p.suffix in {".html", ".csv", ".json", ".xml", ".js"}]
    assert any(p.name == "results.csv" for p in texts)
    leaked = [str(p.relative_to(site)) for p in texts if set(p.read_text("utf-8")) & set(BIDI)]
    assert leaked == []
    page = (site / "wijk/noordzuid/index.html").read_text("utf-8")
    assert "Noord 12,5 (1001)" in page and "Noord-Zuid" in page
    catalogue = (site / "downloads/indicators.json").read_text("utf-8")
    assert "Niet-werkende werkzoekenden" in catalogue


def test_an_area_in_two_gemeenten_without_reference_says_why_it_has_no_p(built):
    _, site, err = built
    assert (
        "areas.yml:2: areas.0.reference: warning: the members of 'noordzuid' lie in more than "
        "one gemeente (GM0001, GM0002), so it has no gemeente to be compared with and gets no "
        "p; give it a reference (e.g. a group of these gemeenten)"
    ) in err.splitlines()
    page = (site / "wijk/noordzuid/index.html").read_text("utf-8")
    assert (
        "Dit gebied ligt in meer dan één gemeente (Stad en Dorp) en heeft daarom geen "
        "vergelijkingsgebied: bij de cijfers staat geen afwijking <strong>p</strong>."
    ) in page
    # The reference column is headed by what it lacks, not left empty.
    assert '<th scope="col" style="text-align: right">geen vergelijkingsgebied</th>' in page
    results = pd.read_csv(site / "downloads/results.csv", dtype=str, keep_default_na=False)
    assert set(results.loc[results["region"] == "noordzuid", "deviation"]) == {""}


def test_check_prints_the_warnings_and_succeeds(built, capsys):
    root, _, _ = built
    assert main(["check", str(root)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("areas.yml:2: areas.0.reference: warning: ")


def national_regions(n_gemeenten: int = 350, per_gemeente: int = 50) -> pd.DataFrame:
    """17,850 base regions: gemeenten with PC4s under them."""
    rows = []
    for g in range(n_gemeenten):
        gm = f"GM{g:04d}"
        rows.append((gm, gm, "gemeente", ""))
        rows += [(f"{g:04d}{k:02d}", "pc4", "pc4", gm) for k in range(per_gemeente)]
    frame = pd.DataFrame(rows, columns=["code", "name", "level", "parent"])
    return frame.assign(reference="").set_index("code")


def test_overlaps_are_found_at_national_size_with_a_few_codes_and_a_count():
    base = national_regions()
    # Per gemeente two focus areas and their total; one total names its gemeente and a
    # focus area inside it, another two focus areas sharing eight PC4s.
    areas = []
    for g in range(350):
        gm = f"GM{g:04d}"
        first = [f"{g:04d}{k:02d}" for k in range(0, 10)]
        second = [f"{g:04d}{k:02d}" for k in range(10, 20)]
        if g == 7:
            second = [f"{g:04d}{k:02d}" for k in range(2, 20)]
        areas.append(Area(id=f"a{g}", name="A", kind="focus_area", members=first, reference=gm))
        areas.append(Area(id=f"b{g}", name="B", kind="focus_area", members=second, reference=gm))
        members = [gm, f"a{g}"] if g == 3 else [f"a{g}", f"b{g}"]
        areas.append(Area(id=f"t{g}", name="T", kind="focus_total", members=members))
    with pytest.raises(ProblemsError) as info:
        build_regions(base, areas, None)
    assert [p.message for p in info.value.problems] == [
        "'GM0003' and 'a3' overlap: both cover 000300, 000301, 000302, 000303, 000304 and 5 "
        "more (10 regions); a region counted twice makes every figure of the area wrong: list "
        "each region once",
        "'a7' and 'b7' overlap: both cover 000702, 000703, 000704, 000705, 000706 and 3 more "
        "(8 regions); a region counted twice makes every figure of the area wrong: list each "
        "region once",
    ]


def test_a_correct_national_monitor_has_no_region_problem():
    base = national_regions()
    areas = [
        Area(
            id=f"a{g}", name="A", kind="focus_area", members=[f"{g:04d}01"], reference=f"GM{g:04d}"
        )
        for g in range(350)
    ]
    areas.append(Area(id="alle", name="Alle", kind="focus_total", members=[a.id for a in areas]))
    areas.append(Area(id="nl", name="NL", kind="group", members=list(base.index[::51])))
    regions, membership = build_regions(base, areas, None)
    assert len(regions) == len(base) + 352
    assert (membership["region"] == "alle").sum() == 350
