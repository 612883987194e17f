"""Shared test helpers: a small monitor written into a temporary directory."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_2012 = ROOT / "examples" / "outcomemonitor-2012"
# The site settings `wijkmonitor init` writes into a new monitor.
SITE_CONFIG = (ROOT / "wijkmonitor" / "website" / "static" / "mkdocs.yml").read_text("utf-8")

THEMES = """\
- id: werken
  title: Werken
"""

INDICATOR = """\
id: werkzoekenden
title: Niet-werkende werkzoekenden
theme: werken
definition: Aandeel van de potentiële beroepsbevolking dat werk zoekt.
direction: lower_is_better
unit: "%"
formula:
  kind: share
  numerator: werkzoekenden
  denominator: beroepsbevolking
comparison:
  kind: ratio
source: UWV
measurement_moment:
  kind: peilmoment
  date: 1 januari
baseline_period: 2007
min_denominator: 50
"""

REGIONS = """\
code,name,level,parent
GM0001,Stad,gemeente,
1001,Noord,pc4,GM0001
1002,Zuid,pc4,GM0001
1003,Oost,pc4,GM0001
"""

AREAS = """\
areas:
  - id: noordzuid
    name: Noord-Zuid
    kind: focus_area
    members: ["1001", "1002"]
"""

DATA = """\
region,period,variable,value
GM0001,2007,werkzoekenden,500
GM0001,2007,beroepsbevolking,10000
1001,2007,werkzoekenden,100
1001,2007,beroepsbevolking,1000
1002,2007,werkzoekenden,50
1002,2007,beroepsbevolking,1000
1003,2007,werkzoekenden,10
1003,2007,beroepsbevolking,500
GM0001,2011,werkzoekenden,400
GM0001,2011,beroepsbevolking,10000
1001,2011,werkzoekenden,60
1001,2011,beroepsbevolking,1000
1002,2011,werkzoekenden,40
1002,2011,beroepsbevolking,1000
1003,2011,werkzoekenden,5
1003,2011,beroepsbevolking,500
"""


def write_monitor(root: Path, **overrides: str) -> Path:
    """Write the small test monitor; ``overrides`` maps relative paths to new contents
    (None leaves that file out)."""
    files = {
        "monitor.yml": "title: Testmonitor\n",
        "indicators/themes.yml": THEMES,
        "indicators/werkzoekenden.yml": INDICATOR,
        "data/regions.csv": REGIONS,
        "areas.yml": AREAS,
        "data/werk.csv": DATA,
        "mkdocs.yml": SITE_CONFIG,
    }
    files.update(overrides)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is not None:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def small_monitor(tmp_path: Path) -> Path:
    return write_monitor(tmp_path / "monitor")


# The demo site, built once per session (tests/sitebuild.py), and for the browser tests
# that site served on 127.0.0.1 and a chromium, both per test module.
@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    from tests.sitebuild import demo_site

    return demo_site(tmp_path_factory)


@pytest.fixture(scope="module")
def base_url(demo) -> Iterator[str]:
    from tests.browsing import serve

    with serve(demo.site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from tests.browsing import launch

    with launch() as browser:
        yield browser
