"""The downloads page and the indicator catalogue it offers (indicators.json)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from wijkmonitor.core.hookspecs import Download
from wijkmonitor.website import addresses as addr
from wijkmonitor.website import page_frame as layout
from wijkmonitor.website.markup import Page, esc, link, table
from wijkmonitor.website.page_definitions import indicator_fields
from wijkmonitor.website.sitedata import SiteData


def downloads_page(site: SiteData, extra: Sequence[Download] = ()) -> Page:
    """The build's own files, then those plugins add (hook register_downloads)."""
    page = addr.DOWNLOADS
    rows = [
        [
            link("results.csv", page, addr.RESULTS_CSV),
            "Elke waarde: indicator, region, reference_region, period, value, reference_value, "
            "reference_status (status van de referentiewaarde), "
            "deviation (p), status van de waarde (leeg = cijfer, . = niet beschikbaar, "
            "x = geheim, niet te berekenen = noemer 0), deviation_status (hetzelfde voor p; "
            "niet te berekenen = referentiewaarde 0), denominator (alleen bij een cijfer), "
            "ci_lower en ci_upper (het 95%-betrouwbaarheidsinterval, in de eenheid van de "
            "indicator; leeg zonder interval), verdict (het oordeel tegenover de "
            "referentiewaarde: better, worse, higher, lower, similar of not_compared; zie "
            "Verantwoording §11) en data_source (waar de gegevens van de indicator in dat "
            "jaar vandaan komen: het gegevensbestand of de StatLine-tabel, meer dan één "
            "gescheiden door ; en leeg als er geen gegevens zijn; de bron van de indicator "
            "zelf staat in indicators.json)",
        ],
        [
            link("changes.csv", page, addr.CHANGES_CSV),
            "Per indicator en gebied: baseline_period, latest_period, deviation_baseline, "
            "deviation_latest, gap_change (verandering van |p| in %), gap_note, development",
        ],
        [
            link("indicators.json", page, addr.INDICATORS_JSON),
            "De definities van alle indicatoren, met elk veld van hun YAML-bestand",
        ],
    ]
    rows += [[link(d.name, page, addr.download(d.name)), esc(d.description)] for d in extra]
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
    return Page(page, "Downloads", layout.page_markdown(site, page, "Downloads", body))


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
