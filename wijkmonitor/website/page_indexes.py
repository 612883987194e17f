"""The index pages of the sections: themes, areas, gemeenten and indicators."""

from __future__ import annotations

from wijkmonitor.website import addresses as addr
from wijkmonitor.website import page_frame as layout
from wijkmonitor.website.markup import Page, esc, link, table
from wijkmonitor.website.page_levels import LEVEL_WORDS, level_list
from wijkmonitor.website.sitedata import SiteData


def themes_index(site: SiteData) -> Page:
    page = addr.THEMES
    rows = [
        [
            link(t.title, page, addr.theme_page(t.id)),
            esc(t.description),
            str(len(site.indicators_of_theme(t.id))),
        ]
        for t in site.monitor.themes.values()
    ]
    body = table(["Thema", "Omschrijving", "Indicatoren"], rows, "llr")
    markdown = layout.page_markdown(site, page, "Thema’s", body, figures=False)
    return Page(page, "Thema’s", markdown, search="text")


def areas_index(site: SiteData) -> Page:
    page = addr.AREAS
    rows = [
        [
            link(site.region_name(a), page, addr.area_page(a)),
            esc(site.region_name(site.gemeente_of(a))),
            esc(site.region_name(site.reference_of(a))),
        ]
        for a in site.focus_areas
    ]
    body = (
        table(["Wijk", "Gemeente", "Vergeleken met"], rows)
        if rows
        else "Deze monitor heeft geen aandachtswijken."
    )
    if site.paged.get("wijk"):  # settings.area_pages: every wijk has a page
        body += "\n\n## Alle wijken\n\n" + level_list(site, page, "wijk")
    others = [lv for lv in site.paged if lv != "wijk"]
    if others:
        body += "\n\n" + " · ".join(
            link(f"Alle {LEVEL_WORDS[lv][1].lower()}", page, addr.level_index(lv)) for lv in others
        )
    markdown = layout.page_markdown(site, page, "Aandachtswijken", body, figures=False)
    return Page(page, "Wijken", markdown, search="text")


def gemeenten_index(site: SiteData) -> Page:
    page = addr.GEMEENTEN
    rows = [
        [
            link(site.region_name(g), page, addr.gemeente_page(g)),
            esc(g),
            str(len(site.areas_of_gemeente.get(g, []))),
        ]
        for g in site.gemeenten
    ]
    body = (
        table(["Gemeente", "Code", "Aandachtswijken"], rows, "llr")
        if rows
        else "Deze monitor heeft geen gemeenten."
    )
    markdown = layout.page_markdown(site, page, "Gemeenten", body, figures=False)
    return Page(page, "Gemeenten", markdown, search="text")


def indicators_index(site: SiteData) -> Page:
    page = addr.INDICATORS
    parts = []
    for theme in site.monitor.themes.values():
        inds = site.indicators_of_theme(theme.id)
        if inds:
            rows = [[addr.indicator_link(page, i), esc(i.unit)] for i in inds]
            parts.append(f"## {esc(theme.title)}\n\n" + table(["Indicator", "Eenheid"], rows))
    body = "\n\n".join(parts) or "Geen indicatoren."
    markdown = layout.page_markdown(site, page, "Indicatoren", body, figures=False)
    return Page(page, "Indicatoren", markdown, search="text")
