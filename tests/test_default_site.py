"""The default monitor's site: every part of the catalogue shows up where readers look."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.conftest import ROOT, write_monitor
from wijkmonitor.cli import main
from wijkmonitor.website.build import build_site

SES = ["ses_woa_totaal", "ses_woa_welvaart", "ses_woa_opleiding", "ses_woa_arbeid"]


def test_the_demo_has_every_page_of_the_issue(demo):
    monitor = demo.monitor
    kinds = monitor.regions["kind"]
    focus = monitor.regions.index[kinds == "focus_area"]
    gemeenten = monitor.regions.index[monitor.regions["level"] == "gemeente"]
    assert (len(monitor.themes), len(focus), len(gemeenten)) == (8, 40, 18)
    for theme in monitor.themes:
        assert (demo.site / f"thema/{theme}/index.html").exists()
    for area in focus:
        assert (demo.site / f"wijk/{area}/index.html").exists()
    for code in gemeenten:
        assert (demo.site / f"gemeente/{code}/index.html").exists()
    for ind in monitor.indicators:
        assert (demo.site / f"indicator/{ind}/index.html").exists()


def test_every_wijk_page_shows_its_ses_woa_position(demo):
    focus = demo.monitor.regions.index[demo.monitor.regions["kind"] == "focus_area"]
    for area in focus:
        html = (demo.site / f"wijk/{area}/index.html").read_text(encoding="utf-8")
        for ind in [*SES, "ses_woa_spreiding"]:
            assert f"indicator/{ind}/" in html, (area, ind)
        assert "2014" in html and "2019" in html


def test_a_new_indicator_yaml_gives_a_new_page_on_the_next_build(tmp_path: Path):
    """An author drops a copy with a new id into indicators/: no other change needed."""
    monitor = tmp_path / "monitor"
    shutil.copytree(
        ROOT,
        monitor,
        ignore=shutil.ignore_patterns(".*", "site", "build", "tests", "examples", "benchmarks"),
    )
    text = (monitor / "indicators/sociale_huurwoningen.yml").read_text(encoding="utf-8")
    copy = text.replace("id: sociale_huurwoningen", "id: sociale_huur_kopie", 1)
    copy = copy.replace("title: ", "title: Kopie van ", 1)
    (monitor / "indicators/sociale_huur_kopie.yml").write_text(copy, encoding="utf-8")
    site = tmp_path / "site"
    build_site(monitor, site)
    page = (site / "indicator/sociale_huur_kopie/index.html").read_text(encoding="utf-8")
    assert "Kopie van" in page
    theme_page = (site / "thema/wonen_en_leefbaarheid/index.html").read_text(encoding="utf-8")
    assert "sociale_huur_kopie" in theme_page


def test_an_own_main_html_without_the_sites_search_is_warned_about(tmp_path, capsys):
    """A monitor's site_src/overrides/main.html replaces wijkmonitor's: without its config
    block the site's search is Material's worker (seconds to a first result on a phone at
    national size). The build says so, naming the file, and still builds; with the block
    kept it says nothing and the search is the site's own."""

    def worker(site: Path) -> str:
        html = (site / "index.html").read_text(encoding="utf-8")
        found = re.search(
            r'<script id="__config" type="application/json">(.*?)</script>', html, re.S
        )
        return json.loads(found.group(1))["search"]

    monitor = write_monitor(tmp_path / "m")
    own = monitor / "site_src/overrides/main.html"
    own.parent.mkdir(parents=True)
    announce = "{% block announce %}Proefversie{% endblock %}\n"
    own.write_text('{% extends "base.html" %}\n' + announce, encoding="utf-8")
    assert main(["build", str(monitor)]) == 0
    err = capsys.readouterr().err
    assert (
        "site_src/overrides/main.html: search: warning: replaces wijkmonitor's main.html "
        "without its config block, so the site's search falls back to Material's worker"
    ) in err
    assert "wijkmonitor-search.js" not in worker(monitor / "site")

    shipped = ROOT / "wijkmonitor/website/static/overrides/main.html"
    own.write_text(shipped.read_text(encoding="utf-8") + announce, encoding="utf-8")
    assert main(["build", str(monitor)]) == 0
    assert "main.html" not in capsys.readouterr().err
    assert "wijkmonitor-search.js" in worker(monitor / "site")
    assert "Proefversie" in (monitor / "site/index.html").read_text(encoding="utf-8")
