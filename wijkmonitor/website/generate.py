"""The page generator: Results (+ Monitor) -> Markdown pages, extra files and navigation.

Pure: nothing here writes files or knows about mkdocs. The navigation is plain data
(a list of ``{title: path or [children]}``); area, gemeente and indicator pages are
not in it — their section index pages link to them — so a static-site generator
that renders the navigation on every page stays linear in the number of pages.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from wijkmonitor.core.compute import Results
from wijkmonitor.core.hookspecs import PAGE_SUBJECTS, Download, PageSection, SitePage
from wijkmonitor.core.pluginmanager import call_each, check_items
from wijkmonitor.core.problems import Problem, ProblemsError
from wijkmonitor.website import addresses as addr
from wijkmonitor.website import page_frame as layout
from wijkmonitor.website.maps import map_files
from wijkmonitor.website.markup import SEARCH_MODES, Page, esc
from wijkmonitor.website.page_area import area_page
from wijkmonitor.website.page_definitions import definitions_page
from wijkmonitor.website.page_downloads import downloads_page, indicators_json
from wijkmonitor.website.page_gemeente import gemeente_page
from wijkmonitor.website.page_glossary import glossary_page
from wijkmonitor.website.page_home import home_page
from wijkmonitor.website.page_indexes import (
    areas_index,
    gemeenten_index,
    indicators_index,
    themes_index,
)
from wijkmonitor.website.page_indicator import indicator_page
from wijkmonitor.website.page_levels import level_index
from wijkmonitor.website.page_methods import METHODS, methods_page
from wijkmonitor.website.page_theme import theme_page
from wijkmonitor.website.sitedata import SiteData, site_data

Nav = list[dict[str, "str | Nav"]]

# The region pages (gemeente and area pages, 17,000 on a national site, and the lists of
# a level's regions outside the navigation) are made of the results and the monitor,
# except these fields of its indicators: only the indicator's own page and the
# definitions page show them, so editing them leaves every region page as it was
# (tests/test_page_cache.py checks this for every region page of the demo).
REGION_PAGES = "region pages"
REGION_PAGES_SKIP = frozenset({"definition", "notes"})


@dataclass(frozen=True)
class PageJob:
    """One page to generate: its docs path and whether the navigation lists it, known
    before it runs (so the site build can make the page in whichever process renders it),
    and the function that makes it. Calling the job runs it."""

    path: str
    in_nav: bool
    make: Callable[[], Page]
    # What the page is made of, for reusing it from the previous build (page_keys.py):
    # REGION_PAGES for the region pages, "" for a page that may read anything (made
    # every build); and the text plugins add to it (their sections).
    reads: str = ""
    extra: str = ""
    # A region page that reads the figures of one gemeente's regions only: that gemeente
    # (``region_cluster``), so a changed figure elsewhere leaves its key as it was.
    cluster: str = ""

    def __call__(self) -> Page:
        page = self.make()
        if (page.path, page.in_nav) != (self.path, self.in_nav):  # a bug, never input
            raise RuntimeError(
                f"the job planned for {self.path} (in_nav={self.in_nav}) made "
                f"{page.path} (in_nav={page.in_nav})"
            )
        return page

    def markdown(self) -> str:
        return self().markdown


@dataclass(frozen=True)
class SitePlan:
    """What to generate: page jobs (run them to get the pages), extra files and the nav."""

    results: Results
    data: SiteData
    jobs: list[PageJob]
    texts: dict[str, str | bytes]  # docs path -> generated file (also plugins' downloads)
    copies: dict[str, Path]  # docs path -> file to copy as is
    nav: Nav


def navigation(site: SiteData) -> Nav:
    themes: Nav = [{t.title: addr.theme_page(t.id)} for t in site.monitor.themes.values()]
    return [
        {"Home": addr.HOME},
        {"Thema’s": [addr.THEMES, *themes]},
        {"Wijken": addr.AREAS},
        {"Gemeenten": addr.GEMEENTEN},
        {"Indicatoren": addr.INDICATORS},
        {"Definities": addr.DEFINITIONS},
        {"Begrippen": addr.GLOSSARY},
        {"Verantwoording": METHODS},
        {"Downloads": addr.DOWNLOADS},
    ]


def plan(
    results: Results,
    repo_url: str = "",
    pdf_profiles: bool = False,
    build_date: date | None = None,
) -> SitePlan:
    """Every page of the site as a job, plus the files that go with them (``pdf_profiles``:
    the build also writes a PDF profile per area page, which the area pages link)."""
    site = site_data(results, pdf_profiles, build_date)
    monitor = site.monitor
    p = functools.partial
    extra = plugin_contributions(site)

    def job(
        path: str, make: Callable[[], Page], in_nav: bool = True, reads: str = "", cluster: str = ""
    ) -> PageJob:
        own = "".join(f"{s.title}\n{s.markdown}\n" for s in extra.sections.get(path, []))
        return PageJob(path, in_nav, _sectioned(extra.sections, path, make), reads, own, cluster)

    def region_job(path: str, make: Callable[[], Page], cluster: str = "") -> PageJob:
        return job(path, make, in_nav=False, reads=REGION_PAGES, cluster=cluster)

    jobs = [
        job(addr.HOME, p(home_page, site)),
        job(addr.THEMES, p(themes_index, site)),
        job(addr.AREAS, p(areas_index, site)),
        job(addr.GEMEENTEN, p(gemeenten_index, site)),
        job(addr.INDICATORS, p(indicators_index, site)),
        job(addr.DEFINITIONS, p(definitions_page, site, repo_url)),
        job(addr.GLOSSARY, p(glossary_page, site)),
        job(METHODS, p(methods_page, site)),
        job(addr.DOWNLOADS, p(downloads_page, site, extra.downloads)),
    ]
    jobs += [job(addr.theme_page(t.id), p(theme_page, site, t)) for t in monitor.themes.values()]
    jobs += [
        job(addr.indicator_page(i.id), p(indicator_page, site, i), in_nav=False)
        for i in monitor.indicators.values()
    ]
    jobs += [
        region_job(addr.gemeente_page(g), p(gemeente_page, site, g), region_cluster(site, g))
        for g in site.gemeenten
    ]
    jobs += [region_job(site.page_of(a), p(area_page, site, a)) for a in site.focus_areas]
    # Every region of the levels in settings.area_pages (issue 12): one job per page,
    # and an index per level; /wijk/ is areas_index, which lists the wijken too.
    paged = [c for codes in site.paged.values() for c in codes]
    jobs += [
        region_job(site.page_of(c), p(area_page, site, c), region_cluster(site, c)) for c in paged
    ]
    jobs += [
        region_job(addr.level_index(lv), p(level_index, site, lv))
        for lv in site.paged
        if lv != "wijk"
    ]
    jobs += [job(page.path, p(_plugin_page, site, page), page.nav) for page in extra.pages]
    copies = {
        addr.yaml_copy(i.id): monitor.dir / i.source_file
        for i in monitor.indicators.values()
        if i.source_file
    }
    texts: dict[str, str | bytes] = {addr.INDICATORS_JSON: indicators_json(site)}
    texts |= {addr.download(d.name): d.content for d in extra.downloads}
    texts |= map_files(monitor)
    nav = navigation(site)
    # Plugins' pages before Downloads, which stays last.
    nav[-1:-1] = [{page.title: page.path} for page in extra.pages if page.nav]
    return SitePlan(results, site, jobs, texts, copies, nav)


def region_cluster(site: SiteData, code: str) -> str:
    """The gemeente whose regions' figures are the only figures the page of ``code`` (a
    gemeente or a region of settings.area_pages) reads, or "" when it may read others.

    Such a page reads its own rows of the results (its reference's figures are in them),
    its spine rows (the spread of its comparable group is in them) and its paged
    children's rows (their table and map): all in its gemeente when each child lies in
    it. A gemeente's page that shows focus areas reads theirs, and a focus area may lie
    in more gemeenten: "". The build keys such a page on its cluster's figures only
    (``page_keys.cluster_digests``)."""
    level = site.level.get(code)  # None for a focus area
    gemeente = code if level == "gemeente" else site.gemeente_of(code)
    if not gemeente or level is None or level == "focus_area":
        return ""
    if level == "gemeente" and (
        site.areas_of_gemeente.get(code) or site.totals_of_gemeente.get(code)
    ):
        return ""
    if any(site.gemeente_of(child) != gemeente for child in site.children.get(code, [])):
        return ""
    return gemeente


# --- What plugins add (hooks register_pages and register_downloads) ---------------

# A plugin page's address: lower case words under a folder of its own.
PLUGIN_PAGE_PATH = re.compile(r"^(?:[a-z0-9][a-z0-9-]*/)+index\.md$")
DOWNLOAD_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# The build's own files under /downloads/ (written by core.output and this module).
OWN_DOWNLOADS = ("results.csv", "changes.csv", "indicators.json", "index.md")


@dataclass(frozen=True)
class Contributions:
    """What the enabled plugins add: sections per docs path, pages, downloads."""

    sections: dict[str, list[PageSection]]
    pages: list[SitePage]
    downloads: list[Download]


def _generated_folders(site: SiteData) -> set[str]:
    """The first folders of the generated pages: a plugin page may not live there."""
    paths = [addr.HOME, addr.THEMES, addr.AREAS, addr.GEMEENTEN, addr.INDICATORS, addr.DEFINITIONS]
    paths += [addr.GLOSSARY, addr.DOWNLOADS, METHODS, addr.theme_page("x"), addr.area_page("x")]
    paths += [addr.gemeente_page("x"), addr.indicator_page("x")]
    return {path.split("/", 1)[0] for path in paths if "/" in path} | {"assets"}


def plugin_contributions(site: SiteData) -> Contributions:
    """Ask every plugin the monitor has not switched off for its pages, sections and
    downloads; a problem names the plugin for anything that does not fit the site."""
    disabled = site.monitor.config.disabled_plugins
    subjects = {
        "area": {a: addr.area_page(a) for a in site.focus_areas},
        "indicator": {i: addr.indicator_page(i) for i in site.monitor.indicators},
        "theme": {t: addr.theme_page(t) for t in site.monitor.themes},
    }
    folders = _generated_folders(site)
    sections: dict[str, list[PageSection]] = {}
    pages: dict[str, SitePage] = {}
    downloads: dict[str, Download] = {}
    problems: list[Problem] = []

    def problem(plugin: str, hook: str, message: str) -> None:
        problems.append(Problem(f"plugin {plugin!r}", None, hook, message))

    hook = "register_pages"
    for plugin, items in call_each(hook, disabled, problems, site=site):
        problems += check_items(plugin, hook, items, PageSection, SitePage)
        for item in items:
            if isinstance(item, PageSection):
                path = subjects.get(item.subject, {}).get(item.id)
                if path is None:
                    message = (
                        f"a section for the {item.subject} {item.id!r}, which has no page "
                        f"(subjects: {', '.join(PAGE_SUBJECTS)})"
                    )
                    problem(plugin, hook, message)
                else:
                    sections.setdefault(path, []).append(item)
            elif isinstance(item, SitePage):
                path = str(item.path)
                if not PLUGIN_PAGE_PATH.match(path) or path.split("/", 1)[0] in folders:
                    message = (
                        f"the page {path!r}: a path like 'my-plugin/index.md' (lower case, "
                        f"digits, -), not under {', '.join(sorted(folders))}"
                    )
                    problem(plugin, hook, message)
                elif item.search not in SEARCH_MODES:
                    message = (
                        f"the page {path!r}: search {item.search!r} is not one of "
                        f"{', '.join(SEARCH_MODES)}"
                    )
                    problem(plugin, hook, message)
                elif path in pages:
                    problem(plugin, hook, f"the page {path!r} is given twice")
                else:
                    pages[path] = item
    hook = "register_downloads"
    for plugin, items in call_each(hook, disabled, problems, site=site):
        problems += check_items(plugin, hook, items, Download)
        for item in (i for i in items if isinstance(i, Download)):
            name = str(item.name)
            if not DOWNLOAD_NAME.match(name) or name in OWN_DOWNLOADS:
                message = (
                    f"the download {name!r}: a file name (letters, digits, . _ -) that is "
                    f"none of the build's own ({', '.join(OWN_DOWNLOADS)})"
                )
                problem(plugin, hook, message)
            elif name in downloads:
                problem(plugin, hook, f"the download {name!r} is given twice")
            elif not isinstance(item.content, str | bytes):
                problem(plugin, hook, f"the download {name!r}: content must be str or bytes")
            else:
                downloads[name] = item
    if problems:
        raise ProblemsError(problems)
    return Contributions(sections, list(pages.values()), list(downloads.values()))


def _sectioned(
    sections: dict[str, list[PageSection]], path: str, job: Callable[[], Page]
) -> Callable[[], Page]:
    """The job of the page at ``path``, adding the plugins' sections for it if any."""
    own = sections.get(path)
    return functools.partial(_with_sections, job, own) if own else job


def _with_sections(job: Callable[[], Page], sections: list[PageSection]) -> Page:
    """Run the page job and add the plugins' sections before its download note."""
    page = job()
    block = "".join(f"\n## {esc(s.title)}\n\n{s.markdown.strip()}\n" for s in sections)
    note = layout.downloads_note(page.path)
    markdown = page.markdown
    if markdown.endswith(note):
        markdown = markdown[: -len(note)].rstrip("\n") + "\n" + block + "\n" + note
    else:
        markdown = markdown.rstrip("\n") + "\n" + block
    # The same page with more Markdown: its hints (search, nav, hide) stay.
    return Page(page.path, page.title, markdown, page.search, page.in_nav, page.hide)


def _plugin_page(site: SiteData, page: SitePage) -> Page:
    markdown = layout.page_markdown(site, page.path, page.title, page.markdown)
    return Page(page.path, page.title, markdown, search=page.search, in_nav=page.nav)


def generate_pages(results: Results, repo_url: str = "") -> list[Page]:
    """All pages at once (convenient for tests; the build runs the jobs with progress)."""
    return [job() for job in plan(results, repo_url).jobs]
