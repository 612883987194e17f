"""The tidy input format: ``region, period, variable, value[, status]``, validated row by row.

CBS symbols: ``.`` not available, ``x`` secret, ``-`` nil. They may stand in the
``status`` column or, as in CBS tables, in place of the value. A nil is the figure 0.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from wijkmonitor.core.model import FIRST_YEAR, LAST_YEAR
from wijkmonitor.core.problems import MAX_REPORTED, Problem, ProblemsError, and_more
from wijkmonitor.core.yamlfile import read_utf8

COLUMNS = ["region", "period", "variable", "value", "status"]
REQUIRED = ["region", "period", "variable", "value"]
SYMBOLS = {".": "not available", "x": "secret", "-": "nil"}


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def row_problems(
    display: str, bad: pd.Series, field: str, message, frame: pd.DataFrame
) -> list[Problem]:
    """A problem for each row flagged in ``bad`` (the first MAX_REPORTED, then a count),
    with ``message(value of field in that row)``; lines count the CSV header."""
    rows = np.flatnonzero(bad.to_numpy())
    problems = [
        Problem(display, int(i) + 2, field, message(frame[field].iloc[i]))
        for i in rows[:MAX_REPORTED]
    ]
    return problems + and_more(len(rows), display, field)


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
        if len(header) == 1 and ";" in header[0]:
            message += " (separate the columns with commas, not semicolons)"
        raise ProblemsError([Problem(display, 1, "header", message)])
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
        if not pd.api.types.is_string_dtype(frame[column].cat.categories):
            # pandas infers numeric categories (PC4 codes 1001, 1002): codes are text.
            frame[column] = frame[column].cat.rename_categories(
                frame[column].cat.categories.astype(str)
            )
        categories = frame[column].cat.categories.astype(str)
        stripped = categories.str.strip()
        if not stripped.equals(categories):
            frame[column] = frame[column].astype(str).str.strip().astype("category")
    return frame


def _not_a_number(value: object) -> str:
    text = str(value).strip()
    if re.fullmatch(r"[-+]?\d{1,3}([.,]\d{3})+", text) or re.fullmatch(r"[-+]?\d+,\d+", text):
        return (
            f"{text!r} is not a number: write numbers without a thousands separator and "
            "with a decimal point (1234.5), or one of . x -"
        )
    return f"{text!r} is not a number (use a decimal point) or one of . x -"


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
        except UnicodeDecodeError:
            raise
        except ValueError:
            frame = _read(path, display, "str")
    except UnicodeDecodeError:
        # pandas decodes in chunks: decode the whole file to say where it goes wrong.
        read_utf8(path, display)
        raise
    except pd.errors.EmptyDataError:
        message = f"the file is empty; the first line must be {','.join(REQUIRED)}[,status]"
        raise ProblemsError([Problem(display, 1, "header", message)]) from None
    except pd.errors.ParserError as exc:
        line = re.search(r"line (\d+)", str(exc))
        message = f"not valid CSV: {exc}"
        raise ProblemsError(
            [Problem(display, int(line.group(1)) if line else None, "csv", message)]
        ) from None
    if frame.empty:
        message = "the file has a header but no data rows; add rows or remove the file"
        raise ProblemsError([Problem(display, 1, "rows", message)])

    problems: list[Problem] = []
    period_categories = frame["period"].cat.categories.astype(str)
    period_numbers = pd.to_numeric(pd.Series(period_categories), errors="coerce")
    bad_period = (period_numbers.isna() | (period_numbers != period_numbers.round())).to_numpy()
    problems += row_problems(
        display,
        _bad(frame["period"], bad_period),
        "period",
        lambda v: f"{str(v)!r} is not a year (e.g. 2012)",
        frame,
    )
    out_of_range = ~bad_period & ((period_numbers < FIRST_YEAR) | (period_numbers > LAST_YEAR))
    problems += row_problems(
        display,
        _bad(frame["period"], out_of_range.to_numpy()),
        "period",
        lambda v: f"{str(v)} is not a year from {FIRST_YEAR} to {LAST_YEAR}",
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
        problems += row_problems(
            display,
            bad_value,
            "value",
            _not_a_number,
            frame,
        )
        status = status.astype(str).where(~symbol_value | (status != ""), text)
        status = status.astype("category")
    allowed = np.asarray(status.cat.categories.astype(str).isin(["", *SYMBOLS]))
    problems += row_problems(
        display,
        _bad(status, ~allowed),
        "status",
        lambda v: f"{v!r} is not one of '', ., x, -",
        frame.assign(status=status),
    )
    for column in ("region", "variable"):
        empty = np.asarray(frame[column].cat.categories.astype(str) == "")
        problems += row_problems(
            display,
            _bad(frame[column], empty),
            column,
            lambda v, c=column: f"is empty; every row needs a {c}",
            frame,
        )
    if known_regions is not None:
        categories = frame["region"].cat.categories
        unknown = np.asarray(~categories.isin(known_regions) & (categories != ""))
        problems += row_problems(
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
        raise ProblemsError(_duplicate_problems(display, tidy, dupes))
    return tidy


def _duplicate_problems(display: str, tidy: pd.DataFrame, dupes: np.ndarray) -> list[Problem]:
    """Each repeated (region, period, variable) names its own line and the first one."""
    key = _keys(tidy)
    first_row = pd.Series(np.arange(len(tidy))).groupby(key).transform("first").to_numpy()
    rows = np.flatnonzero(dupes)
    problems = [
        Problem(
            display,
            int(i) + 2,
            "region",
            f"{tidy['region'].iloc[i]}, {tidy['period'].iloc[i]}, {tidy['variable'].iloc[i]} "
            f"is also on line {int(first_row[i]) + 2}; give each region, period and variable "
            "once",
        )
        for i in rows[:MAX_REPORTED]
    ]
    return problems + and_more(len(rows), display, "region", "more repeated rows")


def _keys(data: pd.DataFrame) -> np.ndarray:
    """One int64 per (region, period, variable)."""
    region = pd.factorize(data["region"])[0].astype("int64")
    period = pd.factorize(data["period"])[0].astype("int64")
    variable = pd.factorize(data["variable"])[0].astype("int64")
    return (region * (period.max(initial=0) + 1) + period) * (
        variable.max(initial=0) + 1
    ) + variable


def duplicated_keys(data: pd.DataFrame) -> np.ndarray:
    """Rows whose (region, period, variable) appeared on an earlier row."""
    return pd.Series(_keys(data)).duplicated().to_numpy()


def locate_rows(root: Path, keys: pd.DataFrame) -> dict[tuple, list[tuple[str, int]]]:
    """Where rows with the given (region, period, variable) stand in ``data/*.csv``.

    For error messages only: the files are read again, as text. Returns
    {(region, period, variable): [(file, line), ...]} in file order.
    """
    wanted = keys[["region", "period", "variable"]].astype(
        {"region": str, "period": "int64", "variable": str}
    )
    found: dict[tuple, list[tuple[str, int]]] = {}
    for path in sorted((root / "data").glob("*.csv")):
        if path.name == "regions.csv":
            continue
        try:
            frame = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                encoding="utf-8-sig",
                usecols=["region", "period", "variable"],
            )
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
            continue
        frame = frame.apply(lambda c: c.str.strip())
        frame["period"] = pd.to_numeric(frame["period"], errors="coerce")
        frame["line"] = np.arange(len(frame)) + 2
        hits = frame.dropna(subset=["period"]).astype({"period": "int64"})
        hits = hits.merge(wanted, on=["region", "period", "variable"])
        display = _display(path, root)
        for region, period, variable, line in hits.itertuples(index=False):
            found.setdefault((region, period, variable), []).append((display, int(line)))
    return found
