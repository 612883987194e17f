"""The home page: what the monitor is, its themes and areas, the latest period."""

from __future__ import annotations

from wijkmonitor.core.compute import NOT_COMPUTABLE_STATUS as NOT_COMPUTABLE
from wijkmonitor.website import addresses as addr
from wijkmonitor.website import page_frame as layout
from wijkmonitor.website.map_section import home_map, no_area_map
from wijkmonitor.website.markup import Page, esc, link, paragraph, strong, table
from wijkmonitor.website.numbers import fmt_int
from wijkmonitor.website.sitedata import SiteData
from wijkmonitor.website.texts import counted

# The home page lists areas by name up to this many; larger monitors link to /wijk/.
HOME_AREA_LIMIT = 120


def _period_range(periods: list[int]) -> str:
    if not periods:
        return "."
    return str(periods[0]) if len(periods) == 1 else f"{periods[0]}–{periods[-1]}"


def _by_gemeente(site: SiteData, page: str, groups: dict[str, list[str]]) -> str:
    """One line per gemeente: its name and links to the pages of its regions in
    ``groups`` ("" for areas that lie in more than one gemeente)."""
    lines = []
    for g, codes in groups.items():
        if not codes:
            continue
        links = ", ".join(link(site.region_name(c), page, site.page_of(c)) for c in codes)
        head = (
            link(site.region_name(g), page, addr.gemeente_page(g))
            if g in site.gemeenten
            else (esc(site.region_name(g)) if g else "Meerdere gemeenten")
        )
        lines.append(f"- **{head}**: {links}")
    return "\n".join(lines) + "\n"


def _wijken_by_gemeente(site: SiteData, page: str) -> str:
    """A monitor without focus areas whose wijken have pages (examples/g4): its wijken
    per gemeente, or a link to the filterable list of all of them when there are many."""
    wijken = {g: site.children_at(g, "wijk") for g in site.gemeenten}
    if sum(len(codes) for codes in wijken.values()) > HOME_AREA_LIMIT:
        return f"Zie {link('alle wijken', page, addr.level_index('wijk'))}.\n"
    return _by_gemeente(site, page, wijken)


def home_page(site: SiteData) -> Page:
    page = addr.HOME
    monitor = site.monitor
    counts = site.cell_counts
    facts = [
        ["Indicatoren", fmt_int(len(monitor.indicators))],
        ["Thema’s", fmt_int(len(monitor.themes))],
        ["Aandachtswijken", fmt_int(len(site.focus_areas))],
        ["Gemeenten", fmt_int(len(site.gemeenten))],
        ["Perioden", _period_range(site.periods)],
        ["Laatste periode", str(site.periods[-1]) if site.periods else "."],
        ["Cellen met een cijfer", fmt_int(counts.get("", 0))],
        ["Cellen geheim (x, te kleine aantallen)", fmt_int(counts.get("x", 0))],
        ["Cellen zonder cijfer (.)", fmt_int(counts.get(".", 0))],
        ["Cellen niet te berekenen (., noemer 0)", fmt_int(counts.get(NOT_COMPUTABLE, 0))],
    ]
    if monitor.synthetic:
        facts.append(["Soort gegevens", f"{strong('synthetisch')} (geen echte cijfers)"])
    themes = "\n".join(
        f"- {link(t.title, page, addr.theme_page(t.id))} "
        f"({counted(len(site.indicators_of_theme(t.id)), 'indicator', 'indicatoren')})"
        + (f" — {esc(t.description)}" if t.description else "")
        for t in monitor.themes.values()
    )
    parts = [paragraph(monitor.config.description.strip()) if monitor.config.description else ""]
    parts.append("## Stand van de gegevens\n\n" + table(["Kenmerk", "Waarde"], facts, "lr") + "\n")
    parts.append("## Thema’s\n\n" + themes + "\n")
    if site.focus_areas:
        listing = (
            _by_gemeente(site, page, site.areas_of_gemeente)
            if len(site.focus_areas) <= HOME_AREA_LIMIT
            else f"Zie {link('alle aandachtswijken', page, addr.AREAS)}.\n"
        )
        # The map (map_section.py, issue 12) above the list that names the same regions.
        # Without any boundaries the indicator pages say that maps need them; with some
        # (the demo's gemeenten) the home page says why its map is not of the areas.
        shown = [home_map(site, page), no_area_map(site) if site.monitor.boundaries else ""]
        parts.append("## Aandachtswijken\n\n" + "\n".join(m for m in shown if m) + "\n" + listing)
    elif site.children and "wijk" in site.paged:
        parts.append(
            "## Wijken\n\n" + home_map(site, page) + "\n" + _wijken_by_gemeente(site, page)
        )
    elif site.focus_totals:
        names = ", ".join(esc(site.region_name(t)) for t in site.focus_totals)
        parts.append(f"## Gebieden\n\nDeze monitor vergelijkt: {names}.\n")
    parts.append(
        "## Verantwoording\n\n"
        f"- {link('Definities van alle indicatoren', page, addr.DEFINITIONS)}\n"
        f"- {link('Alle indicatoren', page, addr.INDICATORS)}\n"
        f"- {link('Downloads', page, addr.DOWNLOADS)}: alle cijfers als CSV en de definities als JSON\n"
    )
    body = "\n".join(p for p in parts if p)
    return Page(page, "Home", layout.page_markdown(site, page, monitor.title, body))
