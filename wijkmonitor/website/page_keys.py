"""Keys of what pages are made of, so a build can take unchanged pages from the previous
one (``page_store.py``, issue 13). Pure: digests of values, never of dates or paths.

A page's key must change whenever anything its bytes depend on changes; a key that
changes more often only costs time. So the keys are coarse: the region pages (area and
gemeente pages) share one key for the results and the monitor they are made of, with
only the indicator texts they never show left out (``generate.REGION_PAGES_SKIP``), plus
the page's address and the sections plugins add to it. One refinement: a region page
that reads the figures of one gemeente's regions only (``generate.region_cluster``) is
keyed on everything but the figures (``region_frame``) and on that gemeente's figures
(``cluster_digests``), so a changed figure remakes one gemeente's pages, not all 17,000.
The site adapter adds what the rendering depends on (``mkdocs_build.render_key``: its
configuration, theme and versions).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from wijkmonitor.core.compute import Results
from wijkmonitor.core.monitor import Monitor
from wijkmonitor.core.pluginmanager import plugin_manager

# The libraries a page's Markdown is made with (its figures, charts, maps).
LIBRARIES = ("numpy", "pandas", "pyarrow", "altair", "pydantic", "shapely", "geopandas")


def digest(*parts: bytes | str) -> str:
    """One key for the parts, each length-prefixed (so ("ab", "c") is not ("a", "bc"))."""
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def frame_digest(frame: pd.DataFrame) -> str:
    """The rows of a table by value (categories by their text), its columns and types."""
    columns = json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()])
    rows = pd.util.hash_pandas_object(frame, index=True).to_numpy()
    return digest(columns, rows.tobytes())


def plain(value: Any) -> str:
    """Text for what JSON has no form for: a function or class by its name (its repr
    holds an address, different in every process), anything else as str()."""
    name = getattr(value, "__qualname__", None)
    if callable(value) and name:
        return f"{getattr(value, '__module__', '')}.{name}"
    return str(value)


def json_text(value: Any) -> str:
    """``value`` as JSON with sorted keys, what JSON has no form for as ``plain`` text."""
    return json.dumps(value, sort_keys=True, default=plain, ensure_ascii=False)


def folder_parts(folders: Iterable[Path]) -> list[bytes | str]:
    """Every file under ``folders`` (compiled Python left out) as its relative path and
    its bytes, in a fixed order: the parts of a key of what the folders hold."""
    parts: list[bytes | str] = []
    for folder in sorted(set(folders)):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return parts


def code_key() -> str:
    """The code that makes pages: wijkmonitor's own files, every registered plugin's
    package, the plugins' distributions and the libraries' versions."""
    import wijkmonitor
    import wijkmonitor.core

    folders = [Path(wijkmonitor.__file__).parent, Path(wijkmonitor.core.__file__).parent]
    pm = plugin_manager()
    for _name, plugin in pm.list_name_plugin():
        module = sys.modules.get(getattr(plugin, "__name__", ""))
        where = getattr(module, "__file__", None)
        if where:  # the plugin's whole folder: its helpers make pages too
            folders.append(Path(where).parent)
    versions = [f"{n}=={importlib.metadata.version(n)}" for n in LIBRARIES]
    versions += sorted(f"{d.project_name}=={d.version}" for _p, d in pm.list_plugin_distinfo())
    return digest(sys.version, json_text(versions), *folder_parts(folders))


def _boundaries(monitor: Monitor) -> list[bytes | str]:
    if monitor.boundaries is None:
        return ["no boundaries"]
    parts: list[bytes | str] = []
    for level, shapes in sorted(monitor.boundaries.shapes.items()):
        wkb = shapes.to_wkb()
        parts += [level, json_text([str(c) for c in shapes.index]), *wkb.tolist()]
    return parts


class ResultsKeys(NamedTuple):
    downloads: str  # the results' CSV files (core/output.py)
    region_pages: str  # every region page
    # Every region page of a cluster (``cluster_digests``) besides its cluster's figures:
    # region_pages without the figures, with which figures there are (STRUCTURE).
    region_frame: str


# The columns of the results that say which figures there are and where they come from,
# not what they are: a changed figure leaves them as they were.
STRUCTURE = ("indicator", "region", "reference_region", "period", "derived_from", "data_source")


def results_keys(
    results: Results,
    skip: Iterable[str],
    build_date: date | None,
    pdf_profiles: bool,
) -> ResultsKeys:
    """What the downloads of the results are made of, and what every region page is: the
    results and the monitor, its indicators without the fields ``skip`` (texts only an
    indicator's own pages show). Some 0.3 s at national size (a million rows)."""
    monitor = results.monitor
    code = code_key()
    values, changes = frame_digest(results.values), frame_digest(results.changes)
    downloads = digest(code, values, changes, json_text(monitor.synthetic))
    skip = set(skip)
    indicators = {
        i: {**ind.model_dump(mode="json", exclude=skip), "source_file": ind.source_file}
        for i, ind in monitor.indicators.items()
    }
    common = [
        code,
        json_text(monitor.config.model_dump(mode="json")),
        json_text({t: theme.model_dump(mode="json") for t, theme in monitor.themes.items()}),
        json_text(indicators),
        json_text(monitor.inputs),
        json_text(monitor.area_members),
        frame_digest(monitor.regions),
        frame_digest(monitor.membership),
        *_boundaries(monitor),
        json_text([build_date.isoformat() if build_date else None, pdf_profiles]),
    ]
    # The warnings of the check: no page shows them, but they are kept in this key, the
    # conservative one (a changed figure may add one: a wijk's own count against its
    # buurten's sum, methods §13), and left out of the clusters' (it would change them all).
    warnings = json_text([str(w) for w in monitor.warnings])
    region_pages = digest(*common, warnings, frame_digest(monitor.data), values, changes)
    structure = [c for c in STRUCTURE if c in results.values.columns]
    region_frame = digest(
        *common,
        frame_digest(results.values[structure]),
        frame_digest(results.changes[[c for c in STRUCTURE if c in results.changes.columns]]),
    )
    return ResultsKeys(downloads, region_pages, region_frame)


def _cluster_codes(region: pd.Series, cluster_of: dict[str, str]) -> tuple[np.ndarray, Any]:
    """Per row, the number of its region's cluster (-1 for none), and the clusters: looked
    up once per distinct region (a million rows, 17,000 regions at national size)."""
    if not isinstance(region.dtype, pd.CategoricalDtype):
        region = region.astype(str).astype("category")
    distinct = region.cat.categories.astype(str).to_numpy(dtype=object)
    per_region, names = pd.factorize(pd.Series(distinct, dtype=object).map(cluster_of))
    row_regions = region.cat.codes.to_numpy()  # -1: a missing region (none)
    codes = np.where(row_regions >= 0, np.append(per_region, -1)[row_regions], -1)
    return codes, names


def cluster_digests(
    results: Results, cluster_of: dict[str, str], spine: pd.DataFrame
) -> dict[str, str]:
    """Per cluster of regions (``cluster_of``: region code -> cluster), the figures its
    region pages read: its regions' rows of the results' values and changes and of the
    ``spine`` table (every column, in their order; a spine row holds the spread of its
    whole comparable group, so a changed figure that moves the spread changes every
    cluster's digest). Pure: the same results, the same digests."""
    parts: dict[str, list[bytes | str]] = {c: [] for c in sorted(set(cluster_of.values()))}
    for frame in (results.values, results.changes, spine):
        hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy()
        codes, names = _cluster_codes(frame["region"], cluster_of)  # -1: in no cluster
        order = np.argsort(codes, kind="stable")  # each cluster's rows in their order
        bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
        spans = {str(name): (bounds[i], bounds[i + 1]) for i, name in enumerate(names)}
        for cluster, found in parts.items():  # a cluster without rows here: no bytes
            start, end = spans.get(cluster, (0, 0))
            found.append(hashes[order[start:end]].tobytes())
    return {cluster: digest(*found) for cluster, found in parts.items()}


def page_key(group: str, path: str, extra: str) -> str:
    """One page's key: its group's, its docs path and what plugins add to it."""
    return digest(group, path, extra)
