"""The frame every page of figures shares: heading and front matter, the synthetic-data
banner and notice, and the download note."""

from __future__ import annotations

import json

from wijkmonitor.website.addresses import CHANGES_CSV, DOWNLOADS, HOME, RESULTS_CSV
from wijkmonitor.website.markup import admonition, esc, link, strong
from wijkmonitor.website.sitedata import SiteData

# The footer of every page of a synthetic monitor (the banner is on pages of figures).
SYNTHETIC_NOTICE = "Synthetische gegevens: de cijfers op deze site zijn geen echte cijfers."


def synthetic_banner(site: SiteData) -> str:
    if not site.monitor.synthetic:
        return ""
    return admonition(
        "warning",
        "Synthetische gegevens",
        "De cijfers op deze pagina zijn kunstmatig gemaakt om de monitor te demonstreren. "
        "Ze beschrijven geen echte wijken en mogen niet als feiten worden gebruikt.",
    )


def downloads_note(page: str) -> str:
    return (
        '<p class="wm-downloads">Cijfers downloaden: '
        f"{link('results.csv', page, RESULTS_CSV)} · {link('changes.csv', page, CHANGES_CSV)} · "
        f"{link('alle downloads', page, DOWNLOADS)}. "
        f"Tekens in tabellen: {strong('.')} = geen cijfer (niet beschikbaar of niet te "
        f"berekenen), {strong('x')} = geheim (te kleine aantallen).</p>\n"
    )


def page_markdown(site: SiteData, page: str, title: str, body: str, figures: bool = True) -> str:
    """The whole page: heading, the synthetic-data banner, the body, the download note.

    ``title`` is plain text. It also goes in the front matter (as JSON, which is YAML), so
    the site generator takes the page title from there rather than from the rendered
    heading; the home page keeps the site's name as its title.
    """
    front = "" if page == HOME else f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n\n"
    parts = [f"{front}# {esc(title)}\n"]
    if figures:
        parts.append(synthetic_banner(site))
    parts.append(body.rstrip() + "\n")
    if figures:
        parts.append(downloads_note(page))
    return "\n".join(p for p in parts if p)
