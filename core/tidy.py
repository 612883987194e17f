"""The tidy input format: ``region, period, variable, value[, status]``, validated row by row.

CBS symbols: ``.`` not available, ``x`` secret, ``-`` nil. They may stand in the
``status`` column or, as in CBS tables, in place of the value. A nil is the figure 0.
A cell is a figure or a symbol: a figure beside ``x`` or ``.`` (or beside ``-``, unless
it is 0) contradicts itself and is an error, never silently one or the other.

A figure is a finite number from -MAX_FIGURE to MAX_FIGURE: ``inf``, ``nan`` or
``1e308`` would otherwise pass into sums over thousands of regions and come out as an
infinity on the site.

Problems name the real line of the file (blank lines and quoted fields that span lines
count), found from the file's bytes only when there is something to report.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from wijkmonitor.core.inputfiles import data_files, input_problem, read_input
from wijkmonitor.core.model import FIRST_YEAR, LAST_YEAR
from wijkmonitor.core.problems import MAX_REPORTED, Problem, ProblemsError, and_more
from wijkmonitor.core.yamlfile import decoding_problem

COLUMNS = ["region", "period", "variable", "value", "status"]
REQUIRED = ["region", "period", "variable", "value"]
SYMBOLS = {".": "not available", "x": "secret", "-": "nil"}
# What a symbol beside a figure says, for the message naming the contradiction.
MEANINGS = {".": "not available", "x": "secret", "-": "nil, the figure 0"}
# The largest figure a monitor may hold: exact in float64 (below 2**53), far above any
# count or amount of a region (all Dutch incomes together are about 5e11 euros), and
# small enough that sums over 20,000 regions stay far from overflowing.
MAX_FIGURE = 1e15
FIGURE_RANGE = "figures must lie between -1e15 and 1e15"
# A number as written in a file (a decimal point, optionally an exponent), as opposed
# to the words inf, infinity and nan that float parsers accept too.
NUMBER_LITERAL = r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?"

# Maps positions of data rows (0 = the first row after the header) to lines of the file.
LineMap = Callable[[np.ndarray], np.ndarray]


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def header_lines(rows: np.ndarray) -> np.ndarray:
    """Lines of data rows in a file without blank lines or quoted line breaks: the row
    after the header is line 2. For frames that do not come from a file's bytes."""
    return np.asarray(rows, dtype="int64") + 2


def row_problems(
    display: str,
    bad: pd.Series,
    field: str,
    message,
    frame: pd.DataFrame,
    lines: LineMap = header_lines,
) -> list[Problem]:
    """A problem for each row flagged in ``bad`` (the first MAX_REPORTED, then a count),
    with ``message(value of field in that row)``, on the line ``lines`` gives the row."""
    return _problems_at(
        display, bad.to_numpy(), field, lambda i: message(frame[field].iloc[i]), lines
    )


def _problems_at(
    display: str, bad: np.ndarray, field: str, message: Callable[[int], str], lines: LineMap
) -> list[Problem]:
    """Like row_problems, with ``message(row position)`` for messages naming two fields."""
    rows = np.flatnonzero(bad)[:MAX_REPORTED]
    if not len(rows):
        return []  # the lines of a file are only looked for when there is a problem
    problems = [
        Problem(display, int(line), field, message(int(i)))
        for i, line in zip(rows, lines(rows), strict=True)
    ]
    return problems + and_more(int(np.count_nonzero(bad)), display, field)


# --- where the rows of a CSV file stand ---------------------------------------------------


def csv_records(data: bytes, display: str) -> tuple[np.ndarray, np.ndarray]:
    """(first line, number of fields) of every record of the CSV ``data`` that pandas
    reads as the header or a row: lines that are empty or hold only spaces and tabs are
    skipped as pandas skips them, and a quoted field may span lines.

    For error messages and the check of field counts only: a file without quotes is
    scanned with numpy, one with quotes with the csv module (the same quoting rules as
    pandas). A CSV syntax error (a quote never closed) is a Problem with its line.
    """
    if b'"' not in data:
        return _plain_records(data)
    return _quoted_records(data, display)


def _plain_records(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """csv_records of a file without quotes: every line is a record or blank."""
    arr = np.frombuffer(data, np.uint8)
    ends = np.flatnonzero(arr == ord("\n"))
    if b"\r" in data:
        # A lone carriage return ends a line too (old Mac files); in \r\n only the \n does.
        cr = np.flatnonzero(arr == ord("\r"))
        after = np.minimum(cr + 1, len(arr) - 1)
        lone = cr[(cr + 1 == len(arr)) | (arr[after] != ord("\n"))]
        ends = np.union1d(ends, lone)
    starts = np.concatenate(([0], ends + 1)).astype("int64")
    ends = np.concatenate((ends, [len(arr)])).astype("int64")
    if len(starts) and starts[-1] >= len(arr):  # nothing after the last line break
        starts, ends = starts[:-1], ends[:-1]
    if not len(starts):
        return np.zeros(0, "int64"), np.zeros(0, "int64")
    # Each segment runs to the next line's start, so it holds at most a terminator more:
    # never a comma.
    commas = np.add.reduceat((arr == ord(",")).view(np.uint8), starts, dtype=np.int64)
    blank = commas == 0
    for i in np.flatnonzero(blank):  # lines without a comma: blank or a broken row
        blank[i] = not data[starts[i] : ends[i]].strip(b" \t\r")
    keep = ~blank
    return np.flatnonzero(keep) + 1, commas[keep] + 1


def _quoted_records(data: bytes, display: str) -> tuple[np.ndarray, np.ndarray]:
    """csv_records of a file with quotes: the csv module knows where a record ends."""
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    lines: list[int] = []
    fields: list[int] = []
    previous = 0  # the last line of the record before
    try:
        for row in reader:
            if len(row) > 1 or (row and row[0].strip(" \t")):
                lines.append(previous + 1)
                fields.append(len(row))
            previous = reader.line_num
    except csv.Error as exc:
        message = f"not valid CSV: {exc} (in the record that starts on line {previous + 1})"
        raise ProblemsError([Problem(display, reader.line_num, "csv", message)]) from None
    return np.asarray(lines, "int64"), np.asarray(fields, "int64")


class RowLines:
    """The real lines of a file's data rows, found from its bytes on first use (so a
    file without problems is never scanned). Callable as a LineMap."""

    def __init__(self, data: bytes, display: str, rows: int):
        self.data, self.display, self.rows = data, display, rows
        self.lines: np.ndarray | None = None

    def __call__(self, positions: np.ndarray) -> np.ndarray:
        if self.lines is None:
            lines, _ = csv_records(self.data, self.display)
            # Were pandas to see other records than we do, header_lines is the fallback.
            self.lines = lines[1:] if len(lines) == self.rows + 1 else None
            if self.lines is None:
                return header_lines(positions)
        return self.lines[np.asarray(positions, dtype="int64")]


def field_count_problems(data: bytes, display: str, fields: int, rows: int | None) -> list[Problem]:
    """Rows with more or fewer fields than the header (pandas pads a short row with
    empty fields and may drop the extra field of a long first row, both silently).

    With ``rows`` (what pandas read) a file without quotes is checked by counting its
    commas first, which is cheap; a full scan only follows when the count is off.
    """
    if rows is not None and b'"' not in data:
        expected = (fields - 1) * (rows + 1)
        # A long first row plus a short row elsewhere would balance the count: pandas
        # raises for every other long row, so the first one is checked on its own.
        head = data[: data.rfind(b"\n", 0, 1 << 16) + 1] or data
        _, first = _plain_records(head)
        if data.count(b",") == expected and (first[:2] == fields).all():
            return []
    lines, counts = csv_records(data, display)
    wrong = counts != fields
    wrong[:1] = False  # the header defines the count
    hits = np.flatnonzero(wrong)
    problems = [
        Problem(display, int(lines[i]), "row", f"{counts[i]} fields where the header has {fields}")
        for i in hits[:MAX_REPORTED]
    ]
    return problems + and_more(len(hits), display, "row", "more rows with a wrong number of fields")


def parser_problems(data: bytes, display: str, exc: pd.errors.ParserError) -> list[Problem]:
    """What pandas could not parse, on the real lines: rows with too many fields, or a
    quoted field that is never closed (it would run to the end of the file)."""
    fields = len(read_csv_bytes(data, display, nrows=0).columns)
    if "EOF inside string" in str(exc):
        lines, _ = csv_records(data, display)
        message = 'a quoted field starts in this row and is never closed (a " is missing)'
        return [Problem(display, int(lines[-1]), "csv", message)]
    problems = field_count_problems(data, display, fields, None)
    return problems or [Problem(display, None, "csv", f"not valid CSV: {str(exc).strip()}")]


def read_csv_bytes(data: bytes, display: str, **options) -> pd.DataFrame:
    """``pd.read_csv`` of a file's bytes; the first column is never taken as the index
    (pandas would, silently, when the first row has one field more than the header)."""
    with warnings.catch_warnings():
        # "Length of header or names does not match": field_count_problems says where.
        warnings.simplefilter("ignore", pd.errors.ParserWarning)
        return pd.read_csv(io.BytesIO(data), index_col=False, encoding="utf-8-sig", **options)


def nul_problem(data: bytes, display: str) -> Problem | None:
    """A NUL byte is valid UTF-8 but never text: a binary file, or UTF-16 without a
    byte-order mark. Cheap (one search), so every CSV reader can afford it."""
    nul = data.find(b"\x00")
    if nul < 0:
        return None
    try:
        data[:nul].decode("utf-8-sig")
    except UnicodeDecodeError as exc:  # the earlier problem (a UTF-16 byte-order mark)
        return decoding_problem(data, exc, display)
    line = data.count(b"\n", 0, nul) + 1
    sample = data[:200]
    hint = " (the file looks like UTF-16)" if sample.count(b"\x00") * 3 > len(sample) else ""
    message = f"byte 0x00 (NUL) is not text{hint}; save the file as UTF-8 text"
    return Problem(display, line, "encoding", message)


def text_problem(data: bytes, display: str) -> Problem | None:
    """Why ``data`` is not UTF-8 text (a BOM is fine), with the line and the byte."""
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return decoding_problem(data, exc, display)
    return nul_problem(data, display)


# --- reading a tidy file ------------------------------------------------------------------

CATEGORY_COLUMNS = ("region", "period", "variable", "status")


def _header(data: bytes, display: str) -> pd.Index:
    header = read_csv_bytes(data, display, nrows=0).columns
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        message = f"columns must be {', '.join(REQUIRED)} and optionally status"
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
            "with a decimal point (1234.5), or one of . x -"
        )
    if re.fullmatch(r"[-+]?(inf|infinity)", text, flags=re.IGNORECASE):
        return (
            f"{text!r} is not a number: a figure is a finite number between -1e15 and 1e15, "
            "or one of . x -"
        )
    return f"{text!r} is not a number (use a decimal point) or one of . x -"


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
    symbol = np.asarray(categories.isin(["x", "."]))[codes] if len(categories) else codes < 0
    nil = np.asarray(categories == "-")[codes] if len(categories) else codes < 0
    contradiction = figure & (symbol | (nil & (value != 0)))
    return out_of_range, contradiction


def read_tidy_csv(path: Path, root: Path, known_regions: pd.Index | None = None) -> pd.DataFrame:
    """Read and validate one tidy CSV; all problems of the file are raised together.

    With ``known_regions``, a region code not in it is a problem too: data for a
    region the monitor does not know would otherwise vanish silently.
    """
    display = _display(path, root)
    data = read_input(path, display)
    problem = nul_problem(data, display)
    if problem is not None:
        raise ProblemsError([problem])
    try:
        header = _header(data, display)
        frame, as_text = _read_frame(data, display, header)
    except UnicodeDecodeError:
        # pandas decodes in chunks: decode the whole file to say where it goes wrong.
        raise ProblemsError([text_problem(data, display)]) from None
    except pd.errors.EmptyDataError:
        message = f"the file is empty; the first line must be {','.join(REQUIRED)}[,status]"
        raise ProblemsError([Problem(display, 1, "header", message)]) from None
    except pd.errors.ParserError as exc:
        raise ProblemsError(parser_problems(data, display, exc)) from None
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
        problems += _problems_at(
            display,
            out_of_range,
            "value",
            lambda i: _out_of_range(shown[i], numbers[i]),
            lines,
        )
        statuses = status.to_numpy(object)
        problems += _problems_at(
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
        problems += _problems_at(
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
        lambda v: f"{v!r} is not one of '', ., x, -",
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
        unknown = np.asarray(~categories.isin(known_regions) & (categories != ""))
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
        raise ProblemsError(_duplicate_problems(display, tidy, dupes, lines))
    return tidy


def _duplicate_problems(
    display: str, tidy: pd.DataFrame, dupes: np.ndarray, lines: LineMap
) -> list[Problem]:
    """Each repeated (region, period, variable) names its own line and the first one."""
    key = _keys(tidy)
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
    for path in data_files(root):
        if input_problem(path, _display(path, root)) is not None:
            continue  # reported when the data was read
        display = _display(path, root)
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
