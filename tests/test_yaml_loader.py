"""YAML is read with libyaml's parser (C) where PyYAML has it, and keeps every line the
pure-Python loader gives: Problems point at the same lines either way."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wijkmonitor.core import yamlfile
from wijkmonitor.core.problems import ProblemsError

with_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")

# Block and flow style, comments, multi-line and quoted scalars, nested lists.
TEXT = """\
# areas of a monitor
areas:
  - id: noord   # a comment
    name: "Noord: het oude deel"
    kind: focus_area
    members: [BU03630000, BU03630001,
              BU03630002]
  - id: zuid
    name: >
      Zuid, over
      twee regels
    kind: focus_area
    members:
      - BU03630003
      - {code: BU03630004}
"""


def _pure_lines(text: str) -> dict:
    loader = yamlfile._CheckedLoader(text, "x.yml", None)
    node = loader.get_single_node()
    loader.dispose()
    lines: dict = {}
    yamlfile._walk(node, (), lines, [])
    return lines


@with_libyaml
def test_libyaml_reads_monitor_files():
    # The first loader tried is libyaml's; the pure one follows only for syntax errors.
    assert issubclass(yamlfile._LOADERS[0], yaml.CSafeLoader)
    assert yamlfile._LOADERS[-1] is yamlfile._CheckedLoader


@with_libyaml
def test_libyaml_gives_every_key_the_line_the_pure_loader_gives(tmp_path: Path):
    path = tmp_path / "areas.yml"
    path.write_text(TEXT, encoding="utf-8")
    doc = yamlfile.load_yaml(path, "areas.yml")
    assert doc.lines == _pure_lines(TEXT)
    assert doc.line(("areas", 1, "members", 1, "code")) == 15
    assert doc.data["areas"][0]["members"][2] == "BU03630002"
    assert doc.data["areas"][1]["name"] == "Zuid, over twee regels\n"


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "x.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProblemsError) as info:
        yamlfile.load_yaml(path, "x.yml")
    return [str(p) for p in info.value.problems]


def test_a_syntax_error_keeps_its_words_and_line(tmp_path: Path):
    """libyaml words errors its own way ("mapping values are not allowed in this
    context"); the file is then read again by the pure loader, whose words the hints
    and the bad-input corpus rely on."""
    assert _problems(tmp_path, "a: 1\nb: c: d\n") == [
        "x.yml:2: YAML syntax error: mapping values are not allowed here (a text with ': ' "
        "in it needs quotes, or a key is indented too far)"
    ]


def test_the_checks_while_composing_keep_their_lines(tmp_path: Path):
    deep = "a:\n  b: " + "[" * 150 + "]" * 150 + "\n"
    assert _problems(tmp_path, deep) == [
        "x.yml:2: YAML nesting: more than 100 levels deep; a monitor's files need a few"
    ]
    assert _problems(tmp_path, "a: 1\nb: &x 2\n") == [
        "x.yml:2: YAML anchor '&x': anchors and aliases are not allowed in monitor files; "
        "write the values out"
    ]
    assert _problems(tmp_path, "a: 1\nb: 2\na: 3\n") == [
        "x.yml:3: a: the key is also on line 1 (YAML would silently keep only the last one)"
    ]
