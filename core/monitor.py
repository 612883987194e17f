"""Load a monitor directory into a validated :class:`Monitor` — or every problem at once."""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals
from pydantic import ValidationError

from wijkmonitor.core.derive import mismatch_warnings
from wijkmonitor.core.inputfiles import check_input, input_files, misnamed_hint
from wijkmonitor.core.inputgrid import InputGrid, input_grid
from wijkmonitor.core.kind_checks import check_comparison, check_formula, resolved_options
from wijkmonitor.core.kinds import DEVIATION_UNITS, IndicatorKinds
from wijkmonitor.core.lineage import with_source
from wijkmonitor.core.model import ID_PATTERN, Indicator, MonitorConfig, Settings, Theme
from wijkmonitor.core.pluginmanager import (
    comparison_kinds,
    config_models,
    formula_kinds,
    plugin_manager,
    plugin_names,
    plugin_problem,
)
from wijkmonitor.core.problems import MAX_REPORTED, Problem, ProblemsError, and_more
from wijkmonitor.core.regions import (
    build_regions,
    read_areas,
    read_base_regions,
    reference_warnings,
)
from wijkmonitor.core.tidy import COLUMNS as DATA_COLUMNS
from wijkmonitor.core.tidy import NOT_AVAILABLE, SOURCE, duplicated_keys, locate_rows
from wijkmonitor.core.yamlfile import LocatedYaml, load_yaml, pydantic_problems
from wijkmonitor.entry import raise_pending

if TYPE_CHECKING:  # geopandas, pyogrio and pyproj: imported only for a monitor with maps
    from wijkmonitor.core.boundaries import Boundaries

# indicators/themes.yml, and spellings of it that are not indicators either.
THEMES_NAMES = ("themes.yml", "themes.yaml")


@dataclass
class Monitor:
    """Everything a build needs, validated: the input of the computation."""

    dir: Path
    config: MonitorConfig
    themes: dict[str, Theme]
    indicators: dict[str, Indicator]
    regions: pd.DataFrame
    membership: pd.DataFrame
    data: pd.DataFrame
    # indicator id -> {formula input field: variable}
    inputs: dict[str, dict[str, str]] = field(default_factory=dict)
    # area id -> its direct members, as declared in areas.yml
    area_members: dict[str, list[str]] = field(default_factory=dict)
    # Things the publisher should know that publish no wrong figure (Problem.warning):
    # ``check`` and ``build`` print them and still succeed.
    warnings: list[Problem] = field(default_factory=list)
    # indicator id -> its formula and comparison kind, resolved once on loading: the
    # computation and the site read these, never the plugin registry.
    kinds: dict[str, IndicatorKinds] = field(default_factory=dict)
    # The simplified region shapes per level (monitor.yml ``boundaries:``), or None when
    # the monitor has no boundary file: the site then draws no map (core/boundaries.py).
    boundaries: Boundaries | None = None
    # The input variables on the grid with derived parents and composites (inputgrid.py),
    # built once by ``check_monitor`` for its warnings and read by the computation.
    input_grid: InputGrid | None = None

    @property
    def title(self) -> str:
        return self.config.title

    @property
    def synthetic(self) -> bool:
        return self.config.synthetic

    @property
    def settings(self) -> Settings:
        return self.config.settings

    def no_change_threshold(self, indicator_id: str) -> float:
        """The indicator's own "no change" threshold in points of p, else the monitor's."""
        own = self.indicators[indicator_id].no_change_threshold
        return self.settings.no_change_threshold if own is None else own

    def no_change_z(self, indicator_id: str) -> float:
        """How many standard errors a move of p must exceed to be a change; 0 where the
        statistical rule does not apply (the counts behind p are not known, or
        ``settings.no_change_z`` is 0). Methods §5."""
        return self.settings.no_change_z if self.kinds[indicator_id].binomial_change else 0.0


def _collect(problems: list[Problem], fn, *args) -> Any:
    """Run one loading step; keep its problems and go on, so all are reported together."""
    try:
        return fn(*args)
    except ProblemsError as exc:
        problems.extend(exc.problems)
        return None


def _validate(model, doc: LocatedYaml, prefix: tuple = ()):
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise ProblemsError(pydantic_problems(doc, exc, prefix)) from None


def _read_config(root: Path) -> MonitorConfig:
    path = root / "monitor.yml"
    if not os.path.lexists(path):
        message = "is missing; it holds at least `title: ...` (`wijkmonitor init DIR` makes one)"
        message += misnamed_hint(root, "monitor.yml")
        raise ProblemsError([Problem("monitor.yml", None, "file", message)])
    doc = load_yaml(path, "monitor.yml")
    if not isinstance(doc.data, dict):
        keys = ", ".join(MonitorConfig.model_fields)
        raise ProblemsError(
            [
                Problem(
                    "monitor.yml",
                    1,
                    "top level",
                    f"{_what(doc.data)}; must be a mapping with the keys {keys} "
                    "(title is required)",
                )
            ]
        )
    config = _validate(MonitorConfig, doc)
    loaded = plugin_names()
    unknown = [name for name in config.plugins if name not in loaded]
    if unknown:
        raise ProblemsError(
            [
                doc.problem(
                    ("plugins", name),
                    f"no plugin named {name!r} is installed; loaded: {', '.join(loaded)}",
                )
                for name in unknown
            ]
        )
    return config.model_copy(update={"plugins": _plugin_sections(doc, config.plugins)})


def _plugin_sections(doc: LocatedYaml, sections: dict[str, Any]) -> dict[str, Any]:
    """Each plugin's section of monitor.yml validated by the plugin's own model (hook
    register_config_model), so its errors name file, line and field like all others;
    None for a plugin the monitor switches off with ``enabled: false``."""
    models = config_models()
    validated: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, section in sections.items():
        if not isinstance(section, dict):
            message = (
                f"{section!r} is not a mapping; write the plugin's settings as "
                "key: value lines under it (or enabled: false)"
            )
            problems.append(doc.problem(("plugins", name), message))
            continue
        enabled = section.get("enabled", True)
        if not isinstance(enabled, bool):
            message = f"{enabled!r} is not true or false (false switches the plugin off)"
            problems.append(doc.problem(("plugins", name, "enabled"), message))
            continue
        own = {key: value for key, value in section.items() if key != "enabled"}
        if not enabled:
            validated[name] = None
        elif name in models:
            try:
                validated[name] = models[name].model_validate(own)
            except ValidationError as exc:
                problems += pydantic_problems(doc, exc, ("plugins", name))
        else:
            validated[name] = own
    if problems:
        raise ProblemsError(problems)
    return validated


def _what(data: object) -> str:
    """How a YAML document that is not what it should be reads to a user."""
    if data is None:
        return "the file is empty"
    kind = {
        list: "a list",
        dict: "a mapping",
        str: "a single text",
        int: "a number",
        float: "a number",
    }
    return f"the file holds {kind.get(type(data), type(data).__name__)}"


def _read_themes(root: Path) -> dict[str, Theme] | None:
    display = "indicators/themes.yml"
    path = root / display
    if not path.parent.is_dir():
        return None  # reported once, by _read_indicators
    if not os.path.lexists(path):
        message = "is missing; it lists the themes, each - {id, title, description}"
        message += misnamed_hint(path.parent, path.name)
        raise ProblemsError([Problem(display, None, "file", message)])
    doc = load_yaml(path, display)
    if not isinstance(doc.data, list):
        message = f"{_what(doc.data)}; must be a list of themes, each - {{id, title, description}}"
        raise ProblemsError([Problem(display, 1, "top level", message)])
    themes, problems = {}, []
    for i, item in enumerate(doc.data):
        try:
            theme = Theme.model_validate(item)
        except ValidationError as exc:
            problems += pydantic_problems(doc, exc, (i,))
            continue
        if theme.id in themes:
            first = doc.line((list(themes).index(theme.id), "id"))
            message = f"{theme.id!r} is already the id of the theme on line {first}"
            problems.append(doc.problem((i, "id"), message))
            continue
        themes[theme.id] = theme
    if problems:
        raise ProblemsError(problems)
    return themes


def _read_indicators(root: Path, themes: dict[str, Theme] | None) -> tuple[dict, dict]:
    """Every indicator YAML; with ``themes`` None (themes.yml is broken) themes go unchecked."""
    indicators: dict[str, Indicator] = {}
    docs: dict[str, LocatedYaml] = {}
    problems: list[Problem] = []
    if not (root / "indicators").is_dir():
        message = "is missing; it holds themes.yml and one YAML file per indicator"
        raise ProblemsError([Problem("indicators/", None, "directory", message)])
    for path in input_files(root / "indicators", (".yml", ".yaml")):
        display = f"indicators/{path.name}"
        if path.name.lower() in THEMES_NAMES:
            if path.name != "themes.yml" and os.path.lexists(root / "indicators/themes.yml"):
                message = "the themes are read from indicators/themes.yml only; merge the two"
                problems.append(Problem(display, None, "file", message))
            continue  # themes.yml, or another spelling _read_themes points at
        doc = _collect(problems, load_yaml, path, display)
        if doc is None:
            continue
        if not isinstance(doc.data, dict):
            message = f"{_what(doc.data)}; must be a mapping of indicator fields (id, title, ...)"
            problems.append(Problem(display, 1, "top level", message))
            continue
        indicator = _collect(problems, _validate, Indicator, doc)
        if indicator is None:
            continue
        if indicator.id != path.name.rsplit(".", 1)[0]:
            problems.append(_misnamed(doc, indicator.id, path))
            continue
        if indicator.id in indicators:
            first = indicators[indicator.id].source_file
            problems.append(doc.problem(("id",), f"{indicator.id!r} is also the id in {first}"))
            continue
        if themes is not None and indicator.theme not in themes:
            allowed = ", ".join(themes) or "(none declared)"
            message = f"{indicator.theme!r} is not a theme in indicators/themes.yml ({allowed})"
            problems.append(doc.problem(("theme",), message))
        periods = indicator.periods
        if periods is not None and indicator.baseline_period not in (None, *periods):
            message = f"{indicator.baseline_period} is not one of the periods {periods}"
            problems.append(doc.problem(("baseline_period",), message))
        indicators[indicator.id] = indicator.model_copy(update={"source_file": display})
        docs[indicator.id] = doc
    if problems:
        raise ProblemsError(problems)
    return indicators, docs


def _misnamed(doc: LocatedYaml, indicator_id: str, path: Path) -> Problem:
    """An indicator whose id is not its file name: the id is its page address and the
    name others look it up by, so the two must agree."""
    stem = path.name.rsplit(".", 1)[0]
    message = f"{indicator_id!r} differs from the file name {path.name}; "
    valid_stem = re.fullmatch(ID_PATTERN, stem)
    if os.path.lexists(path.parent / f"{indicator_id}.yml"):
        message += f"indicators/{indicator_id}.yml has that id already: give this one "
        message += (
            f"the id {stem!r}" if valid_stem else "an id of its own and name the file after it"
        )
    elif valid_stem:
        message += f"rename the file to {indicator_id}.yml or the id to {stem!r}"
    else:
        message += f"rename the file to {indicator_id}.yml"
    return doc.problem(("id",), message)


def _call_load_data(impl, kwargs: dict) -> pd.DataFrame | None:
    """One plugin's data; anything but a ProblemsError from it is the plugin's bug."""
    name = impl.plugin_name
    try:
        frame = impl.function(*[kwargs[a] for a in impl.argnames])
    except ProblemsError:
        raise
    except Exception as exc:
        raise ProblemsError([plugin_problem(name, "load_data", exc)]) from None
    if frame is None:
        return None
    where = f"plugin {name!r}"
    if not isinstance(frame, pd.DataFrame):
        message = f"returned {type(frame).__name__}, not a DataFrame (or None)"
        raise ProblemsError([Problem(where, None, "load_data", message)])
    missing = [c for c in DATA_COLUMNS if c not in frame.columns]
    if missing:
        message = (
            f"returned a frame without the columns {', '.join(missing)}; "
            f"needs {', '.join(DATA_COLUMNS)}"
        )
        raise ProblemsError([Problem(where, None, "load_data", message)])
    # Lineage: rows without a source of their own are the plugin's (core/lineage.py).
    return with_source(frame, name)


def _load_data(root: Path, config: MonitorConfig, base: pd.DataFrame) -> pd.DataFrame:
    pm = plugin_manager()
    frames, sources, problems = [], [], []
    for impl in pm.hook.load_data.get_hookimpls():
        if impl.plugin_name in config.disabled_plugins:
            continue  # switched off by this monitor (enabled: false)
        # Each data source sees only its own (validated) section of monitor.yml, and
        # only the arguments its implementation names.
        config_section = config.plugin_config(impl.plugin_name)
        raise_pending()  # a Ctrl+C a library swallowed stops the run here (entry.py)
        kwargs = {"monitor_dir": root, "config": config_section, "regions": base}
        frame = _collect(problems, _call_load_data, impl, kwargs)
        if frame is not None:
            frames.append(frame)
            sources.append(impl.plugin_name)
    if problems:
        raise ProblemsError(problems)
    if not frames:
        return pd.DataFrame(
            {c: pd.Series(dtype=t) for c, t in zip(DATA_COLUMNS, "OiOfO", strict=True)}
        )
    try:
        data = _concat_data(frames)
    except (TypeError, ValueError) as exc:
        names = ", ".join(repr(s) for s in sources)
        message = f"the data of the data sources {names} cannot be combined: {exc}"
        raise ProblemsError([Problem("data/", None, "load_data", message)]) from None
    dupes = duplicated_keys(data)
    if dupes.any():
        # Within one CSV file duplicates are reported by row; these come from two sources.
        owner = np.repeat(np.arange(len(frames)), [len(f) for f in frames])
        raise ProblemsError(_duplicates_across_sources(root, data, dupes, sources, owner))
    return data


def _duplicates_across_sources(
    root: Path, data: pd.DataFrame, dupes: np.ndarray, sources: list[str], owner: np.ndarray
) -> list[Problem]:
    """Figures given by two files (or a file and a plugin): name both places, or the
    data sources that give them (``owner``: per row of ``data`` its index in ``sources``)."""
    rows = data.loc[dupes, ["region", "period", "variable"]].astype(
        {"region": str, "variable": str}
    )
    shown = rows.head(MAX_REPORTED)
    located = locate_rows(root, shown)
    givers = _sources_of(data, shown, sources, owner)
    problems = []
    for row in shown.itertuples(index=False):  # at most MAX_REPORTED rows
        key = (row.region, row.period, row.variable)
        places = located.get(key, [])
        what = f"{row.region}, {row.period}, {row.variable}"
        if len(places) >= 2:
            (first, first_line), (file, line) = places[0], places[1]
            message = f"{what} is also given in {first}:{first_line}; give each figure once"
        else:
            file, line = places[0] if places else ("data/", None)
            names = ", ".join(repr(s) for s in givers.get(key, sources))
            message = (
                f"{what} is given by more than one data source ({names}); give each figure once"
            )
        problems.append(Problem(file, line, "region", message))
    return problems + and_more(len(rows), "data/", "region", "more given twice")


def _sources_of(
    data: pd.DataFrame, keys: pd.DataFrame, sources: list[str], owner: np.ndarray
) -> dict[tuple, list[str]]:
    """(region, period, variable) -> the data sources that give it, for a few keys."""
    candidate = (
        data["region"].isin(set(keys["region"])).to_numpy()
        & data["variable"].isin(set(keys["variable"])).to_numpy()
        & np.isin(data["period"].to_numpy(), keys["period"].to_numpy())
    )
    found: dict[tuple, set[str]] = {}
    rows = data.loc[candidate, ["region", "period", "variable"]].astype(
        {"region": str, "period": "int64", "variable": str}
    )
    for key, source in zip(rows.itertuples(index=False, name=None), owner[candidate], strict=True):
        found.setdefault(key, set()).add(sources[source])
    return {key: sorted(names) for key, names in found.items()}


def _concat_data(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate data sources, keeping codes categorical (millions of rows stay small)."""
    columns = {}
    for column in ("region", "variable", "status", SOURCE):
        parts = [
            pd.Categorical(f[column].astype(str))
            if f[column].dtype != "category"
            else f[column].array
            for f in frames
        ]
        columns[column] = union_categoricals(parts, ignore_order=True)
    return pd.DataFrame(
        {
            "region": columns["region"],
            "period": np.concatenate([f["period"].to_numpy(dtype="int64") for f in frames]),
            "variable": columns["variable"],
            "value": np.concatenate([f["value"].to_numpy(dtype="float64") for f in frames]),
            "status": columns["status"],
            SOURCE: columns[SOURCE],
        }
    )


def _negative_counts(
    root: Path,
    data: pd.DataFrame,
    indicators: dict[str, Indicator],
    inputs: dict,
    kinds: dict[str, IndicatorKinds],
) -> list[Problem]:
    """Rows with a negative value for a variable some formula uses as a count."""
    used_as: dict[str, str] = {}
    for ind_id, fields in inputs.items():
        indicator = indicators[ind_id]
        counts = kinds[ind_id].formula.count_inputs()
        for name, variable in fields.items():
            if name in counts:
                used_as.setdefault(variable, f"formula.{name} in {indicator.source_file}")
    if not used_as:
        return []
    bad = data["variable"].isin(list(used_as)).to_numpy() & (data["value"].to_numpy() < 0)
    if not bad.any():
        return []
    rows = data.loc[bad, ["region", "period", "variable", "value"]].astype(
        {"region": str, "variable": str}
    )
    shown = rows.head(MAX_REPORTED)
    located = locate_rows(root, shown)
    problems = []
    for row in shown.itertuples(index=False):  # at most MAX_REPORTED rows
        message = (
            f"{row.value:g} is negative, but {row.variable!r} is a count "
            f"({used_as[row.variable]}); counts cannot be negative"
        )
        places = located.get((row.region, row.period, row.variable))
        where = places[0] if places else ("data/", None)
        if not places:
            message += f" ({row.region}, {row.period}, from a data plugin)"
        problems.append(Problem(where[0], where[1], "value", message))
    return problems + and_more(len(rows), "data/", "value", "more negative counts")


def _read_regions(root: Path) -> pd.DataFrame:
    path = root / "data/regions.csv"
    if not os.path.lexists(path):
        message = "is missing; it lists the base regions: code,name,level,parent"
        message += misnamed_hint(path.parent, path.name)
        raise ProblemsError([Problem("data/regions.csv", None, "file", message)])
    check_input(path, "data/regions.csv")  # a pipe or device would hang the CSV reader
    return read_base_regions(path, "data/regions.csv")


def _read_areas(root: Path) -> tuple[list, LocatedYaml | None]:
    """areas.yml is optional, but a link to nothing or another spelling of it is no
    reason to drop every focus area without a word."""
    path = root / "areas.yml"
    hint = misnamed_hint(root, "areas.yml")
    if not os.path.lexists(path) and hint:
        message = "is missing, so the monitor has no focus areas" + hint
        raise ProblemsError([Problem("areas.yml", None, "file", message)])
    check_input(path, "areas.yml")
    return read_areas(path, "areas.yml")


def _focus_area_pages(root: Path, config: MonitorConfig, members: dict) -> list[Problem]:
    """Focus areas are what a monitor follows: each always gets a page, so leaving
    ``focus_area`` out of settings.area_pages cannot be honoured; say so, not silently."""
    if not members or "focus_area" in config.settings.area_pages:
        return []
    doc = load_yaml(root / "monitor.yml", "monitor.yml")
    message = (
        f"leaves out focus_area, but areas.yml declares {len(members)} focus area"
        f"{'s' if len(members) != 1 else ''}, and every focus area gets a page (other "
        "pages link to it); add focus_area to the list"
    )
    problem = doc.problem(("settings", "area_pages"), message)
    return [dataclasses.replace(problem, warning=True)]


def load_monitor(root: Path | str) -> Monitor:
    """Read and validate a monitor; raise one ProblemsError listing every problem."""
    return check_monitor(read_monitor(root))


def read_monitor(root: Path | str) -> Monitor:
    """Read and validate every file of a monitor (raise one ProblemsError listing every
    problem), without the checks of its figures on the grid (``check_monitor``)."""
    root = Path(root)
    if not root.is_dir():
        message = (
            "does not exist" if not root.exists() else "is a file, not a monitor directory"
        ) + " (a monitor directory holds monitor.yml; `wijkmonitor init DIR` makes one)"
        raise ProblemsError([Problem(str(root), None, "monitor directory", message)])
    problems: list[Problem] = []
    config = _collect(problems, _read_config, root)
    themes = _collect(problems, _read_themes, root)
    loaded = _collect(problems, _read_indicators, root, themes)
    base = _collect(problems, _read_regions, root)
    areas_doc = _collect(problems, _read_areas, root)
    built = None
    if base is not None and areas_doc is not None:
        built = _collect(problems, build_regions, base, *areas_doc)
    data = None
    if base is not None and config is not None:
        data = _collect(problems, _load_data, root, config, base)
    # A broken plugin is reported once, not once per indicator.
    kinds = _collect(problems, lambda: (formula_kinds(), comparison_kinds()))
    if problems or loaded is None or built is None or data is None or kinds is None:
        raise ProblemsError(problems)

    indicators, docs = loaded
    variables = set(data["variable"].unique())
    inputs: dict[str, dict[str, str]] = {}
    for ind_id, indicator in indicators.items():
        resolved = _collect(
            problems, check_formula, indicator, docs[ind_id], variables, config.disabled_plugins
        )
        _collect(problems, check_comparison, indicator, docs[ind_id])
        if resolved is not None:
            inputs[ind_id] = resolved
    if problems:
        raise ProblemsError(problems)
    resolved_kinds = _collect(problems, _resolve_kinds, indicators, *kinds)
    if problems:
        raise ProblemsError(problems)
    problems += _negative_counts(root, data, indicators, inputs, resolved_kinds)
    problems += _periods_without_data(data, indicators, docs, inputs)
    if problems:
        raise ProblemsError(problems)
    regions, membership = built
    boundaries = None
    if config.boundaries:
        # Shapes are read last: a monitor whose tables are wrong reports those first,
        # and reading big boundary files is the slowest step of loading. (Imported here:
        # the geographic libraries take some 0.15 s to import, for monitors without maps
        # too, on every command.)
        from wijkmonitor.core.boundaries import read_boundaries

        boundaries = read_boundaries(root, config, regions, membership)
    members = {area.id: list(area.members) for area in areas_doc[0]}
    warnings = reference_warnings(regions, membership, *areas_doc)
    warnings += _focus_area_pages(root, config, members)
    if boundaries is not None:
        warnings += boundaries.warnings
    if not indicators:
        message = (
            "holds no indicator, so the site will show no figure; add one YAML file per "
            "indicator (indicators/<id>.yml)"
        )
        warnings.insert(0, Problem("indicators/", None, "directory", message, warning=True))
    return Monitor(
        root,
        config,
        themes,
        indicators,
        regions,
        membership,
        data,
        inputs,
        members,
        warnings,
        kinds=resolved_kinds,
        boundaries=boundaries,
    )


def check_monitor(monitor: Monitor) -> Monitor:
    """The monitor with its input variables on the grid (built once here, for these
    checks and for the computation) and the warnings about its figures: parents whose
    own figure their children's sum contradicts (methods §13)."""
    grid = input_grid(
        monitor.regions, monitor.membership, monitor.data, monitor.inputs, monitor.kinds
    )
    warnings = mismatch_warnings(grid.derivation.mismatches, "data/")
    return dataclasses.replace(monitor, warnings=monitor.warnings + warnings, input_grid=grid)


def _resolve_kinds(
    indicators: dict[str, Indicator], formulas: dict, comparisons: dict
) -> dict[str, IndicatorKinds]:
    """Each (validated) indicator's kinds and options, looked up once in the registry.

    A kind that declares a ``deviation_unit`` the site cannot word is the plugin's
    error: p would be called a percentage, or not, by accident."""
    resolved, problems = {}, []
    for ind_id, indicator in indicators.items():
        formula = formulas[indicator.formula_kind]
        comparison = comparisons[indicator.comparison_kind]
        if comparison.deviation_unit not in DEVIATION_UNITS:
            message = (
                f"the comparison kind {comparison.name!r} declares deviation_unit "
                f"{comparison.deviation_unit!r}; must be one of {', '.join(DEVIATION_UNITS)} "
                "(an error in the plugin, not in this file: report it to the plugin's authors)"
            )
            problems.append(Problem(indicator.source_file, None, "comparison.kind", message))
            continue
        resolved[ind_id] = IndicatorKinds(
            formula=formula,
            comparison=comparison,
            formula_options=resolved_options(indicator.formula, formula.options),
            comparison_options=resolved_options(indicator.comparison, comparison.options),
        )
    if problems:
        raise ProblemsError(problems)
    return resolved


def _periods_with_data(data: pd.DataFrame, inputs: dict[str, dict[str, str]]) -> dict:
    """indicator id -> the periods in which every input variable has a figure (a value,
    x or -; a row marked . is no figure). One pass over the data: a variables x years
    table of booleans."""
    variable = pd.Categorical(data["variable"])
    period = data["period"].to_numpy(dtype="int64")
    if len(period) == 0:
        return {ind_id: np.array([], dtype="int64") for ind_id in inputs}
    first = int(period.min())
    has = np.zeros((len(variable.categories), int(period.max()) - first + 1), dtype=bool)
    figure = np.asarray(data["status"] != NOT_AVAILABLE) & (variable.codes >= 0)
    has[variable.codes[figure], period[figure] - first] = True
    row = {str(v): i for i, v in enumerate(variable.categories)}
    result = {}
    for ind_id, fields in inputs.items():
        rows = [row[v] for v in fields.values() if v in row]
        common = has[rows].all(axis=0) if rows else np.zeros(has.shape[1], dtype=bool)
        result[ind_id] = first + np.flatnonzero(common)
    return result


def _years(periods: np.ndarray) -> str:
    return ", ".join(str(p) for p in periods)


def _periods_without_data(
    data: pd.DataFrame,
    indicators: dict[str, Indicator],
    docs: dict[str, LocatedYaml],
    inputs: dict[str, dict[str, str]],
) -> list[Problem]:
    """A baseline or a listed period with no figures: the development since a baseline
    after the last figures (or before the first) cannot be computed, and would silently
    be "insufficient data" for every area."""
    problems = []
    for ind_id, periods in _periods_with_data(data, inputs).items():
        indicator, doc = indicators[ind_id], docs[ind_id]
        if len(periods) == 0:
            variables = ", ".join(inputs[ind_id].values())
            message = (
                f"its inputs ({variables}) have figures in no common period, so it has no "
                "value in any period; give every input figures for the same periods"
            )
            problems.append(doc.problem(("formula",), message))
            continue
        with_data = f"periods with figures for all its inputs: {_years(periods)}"
        for j, period in enumerate(indicator.periods or ()):
            if period not in periods:
                message = f"{period} has no figures; {with_data}"
                problems.append(doc.problem(("periods", j), message))
        baseline = indicator.baseline_period
        # With periods listed, the baseline is one of them (checked on reading).
        if baseline is not None and indicator.periods is None and baseline not in periods:
            message = (
                f"{baseline} has no figures, so no change can be measured from it; {with_data}"
            )
            problems.append(doc.problem(("baseline_period",), message))
    return problems
