"""What the SES-WOA plugin adds to the website, through the hooks ``register_pages`` and
``register_downloads``: its own prose on the pages of its indicators and their theme,
and the coefficients the scores were computed with as a download.

The generic pages know nothing of SES-WOA: a theme with ``ranking: false`` is shown
without a ranking for any indicator; why that matters for this score, and what the
score is and how this monitor approximates CBS's method (``docs/methods.md``, section
"SES-WOA"), is said here.
"""

from __future__ import annotations

from pathlib import Path

from wijkmonitor.core.hookspecs import Download, PageSection
from wijkmonitor.core.model import Indicator
from wijkmonitor.plugins.ses_woa.kind import SES_WOA_KIND
from wijkmonitor.plugins.ses_woa.scoring import load_coefficients
from wijkmonitor.website.addresses import indicator_page, theme_page
from wijkmonitor.website.markup import esc, link
from wijkmonitor.website.sitedata import SiteData

SECTION_TITLE = "Over de SES-WOA-score"
COEFFICIENTS_DOWNLOAD = "ses_woa_coefficients.json"

WHAT_IT_IS = (
    "De SES-WOA-score van het CBS vat de sociaaleconomische status van de huishoudens in "
    "een gebied samen uit drie dimensies: financiële welvaart, opleidingsniveau en recent "
    "arbeidsverleden. Elk huishouden krijgt een totaalscore en drie deelscores; een gebied "
    "krijgt het gemiddelde van zijn huishoudens en de spreiding (standaardafwijking) binnen "
    "het gebied. Het verschil met de gemeente (p) is een verschil in scorepunten, geen "
    "percentage."
)
NO_RANKING = (
    "Deze cijfers zijn bewust niet als ranglijst weergegeven: de wijken staan op "
    "alfabetische volgorde. Eén totaalscore verbergt waar een wijk sterk of zwak is en hoe "
    "groot de verschillen binnen de wijk zijn. Bekijk daarom de drie dimensies (welvaart, "
    "opleiding, arbeidsverleden) en de spreiding naast de totaalscore, en de ontwikkeling in "
    "de tijd op de wijkpagina’s."
)
APPROXIMATION = (
    "Deze monitor volgt de methode van het CBS (een meervoudige correspondentieanalyse op de "
    "drie kenmerken, met de coëfficiënten van één referentiejaar voor alle jaren), maar "
    "benadert haar: de indeling in klassen wordt overgenomen zoals ze in het "
    "huishoudensbestand staat, de schaal van de scores is niet die van het CBS, de "
    "huishoudens worden niet gewogen en de gebiedsindeling is die van het bestand. De "
    "scores zijn daarom niet gelijk aan de door het CBS gepubliceerde cijfers."
)


def ses_indicators(site: SiteData) -> list[Indicator]:
    """The monitor's indicators computed by this plugin's formula kind."""
    return [i for i in site.monitor.indicators.values() if i.formula_kind == SES_WOA_KIND.name]


def _coefficients_path(site: SiteData) -> tuple[Path, str] | None:
    config = site.monitor.config.plugin_config("ses_woa")
    if not config:
        return None  # no section in monitor.yml: this plugin provides no data
    return site.monitor.dir / config.coefficients, config.coefficients


def _related(page: str, indicators: list[Indicator], current: str) -> str:
    links = [
        esc(i.title) if i.id == current else link(i.title, page, indicator_page(i.id))
        for i in indicators
    ]
    return "De SES-WOA-indicatoren van deze monitor: " + ", ".join(links) + "."


def _body(page: str, indicators: list[Indicator], current: str = "") -> str:
    return "\n\n".join([WHAT_IT_IS, NO_RANKING, _related(page, indicators, current), APPROXIMATION])


def sections(site: SiteData) -> list[PageSection]:
    """The plugin's prose on the page of every SES-WOA indicator and of its theme."""
    indicators = ses_indicators(site)
    result = [
        PageSection("indicator", i.id, SECTION_TITLE, _body(indicator_page(i.id), indicators, i.id))
        for i in indicators
    ]
    themes = dict.fromkeys(i.theme for i in indicators)
    result += [
        PageSection("theme", theme, SECTION_TITLE, _body(theme_page(theme), indicators))
        for theme in themes
    ]
    return result


def downloads(site: SiteData) -> list[Download]:
    """The coefficients file the scores of this build were computed with."""
    where = _coefficients_path(site)
    if where is None or not ses_indicators(site):
        return []
    path, display = where
    coefficients = load_coefficients(path, display)
    description = (
        "De coëfficiënten van de SES-WOA-score per klasse van welvaart, opleiding en "
        f"arbeidsverleden, bepaald op de huishoudens van {coefficients.reference_year} en "
        "voor alle jaren gebruikt (JSON)"
    )
    return [Download(COEFFICIENTS_DOWNLOAD, description, path.read_bytes())]
