"""Import a CBS StatLine CSV export ("CSV met statistische symbolen") into tidy data.

The export StatLine writes (checked against table 85163NED, SES-WOA scores):

- UTF-8 with a byte-order mark; ``;`` between fields; every field in double quotes;
- one header row of column titles: dimensions (``Wijken en buurten``, ``Perioden``),
  attributes with their kind in brackets (``Regiocode (gemeente, wijk, buurt) (code)``,
  ``Gemeentenaam (naam)``, ``Soort regio (omschrijving)``) and topics as a path with
  the unit (``SES-WOA/Totaalscore/Gemiddelde score (Getal)``,
  ``Particuliere huishoudens (Aantal)``);
- numbers right-aligned with leading spaces, codes with trailing spaces
  (``"GM0363    "``), a decimal point or comma depending on the export settings;
- symbols instead of numbers: ``.`` not available, ``x`` secret, ``-`` nil (the CBS
  symbols of :mod:`wijkmonitor.core.tidy`).

What the importer does with it:

- the region of a row is the code column (or the region dimension itself when the
  export shows codes there); its level follows from the code (GM/WK/BU, four digits =
  PC4). Rows for Nederland (``NL00``/``NL01``) and other regions above gemeente level
  are skipped and reported: they are no base region in a monitor;
- the name of a region is the label in the region dimension column;
- the period is the year of the ``Perioden`` label (``2019``, ``2019JJ00``, ``2019*``);
- each topic column becomes a variable, named by :mod:`wijkmonitor.importers.naming`;
- cells become value + status as documented in :mod:`wijkmonitor.importers.cells`; the
  decimal separator is decided per file.

Title lines before the header (a row with a single field) and a closing ``Bron: ...``
line are skipped. Everything else that is not understood -- a header without a region
or period column, another dimension column, a row with the wrong number of fields, a
cell like ``12a`` -- is a :class:`~wijkmonitor.core.problems.ProblemsError` naming file,
line and column.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from wijkmonitor.core.csvfile import nul_problem
from wijkmonitor.core.inputfiles import read_input
from wijkmonitor.core.problems import Problem, ProblemsError
from wijkmonitor.core.tidy import COLUMNS as TIDY_COLUMNS
from wijkmonitor.core.tidy import FIGURE_RANGE, SOURCE, SYMBOL_LIST, SYMBOLS
from wijkmonitor.core.yamlfile import decoding_problem, load_yaml
from wijkmonitor.importers.cells import detect_decimal, out_of_range, parse_cells, parse_numbers
from wijkmonitor.importers.naming import VARIABLE_ID_RE, normalise_title, split_unit, variable_ids
from wijkmonitor.importers.regions import region_levels
from wijkmonitor.importers.tidy import (
    ImportResult,
    check_regions_and_periods,
    duplicate_problems,
    located_problems,
    raise_if,
    regions_frame,
)

PERIOD_TITLE = "perioden"
REGION_DIMENSIONS = {"wijken en buurten", "regio's", "regios", "regio", "gemeenten", "postcode"}
# Attribute columns: text about the row, not a figure. The region code is one of them.
ATTRIBUTE_UNITS = {"code", "naam", "omschrijving"}
REGION_CODE_PREFIXES = ("regiocode", "codering", "regioaanduiding/codering", "postcode")


# Control characters no text export holds (tab, line feed, form feed and carriage
# return are fine): a file with them is binary, whatever encoding decodes it.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _decode(data: bytes, file: str, notes: list[str]) -> str:
    """The text of an export: UTF-8, or else Windows-1252 (older StatLine downloads),
    with a note. Anything else -- a binary file, UTF-16 -- is a Problem at the first
    byte that is not UTF-8 (or the first NUL byte)."""
    problem = nul_problem(data, file)
    if problem is not None:
        raise ProblemsError([problem])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        not_utf8 = exc
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is None or CONTROL_CHARACTERS.search(text):
        problem = decoding_problem(data, not_utf8, file)
        message = (
            f"{problem.message.split(';')[0]}, and the file is no Windows-1252 text either "
            "(a binary file?); export the table from StatLine as CSV again"
        )
        raise ProblemsError([replace(problem, message=message)]) from None
    notes.append(f"{file}: not UTF-8, read as Windows-1252")
    return text


def _records(text: str, file: str) -> list[tuple[int, list[str]]]:
    """(first line, fields) of every non-empty record: a quoted field may span lines,
    and the record is named by the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"', strict=True)
    records = []
    previous = 0  # the last line of the record before
    try:
        for row in reader:
            if row and any(f.strip() for f in row):
                records.append((previous + 1, row))
            previous = reader.line_num
    except csv.Error as exc:
        message = f"not valid CSV: {exc} (in the record that starts on line {previous + 1})"
        raise ProblemsError([Problem(file, reader.line_num, "csv", message)]) from None
    return records


def _short(text: str, limit: int = 60) -> str:
    """A title or cell as shown in a message: a field of a broken file can be huge."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _too_large(cell: str) -> str:
    shown = repr(cell) if len(cell) <= 40 else f"{cell[:20] + '...'!r} ({len(cell)} characters)"
    return f"{shown} is too large: {FIGURE_RANGE}"


# A StatLine table id: five digits and a language (85163NED, 37230ned, 83765ENG).
TABLE_ID = re.compile(r"(?<![0-9A-Za-z])(\d{5}(?:NED|ENG))(?![0-9A-Za-z])", re.IGNORECASE)


def export_source(path: Path, lines: list[str]) -> str:
    """The lineage of an export (``source`` of its rows): the StatLine table id when the
    title or ``Bron`` lines or the file name give one, else the file name."""
    for text in [*lines, path.name]:
        found = TABLE_ID.search(text)
        if found:
            return f"CBS StatLine {found.group(1).upper()}"
    return path.name


def load_mapping(path: Path) -> dict[str, str]:
    """A user mapping YAML ``{column title: variable id}``."""
    # The monitor's own YAML reader: a regular file of bounded size, no aliases, errors
    # with their line.
    data = load_yaml(path, str(path)).data
    if not isinstance(data, dict):
        raise ProblemsError(
            [Problem(str(path), None, None, "expected a mapping {column title: variable id}")]
        )
    problems = [
        Problem(str(path), None, str(k), f"variable id {v!r} must be snake_case (a-z, 0-9, _)")
        for k, v in data.items()
        if not isinstance(v, str) or not VARIABLE_ID_RE.match(v)
    ]
    raise_if(problems)
    return {str(k): v for k, v in data.items()}


def _classify(header: list[str], file: str, line: int) -> dict:
    """Which column is the region dimension, region code, period, attribute or topic."""
    problems: list[Problem] = []
    titles = [normalise_title(t) for t in header]
    region_dim = region_code = period = None
    measures: list[int] = []
    ignored: list[str] = []
    unknown: list[str] = []
    for i, title in enumerate(titles):
        base, unit = split_unit(title)
        lower = title.lower()
        if not unit and lower == PERIOD_TITLE:
            period = i
        elif not unit and lower in REGION_DIMENSIONS:
            region_dim = i
        elif not unit and lower == "id":
            ignored.append(title)
        elif not unit:
            unknown.append(title)
        elif unit.lower() in ATTRIBUTE_UNITS:
            if unit.lower() == "code" and base.lower().startswith(REGION_CODE_PREFIXES):
                region_code = i if region_code is None else region_code
            else:
                ignored.append(title)
        else:
            measures.append(i)
    problems += located_problems(
        file,
        [line] * len(unknown),
        [_short(t) for t in unknown],
        [
            "column without a unit that is not a known dimension (Wijken en buurten, "
            "Perioden): export other dimensions as a single category or as columns"
        ]
        * len(unknown),
    )
    # Counted, not searched per title: a header of a million fields must not hang.
    duplicated = sorted(t for t, n in Counter(titles).items() if n > 1)
    problems += located_problems(
        file,
        [line] * len(duplicated),
        [_short(t) for t in duplicated],
        ["column title occurs twice"] * len(duplicated),
    )
    if period is None:
        problems.append(
            Problem(
                file,
                line,
                "Perioden",
                "the header has no Perioden column; export the periods in rows, not as columns",
            )
        )
    if region_dim is None and region_code is None:
        problems.append(
            Problem(
                file,
                line,
                None,
                "no region column (expected 'Wijken en buurten' and/or "
                "'Regiocode (gemeente, wijk, buurt) (code)')",
            )
        )
    if not measures:
        problems.append(
            Problem(
                file, line, "header", "no topic columns (titles with a unit, such as '(Aantal)')"
            )
        )
    raise_if(problems)
    return {
        "titles": titles,
        "region_dim": region_dim,
        "region_code": region_code,
        "period": period,
        "measures": measures,
        "ignored": ignored,
    }


def read_statline_csv(
    path: Path, mapping: dict[str, str] | None = None, decimal: str | None = None
) -> ImportResult:
    """Parse a StatLine CSV export into tidy data (see the module docstring).

    ``mapping`` overrides variable ids per column title; ``decimal`` ("." or ",")
    overrides the per-file detection.
    """
    file = str(path)
    notes: list[str] = []
    # Only a regular file: a device or a named pipe would never end or never start.
    data = read_input(Path(path), file)
    records = _records(_decode(data, file, notes), file)
    titles_seen = []  # the title and Bron lines: they may name the table
    while records and len(records[0][1]) == 1:
        notes.append(f"skipped title line {records[0][0]}: {records[0][1][0].strip()!r}")
        titles_seen.append(records[0][1][0])
        records = records[1:]
    while records and len(records[-1][1]) == 1 and records[-1][1][0].strip().startswith("Bron"):
        titles_seen.append(records[-1][1][0])
        records = records[:-1]
    if not records:
        message = "no header row: the file is empty or holds only title lines"
        raise ProblemsError([Problem(file, 1, "header", message)])
    header_line, header = records[0]
    columns = _classify(header, file, header_line)
    titles = columns["titles"]
    body = records[1:]

    wrong = [(n, row) for n, row in body if len(row) != len(header)]
    raise_if(
        located_problems(
            file,
            [n for n, _ in wrong],
            [None] * len(wrong),
            [
                f"expected {len(header)} fields like the header on line {header_line}, "
                f"found {len(row)}"
                for _, row in wrong
            ],
        )
    )
    if not body:
        raise ProblemsError([Problem(file, header_line, "rows", "header but no data rows")])

    # One block of cells, stripped in one go: per-column operations would take minutes
    # on an export of many thousands of columns.
    raw = np.array([row for _, row in body], dtype=object).reshape(len(body), len(header))
    cells = pd.Series(raw.ravel(), dtype=object).str.strip().to_numpy(object).reshape(raw.shape)
    frame = pd.DataFrame(cells, columns=titles)
    frame.insert(0, "line", [n for n, _ in body])

    region_field = titles[columns["region_code"]] if columns["region_code"] is not None else None
    dim = titles[columns["region_dim"]] if columns["region_dim"] is not None else None
    if region_field is None:
        # The region dimension must hold the codes themselves.
        if (region_levels(frame[dim]) == "").any():
            raise ProblemsError(
                [
                    Problem(
                        file,
                        header_line,
                        dim,
                        "no region code column (such as 'Regiocode (gemeente, wijk, buurt) "
                        "(code)') and the region labels are not codes: export the codes too",
                    )
                ]
            )
        region_field, dim = dim, None
    period_field = titles[columns["period"]]
    rows = pd.DataFrame(
        {
            "line": frame["line"],
            "region": frame[region_field],
            "name": frame[dim] if dim is not None else "",
            "period_label": frame[period_field],
        }
    )
    rows, problems, more_notes = check_regions_and_periods(rows, file, region_field, period_field)
    notes += more_notes

    measure_titles = [titles[i] for i in columns["measures"]]
    try:
        ids = variable_ids(measure_titles, mapping)
    except ValueError as exc:
        raise ProblemsError([Problem(file, header_line, None, str(exc))]) from exc
    present = {t.casefold() for t in measure_titles}
    unused = sorted(k for k in mapping or {} if normalise_title(k).casefold() not in present)
    if unused:
        notes.append("mapping entries not in this file: " + "; ".join(unused))
    if columns["ignored"]:
        notes.append("ignored text columns: " + "; ".join(columns["ignored"]))

    # The measure cells column by column, as DataFrame.melt would give them.
    kept = rows.index.to_numpy()
    long = pd.DataFrame(
        {
            "line": np.tile(frame["line"].to_numpy()[kept], len(measure_titles)),
            "column": np.repeat(np.array(measure_titles, dtype=object), len(kept)),
            "cell": cells[kept][:, columns["measures"]].ravel(order="F"),
        }
    )
    long = long.merge(rows[["line", "region", "period"]], on="line", how="left")
    long["variable"] = long["column"].map(ids)

    numeric = long["cell"][~long["cell"].isin(["", *SYMBOLS])]
    if decimal is None:
        decision, comma, point = detect_decimal(numeric)
        if decision.decimal == "?":
            c, p = long.loc[comma[comma].index[0]], long.loc[point[point].index[0]]
            problems.append(
                Problem(
                    file,
                    int(c["line"]),
                    c["column"],
                    f"{c['cell']!r} has a decimal comma but {p['cell']!r} on line "
                    f"{int(p['line'])} ({p['column']}) a decimal point",
                )
            )
            raise_if(problems)
        decimal = decision.decimal
        notes.append(f"{decision.reason}")
    else:
        notes.append(f"decimal separator {decimal!r} as given")

    long["value"], long["status"], understood = parse_cells(long["cell"], decimal)
    bad = long[~understood]
    too_large = out_of_range(parse_numbers(bad["cell"], decimal))
    problems += located_problems(
        file,
        [int(x) for x in bad["line"]],
        bad["column"],
        [
            _too_large(c) if big else f"{c!r} is not a number or a symbol ({SYMBOL_LIST})"
            for c, big in zip(bad["cell"], too_large, strict=True)  # the bad cells only
        ],
    )
    problems += duplicate_problems(long.dropna(subset=["period"]), file)
    raise_if(problems)

    tidy = long.assign(period=long["period"].astype(int))[TIDY_COLUMNS].reset_index(drop=True)
    tidy[SOURCE] = export_source(Path(path), titles_seen)
    return ImportResult(tidy=tidy, regions=regions_frame(rows), mapping=ids, notes=notes)
