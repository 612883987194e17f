"""The site layer without a browser: pages, Dutch numbers, determinism, atomic builds."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_monitor
from tests.sitebuild import leftovers, tree
from wijkmonitor.cli import main
from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.new_monitor import init_monitor
from wijkmonitor.website.build import BuildSummary, TargetError, build_site
from wijkmonitor.website.charts import theme_chart
from wijkmonitor.website.mkdocs_build import BuildError
from wijkmonitor.website.numbers import fmt_cell, fmt_int, fmt_number
from wijkmonitor.website.texts import GapChange, count_sentence, gap_sentence

# Addresses a page may carry without anything being fetched from another host: XML
# namespaces, and the local preview (`wijkmonitor serve`) in the documentation.
NAMESPACES = {
    "http://127.0.0.1:8000/",
    "http://localhost:8000/",
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/2000/xmlns/",
    "http://www.sitemaps.org/schemas/sitemap/0.9",
}
URL = re.compile(r"https?://[^\s\"'<>)\\]+")


# --- Dutch number notation -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "signed", "expected"),
    [
        (18.5, 1, False, "18,5"),
        (1234.5, 1, False, "1.234,5"),
        (1234567.0, 0, False, "1.234.567"),
        (-3.25, 1, False, "\u22123,3"),  # half away from zero, a real minus sign
        (2.675, 2, False, "2,68"),  # not the binary 2,67
        (-0.04, 1, False, "0,0"),  # never "−0,0"
        (20.0, 1, True, "+20,0"),
        (0.0, 1, True, "0,0"),
        (-41.25, 1, True, "\u221241,3"),
        (0.123456, 3, False, "0,123"),
        (float("nan"), 1, False, "."),
        (None, 1, False, "."),
        (float("-inf"), 1, False, "."),
        (9.995, 2, False, "10,00"),  # rounding carries into the whole number
        (-99.95, 1, True, "\u2212100,0"),
        (0.05, 1, True, "+0,1"),
        (1e-05, 2, False, "0,00"),  # repr with an exponent
        (1.5e16, 0, False, "15.000.000.000.000.000"),
        (123456.0, 2, False, "123.456,00"),
    ],
)
def test_fmt_number(value, decimals, signed, expected):
    assert fmt_number(value, decimals, signed=signed) == expected


def _decimal_notation(value: float, decimals: int, signed: bool) -> str:
    """The rule of numbers.py with Decimal: half away from zero on the shortest decimal
    form of the float, Dutch separators, a real minus, never "−0"."""
    from decimal import ROUND_HALF_UP, Decimal

    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    digits = f"{abs(rounded):,.{decimals}f}".replace(",", " ").replace(".", ",")
    digits = digits.replace(" ", ".")
    if rounded == 0:
        return digits
    return ("\u2212" if rounded < 0 else "+" if signed else "") + digits


def test_fmt_number_rounds_as_decimal_arithmetic_does():
    """The notation reads the float's shortest decimal form with integers (fast, a
    national site formats millions of figures): the same as Decimal for 20,000 seeded
    values of every kind (halves, exponents, large and tiny) at 0 to 3 decimals."""
    import random

    rng = random.Random(13)
    values = [2.675, -2.675, 0.05, 9.995, 1e-05, -1e-05, 5e-324, 1e20, 123456789.125]
    for _ in range(20_000):
        kind = rng.randrange(5)
        if kind == 0:
            values.append(rng.uniform(-1000, 1000))
        elif kind == 1:
            values.append(round(rng.uniform(-100, 100), rng.randint(0, 4)))
        elif kind == 2:
            values.append((rng.randint(-2000, 2000) + 0.5) / 10 ** rng.randint(0, 3))
        elif kind == 3:
            values.append(rng.uniform(-1, 1) * 10 ** rng.randint(-8, 18))
        else:
            values.append(rng.randint(-(10**7), 10**7) / 10 ** rng.randint(0, 6))
    differ = [
        (value, decimals, signed)
        for value in values
        for decimals in (0, 1, 2, 3)
        for signed in (False, True)
        if fmt_number(value, decimals, signed=signed) != _decimal_notation(value, decimals, signed)
    ]
    assert differ == []


def test_fmt_cell_uses_cbs_symbols():
    assert fmt_cell(12.34, "", 1) == "12,3"
    assert fmt_cell(math.nan, "x", 1) == "x"
    assert fmt_cell(12.34, "x", 1) == "x"  # a suppressed cell never shows its value
    assert fmt_cell(math.nan, ".", 1) == "."
    assert fmt_cell(math.nan, "", 1) == "."
    assert fmt_cell(math.inf, "", 1) == "."
    assert fmt_int(28375) == "28.375"


def test_a_chart_spec_from_a_template_is_the_json_of_the_whole_spec():
    """Charts carry their template's values already serialized (once per template, not
    per chart): the spec's JSON is byte for byte json.dumps of the whole, also where a
    value was replaced after filling, is None or holds a "<"."""
    from wijkmonitor.website.charts import yearly_chart, yearly_template
    from wijkmonitor.website.markup import Serialized, json_text, script_json

    rows = [{"label": "2019", "order": 2019, "p": 1.5, "positie": "hoger", "tekst": "+1,5"}]
    spec = yearly_chart(rows, "Werk <zoekenden>", "afwijking; 0 = gelijk", "Beschrijving")
    assert isinstance(spec, Serialized) and spec.known
    assert script_json(spec) == json_text(dict(spec)).replace("<", "\\u003c")
    assert "\\u003czoekenden>" in script_json(spec)
    shared = next(key for key in spec.known if key in yearly_template())
    spec[shared] = {"x": {"field": "<b>"}}  # a template's value replaced after filling
    spec["extra"] = None
    assert script_json(spec) == json_text(dict(spec)).replace("<", "\\u003c")
    assert '"extra":null' in script_json(spec) and "\\u003cb>" in script_json(spec)
    assert yearly_template()[shared] != spec[shared]  # the template kept its own


# --- computed sentences ----------------------------------------------------------------


def test_gap_sentences_follow_the_report():
    # Social rented dwellings, G18: p 41,2 -> 37,0 with lower is better: the gap shrank 10 %.
    gap = GapChange(2007, 2011, 41.2, 37.0, (37.0 - 41.2) / 41.2 * 100, "")
    text = gap_sentence(gap, -1.0, "G18", "G18")
    assert text.startswith("De achterstand ten opzichte van het gemiddelde van G18 is sinds")
    assert "met 10 % kleiner geworden" in text and "+41,2" in text
    # Cito G4: p -19,3 -> -21,4, higher is better: the gap grew by 11 % although p fell.
    gap = GapChange(2007, 2011, -19.3, -21.4, (21.4 - 19.3) / 19.3 * 100, "")
    assert "met 11 % groter geworden" in gap_sentence(gap, 1.0, "G4", "G4")
    # Ahead of the reference: a lead, not an arrears.
    gap = GapChange(2007, 2011, 10.0, 5.0, -50.0, "")
    assert gap_sentence(gap, 1.0, "Wijk", "Stad").startswith("De voorsprong")
    overtook = GapChange(2007, 2011, -5.7, 5.4, math.nan, "sign_change")
    assert "Wijk heeft het gemiddelde van Stad ingehaald" in gap_sentence(
        overtook, 1.0, "Wijk", "Stad"
    )
    assert "is achter geraakt" in gap_sentence(overtook, -1.0, "Wijk", "Stad")
    missing = GapChange(2007, 2011, math.nan, 5.0, math.nan, "")
    assert gap_sentence(missing, 1.0, "Wijk", "Stad").startswith("Geen uitspraak mogelijk")


def test_count_sentence():
    counts = {"favourable": 22, "unfavourable": 12, "no_change": 6}
    assert (
        count_sentence(counts) == "in 22 wijken gunstig, in 12 ongunstig en in 6 geen verandering"
    )
    assert count_sentence({"unfavourable": 1}) == "in 1 wijk ongunstig"


def test_chart_is_the_template_with_data_swapped_in():
    rows = [
        {
            "label": "A",
            "order": 0,
            "meting": "nulmeting",
            "jaar": "2007",
            "p": 20.0,
            "positie": "ongunstig",
            "tekst": "+20,0",
        }
    ]
    spec = theme_chart(rows, "Titel", "ondertitel", "beschrijving")
    other = theme_chart(rows * 2, "Ander", "", "")
    assert spec["data"] == {"values": rows}
    assert spec["title"] == {"text": "Titel", "subtitle": ["ondertitel"]}
    # One clause a line, so each fits a phone's width.
    assert theme_chart(rows, "T", "a; b", "")["title"]["subtitle"] == ["a", "b"]
    assert spec["description"] == "beschrijving"
    assert "$schema" not in spec  # nothing that looks like an address to fetch
    assert spec["layer"] is other["layer"]  # shared template, not a copy per chart
    json.dumps(spec)


def test_page_generator_does_not_import_mkdocs():
    code = (
        "import sys, wijkmonitor.website.generate, wijkmonitor.website.page_area;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'mkdocs'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- the demo site ---------------------------------------------------------------------


def test_every_theme_area_gemeente_and_indicator_has_a_page(demo):
    monitor, site = demo.monitor, demo.site
    level = monitor.regions["level"]
    expected = (
        [f"thema/{t}" for t in monitor.themes]
        + [f"indicator/{i}" for i in monitor.indicators]
        + [f"wijk/{a}" for a in monitor.regions.index[level == "focus_area"]]
        + [f"gemeente/{g}" for g in monitor.regions.index[level == "gemeente"]]
        + ["", "thema", "wijk", "gemeente", "indicator", "definities", "downloads"]
        + ["begrippen", "verantwoording"]
    )
    missing = [p for p in expected if not (site / p / "index.html").is_file()]
    assert missing == []
    for name in ("results.csv", "changes.csv", "indicators.json"):
        assert (site / "downloads" / name).stat().st_size > 0
    for ind in monitor.indicators:
        assert (site / "definities" / "yaml" / f"{ind}.yml").is_file()
    indicators = json.loads((site / "downloads/indicators.json").read_text())
    assert sorted(i["id"] for i in indicators) == sorted(monitor.indicators)
    assert demo.summary.pages == len(expected)


def test_area_pages_are_not_in_the_navigation(demo):
    """The navigation on every page stays the same size however many areas there are."""
    level = demo.monitor.regions["level"]
    areas = set(demo.monitor.regions.index[level == "focus_area"])
    if not areas:
        pytest.skip("the demo monitor has no focus areas")
    theme = next(iter(demo.monitor.themes))
    for page in ("index.html", f"thema/{theme}/index.html", f"wijk/{min(areas)}/index.html"):
        html = (demo.site / page).read_text()
        hrefs = re.findall(r'<a href="([^"]+)" class="md-(?:nav|tabs)__link', html)
        linked = {h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs if "wijk/" in h}
        assert hrefs and not linked & areas, page
    assert "wijk/" in (demo.site / "wijk/index.html").read_text()


def test_pages_with_figures_say_the_data_are_synthetic(demo):
    if not demo.monitor.synthetic:
        pytest.skip("the demo data are not synthetic")
    html = (demo.site / "thema" / next(iter(demo.monitor.themes)) / "index.html").read_text()
    assert "Synthetische gegevens" in html  # the banner at the top
    assert "geen echte cijfers" in html  # the footer


def test_area_page_has_chart_table_and_development(demo):
    areas = list(demo.monitor.regions.index[demo.monitor.regions["level"] == "focus_area"])
    if not areas:
        pytest.skip("the demo monitor has no focus areas")
    html = (demo.site / "wijk" / areas[0] / "index.html").read_text()
    assert html.count('class="wm-chart"') >= 1
    assert html.count('<table class="wm-table">') >= html.count('class="wm-chart"')
    assert "Ontwikkeling sinds de nulmeting" in html
    assert re.search(r"<td[^>]*>[+\u2212]\d+,\d</td>", html)  # p in Dutch notation
    assert "../../gemeente/" in html and "../../indicator/" in html


def test_ses_indicator_pages_show_no_ranking(demo):
    ses = [i for i in demo.monitor.indicators.values() if i.theme == "ses_woa"]
    if not ses:
        pytest.skip("the demo monitor has no SES-WOA indicators")
    html = (demo.site / "indicator" / ses[0].id / "index.html").read_text()
    assert "Geen ranglijst" in html
    for other in ses:  # every dimension and the spread next to the score
        assert other.title in html
    table = html[html.index("alle indicatoren van het thema naast elkaar") :]
    names = re.findall(r'<t[dh][^>]*><a href="../../wijk/[^"]+">([^<]+)</a></t[dh]>', table)
    assert len(names) > 1 and names == sorted(names)


def test_no_address_of_another_host_in_the_site(demo):
    """Our pages, assets and data hold no external address (vendor theme code aside;
    the browser test checks that nothing is fetched)."""
    site = demo.site
    ours = [
        p
        for p in site.rglob("*")
        if p.is_file() and p.suffix in {".html", ".json", ".xml", ".csv", ".yml", ".js", ".css"}
    ]
    vendor = (site / "assets" / "javascripts", site / "assets" / "stylesheets")
    ours = [p for p in ours if not any(v in p.parents for v in vendor)]
    assert any(p.name == "vega.js" for p in ours)
    found = {
        (str(p.relative_to(site)), url)
        for p in ours
        for url in URL.findall(p.read_text(encoding="utf-8", errors="replace"))
        if url not in NAMESPACES
    }
    assert found == set()
    for page in site.rglob("*.html"):
        html = page.read_text()
        assert not re.search(r'(src|href)="(https?:)?//', html), page


# --- builds: determinism, atomicity, init ----------------------------------------------


def test_init_then_build_twice_gives_identical_bytes(tmp_path):
    monitor = tmp_path / "nieuw"
    assert main(["init", str(monitor)]) == 0
    assert main(["build", str(monitor)]) == 0
    first = tree(monitor / "site")
    assert main(["build", str(monitor), "--site-dir", str(tmp_path / "second")]) == 0
    assert tree(tmp_path / "second") == first
    assert "wijk/noord-zuid/index.html" in first and "over/index.html" in first
    assert "gemeente/GM0001/index.html" in first
    sitemap = (monitor / "site" / "sitemap.xml").read_text()
    assert "lastmod" not in sitemap
    assert main(["init", str(monitor)]) == 1  # never over an existing monitor


def _small_site(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    monitor = write_monitor(tmp_path / "m")
    site = tmp_path / "out" / "site"
    build_site(monitor, site)
    return monitor, site, tree(site)


def test_failed_build_leaves_the_previous_site(tmp_path):
    monitor, site, before = _small_site(tmp_path)
    (monitor / "indicators" / "werkzoekenden.yml").write_text("id: [broken\n")
    with pytest.raises(ProblemsError):
        build_site(monitor, site)
    assert tree(site) == before and leftovers(site) == []


def test_strict_site_build_failure_leaves_the_previous_site(tmp_path):
    monitor, site, before = _small_site(tmp_path)
    page = monitor / "site_src" / "kapot.md"
    page.parent.mkdir()
    page.write_text("# Kapot\n\n[nergens](bestaat-niet.md)\n")
    with pytest.raises(BuildError, match="bestaat-niet.md"):
        build_site(monitor, site)
    assert tree(site) == before and leftovers(site) == []


def test_interrupted_build_leaves_the_previous_site(tmp_path):
    monitor, site, before = _small_site(tmp_path)

    class Interrupt:
        def stage(self, description, total=None):
            if description == "rendering site":
                raise KeyboardInterrupt

        def advance(self):
            pass

    with pytest.raises(KeyboardInterrupt):
        build_site(monitor, site, Interrupt())
    assert tree(site) == before and leftovers(site) == []


def test_rebuild_replaces_the_site(tmp_path):
    monitor, site, before = _small_site(tmp_path)
    (monitor / "monitor.yml").write_text("title: Andere titel\n")
    summary = build_site(monitor, site)
    assert isinstance(summary, BuildSummary) and summary.site_dir == site
    assert "Andere titel" in (site / "index.html").read_text()
    assert leftovers(site) == []


def test_build_refuses_to_replace_a_directory_it_did_not_make(tmp_path):
    monitor = write_monitor(tmp_path / "m")
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("do not delete")
    with pytest.raises(TargetError):
        build_site(monitor, precious)
    with pytest.raises(TargetError):
        build_site(monitor, tmp_path)  # contains the monitor
    assert (precious / "thesis.txt").read_text() == "do not delete"


def test_scaffold_refuses_a_non_empty_directory(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "file").write_text("")
    with pytest.raises(Exception, match="not empty"):
        init_monitor(tmp_path / "x")


def test_every_internal_link_resolves(demo):
    """Generated tables link with plain URLs, so the build does not check them: we do."""
    site = demo.site
    broken = []
    for page in site.rglob("*.html"):
        html = page.read_text()
        for target in re.findall(r'(?:href|src)="([^"#?]*)[^"]*"', html):
            if not target or re.match(r"[a-z]+:", target):
                continue
            # The 404 page links from the site root (it is served at any depth).
            base = site if target.startswith("/") else page.parent
            path = (base / target.lstrip("/")).resolve()
            if target.endswith("/") or path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                broken.append((str(page.relative_to(site)), target))
    assert broken == []


def test_html_blocks_skipping_markdown_render_as_markdown_would(demo):
    """The mkdocs adapter passes finished HTML around Python-Markdown (for speed); the
    page must come out as Markdown itself would have rendered it."""
    import markdown

    from wijkmonitor.website.generate import generate_pages
    from wijkmonitor.website.mkdocs_build import stash_html, unstash_html

    extensions = ["toc", "tables", "admonition", "attr_list", "md_in_html"]
    pages = generate_pages(compute_results(demo.monitor))
    checked = 0
    for page in pages:
        if not page.path.startswith(("wijk/", "thema/", "gemeente/", "indicator/")):
            continue
        plain = markdown.Markdown(extensions=extensions).convert(page.markdown)
        stashed, blocks = stash_html(page.markdown)
        fast = unstash_html(markdown.Markdown(extensions=extensions).convert(stashed), blocks)
        # Whitespace next to a tag does not render; everything else must be equal.
        squash = re.compile(r"\s*(<[^>]*>)\s*")
        assert squash.sub(r"\1", fast) == squash.sub(r"\1", plain), page.path
        checked += 1
    assert checked > 60


def test_colours_are_never_the_only_carrier(demo):
    """Every coloured label carries a sign and a word; every chart bar is labelled with
    the sign of its position, and the legend shows the same signs (issue 8)."""
    from wijkmonitor.website.charts import areas_template, theme_template, yearly_template
    from wijkmonitor.website.texts import DEVELOPMENT_LABELS, DEVELOPMENT_SYMBOLS

    html = (demo.site / "thema" / next(iter(demo.monitor.themes)) / "index.html").read_text()
    cells = re.findall(
        r'<span class="wm-dev wm-dev-(\w+)">(<span class="wm-sign"[^>]*>[^<]*</span>[^<]*)</span>',
        html,
    )
    assert cells
    for key, inner in cells:
        sign = f'<span class="wm-sign" aria-hidden="true">{DEVELOPMENT_SYMBOLS[key]}'
        assert inner.startswith(sign) and inner.endswith(DEVELOPMENT_LABELS[key]), inner
    for template in (theme_template(), yearly_template(), areas_template()):
        text = json.dumps(template, ensure_ascii=False)
        assert "▲" in text and "▼" in text and '"wm_label' in text
    legend = json.dumps(theme_template(), ensure_ascii=False)
    assert "▲ gunstig" in legend and "▼ ongunstig" in legend
    # Charts are images with a name, described by their caption.
    figures = re.findall(
        r'<div class="wm-chart" role="img" aria-label="([^"]+)" '
        r'aria-describedby="(wm-fig-\w+)">',
        html,
    )
    assert figures and all(label.startswith("Grafiek: ") for label, _ in figures)
    assert all(f'<figcaption id="{ident}">' in html for _, ident in figures)
