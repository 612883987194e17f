"""The household file of the SES-WOA plugin: read it and check every row.

One row per private household and year (CSV, optionally gzipped, ``.csv.gz``)::

    household_id,region,period,welvaart_decile,opleiding,arbeid
    h000001,1024,2019,3,2,5

- ``region``: the finest base region the household lives in (a PC4 or buurt), or the
  gemeente code for a household outside every smaller listed region;
- ``welvaart_decile``: national decile of financial welfare, 1 (lowest) - 10;
- ``opleiding``: education level of the household, 1 (lowest) - 5;
- ``arbeid``: recent labour history, one of 7 classes (1-7; nominal, the MCA finds
  their order itself).

A (household_id, period) pair may occur once.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wijkmonitor.core.csvfile import row_problems
from wijkmonitor.core.problems import Problem, ProblemsError

# Categorical variable -> number of classes (coded 1..n).
CATEGORIES: dict[str, int] = {"welvaart_decile": 10, "opleiding": 5, "arbeid": 7}
COLUMNS = ["household_id", "region", "period", *CATEGORIES]


def read_households(
    path: Path, display: str | None = None, known_regions: pd.Index | None = None
) -> pd.DataFrame:
    """Read and validate a household file; raise every problem at once.

    Returns columns household_id (str), region (str), period (int64) and the three
    categories (int8). With ``known_regions`` a region code not in it is a problem.
    """
    display = display or str(path)
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", compression="infer"
        )
    except FileNotFoundError:
        raise ProblemsError([Problem(display, None, None, "file not found")]) from None
    except (pd.errors.ParserError, UnicodeDecodeError, EOFError, OSError) as exc:
        raise ProblemsError([Problem(display, None, None, f"cannot read as CSV: {exc}")]) from None
    except pd.errors.EmptyDataError:
        raise ProblemsError([Problem(display, None, None, "file is empty")]) from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        message = f"columns must include {', '.join(COLUMNS)}; missing: {', '.join(missing)}"
        raise ProblemsError([Problem(display, 1, None, message)])
    frame = frame[COLUMNS].apply(lambda column: column.str.strip())

    problems: list[Problem] = []
    for column in ("household_id", "region"):
        problems += row_problems(display, frame[column] == "", column, lambda v: "is empty", frame)
    if known_regions is not None:
        unknown = (frame["region"] != "") & ~frame["region"].isin(known_regions)
        problems += row_problems(
            display, unknown, "region", lambda v: f"{v!r} is not a code in data/regions.csv", frame
        )
    period = pd.to_numeric(frame["period"], errors="coerce")
    problems += row_problems(
        display,
        period.isna() | (period != period.round()),
        "period",
        lambda v: f"{v!r} is not a year",
        frame,
    )
    codes = {}
    for column, n in CATEGORIES.items():
        number = pd.to_numeric(frame[column], errors="coerce")
        bad = number.isna() | (number != number.round()) | (number < 1) | (number > n)
        problems += row_problems(
            display, bad, column, lambda v, n=n: f"{v!r} is not a class 1-{n}", frame
        )
        codes[column] = number
    if problems:
        raise ProblemsError(problems)
    households = pd.DataFrame(
        {
            "household_id": frame["household_id"],
            "region": frame["region"],
            "period": period.astype("int64"),
            **{c: v.astype("int8") for c, v in codes.items()},
        }
    )
    dupes = households.duplicated(["household_id", "period"])
    if dupes.any():
        raise ProblemsError(
            row_problems(
                display,
                dupes,
                "household_id",
                lambda v: f"{v!r} occurs twice in the same period",
                households,
            )
        )
    return households
