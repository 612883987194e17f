"""Import a CBS table through the StatLine OData v3 API (client: ``cbsodata``).

What is read, each through :func:`cbsodata.get_meta` / :func:`cbsodata.get_info`
(``https://opendata.cbs.nl/ODataFeed/odata/<table>/<name>?$format=json``, following
``odata.nextLink`` pages):

- ``TableInfos``: title of the table (for the summary);
- ``DataProperties``: the columns. ``GeoDimension`` (e.g. ``WijkenEnBuurten``) holds the
  region, ``TimeDimension`` (``Perioden``) the period; every numeric ``Topic`` becomes a
  variable. Its title is rebuilt as the CSV export writes it -- the ``TopicGroup``
  path, the topic title and the unit (``SES-WOA/Totaalscore/Gemiddelde score (Getal)``)
  -- so the CSV and the API give the same variable ids (:mod:`.naming`);
- the dimension tables (``WijkenEnBuurten``: Key ``GM0363    `` -> Title ``Amsterdam``;
  ``Perioden``: Key ``2019JJ00``);
- ``TypedDataSet`` (default): numbers, ``null`` where there is no figure. The API does
  not say *why* a cell is empty, so ``null`` becomes value NaN with status ``.``
  (a secret ``x`` cannot be told apart). ``UntypedDataSet`` (``dataset=``) gives the
  cells as text, parsed like the CSV export, so any symbols it carries are kept.

``cbsodata.get_data`` is not used: it replaces the dimension keys by their titles (the
region code would be lost; buurt names are not unique) and downloads every metadata
table of the table.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import cbsodata
import pandas as pd
import requests

from wijkmonitor.core.problems import Problem, ProblemsError
from wijkmonitor.core.tidy import COLUMNS as TIDY_COLUMNS
from wijkmonitor.core.tidy import NOT_AVAILABLE, SOURCE
from wijkmonitor.importers.cells import parse_cells
from wijkmonitor.importers.naming import variable_ids
from wijkmonitor.importers.tidy import (
    ImportResult,
    check_regions_and_periods,
    duplicate_problems,
    located_problems,
    raise_if,
    regions_frame,
)

DEFAULT_CATALOG = "opendata.cbs.nl"
NUMERIC_TYPES = {"Double", "Float", "Decimal", "Long", "Integer", "Short", "Int32", "Int64"}


@contextmanager
def _scheme(use_https: bool) -> Iterator[None]:
    """cbsodata keeps http/https as a global option: set it for one import only."""
    old = cbsodata.options.use_https
    cbsodata.options.use_https = use_https
    try:
        yield
    finally:
        cbsodata.options.use_https = old


def split_catalog(catalog_url: str) -> tuple[str, bool]:
    """``http://127.0.0.1:8000`` -> ("127.0.0.1:8000", False); a bare host means https."""
    if catalog_url.startswith("http://"):
        return catalog_url.removeprefix("http://").rstrip("/"), False
    return catalog_url.removeprefix("https://").rstrip("/"), True


def topic_titles(properties: list[dict]) -> dict[str, str]:
    """Key -> CSV-style title ``Group/Subgroup/Title (Unit)`` of every numeric topic."""
    by_id = {p.get("ID"): p for p in properties}

    def path(p: dict) -> list[str]:
        parent = by_id.get(p.get("ParentID"))
        return ([*path(parent)] if parent else []) + [str(p.get("Title", "")).strip()]

    titles = {}
    for p in properties:
        if p.get("Type") == "Topic" and p.get("Datatype") in NUMERIC_TYPES:
            unit = str(p.get("Unit") or "").strip()
            title = "/".join(path(p))
            titles[p["Key"]] = f"{title} ({unit})" if unit else title
    return titles


def read_odata(
    table_id: str,
    catalog_url: str = DEFAULT_CATALOG,
    dataset: str = "TypedDataSet",
    mapping: dict[str, str] | None = None,
) -> ImportResult:
    """Download ``table_id`` and turn it into tidy data (see the module docstring)."""
    host, use_https = split_catalog(catalog_url)
    source = f"{host}/{table_id}"
    try:
        with _scheme(use_https):
            info = cbsodata.get_info(table_id, catalog_url=host) or {}
            properties = cbsodata.get_meta(table_id, "DataProperties", catalog_url=host)
            kinds = {
                p.get("Type"): p["Key"] for p in properties if "Dimension" in p.get("Type", "")
            }
            other = [
                p["Key"]
                for p in properties
                if p.get("Type") not in ("GeoDimension", "TimeDimension", "Topic", "TopicGroup")
                and "Dimension" in p.get("Type", "")
            ]
            if "GeoDimension" not in kinds or "TimeDimension" not in kinds or other:
                raise ProblemsError(
                    [
                        Problem(
                            f"{source}/DataProperties",
                            None,
                            None,
                            "expected exactly one region (GeoDimension) and one period "
                            f"(TimeDimension) dimension; found {sorted(kinds.values())} "
                            f"and other dimensions {other}",
                        )
                    ]
                )
            geo, time = kinds["GeoDimension"], kinds["TimeDimension"]
            region_table = cbsodata.get_meta(table_id, geo, catalog_url=host)
            period_table = cbsodata.get_meta(table_id, time, catalog_url=host)
            records = cbsodata.get_meta(table_id, dataset, catalog_url=host)
    except requests.RequestException as exc:
        raise ProblemsError([Problem(source, None, None, f"download failed: {exc}")]) from exc

    file = f"{source}/{dataset}"
    titles = topic_titles(properties)
    data = pd.DataFrame.from_records(records)
    missing = [k for k in (geo, time, *titles) if k not in data.columns]
    if data.empty or missing:
        raise ProblemsError([Problem(file, None, None, f"no data or missing columns {missing}")])

    names = {str(r["Key"]).strip(): str(r.get("Title", "")).strip() for r in region_table}
    region = data[geo].astype(str).str.strip()
    rows = pd.DataFrame(
        {
            "line": range(1, len(data) + 1),
            "region": region,
            "name": region.map(names).fillna(""),
            "period_label": data[time].astype(str).str.strip(),
        }
    )
    rows, problems, notes = check_regions_and_periods(rows, file, geo, time)
    provisional = sorted(
        str(r["Key"]).strip()
        for r in period_table
        if str(r.get("Status", "")).lower().startswith(("voorlopig", "nader"))
    )
    if provisional:
        notes.append("provisional periods (Status voorlopig): " + ", ".join(provisional))
    if info.get("Title"):
        notes.insert(0, f"{table_id}: {info['Title']}")

    ids = variable_ids(list(titles.values()), mapping)
    long = (
        data.loc[rows.index, list(titles)]
        .assign(line=rows["line"])
        .melt(id_vars="line", var_name="key", value_name="cell")
    )
    long = long.merge(rows[["line", "region", "period"]], on="line", how="left")
    long["column"] = long["key"]
    long["variable"] = long["key"].map(titles).map(ids)
    if dataset == "TypedDataSet":
        long["value"] = pd.to_numeric(long["cell"], errors="coerce").astype(float)
        understood = long["cell"].isna() | long["value"].notna()
        long["status"] = long["value"].isna().map({True: NOT_AVAILABLE, False: ""})
        if long["status"].eq(NOT_AVAILABLE).any():
            notes.append("null cells read as '.' (TypedDataSet does not distinguish '.' from 'x')")
    else:
        cells = long["cell"].fillna("").astype(str).str.strip()
        long["value"], long["status"], understood = parse_cells(cells, ".")
    bad = long[~understood]
    problems += located_problems(
        file,
        [int(x) for x in bad["line"]],
        bad["column"],
        [f"{c!r} is not a number or a symbol" for c in bad["cell"]],
    )
    problems += duplicate_problems(long.dropna(subset=["period"]), file, "row")
    raise_if(problems)
    tidy = long.assign(period=long["period"].astype(int))[TIDY_COLUMNS].reset_index(drop=True)
    # Lineage (core/lineage.py): the table, and the host when it is not CBS's own.
    table = f"CBS StatLine {table_id}"
    tidy[SOURCE] = table if host == DEFAULT_CATALOG else f"{table} ({host})"
    return ImportResult(
        tidy=tidy,
        regions=regions_frame(rows),
        mapping={titles[k]: ids[titles[k]] for k in titles},
        notes=notes,
    )
