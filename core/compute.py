"""The computation: indicator values, suppression, deviation from the reference, changes.

Pure functions of a validated :class:`Monitor`. Everything happens on the grid of
regions x periods (see ``grid.py``), a handful of numpy operations over every region
and period at once, in three steps: every indicator's values and secrets
(``compute_values``); one suppression pattern per group of indicators that share a
variable (``suppression_patterns``); per indicator the deviation, its status and the
changes (``compute_indicator``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wijkmonitor.core.aggregate import (
    ABSENT,
    FIGURE,
    NOT_AVAILABLE,
    NOT_COMPUTABLE,
    SECRET,
    product_name,
)
from wijkmonitor.core.changes import (
    CHANGE_COLUMNS,
    binomial_relative_variance,
    development,
    direction_sign,
    gap_change,
    ratio_deviation_se,
)
from wijkmonitor.core.derive import derived_from, level_names
from wijkmonitor.core.grid import Grid, reference_rows, take
from wijkmonitor.core.inputgrid import input_grid
from wijkmonitor.core.kinds import FormulaKind, IndicatorKinds
from wijkmonitor.core.lineage import add_data_source
from wijkmonitor.core.model import Indicator
from wijkmonitor.core.monitor import Monitor
from wijkmonitor.core.pluginmanager import kind_plugin
from wijkmonitor.core.problems import Problem, ProblemsError
from wijkmonitor.core.significance import VERDICTS, interval_bounds, verdict_codes
from wijkmonitor.core.suppression import Count, Relations, complementary, relations

VALUE_COLUMNS = [
    "indicator",
    "region",
    "reference_region",
    "period",
    "value",
    "reference_value",
    "reference_status",
    "deviation",
    "status",
    "deviation_status",
    "denominator",
    "ci_lower",
    "ci_upper",
    "verdict",
    "derived_from",
]
# A figure that cannot be computed: a division by zero (a share of nobody, a mean of no
# sales, a spread of fewer than two), or p against a reference value of 0. The site shows
# CBS's "." for it and says why.
NOT_COMPUTABLE_STATUS = "niet te berekenen"
# Status codes 0..5 (see aggregate.py) as the symbols of the results table.
STATUS_CATEGORIES = ["", ".", "x", NOT_COMPUTABLE_STATUS]
STATUS_INDEX = np.array([0, 0, 1, 2, 1, 3], dtype="int8")


@dataclass
class Results:
    """The results table of a build: what the site renders and the downloads hold."""

    monitor: Monitor
    values: pd.DataFrame
    changes: pd.DataFrame


@dataclass
class IndicatorResult:
    """One indicator on the grid: arrays of one entry per (region, period) row."""

    value: np.ndarray
    code: np.ndarray
    denominator: np.ndarray  # published only with a figure, else NaN
    deviation: np.ndarray
    deviation_code: np.ndarray  # status of p, as the codes of ``code``
    reference_value: np.ndarray
    reference_code: np.ndarray  # status of the reference value, as the codes of ``code``
    deviation_se: np.ndarray  # standard error of p where counts are known, else NaN
    keep: np.ndarray  # rows that belong in the results table
    ci_lower: np.ndarray  # 95 % interval of a published figure (methods §11), else NaN
    ci_upper: np.ndarray
    verdict: np.ndarray  # index into significance.VERDICTS
    derived: np.ndarray | None = None  # child level code the figure rests on (derive.py)


def _inputs(
    kind: FormulaKind,
    inputs: dict[str, str],
    values: dict[str, np.ndarray],
    status: dict[str, np.ndarray],
    is_area: np.ndarray,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The input columns of one indicator, with given scores weighted for composites."""
    columns, codes = {}, []
    for field, variable in inputs.items():
        column, code = values[variable], status[variable]
        weight_field = kind.weighted.get(field)
        if weight_field is not None:
            if weight_field in inputs:
                weight = inputs[weight_field]
                product = product_name(variable, weight)
                with np.errstate(divide="ignore", invalid="ignore"):
                    weighted = values[product] / np.where(
                        values[weight] != 0, values[weight], np.nan
                    )
                column = np.where(is_area, weighted, column)
                code = np.where(is_area, status[product], code)
            else:
                # A given score without a weight cannot be combined over base regions.
                column = np.where(is_area, np.nan, column)
                code = np.where(is_area & (code != ABSENT), NOT_AVAILABLE, code)
        columns[field] = column
        codes.append(code)
    return pd.DataFrame(columns), np.maximum.reduce(codes)


@dataclass
class Computed:
    """One indicator's values on the grid before suppression."""

    value: np.ndarray
    code: np.ndarray
    denominator: np.ndarray
    secret: np.ndarray  # cells that must stay secret: primary suppression and source "x"
    share: np.ndarray | None  # the proportion behind a ratio of shares (for its error)
    counts: list[Count]  # the counts behind the figure (arrays of the inputs, no copies)
    # The summed inputs the kind's declared interval needs (references, no copies): the
    # interval is computed after suppression, so no grid-sized bounds wait per indicator.
    interval_inputs: dict[str, np.ndarray] | None = None
    is_area: np.ndarray | None = None


def compute_values(
    indicator: Indicator,
    kinds: IndicatorKinds,
    inputs: dict[str, str],
    values: dict[str, np.ndarray],
    status: dict[str, np.ndarray],
    grid: Grid,
    is_area: np.ndarray,
) -> Computed:
    """Value, status and denominator of one indicator on the whole grid, and its secrets."""
    kind = kinds.formula
    frame, code = _inputs(kind, inputs, values, status, is_area)
    options = kinds.formula_options
    value = _plugin_result(
        indicator, "formula", kind.name, grid.n_rows, kind.compute, frame, options
    )
    # Every input a figure, yet no finite value: a division by zero (or a plugin's inf).
    counted = code < NOT_AVAILABLE
    finite = np.isfinite(value)
    value = np.where(counted & finite, value, np.nan)
    code = np.where(counted & ~finite, NOT_COMPUTABLE, code)
    denominator = (
        frame[kind.denominator].to_numpy(dtype=float)
        if kind.denominator in frame
        else np.full(grid.n_rows, np.nan)
    )
    secret = code == SECRET
    if indicator.min_denominator is not None:
        # A cell a reader could know (a figure, or "not computable", which says the
        # denominator is 0) is published unless suppressed; a denominator of 0 is below
        # any positive minimum, so such cells are secret like every other small one.
        secret = secret | (counted & (denominator < indicator.min_denominator))
    share = None
    if kinds.binomial_change:
        share = _plugin_result(
            indicator, "formula", kind.name, grid.n_rows, kind.proportion, frame, options
        )
    counts = _counts(kind, inputs, values)
    interval_inputs = None
    if kind.interval is not None:
        # Declared interval inputs are never weighted (kinds.Interval), so they are the
        # summed columns themselves.
        interval_inputs = {f: values[inputs[f]] for f in kind.interval.fields() if f in inputs}
    return Computed(
        value,
        code.astype("int8"),
        denominator,
        secret,
        share,
        counts,
        interval_inputs,
        is_area,
    )


def _counts(kind: FormulaKind, inputs: dict[str, str], values: dict) -> list[Count]:
    """The count inputs, and per declared (part, whole) pair the whole minus the part
    (those who do not have it): a sum of hidden cells that is 0 in one of them gives
    each of them away (methods §6). The pairs are the kind's declared
    ``count_pairs``, never guessed from the inputs' names."""
    counts: list[Count] = [
        (values[inputs[field]], None) for field in kind.count_inputs() if field in inputs
    ]
    for part, whole in kind.count_pairs:
        if part in inputs and whole in inputs:
            counts.append((values[inputs[whole]], values[inputs[part]]))
    return counts


def _plugin_result(
    indicator: Indicator, what: str, kind: str, n_rows: int, function, *args
) -> np.ndarray:
    """Call a kind's function (a plugin's code): what it raises, or a result that is not
    one number per row, is a problem naming the indicator, the kind and its plugin."""
    try:
        result = np.asarray(function(*args), dtype=float)
        if result.shape == (n_rows,):
            return result
        error = f"returned {result.shape[0] if result.ndim else 1} values for {n_rows} rows"
    except Exception as exc:
        error = f"raised {type(exc).__name__}: {exc}"
    plugin = kind_plugin(what, kind)
    message = (
        f"the {what} kind {kind!r} of plugin {plugin!r} {error} (an error in the plugin, "
        "not in this file: report it to the plugin's authors)"
    )
    raise ProblemsError([Problem(indicator.source_file, None, f"{what}.kind", message)])


def sharing_groups(inputs: dict[str, dict[str, str]]) -> list[list[str]]:
    """Indicators joined by a shared input variable, directly or through others.

    Such indicators are suppressed with one pattern: two indicators with the same
    numerator and different minimums would otherwise publish, one through the other,
    what one of them hides (value x denominator gives the numerator back).
    """
    parent = {ind: ind for ind in inputs}

    def root(ind: str) -> str:
        while parent[ind] != ind:
            parent[ind] = parent[parent[ind]]
            ind = parent[ind]
        return ind

    first_user: dict[str, str] = {}
    for ind, fields in inputs.items():
        for variable in sorted(set(fields.values())):
            other = first_user.setdefault(variable, ind)
            parent[root(ind)] = root(other)
    groups: dict[str, list[str]] = {}
    for ind in inputs:
        groups.setdefault(root(ind), []).append(ind)
    return list(groups.values())


def suppression_patterns(
    computed: dict[str, Computed], groups: list[list[str]], rel: Relations
) -> dict[str, np.ndarray]:
    """Per indicator the cells to suppress: primary and complementary, one pattern per
    group of indicators that share a variable (a pattern safe for all of them)."""
    patterns = {}
    for group in groups:
        members = [computed[i] for i in group]
        secret = np.logical_or.reduce([c.secret for c in members])
        if secret.any():
            published = np.logical_or.reduce([c.code < NOT_AVAILABLE for c in members])
            # Hide the smallest cells first: the smallest denominator of the group.
            denominator = np.fmin.reduce([c.denominator for c in members])
            counts = [count for c in members for count in c.counts]
            secret = complementary(secret, published, denominator, rel, counts)
        for ind in group:
            patterns[ind] = secret
    return patterns


def compute_indicator(
    indicator: Indicator,
    kinds: IndicatorKinds,
    computed: Computed,
    suppressed: np.ndarray,
    grid: Grid,
    ref_rows: np.ndarray,
) -> IndicatorResult:
    """Suppression, deviation from the reference and its standard error of one indicator."""
    denominator = computed.denominator
    # A cell this indicator has no figure for stays as it is (".", absent, or already "x").
    hide = suppressed & ((computed.code < NOT_AVAILABLE) | (computed.code == NOT_COMPUTABLE))
    value = np.where(hide, np.nan, computed.value)
    code = np.where(hide, SECRET, computed.code)

    row_periods = grid.row_periods()
    periods = indicator.periods
    if periods is None:
        # The periods with figures before suppression: a year whose figures are all
        # suppressed is shown as secret, not left out as if never measured.
        periods = np.unique(row_periods[computed.code < NOT_AVAILABLE])
    keep = np.isin(row_periods, periods) & (code != ABSENT)

    comparison = kinds.comparison
    reference_value = take(value, ref_rows)
    with np.errstate(divide="ignore", invalid="ignore"):
        deviation = _plugin_result(
            indicator,
            "comparison",
            comparison.name,
            grid.n_rows,
            comparison.compute,
            pd.Series(value),
            pd.Series(reference_value),
            kinds.comparison_options,
        )
    deviation = np.where(np.isfinite(deviation), deviation, np.nan)
    reference_code = take(code, ref_rows, ABSENT)
    deviation_code = _deviation_code(code, reference_code, deviation)
    deviation_se = np.full(grid.n_rows, np.nan)
    if computed.share is not None:
        share = np.where(np.isnan(value), np.nan, computed.share)
        relative = binomial_relative_variance(share, denominator)
        deviation_se = ratio_deviation_se(
            value, reference_value, relative, take(relative, ref_rows)
        )
        deviation_se = np.where(np.isfinite(deviation_se), deviation_se, np.nan)
    # Counts travel with their figure only: a hidden cell's denominator is as secret as
    # its value (and would give the value away through the parent's sum).
    figure = code == FIGURE
    denominator = np.where(figure, denominator, np.nan)
    # So does its interval, which gives its counts back as well as the value does; the
    # verdict needs a published interval and a published reference value (methods §11).
    ci_lower = ci_upper = np.full(grid.n_rows, np.nan)
    interval = kinds.formula.interval
    if interval is not None and computed.interval_inputs is not None:
        lower, upper = interval_bounds(
            interval, computed.interval_inputs, kinds.formula_options, value, computed.is_area
        )
        ci_lower = np.where(figure, lower, np.nan)
        ci_upper = np.where(figure, upper, np.nan)
    reference_figure = np.where(reference_code == FIGURE, reference_value, np.nan)
    verdict = verdict_codes(
        ci_lower, ci_upper, reference_figure, direction_sign(indicator.direction)
    )
    return IndicatorResult(
        value,
        code.astype("int8"),
        denominator,
        deviation,
        deviation_code.astype("int8"),
        reference_value,
        reference_code.astype("int8"),
        deviation_se,
        keep,
        ci_lower,
        ci_upper,
        verdict,
    )


def _deviation_code(
    code: np.ndarray, reference_code: np.ndarray, deviation: np.ndarray
) -> np.ndarray:
    """Status of p: secret if either value is, not computable if both values are figures
    (or one is not computable) yet p is not (a reference value of 0), else not available."""
    either = np.maximum(code, reference_code)
    secret = (code == SECRET) | (reference_code == SECRET)
    computable_inputs = (either < NOT_AVAILABLE) | (
        ((code < NOT_AVAILABLE) | (code == NOT_COMPUTABLE))
        & ((reference_code < NOT_AVAILABLE) | (reference_code == NOT_COMPUTABLE))
    )
    return np.select(
        [~np.isnan(deviation), secret, computable_inputs],
        [FIGURE, SECRET, NOT_COMPUTABLE],
        default=NOT_AVAILABLE,
    )


def _values_frame(
    indicator: Indicator, result: IndicatorResult, grid: Grid, references: pd.Categorical
) -> pd.DataFrame:
    rows = np.flatnonzero(result.keep)
    region_pos = rows // len(grid.periods)
    return pd.DataFrame(
        {
            "region": pd.Categorical.from_codes(region_pos, categories=grid.regions),
            "reference_region": references[region_pos],
            "period": grid.periods[rows % len(grid.periods)],
            "value": result.value[rows],
            "reference_value": result.reference_value[rows],
            "reference_status": pd.Categorical.from_codes(
                STATUS_INDEX[result.reference_code[rows]], categories=STATUS_CATEGORIES
            ),
            "deviation": result.deviation[rows],
            "status": pd.Categorical.from_codes(
                STATUS_INDEX[result.code[rows]], categories=STATUS_CATEGORIES
            ),
            "deviation_status": pd.Categorical.from_codes(
                STATUS_INDEX[result.deviation_code[rows]], categories=STATUS_CATEGORIES
            ),
            "denominator": result.denominator[rows],
            "ci_lower": result.ci_lower[rows],
            "ci_upper": result.ci_upper[rows],
            "verdict": pd.Categorical.from_codes(result.verdict[rows], categories=VERDICTS),
            "derived_from": level_names(
                np.zeros(len(rows), "int8") if result.derived is None else result.derived[rows]
            ),
        }
    )


def _changes_frame(
    indicator: Indicator,
    result: IndicatorResult,
    grid: Grid,
    references: pd.Categorical,
    threshold: float,
    z: float,
) -> pd.DataFrame | None:
    """Gap change and development class for every region that has a reference."""
    n_periods = len(grid.periods)
    deviation = np.where(result.keep, result.deviation, np.nan).reshape(-1, n_periods)
    with_figures = np.flatnonzero(~np.isnan(deviation).all(axis=0))
    if len(with_figures) == 0:
        return None
    latest = int(with_figures[-1])
    baseline_period = indicator.baseline_period
    if baseline_period is None:
        baseline_period = int(grid.periods[with_figures[0]])
    # A declared baseline without any figure leaves every area without a baseline p.
    column = np.flatnonzero(grid.periods == baseline_period)
    p_b = deviation[:, column[0]] if len(column) else np.full(len(deviation), np.nan)
    se = result.deviation_se.reshape(-1, n_periods)
    se_b = se[:, column[0]] if len(column) else np.full(len(deviation), np.nan)
    compared = np.flatnonzero(
        (np.asarray(references.codes) >= 0) & result.keep.reshape(-1, n_periods).any(axis=1)
    )
    p_b, p_l = p_b[compared], deviation[compared, latest]
    if baseline_period >= int(grid.periods[latest]):
        # One measurement (or a baseline after the last figures) says nothing about a
        # development: no gap change, "insufficient data", rather than "no change".
        p_b = np.full(len(compared), np.nan)
    change_se = np.sqrt(se_b[compared] ** 2 + se[compared, latest] ** 2)
    change_se = np.where(np.isfinite(change_se), change_se, np.nan)
    change, note = gap_change(p_b, p_l)
    sign = np.full(len(compared), direction_sign(indicator.direction))
    return pd.DataFrame(
        {
            "region": pd.Categorical.from_codes(compared, categories=grid.regions),
            "reference_region": references[compared],
            "baseline_period": baseline_period,
            "latest_period": int(grid.periods[latest]),
            "deviation_baseline": p_b,
            "deviation_latest": p_l,
            "gap_change": change,
            "gap_note": note,
            "change_standard_error": change_se,
            "development": development(p_b, p_l, sign, threshold, change_se, z),
        }
    )


def compute_results(monitor: Monitor) -> Results:
    """Every value, deviation and change of the monitor."""
    regions = monitor.regions
    tables = (monitor.regions, monitor.membership, monitor.data, monitor.inputs, monitor.kinds)
    shared = monitor.input_grid
    # Built by check_monitor; a monitor that was not checked, or a copy with other
    # tables or kinds, gets its own.
    if shared is None or not shared.made_from(*tables):
        shared = input_grid(*tables)
    grid, values, status, derivation = shared.grid, shared.values, shared.status, shared.derivation

    is_area = np.repeat((regions["kind"] != "base").to_numpy(), len(grid.periods))
    ref_rows = reference_rows(grid, regions["reference"])
    references = pd.Categorical(
        regions["reference"].where(regions["reference"] != "").to_numpy(),
        categories=grid.regions,
    )
    rel = relations(grid, regions, monitor.membership)

    computed = {
        indicator.id: compute_values(
            indicator,
            monitor.kinds[indicator.id],
            monitor.inputs[indicator.id],
            values,
            status,
            grid,
            is_area,
        )
        for indicator in monitor.indicators.values()
    }
    patterns = suppression_patterns(computed, sharing_groups(monitor.inputs), rel)
    value_frames, change_frames = [], []
    for indicator in monitor.indicators.values():
        result = compute_indicator(
            indicator,
            monitor.kinds[indicator.id],
            computed.pop(indicator.id),
            patterns[indicator.id],
            grid,
            ref_rows,
        )
        inputs = monitor.inputs[indicator.id].values()
        code = derived_from([derivation.derived[v] for v in inputs])
        # Only a published figure rests on derived inputs; a hidden one says nothing.
        result.derived = np.where(result.code == FIGURE, code, 0).astype("int8")
        value_frames.append((indicator.id, _values_frame(indicator, result, grid, references)))
        changes = _changes_frame(
            indicator,
            result,
            grid,
            references,
            monitor.no_change_threshold(indicator.id),
            monitor.no_change_z(indicator.id),
        )
        if changes is not None:
            change_frames.append((indicator.id, changes))
    return Results(
        monitor=monitor,
        values=add_data_source(_concat(value_frames, VALUE_COLUMNS), monitor),
        changes=_concat(change_frames, CHANGE_COLUMNS),
    )


def _concat(frames: list[tuple[str, pd.DataFrame]], columns: list[str]) -> pd.DataFrame:
    """One table of the indicators' frames, with the indicator as a column. Every text
    column is categorical with only the categories in use, built from codes: millions of
    rows are never compared as strings (nor sorted, as ``remove_unused_categories``
    does)."""
    if not frames:
        return pd.DataFrame(columns=columns)
    result = pd.concat([frame for _, frame in frames], ignore_index=True)
    # The indicators with rows, sorted (as a categorical of their ids would be).
    ids = sorted({ind for ind, frame in frames if len(frame)})
    position = {ind: n for n, ind in enumerate(ids)}
    per_frame = [position.get(ind, 0) for ind, _ in frames]
    codes = np.repeat(np.array(per_frame, dtype="int32"), [len(f) for _, f in frames])
    result.insert(0, "indicator", pd.Categorical.from_codes(codes, categories=ids))
    # Regions without a reference get "" rather than a missing value, as in the CSV.
    region = result["region"].array
    reference = result["reference_region"].array
    categories = region.categories.append(pd.Index([""]))
    reference_codes = np.where(reference.codes >= 0, reference.codes, len(categories) - 1)
    result["reference_region"] = _in_use(reference_codes, categories)
    result["region"] = _in_use(region.codes, region.categories)
    return result[columns]


def _in_use(codes: np.ndarray, categories: pd.Index) -> pd.Categorical:
    """A categorical of ``codes`` (all valid) with only the categories they use, in order."""
    used = np.zeros(len(categories), dtype=bool)
    used[codes] = True
    renumber = (np.cumsum(used) - 1).astype(codes.dtype)
    return pd.Categorical.from_codes(renumber[codes], categories=categories[used])
