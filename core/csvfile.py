"""Reading CSV files from their bytes: records, real line numbers, field counts, and
problems that name the line they are on.

Generic, for every CSV a monitor reads (the tidy data files, ``data/regions.csv``, a
data plugin's own files); what the columns mean is the business of the module that
owns the format (:mod:`wijkmonitor.core.tidy`, :mod:`wijkmonitor.core.regions`).

Problems name the real line of the file (blank lines and quoted fields that span lines
count), found from the file's bytes only when there is something to report.
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from wijkmonitor.core.problems import MAX_REPORTED, Problem, ProblemsError, and_more
from wijkmonitor.core.yamlfile import decoding_problem

# Maps positions of data rows (0 = the first row after the header) to lines of the file.
LineMap = Callable[[np.ndarray], np.ndarray]


def display_name(path: Path, root: Path) -> str:
    """``path`` as problems name it: relative to the monitor directory when inside it."""
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
    return problems_at(
        display, bad.to_numpy(), field, lambda i: message(frame[field].iloc[i]), lines
    )


def problems_at(
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


def refuse_binary(data: bytes, display: str) -> None:
    """Raise the located problem of a file with a NUL byte (binary, or UTF-16 without a
    byte-order mark) before pandas reads it: pandas would read garbage or fail far away."""
    problem = nul_problem(data, display)
    if problem is not None:
        raise ProblemsError([problem])


@contextmanager
def csv_problems(data: bytes, display: str, empty: str) -> Iterator[None]:
    """What pandas raises while reading ``data`` becomes a located problem: a file that
    is not UTF-8 (the line and byte), an empty file (``empty`` says what its first line
    must be) or broken CSV (the real lines). A ProblemsError passes through."""
    try:
        yield
    except UnicodeDecodeError:
        # pandas decodes in chunks: decode the whole file to say where it goes wrong.
        raise ProblemsError([text_problem(data, display)]) from None
    except pd.errors.EmptyDataError:
        raise ProblemsError([Problem(display, 1, "header", empty)]) from None
    except pd.errors.ParserError as exc:
        raise ProblemsError(parser_problems(data, display, exc)) from None
