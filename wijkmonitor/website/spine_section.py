"""The spine chart section of an area page and of a gemeente page: every indicator of one
area against all comparable areas, with a table of the same figures (core/spine.py,
methods §12)."""

from __future__ import annotations

import math

from wijkmonitor.core.significance import VERDICT_LABELS
from wijkmonitor.core.spine import CENTRE_MEDIAN
from wijkmonitor.website import addresses as addr
from wijkmonitor.website import figures as fig
from wijkmonitor.website.charts import spine_chart
from wijkmonitor.website.markup import esc, figure, link, table
from wijkmonitor.website.page_methods import METHODS
from wijkmonitor.website.sitedata import SiteData, SpineRow

# What the comparable areas are, by their level and the level of their reference.
LEVEL_WORDS = {
    "focus_area": "aandachtswijken",
    "focus_total": "totalen van aandachtswijken",
    "group": "groepen",
    "gemeente": "gemeenten",
    "wijk": "wijken",
    "buurt": "buurten",
    "pc4": "postcodegebieden",
}
REFERENCE_WORDS = {
    "gemeente": "die met hun gemeente worden vergeleken",
    "group": "die met een groep worden vergeleken",
    "": "",
}
# The sign beside a verdict, the shape of its mark in the chart (charts.SPINE_SHAPES): it
# reads without colour, and a screen reader reads the word (the sign is hidden from it).
VERDICT_SIGNS = {
    "better": "▲",
    "similar": "○",
    "worse": "▼",
    "higher": "▲",
    "lower": "▼",
    "not_compared": "◇",
}
HEADING = "## Alle indicatoren tussen vergelijkbare gebieden\n"


def _position(x: object) -> float | None:
    """A position on the chart's scale, or None (no mark) for a missing figure."""
    x = float(x)
    return None if math.isnan(x) else round(x, 4)


def verdict_cell(verdict: str) -> str:
    label = VERDICT_LABELS.get(verdict, VERDICT_LABELS["not_compared"])
    sign = VERDICT_SIGNS.get(verdict, VERDICT_SIGNS["not_compared"])
    return f'<span class="wm-sign" aria-hidden="true">{sign}</span> {esc(label)}'


def _group(site: SiteData, row: SpineRow) -> str:
    words = LEVEL_WORDS.get(str(row.level), str(row.level))
    who = REFERENCE_WORDS.get(str(row.reference_level), "")
    return f"{words} {who}".strip()


def spine_section(site: SiteData, page: str, code: str) -> str:
    """The section: a heading, what the chart shows, the chart and its table; "" for an
    area without spine rows."""
    rows_of = site.spine.get(code, {})
    ordered = [
        (ind, rows_of[ind.id])
        for theme in site.monitor.themes.values()
        for ind in site.indicators_of_theme(theme.id)
        if ind.id in rows_of
    ]
    if not ordered:
        return ""
    name = site.region_name(code)
    reference_code = site.reference_of(code)
    reference = site.region_name(reference_code) if reference_code else ""
    centre_name = reference or "mediaan"
    data, cells, described = [], [], []
    for order, (ind, row) in enumerate(ordered):
        d = ind.decimals
        value = fig.value_cell(row.value, row.status, d)
        ref = fig.value_cell(row.reference_value, row.reference_status, d)
        low, high = fig.value_cell(row.lowest, "", d), fig.value_cell(row.highest, "", d)
        q25, q75 = fig.value_cell(row.q25, "", d), fig.value_cell(row.q75, "", d)
        verdict = str(row.verdict)
        data.append(
            {
                "label": ind.title,
                "order": order,
                "x_lowest": _position(row.x_lowest),
                "x_q25": _position(row.x_q25),
                "x_q75": _position(row.x_q75),
                "x_highest": _position(row.x_highest),
                "x_value": _position(row.x_value),
                "oordeel": VERDICT_LABELS[verdict],
                "waarde": value,
                "referentie": ref if reference else fig.value_cell(row.centre, "", d),
                "laagste": low,
                "hoogste": high,
            }
        )
        middle = "" if row.centre_kind != CENTRE_MEDIAN or not reference else ", middenlijn mediaan"
        centre = (
            f"{esc(reference)} {ref}"
            if reference
            else f"mediaan {fig.value_cell(row.centre, '', d)}"
        )
        described.append(
            f"{ind.title} {row.period}: {value} ({centre}{middle}; {int(row.n_areas)} "
            f"gebieden van {low} tot {high}, middelste helft {q25} tot {q75}; "
            f"{VERDICT_LABELS[verdict]})"
        )
        cells.append(
            [
                addr.indicator_link(page, ind),
                value,
                ref if reference else fig.value_cell(row.centre, "", d),
                verdict_cell(verdict),
                low,
                q25,
                q75,
                high,
                str(int(row.period)),
                str(int(row.n_areas)),
            ]
        )
    group = _group(site, ordered[0][1])
    title = f"{name} tussen vergelijkbare gebieden"
    subtitle = [
        f"middenlijn: {centre_name}; rechts is gunstiger",
        "licht: laagste tot hoogste; donker: 25 tot 75 %",
    ]
    description = (
        f"Ruggengraatgrafiek van {name}: per indicator de laatste waarde tegenover "
        f"{centre_name} en de spreiding over de {group}. " + "; ".join(described) + "."
    )
    if reference:
        centre_text = (
            f"De middenlijn is de waarde van {esc(reference)}; de vorm en de kleur van het "
            f"teken zeggen of {esc(name)} daar significant van verschilt (95 %, het "
            f"betrouwbaarheidsinterval van {esc(name)} tegenover de waarde van "
            f"{esc(reference)})."
        )
    else:
        centre_text = (
            f"{esc(name)} wordt met geen ander gebied vergeleken: de middenlijn is de "
            f"mediaan van de {esc(group)}, en er is geen oordeel over significantie."
        )
    intro = (
        f"Per indicator de waarde van {esc(name)} in de laatste meting tussen alle "
        f"{esc(group)}: de lichte balk loopt van de laagste tot de hoogste waarde, de "
        "donkere balk over de middelste helft (25 tot 75 %). Elke rij heeft een eigen "
        "schaal rond de middenlijn; rechts is steeds gunstiger, bij een beschrijvend "
        f"kenmerk is rechts hoger. {centre_text} "
        f"{link('Hoe dit berekend is', page, METHODS)}.\n"
    )
    headers = [
        "Indicator",
        esc(name),
        esc(reference) if reference else "Mediaan",
        "Oordeel",
        "Laagste",
        "25 %",
        "75 %",
        "Hoogste",
        "Jaar",
        "Gebieden",
    ]
    chart = figure(spine_chart(data, title, subtitle, description), description)
    return "\n".join([HEADING, intro, chart, table(headers, cells, "lrrlrrrrrr")])
