"""Built-in data source: the tidy CSV files in ``data/`` (all but ``regions.csv``).

Which files those are is decided by ``core.inputfiles``: ``.csv`` in any case (Windows
exports say ``.CSV``), never a hidden or editor's file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wijkmonitor.core.hookspecs import hookimpl
from wijkmonitor.core.inputfiles import check_input, data_files
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.core.tidy import read_tidy_csv


@hookimpl
def load_data(monitor_dir: Path, regions: pd.DataFrame) -> pd.DataFrame | None:
    frames, problems = [], []
    for path in data_files(monitor_dir):
        try:
            # No size limit (national data is gigabytes), but never a device or a pipe.
            check_input(path, f"data/{path.name}")
            frames.append(read_tidy_csv(path, monitor_dir, known_regions=regions.index))
        except ProblemsError as exc:
            problems += exc.problems
    if problems:
        raise ProblemsError(problems)
    return pd.concat(frames, ignore_index=True) if frames else None
