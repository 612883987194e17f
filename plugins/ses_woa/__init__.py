"""SES-WOA plugin: the CBS socio-economic score (welvaart, opleiding, arbeid) per area.

What it does
    ``load_data`` reads a household file (one row per private household and year: region,
    welfare decile, education level, labour history; see :mod:`.households`), scores
    every household with stored MCA coefficients (:mod:`.scoring`) and returns per
    region and period the number of households and the sum and sum of squares of the
    total score and the three sub-scores (:mod:`.statistics`), rolled up to gemeenten.
    The formula kind ``ses_woa`` (:mod:`.kind`) turns these into the mean or the spread
    (standard deviation) of a score in any area, also in composite areas.

Configuration in ``monitor.yml``::

    plugins:
      ses_woa:
        households: data/synthetic_households.csv.gz
        coefficients: data/ses_woa_coefficients.json

    No ``ses_woa`` section: the plugin provides no data.

Where it follows CBS (DOMAIN 6; CBS's announcement of the SES-WOA score)
    - a Multiple Correspondence Analysis on three categorical variables per private
      household: national welfare decile (10 classes), education level of the household
      (5) and recent labour history (7);
    - a total score and the three sub-scores, from the first MCA dimension;
    - the coefficients of one reference year (2019) applied to every year, so years are
      comparable and the reference year's mean is 0;
    - per area the mean score of its households, the spread (standard deviation) inside
      the area, and the number of households.

Where it can only approximate
    - the category definitions (what exactly makes an education level or a labour
      history class) are CBS's; this plugin takes classes 1..n as given;
    - CBS's exact scaling of the score and of the sub-scores is not reproduced: here the
      total is the MCA row coordinate (mean of standard coordinates) and a sub-score is
      its category's share of it; CBS's published numbers will differ in scale;
    - no weighting: every household in the file counts once (CBS uses the full
      population, so a sample gives a sample estimate);
    - regions are whatever the household file says; CBS uses the 2021 boundaries for all
      years, which a monitor must do too (one boundary year per time series).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wijkmonitor.core.hookspecs import hookimpl
from wijkmonitor.core.inputfiles import input_problem
from wijkmonitor.core.kinds import FormulaKind
from wijkmonitor.core.problems import Problem, ProblemsError
from wijkmonitor.plugins.ses_woa.households import read_households
from wijkmonitor.plugins.ses_woa.kind import SES_WOA_KIND
from wijkmonitor.plugins.ses_woa.scoring import apply, load_coefficients
from wijkmonitor.plugins.ses_woa.statistics import region_statistics

CONFIG_KEYS = ("households", "coefficients")


@hookimpl
def register_formula_kinds() -> list[FormulaKind]:
    return [SES_WOA_KIND]


@hookimpl
def load_data(monitor_dir: Path, config: dict, regions: pd.DataFrame) -> pd.DataFrame | None:
    if not config:
        return None
    where = "monitor.yml"
    problems = [
        Problem(where, None, f"plugins.ses_woa.{key}", "required: a path in the monitor")
        for key in CONFIG_KEYS
        if not isinstance(config.get(key), str)
    ]
    problems += [
        Problem(
            where, None, f"plugins.ses_woa.{key}", f"unknown key; allowed: {', '.join(CONFIG_KEYS)}"
        )
        for key in config
        if key not in CONFIG_KEYS
    ]
    if problems:
        raise ProblemsError(problems)
    # A pipe or device named in monitor.yml would hang or exhaust the readers below.
    problems = [input_problem(monitor_dir / config[key], config[key]) for key in CONFIG_KEYS]
    if any(problems):
        raise ProblemsError([p for p in problems if p is not None])
    coefficients = load_coefficients(monitor_dir / config["coefficients"], config["coefficients"])
    households = read_households(
        monitor_dir / config["households"], config["households"], known_regions=regions.index
    )
    return region_statistics(households, apply(households, coefficients), regions)
