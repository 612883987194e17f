"""The chart templates are made with altair once and kept in the user's cache.

A build that finds them there does not import altair at all (0.35-0.65 s less per
build); a cached file that is damaged or altered is not used but made again, and the
templates read from the cache are the ones altair makes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from wijkmonitor.website import chart_templates, charts
from wijkmonitor.website.markup import json_text
from wijkmonitor.website.page_keys import digest

# Runs in a fresh interpreter: the templates, and whether altair had to be imported.
PROBE = (
    "import sys, json\n"
    "from wijkmonitor.website import charts\n"
    "t = charts.templates()\n"
    "print(json.dumps({'altair': 'altair' in sys.modules,"
    " 'names': sorted(t), 'spine': t['spine']}, sort_keys=True))\n"
)


def _probe(cache_home) -> dict:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


@pytest.fixture
def fresh_templates(tmp_path, monkeypatch):
    """charts.templates() in this process, reading and writing a cache under tmp_path."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    charts.templates.cache_clear()
    yield tmp_path / "wijkmonitor"
    charts.templates.cache_clear()  # the next test reads the user's own cache again


def test_a_build_with_the_templates_cached_does_not_import_altair(tmp_path):
    made = _probe(tmp_path)
    assert made["altair"] is True  # nothing cached yet: made with altair
    cached = _probe(tmp_path)
    assert cached["altair"] is False
    assert cached["names"] == sorted(charts.TEMPLATE_NAMES)
    assert cached["spine"] == made["spine"]
    # What altair makes, as the site serializes it.
    assert json_text(cached["spine"]) == json_text(chart_templates.make()["spine"])


def test_a_damaged_or_altered_cache_is_made_again(fresh_templates):
    first = charts.templates()
    files = list(fresh_templates.glob("chart-templates-*.json"))
    assert len(files) == 1
    path = files[0]
    stored = json.loads(path.read_text())
    assert stored["digest"] == digest(stored["templates"])

    # A template altered in the file (its digest no longer matches): not used.
    altered = stored["templates"].replace('"#006d57"', '"#ff0000"')
    assert altered != stored["templates"]
    path.write_text(json.dumps({"templates": altered, "digest": stored["digest"]}))
    charts.templates.cache_clear()
    again = charts.templates()
    assert json_text(again["spine"]) == json_text(first["spine"])
    assert "#ff0000" not in path.read_text()  # and written again whole

    for damaged in ("", "{", '{"templates": 1}', json.dumps({"templates": "{}", "digest": "x"})):
        path.write_text(damaged)
        charts.templates.cache_clear()
        assert json_text(charts.templates()["theme"]) == json_text(first["theme"]), damaged

    # A complete file without one of the templates (its digest right): made again too.
    partial = json_text({k: v for k, v in json.loads(stored["templates"]).items() if k != "areas"})
    path.write_text(json.dumps({"templates": partial, "digest": digest(partial)}))
    charts.templates.cache_clear()
    assert sorted(charts.templates()) == sorted(charts.TEMPLATE_NAMES)


def test_without_a_writable_cache_the_templates_are_made_every_time(tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the cache directory would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    charts.templates.cache_clear()
    try:
        made = charts.templates()
    finally:
        charts.templates.cache_clear()
    assert sorted(made) == sorted(charts.TEMPLATE_NAMES)
    assert blocked.read_text().startswith("a file")
