"""Boundaries wired into loading and the build, and the maps of the site (issue 12):
a small monitor on the real 2014 wijken of Utrecht (examples/geo)."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pyogrio
import pytest

from tests.conftest import ROOT, write_monitor
from tests.sitebuild import tree
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.website.build import build_site
from wijkmonitor.website.maps import NO_FIGURE

GEO = ROOT / "examples" / "geo"
WIJKEN = {
    "WK034401": "West",
    "WK034402": "Noordwest",
    "WK034403": "Overvecht",
    "WK034404": "Noordoost",
    "WK034405": "Oost",
    "WK034406": "Binnenstad",
    "WK034407": "Zuid",
    "WK034408": "Zuidwest",
    "WK034409": "Leidsche Rijn",
    "WK034410": "Vleuten-De Meern",
}
AREAS = """\
areas:
  - {id: west, name: West, kind: focus_area, members: [WK034401]}
  - {id: overvecht, name: Overvecht, kind: focus_area, members: [WK034403]}
  - {id: oost-binnenstad, name: Oost en Binnenstad, kind: focus_area, members: [WK034405, WK034406]}
  - {id: zuid, name: Zuid, kind: focus_area, members: [WK034407]}
"""
BOUNDARIES = """\
title: Utrecht
boundaries:
  - file: geo/wijken_2014.topojson
    code: {code}
    layer: layer
"""
# Werkzoekenden per 1000 of the labour force; Zuid's labour force is under
# min_denominator (50), so its share is not computable and the map says so.
SHARE = {code: 60 + 7 * i for i, code in enumerate(WIJKEN)}
FORCE = {code: 20 if code == "WK034407" else 1000 for code in WIJKEN}


def _data() -> str:
    lines = ["region,period,variable,value"]
    for period in (2007, 2011):
        shift = 0 if period == 2007 else -5
        lines += [
            f"GM0344,{period},werkzoekenden,{sum(SHARE.values()) + 10 * shift}",
            f"GM0344,{period},beroepsbevolking,{sum(FORCE.values())}",
        ]
        for code in WIJKEN:
            lines.append(f"{code},{period},werkzoekenden,{min(SHARE[code] + shift, FORCE[code])}")
            lines.append(f"{code},{period},beroepsbevolking,{FORCE[code]}")
    return "\n".join(lines) + "\n"


def utrecht(root: Path, code: str = "statcode") -> Path:
    regions = "code,name,level,parent\nGM0344,Utrecht,gemeente,\n" + "".join(
        f"{c},{n},wijk,GM0344\n" for c, n in WIJKEN.items()
    )
    write_monitor(
        root,
        **{
            "monitor.yml": BOUNDARIES.format(code=code),
            "data/regions.csv": regions,
            "areas.yml": AREAS,
            "data/werk.csv": _data(),
        },
    )
    (root / "geo").mkdir(exist_ok=True)
    shutil.copy(GEO / "wijken_2014.topojson", root / "geo" / "wijken_2014.topojson")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = utrecht(tmp_path_factory.mktemp("maps") / "utrecht")
    site = root.parent / "site"
    build_site(root, site)
    return root, site


def _specs(page: Path) -> list[dict]:
    found = re.findall(
        r'<script type="application/json" class="wm-spec">(.*?)</script>',
        page.read_text("utf-8"),
        re.S,
    )
    return [json.loads(html.unescape(s)) for s in found]


def _maps(page: Path) -> list[dict]:
    """The map specs of a page (its geoshape charts)."""
    return [s for s in _specs(page) if s.get("mark", {}).get("type") == "geoshape"]


def test_loading_reads_the_boundaries_and_counts_what_does_not_match(tmp_path):
    monitor = load_monitor(utrecht(tmp_path / "m"))
    shapes = monitor.boundaries.shapes
    assert list(shapes["wijk"].index) == sorted(WIJKEN)
    # Focus areas are dissolved from their members' shapes.
    assert list(shapes["focus_area"].index) == ["oost-binnenstad", "overvecht", "west", "zuid"]
    joined = shapes["wijk"].loc[["WK034405", "WK034406"]].union_all()
    assert shapes["focus_area"]["oost-binnenstad"].symmetric_difference(joined).area < 1e-9
    texts = [str(w) for w in monitor.warnings]
    # Every other wijk of the Netherlands is in the file but not in regions.csv.
    assert any("geo/wijken_2014.topojson" in t and "not in data/regions.csv" in t for t in texts)


def test_monitor_without_boundaries_has_none(small_monitor):
    assert load_monitor(small_monitor).boundaries is None


def test_unknown_code_property_is_located_in_monitor_yml(tmp_path):
    with pytest.raises(ProblemsError) as exc:
        load_monitor(utrecht(tmp_path / "m", code="WK_CODE"))
    text = "\n".join(str(p) for p in exc.value.problems)
    assert "monitor.yml:4" in text and "'WK_CODE' is not a property" in text


def test_each_level_is_written_once_and_maps_refer_to_it(built):
    root, site = built
    monitor = load_monitor(root)
    assert (site / "kaart" / "wijk.topojson").read_bytes() == monitor.boundaries.topojson("wijk")
    assert (site / "kaart" / "focus_area.topojson").read_bytes() == monitor.boundaries.topojson(
        "focus_area"
    )
    # Never inlined: no page holds a topology.
    for page in site.rglob("*.html"):
        assert '"arcs"' not in page.read_text("utf-8"), page


def test_indicator_page_has_a_choropleth_of_p(built):
    _, site = built
    (spec,) = _maps(site / "indicator" / "werkzoekenden" / "index.html")
    assert spec["data"] == {
        "url": "../../kaart/focus_area.topojson",
        "format": {"type": "topojson", "feature": "focus_area"},
    }
    rows = {r["code"]: r for r in spec["transform"][0]["from"]["data"]["values"]}
    assert sorted(rows) == ["oost-binnenstad", "overvecht", "west", "zuid"]
    assert rows["west"]["href"] == "../../wijk/west/"
    assert rows["zuid"]["positie"] == NO_FIGURE
    # West is kept secret by the disclosure rules (its p is "x"): drawn as no figure.
    assert (rows["west"]["positie"], rows["west"]["tekst"]) == (NO_FIGURE, "x")
    # Overvecht (6,9 %) is below Utrecht (9,6 %): favourable, lower is better.
    assert rows["overvecht"]["positie"] == "gunstig"
    assert (rows["overvecht"]["waarde"], rows["overvecht"]["referentie"]) == ("6,9", "9,6")
    assert spec["encoding"]["href"]["field"] == "href"
    assert NO_FIGURE in spec["encoding"]["color"]["scale"]["domain"]
    assert "2 zonder cijfer" in spec["description"]
    assert "p per gebied in 2011, 4 gebieden" in spec["description"]


def test_build_is_deterministic(built, tmp_path):
    root, site = built
    build_site(root, tmp_path / "again")
    assert tree(tmp_path / "again") == tree(site)


def test_gemeente_page_has_one_map_of_its_wijken_with_a_selector(built):
    _, site = built
    (spec,) = _maps(site / "gemeente" / "GM0344" / "index.html")
    (param,) = spec["params"]
    assert param["bind"]["input"] == "select"
    assert param["bind"]["options"] == ["werkzoekenden"] and param["value"] == "werkzoekenden"
    lookup = spec["transform"][1]
    assert lookup["from"]["data"]["url"] == "../../kaart/wijk.topojson"
    rows = {r["code"]: r for r in spec["data"]["values"]}
    assert sorted(rows) == sorted(WIJKEN)  # every wijk of Utrecht, each with its page
    assert rows["WK034403"]["href"] == "../../wijk/WK034403/"
    assert rows["WK034403"]["naam"] == "Overvecht"
    assert rows["WK034407"]["positie"] == NO_FIGURE  # labour force under 50
    assert spec["encoding"]["shape"] == {"field": "geo", "type": "geojson"}
    assert "10 wijken van Utrecht" in spec["description"]


def test_a_monitor_without_boundaries_says_so_and_draws_no_map(small_monitor, tmp_path):
    build_site(small_monitor, tmp_path / "site")
    page = (tmp_path / "site" / "indicator" / "werkzoekenden" / "index.html").read_text("utf-8")
    assert "Voor kaarten van de gebieden is een bestand met hun grenzen nodig" in page
    assert not (tmp_path / "site" / "kaart").exists()
    assert _maps(tmp_path / "site" / "indicator" / "werkzoekenden" / "index.html") == []


def test_area_page_has_a_locator_map(built):
    _, site = built
    (spec,) = _maps(site / "wijk" / "overvecht" / "index.html")
    assert spec["data"]["url"] == "../../kaart/focus_area.topojson"
    rows = {r["code"]: r for r in spec["transform"][0]["from"]["data"]["values"]}
    # Overvecht among the other focus areas of Utrecht, which link to their pages.
    assert sorted(rows) == ["oost-binnenstad", "overvecht", "west", "zuid"]
    assert rows["overvecht"]["positie"] == "dit gebied" and rows["overvecht"]["href"] == ""
    assert rows["west"]["positie"] == "overige" and rows["west"]["href"] == "../../wijk/west/"
    assert spec["description"].startswith("Kaart: ligging van Overvecht tussen de 3 andere")


# The ten buurten of Overvecht (2014), ten times 100 of the labour force; their
# werkzoekenden add up to the wijk's (74 in 2007, 69 in 2011), so nothing disagrees.
BUURTEN = {
    "BU03440311": "Taag- en Rubicondreef en omgeving",
    "BU03440312": "Wolga- en Donaudreef en omgeving",
    "BU03440321": "Zamenhofdreef en omgeving",
    "BU03440322": "Neckardreef en omgeving",
    "BU03440331": "Vechtzoom-zuid",
    "BU03440332": "Vechtzoom-noord. Klopvaart",
    "BU03440333": "Bedrijventerrein en omgeving",
    "BU03440341": "Zambesidreef en omgeving",
    "BU03440342": "Tigrisdreef en omgeving",
    "BU03440343": "Poldergebied Overvecht",
}
BUURT_SHARE = dict(zip(BUURTEN, (3, 4, 5, 6, 7, 8, 9, 10, 11, 11), strict=True))


def utrecht_with_buurten(root: Path) -> Path:
    """The Utrecht monitor plus the buurten of Overvecht, with their shapes."""
    utrecht(root)
    with open(root / "data" / "regions.csv", "a", encoding="utf-8") as regions:
        regions.writelines(f"{c},{n},buurt,WK034403\n" for c, n in BUURTEN.items())
    with open(root / "data" / "werk.csv", "a", encoding="utf-8") as data:
        for period, cut in ((2007, 0), (2011, 1)):
            for i, (code, share) in enumerate(BUURT_SHARE.items()):
                data.write(f"{code},{period},werkzoekenden,{share - cut * (i < 5)}\n")
                data.write(f"{code},{period},beroepsbevolking,100\n")
    with open(root / "monitor.yml", "a", encoding="utf-8") as config:
        config.write("  - file: geo/buurten_2014.topojson\n    code: statcode\n    layer: layer\n")
    shutil.copy(GEO / "buurten_2014.topojson", root / "geo" / "buurten_2014.topojson")
    return root


def test_home_page_maps_the_focus_areas_each_opening_its_page(built):
    _, site = built
    (spec,) = _maps(site / "index.html")
    assert spec["data"]["url"] == "kaart/focus_area.topojson"  # by URL, never inlined
    rows = {r["code"]: r for r in spec["transform"][0]["from"]["data"]["values"]}
    assert sorted(rows) == ["oost-binnenstad", "overvecht", "west", "zuid"]
    assert rows["overvecht"] == {
        "code": "overvecht",
        "naam": "Overvecht",
        "href": "wijk/overvecht/",
    }
    assert spec["encoding"]["href"] == {"field": "href", "type": "nominal"}
    assert spec["encoding"]["tooltip"] == [{"field": "naam", "type": "nominal", "title": " "}]
    assert spec["title"]["text"] == "Gebieden van Utrecht"
    page = (site / "index.html").read_text("utf-8")
    # The caption is the text alternative; the list of the same areas stays.
    assert "Kaart van de 4 gebieden van Utrecht; een klik op een gebied opent" in page
    assert '<a href="wijk/overvecht/">Overvecht</a>' in page


def test_wijk_page_maps_its_buurten_with_a_selector(tmp_path):
    root = utrecht_with_buurten(tmp_path / "m")
    build_site(root, tmp_path / "site")
    locator, buurten = _maps(tmp_path / "site" / "wijk" / "WK034403" / "index.html")
    assert locator["data"]["url"] == "../../kaart/wijk.topojson"  # Overvecht among wijken
    assert buurten["transform"][1]["from"]["data"]["url"] == "../../kaart/buurt.topojson"
    assert buurten["params"][0]["bind"]["options"] == ["werkzoekenden"]
    rows = {r["code"]: r for r in buurten["data"]["values"]}
    assert sorted(rows) == sorted(BUURTEN)
    assert rows["BU03440343"]["href"] == "../../buurt/BU03440343/"
    assert rows["BU03440343"]["naam"] == "Poldergebied Overvecht"
    # 11 of 100 against Utrecht's 9,6 %: unfavourable, lower is better.
    assert (rows["BU03440343"]["waarde"], rows["BU03440343"]["positie"]) == ("11,0", "ongunstig")
    assert buurten["title"]["text"] == "Buurten van Overvecht"
    assert "10 buurten van Overvecht" in buurten["description"]
    # A wijk without buurten keeps only its locator map.
    assert len(_maps(tmp_path / "site" / "wijk" / "WK034401" / "index.html")) == 1


def test_only_gemeente_shapes_map_the_gemeenten_and_say_why_not_the_areas(tmp_path):
    root = utrecht(tmp_path / "m")
    shutil.copy(GEO / "gemeenten_2015.topojson", root / "geo" / "gemeenten_2015.topojson")
    (root / "monitor.yml").write_text(
        BOUNDARIES.format(code="statcode").replace("wijken_2014", "gemeenten_2015"), "utf-8"
    )
    build_site(root, tmp_path / "site")
    (spec,) = _specs(tmp_path / "site" / "index.html")
    shapes, names = spec["layer"]
    assert shapes["data"]["url"] == "kaart/gemeente.topojson"
    (row,) = shapes["transform"][0]["from"]["data"]["values"]
    assert row == {"code": "GM0344", "naam": "Utrecht", "href": "gemeente/GM0344/"}
    (label,) = names["data"]["values"]
    # The name is written inside Utrecht's shape (about 5.0-5.2 E, 52.0-52.15 N).
    assert label["naam"] == "Utrecht" and 4.9 < label["lon"] < 5.2 and 52.0 < label["lat"] < 52.2
    sentence = "Voor kaarten van de aandachtswijken is een bestand met hun grenzen nodig"
    for page in ("index.html", "indicator/werkzoekenden/index.html"):
        text = (tmp_path / "site" / page).read_text("utf-8")
        assert sentence in text and "alleen grenzen van gemeenten." in text, page
    assert _maps(tmp_path / "site" / "indicator" / "werkzoekenden" / "index.html") == []


def test_default_demo_maps_its_18_gemeenten_cut_from_the_real_file():
    monitor = load_monitor(ROOT)
    shapes = monitor.boundaries.shapes
    gemeenten = monitor.regions.index[monitor.regions["level"] == "gemeente"]
    assert sorted(shapes["gemeente"].index) == sorted(gemeenten) and len(gemeenten) == 18
    assert "focus_area" not in shapes  # PC4 unions: no shape is invented
    assert not [w for w in monitor.warnings if w.file.startswith("geo/")]  # only the 18
    # The cut is the shared file's 18 gemeenten, to 5 decimals (about 1 m).
    source = pyogrio.read_dataframe(f"TopoJSON:{GEO / 'gemeenten_2015.topojson'}", layer="layer")
    source = source.set_index("statcode").geometry
    cut = pyogrio.read_dataframe(ROOT / "geo" / "gemeenten_2015_demo.geojson")
    for code, geometry in cut.set_index("statcode").geometry.items():
        assert geometry.hausdorff_distance(source[code]) < 1e-5, code
    assert "bron: CBS, Kadaster" in (ROOT / "geo" / "README.md").read_text("utf-8")
