"""The results arranged for page generation: one pass of grouping, then cheap lookups.

Everything here is computed once per build with vectorised pandas; page functions
only look things up, so the build stays linear in the number of pages.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd

from wijkmonitor.core.compute import Results
from wijkmonitor.core.kinds import IndicatorKinds
from wijkmonitor.core.lineage import sources_by_indicator
from wijkmonitor.core.model import Indicator
from wijkmonitor.core.monitor import Monitor
from wijkmonitor.core.spine import SPINE_COLUMNS, spine_table
from wijkmonitor.website import addresses as addr


class YearRow(NamedTuple):
    """One period of one indicator for one area, with its reference."""

    period: int
    value: float
    status: str
    reference_value: float
    reference_status: str
    deviation: float
    deviation_status: str
    # The child level the figure was derived from ("wijk", "buurt"; core/derive.py,
    # methods §13), "" for the region's own figure: the site only shows it.
    derived_from: str = ""


class ChangeRow(NamedTuple):
    """One row of Results.changes."""

    indicator: str
    region: str
    reference_region: str
    baseline_period: int
    latest_period: int
    deviation_baseline: float
    deviation_latest: float
    gap_change: float
    gap_note: str
    development: str


# One row of the spine chart (core/spine.py, methods §12): one area, one indicator.
SpineRow = NamedTuple("SpineRow", [(c, object) for c in SPINE_COLUMNS])


@dataclass
class SiteData:
    monitor: Monitor
    values: pd.DataFrame  # Results.values of the shown regions, codes as str
    changes: pd.DataFrame
    names: dict[str, str]
    focus_areas: list[str]  # codes, sorted by name
    gemeenten: list[str]  # codes, sorted by name
    focus_totals: list[str]
    main_totals: list[str]  # the total(s) shown in theme diagrams
    compared_areas: list[str]  # areas on indicator pages: focus areas, else focus totals
    areas_of_gemeente: dict[str, list[str]]
    totals_of_gemeente: dict[str, list[str]]
    # region -> indicator -> its years (sorted) / its change since the baseline
    series: Mapping[str, dict[str, list[YearRow]]] = field(repr=False)
    change: Mapping[str, dict[str, ChangeRow]] = field(repr=False)
    changes_by_indicator: dict[str, pd.DataFrame] = field(repr=False)
    periods: list[int] = field(default_factory=list)
    gemeente: dict[str, str] = field(default_factory=dict)  # shown region -> its gemeente
    reference: dict[str, str] = field(default_factory=dict)  # shown region -> its reference
    cell_counts: dict[str, int] = field(default_factory=dict)  # status symbol -> cells
    pdf_profiles: bool = False  # the build writes a PDF profile per area page (build --pdf)
    # indicator -> data source -> periods (core/lineage.py), for "Bronnen" on area pages
    data_sources: Mapping[str, dict[str, list[int]]] = field(default_factory=dict, repr=False)
    build_date: date | None = None  # from SOURCE_DATE_EPOCH; None: the site names no date
    # region -> indicator -> its spine row (focus areas and gemeenten: their pages)
    spine: Mapping[str, dict[str, SpineRow]] = field(default_factory=dict, repr=False)
    # The same rows as one table (core/spine.py), made once when first asked for.
    spine_rows: Callable[[], pd.DataFrame] = field(default=pd.DataFrame, repr=False)
    # Base levels whose every region has a page (settings.area_pages): level -> codes,
    # sorted by name; and parent -> its paged children (gemeente -> wijken, wijk -> buurten).
    paged: dict[str, list[str]] = field(default_factory=dict, repr=False)
    children: dict[str, list[str]] = field(default_factory=dict, repr=False)
    level: dict[str, str] = field(default_factory=dict, repr=False)  # shown region -> level
    # indicator -> its rows of ``values`` (in their order), split when first read: an
    # indicator page's own comparisons over a million rows took 90 ms a page.
    values_by_indicator: Mapping[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def values_of(self, indicator_id: str) -> pd.DataFrame:
        """The rows of ``values`` of one indicator (none: an empty table)."""
        found = self.values_by_indicator.get(indicator_id)
        return self.values.iloc[:0] if found is None else found

    @property
    def indicators(self) -> dict[str, Indicator]:
        return self.monitor.indicators

    def indicators_of_theme(self, theme_id: str) -> list[Indicator]:
        return [i for i in self.monitor.indicators.values() if i.theme == theme_id]

    def region_name(self, code: str) -> str:
        return self.names.get(code, code)

    def gemeente_of(self, code: str) -> str:
        return self.gemeente.get(code, "")

    def reference_of(self, code: str) -> str:
        return self.reference.get(code, "")

    def ranking_allowed(self, indicator: Indicator) -> bool:
        # Themes whose indicators must not be shown as a ranking (SES-WOA): their pages
        # sort areas by name and show every indicator of the theme side by side.
        return self.monitor.themes[indicator.theme].ranking

    def children_at(self, code: str, level: str) -> list[str]:
        """The paged regions of ``level`` directly under ``code`` (a gemeente's wijken,
        a wijk's buurten), sorted by name."""
        return [c for c in self.children.get(code, []) if self.level.get(c) == level]

    @property
    def area_codes(self) -> list[str]:
        """Every region with an area page: the focus areas, then each paged level."""
        return self.focus_areas + [c for codes in self.paged.values() for c in codes]

    def page_of(self, code: str) -> str:
        """The address of the page of a focus area or a paged base region."""
        return addr.region_page(self.level.get(code, "focus_area"), code)

    def kinds_of(self, indicator: Indicator) -> IndicatorKinds:
        """The indicator's formula and comparison kinds, as resolved on loading."""
        return self.monitor.kinds[indicator.id]

    def prepare_region_pages(self) -> None:
        """Arrange now what region pages read and other pages do not (or only in part),
        before processes that make them fork and would each arrange it again."""
        for part in (self.series, self.change, self.spine, self.data_sources):
            prepare = getattr(part, "prepare", None)
            if prepare is not None:
                prepare()


class Later(Mapping):
    """A mapping arranged when it is first read: a rebuild that takes every region page
    from the previous build never reads the spine rows (a second at national size)."""

    def __init__(self, make: Callable[[], Mapping]):
        self._make: Callable[[], Mapping] | None = make
        self._value: Mapping = {}

    def prepare(self) -> None:
        if self._make is not None:
            self._value, self._make = self._make(), None

    def __getitem__(self, key: object) -> object:
        self.prepare()
        return self._value[key]

    def __iter__(self) -> Iterator:
        self.prepare()
        return iter(self._value)

    def __len__(self) -> int:
        self.prepare()
        return len(self._value)


def _sorted_codes(regions: pd.DataFrame, mask: pd.Series) -> list[str]:
    chosen = regions[mask]
    order = chosen.assign(_code=chosen.index).sort_values(["name", "_code"])
    return [str(c) for c in order.index]


def _main_totals(monitor: Monitor, focus_areas: list[str], totals: list[str]) -> list[str]:
    """The focus total made of all focus areas (G18, totaal), else every focus total."""
    membership = monitor.membership
    if focus_areas and totals:
        wanted = set(membership.loc[membership["region"].isin(focus_areas), "base"])
        bases = membership[membership["region"].isin(totals)].groupby("region")["base"]
        covering = [(len(members), str(code)) for code, members in bases if wanted <= set(members)]
        if covering:
            return [min(covering)[1]]
    return totals


def _as_text(values: pd.DataFrame) -> pd.DataFrame:
    """Codes and statuses as Python strings (NaN where missing), for cheap lookups by the
    page functions: object columns holding each category's one string object, so taking
    rows and reading them back make no new strings (pandas' own string columns made a
    million of each at national size, some seconds in all)."""
    columns = ("indicator", "region", "reference_region", "status", "reference_status")
    text = {}
    for name in (*columns, "deviation_status"):
        column = values[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            categories = column.cat.categories.astype(str).to_numpy(dtype=object)
            strings = np.append(categories, np.nan)[column.cat.codes.to_numpy()]  # -1: NaN
        else:
            strings = column.astype(str).to_numpy(dtype=object)
        text[name] = pd.Series(strings, index=values.index, dtype=object)
    return values.assign(**text)


def _spans(ordered: np.ndarray, names: np.ndarray) -> dict[str, tuple[int, int]]:
    """Each region's span of rows put in order of region (``ordered``: their codes in
    ``names``)."""
    if not len(ordered):
        return {}
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = [*starts[1:], len(ordered)]
    return {str(names[ordered[a]]): (int(a), int(b)) for a, b in zip(starts, ends, strict=True)}


class _ByRegion:
    """A table's rows by region, put in order of region when first read (``prepare``)."""

    _spans: dict[str, tuple[int, int]]

    def prepare(self) -> None:
        raise NotImplementedError

    def __iter__(self) -> Iterator[str]:
        self.prepare()
        return iter(self._spans)

    def __len__(self) -> int:
        self.prepare()
        return len(self._spans)


class SeriesByRegion(_ByRegion, Mapping[str, dict[str, list[YearRow]]]):
    """region -> indicator -> years, built when a page asks for a region. A national
    site has a million of these rows: as tuples all at once they took half a gigabyte,
    in the build process and in every worker that writes pages."""

    def __init__(self, values: pd.DataFrame):
        self._values: pd.DataFrame | None = values  # put in order when first read
        self._recent: OrderedDict[str, dict[str, list[YearRow]]] = OrderedDict()

    def prepare(self) -> None:
        """Put the rows in order now (before forking processes that read them)."""
        values, self._values = self._values, None
        if values is None:
            return
        # The rows' order, by region, indicator and period (stable), on integer codes;
        # each region's rows are taken in that order when a page asks for them (putting
        # the whole table in order took a second at national size).
        regions, names = pd.factorize(values["region"].to_numpy(dtype=object), sort=True)
        self._order = np.lexsort(
            (
                values["period"].to_numpy(),
                pd.factorize(values["indicator"].to_numpy(dtype=object), sort=True)[0],
                regions,
            )
        )
        if "derived_from" in values:
            derived = values["derived_from"].astype(str).to_numpy()
        else:  # a results table of before derived parents (methods §13)
            derived = np.full(len(values), "", dtype=object)
        self._columns = [
            derived if name == "derived_from" else values[name].to_numpy()
            for name in ("indicator", *YearRow._fields)
        ]
        self._columns[1] = self._columns[1].astype("int64")  # period
        self._spans = _spans(regions[self._order], names)

    # Pages ask for the same regions again and again (a wijk's page for its gemeente, an
    # indicator page per indicator for every area): the last few stay built.
    RECENT = 512

    def __getitem__(self, region: str) -> dict[str, list[YearRow]]:
        recent = self._recent.get(region)
        if recent is not None:
            self._recent.move_to_end(region)
            return recent
        self.prepare()
        start, end = self._spans[region]
        rows = self._order[start:end]
        indicators = self._columns[0][rows].tolist()
        columns = [column[rows].tolist() for column in self._columns[1:]]
        made = list(map(YearRow._make, zip(*columns, strict=True)))
        # The rows are in order of indicator: each indicator's are one run of them.
        nested: dict[str, list[YearRow]] = {}
        first = 0
        for at in range(1, len(made) + 1):
            if at == len(made) or indicators[at] != indicators[first]:
                nested[indicators[first]] = made[first:at]
                first = at
        self._recent[region] = nested
        if len(self._recent) > self.RECENT:
            self._recent.popitem(last=False)
        return nested


class RowsByRegion(_ByRegion, Mapping[str, dict[str, tuple]]):
    """region -> indicator -> its one row of a table (its change since the baseline, its
    spine row), each region's made when a page asks for it. ``prepare`` only puts the
    table in order of region (vectorised); making every region's rows at once was a loop
    of 0.3 s (changes) and 0.4 s (spine rows) at national size in the build process, done
    before the page workers fork however few region pages a rebuild makes."""

    def __init__(self, table: Callable[[], pd.DataFrame], row: type[tuple]):
        self._table: Callable[[], pd.DataFrame] | None = table  # made when first read
        self._row = row

    def prepare(self) -> None:
        """Put the rows in order now (before forking processes that read them)."""
        make, self._table = self._table, None
        if make is None:
            return
        table = make()
        codes, names = pd.factorize(table["region"].to_numpy(dtype=object))
        order = np.argsort(codes, kind="stable")
        self._spans = _spans(codes[order], names)
        self._columns = [table[name].to_numpy()[order] for name in self._row._fields]

    def __getitem__(self, region: str) -> dict[str, tuple]:
        self.prepare()
        start, end = self._spans[region]
        columns = [column[start:end].tolist() for column in self._columns]
        # A region with two rows of one indicator keeps the last, as a dict built in
        # order of the table would.
        return {row.indicator: row for row in map(self._row._make, zip(*columns, strict=True))}


def _change_rows(changes: pd.DataFrame) -> pd.DataFrame:
    return changes.assign(gap_note=changes["gap_note"].fillna("").astype(str))


def _spine_table(monitor: Monitor, values: pd.DataFrame, pages: set[str]) -> pd.DataFrame:
    """The spine rows of the areas with a page, from the shown values: every region of a
    shown level is shown, so each comparable group is complete."""
    directions = {i: ind.direction for i, ind in monitor.indicators.items()}
    table = spine_table(values, monitor.regions, directions)
    return table[table["region"].isin(pages)]


def _by_indicator(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """indicator -> its rows of ``table``, in their order."""
    return {str(k): rows for k, rows in table.groupby("indicator", sort=False)}


def _column_of(regions: pd.DataFrame, column: str, codes: set[str]) -> dict[str, str]:
    """code -> the region's ``column`` as text ("" for none), for ``codes``."""
    wanted = sorted(codes)
    values = regions[column].reindex(wanted).to_numpy(dtype=object)
    return {code: str(value or "") for code, value in zip(wanted, values, strict=True)}


def site_data(
    results: Results, pdf_profiles: bool = False, build_date: date | None = None
) -> SiteData:
    """Arrange the results of a build for the page functions."""
    monitor = results.monitor
    regions = monitor.regions
    level = regions["level"]
    focus_areas = _sorted_codes(regions, level == "focus_area")
    gemeenten = _sorted_codes(regions, level == "gemeente")
    focus_totals = _sorted_codes(regions, level == "focus_total")
    # Base levels with a page per region (settings.area_pages); focus areas always have one.
    page_levels = [lv for lv in monitor.config.settings.area_pages if lv in addr.LEVEL_FOLDERS]
    paged = {lv: _sorted_codes(regions, level == lv) for lv in page_levels}
    paged = {lv: codes for lv, codes in paged.items() if codes}  # no empty index pages
    paged_codes = {c for codes in paged.values() for c in codes}
    shown = (
        set(focus_areas)
        | set(gemeenten)
        | set(focus_totals)
        | set(regions.index[level == "group"])
        | paged_codes
    )
    children: dict[str, list[str]] = {}
    parent = regions["parent"]
    for codes in paged.values():  # sorted by name, so each list of children is too
        for code in codes:
            children.setdefault(str(parent[code] or ""), []).append(code)
    children.pop("", None)
    values = results.values[results.values["region"].isin(shown)]
    values = _as_text(values)
    changes = results.changes.astype({"region": str, "indicator": str})
    changes = changes[changes["region"].isin(shown)]
    gemeente = regions["gemeente"]
    areas_of_gemeente: dict[str, list[str]] = {g: [] for g in gemeenten}
    for code in focus_areas:
        areas_of_gemeente.setdefault(str(gemeente[code]), []).append(code)
    totals_of_gemeente: dict[str, list[str]] = {g: [] for g in gemeenten}
    for code in focus_totals:
        totals_of_gemeente.setdefault(str(gemeente[code]), []).append(code)
    spine_rows = functools.cache(
        functools.partial(
            _spine_table, monitor, values, set(focus_areas) | set(gemeenten) | paged_codes
        )
    )
    return SiteData(
        monitor=monitor,
        values=values,
        changes=changes,
        names={str(k): str(v) for k, v in regions["name"].items()},
        focus_areas=focus_areas,
        gemeenten=gemeenten,
        focus_totals=focus_totals,
        main_totals=_main_totals(monitor, focus_areas, focus_totals),
        compared_areas=focus_areas or focus_totals,
        areas_of_gemeente=areas_of_gemeente,
        totals_of_gemeente=totals_of_gemeente,
        series=SeriesByRegion(values),
        change=RowsByRegion(functools.partial(_change_rows, changes), ChangeRow),
        changes_by_indicator=_by_indicator(changes),
        periods=sorted(int(p) for p in values["period"].unique()),
        gemeente=_column_of(regions, "gemeente", shown),
        reference=_column_of(regions, "reference", shown),
        cell_counts={
            str(k): int(v) for k, v in results.values["status"].astype(str).value_counts().items()
        },
        spine=RowsByRegion(spine_rows, SpineRow),
        spine_rows=spine_rows,
        paged=paged,
        children=children,
        level=_column_of(regions, "level", shown),
        pdf_profiles=pdf_profiles,
        data_sources=Later(functools.partial(sources_by_indicator, values)),
        build_date=build_date,
        values_by_indicator=Later(functools.partial(_by_indicator, values)),
    )
