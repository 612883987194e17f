"""Home, the section index pages, the definitions catalogue and the downloads page."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from wijkmonitor.core.compute import NOT_COMPUTABLE_STATUS as NOT_COMPUTABLE
from wijkmonitor.core.hookspecs import Download
from wijkmonitor.core.model import Indicator
from wijkmonitor.website import common as c
from wijkmonitor.website.markup import Page, code, esc, link, paragraph, strong, table
from wijkmonitor.website.numbers import fmt_int
from wijkmonitor.website.sitedata import SiteData

# The home page lists areas by name up to this many; larger monitors link to /wijk/.
HOME_AREA_LIMIT = 120


def _period_range(periods: list[int]) -> str:
    if not periods:
        return "."
    return str(periods[0]) if len(periods) == 1 else f"{periods[0]}–{periods[-1]}"


def _count(n: int, one: str, many: str) -> str:
    return f"{fmt_int(n)} {one if n == 1 else many}"


def _areas_by_gemeente(site: SiteData, page: str) -> str:
    lines = []
    for g, areas in site.areas_of_gemeente.items():
        if not areas:
            continue
        links = ", ".join(link(site.region_name(a), page, c.area_page(a)) for a in areas)
        head = (
            link(site.region_name(g), page, c.gemeente_page(g))
            if g in site.gemeenten
            else (esc(site.region_name(g)) if g else "Meerdere gemeenten")
        )
        lines.append(f"- **{head}**: {links}")
    return "\n".join(lines) + "\n"


def home_page(site: SiteData) -> Page:
    page = c.HOME
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
        f"- {link(t.title, page, c.theme_page(t.id))} "
        f"({_count(len(site.indicators_of_theme(t.id)), 'indicator', 'indicatoren')})"
        + (f" — {esc(t.description)}" if t.description else "")
        for t in monitor.themes.values()
    )
    parts = [paragraph(monitor.config.description.strip()) if monitor.config.description else ""]
    parts.append("## Stand van de gegevens\n\n" + table(["Kenmerk", "Waarde"], facts, "lr") + "\n")
    parts.append("## Thema’s\n\n" + themes + "\n")
    if site.focus_areas:
        listing = (
            _areas_by_gemeente(site, page)
            if len(site.focus_areas) <= HOME_AREA_LIMIT
            else f"Zie {link('alle aandachtswijken', page, c.AREAS)}.\n"
        )
        parts.append("## Aandachtswijken\n\n" + listing)
    elif site.focus_totals:
        names = ", ".join(esc(site.region_name(t)) for t in site.focus_totals)
        parts.append(f"## Gebieden\n\nDeze monitor vergelijkt: {names}.\n")
    parts.append(
        "## Verantwoording\n\n"
        f"- {link('Definities van alle indicatoren', page, c.DEFINITIONS)}\n"
        f"- {link('Alle indicatoren', page, c.INDICATORS)}\n"
        f"- {link('Downloads', page, c.DOWNLOADS)}: alle cijfers als CSV en de definities als JSON\n"
    )
    body = "\n".join(p for p in parts if p)
    return Page(page, "Home", c.page_markdown(site, page, monitor.title, body))


def themes_index(site: SiteData) -> Page:
    page = c.THEMES
    rows = [
        [
            link(t.title, page, c.theme_page(t.id)),
            esc(t.description),
            str(len(site.indicators_of_theme(t.id))),
        ]
        for t in site.monitor.themes.values()
    ]
    body = table(["Thema", "Omschrijving", "Indicatoren"], rows, "llr")
    markdown = c.page_markdown(site, page, "Thema’s", body, figures=False)
    return Page(page, "Thema’s", markdown, search="text")


def areas_index(site: SiteData) -> Page:
    page = c.AREAS
    rows = [
        [
            link(site.region_name(a), page, c.area_page(a)),
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
    markdown = c.page_markdown(site, page, "Aandachtswijken", body, figures=False)
    return Page(page, "Wijken", markdown, search="text")


def gemeenten_index(site: SiteData) -> Page:
    page = c.GEMEENTEN
    rows = [
        [
            link(site.region_name(g), page, c.gemeente_page(g)),
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
    markdown = c.page_markdown(site, page, "Gemeenten", body, figures=False)
    return Page(page, "Gemeenten", markdown, search="text")


def indicators_index(site: SiteData) -> Page:
    page = c.INDICATORS
    parts = []
    for theme in site.monitor.themes.values():
        inds = site.indicators_of_theme(theme.id)
        if inds:
            rows = [[c.indicator_link(page, i), esc(i.unit)] for i in inds]
            parts.append(f"## {esc(theme.title)}\n\n" + table(["Indicator", "Eenheid"], rows))
    body = "\n\n".join(parts) or "Geen indicatoren."
    markdown = c.page_markdown(site, page, "Indicatoren", body, figures=False)
    return Page(page, "Indicatoren", markdown, search="text")


def _field_value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_field_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(esc(v) for v in value)
    return esc(value)


def indicator_fields(indicator: Indicator) -> dict[str, Any]:
    """Every field of an indicator as in its YAML (defaults filled in), in schema order."""
    return indicator.model_dump(mode="json")


def definitions_page(site: SiteData, repo_url: str = "") -> Page:
    page = c.DEFINITIONS
    parts = [
        "Alle indicatoren met elk veld van hun definitiebestand (YAML), per thema. "
        "Velden die in het bestand ontbreken staan er met hun standaardwaarde. Zo kan een "
        "beoordelaar nagaan of wat gepubliceerd is overeenkomt met de definitie.\n"
    ]
    for theme in site.monitor.themes.values():
        inds = site.indicators_of_theme(theme.id)
        if not inds:
            continue
        parts.append(f"## {esc(theme.title)}\n")
        for ind in inds:
            rows = [[code(k), _field_value(v)] for k, v in indicator_fields(ind).items()]
            files = [link(f"{ind.id}.yml", page, c.yaml_copy(ind.id))]
            if repo_url.startswith(("https://", "http://")) and ind.source_file:
                url = esc(f"{repo_url.rstrip('/')}/{ind.source_file}")
                files.append(f'<a href="{url}">in de repository</a>')
            parts.append(
                f"### {esc(ind.title)}\n\n"
                + table(["Veld", "Waarde"], rows)
                + f"\n\nDefinitiebestand: {' · '.join(files)} · "
                + link("indicatorpagina", page, c.indicator_page(ind.id))
                + "\n"
            )
    body = "\n".join(parts)
    return Page(page, "Definities", c.page_markdown(site, page, "Definities", body, figures=False))


def downloads_page(site: SiteData, extra: Sequence[Download] = ()) -> Page:
    """The build's own files, then those plugins add (hook register_downloads)."""
    page = c.DOWNLOADS
    rows = [
        [
            link("results.csv", page, c.RESULTS_CSV),
            "Elke waarde: indicator, region, reference_region, period, value, reference_value, "
            "reference_status (status van de referentiewaarde), "
            "deviation (p), status van de waarde (leeg = cijfer, . = niet beschikbaar, "
            "x = geheim, niet te berekenen = noemer 0), deviation_status (hetzelfde voor p; "
            "niet te berekenen = referentiewaarde 0), denominator (alleen bij een cijfer)",
        ],
        [
            link("changes.csv", page, c.CHANGES_CSV),
            "Per indicator en gebied: baseline_period, latest_period, deviation_baseline, "
            "deviation_latest, gap_change (verandering van |p| in %), gap_note, development",
        ],
        [
            link("indicators.json", page, c.INDICATORS_JSON),
            "De definities van alle indicatoren, met elk veld van hun YAML-bestand",
        ],
    ]
    rows += [[link(d.name, page, c.download(d.name)), esc(d.description)] for d in extra]
    note = (
        "\n\nAlle cijfers in deze bestanden zijn **synthetisch**; elke rij draagt het label "
        "`data = synthetic`.\n"
        if site.monitor.synthetic
        else "\n"
    )
    body = (
        "De bestanden achter elke figuur en tabel van deze site. Getallen staan in de "
        "bestanden met een decimale punt, zonder afronding.\n\n"
        + table(["Bestand", "Inhoud"], rows)
        + note
    )
    return Page(page, "Downloads", c.page_markdown(site, page, "Downloads", body))


def indicators_json(site: SiteData) -> str:
    """All indicator definitions as JSON (stable order and formatting).

    Every ``<`` is written ``\\u003c`` (the same string to a JSON reader), so a title with
    markup in it stays inert even where a browser would sniff the file as HTML."""
    items = [
        {**indicator_fields(i), "source_file": i.source_file}
        for i in site.monitor.indicators.values()
    ]
    text = json.dumps(items, ensure_ascii=False, indent=2, sort_keys=True)
    return text.replace("<", "\\u003c") + "\n"
