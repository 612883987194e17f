"""How figures and the deviation p are shown: table cells, p's unit and decimals, and
the sentences saying what p means (worded after each indicator's resolved comparison
kind; see docs/methods.md §3)."""

from __future__ import annotations

import math

from wijkmonitor.core.model import Indicator
from wijkmonitor.website.markup import esc, strong
from wijkmonitor.website.numbers import fmt_cell
from wijkmonitor.website.sitedata import ChangeRow, SiteData
from wijkmonitor.website.texts import DEVELOPMENT_LABELS, DEVELOPMENT_SYMBOLS, GapChange


def p_in_own_unit(site: SiteData, indicator: Indicator) -> bool:
    """Whether p is in the indicator's unit (a difference) rather than a percentage: what
    its resolved comparison kind declares (``deviation_unit``)."""
    return site.kinds_of(indicator).p_in_own_unit


def p_unit(site: SiteData, indicator: Indicator) -> str:
    """What p is measured in: percent for ratios, the indicator's unit for differences."""
    return indicator.unit if p_in_own_unit(site, indicator) else "%"


def p_explained(site: SiteData, indicator: Indicator, reference: str) -> str:
    """Subtitle of a chart of p."""
    if p_in_own_unit(site, indicator):
        return f"verschil met {reference} ({indicator.unit}); 0 = gelijk aan {reference}"
    return f"afwijking van {reference} in %; 0 = gelijk aan {reference}"


def p_explained_all(site: SiteData, indicators: list[Indicator], reference: str) -> str:
    """Subtitle of a chart of p for several indicators, whose p may differ in unit."""
    if len({p_unit(site, i) for i in indicators}) == 1:
        return p_explained(site, indicators[0], reference)
    return (
        f"afwijking van {reference} in %, of bij een verschil in de eenheid van de "
        f"indicator; 0 = gelijk aan {reference}"
    )


def p_meaning(site: SiteData, indicators: list[Indicator], area: str, reference: str) -> str:
    """What p says, for the introduction of a page about ``area`` (escaped names): a
    percentage for relative comparisons, a difference in the indicator's unit for the
    others (SES-WOA scores), worded after the indicators on the page."""
    own = [i for i in indicators if p_in_own_unit(site, i)]
    relative = f"hoeveel procent {area} boven (+) of onder (−) het gemiddelde van {reference} ligt"
    difference = (
        f"hoeveel {area} boven (+) of onder (−) het gemiddelde van {reference} ligt, in de "
        "eenheid van de indicator"
    )
    end = "; 0 is gelijk aan dat gemiddelde."
    if not own:
        return f"De afwijking {strong('p')} zegt {relative}{end}"
    if len(own) == len(indicators):
        return f"De afwijking {strong('p')} zegt {difference}{end}"
    titles = ", ".join(esc(i.title) for i in own)
    return (
        f"De afwijking {strong('p')} zegt {relative}; bij {titles} zegt p {difference} (een "
        f"verschil, geen percentage){end}"
    )


# A development class as a coloured label with a sign and a word: it reads without the
# colour, and a screen reader reads the word (the sign is hidden from it).
_DEVELOPMENT_CELLS = {
    key: f'<span class="wm-dev wm-dev-{key}"><span class="wm-sign" aria-hidden="true">'
    f"{DEVELOPMENT_SYMBOLS[key]}</span> {esc(label)}</span>"
    for key, label in DEVELOPMENT_LABELS.items()
}


def development_cell(development: object) -> str:
    """A development class as a coloured label with a sign (it reads without colour)."""
    if not isinstance(development, str):
        return "."
    return _DEVELOPMENT_CELLS.get(development, ".")


def value_cell(value: float, status: str, decimals: int, signed: bool = False) -> str:
    return fmt_cell(value, status, decimals, signed=signed)


# How a figure derived from its parts is labelled (methods §13), per child level of
# results.csv's ``derived_from``; the site never decides derivation itself.
DERIVED_NOTES = {"wijk": "berekend uit de wijken", "buurt": "berekend uit de buurten"}


def derived_note(derived_from: str) -> str:
    """The short Dutch note for a derived figure ("" for a region's own figure)."""
    return DERIVED_NOTES.get(derived_from, "")


def p_cell(site: SiteData, value: float, status: str, indicator: Indicator) -> str:
    """p in a table or chart label, with its status symbol where there is no figure."""
    return fmt_cell(value, status, p_decimals(site, indicator), signed=True)


def gap_of(row: ChangeRow) -> GapChange:
    return GapChange(
        baseline=int(row.baseline_period),
        latest=int(row.latest_period),
        p_baseline=float(row.deviation_baseline),
        p_latest=float(row.deviation_latest),
        gap_change=float(row.gap_change),
        gap_note=row.gap_note if isinstance(row.gap_note, str) else "",
    )


def p_decimals(site: SiteData, indicator: Indicator) -> int:
    """A percentage to one decimal; a difference with the indicator's own decimals."""
    return indicator.decimals if p_in_own_unit(site, indicator) else 1


def is_missing(value: float) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
