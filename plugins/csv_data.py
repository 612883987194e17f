"""Built-in data source: the tidy CSV files in ``data/`` (all but ``regions.csv``).

Which files those are is decided by ``core.inputfiles``: ``.csv`` in any case (Windows
exports say ``.CSV``), never a hidden or editor's file.

Lineage: a row's source is the file's own ``source`` column where it gives one (an
imported StatLine table: ``CBS StatLine 85163NED``), else the file (``data/x.csv``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wijkmonitor.core.csvfile import display_name
from wijkmonitor.core.hookspecs import hookimpl
from wijkmonitor.core.inputfiles import check_input, data_files
from wijkmonitor.core.lineage import with_source
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.core.tidy import read_tidy_csv


@hookimpl
def load_data(monitor_dir: Path, regions: pd.DataFrame) -> pd.DataFrame | None:
    frames, problems = [], []
    for path in data_files(monitor_dir):
        try:
            # No size limit (national data is gigabytes), but never a device or a pipe.
            check_input(path, f"data/{path.name}")
            tidy = read_tidy_csv(path, monitor_dir, known_regions=regions.index)
            frames.append(with_source(tidy, display_name(path, monitor_dir)))
        except ProblemsError as exc:
            problems += exc.problems
    if problems:
        raise ProblemsError(problems)
    return pd.concat(frames, ignore_index=True) if frames else None
