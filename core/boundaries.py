"""Region boundaries from real files: read, repair, simplify, dissolve, write TopoJSON.

``monitor.yml`` lists boundary files (``boundaries:``, :class:`BoundaryFile`)::

    boundaries:
      - file: geo/wijken.topojson   # GeoJSON, TopoJSON, GeoPackage or Shapefile, any CRS
        code: WK_CODE               # the property that holds the region code
        layer: wijk_2020            # optional: the object or layer of a multi-layer file

:func:`read_boundaries` turns them into one simplified shape per region, per level:

1. **Read** with GDAL (pyogrio), the way CBS publishes them (GeoPackage and Shapefile
   in RD New, EPSG:28992), and reproject to longitude/latitude (EPSG:4326, pyproj). A
   GeoJSON or TopoJSON file without a CRS is longitude/latitude (RFC 7946, TopoJSON
   spec); any other file without a known CRS is an error: guessing one would put every
   shape in the wrong place.
2. **Repair** invalid geometries (``make_valid``) and count them in a warning.
3. **Match** the codes with ``data/regions.csv``. Boundary files and region lists of
   different years are normal, so codes without a region and regions without a shape
   are counted in warnings, never fatal.
4. **Simplify** each level as a coverage (``shapely.coverage_simplify``): the border
   two neighbours share is simplified once, so it stays shared — no gaps, no overlaps.
5. **Dissolve** each composite area (``areas.yml``) from its members' simplified
   shapes, when every member has one.
6. **Write** one TopoJSON per level (:func:`topojson_bytes`), which every map of the
   site refers to by URL, never inlined per page.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import CRSError, DataLayerError, DataSourceError
from pyproj import CRS
from pyproj.exceptions import CRSError as ProjCRSError

from wijkmonitor.core.inputfiles import input_problem
from wijkmonitor.core.model import BoundaryFile, MonitorConfig
from wijkmonitor.core.problems import Problem, ProblemsError
from wijkmonitor.core.yamlfile import LocatedYaml, load_yaml

# The file types read, by suffix; anything else GDAL might open is refused, so what a
# monitor accepts is what this list says.
FORMATS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".topojson": "TopoJSON",
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
}
FORMAT_LIST = (
    "GeoJSON (.geojson, .json), TopoJSON (.topojson), GeoPackage (.gpkg), Shapefile (.shp)"
)
# Formats whose specification fixes longitude/latitude when no CRS is given.
LONLAT_BY_DEFAULT = ("GeoJSON", "TopoJSON")
WGS84 = "EPSG:4326"

# How far (in metres) a simplified border may stray from the real one, per level: a
# gemeente is drawn on a national map, a buurt on a map of its gemeente. With these the
# national files stay small (about 3,300 wijken well under 1.5 MB, 13,000 buurten
# under 5 MB; tests/test_boundaries.py measures it).
SIMPLIFY_METRES = {"gemeente": 200.0, "wijk": 40.0, "buurt": 15.0, "pc4": 40.0}
DEFAULT_SIMPLIFY_METRES = 40.0
# The TopoJSON grid is this fraction of the simplification tolerance: fine enough that
# rounding to it moves no border visibly, coarse enough to keep the numbers short.
GRID_FRACTION = 0.2
# Degrees of latitude are 111.32 km everywhere; tolerances and the grid are converted
# with it (a degree of longitude is shorter, so there they are a little finer).
METRES_PER_DEGREE = 111_320.0
# Examples listed in a warning.
SHOWN = 5


@dataclass
class Boundaries:
    """The simplified shapes of a monitor, per level, in longitude/latitude.

    ``shapes`` maps a level (``wijk``, ``buurt``, ``focus_area``, ...) to a GeoSeries of
    (Multi)Polygons indexed by region code, sorted by code. ``warnings`` are
    ``Problem(..., warning=True)``: they publish no wrong shape, but the publisher
    should know (repaired geometries, codes without a region, regions without a shape).
    """

    shapes: dict[str, gpd.GeoSeries] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    def topojson(self, level: str) -> bytes:
        """The TopoJSON of one level (object name = the level), on its level's grid."""
        grid = _simplify_metres(level) * GRID_FRACTION / METRES_PER_DEGREE
        return topojson_bytes(self.shapes[level], level, grid)


def read_boundaries(
    root: Path, config: MonitorConfig, regions: pd.DataFrame, membership: pd.DataFrame
) -> Boundaries:
    """Read, repair, match, simplify and dissolve every boundary file of ``config``.

    ``regions`` and ``membership`` are ``core.regions.build_regions``'s tables. Raises
    one ProblemsError with every problem (a missing or unreadable file, an unknown code
    property, layer or CRS, one region shaped by two files)."""
    root = Path(root)
    locator = _Locator(root)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    read: list[tuple[str, gpd.GeoSeries]] = []
    for index, entry in enumerate(config.boundaries):
        try:
            display, shapes, file_warnings = read_boundary_file(
                root, entry, index, locator, wanted=regions.index
            )
        except ProblemsError as exc:
            problems += exc.problems
            continue
        read.append((display, shapes))
        warnings += file_warnings
    problems += _shaped_twice(read)
    if problems:
        raise ProblemsError(problems)

    level = regions["level"]
    by_level: dict[str, list[gpd.GeoSeries]] = {}
    for _display, shapes in read:  # only codes of data/regions.csv (read_boundary_file)
        for lvl, part in shapes.groupby(level.reindex(shapes.index).to_numpy(), sort=True):
            by_level.setdefault(str(lvl), []).append(part)

    simplified = {
        lvl: simplify_coverage(pd.concat(parts).sort_index(), _simplify_metres(lvl))
        for lvl, parts in sorted(by_level.items())
    }
    warnings += _regions_without_shape(regions, simplified, [d for d, _ in read])
    dissolved, partial = dissolve_areas(simplified, regions, membership)
    for lvl, shapes in dissolved.items():
        own = simplified.get(lvl)
        simplified[lvl] = shapes if own is None else pd.concat([own, shapes]).sort_index()
    if partial:
        message = (
            f"{len(partial)} areas have members without a shape ({_few(partial)}), so they "
            "get no shape of their own: a part would be drawn as the whole"
        )
        warnings.append(Problem("areas.yml", None, "members", message, warning=True))
    return Boundaries(simplified, warnings)


def _simplify_metres(level: str) -> float:
    return SIMPLIFY_METRES.get(level, DEFAULT_SIMPLIFY_METRES)


class _Locator:
    """Problems located in monitor.yml (``monitor.yml:7: boundaries.0.code: ...``); the
    file is read again only when there is a problem to locate."""

    def __init__(self, root: Path):
        self.root = root
        self._doc: LocatedYaml | None = None

    def problem(self, index: int, key: str | None, message: str) -> Problem:
        if self._doc is None:
            self._doc = load_yaml(self.root / "monitor.yml", "monitor.yml")
        loc = ("boundaries", index) if key is None else ("boundaries", index, key)
        return self._doc.problem(loc, message)


def read_boundary_file(
    root: Path,
    entry: BoundaryFile,
    index: int,
    locator: _Locator | None = None,
    wanted: pd.Index | None = None,
) -> tuple[str, gpd.GeoSeries, list[Problem]]:
    """One boundary file: (its display path, valid polygonal shapes in EPSG:4326 indexed
    by code and sorted, warnings). Features that share a code are joined into one. With
    ``wanted`` (the codes of data/regions.csv) only those features are kept, counted in a
    warning, and repaired: a national file read for four gemeenten repairs their shapes,
    not the country's."""
    locator = locator or _Locator(root)

    def config_error(key: str | None, message: str) -> ProblemsError:
        return ProblemsError([locator.problem(index, key, message)])

    display = entry.file
    path = _inside(root, entry.file)
    if path is None:
        raise config_error(
            "file", f"{entry.file!r} lies outside the monitor directory; give a relative path"
        )
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise config_error("file", f"{entry.file!r} is not a boundary file: use {FORMAT_LIST}")
    if not os.path.lexists(path):
        raise config_error(
            "file", f"{entry.file} does not exist (relative to the monitor directory)"
        )
    problem = input_problem(path, display)
    if problem is not None:
        raise ProblemsError([problem])
    if fmt == "GeoJSON" and _is_topology(path):
        fmt = "TopoJSON"
    # GDAL recognises a TopoJSON file by its content only when "type": "Topology" comes
    # early; written by most tools it comes last, so the driver is named.
    source = f"TopoJSON:{path}" if fmt == "TopoJSON" else str(path)

    def unreadable(exc: Exception) -> ProblemsError:
        reason = str(exc).replace(str(path), display).split(";")[0]
        message = f"cannot be read as {fmt}: {reason}"
        return ProblemsError([Problem(display, None, "file", message)])

    try:
        layers = [str(name) for name in pyogrio.list_layers(source)[:, 0]]
    except (DataSourceError, DataLayerError, OSError) as exc:
        raise unreadable(exc) from None
    if entry.layer is not None and entry.layer not in layers:
        kind = "object" if fmt == "TopoJSON" else "layer"
        message = (
            f"{entry.layer!r} is not {_a(kind)} of {display}; its {kind}s: {', '.join(layers)}"
        )
        raise config_error("layer", message)
    if entry.layer is None and len(layers) > 1:
        kind = "object" if fmt == "TopoJSON" else "layer"
        message = (
            f"{display} holds {len(layers)} {kind}s ({', '.join(layers)}); "
            f"name the one to read with `layer:`"
        )
        raise config_error(None, message)
    layer = entry.layer if entry.layer is not None else (layers[0] if layers else None)
    try:
        info = pyogrio.read_info(source, layer=layer)
    except CRSError:
        info = None  # an unreadable .prj: reported as an unknown CRS below
    except (DataSourceError, DataLayerError, OSError) as exc:
        raise unreadable(exc) from None
    if info is not None:
        properties = [str(f) for f in info["fields"]]
        if entry.code not in properties:
            where = f"{display} ({'object' if fmt == 'TopoJSON' else 'layer'} {layer!r})"
            listed = ", ".join(properties[:30]) + (", ..." if len(properties) > 30 else "")
            message = f"{entry.code!r} is not a property of {where}; its properties: {listed}"
            raise config_error("code", message)
    declared = info["crs"] if info is not None else None
    if fmt == "GeoJSON":
        # GDAL reads a "crs" member it does not know as longitude/latitude, silently.
        named = _geojson_crs_name(path)
        if named is not None:
            declared = named
    crs = _crs(declared, fmt, display, path)
    try:
        frame = pyogrio.read_dataframe(source, layer=layer, columns=[entry.code])
    except CRSError:
        frame = None
    except (DataSourceError, DataLayerError, OSError, ValueError) as exc:
        raise unreadable(exc) from None
    if frame is None:
        raise ProblemsError([_unknown_crs(display, path)])
    frame = frame.set_crs(crs, allow_override=True)
    if not frame.crs.equals(CRS.from_user_input(WGS84)):
        frame = frame.to_crs(WGS84)
    return (display, *_clean(frame, entry.code, display, wanted))


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _inside(root: Path, name: str) -> Path | None:
    """``root / name`` when it stays inside the monitor directory (a monitor is one
    directory that builds anywhere), else None."""
    if os.path.isabs(name):
        return None
    path = root / name
    if os.path.relpath(os.path.normpath(path), os.path.normpath(root)).startswith(".."):
        return None
    return path


def _ends(path: Path, head_bytes: int = 4096, tail_bytes: int = 4096) -> tuple[bytes, bytes]:
    """The first and last bytes of a file: where a JSON file's top-level members stand
    that are written before or after its (long) list of features."""
    with open(path, "rb") as file:
        head = file.read(head_bytes)
        file.seek(max(0, os.fstat(file.fileno()).st_size - tail_bytes))
        return head, file.read()


def _is_topology(path: Path) -> bool:
    """Whether a .json file is TopoJSON: its top-level ``"type"`` is ``Topology`` (at
    the start or, as most tools write it, at the end)."""
    return any(b'"Topology"' in part for part in _ends(path))


_CRS_MEMBER = re.compile(
    rb'"crs"\s*:\s*\{[^{}]*"properties"\s*:\s*\{[^{}]*"name"\s*:\s*"([^"]*)"', re.DOTALL
)


def _geojson_crs_name(path: Path) -> str | None:
    """The name in a GeoJSON file's top-level ``crs`` member (GeoJSON 2008), or None.
    It stands before ``"features"`` or after the feature list, at the end of the file."""
    head, tail = _ends(path, head_bytes=65536)
    head = head.split(b'"features"', 1)[0]
    tail = tail.rsplit(b"]", 1)[-1]
    for part in (head, tail):
        match = _CRS_MEMBER.search(part)
        if match is not None:
            return match.group(1).decode("utf-8", errors="replace")
    return None


def _unknown_crs(display: str, path: Path) -> Problem:
    prj = path.with_suffix(".prj")
    if path.suffix.lower() == ".shp" and prj.exists():
        where = f"the file {prj.name} beside it names none that PROJ knows"
    elif path.suffix.lower() == ".shp":
        where = f"there is no file {prj.name} beside it"
    else:
        where = "the file names none that PROJ knows"
    message = (
        f"the coordinate reference system is unknown ({where}); save the file with its "
        "CRS, e.g. EPSG:28992 (RD New) or EPSG:4326 (longitude/latitude)"
    )
    return Problem(display, None, "crs", message)


def _crs(declared: str | None, fmt: str, display: str, path: Path) -> CRS:
    if declared is None:
        if fmt in LONLAT_BY_DEFAULT:
            return CRS.from_user_input(WGS84)
        raise ProblemsError([_unknown_crs(display, path)])
    try:
        return CRS.from_user_input(declared)
    except ProjCRSError:
        raise ProblemsError([_unknown_crs(display, path)]) from None


def _clean(
    frame: gpd.GeoDataFrame, code: str, display: str, wanted: pd.Index | None = None
) -> tuple[gpd.GeoSeries, list[Problem]]:
    """Valid (Multi)Polygons by code (of ``wanted`` only, when given), with warnings for
    what was left out, repaired or skipped."""
    warnings: list[Problem] = []
    geoms = frame.geometry.to_numpy()
    codes = frame[code]
    if pd.api.types.is_float_dtype(codes) and (codes.dropna() % 1 == 0).all():
        codes = codes.astype("Int64")  # PC4 codes stored as numbers: 1024, not "1024.0"
    codes = codes.astype("string").str.strip()
    bounds = shapely.total_bounds(geoms)
    if np.isfinite(bounds).all() and (
        bounds[0] < -180 or bounds[2] > 180 or bounds[1] < -90 or bounds[3] > 90
    ):
        message = (
            f"coordinates reach {bounds[2]:.0f}, {bounds[3]:.0f}, which is not longitude/"
            "latitude: the file's CRS is wrong or missing (GeoJSON without a CRS must be "
            "EPSG:4326; save the file with its real CRS, e.g. EPSG:28992)"
        )
        raise ProblemsError([Problem(display, None, "crs", message)])
    # Polygon, MultiPolygon, or a GeometryCollection that may hold some.
    polygonal = np.isin(shapely.get_type_id(geoms), (3, 6, 7))
    no_code = codes.isna().to_numpy() | (codes.fillna("") == "").to_numpy()
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if no_code.any():
        message = f"{int(no_code.sum())} features have no {code} and are left out"
        warnings.append(Problem(display, None, code, message, warning=True))
    if wanted is not None:
        unknown_rows = ~no_code & ~codes.isin(wanted).to_numpy()
        if unknown_rows.any():
            unknown = sorted(set(codes[unknown_rows]))
            message = (
                f"{len(unknown)} codes are not in data/regions.csv ({_few(unknown)}) and are "
                "left off the maps; normal when the file is of another year than the regions"
            )
            warnings.append(Problem(display, None, "code", message, warning=True))
            geoms, codes = geoms[~unknown_rows], codes[~unknown_rows]
            polygonal, empty = polygonal[~unknown_rows], empty[~unknown_rows]
            no_code = no_code[~unknown_rows]
    skipped_type = ~polygonal & ~empty & ~no_code
    if skipped_type.any():
        message = (
            f"{int(skipped_type.sum())} features are points or lines, not areas, and are left out"
        )
        warnings.append(Problem(display, None, "geometry", message, warning=True))
    keep = polygonal & ~empty & ~no_code
    geoms, codes = geoms[keep], codes[keep].to_numpy(dtype=object)
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        # "structure" keeps the area a ring encloses (a bow-tie stays two triangles).
        geoms[invalid] = shapely.make_valid(
            geoms[invalid], method="structure", keep_collapsed=False
        )
        repaired = sorted(str(c) for c in codes[invalid])
        message = (
            f"{len(repaired)} invalid geometries (self-intersections, crossing rings) were "
            f"repaired ({_few(repaired)})"
        )
        warnings.append(Problem(display, None, "geometry", message, warning=True))
    geoms = np.array([_polygonal(g) for g in geoms], dtype=object)
    has_area = ~shapely.is_empty(geoms)
    if not has_area.all():
        collapsed = sorted(str(c) for c in codes[~has_area])
        message = (
            f"{len(collapsed)} shapes enclose no area (collapsed lines, often from rounding "
            f"in the file) and are left out ({_few(collapsed)})"
        )
        warnings.append(Problem(display, None, "geometry", message, warning=True))
    series = gpd.GeoSeries(geoms[has_area], index=pd.Index(codes[has_area], name="code"), crs=WGS84)
    if series.index.has_duplicates:
        # Some files store a region in several parts (one feature per island).
        series = gpd.GeoSeries(
            series.groupby(level=0).agg(lambda parts: shapely.union_all(parts.to_numpy())),
            crs=WGS84,
        )
    return series.sort_index(), warnings


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygonal part of ``geom`` (make_valid may leave lines beside the area)."""
    if isinstance(geom, shapely.Polygon | shapely.MultiPolygon):
        return geom
    parts = [
        p for p in shapely.get_parts(geom) if isinstance(p, shapely.Polygon | shapely.MultiPolygon)
    ]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


def _few(codes: list[str]) -> str:
    shown = ", ".join(codes[:SHOWN])
    return f"{shown}, ..." if len(codes) > SHOWN else shown


def _shaped_twice(read: list[tuple[str, gpd.GeoSeries]]) -> list[Problem]:
    """A region with a shape in two files: which one a map would show is a guess."""
    problems, first_file = [], {}
    for display, shapes in read:
        clashes: dict[str, list[str]] = {}
        for code in shapes.index:
            if code in first_file:
                clashes.setdefault(first_file[code], []).append(code)
            else:
                first_file[code] = display
        for other, codes in clashes.items():
            message = (
                f"{len(codes)} codes also have a shape in {other} ({_few(codes)}); give "
                "each region's shape in one file"
            )
            problems.append(Problem(display, None, "code", message))
    return problems


def _regions_without_shape(
    regions: pd.DataFrame, shapes: dict[str, gpd.GeoSeries], files: list[str]
) -> list[Problem]:
    """Regions at a level some file maps, but without a shape of their own."""
    warnings = []
    base = regions[regions["kind"] == "base"] if "kind" in regions else regions
    for lvl, series in shapes.items():
        codes = base.index[(base["level"] == lvl).to_numpy()]
        missing = sorted(str(c) for c in codes.difference(series.index))
        if missing:
            message = (
                f"{len(missing)} regions of level {lvl!r} have no shape in "
                f"{', '.join(files)} ({_few(missing)}) and are left off the maps; normal "
                "when the boundaries are of another year than the regions"
            )
            warnings.append(Problem("data/regions.csv", None, "code", message, warning=True))
    return warnings


def simplify_coverage(shapes: gpd.GeoSeries, metres: float) -> gpd.GeoSeries:
    """``shapes`` (one level, a coverage: no overlaps) simplified so that a border two
    shapes share is simplified once and stays shared; ``metres`` is the tolerance.

    A border is shared when both sides have the same vertices along it, as in a CBS
    file. Where a repair changed one side (a spike cut off leaves a vertex the other
    side lacks), the two sides are simplified each on their own: they still meet
    without a gap where the border ran straight, but as two arcs in the TopoJSON."""
    geoms = shapes.to_numpy()
    simplified = shapely.coverage_simplify(
        geoms, metres / METRES_PER_DEGREE, simplify_boundary=True
    )
    return gpd.GeoSeries(simplified, index=shapes.index, crs=shapes.crs)


def dissolve_areas(
    shapes: dict[str, gpd.GeoSeries], regions: pd.DataFrame, membership: pd.DataFrame
) -> tuple[dict[str, gpd.GeoSeries], list[str]]:
    """Shapes of composite areas, per area level, as the union of their base members'
    shapes; and the areas left without one because a member has no shape. An area
    with a shape of its own (in a boundary file) keeps it."""
    known = pd.concat(list(shapes.values())) if shapes else gpd.GeoSeries(dtype=object)
    kind = regions["kind"] if "kind" in regions else pd.Series("base", index=regions.index)
    areas = regions.index[(kind != "base").to_numpy()]
    areas = areas.difference(known.index)
    result: dict[str, dict[str, shapely.Geometry]] = {}
    partial: list[str] = []
    members = membership[membership["region"].isin(areas)]
    for area, group in members.groupby("region", sort=True):
        base = group["base"].to_numpy()
        have = np.isin(base, known.index)
        if not have.any():
            continue  # no member is mapped: nothing to say beyond the level warnings
        if not have.all():
            partial.append(str(area))
            continue
        union = shapely.union_all(known.loc[base].to_numpy())
        result.setdefault(str(regions.at[area, "level"]), {})[str(area)] = _polygonal(union)
    dissolved = {
        lvl: gpd.GeoSeries(pd.Series(geoms).sort_index(), crs=WGS84).rename_axis("code")
        for lvl, geoms in sorted(result.items())
    }
    return dissolved, partial


def topojson_bytes(shapes: gpd.GeoSeries, name: str, grid: float) -> bytes:
    """A TopoJSON topology with one object ``name`` holding ``shapes`` (EPSG:4326,
    indexed by code, which becomes each geometry's ``id``).

    Coordinates are rounded to a grid of ``grid`` degrees (the ``transform``) and
    arcs are delta-encoded. A border shared by two shapes is one arc, referenced by
    both (one of them reversed): that is what makes TopoJSON small, and it shows that
    neighbours still share their border. Exterior rings run clockwise, holes
    anticlockwise, as d3-geo (Vega) draws them. Deterministic: geometries in code
    order, arcs in order of first use, so the same shapes give the same bytes. A ring
    that rounding collapses (under three grid points or no area) is left out, a shape
    without rings too.
    """
    if not len(shapes):
        translate = [0.0, 0.0]
        collection: list[dict] = []
        arcs_out: list = []
        return _dump(name, grid, translate, None, collection, arcs_out)
    shapes = shapes.sort_index()
    geoms = shapely.orient_polygons(shapes.to_numpy(), exterior_cw=True)
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    tx, ty = math.floor(minx / grid) * grid, math.floor(miny / grid) * grid

    # Every ring as integer grid points, without its closing point or repeats.
    rings: list[np.ndarray] = []  # (n, 2) int64
    layout: list[tuple[str, list[list[int]]]] = []  # code -> polygons -> ring numbers
    for code, geom in zip(shapes.index, geoms, strict=True):
        polygons = []
        for polygon in shapely.get_parts(geom):
            numbers = []
            for k, ring in enumerate([polygon.exterior, *polygon.interiors]):
                points = _grid_ring(shapely.get_coordinates(ring), tx, ty, grid)
                if points is None:
                    if k == 0:
                        break  # no exterior, no polygon
                    continue
                numbers.append(len(rings))
                rings.append(points)
            if numbers:
                polygons.append(numbers)
        if polygons:
            layout.append((str(code), polygons))

    keys = [(r[:, 0] << 32) | r[:, 1] for r in rings]
    junctions = _junctions(keys)
    if keys:
        cut_at = np.split(
            np.isin(np.concatenate(keys), junctions), np.cumsum([len(k) for k in keys])[:-1]
        )
    else:
        cut_at = []
    arcs: dict[tuple[int, ...], int] = {}
    arc_list: list[tuple[int, ...]] = []

    def arc_index(seq: tuple[int, ...]) -> int:
        found = arcs.get(seq)
        if found is not None:
            return found
        found = arcs.get(seq[::-1])
        if found is not None:
            return ~found
        arcs[seq] = len(arc_list)
        arc_list.append(seq)
        return arcs[seq]

    ring_arcs: list[list[int]] = []
    for ring, is_junction in zip(keys, cut_at, strict=True):
        at = np.flatnonzero(is_junction)
        if len(at) == 0:
            # A ring nobody else cuts (an island, or an enclave and the hole around it):
            # one closed arc, started at its smallest point so both sides find it.
            forward = np.roll(ring, -int(np.argmin(ring)))
            seq = tuple(forward.tolist()) + (int(forward[0]),)
            ring_arcs.append([arc_index(seq)])
            continue
        rolled = np.roll(ring, -int(at[0])).tolist()
        rolled.append(rolled[0])
        cuts = [int(a - at[0]) for a in at] + [len(ring)]
        ring_arcs.append(
            [arc_index(tuple(rolled[a : b + 1])) for a, b in zip(cuts, cuts[1:], strict=False)]
        )

    collection = []
    for code, polygons in layout:
        refs = [[ring_arcs[n] for n in numbers] for numbers in polygons]
        if len(refs) == 1:
            collection.append({"type": "Polygon", "id": code, "arcs": refs[0]})
        else:
            collection.append({"type": "MultiPolygon", "id": code, "arcs": refs})
    arcs_out = []
    for seq in arc_list:
        points = np.array(seq, dtype=np.int64)
        xy = np.column_stack([points >> 32, points & 0xFFFFFFFF])
        xy[1:] = np.diff(xy, axis=0)
        arcs_out.append(xy.tolist())
    bbox = [minx, miny, maxx, maxy]
    return _dump(name, grid, [tx, ty], bbox, collection, arcs_out)


def _dump(name, grid, translate, bbox, collection, arcs) -> bytes:
    topology: dict = {"type": "Topology"}
    if bbox is not None:
        topology["bbox"] = [round(v, 6) for v in bbox]
    topology["transform"] = {"scale": [grid, grid], "translate": translate}
    topology["objects"] = {name: {"type": "GeometryCollection", "geometries": collection}}
    topology["arcs"] = arcs
    return json.dumps(topology, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _grid_ring(coords: np.ndarray, tx: float, ty: float, grid: float) -> np.ndarray | None:
    """A ring's points on the grid, closing point and repeats dropped; None when
    rounding collapses it (under three points, or no area left)."""
    points = np.column_stack(
        [np.round((coords[:, 0] - tx) / grid), np.round((coords[:, 1] - ty) / grid)]
    ).astype(np.int64)
    keep = np.ones(len(points), dtype=bool)
    keep[1:] = (np.diff(points, axis=0) != 0).any(axis=1)
    points = points[keep]
    if len(points) > 1 and (points[0] == points[-1]).all():
        points = points[:-1]
    if len(points) < 3:
        return None
    x, y = points[:, 0], points[:, 1]
    if int(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) == 0:
        return None
    return points


def _junctions(keys: list[np.ndarray]) -> np.ndarray:
    """Grid points where arcs must start or end: points whose rings do not all run to
    the same two neighbours (where three shapes meet, or a border stops being shared)."""
    if not keys:
        return np.array([], dtype=np.int64)
    point = np.concatenate(keys)
    before = np.concatenate([np.roll(k, 1) for k in keys])
    after = np.concatenate([np.roll(k, -1) for k in keys])
    pairs = np.unique(
        np.column_stack([np.concatenate([point, point]), np.concatenate([before, after])]), axis=0
    )
    points, counts = np.unique(pairs[:, 0], return_counts=True)
    return points[counts != 2]
