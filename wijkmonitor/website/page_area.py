"""/wijk/<id>/: one focus area — per indicator a yearly chart of p and its table."""

from __future__ import annotations

from wijkmonitor.core.changes import direction_sign
from wijkmonitor.core.model import Indicator
from wijkmonitor.website import addresses as addr
from wijkmonitor.website import figures as fig
from wijkmonitor.website import page_frame as layout
from wijkmonitor.website.charts import yearly_chart
from wijkmonitor.website.map_section import buurten_map, locator_map
from wijkmonitor.website.markup import Page, esc, figure, link, strong, summary, table
from wijkmonitor.website.page_levels import children_section, level_noun, level_word
from wijkmonitor.website.page_methods import METHODS
from wijkmonitor.website.sitedata import ChangeRow, SiteData, YearRow
from wijkmonitor.website.spine_section import spine_section
from wijkmonitor.website.texts import count_sentence, gap_sentence, listing, position


def yearly_rows(site: SiteData, rows: list[YearRow], indicator: Indicator) -> list[dict]:
    """Chart data: p per year, skipping years without a figure."""
    sign = direction_sign(indicator.direction)
    return [
        {
            "label": str(r.period),
            "order": r.period,
            "p": round(float(r.deviation), 4),
            "positie": position(float(r.deviation), sign),
            "tekst": fig.p_cell(site, float(r.deviation), "", indicator),
        }
        for r in rows
        if not fig.is_missing(r.deviation)
    ]


# The heading of the reference column of an area that is compared with nothing.
NO_REFERENCE = "geen vergelijkingsgebied"


def _year_table(
    site: SiteData, rows: list[YearRow], indicator: Indicator, name: str, reference: str
) -> str:
    d = indicator.decimals
    body = [
        [
            str(int(r.period)),
            fig.p_cell(site, r.deviation, r.deviation_status, indicator),
            fig.value_cell(r.value, r.status, d),
            fig.value_cell(r.reference_value, r.reference_status, d),
        ]
        for r in rows
    ]
    notes = [
        f"{int(r.period)} {fig.derived_note(r.derived_from)}"
        for r in rows
        if fig.derived_note(r.derived_from) and r.status == ""
    ]
    # Figures of this area derived from its parts (results.csv derived_from, methods §13).
    derived = f"\n\nDe cijfers van {esc(name)}: {'; '.join(notes)}." if notes else ""
    return table(["Jaar", "p", esc(name), esc(reference)], body, "lrrr") + derived


def _indicator_section(
    site: SiteData,
    page: str,
    code: str,
    indicator: Indicator,
    rows: list[YearRow],
    change: ChangeRow | None,
) -> str:
    name = site.region_name(code)
    reference_code = site.reference_of(code)
    reference = site.region_name(reference_code) if reference_code else NO_REFERENCE
    chart_data = yearly_rows(site, rows, indicator)
    figures = "; ".join(f"{r['label']} {r['tekst']}" for r in chart_data) or "geen cijfers"
    description = f"{indicator.title}, {name} tegenover {reference}, p per jaar: {figures}."
    parts = [f"### {esc(indicator.title)}\n"]
    if chart_data:
        spec = yearly_chart(
            chart_data, indicator.title, fig.p_explained(site, indicator, reference), description
        )
        parts.append(figure(spec, description, size="narrow"))
    parts.append(_year_table(site, rows, indicator, name, reference) + "\n")
    if change is not None:
        sentence = gap_sentence(
            fig.gap_of(change),
            direction_sign(indicator.direction),
            esc(name),
            esc(reference),
            fig.p_decimals(site, indicator),
        )
        parts.append(
            f"Ontwikkeling sinds de nulmeting: {fig.development_cell(change.development)}. "
            f"{sentence}\n"
        )
    parts.append(
        f"Eenheid: {esc(indicator.unit)}. "
        f"{link('Definitie en alle wijken', page, addr.indicator_page(indicator.id))}.\n"
    )
    return "\n".join(parts)


def _overview(site: SiteData, page: str, changes: dict[str, ChangeRow]) -> str:
    rows, counts = [], {}
    for theme in site.monitor.themes.values():
        for ind in site.indicators_of_theme(theme.id):
            ch = changes.get(ind.id)
            if ch is None:
                continue
            counts[ch.development] = counts.get(ch.development, 0) + 1
            # What a reader comes for first (the latest p and the development), so on a
            # phone they sit beside the indicator's name; the theme is context, last.
            rows.append(
                [
                    addr.indicator_link(page, ind),
                    fig.p_cell(site, ch.deviation_latest, "", ind),
                    fig.development_cell(ch.development),
                    fig.p_cell(site, ch.deviation_baseline, "", ind),
                    esc(theme.title),
                ]
            )
    if not rows:
        return ""
    counts.pop("not_applicable", None)
    summary = count_sentence(counts).replace("wijken ", "").replace("wijk ", "")
    return (
        "## Overzicht\n\n"
        f"Ontwikkeling sinds de nulmeting, per indicator met een voorkeursrichting: {summary}.\n\n"
        + table(
            ["Indicator", "p laatste meting", "Ontwikkeling", "p nulmeting", "Thema"], rows, "lrlrl"
        )
        + "\n"
    )


def _member(site: SiteData, code: str) -> str:
    """A member region: its name, with the code when the name does not contain it."""
    name = site.region_name(code)
    return esc(name) if code in name else f"{esc(name)} ({esc(code)})"


def _why_no_reference(site: SiteData, members: list[str]) -> str:
    """One sentence on why the area's tables have no p (``check`` warns about it too)."""
    gemeente = site.monitor.regions["gemeente"]  # of every region, not only those shown
    gemeenten = sorted({str(gemeente.get(m, "")) for m in members} - {""})
    names = [esc(site.region_name(g)) for g in gemeenten]
    if len(names) > 1:
        where = listing(names)
        return (
            f"\n\nDit gebied ligt in meer dan één gemeente ({where}) en heeft daarom geen "
            f"vergelijkingsgebied: bij de cijfers staat geen afwijking {strong('p')}."
        )
    return (
        "\n\nDit gebied heeft geen vergelijkingsgebied: bij de cijfers staat geen afwijking "
        f"{strong('p')}."
    )


# Dutch month names, for the build date ("5 maart 2024").
MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november december"
).split()


def _years(periods: list[int]) -> str:
    """Sorted years as ranges: 2006–2010, 2012."""
    runs: list[list[int]] = []
    for year in periods:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def sources_section(site: SiteData, page: str, code: str) -> str:
    """The section "Bronnen en verantwoording": per indicator of the page its source (the YAML),
    the data it was computed from (``data_source`` of the results: a file or a StatLine
    table) and the periods, then the methods and the build date (or the latest period:
    never the clock, so a build stays deterministic)."""
    by_indicator = site.series.get(code, {})
    rows, latest = [], []
    for theme in site.monitor.themes.values():
        for ind in site.indicators_of_theme(theme.id):
            if ind.id not in by_indicator:
                continue
            sources = site.data_sources.get(ind.id, {})
            periods = sorted({p for years in sources.values() for p in years})
            latest += periods[-1:]
            if len(sources) == 1:
                data = esc(next(iter(sources)))
            else:  # the inputs came from other files or tables in other years
                data = "; ".join(f"{esc(s)} ({_years(y)})" for s, y in sources.items())
            rows.append(
                [addr.indicator_link(page, ind), esc(ind.source), data or ".", _years(periods)]
            )
    if not rows:
        return ""
    methods = link("verantwoording", page, METHODS)
    if site.build_date is not None:
        day = site.build_date
        when = f"Deze monitor is gebouwd op {day.day} {MONTHS[day.month - 1]} {day.year}."
    else:
        when = f"De cijfers lopen tot {max(latest)}." if latest else ""
    return (
        "## Bronnen en verantwoording\n\n"
        "Waar de cijfers op deze pagina vandaan komen: de bron van elke indicator, de "
        "gegevens waaruit ze berekend zijn en de jaren.\n\n"
        + table(["Indicator", "Bron", "Gegevens", "Jaren"], rows, "llll")
        + f"\nHoe elk cijfer berekend is, staat in de {methods}. {when}\n"
    )


def area_page(site: SiteData, code: str) -> Page:
    page = site.page_of(code)  # /wijk/, /buurt/ or /pc4/ (settings.area_pages)
    name = site.region_name(code)
    gemeente = site.gemeente_of(code)
    reference = site.reference_of(code)
    by_indicator = site.series.get(code, {})
    changes = site.change.get(code, {})
    place = []  # the page's summary: what a reader finds it by in the search
    if gemeente:
        where = link(site.region_name(gemeente), page, addr.gemeente_page(gemeente))
        place.append(f"{level_word(site, code)} in de gemeente {where}.")
    members = site.monitor.area_members.get(code, [])
    if members:
        place.append(f"Het gebied bestaat uit: {', '.join(_member(site, m) for m in members)}.")
    intro = []
    if reference:
        ref = esc(site.region_name(reference))
        noun = level_noun(site, code)
        shown = [i for i in site.indicators.values() if i.id in by_indicator]
        intro.append(
            f"\n\nElke indicator wordt vergeleken met {ref}. "
            + fig.p_meaning(site, shown, noun, ref)
            + f" In de grafieken is een balk groen als {noun} daarmee "
            f"gunstig afsteekt, oranje als {noun} ongunstig afsteekt en grijs bij een "
            "beschrijvend kenmerk."
        )
    if not reference:
        intro.append(_why_no_reference(site, members))
    if site.pdf_profiles:  # the build writes them (build --pdf, settings.pdf_profiles)
        intro.append(f"\n\n{link('Profiel als pdf (A4)', page, addr.profile_pdf(code))}")
    head = summary(" ".join(place)) if place else ""
    sections = [head + "\n" + " ".join(intro).strip() + "\n", _overview(site, page, changes)]
    sections.append(locator_map(site, page, code))  # map_section.py (issue 12)
    sections.append(spine_section(site, page, code))  # methods §12
    sections.append(buurten_map(site, page, code))  # a wijk's buurten, by indicator
    sections.append(children_section(site, page, code))  # a wijk's buurten (area_pages)
    for theme in site.monitor.themes.values():
        inds = [i for i in site.indicators_of_theme(theme.id) if i.id in by_indicator]
        if not inds:
            continue
        sections.append(f"## {esc(theme.title)}\n")
        sections += [
            _indicator_section(site, page, code, i, by_indicator[i.id], changes.get(i.id))
            for i in inds
        ]
    sections.append(sources_section(site, page, code))  # lineage: the page ends with it
    markdown = layout.page_markdown(site, page, name, "\n".join(sections))
    return Page(page, name, markdown, search="summary", in_nav=False)
