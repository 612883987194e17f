"""Bad input: every problem named with file, line or row, field and what is allowed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_2012, INDICATOR, write_monitor
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.problems import ProblemsError


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wijkmonitor", *args], capture_output=True, text=True, check=False
    )


def problems_of(root: Path) -> list[str]:
    with pytest.raises(ProblemsError) as info:
        load_monitor(root)
    return [str(p) for p in info.value.problems]


def test_check_on_the_2012_example_exits_0():
    result = run_cli("check", str(EXAMPLE_2012))
    assert result.returncode == 0, result.stderr
    assert "24 indicators" in result.stdout


@pytest.fixture
def broken_example(tmp_path: Path) -> Path:
    """A copy of the 2012 example with three mistakes in three files."""
    root = tmp_path / "broken"
    shutil.copytree(EXAMPLE_2012, root)
    cito = root / "indicators/cito_score.yml"
    cito.write_text(cito.read_text().replace("higher_is_better", "upwards"))
    sociaal = root / "indicators/sociale_huurwoningen.yml"
    sociaal.write_text(sociaal.read_text().replace("unit: '%'", "unit: '%'\nformula: [unclosed"))
    data = root / "data/report_2012_group_figures.csv"
    lines = data.read_text().splitlines()
    lines[9] = lines[9].rsplit(",", 1)[0] + ",12a"
    data.write_text("\n".join(lines) + "\n")
    return root


def test_broken_copy_reports_every_problem_without_traceback(broken_example):
    result = run_cli("check", str(broken_example))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    err = result.stderr
    assert (
        "indicators/cito_score.yml:5: direction: 'upwards' is not one of "
        "higher_is_better, lower_is_better, neutral" in err
    )
    assert (
        "indicators/sociale_huurwoningen.yml:8: YAML syntax error: expected ',' or ']', but got "
        "':' (while parsing a flow sequence started on line 7)" in err
    )
    assert (
        "data/report_2012_group_figures.csv:10: value: '12a' is not a number "
        "(use a decimal point) or one of . x -" in err
    )
    assert "3 problems found" in err


def test_compute_on_broken_input_writes_nothing(broken_example, tmp_path):
    out = tmp_path / "out"
    result = run_cli("compute", str(broken_example), "--out", str(out))
    assert result.returncode == 1 and not out.exists()


def test_unknown_key_theme_and_variable(tmp_path):
    indicator = (
        INDICATOR.replace("theme: werken", "theme: wonen")
        .replace("numerator: werkzoekenden", "numerator: werkzoekende")
        .replace("source: UWV", "source: UWV\nsorce: UWV")
    )
    root = write_monitor(tmp_path / "m", **{"indicators/werkzoekenden.yml": indicator})
    problems = problems_of(root)
    assert "indicators/werkzoekenden.yml:14: sorce: unknown key (a typo?)" in problems
    # The unknown key stops validation of that file; fix it and the next problems show.
    root = write_monitor(
        tmp_path / "m2",
        **{"indicators/werkzoekenden.yml": indicator.replace("sorce: UWV\n", "")},
    )
    problems = problems_of(root)
    assert (
        "indicators/werkzoekenden.yml:3: theme: 'wonen' is not a theme in "
        "indicators/themes.yml (werken)" in problems
    )


def test_formula_input_not_in_data(tmp_path):
    indicator = INDICATOR.replace("numerator: werkzoekenden", "numerator: werkzoekende")
    root = write_monitor(tmp_path / "m", **{"indicators/werkzoekenden.yml": indicator})
    assert problems_of(root) == [
        "indicators/werkzoekenden.yml:9: formula.numerator: variable 'werkzoekende' is not in "
        "any data file"
    ]


def test_unknown_formula_and_comparison_kind(tmp_path):
    indicator = INDICATOR.replace("kind: share", "kind: shares").replace(
        "kind: ratio", "kind: shifted_ratio"
    )
    root = write_monitor(tmp_path / "m", **{"indicators/werkzoekenden.yml": indicator})
    problems = problems_of(root)
    assert any(
        p.startswith("indicators/werkzoekenden.yml:8: formula.kind: 'shares' is not one of ")
        and "share" in p
        for p in problems
    )
    assert (
        "indicators/werkzoekenden.yml:11: comparison.offset: required option is missing "
        "(a number)" in problems
    )


def test_duplicate_indicator_id(tmp_path):
    root = write_monitor(tmp_path / "m", **{"indicators/copy.yml": INDICATOR})
    problems = problems_of(root)
    # The id is the file name, so a copy under another name is caught by its name.
    assert problems == [
        "indicators/copy.yml:1: id: 'werkzoekenden' differs from the file name copy.yml; "
        "indicators/werkzoekenden.yml has that id already: give this one the id 'copy'"
    ]


def test_data_problems_name_the_row(tmp_path):
    data = (
        "region,period,variable,value,status\n"
        "GM0001,2007,werkzoekenden,500,\n"
        "GM9999,2007,werkzoekenden,5,\n"
        "GM0001,twee,beroepsbevolking,10,\n"
        "GM0001,2007,beroepsbevolking,10,?\n"
    )
    root = write_monitor(tmp_path / "m", **{"data/werk.csv": data})
    problems = problems_of(root)
    assert "data/werk.csv:3: region: 'GM9999' is not a code in data/regions.csv" in problems
    assert "data/werk.csv:4: period: 'twee' is not a year (e.g. 2012)" in problems
    assert "data/werk.csv:5: status: '?' is not one of '', ., x, -" in problems


def test_region_and_area_problems(tmp_path):
    regions = "code,name,level,parent\nGM0001,Stad,gemeente,\n1001,Noord,postcode,GM0002\n"
    areas = "areas:\n  - id: noord\n    name: Noord\n    kind: focus_area\n    members: ['1009']\n"
    root = write_monitor(tmp_path / "m", **{"data/regions.csv": regions, "areas.yml": areas})
    problems = problems_of(root)
    assert (
        "data/regions.csv:3: level: 'postcode' is not one of gemeente, wijk, buurt, pc4, "
        "focus_area, focus_total, group" in problems
    )
    assert (
        "data/regions.csv:3: parent: 'GM0002' is not a listed code (leave it empty for a gemeente)"
        in problems
    )


def test_area_member_unknown_names_the_line(tmp_path):
    areas = "areas:\n  - id: noord\n    name: Noord\n    kind: focus_area\n    members: ['1009']\n"
    root = write_monitor(tmp_path / "m", **{"areas.yml": areas})
    assert problems_of(root) == [
        "areas.yml:5: areas.0.members.0: '1009' is neither a code in data/regions.csv nor "
        "an area id"
    ]


def test_baseline_outside_the_periods(tmp_path):
    indicator = INDICATOR.replace(
        "baseline_period: 2007", "periods: [2007, 2011]\nbaseline_period: 2006"
    )
    root = write_monitor(tmp_path / "m", **{"indicators/werkzoekenden.yml": indicator})
    assert problems_of(root) == [
        "indicators/werkzoekenden.yml:18: baseline_period: 2006 is not one of the periods "
        "[2007, 2011]"
    ]


def test_unexpected_exception_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    """A bug of our own (here: the computation raising) is no traceback but one line;
    WIJKMONITOR_DEBUG=1 lets the traceback through."""
    from wijkmonitor.cli import main
    from wijkmonitor.core import compute

    def broken(monitor):
        raise ZeroDivisionError("kapot")

    root = write_monitor(tmp_path / "m")
    monkeypatch.delenv("WIJKMONITOR_DEBUG", raising=False)
    monkeypatch.setattr(compute, "compute_results", broken)
    code = main(["compute", str(root), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        "wijkmonitor: internal error: ZeroDivisionError: kapot "
        "(set WIJKMONITOR_DEBUG=1 for the traceback; please report it)\n"
    )
    assert not (tmp_path / "out").exists()
    monkeypatch.setenv("WIJKMONITOR_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["compute", str(root), "--out", str(tmp_path / "out")])


def test_a_mistake_on_many_rows_is_reported_twenty_times_then_counted(tmp_path):
    rows = "".join(f"GM0001,{2000 + i},werkzoekenden,veel{i}\n" for i in range(25))
    root = write_monitor(
        tmp_path / "m", **{"data/extra.csv": "region,period,variable,value\n" + rows}
    )
    problems = problems_of(root)
    assert len(problems) == 21
    assert problems[0] == (
        "data/extra.csv:2: value: 'veel0' is not a number (use a decimal point) or one of . x -"
    )
    assert problems[-1] == "data/extra.csv: value: ... and 5 more"
