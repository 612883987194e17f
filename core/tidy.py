"""The tidy data format, owned here: ``region, period, variable, value[, status]``, one
figure per row, and the CBS symbols. Every reader and writer of tidy files (the CSV data
source, the importers, the demo generators) takes the columns and symbols from here.

CBS symbols: ``.`` not available, ``x`` secret, ``-`` nil. They may stand in the
``status`` column or, as in CBS tables, in place of the value. A nil is the figure 0.
A cell is a figure or a symbol: a figure beside ``x`` or ``.`` (or beside ``-``, unless
it is 0) contradicts itself and is an error, never silently one or the other.

A figure is a finite number from -MAX_FIGURE to MAX_FIGURE: ``inf``, ``nan`` or
``1e308`` would otherwise pass into sums over thousands of regions and come out as an
infinity on the site.

Problems name the real line of the file (see :mod:`wijkmonitor.core.csvfile`).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from wijkmonitor.core.arrowstrings import is_in
from wijkmonitor.core.atomic import replacing
from wijkmonitor.core.csvfile import (
    LineMap,
    RowLines,
    csv_problems,
    display_name,
    field_count_problems,
    problems_at,
    read_csv_bytes,
    refuse_binary,
    row_problems,
)
from wijkmonitor.core.inputfiles import data_files, input_problem, read_input
from wijkmonitor.core.model import FIRST_YEAR, LAST_YEAR, strip_bidi
from wijkmonitor.core.problems import MAX_REPORTED, Problem, ProblemsError, and_more

# The CBS symbols.
NOT_AVAILABLE, SECRET, NIL = ".", "x", "-"
SYMBOLS = {NOT_AVAILABLE: "not available", SECRET: "secret", NIL: "nil"}
# What a symbol beside a figure says, for the message naming the contradiction.
MEANINGS = {NOT_AVAILABLE: "not available", SECRET: "secret", NIL: "nil, the figure 0"}
# The figure a symbol stands for: nil is the figure 0 (nothing happened); the others
# are no figure at all, never 0.
SYMBOL_FIGURES = {NOT_AVAILABLE: math.nan, SECRET: math.nan, NIL: 0.0}
# The symbols as messages list them: ". x -".
SYMBOL_LIST = " ".join(SYMBOLS)
# What the status column may hold, as its message lists it: "'', ., x, -".
STATUS_LIST = ", ".join(["''", *SYMBOLS])

# The columns of a tidy file, in the order they are written; status may be left out.
COLUMNS = ["region", "period", "variable", "value", "status"]
REQUIRED = COLUMNS[:4]
# Optional last column: where the row's figure comes from (``CBS StatLine 85163NED``, a
# file name). A file without it, or an empty cell, leaves it to the data source that
# reads the file (the CSV source names the file); see ``core/lineage.py``.
SOURCE = "source"
# The largest figure a monitor may hold: exact in float64 (below 2**53), far above any
# count or amount of a region (all Dutch incomes together are about 5e11 euros), and
# small enough that sums over 20,000 regions stay far from overflowing.
MAX_FIGURE = 1e15
FIGURE_RANGE = "figures must lie between -1e15 and 1e15"
# A number as written in a file (a decimal point, optionally an exponent), as opposed
# to the words inf, infinity and nan that float parsers accept too.
NUMBER_LITERAL = r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?"

# --- reading a tidy file ------------------------------------------------------------------

CATEGORY_COLUMNS = ("region", "period", "variable", "status", SOURCE)


def _header(data: bytes, display: str) -> pd.Index:
    header = read_csv_bytes(data, display, nrows=0).columns
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in (*COLUMNS, SOURCE)]
    if missing or unknown:
        message = f"columns must be {', '.join(REQUIRED)} and optionally status and {SOURCE}"
        if missing:
            message += f"; missing: {', '.join(missing)}"
        if unknown:
            message += f"; unknown: {', '.join(map(str, unknown))}"
        if len(header) == 1 and ";" in header[0]:
            message += " (separate the columns with commas, not semicolons)"
        raise ProblemsError([Problem(display, 1, "header", message)])
    return header


def _read(data: bytes, display: str, header: pd.Index, value_dtype: str) -> pd.DataFrame:
    # Categories keep millions of repeated codes cheap; validation then works per
    # distinct value instead of per row.
    dtype = {c: "category" for c in CATEGORY_COLUMNS if c in header}
    dtype["value"] = value_dtype
    frame = read_csv_bytes(
        data, display, dtype=dtype, keep_default_na=False, na_values={"value": [""]}
    )
    if "status" not in frame.columns:
        frame["status"] = pd.Categorical.from_codes(np.zeros(len(frame), "int8"), [""])
    for column in (c for c in CATEGORY_COLUMNS if c in frame.columns):
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


def _read_frame(data: bytes, display: str, header: pd.Index) -> tuple[pd.DataFrame, bool]:
    """The file as a frame, and whether its value column is still text: a numeric
    column is read first (fast); text follows when there are symbols or words in it."""
    try:
        return _read(data, display, header, "float64"), False
    except pd.errors.ParserError:
        raise
    except ValueError:
        return _read(data, display, header, "str"), True


def _not_a_number(value: object) -> str:
    text = str(value).strip()
    if re.fullmatch(r"[-+]?\d{1,3}([.,]\d{3})+", text) or re.fullmatch(r"[-+]?\d+,\d+", text):
        return (
            f"{text!r} is not a number: write numbers without a thousands separator and "
            f"with a decimal point (1234.5), or one of {SYMBOL_LIST}"
        )
    if re.fullmatch(r"[-+]?(inf|infinity)", text, flags=re.IGNORECASE):
        return (
            f"{text!r} is not a number: a figure is a finite number between -1e15 and 1e15, "
            f"or one of {SYMBOL_LIST}"
        )
    return f"{text!r} is not a number (use a decimal point) or one of {SYMBOL_LIST}"


def _out_of_range(text: str, value: float) -> str:
    size = "too large" if value > 0 else "too small"
    if len(text) > 40:  # a 400-digit number is shown by its start and its length
        return f"{text[:20] + '...'!r} ({len(text)} characters) is {size}: {FIGURE_RANGE}"
    return f"{text!r} is {size}: {FIGURE_RANGE}"


def _bad(column: pd.Series, bad_categories: np.ndarray) -> pd.Series:
    """Rows whose category is flagged bad: validation per distinct value, not per row."""
    return pd.Series(bad_categories[column.cat.codes.to_numpy()], index=column.index)


def _figure_problems(value: np.ndarray, status: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(rows whose figure is out of range or not finite, rows whose figure contradicts
    the symbol in their status column). ``value`` is NaN where there is no figure."""
    with np.errstate(invalid="ignore"):
        out_of_range = ~(np.abs(value) <= MAX_FIGURE) & ~np.isnan(value)
    figure = ~np.isnan(value)
    codes = status.cat.codes.to_numpy()
    categories = status.cat.categories.astype(str)
    symbol = (
        np.asarray(categories.isin([SECRET, NOT_AVAILABLE]))[codes]
        if len(categories)
        else codes < 0
    )
    nil = np.asarray(categories == NIL)[codes] if len(categories) else codes < 0
    contradiction = figure & (symbol | (nil & (value != 0)))
    return out_of_range, contradiction


def _without_bidi(column: pd.Series) -> pd.Categorical:
    """A categorical text column without bidi controls; two categories that differ only
    in them become one."""
    cleaned = column.cat.categories.astype(str).map(strip_bidi).str.strip()
    merged, names = pd.factorize(cleaned)
    codes = column.cat.codes.to_numpy()
    return pd.Categorical.from_codes(np.where(codes >= 0, merged[codes], -1), names)


def read_tidy_csv(path: Path, root: Path, known_regions: pd.Index | None = None) -> pd.DataFrame:
    """Read and validate one tidy CSV; all problems of the file are raised together.

    With ``known_regions``, a region code not in it is a problem too: data for a
    region the monitor does not know would otherwise vanish silently.
    """
    display = display_name(path, root)
    data = read_input(path, display)
    refuse_binary(data, display)
    empty = f"the file is empty; the first line must be {','.join(REQUIRED)}[,status]"
    with csv_problems(data, display, empty):
        header = _header(data, display)
        frame, as_text = _read_frame(data, display, header)
    problems = field_count_problems(data, display, len(header), len(frame))
    if problems:
        raise ProblemsError(problems)
    if frame.empty:
        message = "the file has a header but no data rows; add rows or remove the file"
        raise ProblemsError([Problem(display, 1, "rows", message)])
    lines = RowLines(data, display, len(frame))

    if not as_text:
        out_of_range, contradiction = _figure_problems(
            frame["value"].to_numpy("float64"), frame["status"]
        )
        if out_of_range.any() or contradiction.any():
            # Say what the file says ('1e309', 'Infinity'), not what float made of it.
            frame, as_text = _read(data, display, header, "str"), True

    problems = []
    period_categories = frame["period"].cat.categories.astype(str)
    period_numbers = pd.to_numeric(pd.Series(period_categories), errors="coerce")
    bad_period = (period_numbers.isna() | (period_numbers != period_numbers.round())).to_numpy()
    problems += row_problems(
        display,
        _bad(frame["period"], bad_period),
        "period",
        lambda v: f"{str(v)!r} is not a year (e.g. 2012)",
        frame,
        lines,
    )
    out_of_years = ~bad_period & ((period_numbers < FIRST_YEAR) | (period_numbers > LAST_YEAR))
    problems += row_problems(
        display,
        _bad(frame["period"], out_of_years.to_numpy()),
        "period",
        lambda v: f"{str(v)} is not a year from {FIRST_YEAR} to {LAST_YEAR}",
        frame,
        lines,
    )
    status = frame["status"]
    if not as_text:
        value = frame["value"]
    else:
        text = frame["value"].fillna("").str.strip()
        symbol_value = text.isin(list(SYMBOLS))
        value = pd.to_numeric(text.where(~symbol_value, ""), errors="coerce")
        bad_value = value.isna() & ~symbol_value & (text != "")
        # to_numeric reads the words inf and infinity as numbers: they are none.
        infinite = np.isinf(value.to_numpy())
        words = np.zeros(len(text), bool)
        if infinite.any():
            words[infinite] = ~text[infinite].str.fullmatch(NUMBER_LITERAL).to_numpy()
        problems += row_problems(
            display, bad_value | words, "value", _not_a_number, frame.assign(value=text), lines
        )
        value = value.mask(words)
        out_of_range, contradiction = _figure_problems(value.to_numpy("float64"), status)
        shown = text.to_numpy(object)
        numbers = value.to_numpy("float64")
        problems += problems_at(
            display,
            out_of_range,
            "value",
            lambda i: _out_of_range(shown[i], numbers[i]),
            lines,
        )
        statuses = status.to_numpy(object)
        problems += problems_at(
            display,
            contradiction,
            "status",
            lambda i: (
                f"{statuses[i]!r} ({MEANINGS[statuses[i]]}) contradicts the value "
                f"{shown[i]!r}: a cell is a figure or a symbol, not both; leave one of them "
                "empty"
            ),
            lines,
        )
        # A symbol in the value column and another one in the status column.
        given = status.astype(str)
        two_symbols = symbol_value & given.isin(list(SYMBOLS)) & (given != text)
        problems += problems_at(
            display,
            two_symbols.to_numpy(),
            "status",
            lambda i: (
                f"{statuses[i]!r} ({MEANINGS[statuses[i]]}) contradicts the value "
                f"{shown[i]!r} ({MEANINGS[shown[i]]}): give one symbol"
            ),
            lines,
        )
        status = status.astype(str).where(~symbol_value | (status != ""), text)
        status = status.astype("category")
    allowed = np.asarray(status.cat.categories.astype(str).isin(["", *SYMBOLS]))
    problems += row_problems(
        display,
        _bad(status, ~allowed),
        "status",
        lambda v: f"{v!r} is not one of {STATUS_LIST}",
        frame.assign(status=status),
        lines,
    )
    for column in ("region", "variable"):
        empty = np.asarray(frame[column].cat.categories.astype(str) == "")
        problems += row_problems(
            display,
            _bad(frame[column], empty),
            column,
            lambda v, c=column: f"is empty; every row needs a {c}",
            frame,
            lines,
        )
    if known_regions is not None:
        categories = frame["region"].cat.categories
        unknown = ~is_in(categories, known_regions) & np.asarray(categories != "")
        problems += row_problems(
            display,
            _bad(frame["region"], unknown),
            "region",
            lambda v: f"{v!r} is not a code in data/regions.csv",
            frame,
            lines,
        )
    if problems:
        raise ProblemsError(problems)

    status = status.cat.set_categories(["", *SYMBOLS])
    value = value.where(status != NIL, SYMBOL_FIGURES[NIL])
    # A figure without a value is not available, whatever the status column says.
    status = status.mask(value.isna() & (status == ""), NOT_AVAILABLE)
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
    if SOURCE in frame.columns:
        # Shown on the site and written to results.csv: free text, so without the bidi
        # controls every text of the monitor's files loses (per category, not per row).
        tidy[SOURCE] = _without_bidi(frame[SOURCE])
    dupes = duplicated_keys(tidy)
    if dupes.any():
        raise ProblemsError(_duplicate_problems(display, tidy, dupes, lines))
    return tidy


def _duplicate_problems(
    display: str, tidy: pd.DataFrame, dupes: np.ndarray, lines: LineMap
) -> list[Problem]:
    """Each repeated (region, period, variable) names its own line and the first one."""
    key = _keys(tidy)[0]
    first_row = pd.Series(np.arange(len(tidy))).groupby(key).transform("first").to_numpy()
    rows = np.flatnonzero(dupes)[:MAX_REPORTED]
    first_lines = lines(first_row[rows])
    problems = [
        Problem(
            display,
            int(line),
            "region",
            f"{tidy['region'].iloc[i]}, {tidy['period'].iloc[i]}, {tidy['variable'].iloc[i]} "
            f"is also on line {int(first)}; give each region, period and variable once",
        )
        for i, line, first in zip(rows, lines(rows), first_lines, strict=True)
    ]
    return problems + and_more(
        int(np.count_nonzero(dupes)), display, "region", "more repeated rows"
    )


def _codes(column: pd.Series) -> tuple[np.ndarray, int]:
    """Small non-negative int64 codes of a key column (equal values, equal codes) and
    how many codes there can be: the categories' codes, a year's offset from the first,
    or else a factorisation (which hashes every row)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        # +1: a missing value (-1) is a code of its own.
        return column.cat.codes.to_numpy().astype("int64") + 1, len(column.cat.categories) + 1
    if pd.api.types.is_integer_dtype(column.dtype) and len(column):
        values = column.to_numpy(dtype="int64")
        low, high = int(values.min()), int(values.max())
        if high - low < 1 << 20:
            return values - low, high - low + 1
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    return codes.astype("int64"), max(len(uniques), 1)


KEY_COLUMNS = ["region", "period", "variable"]


def _keys(data: pd.DataFrame) -> tuple[np.ndarray, int]:
    """One int64 per (region, period, variable), and how many keys there can be."""
    key, size = np.zeros(len(data), dtype="int64"), 1
    for column in KEY_COLUMNS:
        codes, n = _codes(data[column])
        size *= n
        if size >= 1 << 62:  # too many combinations for one int64: hash the triples
            codes, uniques = pd.MultiIndex.from_frame(data[KEY_COLUMNS]).factorize()
            return codes.astype("int64"), len(uniques)
        key = key * n + codes
    return key, size


def duplicated_keys(data: pd.DataFrame) -> np.ndarray:
    """Rows whose (region, period, variable) appeared on an earlier row."""
    key, size = _keys(data)
    if size <= max(8 * len(key), 1 << 20):
        # Data rarely repeat a row: one scatter into a bitmap of every possible key says
        # so at a fraction of the cost of hashing every row (millions at national size).
        seen = np.zeros(size, dtype=bool)
        seen[key] = True
        if np.count_nonzero(seen) == len(key):
            return np.zeros(len(key), dtype=bool)
    return pd.Series(key).duplicated().to_numpy()


def locate_rows(root: Path, keys: pd.DataFrame) -> dict[tuple, list[tuple[str, int]]]:
    """Where rows with the given (region, period, variable) stand in ``data/*.csv``.

    For error messages only: the files are read again, as text. Returns
    {(region, period, variable): [(file, line), ...]} in file order.
    """
    wanted = keys[["region", "period", "variable"]].astype(
        {"region": str, "period": "int64", "variable": str}
    )
    found: dict[tuple, list[tuple[str, int]]] = {}
    for path in data_files(root):
        if input_problem(path, display_name(path, root)) is not None:
            continue  # reported when the data was read
        display = display_name(path, root)
        try:
            data = read_input(path, display)
            frame = read_csv_bytes(
                data,
                display,
                dtype=str,
                keep_default_na=False,
                usecols=["region", "period", "variable"],
            )
        except (ValueError, UnicodeDecodeError, ProblemsError):
            continue
        frame = frame.apply(lambda c: c.str.strip())
        frame["period"] = pd.to_numeric(frame["period"], errors="coerce")
        frame["line"] = RowLines(data, display, len(frame))(np.arange(len(frame)))
        hits = frame.dropna(subset=["period"]).astype({"period": "int64"})
        hits = hits.merge(wanted, on=["region", "period", "variable"])
        for region, period, variable, line in hits.itertuples(index=False):
            found.setdefault((region, period, variable), []).append((display, int(line)))
    return found


def write_tidy_csv(tidy: pd.DataFrame, path: Path) -> None:
    """Write ``tidy`` as a tidy file, every column of COLUMNS (and ``source`` when the
    frame has one), sorted by variable, region and period: no figure (NaN) is an empty
    field, and a figure has no needless ``.0`` (``%.15g`` keeps every digit a float64
    figure below MAX_FIGURE holds). The file is written beside and renamed, so a failed
    run leaves the previous file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = [*COLUMNS, SOURCE] if SOURCE in tidy.columns else COLUMNS
    out = tidy[columns].sort_values(["variable", "region", "period"], kind="stable")
    with replacing([path]) as (partial,):
        out.to_csv(partial, index=False, float_format="%.15g")
