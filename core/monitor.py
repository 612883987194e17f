"""Load a monitor directory into a validated :class:`Monitor` — or every problem at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals
from pydantic import ValidationError

from wijkmonitor.core.formulas import check_comparison, check_formula
from wijkmonitor.core.model import Indicator, MonitorConfig, Settings, Theme
from wijkmonitor.core.pluginmanager import plugin_manager
from wijkmonitor.core.problems import Problem, ProblemsError
from wijkmonitor.core.regions import build_regions, read_areas, read_base_regions
from wijkmonitor.core.tidy import duplicated_keys
from wijkmonitor.core.yamlfile import LocatedYaml, load_yaml, pydantic_problems

DATA_COLUMNS = ["region", "period", "variable", "value", "status"]


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

    @property
    def title(self) -> str:
        return self.config.title

    @property
    def synthetic(self) -> bool:
        return self.config.synthetic

    @property
    def settings(self) -> Settings:
        return self.config.settings


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
    if not path.exists():
        raise ProblemsError([Problem("monitor.yml", None, None, "file is missing (needs title)")])
    doc = load_yaml(path, "monitor.yml")
    if not isinstance(doc.data, dict):
        raise ProblemsError([Problem("monitor.yml", 1, None, "must be a mapping with a title")])
    return _validate(MonitorConfig, doc)


def _read_themes(root: Path) -> dict[str, Theme]:
    display = "indicators/themes.yml"
    path = root / display
    if not path.exists():
        raise ProblemsError([Problem(display, None, None, "file is missing (list of themes)")])
    doc = load_yaml(path, display)
    if not isinstance(doc.data, list):
        raise ProblemsError(
            [Problem(display, 1, None, "must be a list of {id, title, description}")]
        )
    themes, problems = {}, []
    for i, item in enumerate(doc.data):
        try:
            theme = Theme.model_validate(item)
        except ValidationError as exc:
            problems += pydantic_problems(doc, exc, (i,))
            continue
        if theme.id in themes:
            problems.append(doc.problem((i, "id"), f"{theme.id!r} is declared twice"))
        themes[theme.id] = theme
    if problems:
        raise ProblemsError(problems)
    return themes


def _read_indicators(root: Path, themes: dict[str, Theme]) -> tuple[dict, dict]:
    indicators: dict[str, Indicator] = {}
    docs: dict[str, LocatedYaml] = {}
    problems: list[Problem] = []
    paths = sorted(p for p in (root / "indicators").glob("*.yml") if p.name != "themes.yml")
    for path in paths:
        display = f"indicators/{path.name}"
        doc = _collect(problems, load_yaml, path, display)
        if doc is None:
            continue
        if not isinstance(doc.data, dict):
            problems.append(Problem(display, 1, None, "must be a mapping of indicator fields"))
            continue
        indicator = _collect(problems, _validate, Indicator, doc)
        if indicator is None:
            continue
        if indicator.id in indicators:
            first = indicators[indicator.id].source_file
            problems.append(doc.problem(("id",), f"{indicator.id!r} is also the id in {first}"))
            continue
        if indicator.theme not in themes:
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


def _load_data(root: Path, config: MonitorConfig, base: pd.DataFrame) -> pd.DataFrame:
    pm = plugin_manager()
    frames, problems = [], []
    for impl in pm.hook.load_data.get_hookimpls():
        # Each data source sees only its own section of monitor.yml, and only the
        # arguments its implementation names.
        config_section = config.plugins.get(impl.plugin_name, {})
        kwargs = {"monitor_dir": root, "config": config_section, "regions": base}
        frame = _collect(problems, impl.function, *[kwargs[a] for a in impl.argnames])
        if frame is not None:
            frames.append(frame[DATA_COLUMNS])
    if problems:
        raise ProblemsError(problems)
    if not frames:
        return pd.DataFrame(
            {c: pd.Series(dtype=t) for c, t in zip(DATA_COLUMNS, "OiOfO", strict=True)}
        )
    data = _concat_data(frames)
    dupes = duplicated_keys(data)
    if dupes.any():
        first = data[dupes].iloc[0]
        raise ProblemsError(
            [
                Problem(
                    "data/",
                    None,
                    "variable",
                    f"{dupes.sum()} figures are given twice by different files or plugins, "
                    f"e.g. {first['variable']!r} for {first['region']} in {first['period']}",
                )
            ]
        )
    return data


def _concat_data(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate data sources, keeping codes categorical (millions of rows stay small)."""
    columns = {}
    for column in ("region", "variable", "status"):
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
        }
    )


def load_monitor(root: Path | str) -> Monitor:
    """Read and validate a monitor; raise one ProblemsError listing every problem."""
    root = Path(root)
    if not root.is_dir():
        raise ProblemsError([Problem(str(root), None, None, "is not a directory")])
    problems: list[Problem] = []
    config = _collect(problems, _read_config, root)
    themes = _collect(problems, _read_themes, root) or {}
    loaded = _collect(problems, _read_indicators, root, themes)
    base = _collect(problems, read_base_regions, root / "data/regions.csv", "data/regions.csv")
    areas_doc = _collect(problems, read_areas, root / "areas.yml", "areas.yml")
    built = None
    if base is not None and areas_doc is not None:
        built = _collect(problems, build_regions, base, *areas_doc)
    data = None
    if base is not None and config is not None:
        data = _collect(problems, _load_data, root, config, base)
    if problems or loaded is None or built is None or data is None:
        raise ProblemsError(problems)

    indicators, docs = loaded
    variables = set(data["variable"].unique())
    inputs: dict[str, dict[str, str]] = {}
    for ind_id, indicator in indicators.items():
        resolved = _collect(problems, check_formula, indicator, docs[ind_id], variables)
        _collect(problems, check_comparison, indicator, docs[ind_id])
        if resolved is not None:
            inputs[ind_id] = resolved
    if problems:
        raise ProblemsError(problems)
    regions, membership = built
    members = {area.id: list(area.members) for area in areas_doc[0]}
    return Monitor(root, config, themes, indicators, regions, membership, data, inputs, members)
