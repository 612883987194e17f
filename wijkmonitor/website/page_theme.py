"""/thema/<id>/: the theme diagram of the report, its table, a sentence per indicator,
and the development of every focus area."""

from __future__ import annotations

from wijkmonitor.core.changes import direction_sign, gap_unchanged
from wijkmonitor.core.model import Indicator, Theme
from wijkmonitor.website import addresses as addr
from wijkmonitor.website import figures as fig
from wijkmonitor.website import page_frame as layout
from wijkmonitor.website.charts import theme_chart
from wijkmonitor.website.markup import Page, esc, figure, link, paragraph, table
from wijkmonitor.website.numbers import fmt_percent_change
from wijkmonitor.website.sitedata import ChangeRow, SiteData
from wijkmonitor.website.texts import (
    DEVELOPMENT_LABELS,
    DEVELOPMENT_ORDER,
    count_sentence,
    gap_sentence,
    position,
)


def change_rows(
    site: SiteData, region: str, indicators: list[Indicator]
) -> list[tuple[Indicator, ChangeRow]]:
    """(indicator, change row) for the indicators with a change row for this region."""
    by_id = site.change.get(region, {})
    return [(ind, by_id[ind.id]) for ind in indicators if ind.id in by_id]


def _gap_text(row: ChangeRow) -> str:
    if row.gap_note == "sign_change":
        return "van kant gewisseld"
    if row.gap_note == "baseline_zero" or fig.is_missing(row.gap_change):
        return "."
    change = float(row.gap_change)
    if gap_unchanged(change):
        return "gelijk"
    return ("−" if change < 0 else "+") + fmt_percent_change(change)


def chart_rows(site: SiteData, pairs: list[tuple]) -> list[dict]:
    """Data of the theme diagram: two bars per indicator (baseline and latest p)."""
    rows = []
    for order, (ind, row) in enumerate(pairs):
        sign = direction_sign(ind.direction)
        for meting, period, p in (
            ("nulmeting", row.baseline_period, row.deviation_baseline),
            ("laatste meting", row.latest_period, row.deviation_latest),
        ):
            if fig.is_missing(p):
                continue
            rows.append(
                {
                    "label": ind.title,
                    "order": order,
                    "meting": meting,
                    "jaar": str(int(period)),
                    "p": round(float(p), 4),
                    "positie": position(float(p), sign),
                    "tekst": fig.p_cell(site, float(p), "", ind),
                }
            )
    return rows


def theme_diagram(
    site: SiteData, subject: str, theme_title: str, pairs: list[tuple[Indicator, ChangeRow]]
) -> str:
    """The report's theme diagram: p at baseline and latest period of ``subject`` against
    its reference, per indicator (``pairs`` from :func:`change_rows`, not empty)."""
    name = site.region_name(subject)
    reference = site.region_name(site.reference_of(subject))
    description = f"Themadiagram {theme_title}, {name} tegenover {reference}: " + "; ".join(
        f"{ind.title}: p {int(r.baseline_period)} "
        f"{fig.p_cell(site, r.deviation_baseline, '', ind)}, "
        f"{int(r.latest_period)} {fig.p_cell(site, r.deviation_latest, '', ind)}"
        for ind, r in pairs
    )
    spec = theme_chart(
        chart_rows(site, pairs),
        title=f"{theme_title}: {name}",
        subtitle=fig.p_explained_all(site, [ind for ind, _ in pairs], reference)
        + "; lichte balk = nulmeting, donkere balk = laatste meting",
        description=description,
    )
    return figure(spec, description)


def _total_section(site: SiteData, page: str, theme: Theme, total: str) -> str:
    indicators = site.indicators_of_theme(theme.id)
    pairs = change_rows(site, total, indicators)
    name = site.region_name(total)
    reference = site.region_name(site.reference_of(total))
    if not pairs:
        return f"## {esc(name)}\n\nGeen cijfers voor dit thema.\n"
    rows = [
        [
            addr.indicator_link(page, ind),
            f"{fig.p_cell(site, r.deviation_baseline, '', ind)} ({int(r.baseline_period)})",
            f"{fig.p_cell(site, r.deviation_latest, '', ind)} ({int(r.latest_period)})",
            _gap_text(r),
            fig.development_cell(r.development),
        ]
        for ind, r in pairs
    ]
    headers = [
        "Indicator",
        "p nulmeting (jaar)",
        "p laatste meting (jaar)",
        "Verandering afstand",
        "Ontwikkeling",
    ]
    sentences = "\n".join(
        f"- **{esc(ind.title)}**: "
        + gap_sentence(
            fig.gap_of(r),
            direction_sign(ind.direction),
            esc(name),
            esc(reference),
            fig.p_decimals(site, ind),
        )
        for ind, r in pairs
    )
    return (
        f"## {esc(name)}\n\n"
        f"{esc(name)} vergeleken met {esc(reference)}. "
        "Groen: gunstige positie gegeven de richting van de indicator; oranje: ongunstig; "
        "grijs: beschrijvend.\n\n"
        + theme_diagram(site, total, theme.title, pairs)
        + "\n"
        + table(headers, rows, "lrrrl")
        + "\n\n"
        + sentences
        + "\n"
    )


def _areas_by_class(site: SiteData, page: str, developments: dict[str, str]) -> str:
    """Two-column table: each development class with the areas in it (linked)."""
    rows = []
    for key in DEVELOPMENT_ORDER:
        members = [a for a in site.focus_areas if developments.get(a) == key]
        if members:
            names = ", ".join(link(site.region_name(a), page, addr.area_page(a)) for a in members)
            rows.append([f"{fig.development_cell(key)}\u00a0({len(members)})", names])
    return table(["Ontwikkeling", "Wijken"], rows)


def _areas_section(site: SiteData, page: str, theme: Theme) -> str:
    indicators = [
        i
        for i in site.indicators_of_theme(theme.id)
        if i.direction != "neutral" and i.id in site.changes_by_indicator
    ]
    if not site.focus_areas or not indicators:
        return ""
    areas = set(site.focus_areas)
    keys = [k for k in DEVELOPMENT_ORDER if k != "not_applicable"]
    count_rows, details = [], []
    for ind in indicators:
        rows = site.changes_by_indicator[ind.id]
        rows = rows[rows["region"].isin(areas)]
        counts = rows["development"].value_counts().to_dict()
        count_rows.append(
            [addr.indicator_link(page, ind)] + [str(int(counts.get(k, 0))) for k in keys]
        )
        developments = dict(zip(rows["region"], rows["development"], strict=True))
        details.append(
            f"### {esc(ind.title)}\n\n{count_sentence(counts).capitalize()}.\n\n"
            + _areas_by_class(site, page, developments)
            + "\n"
        )
    return (
        "## Ontwikkeling per aandachtswijk\n\n"
        f"Hoe de {len(site.focus_areas)} aandachtswijken zich sinds de nulmeting ontwikkelden, "
        "ieder tegenover de eigen gemeente (aantal wijken per klasse; zie "
        f"{link('Begrippen', page, addr.GLOSSARY)} voor de klassen).\n\n"
        + table(["Indicator"] + [DEVELOPMENT_LABELS[k] for k in keys], count_rows, "lrrrrr")
        + "\n\n"
        + "\n".join(details)
    )


def theme_page(site: SiteData, theme: Theme) -> Page:
    page = addr.theme_page(theme.id)
    intro = paragraph(theme.description) + "\n" if theme.description else ""
    sections = [_total_section(site, page, theme, t) for t in site.main_totals]
    if not sections:
        sections = ["Deze monitor heeft geen totaal van aandachtswijken.\n"]
    body = intro + "\n".join(sections) + "\n" + _areas_section(site, page, theme)
    markdown = layout.page_markdown(site, page, theme.title, body)
    return Page(page, theme.title, markdown, search="text", hide=("toc",))
