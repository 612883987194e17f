"""``wijkmonitor init``: a new monitor that builds as is — one theme, one indicator,
one gemeente with one focus area, two years of made-up figures."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from wijkmonitor.core.atomic import OWNER, located, owned_name, remove_stale
from wijkmonitor.website.assets import STATIC

MONITOR_YML = """\
title: Mijn wijkmonitor
description: >-
  Een nieuwe monitor. Vervang de voorbeeldcijfers in data/ door echte cijfers, beschrijf
  de indicatoren in indicators/ en de gebieden in areas.yml, en zet synthetic op false.
# The example figures are made up: every page says so while this is true.
synthetic: true
settings:
  no_change_threshold: 2.0
"""

THEMES_YML = """\
- id: werken
  title: Werken
  description: Werk en werkloosheid.
"""

INDICATOR_YML = """\
id: werkzoekenden
title: Niet-werkende werkzoekenden
theme: werken
definition: >-
  Aandeel van de potentiële beroepsbevolking (15 tot 65 jaar) dat als niet-werkende
  werkzoekende staat ingeschreven.
direction: lower_is_better
unit: "%"
formula:
  kind: share
  numerator: werkzoekenden
  denominator: beroepsbevolking
comparison:
  kind: ratio
source: UWV (voorbeeldcijfers)
measurement_moment:
  kind: peilmoment
  date: 1 januari
baseline_period: 2020
decimals: 1
min_denominator: 50
"""

REGIONS_CSV = """\
code,name,level,parent
GM0001,Voorbeeldstad,gemeente,
1001,Noord,pc4,GM0001
1002,Zuid,pc4,GM0001
1003,Oost,pc4,GM0001
"""

AREAS_YML = """\
areas:
  - id: noord-zuid
    name: Noord-Zuid
    kind: focus_area
    members: ["1001", "1002"]
"""

DATA_CSV = """\
region,period,variable,value,status
GM0001,2020,werkzoekenden,500,
GM0001,2020,beroepsbevolking,10000,
1001,2020,werkzoekenden,100,
1001,2020,beroepsbevolking,1000,
1002,2020,werkzoekenden,50,
1002,2020,beroepsbevolking,1000,
1003,2020,werkzoekenden,30,
1003,2020,beroepsbevolking,800,
GM0001,2023,werkzoekenden,400,
GM0001,2023,beroepsbevolking,10000,
1001,2023,werkzoekenden,60,
1001,2023,beroepsbevolking,1000,
1002,2023,werkzoekenden,40,
1002,2023,beroepsbevolking,1000,
1003,2023,werkzoekenden,25,
1003,2023,beroepsbevolking,800,
"""

ABOUT_MD = """\
# Over deze monitor

Schrijf hier wie de monitor maakt, voor wie, en hoe de cijfers tot stand komen.
Deze pagina staat in `site_src/over.md`; elke Markdown-pagina in `site_src/` komt op de
site, en `mkdocs.yml` bepaalt onder `nav` waar hij in het menu staat.
"""

GITIGNORE = "site/\nbuild/\n.site.tmp-*/\n"


def new_monitor_files() -> dict[str, str]:
    """Relative path -> contents of every file of a new monitor."""
    mkdocs_yml = (STATIC / "mkdocs.yml").read_text(encoding="utf-8")
    return {
        "monitor.yml": MONITOR_YML,
        "mkdocs.yml": mkdocs_yml + "nav:\n  - Over deze monitor: over.md\n",
        "indicators/themes.yml": THEMES_YML,
        "indicators/werkzoekenden.yml": INDICATOR_YML,
        "areas.yml": AREAS_YML,
        "data/regions.csv": REGIONS_CSV,
        "data/werk.csv": DATA_CSV,
        "site_src/over.md": ABOUT_MD,
        ".gitignore": GITIGNORE,
    }


class NewMonitorError(Exception):
    pass


def _work_pattern(target: Path) -> re.Pattern[str]:
    return re.compile(re.escape(f".{target.name}.init-") + OWNER + r"-[a-z0-9_]+")


def init_monitor(target: Path) -> list[Path]:
    """Write a new monitor into ``target`` (missing or empty); return the files written.

    Atomic: the monitor is written into a directory beside ``target`` and renamed into
    place when complete, so a failure (disk full) leaves no half-made monitor that the
    next ``init`` would refuse. An OSError names the file of ``target`` being written."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise NewMonitorError(f"{target}: exists and is not empty; choose a new directory")
    parent = target.parent
    if parent.exists() and not parent.is_dir():
        raise NewMonitorError(f"{parent}: is a file, not a directory; choose a new directory")
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale(parent, _work_pattern(target))  # left by a killed init
    # Named before it is made, and made inside the try: however the run ends (a Ctrl+C the
    # moment it is made too), it goes.
    work = parent / owned_name(f".{target.name}.init-")
    try:
        try:
            work.mkdir(mode=0o700)
        except OSError as exc:  # the parent: not writable, a full disk
            raise located(exc, target) from None
        for name, text in new_monitor_files().items():
            path = work / name
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8", newline="\n")
            except OSError as exc:
                raise located(exc, target / name) from None
        # Made private (0700) while it is written: a monitor is as any new directory.
        os.chmod(work, 0o777 & ~_umask())
        try:
            os.rename(work, target)  # onto a missing or empty directory: one step
        except OSError as exc:
            raise located(exc, target) from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return [target / name for name in new_monitor_files()]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
