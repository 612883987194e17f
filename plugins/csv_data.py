"""Built-in data source: the tidy CSV files in ``data/`` (all but ``regions.csv``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wijkmonitor.core.hookspecs import hookimpl
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.core.tidy import read_tidy_csv


@hookimpl
def load_data(monitor_dir: Path, regions: pd.DataFrame) -> pd.DataFrame | None:
    files = [f for f in sorted((monitor_dir / "data").glob("*.csv")) if f.name != "regions.csv"]
    frames, problems = [], []
    for path in files:
        try:
            frames.append(read_tidy_csv(path, monitor_dir, known_regions=regions.index))
        except ProblemsError as exc:
            problems += exc.problems
    if problems:
        raise ProblemsError(problems)
    return pd.concat(frames, ignore_index=True) if frames else None
