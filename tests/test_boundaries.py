"""Boundaries from real files (core/boundaries.py): the CBS wijken and buurten of 2014
in examples/geo/, and GeoPackage and Shapefile copies of them in RD New written here."""

from __future__ import annotations

import json
import shutil
import textwrap
import time
from collections import Counter
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pydantic import ValidationError

from tests.conftest import ROOT
from wijkmonitor.core.boundaries import (
    SIMPLIFY_METRES,
    Boundaries,
    read_boundaries,
    topojson_bytes,
)
from wijkmonitor.core.model import MonitorConfig
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.core.regions import build_regions, read_areas, read_base_regions
from wijkmonitor.core.yamlfile import load_yaml, pydantic_problems

GEO = ROOT / "examples" / "geo"
G4 = ("0363", "0599", "0518", "0344")  # Amsterdam, Rotterdam, Den Haag, Utrecht
RD_NEW = "EPSG:28992"


def _features(name: str) -> list[dict]:
    """code and name of every feature of an examples/geo file, read as plain JSON."""
    topology = json.loads((GEO / name).read_text("utf-8"))
    return [g["properties"] for g in topology["objects"]["layer"]["geometries"]]


def _read_source(name: str) -> gpd.GeoDataFrame:
    """A file of examples/geo as GDAL reads it (EPSG:4326 by the TopoJSON spec)."""
    return gpd.read_file(f"TopoJSON:{GEO / name}").set_crs("EPSG:4326")


def _g4(codes: pd.Series) -> pd.Series:
    return codes.str[2:6].isin(G4)


def write_monitor(
    root: Path,
    boundaries: str,
    regions: list[tuple[str, str, str, str]],
    areas: str = "",
    geo: tuple[str, ...] = (),
) -> Path:
    """A monitor directory with just what boundaries need: monitor.yml, regions.csv,
    areas.yml, and copies of examples/geo files in geo/."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "monitor.yml").write_text("title: Kaarten\n" + boundaries, "utf-8")
    (root / "data").mkdir(exist_ok=True)
    frame = pd.DataFrame(regions, columns=["code", "name", "level", "parent"])
    frame.to_csv(root / "data" / "regions.csv", index=False)
    if areas:
        (root / "areas.yml").write_text(areas, "utf-8")
    (root / "geo").mkdir(exist_ok=True)
    for name in geo:
        shutil.copy(GEO / name, root / "geo" / name)
    return root


def load(root: Path) -> Boundaries:
    """What a build does: monitor.yml and the regions, then the boundaries."""
    config = MonitorConfig.model_validate(load_yaml(root / "monitor.yml", "monitor.yml").data)
    base = read_base_regions(root / "data" / "regions.csv", "data/regions.csv")
    regions, membership = build_regions(base, *read_areas(root / "areas.yml", "areas.yml"))
    return read_boundaries(root, config, regions, membership)


def errors(root: Path) -> list[str]:
    with pytest.raises(ProblemsError) as caught:
        load(root)
    return [str(p) for p in caught.value.problems]


def g4_regions(levels: tuple[str, ...] = ("wijk", "buurt")) -> list[tuple[str, str, str, str]]:
    """regions.csv rows for the G4: gemeenten, and their wijken and buurten of 2014."""
    rows = [(f"GM{g}", f"Gemeente {g}", "gemeente", "") for g in G4]
    if "wijk" in levels or "buurt" in levels:
        wijken = pd.DataFrame(_features("wijken_2014.topojson"))
        wijken = wijken[_g4(wijken["statcode"])]
        rows += [
            (c, n, "wijk", f"GM{c[2:6]}")
            for c, n in zip(wijken.statcode, wijken.statnaam, strict=True)
        ]
    if "buurt" in levels:
        buurten = pd.DataFrame(_features("buurten_2014.topojson"))
        buurten = buurten[_g4(buurten["statcode"])]
        listed = {r[0] for r in rows}
        # A few buurten of 2014 lie in a wijk the wijken file lacks: under the gemeente.
        rows += [
            (c, n, "buurt", f"WK{c[2:8]}" if f"WK{c[2:8]}" in listed else f"GM{c[2:6]}")
            for c, n in zip(buurten.statcode, buurten.statnaam, strict=True)
        ]
    return rows


WIJKEN_FILE = """\
boundaries:
  - file: geo/wijken_2014.topojson
    code: statcode
"""


# --- reading the real files ----------------------------------------------------------


def test_the_wijken_and_buurten_of_the_g4_are_read_with_every_code(tmp_path):
    boundaries = WIJKEN_FILE + "  - file: geo/buurten_2014.topojson\n    code: statcode\n"
    root = write_monitor(
        tmp_path / "m",
        boundaries,
        g4_regions(),
        geo=("wijken_2014.topojson", "buurten_2014.topojson"),
    )
    result = load(root)
    source_wijken = _read_source("wijken_2014.topojson")
    source_wijken = source_wijken[_g4(source_wijken["statcode"])].set_index("statcode")
    wijken = result.shapes["wijk"]
    # Every G4 wijk of the file, and nothing else: the rest of the country is not in
    # regions.csv (counted in a warning).
    # Amsterdam 8, Rotterdam 21, Den Haag 44, Utrecht 10 wijken in 2014.
    assert len(source_wijken) == 83
    assert list(wijken.index) == sorted(source_wijken.index)
    # 399 of the 407 G4 buurten of the file: the rest collapse (see the warnings).
    assert len(result.shapes["buurt"]) == 399
    assert set(result.shapes["buurt"].index.str[2:6]) == set(G4)
    assert all(shapely.is_valid(result.shapes["wijk"].to_numpy()))
    # Simplification stays within its tolerance (in the median: repaired shapes move more).
    rd = wijken.to_crs(RD_NEW)
    original = gpd.GeoSeries(shapely.make_valid(source_wijken.geometry.to_numpy()), crs=4326)
    original = original.set_axis(source_wijken.index).to_crs(RD_NEW).loc[rd.index]
    distance = shapely.hausdorff_distance(rd.to_numpy(), original.to_numpy())
    assert np.median(distance) <= SIMPLIFY_METRES["wijk"]
    # Areas agree within a few percent in total.
    assert rd.area.sum() == pytest.approx(original.area.sum(), rel=0.01)
    messages = [str(w) for w in result.warnings]
    # The file has 2,738 wijken, and regions.csv lists the G4's (all with an area).
    unknown = f"{2738 - len(wijken)} codes are not in data/regions.csv"
    assert any(
        m.startswith(f"geo/wijken_2014.topojson: code: warning: {unknown}") for m in messages
    )


def test_a_geopackage_and_a_shapefile_in_rd_new_read_back_within_a_metre(tmp_path):
    source = _read_source("wijken_2014.topojson")
    source = source[_g4(source["statcode"])]
    source = source[source.is_valid]  # compare shapes that need no repair
    rd = source[["statcode", "statnaam", "geometry"]].to_crs(RD_NEW)
    root = tmp_path / "m"
    (root / "geo").mkdir(parents=True)
    rd.rename(columns={"statcode": "WK_CODE"}).to_file(
        root / "geo" / "wijken.gpkg", layer="wijk_2014", engine="pyogrio"
    )
    rd.rename(columns={"statcode": "WK_CODE"}).to_file(
        root / "geo" / "wijken.shp", engine="pyogrio"
    )
    expected = source.set_index("statcode").geometry.to_crs(RD_NEW).sort_index()
    for file, layer in (("geo/wijken.gpkg", "    layer: wijk_2014\n"), ("geo/wijken.shp", "")):
        write_monitor(
            root,
            f"boundaries:\n  - file: {file}\n    code: WK_CODE\n{layer}",
            g4_regions(("wijk",)),
        )
        read = _read_unsimplified(root)
        assert list(read.index) == list(expected.index), file
        back = read.to_crs(RD_NEW)
        # The round trip RD New -> WGS84 -> RD New moves no vertex by a metre.
        for a, b in zip(back.to_numpy(), expected.to_numpy(), strict=True):
            assert shapely.hausdorff_distance(a, b) < 1.0, file
        assert read.crs.to_epsg() == 4326
        assert read.total_bounds[0] > 3 and read.total_bounds[3] < 54  # lon/lat of NL


def _read_unsimplified(root: Path) -> gpd.GeoSeries:
    from wijkmonitor.core.boundaries import read_boundary_file

    config = MonitorConfig.model_validate(load_yaml(root / "monitor.yml", "monitor.yml").data)
    _, shapes, _ = read_boundary_file(root, config.boundaries[0], 0)
    return shapes


# --- bad input: one line naming the file -----------------------------------------------


def test_a_missing_file_is_named_on_its_line_of_monitor_yml(tmp_path):
    root = write_monitor(
        tmp_path / "m",
        "boundaries:\n  - file: geo/wijken.topojson\n    code: WK_CODE\n",
        g4_regions(("wijk",)),
    )
    assert errors(root) == [
        "monitor.yml:3: boundaries.0.file: geo/wijken.topojson does not exist "
        "(relative to the monitor directory)"
    ]


def test_an_unknown_code_property_lists_the_properties(tmp_path):
    root = write_monitor(
        tmp_path / "m",
        "boundaries:\n  - file: geo/wijken_2014.topojson\n    code: WK_CODE\n",
        g4_regions(("wijk",)),
        geo=("wijken_2014.topojson",),
    )
    assert errors(root) == [
        "monitor.yml:4: boundaries.0.code: 'WK_CODE' is not a property of "
        "geo/wijken_2014.topojson (object 'layer'); its properties: id, rubriek, statcode, "
        "statnaam"
    ]


def test_an_unknown_layer_lists_the_layers(tmp_path):
    root = write_monitor(
        tmp_path / "m",
        WIJKEN_FILE + "    layer: wijk_2020\n",
        g4_regions(("wijk",)),
        geo=("wijken_2014.topojson",),
    )
    assert errors(root) == [
        "monitor.yml:5: boundaries.0.layer: 'wijk_2020' is not an object of "
        "geo/wijken_2014.topojson; its objects: layer"
    ]


def test_a_file_of_several_layers_needs_a_layer(tmp_path):
    root = tmp_path / "m"
    rd = _read_source("gemeenten_2015.topojson").to_crs(RD_NEW)[["statcode", "geometry"]]
    (root / "geo").mkdir(parents=True)
    rd.head(5).to_file(root / "geo" / "g.gpkg", layer="a", engine="pyogrio")
    rd.tail(5).to_file(root / "geo" / "g.gpkg", layer="b", engine="pyogrio")
    write_monitor(root, "boundaries:\n  - file: geo/g.gpkg\n    code: statcode\n", g4_regions(()))
    assert errors(root) == [
        "monitor.yml:3: boundaries.0: geo/g.gpkg holds 2 layers (a, b); name the one to "
        "read with `layer:`"
    ]


@pytest.mark.parametrize("prj", [None, 'GEOGCS["no datum"]', "nonsense"])
def test_a_shapefile_without_a_known_crs_is_refused(tmp_path, prj):
    root = tmp_path / "m"
    (root / "geo").mkdir(parents=True)
    rd = _read_source("gemeenten_2015.topojson").to_crs(RD_NEW)[["statcode", "geometry"]]
    rd.to_file(root / "geo" / "gemeenten.shp", engine="pyogrio")
    (root / "geo" / "gemeenten.prj").unlink()
    if prj is not None:
        (root / "geo" / "gemeenten.prj").write_text(prj)
    write_monitor(
        root, "boundaries:\n  - file: geo/gemeenten.shp\n    code: statcode\n", g4_regions(())
    )
    where = (
        "there is no file gemeenten.prj beside it"
        if prj is None
        else "the file gemeenten.prj beside it names none that PROJ knows"
    )
    assert errors(root) == [
        f"geo/gemeenten.shp: crs: the coordinate reference system is unknown ({where}); "
        "save the file with its CRS, e.g. EPSG:28992 (RD New) or EPSG:4326 "
        "(longitude/latitude)"
    ]


def test_geojson_in_rd_coordinates_without_a_crs_is_refused(tmp_path):
    root = tmp_path / "m"
    (root / "geo").mkdir(parents=True)
    square = {
        "type": "Polygon",
        "coordinates": [[[120000, 480000], [121000, 480000], [121000, 481000], [120000, 480000]]],
    }
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"code": "GM0363"}, "geometry": square}],
    }
    (root / "geo" / "g.geojson").write_text(json.dumps(collection))
    write_monitor(root, "boundaries:\n  - file: geo/g.geojson\n    code: code\n", g4_regions(()))
    assert errors(root) == [
        "geo/g.geojson: crs: coordinates reach 121000, 481000, which is not longitude/"
        "latitude: the file's CRS is wrong or missing (GeoJSON without a CRS must be "
        "EPSG:4326; save the file with its real CRS, e.g. EPSG:28992)"
    ]


def test_an_unreadable_file_and_other_formats_are_named(tmp_path):
    root = tmp_path / "m"
    (root / "geo").mkdir(parents=True)
    (root / "geo" / "bad.gpkg").write_text("not a geopackage")
    (root / "geo" / "map.kml").write_text("<kml/>")
    boundaries = (
        "boundaries:\n"
        "  - file: geo/bad.gpkg\n    code: code\n"
        "  - file: geo/map.kml\n    code: code\n"
        "  - file: ../elsewhere.gpkg\n    code: code\n"
    )
    write_monitor(root, boundaries, g4_regions(()))
    assert errors(root) == [
        "geo/bad.gpkg: file: cannot be read as GeoPackage: 'geo/bad.gpkg' not recognized as "
        "being in a supported file format.",
        "monitor.yml:5: boundaries.1.file: 'geo/map.kml' is not a boundary file: use GeoJSON "
        "(.geojson, .json), TopoJSON (.topojson), GeoPackage (.gpkg), Shapefile (.shp)",
        "monitor.yml:7: boundaries.2.file: '../elsewhere.gpkg' lies outside the monitor "
        "directory; give a relative path",
    ]


def test_an_unknown_key_in_a_boundaries_entry_is_located(tmp_path):
    root = write_monitor(
        tmp_path / "m", "boundaries:\n  - file: geo/w.gpkg\n    kode: WK_CODE\n", g4_regions(())
    )
    doc = load_yaml(root / "monitor.yml", "monitor.yml")
    with pytest.raises(ValidationError) as caught:
        MonitorConfig.model_validate(doc.data)
    assert [str(p) for p in pydantic_problems(doc, caught.value)] == [
        "monitor.yml:4: boundaries.0.kode: unknown key (a typo?); did you mean 'code'?"
    ]


# --- repair, matching, dissolving ------------------------------------------------------


def _square(x: float, y: float, size: float = 0.01) -> list[list[float]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def test_a_self_intersecting_polygon_is_repaired_and_counted(tmp_path):
    root = tmp_path / "m"
    (root / "geo").mkdir(parents=True)
    # A bow-tie: the ring crosses itself at (4.905, 52.375); two triangles of area.
    bowtie = [[4.90, 52.37], [4.91, 52.38], [4.91, 52.37], [4.90, 52.38], [4.90, 52.37]]
    features = [
        {
            "type": "Feature",
            "properties": {"WK_CODE": "WK036300"},
            "geometry": {"type": "Polygon", "coordinates": [bowtie]},
        },
        {
            "type": "Feature",
            "properties": {"WK_CODE": "WK036301"},
            "geometry": {"type": "Polygon", "coordinates": [_square(4.91, 52.37)]},
        },
    ]
    (root / "geo" / "w.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features})
    )
    regions = [
        ("GM0363", "Amsterdam", "gemeente", ""),
        ("WK036300", "A", "wijk", "GM0363"),
        ("WK036301", "B", "wijk", "GM0363"),
    ]
    write_monitor(root, "boundaries:\n  - file: geo/w.geojson\n    code: WK_CODE\n", regions)
    result = load(root)
    assert [str(w) for w in result.warnings] == [
        "geo/w.geojson: geometry: warning: 1 invalid geometries (self-intersections, "
        "crossing rings) were repaired (WK036300)"
    ]
    repaired = result.shapes["wijk"]["WK036300"]
    assert repaired.is_valid
    assert repaired.geom_type == "MultiPolygon" and len(repaired.geoms) == 2
    assert repaired.area == pytest.approx(2 * 0.5 * 0.01 * 0.005)


def test_unknown_codes_regions_without_shape_and_composites_are_counted(tmp_path):
    rows = g4_regions(("wijk",))
    rows.append(("WK036399", "Niet in 2014", "wijk", "GM0363"))
    rows = [r for r in rows if not r[0].startswith("WK0344")]  # Utrecht's wijken left out
    centrum = [r[0] for r in rows if r[0].startswith("WK03630")][:3]
    areas = textwrap.dedent(
        f"""\
        areas:
          - id: centrum
            name: Centrum
            kind: focus_area
            members: [{", ".join(centrum)}]
          - id: half_in_kaart
            name: Half in kaart
            kind: focus_area
            members: [WK036399, WK059901]
        """
    )
    root = write_monitor(tmp_path / "m", WIJKEN_FILE, rows, areas, geo=("wijken_2014.topojson",))
    result = load(root)
    messages = [str(w) for w in result.warnings]
    # The file has 2,738 wijken; 73 of them are in regions.csv.
    assert (
        "geo/wijken_2014.topojson: code: warning: 2665 codes are not in data/regions.csv "
        "(WK000300, WK000500, WK000700, WK000701, WK000702, ...) and are left off the maps; "
        "normal when the file is of another year than the regions"
    ) in messages
    assert "WK034401" not in result.shapes["wijk"].index
    assert (
        "data/regions.csv: code: warning: 1 regions of level 'wijk' have no shape in "
        "geo/wijken_2014.topojson (WK036399) and are left off the maps; normal when the "
        "boundaries are of another year than the regions"
    ) in messages
    assert (
        "areas.yml: members: warning: 1 areas have members without a shape "
        "(half_in_kaart), so they get no shape of their own: a part would be drawn as the whole"
    ) in messages
    # The focus area is the union of its members' simplified shapes: borders they share
    # vanish, its area is theirs.
    wijken = result.shapes["wijk"]
    dissolved = result.shapes["focus_area"]
    assert list(dissolved.index) == ["centrum"]
    members = wijken.loc[centrum].to_crs(RD_NEW)
    area = dissolved.to_crs(RD_NEW).iloc[0]
    assert area.area == pytest.approx(members.area.sum(), rel=1e-6)
    assert area.symmetric_difference(shapely.union_all(members.to_numpy())).area < 1.0
    topology = json.loads(result.topojson("focus_area"))
    assert [g["id"] for g in topology["objects"]["focus_area"]["geometries"]] == ["centrum"]


# --- simplification keeps borders shared; the TopoJSON -----------------------------------


def _arc_users(topology: dict, level: str) -> dict[int, list[tuple[str, bool]]]:
    """arc -> [(geometry id, reversed)] for every reference in the topology."""
    users: dict[int, list[tuple[str, bool]]] = {}

    def walk(refs, code):
        for ref in refs:
            if isinstance(ref, list):
                walk(ref, code)
            else:
                arc, reverse = (ref, False) if ref >= 0 else (~ref, True)
                users.setdefault(arc, []).append((code, reverse))

    for geometry in topology["objects"][level]["geometries"]:
        walk(geometry["arcs"], geometry["id"])
    return users


def test_neighbours_keep_one_shared_border_after_simplification(tmp_path):
    root = write_monitor(
        tmp_path / "m", WIJKEN_FILE, g4_regions(("wijk",)), geo=("wijken_2014.topojson",)
    )
    result = load(root)
    data = result.topojson("wijk")
    topology = json.loads(data)
    users = _arc_users(topology, "wijk")
    shared = {frozenset(c for c, _ in u) for u in users.values() if len(u) == 2}
    # Every arc is used by one wijk (the outer border) or two, once each way round.
    assert Counter(len(u) for u in users.values()).keys() <= {1, 2}
    assert all(u[0][1] != u[1][1] for u in users.values() if len(u) == 2)
    # Wijken that share a border in the source still do: one arc, used by both.
    source = _read_source("wijken_2014.topojson")
    source = source[_g4(source["statcode"])].set_index("statcode")
    # Pairs of shapes that need no repair: a repair (a spike cut off) can leave a
    # vertex on one side of a border that the other side lacks, and such a border is
    # kept without a gap but as two arcs (see core/boundaries.py).
    source = source[source.is_valid].to_crs(RD_NEW)
    geoms = source.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    neighbours = set()
    for i, j in zip(left, right, strict=True):
        if (
            i < j
            and shapely.length(shapely.intersection(geoms[i].boundary, geoms[j].boundary)) > 200
        ):
            neighbours.add(frozenset((source.index[i], source.index[j])))
    assert len(neighbours) > 150
    assert neighbours <= shared
    # ... and what GDAL decodes has no gap between them: their borders meet along
    # their whole length (a gap would make them meet in points only).
    decoded = gpd.read_file(f"TopoJSON:{_write(tmp_path / 'w.topojson', data)}")
    decoded = decoded.set_crs(4326).set_index("id").to_crs(RD_NEW).geometry
    for pair in sorted(neighbours, key=sorted)[:100]:
        a, b = (decoded[c] for c in sorted(pair))
        assert a.intersection(b).area < 1.0
        assert shapely.length(shapely.intersection(a.boundary, b.boundary)) > 100
    # Exterior rings run clockwise (d3-geo, which Vega draws with).
    exteriors = [p.exterior for g in decoded for p in shapely.get_parts(g)]
    assert sum(not shapely.LinearRing(r).is_ccw for r in exteriors) >= 0.99 * len(exteriors)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_topojson_is_deterministic_and_encodes_exactly():
    a = shapely.Polygon(_square(4.0, 52.0))
    b = shapely.Polygon(_square(4.01, 52.0))
    shapes = gpd.GeoSeries([b, a], index=pd.Index(["B", "A"], name="code"), crs=4326)
    data = topojson_bytes(shapes, "wijk", 0.001)
    assert data == topojson_bytes(shapes.iloc[::-1], "wijk", 0.001)
    topology = json.loads(data)
    assert topology["transform"] == {"scale": [0.001, 0.001], "translate": [4.0, 52.0]}
    geometries = topology["objects"]["wijk"]["geometries"]
    assert [g["id"] for g in geometries] == ["A", "B"]
    # Two squares side by side: the middle edge is one arc, B uses it reversed.
    # Two squares side by side, clockwise: the middle edge is arc 0, going down for A
    # and reversed (~0 = -1) going up for B.
    assert topology["arcs"] == [
        [[10, 10], [0, -10]],
        [[10, 0], [-10, 0], [0, 10], [10, 0]],
        [[10, 10], [10, 0], [0, -10], [-10, 0]],
    ]
    assert geometries[0]["arcs"] == [[0, 1]]
    assert geometries[1]["arcs"] == [[-1, 2]]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "level", "limit"),
    [("wijken_2014.topojson", "wijk", 1.5e6), ("buurten_2014.topojson", "buurt", 5e6)],
)
def test_national_files_fit_their_budget(tmp_path, name, level, limit):
    features = pd.DataFrame(_features(name)).drop_duplicates("statcode")
    parent = "GM" if level == "wijk" else "WK"
    digits = 4 if level == "wijk" else 6
    parents = sorted(set(features["statcode"].str[2 : 2 + digits]))
    rows = [(f"{parent}{p}", p, "gemeente" if level == "wijk" else "wijk", "") for p in parents]
    rows += [
        (c, n, level, f"{parent}{c[2 : 2 + digits]}")
        for c, n in zip(features.statcode, features.statnaam, strict=True)
    ]
    root = write_monitor(
        tmp_path / "m",
        f"boundaries:\n  - file: geo/{name}\n    code: statcode\n",
        rows,
        geo=(name,),
    )
    start = time.perf_counter()
    result = load(root)
    read = time.perf_counter() - start
    start = time.perf_counter()
    data = result.topojson(level)
    write = time.perf_counter() - start
    shapes = len(result.shapes[level])
    print(
        f"\n{name}: {shapes} shapes, {len(data) / 1e6:.2f} MB; read+repair+simplify {read:.1f} s, write {write:.1f} s"
    )
    assert shapes > 0.85 * len(features)
    assert len(data) < limit
    assert data == result.topojson(level)
