"""/gemeente/<code>/: a gemeente, its focus areas and their positions per theme."""

from __future__ import annotations

from wijkmonitor.core.model import Indicator
from wijkmonitor.website import addresses as addr
from wijkmonitor.website import figures as fig
from wijkmonitor.website import page_frame as layout
from wijkmonitor.website.map_section import gemeente_map
from wijkmonitor.website.markup import Page, esc, link, summary, table
from wijkmonitor.website.page_levels import children_section
from wijkmonitor.website.page_theme import change_rows, theme_diagram
from wijkmonitor.website.sitedata import ChangeRow, SiteData, YearRow
from wijkmonitor.website.spine_section import spine_section
from wijkmonitor.website.texts import counted, listing


def _latest_values(site: SiteData, code: str) -> dict[str, YearRow]:
    """Per indicator: the latest period with a figure."""
    latest = {}
    for ind, years in site.series.get(code, {}).items():
        with_figure = [y for y in years if not fig.is_missing(y.value)]
        if with_figure:
            latest[ind] = with_figure[-1]
    return latest


def _position_cell(site: SiteData, change: ChangeRow | None, indicator: Indicator) -> str:
    if change is None:
        return "."
    p = fig.p_cell(site, change.deviation_latest, "", indicator)
    if indicator.direction == "neutral":
        return p
    return f"{p} {fig.development_cell(change.development)}"


def _summary(site: SiteData, code: str, areas: list[str]) -> str:
    """What the gemeente has on this site, in one line: the page's summary, which the
    site's search shows under its name (rather than the page's first paragraph, on a
    synthetic site the banner)."""
    wijken = site.children_at(code, "wijk")
    buurten = sum(len(site.children_at(w, "buurt")) for w in wijken)
    buurten += len(site.children_at(code, "buurt"))  # a gemeente without wijk pages
    counts = [
        counted(n, one, more)
        for n, one, more in (
            (len(areas), "aandachtswijk", "aandachtswijken"),
            (len(wijken), "wijk", "wijken"),
            (buurten, "buurt", "buurten"),
        )
        if n
    ]
    if not counts:
        return summary("Gemeente in deze monitor.")
    return summary(f"Gemeente met {listing(counts)} in deze monitor.")


def gemeente_page(site: SiteData, code: str) -> Page:
    page = addr.gemeente_page(code)
    name = site.region_name(code)
    areas = site.areas_of_gemeente.get(code, [])
    totals = site.totals_of_gemeente.get(code, [])
    # The reader's columns first: the focus areas together, then each of them; the
    # gemeente's own value is context and comes last (on a phone it is scrolled to).
    columns = totals + areas
    own = _latest_values(site, code)
    # The chart shows the focus areas together: their total, or the only focus area.
    subject = totals[0] if totals else (areas[0] if len(areas) == 1 else None)
    changes = {a: site.change.get(a, {}) for a in columns}
    parts = [_summary(site, code, areas)]
    if areas:
        links = ", ".join(link(site.region_name(a), page, addr.area_page(a)) for a in areas)
        parts.append(f"Aandachtswijken in {esc(name)}: {links}.\n")
        parts.append(
            "Per indicator staat bij elke wijk de afwijking p van het stedelijk gemiddelde in "
            "de laatste meting en de ontwikkeling sinds de nulmeting. De kolom "
            f"‘{esc(name)}’, de laatste, geeft de waarde van de gemeente zelf (met het jaar).\n"
        )
    else:
        parts.append(f"{esc(name)} heeft geen aandachtswijken in deze monitor.\n")
    parts.append(spine_section(site, page, code))  # the gemeente itself, methods §12
    parts.append(gemeente_map(site, page, code))  # map_section.py (issue 12)
    parts.append(children_section(site, page, code))  # its wijken (settings.area_pages)
    for theme in site.monitor.themes.values():
        inds = [
            i
            for i in site.indicators_of_theme(theme.id)
            if i.id in own or any(i.id in changes[a] for a in columns)
        ]
        if not inds:
            continue
        rows = []
        for ind in inds:
            latest = own.get(ind.id)
            cell = (
                f"{fig.value_cell(latest.value, latest.status, ind.decimals)} ({latest.period})"
                if latest
                else "."
            )
            if latest and fig.derived_note(latest.derived_from):
                cell += f", {fig.derived_note(latest.derived_from)}"
            rows.append(
                [addr.indicator_link(page, ind)]
                + [_position_cell(site, changes[a].get(ind.id), ind) for a in columns]
                + [cell]
            )
        headers = ["Indicator"] + [esc(site.region_name(a)) for a in columns] + [esc(name)]
        pairs = change_rows(site, subject, inds) if subject else []
        chart = theme_diagram(site, subject, theme.title, pairs) if pairs else ""
        parts.append(
            f"## {esc(theme.title)}\n\n{chart}\n"
            + table(headers, rows, "l" + "r" * (len(columns) + 1))
        )
    markdown = layout.page_markdown(site, page, name, "\n\n".join(parts))
    return Page(page, name, markdown, search="summary", in_nav=False)
