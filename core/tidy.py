"""The tidy input format: ``region, period, variable, value[, status]``, validated row by row.

CBS symbols: ``.`` not available, ``x`` secret, ``-`` nil. They may stand in the
``status`` column or, as in CBS tables, in place of the value. A nil is the figure 0.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from wijkmonitor.core.problems import Problem, ProblemsError

COLUMNS = ["region", "period", "variable", "value", "status"]
REQUIRED = ["region", "period", "variable", "value"]
SYMBOLS = {".": "not available", "x": "secret", "-": "nil"}
MAX_PROBLEMS_PER_FILE = 20


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _row_problems(
    display: str, bad: pd.Series, field: str, message, frame: pd.DataFrame
) -> list[Problem]:
    rows = np.flatnonzero(bad.to_numpy())
    problems = [
        Problem(display, int(i) + 2, field, message(frame[field].iloc[i]))
        for i in rows[:MAX_PROBLEMS_PER_FILE]
    ]
    if len(rows) > MAX_PROBLEMS_PER_FILE:
        problems.append(
            Problem(display, None, field, f"... and {len(rows) - MAX_PROBLEMS_PER_FILE} more")
        )
    return problems


CATEGORY_COLUMNS = ("region", "period", "variable", "status")


def _read(path: Path, display: str, value_dtype: str) -> pd.DataFrame:
    header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        message = f"columns must be {', '.join(REQUIRED)} and optionally status"
        if missing:
            message += f"; missing: {', '.join(missing)}"
        if unknown:
            message += f"; unknown: {', '.join(unknown)}"
        raise ProblemsError([Problem(display, 1, None, message)])
    # Categories keep millions of repeated codes cheap; validation then works per
    # distinct value instead of per row.
    dtype = {c: "category" for c in CATEGORY_COLUMNS if c in header}
    dtype["value"] = value_dtype
    frame = pd.read_csv(
        path,
        dtype=dtype,
        keep_default_na=False,
        na_values={"value": [""]},
        encoding="utf-8-sig",
    )
    if "status" not in frame.columns:
        frame["status"] = pd.Categorical.from_codes(np.zeros(len(frame), "int8"), [""])
    for column in CATEGORY_COLUMNS:
        categories = frame[column].cat.categories.astype(str)
        stripped = categories.str.strip()
        if not stripped.equals(categories):
            frame[column] = frame[column].astype(str).str.strip().astype("category")
    return frame


def _bad(column: pd.Series, bad_categories: np.ndarray) -> pd.Series:
    """Rows whose category is flagged bad: validation per distinct value, not per row."""
    return pd.Series(bad_categories[column.cat.codes.to_numpy()], index=column.index)


def read_tidy_csv(path: Path, root: Path, known_regions: pd.Index | None = None) -> pd.DataFrame:
    """Read and validate one tidy CSV; all problems of the file are raised together.

    With ``known_regions``, a region code not in it is a problem too: data for a
    region the monitor does not know would otherwise vanish silently.
    """
    display = _display(path, root)
    try:
        try:
            # Fast path: a numeric value column (symbols only in the status column).
            frame = _read(path, display, "float64")
        except ValueError:
            frame = _read(path, display, "str")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise ProblemsError([Problem(display, None, None, f"cannot read as CSV: {exc}")]) from None

    problems: list[Problem] = []
    period_categories = frame["period"].cat.categories.astype(str)
    period_numbers = pd.to_numeric(pd.Series(period_categories), errors="coerce")
    bad_period = (period_numbers.isna() | (period_numbers != period_numbers.round())).to_numpy()
    problems += _row_problems(
        display,
        _bad(frame["period"], bad_period),
        "period",
        lambda v: f"{v!r} is not a year (e.g. 2012)",
        frame,
    )
    status = frame["status"]
    if frame["value"].dtype == "float64":
        value = frame["value"]
    else:
        text = frame["value"].fillna("").str.strip()
        symbol_value = text.isin(list(SYMBOLS))
        value = pd.to_numeric(text.where(~symbol_value, ""), errors="coerce")
        bad_value = value.isna() & ~symbol_value & (text != "")
        problems += _row_problems(
            display,
            bad_value,
            "value",
            lambda v: f"{v!r} is not a number (use a decimal point) or one of . x -",
            frame,
        )
        status = status.astype(str).where(~symbol_value | (status != ""), text)
        status = status.astype("category")
    allowed = np.asarray(status.cat.categories.astype(str).isin(["", *SYMBOLS]))
    problems += _row_problems(
        display,
        _bad(status, ~allowed),
        "status",
        lambda v: f"{v!r} is not one of '', ., x, -",
        frame.assign(status=status),
    )
    for column in ("region", "variable"):
        empty = np.asarray(frame[column].cat.categories.astype(str) == "")
        problems += _row_problems(
            display, _bad(frame[column], empty), column, lambda v: "is empty", frame
        )
    if known_regions is not None:
        categories = frame["region"].cat.categories
        unknown = np.asarray(~categories.isin(known_regions) & (categories != ""))
        problems += _row_problems(
            display,
            _bad(frame["region"], unknown),
            "region",
            lambda v: f"{v!r} is not a code in data/regions.csv",
            frame,
        )
    if problems:
        raise ProblemsError(problems)

    status = status.cat.set_categories(["", *SYMBOLS])
    value = value.where(status != "-", 0.0)
    # A figure without a value is not available, whatever the status column says.
    status = status.mask(value.isna() & (status == ""), ".")
    tidy = pd.DataFrame(
        {
            "region": frame["region"],
            "period": frame["period"]
            .cat.rename_categories(period_numbers.astype("int64").to_numpy())
            .astype("int64"),
            "variable": frame["variable"],
            "value": value.astype("float64"),
            "status": status,
        }
    )
    dupes = duplicated_keys(tidy)
    if dupes.any():
        raise ProblemsError(
            _row_problems(
                display,
                pd.Series(dupes, index=frame.index),
                "region",
                lambda v: "the same region, period and variable appear on an earlier row",
                frame,
            )
        )
    return tidy


def duplicated_keys(data: pd.DataFrame) -> np.ndarray:
    """Rows whose (region, period, variable) appeared on an earlier row."""
    region = pd.factorize(data["region"])[0].astype("int64")
    period = pd.factorize(data["period"])[0].astype("int64")
    variable = pd.factorize(data["variable"])[0].astype("int64")
    key = (region * (period.max(initial=0) + 1) + period) * (variable.max(initial=0) + 1) + variable
    return pd.Series(key).duplicated().to_numpy()
