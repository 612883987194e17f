"""The page generator: Results (+ Monitor) -> Markdown pages, extra files and navigation.

Pure: nothing here writes files or knows about mkdocs. The navigation is plain data
(a list of ``{title: path or [children]}``); area, gemeente and indicator pages are
not in it — their section index pages link to them — so a static-site generator
that renders the navigation on every page stays linear in the number of pages.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wijkmonitor.core.compute import Results
from wijkmonitor.website import common as c
from wijkmonitor.website.markup import Page
from wijkmonitor.website.page_area import area_page
from wijkmonitor.website.page_gemeente import gemeente_page
from wijkmonitor.website.page_glossary import glossary_page
from wijkmonitor.website.page_indicator import indicator_page
from wijkmonitor.website.page_overview import (
    areas_index,
    definitions_page,
    downloads_page,
    gemeenten_index,
    home_page,
    indicators_index,
    indicators_json,
    themes_index,
)
from wijkmonitor.website.page_theme import theme_page
from wijkmonitor.website.sitedata import SiteData, site_data

PageJob = Callable[[], Page]
Nav = list[dict[str, "str | Nav"]]


@dataclass(frozen=True)
class SitePlan:
    """What to generate: page jobs (run them to get the pages), extra files and the nav."""

    results: Results
    data: SiteData
    jobs: list[PageJob]
    texts: dict[str, str]  # docs path -> generated text file
    copies: dict[str, Path]  # docs path -> file to copy as is
    nav: Nav


def navigation(site: SiteData) -> Nav:
    themes: Nav = [{t.title: c.theme_page(t.id)} for t in site.monitor.themes.values()]
    return [
        {"Home": c.HOME},
        {"Thema’s": [c.THEMES, *themes]},
        {"Wijken": c.AREAS},
        {"Gemeenten": c.GEMEENTEN},
        {"Indicatoren": c.INDICATORS},
        {"Definities": c.DEFINITIONS},
        {"Begrippen": c.GLOSSARY},
        {"Downloads": c.DOWNLOADS},
    ]


def plan(results: Results, repo_url: str = "") -> SitePlan:
    """Every page of the site as a job, plus the files that go with them."""
    site = site_data(results)
    monitor = site.monitor
    p = functools.partial
    jobs: list[PageJob] = [
        p(home_page, site),
        p(themes_index, site),
        p(areas_index, site),
        p(gemeenten_index, site),
        p(indicators_index, site),
        p(definitions_page, site, repo_url),
        p(glossary_page, site),
        p(downloads_page, site),
    ]
    jobs += [p(theme_page, site, t) for t in monitor.themes.values()]
    jobs += [p(indicator_page, site, i) for i in monitor.indicators.values()]
    jobs += [p(gemeente_page, site, g) for g in site.gemeenten]
    jobs += [p(area_page, site, a) for a in site.focus_areas]
    copies = {
        c.yaml_copy(i.id): monitor.dir / i.source_file
        for i in monitor.indicators.values()
        if i.source_file
    }
    texts = {c.INDICATORS_JSON: indicators_json(site)}
    return SitePlan(results, site, jobs, texts, copies, navigation(site))


def generate_pages(results: Results, repo_url: str = "") -> list[Page]:
    """All pages at once (convenient for tests; the build runs the jobs with progress)."""
    return [job() for job in plan(results, repo_url).jobs]
