"""/indicator/<id>/: definition, formula, comparison with a worked example, all areas."""

from __future__ import annotations

import pandas as pd

from wijkmonitor.core.changes import direction_sign
from wijkmonitor.core.model import Indicator
from wijkmonitor.website import addresses as addr
from wijkmonitor.website import figures as fig
from wijkmonitor.website import page_frame as layout
from wijkmonitor.website.charts import areas_chart
from wijkmonitor.website.map_section import indicator_maps
from wijkmonitor.website.markup import (
    Page,
    admonition,
    esc,
    figure,
    link,
    paragraph,
    strong,
    table,
)
from wijkmonitor.website.numbers import fmt_number
from wijkmonitor.website.sitedata import SiteData
from wijkmonitor.website.texts import (
    DIRECTION_LABELS,
    MEASUREMENT_LABELS,
    count_sentence,
    position,
)

# For any theme with ``ranking: false``; what the score is and why it must not be ranked
# is said by the plugin that computes it (SES-WOA: a section through register_pages).
RANKING_CAUTION = (
    "Deze cijfers zijn bewust niet als ranglijst weergegeven: de gebieden staan op "
    "alfabetische volgorde, met de andere indicatoren van het thema ernaast. Bekijk ook de "
    "ontwikkeling in de tijd op de wijkpagina’s."
)


def _plain(x: float) -> str:
    """A number for an example, without trailing zeros: 5 -> "5", 1.111 -> "1,11"."""
    text = fmt_number(x, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def formula_text(site: SiteData, indicator: Indicator) -> str:
    return site.kinds_of(indicator).formula.describe(indicator.formula)


def comparison_text(site: SiteData, indicator: Indicator) -> tuple[str, str]:
    """The comparison formula in words and a worked example with the real function."""
    kinds = site.kinds_of(indicator)
    kind, options = kinds.comparison, kinds.comparison_options
    a, b = kind.example
    p = float(kind.compute(pd.Series([a]), pd.Series([b]), options).iloc[0])
    example = (
        f"Voorbeeld: een waarde van {_plain(a)} in het gebied tegenover {_plain(b)} in het "
        f"referentiegebied geeft p = {fmt_number(p, 1, signed=True)}"
        + ("." if kinds.p_in_own_unit else " %.")
    )
    return kind.describe(options), example


def _periods(site: SiteData, indicator: Indicator) -> list[int]:
    if indicator.periods:
        return list(indicator.periods)
    rows = site.values_of(indicator.id)
    return sorted(int(p) for p in rows.loc[rows["value"].notna(), "period"].unique())


def _threshold(site: SiteData, indicator: Indicator) -> str:
    value = site.monitor.no_change_threshold(indicator.id)
    points = "punt" if value == 1 else "punten"
    own_unit = fig.p_in_own_unit(site, indicator)
    unit = f"{points} ({esc(indicator.unit)})" if own_unit else points
    source = "" if indicator.no_change_threshold is not None else " (instelling van de monitor)"
    text = f"{fmt_number(value, 2).rstrip('0').rstrip(',')} {unit} van p{source}"
    z = site.monitor.no_change_z(indicator.id)
    if z > 0:
        text += f"; en minder dan {fmt_number(z, 2)} standaardfouten (aantallen bekend)"
    return text


def metadata_rows(site: SiteData, page: str, indicator: Indicator) -> list[list[str]]:
    theme = site.monitor.themes[indicator.theme]
    moment = indicator.measurement_moment
    moment_text = MEASUREMENT_LABELS.get(moment.kind, moment.kind) + (
        f", {moment.date}" if moment.date else ""
    )
    periods = _periods(site, indicator)
    rows = [
        ["Thema", link(theme.title, page, addr.theme_page(theme.id))],
        ["Richting", DIRECTION_LABELS[indicator.direction]],
        ["Eenheid", esc(indicator.unit)],
        ["Formule", esc(formula_text(site, indicator))],
        ["Bron", esc(indicator.source)],
        ["Meetmoment", esc(moment_text)],
        ["Perioden", ", ".join(str(p) for p in periods) or "."],
        ["Nulmeting", str(indicator.baseline_period or (periods[0] if periods else "."))],
        ["Decimalen", str(indicator.decimals)],
        ["Drempel ‘geen verandering’", _threshold(site, indicator)],
        [
            "Minimale noemer voor publicatie",
            fmt_number(indicator.min_denominator, 0) if indicator.min_denominator else "geen",
        ],
        ["Definitiebestand", link(f"{indicator.id}.yml", page, addr.yaml_copy(indicator.id))],
    ]
    if indicator.notes:
        rows.append(["Opmerkingen", esc(indicator.notes)])
    return rows


def _latest(site: SiteData, indicator: Indicator, areas: list[str]) -> pd.DataFrame:
    """Per area: the change row (baseline/latest p, development) and the latest values."""
    changes = site.changes_by_indicator.get(indicator.id)
    if changes is None:
        return pd.DataFrame()
    changes = changes[changes["region"].isin(areas)].set_index("region")
    values = site.values_of(indicator.id).set_index(["region", "period"])
    keys = pd.MultiIndex.from_arrays([changes.index, changes["latest_period"]])
    latest = values.reindex(keys)
    return changes.assign(
        value=latest["value"].to_numpy(),
        status=latest["status"].fillna(".").to_numpy(),
        reference_value=latest["reference_value"].to_numpy(),
        reference_status=latest["reference_status"].fillna(".").to_numpy(),
        deviation_status=latest["deviation_status"].fillna(".").to_numpy(),
    )


def _areas_section(site: SiteData, page: str, indicator: Indicator) -> str:
    areas = site.compared_areas
    latest = _latest(site, indicator, areas)
    if latest.empty:
        return "## Alle gebieden\n\nGeen cijfers.\n"
    ranking = site.ranking_allowed(indicator)
    latest = latest.assign(name=[site.region_name(a) for a in latest.index])
    order = (
        latest.sort_values(
            ["deviation_latest", "name"], ascending=[False, True], na_position="last"
        )
        if ranking
        else latest.sort_values("name")
    )
    period = int(order["latest_period"].iloc[0])
    sign = direction_sign(indicator.direction)
    shown = order[order["deviation_latest"].notna()]
    rows = [
        {
            "label": n,
            "order": i,
            "p": round(float(p), 4),
            "positie": position(float(p), sign),
            "tekst": fig.p_cell(site, float(p), "", indicator),
        }
        for i, (n, p) in enumerate(zip(shown["name"], shown["deviation_latest"], strict=True))
    ]
    sorting = "van hoog naar laag" if ranking else "op alfabetische volgorde"
    description = f"{indicator.title}: afwijking p per gebied in {period}, {sorting}: " + "; ".join(
        f"{r['label']} {r['tekst']}" for r in rows
    )
    parts = [f"## Alle gebieden, {period}\n"]
    if not ranking:
        parts.append(admonition("note", "Geen ranglijst", RANKING_CAUTION))
    if rows:
        levels = {site.monitor.regions["level"].get(site.reference_of(a)) for a in order.index}
        reference = "de eigen gemeente" if levels == {"gemeente"} else "het eigen referentiegebied"
        spec = areas_chart(
            rows,
            f"{indicator.title}, {period}",
            fig.p_explained(site, indicator, reference),
            description,
        )
        parts.append(figure(spec, description))
    maps = indicator_maps(site, page, indicator, order)
    if maps:
        parts.append(maps)
    if not ranking:
        parts.append(_theme_table(site, page, indicator, order.index.tolist()))
    else:
        parts.append(_area_table(site, page, indicator, order))
    if indicator.direction != "neutral" and site.focus_areas:
        counts = order["development"].value_counts().to_dict()
        parts.append(f"Ontwikkeling sinds de nulmeting: {count_sentence(counts)}.\n")
    return "\n".join(parts)


def _area_link(site: SiteData, page: str, code: str) -> str:
    if code in site.focus_areas:
        return link(site.region_name(code), page, addr.area_page(code))
    return esc(site.region_name(code))


def _area_table(site: SiteData, page: str, indicator: Indicator, order: pd.DataFrame) -> str:
    d = indicator.decimals
    rows = [
        [
            _area_link(site, page, code),
            esc(site.region_name(str(r.reference_region))),
            fig.value_cell(r.value, r.status, d),
            fig.value_cell(r.reference_value, r.reference_status, d),
            fig.p_cell(site, r.deviation_baseline, "", indicator),
            fig.p_cell(site, r.deviation_latest, r.deviation_status, indicator),
            fig.development_cell(r.development),
        ]
        for code, r in zip(order.index, order.itertuples(index=False), strict=True)
    ]
    headers = [
        "Gebied",
        "Referentie",
        "Waarde",
        "Waarde referentie",
        "p nulmeting",
        "p laatste meting",
        "Ontwikkeling",
    ]
    return table(headers, rows, "llrrrrl") + "\n"


def _theme_table(site: SiteData, page: str, indicator: Indicator, areas: list[str]) -> str:
    """Every indicator of the theme side by side per area (no single-score ranking)."""
    others = [i for i in site.indicators_of_theme(indicator.theme) if i.id != indicator.id]
    # This page's indicator first, then the others, descriptive ones (the spread) last.
    inds = [indicator, *sorted(others, key=lambda i: i.direction == "neutral")]
    columns = {i.id: _latest(site, i, areas) for i in inds}
    rows = []
    for code in areas:
        row = [_area_link(site, page, code)]
        for i in inds:
            frame = columns[i.id]
            if code in frame.index:
                r = frame.loc[code]
                row.append(fig.value_cell(r["value"], r["status"], i.decimals))
            else:
                row.append(".")
        rows.append(row)
    headers = ["Gebied"] + [
        strong(esc(i.title)) if i.id == indicator.id else esc(i.title) for i in inds
    ]
    return (
        "Waarden in de laatste meting, alle indicatoren van het thema naast elkaar:\n\n"
        + table(headers, rows, "l" + "r" * len(inds))
        + "\n"
    )


def indicator_page(site: SiteData, indicator: Indicator) -> Page:
    page = addr.indicator_page(indicator.id)
    formula, example = comparison_text(site, indicator)
    body = (
        paragraph(indicator.definition)
        + "\n"
        + table(["Kenmerk", "Waarde"], metadata_rows(site, page, indicator))
        + "\n\n## Vergelijking met het referentiegebied\n\n"
        + f"De afwijking p van een gebied ten opzichte van zijn referentiegebied: "
        f"**{esc(formula)}**. p = 0 betekent gelijk aan het referentiegebied; het teken zegt "
        "of het gebied hoger of lager ligt, de richting van de indicator zegt of dat gunstig is."
        + (f" {esc(example)}" if example else "")
        + "\n\n"
        + _areas_section(site, page, indicator)
    )
    markdown = layout.page_markdown(site, page, indicator.title, body)
    return Page(page, indicator.title, markdown, search="text", in_nav=False)
