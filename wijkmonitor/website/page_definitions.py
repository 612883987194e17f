"""The definitions catalogue: every field of every indicator YAML, by theme."""

from __future__ import annotations

from typing import Any

from wijkmonitor.core.model import Indicator
from wijkmonitor.website import addresses as addr
from wijkmonitor.website import page_frame as layout
from wijkmonitor.website.markup import Page, code, esc, link, table
from wijkmonitor.website.sitedata import SiteData


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
    page = addr.DEFINITIONS
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
            files = [link(f"{ind.id}.yml", page, addr.yaml_copy(ind.id))]
            if repo_url.startswith(("https://", "http://")) and ind.source_file:
                url = esc(f"{repo_url.rstrip('/')}/{ind.source_file}")
                files.append(f'<a href="{url}">in de repository</a>')
            parts.append(
                f"### {esc(ind.title)}\n\n"
                + table(["Veld", "Waarde"], rows)
                + f"\n\nDefinitiebestand: {' · '.join(files)} · "
                + link("indicatorpagina", page, addr.indicator_page(ind.id))
                + "\n"
            )
    body = "\n".join(parts)
    return Page(
        page, "Definities", layout.page_markdown(site, page, "Definities", body, figures=False)
    )
