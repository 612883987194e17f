"""Shared steps of the StatLine importers: rows with region, period and cells -> tidy.

Both the CSV export and the OData API end in a long frame with one row per region,
period and column. This module checks regions and periods, drops rows above gemeente
level and finds duplicates; the tidy format they end in (its columns, symbols and
writer) is :mod:`wijkmonitor.core.tidy`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from wijkmonitor.core.problems import MAX_REPORTED, Problem, ProblemsError, and_more
from wijkmonitor.importers.cells import parse_periods
from wijkmonitor.importers.regions import ABOVE_GEMEENTE, derived_parents, region_levels


@dataclass
class ImportResult:
    """What an import produced: tidy data, the regions it saw and the column mapping used."""

    tidy: pd.DataFrame
    regions: pd.DataFrame
    mapping: dict[str, str]
    notes: list[str] = field(default_factory=list)


def located_problems(
    file: str,
    lines: Iterable[int | None],
    fields: Iterable[str | None],
    messages: Iterable[str],
) -> list[Problem]:
    """Problems for the given cells, at most MAX_REPORTED, plus a count of the rest."""
    items = list(zip(lines, fields, messages, strict=True))
    problems = [Problem(file, line, fld, msg) for line, fld, msg in items[:MAX_REPORTED]]
    return problems + and_more(len(items), file, None, "more like the above")


def _lines(rows: pd.DataFrame) -> list[int | None]:
    return [int(x) for x in rows["line"]]


def check_regions_and_periods(
    rows: pd.DataFrame,
    file: str,
    region_field: str,
    period_field: str,
) -> tuple[pd.DataFrame, list[Problem], list[str]]:
    """Validate ``region`` and ``period_label`` of the rows (one per source row).

    Adds ``level`` and ``period``; drops rows above gemeente level (noted). ``rows``
    needs the columns ``line``, ``region`` (stripped code), ``period_label``.
    """
    problems: list[Problem] = []
    notes: list[str] = []
    rows = rows.copy()
    rows["level"] = region_levels(rows["region"])
    bad = rows[rows["level"] == ""]
    problems += located_problems(
        file,
        _lines(bad),
        [region_field] * len(bad),
        [
            f"region code {c!r} not understood (expected GM0363, WK036300, BU03630000, "
            "a PC4 such as 1024, or NL00)"
            for c in bad["region"]
        ],
    )
    years, marks = parse_periods(rows["period_label"])
    rows["period"] = years
    bad = rows[years.isna()]
    problems += located_problems(
        file,
        _lines(bad),
        [period_field] * len(bad),
        [
            f"period {p!r} not understood (expected a year: 2019, 2019JJ00, 2019*)"
            for p in bad["period_label"]
        ],
    )
    provisional = sorted(set(rows.loc[marks != "", "period_label"].str.strip()))
    if provisional:
        notes.append(
            "provisional periods (voorlopig) read as their year, marker dropped: "
            + ", ".join(provisional)
        )
    above = rows["level"] == ABOVE_GEMEENTE
    if above.any():
        codes = sorted(set(rows.loc[above, "region"]))
        notes.append(
            f"skipped {int(above.sum())} rows of regions above gemeente level "
            f"({', '.join(codes)}): not base regions of a monitor"
        )
    return rows[~above], problems, notes


def regions_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """code,name,level,parent of the regions in ``rows`` (columns region, name, level)."""
    regions = rows.drop_duplicates("region")[["region", "name", "level"]].rename(
        columns={"region": "code"}
    )
    regions["name"] = regions["name"].mask(regions["name"] == "", regions["code"])
    regions["parent"] = derived_parents(regions["code"], regions["level"])
    return regions.reset_index(drop=True)


def duplicate_problems(tidy: pd.DataFrame, file: str, line_word: str = "line") -> list[Problem]:
    """(region, period, variable) given twice: name both places."""
    keys = ["region", "period", "variable"]
    dup = tidy[tidy.duplicated(keys, keep=False)].sort_values([*keys, "line"])
    if dup.empty:
        return []
    first = dup.groupby(keys, sort=False)["line"].transform("first")
    later = dup[dup["line"] != first]
    return located_problems(
        file,
        _lines(later),
        later["column"],
        [
            f"{r} {p} {v} already given on {line_word} {f}"
            for r, p, v, f in zip(
                later["region"], later["period"], later["variable"], first[later.index], strict=True
            )
        ],
    )


def raise_if(problems: list[Problem]) -> None:
    if problems:
        raise ProblemsError(problems)
