"""The printable profile of one area: ``/downloads/profiel/<id>.pdf``, 2 to 4 A4 pages.

Title and date, key figures, the spine chart, the theme diagrams of the area with their
tables, and the sources: what a research department hands to a council. Made from the
site's own chart templates (charts.py), cells (figures.py) and Dutch numbers
(numbers.py); nothing here decides a figure.

Two steps, so the heavy one can run on every core:

- :func:`profile_jobs` (pure, in the build's process): per area the HTML with a
  placeholder per chart and the charts' Vega-Lite specs, print-sized;
- :func:`render_profile` (in a worker): each spec to SVG with vl-convert (an image in
  the HTML), the HTML to PDF with WeasyPrint (no JavaScript, hence the SVGs).

vl-convert runs its JavaScript engine on threads of its own, which a forked process does
not have (a conversion in a fork of a process that has converted before never returns):
the workers are started with ``spawn`` (see build.py), and a job is plain data.

Deterministic: the same inputs give the same bytes. The PDF's creation and
modification dates are ``SOURCE_DATE_EPOCH`` when it is set and absent otherwise, and
its file identifier is a hash of its content; the date printed on the profile is
``SOURCE_DATE_EPOCH``'s day, else "cijfers tot en met <latest period>", never the clock.
"""

from __future__ import annotations

import base64
import contextlib
import json
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from wijkmonitor.core.model import Indicator
from wijkmonitor.core.significance import VERDICT_LABELS
from wijkmonitor.website import addresses as addr
from wijkmonitor.website import figures as fig
from wijkmonitor.website.charts import Spec, chart_config, theme_chart
from wijkmonitor.website.markup import esc, table
from wijkmonitor.website.numbers import D3_LOCALE, fmt_number
from wijkmonitor.website.page_frame import SYNTHETIC_NOTICE
from wijkmonitor.website.page_theme import change_rows, chart_rows
from wijkmonitor.website.sitedata import SiteData
from wijkmonitor.website.spine_section import HEADING, spine_section

SPINE_HEADING = HEADING.lstrip("# ").strip()

# A4 with 15 mm margins leaves 180 mm of width, 680 CSS pixels at 96 per inch. Charts
# are drawn 860 pixels wide and scaled to it: their 12 px labels print at 7 pt, like the
# tables, and a profile of 34 indicators keeps to four pages.
PRINT_WIDTH = 860
PLACEHOLDER = "<!--wm-chart-{}-->"
SYNTHETIC_SHORT = "Synthetische gegevens, geen echte cijfers"
MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november december"
).split()


@dataclass(frozen=True)
class ProfileJob:
    """One area's profile, ready to render: plain data (it travels to a worker)."""

    path: str  # in the docs tree: downloads/profiel/<id>.pdf
    html: str  # with PLACEHOLDER.format(i) where chart i goes
    charts: tuple[str, ...]  # Vega-Lite specs as JSON, print-sized, config included
    created: str | None  # ISO 8601 date and time of the PDF's metadata, or none


# Rows of a chart with one row per indicator, in print: closer than on a screen, where
# a row is also something to tap.
PRINT_ROW_HEIGHT = 17  # pixels per indicator of the spine chart
PRINT_PAIR_HEIGHT = 20  # pixels per indicator of a theme diagram (two bars)


def print_spec(spec: Spec, height: int, width: int = PRINT_WIDTH) -> Spec:
    """A chart spec of the site (``width: container``) at a fixed print size, with the
    site's config: the site passes the config to vega-embed once per page, a PDF has no
    vega-embed."""
    return {**spec, "width": width, "height": height, "config": chart_config()}


def _chart(spec: Spec, height: int, charts: list[str]) -> str:
    """A placeholder for the chart, which is added to ``charts`` print-sized."""
    height = max(60, height)
    charts.append(json.dumps(print_spec(spec, height), ensure_ascii=False, sort_keys=True))
    return f'<div class="chart">{PLACEHOLDER.format(len(charts) - 1)}</div>\n'


def build_day(epoch: int | None) -> str:
    """The day of ``SOURCE_DATE_EPOCH`` in Dutch ("5 maart 2024"), or "" when unset."""
    if epoch is None:
        return ""
    day = datetime.fromtimestamp(epoch, UTC)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _created(epoch: int | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- Key figures ---------------------------------------------------------------------

LatestFigures = dict[tuple[str, str], tuple[float, float, str]]


def latest_figures(site: SiteData) -> LatestFigures:
    """(area, indicator) -> (ci_lower, ci_upper, verdict) at the indicator's latest
    period for the area, for every area page at once (one vectorised join per build,
    never a search of the whole results per area)."""
    values = site.values[site.values["region"].isin(site.area_codes)]
    latest = site.changes[["region", "indicator", "latest_period"]].rename(
        columns={"latest_period": "period"}
    )
    joined = values.merge(latest.astype({"period": values["period"].dtype}), how="inner")
    columns = [joined[c].to_numpy() for c in ("region", "indicator")]
    columns += [joined["ci_lower"].to_numpy(float), joined["ci_upper"].to_numpy(float)]
    columns.append(joined["verdict"].astype(str).to_numpy())
    return {(r, i): (lo, hi, v) for r, i, lo, hi, v in zip(*columns, strict=True)}


def _interval(lower: float, upper: float, decimals: int) -> str:
    if math.isnan(lower) or math.isnan(upper):
        return "."
    return f"{fmt_number(lower, decimals)}–{fmt_number(upper, decimals)}"


def _key_figures(site: SiteData, code: str, figures: LatestFigures) -> str:
    changes = site.change.get(code, {})
    series = site.series.get(code, {})
    rows = []
    for theme in site.monitor.themes.values():
        for ind in site.indicators_of_theme(theme.id):
            change, years = changes.get(ind.id), series.get(ind.id)
            if change is None or not years:
                continue
            latest = int(change.latest_period)
            row = next((r for r in years if r.period == latest), years[-1])
            lower, upper, verdict = figures.get((code, ind.id), (math.nan, math.nan, ""))
            d = ind.decimals
            rows.append(
                [
                    f'{esc(ind.title)} <span class="unit">({esc(ind.unit)})</span>',
                    str(row.period),
                    fig.value_cell(row.value, row.status, d),
                    _interval(lower, upper, d),
                    fig.p_cell(site, row.deviation, row.deviation_status, ind),
                    esc(VERDICT_LABELS.get(verdict, ".")),
                    fig.development_cell(change.development),
                ]
            )
    if not rows:
        return ""
    headers = [
        "Indicator (eenheid)",
        "Jaar",
        "Waarde",
        "95%-interval",
        "p",
        "Oordeel",
        "Ontwikkeling sinds nulmeting",
    ]
    return (
        '<section class="key">\n<h2>Kerncijfers</h2>\n'
        + table(headers, rows, "lrrrrll")
        + '<p class="note">Laatste meting per indicator. p: afwijking van het '
        "vergelijkingsgebied. Oordeel: of het 95%-betrouwbaarheidsinterval van de wijk de "
        "waarde van het vergelijkingsgebied uitsluit. <b>.</b> = geen cijfer, <b>x</b> = "
        "geheim (te kleine aantallen).</p>\n</section>\n"
    )


# --- Charts --------------------------------------------------------------------------


_SPEC = re.compile(r'<script type="application/json" class="wm-spec">(.*?)</script>', re.S)
_LINK = re.compile(r"</?a\b[^>]*>")


def _spine_section(site: SiteData, code: str, charts: list[str]) -> str:
    """The spine chart of the area page (spine_section.py): its explanation and its chart,
    taken from the section the area page shows, so both say the same. Its table is left
    out: the key figures give the area's value and verdict, and four pages hold no more
    (the spread per indicator is on the area page and in results.csv)."""
    section = spine_section(site, addr.area_page(code), code)
    found = _SPEC.search(section)
    if found is None:
        return ""
    spec = json.loads(found.group(1))
    intro = section[: section.find("<figure")].split("\n", 1)[1].strip()
    return (
        f'<section class="spine">\n<h2>{SPINE_HEADING}</h2>\n'
        f'<p class="note">{_LINK.sub("", intro)}</p>\n'
        f"{_chart(spec, PRINT_ROW_HEIGHT * len(spec['data']['values']), charts)}</section>\n"
    )


def _theme_sections(site: SiteData, code: str, charts: list[str]) -> str:
    name = site.region_name(code)
    reference = site.region_name(site.reference_of(code))
    parts = []
    for theme in site.monitor.themes.values():
        pairs = change_rows(site, code, site.indicators_of_theme(theme.id))
        if not pairs:
            continue
        rows = chart_rows(site, pairs)
        body = []
        if rows:
            spec = theme_chart(
                rows,
                title=f"{theme.title}: {name}",
                subtitle=fig.p_explained_all(site, [ind for ind, _ in pairs], reference)
                + "; lichte balk = nulmeting, donkere balk = laatste meting",
                description="",
            )
            body.append(_chart(spec, PRINT_PAIR_HEIGHT * len(pairs), charts))
        cells = [
            [
                esc(ind.title),
                f"{fig.p_cell(site, r.deviation_baseline, '', ind)} ({int(r.baseline_period)})",
                f"{fig.p_cell(site, r.deviation_latest, '', ind)} ({int(r.latest_period)})",
                fig.development_cell(r.development),
            ]
            for ind, r in pairs
        ]
        headers = ["Indicator", "p nulmeting (jaar)", "p laatste meting (jaar)", "Ontwikkeling"]
        body.append(table(headers, cells, "lrrl"))
        parts.append(
            f'<section class="theme">\n<h2>{esc(theme.title)}</h2>\n{"".join(body)}</section>\n'
        )
    return "".join(parts)


# --- The document --------------------------------------------------------------------


def _sources(indicators: list[Indicator]) -> str:
    """The sources line: the indicators' sources, each once, in the order of the
    indicators (the source of each indicator is on its page of the site)."""
    return "; ".join(esc(source) for source in dict.fromkeys(i.source for i in indicators))


CSS = """
@page { size: A4; margin: 12mm 15mm 14mm 15mm;
  @bottom-left { content: string(area) " · wijkprofiel"; font-size: 7.5pt; color: #555; }
  @bottom-right { content: "pagina " counter(page) " van " counter(pages);
    font-size: 7.5pt; color: #555; } }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 8.5pt;
  color: #1a1a1a; line-height: 1.3; }
h1 { font-size: 18pt; margin: 0 0 2mm; string-set: area content(); }
h2 { font-size: 11pt; margin: 4mm 0 1.5mm; break-after: avoid; }
.kicker { font-size: 8pt; color: #555; margin: 0 0 1mm; text-transform: uppercase;
  letter-spacing: 0.04em; }
.meta { margin: 0 0 3mm; }
.synthetic { border: 1px solid #d97800; background: #fdf1e3; padding: 2mm 3mm; margin: 2mm 0; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 2mm; font-size: 7pt; }
td { white-space: nowrap; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { padding: 0.4mm 1.2mm; border-bottom: 0.4pt solid #ccc; vertical-align: top; }
thead th { border-bottom: 0.8pt solid #333; text-align: left; }
tbody th { font-weight: normal; text-align: left; }
.unit { color: #555; }
.note { font-size: 7.5pt; color: #444; }
.chart { break-inside: avoid; margin: 1mm 0; }
section.spine { break-inside: avoid; }  /* its explanation with its chart */
/* A theme's table is short: never split it across pages (the key figures may split). */
section.theme table { break-inside: avoid; }
.chart img { width: 100%; height: auto; }
.wm-dev { white-space: nowrap; padding: 0 0.6mm; border-radius: 0.6mm; }
.wm-dev-favourable { color: #00513f; background: #dcefe9; }
.wm-dev-unfavourable { color: #7a3f00; background: #fbe9d4; }
.wm-dev-better_and_staying_better { color: #00513f; background: #f0f7f4;
  border: 0.4pt solid #a9d5c8; }
.wm-dev-no_change { color: #444; background: #eeeeee; }
.wm-dev-insufficient_data, .wm-dev-not_applicable { color: #666; border: 0.4pt dashed #bbb; }
footer { margin-top: 5mm; border-top: 0.8pt solid #333; padding-top: 2mm; font-size: 7.5pt; }
footer p { margin: 0 0 1.5mm; }
"""


def profile_html(
    site: SiteData,
    code: str,
    figures: LatestFigures,
    day: str,
    charts: list[str],
) -> str:
    """The profile of one area as HTML, with a PLACEHOLDER per chart it appends (as
    JSON) to ``charts``. ``day``: the build's day in Dutch, or "" (then the date line
    says up to which period the figures go)."""
    name = site.region_name(code)
    gemeente, reference = site.gemeente_of(code), site.reference_of(code)
    shown = [i for i in site.indicators.values() if i.id in site.series.get(code, {})]
    periods = [r.period for i in shown for r in site.series[code][i.id]]
    where = [f"Aandachtswijk in de gemeente {esc(site.region_name(gemeente))}"] if gemeente else []
    if reference:
        where.append(f"vergeleken met {esc(site.region_name(reference))}")
    else:
        where.append("zonder vergelijkingsgebied (geen afwijking p)")
    span = f"cijfers {min(periods)} tot en met {max(periods)}" if periods else "geen cijfers"
    dated = f"{span}; gemaakt op {day}" if day else span
    synthetic = (
        f'<p class="synthetic">{esc(SYNTHETIC_NOTICE)}</p>\n' if site.monitor.synthetic else ""
    )
    body = [
        f'<p class="kicker">Wijkprofiel · {esc(site.monitor.title)}</p>\n',
        f"<h1>{esc(name)}</h1>\n",
        f'<p class="meta">{", ".join(where)}. {dated.capitalize()}.</p>\n',
        synthetic,
        _key_figures(site, code, figures),
        _spine_section(site, code, charts),
        _theme_sections(site, code, charts),
    ]
    footer = (
        f"<footer>\n<p><b>Bronnen:</b> {_sources(shown)}.</p>\n"
        f"<p>Alle cijfers, met hun intervallen en status, staan in results.csv en "
        f"changes.csv bij de downloads van de website. Hoe elk cijfer is "
        "gemaakt: de verantwoording op de website.</p>\n</footer>\n"
    )
    # Every page of a synthetic monitor's profile says so, at its foot (a page copied
    # out of the profile too).
    marked = (
        f'@page {{ @bottom-center {{ content: "{SYNTHETIC_SHORT}"; font-size: 7.5pt; '
        "color: #7a3f00; } }\n"
        if site.monitor.synthetic
        else ""
    )
    head = (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Wijkprofiel {esc(name)}</title>\n"
        f'<meta name="author" content="{esc(site.monitor.title)}">\n'
        f"<style>{CSS}{marked}</style>\n</head>\n<body>\n"
    )
    return head + "".join(body) + footer + "</body>\n</html>\n"


def profile_jobs(
    site: SiteData, epoch: int | None, codes: list[str] | None = None
) -> Iterator[ProfileJob]:
    """One job per area page (or per area of ``codes``), in the order of the areas
    (lazily: a national build has 17,000 of them)."""
    figures = latest_figures(site)
    day, created = build_day(epoch), _created(epoch)
    # Focus areas and every paged wijk, buurt, pc4 area.
    for code in site.area_codes if codes is None else codes:
        charts: list[str] = []
        html = profile_html(site, code, figures, day, charts)
        yield ProfileJob(addr.profile_pdf(code), html, tuple(charts), created)


# What a profile's PDF is made of besides what its area page is made of (a profile reads
# a part of what its page reads: the area's own figures, changes and spine rows, names and
# the indicators' titles, units and sources): the renderers, the text engine and the
# fonts they may pick. A build with a store takes a profile from the previous site when
# its page's key and these are unchanged (build.write_profiles).
RENDERERS = (
    "weasyprint",
    "pydyf",
    "tinycss2",
    "tinyhtml5",
    "cssselect2",
    "fonttools",
    "pillow",
    "cffi",
    "vl-convert-python",
)
FONT_PLACES = (
    "/etc/fonts",
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.fonts",
    "~/.local/share/fonts",
    "~/.config/fontconfig",
)
FONT_SETTINGS = ("FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT")


def renderer_parts() -> list[str]:
    """The renderers' versions, Pango's, fontconfig's settings, and every font and
    fontconfig file by path, size and modification time (a font updated by the system
    changes the PDFs' bytes)."""
    from importlib import metadata

    from weasyprint.text.ffi import pango

    parts = [f"pango {pango.pango_version()}"]
    for name in RENDERERS:
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} none")
    places = [os.path.expanduser(place) for place in FONT_PLACES]
    for setting in FONT_SETTINGS:
        value = os.environ.get(setting)
        parts.append(f"{setting}={value}")
        places += value.split(os.pathsep) if value else []
    for place in places:
        # A folder's files (a setting may name a file: FONTCONFIG_FILE).
        found = [(os.path.dirname(place), [], [os.path.basename(place)])]
        for folder, folders, files in os.walk(place) if os.path.isdir(place) else found:
            folders.sort()  # the same order every build
            for name in sorted(files):
                path = os.path.join(folder, name)
                with contextlib.suppress(OSError):
                    st = os.stat(path)
                    parts.append(f"{path} {st.st_size} {st.st_mtime_ns}")
    return parts


def render_profile(job: ProfileJob) -> bytes:
    """The PDF of one profile (run in a worker: vl-convert and WeasyPrint are heavy)."""
    import vl_convert
    from weasyprint import HTML

    html = job.html
    for i, spec in enumerate(job.charts):
        svg = vl_convert.vegalite_to_svg(spec, format_locale=D3_LOCALE)
        # As an image, not inline: WeasyPrint then reads the SVG with an XML parser and
        # gives its elements no CSS cascade (1.65 -> 1.2 s a demo profile; the same PDF).
        image = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        html = html.replace(
            PLACEHOLDER.format(i), f'<img src="data:image/svg+xml;base64,{image}">', 1
        )
    if job.created is not None:  # WeasyPrint reads the PDF's dates from these
        dates = "".join(
            f'<meta name="dcterms.{n}" content="{job.created}">' for n in ("created", "modified")
        )
        html = html.replace("</head>", dates + "</head>", 1)
    # pdf_identifier=True: the file identifier is an MD5 of the content, not random.
    return HTML(string=html).write_pdf(pdf_identifier=True)
