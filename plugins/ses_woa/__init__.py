"""SES-WOA plugin: the CBS socio-economic score (welvaart, opleiding, arbeid) per area.

What it does
    ``load_data`` reads a household file (one row per private household and year: region,
    welfare decile, education level, labour history; see :mod:`.households`), scores
    every household with stored MCA coefficients (:mod:`.scoring`) and returns per
    region and period the number of households and the sum and sum of squares of the
    total score and the three sub-scores (:mod:`.statistics`), rolled up to gemeenten.
    The formula kind ``ses_woa`` (:mod:`.kind`) turns these into the mean or the spread
    (standard deviation) of a score in any area, also in composite areas.

    It reaches the rest of wijkmonitor only through hooks: its section of ``monitor.yml``
    (``register_config_model``: :class:`SesWoaConfig`), its command ``wijkmonitor ses-woa
    fit|synthetic`` (``register_commands``: :mod:`.commands`, with the synthetic data
    generator :mod:`.synthetic_households`), its prose on the SES-WOA indicator and theme
    pages and the coefficients as a download (``register_pages``,
    ``register_downloads``: :mod:`.pages`).

Configuration in ``monitor.yml``::

    plugins:
      ses_woa:
        households: data/synthetic_households.csv.gz
        coefficients: data/ses_woa_coefficients.json

    No ``ses_woa`` section: the plugin provides no data. ``enabled: false`` switches it
    off for the monitor.

Where it follows CBS (docs/methods.md §9; CBS's announcement of the SES-WOA score)
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
from pydantic import Field

from wijkmonitor.core.hookspecs import Command, Download, PageSection, hookimpl
from wijkmonitor.core.inputfiles import input_problem
from wijkmonitor.core.kinds import FormulaKind
from wijkmonitor.core.model import Strict
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.plugins.ses_woa.households import read_households
from wijkmonitor.plugins.ses_woa.kind import SES_WOA_KIND
from wijkmonitor.plugins.ses_woa.scoring import apply, load_coefficients
from wijkmonitor.plugins.ses_woa.statistics import region_statistics


class SesWoaConfig(Strict):
    """``plugins: {ses_woa: ...}`` in monitor.yml; paths relative to the monitor."""

    # One row per private household and year (.csv or .csv.gz; see .households).
    households: str = Field(min_length=1)
    # Made by `wijkmonitor ses-woa fit` (see .scoring).
    coefficients: str = Field(min_length=1)


@hookimpl
def register_config_model() -> type[SesWoaConfig]:
    return SesWoaConfig


@hookimpl
def register_formula_kinds() -> list[FormulaKind]:
    return [SES_WOA_KIND]


@hookimpl
def register_commands() -> list[Command]:
    from wijkmonitor.plugins.ses_woa.commands import COMMAND

    return [COMMAND]


@hookimpl
def register_pages(site) -> list[PageSection]:
    from wijkmonitor.plugins.ses_woa.pages import sections

    return sections(site)


@hookimpl
def register_downloads(site) -> list[Download]:
    from wijkmonitor.plugins.ses_woa.pages import downloads

    return downloads(site)


@hookimpl
def load_data(
    monitor_dir: Path, config: SesWoaConfig | dict, regions: pd.DataFrame
) -> pd.DataFrame | None:
    if not isinstance(config, SesWoaConfig):
        return None  # no ses_woa section in monitor.yml: nothing to provide
    paths = {"coefficients": config.coefficients, "households": config.households}
    # A pipe or device named in monitor.yml would hang or exhaust the readers below.
    problems = [input_problem(monitor_dir / display, display) for display in paths.values()]
    if any(problems):
        raise ProblemsError([p for p in problems if p is not None])
    coefficients = load_coefficients(monitor_dir / config.coefficients, config.coefficients)
    households = read_households(
        monitor_dir / config.households, config.households, known_regions=regions.index
    )
    return region_statistics(households, apply(households, coefficients), regions)
