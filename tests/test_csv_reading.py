"""Reading CSV files: real line numbers, field counts and figures that are no figures.

The broken monitors themselves are in the corpus (tests/bad_inputs/110-129); these tests
cover the helpers and the cases the corpus cannot express (the values read, the lines
found again for problems raised after reading).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import DATA, write_monitor
from wijkmonitor.core.csvfile import csv_records, field_count_problems
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.core.tidy import read_tidy_csv


@pytest.mark.parametrize(
    "data",
    [
        b"a,b\n1,2\n\n3,4\n   \n5,6\n \t\n7,8,9\n",
        b"a,b\r\n1,2\r\n\r\n3,4\r\n   \r\n5,6\r\n \t\r\n7,8,9",
        b"a,b\r1,2\r\r3,4\r   \r5,6\r \t\r7,8,9\r",
        b'a,b\n1,2\n\n"3",4\n   \n5,"6"\n \t\n7,8,9\n',
    ],
    ids=["lf", "crlf", "cr", "quoted"],
)
def test_records_skip_blank_lines_and_keep_the_file_lines(data: bytes) -> None:
    lines, fields = csv_records(data, "x.csv")
    assert lines.tolist() == [1, 2, 4, 6, 8]
    assert fields.tolist() == [2, 2, 2, 2, 3]


def test_a_quoted_line_break_names_the_line_the_record_starts_on() -> None:
    data = b'a,b\n1,"two\nlines\n"\n\n3,4\n'
    lines, fields = csv_records(data, "x.csv")
    assert lines.tolist() == [1, 2, 6]
    assert fields.tolist() == [2, 2, 2]


def test_a_short_row_and_a_long_first_row_do_not_cancel_out() -> None:
    # The comma count of the file is right; the first row is checked on its own.
    data = b"a,b,c\n1,2,3,4\n5,6,7\n8,9\n"
    problems = field_count_problems(data, "x.csv", 3, 3)
    assert [str(p) for p in problems] == [
        "x.csv:2: row: 4 fields where the header has 3",
        "x.csv:4: row: 2 fields where the header has 3",
    ]
    assert field_count_problems(b"a,b,c\n1,2,3\n\n4,5,6\n", "x.csv", 3, 2) == []


def test_nil_with_zero_and_a_symbol_given_twice_are_read(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text(
        "region,period,variable,value,status\n"
        "1001,2007,a,0,-\n"
        "1002,2007,a,x,x\n"
        "1003,2007,a,-,\n"
        "1004,2007,a,1e15,\n"
        "1005,2007,a,-1e15,\n",
        encoding="utf-8",
    )
    tidy = read_tidy_csv(path, tmp_path)
    assert tidy["value"].tolist()[0] == 0.0 and np.isnan(tidy["value"].iloc[1])
    assert tidy["value"].tolist()[2:] == [0.0, 1e15, -1e15]
    assert tidy["status"].astype(str).tolist() == ["-", "x", "-", "", ""]


def test_problems_found_after_reading_name_the_real_line(tmp_path: Path) -> None:
    # A negative count is found by load_monitor, after the file was read; locate_rows
    # finds its line again past a blank line and a quoted field.
    data = DATA.replace(
        "1001,2011,werkzoekenden,60\n", '\n"1001",2011,werkzoekenden,-60\n'
    ).replace("region,period,variable,value\n", "region,period,variable,value\n\n")
    root = write_monitor(tmp_path / "m", **{"data/werk.csv": data})
    with pytest.raises(ProblemsError) as caught:
        load_monitor(root)
    assert [str(p) for p in caught.value.problems] == [
        "data/werk.csv:14: value: -60 is negative, but 'werkzoekenden' is a count "
        "(formula.numerator in indicators/werkzoekenden.yml); counts cannot be negative"
    ]


def test_a_figure_given_twice_names_both_real_lines(tmp_path: Path) -> None:
    data = DATA.replace("1001,2011,werkzoekenden,60\n", "1001,2011,werkzoekenden,60\n\n\n")
    data += '"1001",2011,werkzoekenden,61\n'
    root = write_monitor(tmp_path / "m", **{"data/werk.csv": data})
    with pytest.raises(ProblemsError) as caught:
        load_monitor(root)
    assert [str(p) for p in caught.value.problems] == [
        "data/werk.csv:20: region: 1001, 2011, werkzoekenden is also on line 12; give each "
        "region, period and variable once"
    ]
