"""/begrippen/: the terms, formulas, classes and symbols the site uses, and the
measurement moment of every indicator — filled in from this monitor's settings."""

from __future__ import annotations

from wijkmonitor.website import addresses as addr
from wijkmonitor.website import figures as fig
from wijkmonitor.website import page_frame as layout
from wijkmonitor.website.markup import Page, code, esc, strong, table
from wijkmonitor.website.numbers import fmt_number
from wijkmonitor.website.page_indicator import comparison_text
from wijkmonitor.website.sitedata import SiteData
from wijkmonitor.website.texts import DEVELOPMENT_EXPLAINED, DEVELOPMENT_LABELS, MEASUREMENT_LABELS

TERMS = [
    (
        "Aandachtswijk",
        "Een wijk die de monitor volgt; vaak samengesteld uit postcodegebieden. "
        "Cijfers van een samengesteld gebied zijn berekend uit opgetelde aantallen, nooit als "
        "gemiddelde van percentages.",
    ),
    (
        "Referentiegebied",
        "Het gebied waarmee een wijk wordt vergeleken, meestal de eigen "
        "gemeente (het stedelijk gemiddelde, inclusief de wijk zelf).",
    ),
    ("Nulmeting", "Het jaar waartegen de ontwikkeling wordt afgezet."),
    ("Laatste meting", "Het laatste jaar met cijfers voor de indicator."),
    (
        "Afwijking p",
        "Hoe ver een gebied van zijn referentiegebied afligt; p = 0 is gelijk. "
        "Het teken zegt hoger of lager, de richting van de indicator zegt gunstig of ongunstig.",
    ),
    (
        "Afstand",
        "De grootte van de afwijking, |p|. De verandering van de afstand sinds de "
        "nulmeting is (|p laatste| − |p nulmeting|) / |p nulmeting| × 100: negatief betekent dat "
        "de afstand kleiner werd. Wisselt p van teken, dan heeft het gebied zijn referentiegebied "
        "ingehaald (of is het achter geraakt) en zegt een percentage niets.",
    ),
]


def glossary_page(site: SiteData) -> Page:
    page = addr.GLOSSARY
    threshold = fmt_number(site.monitor.settings.no_change_threshold, 1)
    terms = table(["Begrip", "Betekenis"], [[strong(esc(t)), esc(d)] for t, d in TERMS])
    used = sorted({i.comparison_kind for i in site.indicators.values()})
    examples = []
    for kind in used:
        sample = next(i for i in site.indicators.values() if i.comparison_kind == kind)
        formula, example = comparison_text(site, sample)
        examples.append([code(kind), esc(formula), esc(example)])
    # The statistical rule is explained only where some indicator of this monitor uses it.
    statistical = [i for i in site.indicators.values() if site.monitor.no_change_z(i.id) > 0]
    classes = table(
        ["Ontwikkeling", "Betekenis"],
        [[fig.development_cell(k), esc(v)] for k, v in DEVELOPMENT_EXPLAINED.items()],
    )
    moments = table(
        ["Indicator", "Meetmoment", "Datum"],
        [
            [
                addr.indicator_link(page, i),
                esc(MEASUREMENT_LABELS.get(i.measurement_moment.kind, i.measurement_moment.kind)),
                esc(i.measurement_moment.date) or ".",
            ]
            for i in site.indicators.values()
        ],
    )
    body = (
        "## Begrippen\n\n"
        + terms
        + "\n\n## Berekening van p\n\n"
        + table(["Vergelijking", "Formule", "Voorbeeld"], examples)
        + "\n\n## Ontwikkeling sinds de nulmeting\n\n"
        f"Per wijk en indicator één van deze klassen. Een verandering van p kleiner dan "
        f"{threshold} punt telt als ‘{DEVELOPMENT_LABELS['no_change']}’ (instelling "
        "<code>no_change_threshold</code> in monitor.yml; een indicator kan een eigen drempel "
        "hebben, zie de indicatorpagina)."
        + (
            f" Bij aandelen en rates, waarvan de aantallen bekend zijn, telt een verandering "
            f"die kleiner is dan {fmt_number(site.monitor.settings.no_change_z, 2)} keer haar "
            "standaardfout ook als geen verandering: in kleine wijken kan p door toeval "
            "flink bewegen (instelling <code>no_change_z</code>; op de indicatorpagina staat "
            "of de regel geldt)."
            if statistical
            else ""
        )
        + "\n\n"
        + classes
        + "\n\n## Tekens in tabellen\n\n"
        + table(
            ["Teken", "Betekenis"],
            [
                [
                    strong("."),
                    "geen cijfer: niet beschikbaar (bijvoorbeeld niet gemeten in dat jaar) of "
                    "niet te berekenen (de noemer of de referentiewaarde is 0)",
                ],
                [
                    strong("x"),
                    "geheim: gebaseerd op te weinig personen, leerlingen of verkopen, of "
                    "verborgen omdat het anders uit andere cijfers terug te rekenen is",
                ],
                [
                    f"{strong('−')} en {strong('+')}",
                    "teken van een afwijking; decimalen met een komma, duizendtallen met een punt",
                ],
            ],
        )
        + "\n\n## Meetmomenten\n\n"
        + moments
        + "\n"
    )
    return Page(
        page, "Begrippen", layout.page_markdown(site, page, "Begrippen", body, figures=False)
    )
