"""The built demo site on a phone (390 × 844 CSS px) and on paper (A4), in chromium.

On a phone: no page type scrolls sideways as a whole, every chart and every table's
scroll box lies inside the screen, a wide table scrolls inside its own box with its
first column kept in view, and the area page's overview shows the indicator, p and the
development without scrolling. On paper: no navigation, the synthetic notice kept, and
every chart and table inside the A4 text width. Screenshots go to test-artifacts/phone/
and test-artifacts/print/ (with the A4 PDF of every page type).
Outside CI a missing chromium skips these tests; in CI (CI=true) it fails them.
"""

from __future__ import annotations

import re

import pytest

from tests.browsing import (
    ARTIFACTS,
    BOXES_OUTSIDE,
    PAGE_TYPES,
    draw_every_chart,
    page_of_type,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# A4 (210 mm) minus the @page margins of wijkmonitor.css (14 mm each side), at 96 px per
# inch: the width the print layout has on paper.
A4_TEXT_WIDTH = round((210 - 2 * 14) / 25.4 * 96)
NAVIGATION = [".md-header", ".md-tabs", ".md-sidebar", ".md-search", ".md-top"]


def _open(browser, base_url: str, demo, kind: str, viewport: dict[str, int]):
    path = page_of_type(demo, kind)
    page = browser.new_page(viewport=viewport)
    page.goto(base_url + path, wait_until="networkidle")
    draw_every_chart(page)
    return page


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_nothing_wider_than_a_phone(kind, demo, base_url, browser):
    page = _open(browser, base_url, demo, kind, PHONE)
    try:
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.body.scrollWidth, innerWidth]"
        )
        outside = page.evaluate(BOXES_OUTSIDE)
        charts = page.locator(".wm-chart").count()
        (ARTIFACTS / "phone").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "phone" / f"{kind}.png"), full_page=True)
    finally:
        page.close()
    assert widths[0] <= widths[2] and widths[1] <= widths[2], widths
    assert outside == [], f"{charts} charts; outside the screen: {outside}"


# What vega drew beyond the right edge of its SVG (which clips it): titles, subtitles and
# legends are laid out at a fixed size (charts.py), not at the width of the container.
DRAWN_BEYOND_SVG = """() => [...document.querySelectorAll('.wm-chart svg')].flatMap(svg => {
    const right = svg.getBoundingClientRect().right;
    const label = svg.closest('.wm-chart').getAttribute('aria-label').slice(0, 50);
    return [...svg.querySelectorAll('.role-title, .role-legend, .role-axis, .mark-text')]
        .map(g => Math.round(g.getBoundingClientRect().right - right))
        .filter(over => over > 2)
        .slice(0, 1)
        .map(over => `${label}: ${over} px`);
})"""


@pytest.mark.parametrize("kind", ["thema", "wijk", "gemeente", "indicator"])
def test_what_a_chart_draws_fits_on_a_phone(kind, demo, base_url, browser):
    page = _open(browser, base_url, demo, kind, PHONE)
    try:
        beyond = page.evaluate(DRAWN_BEYOND_SVG)
    finally:
        page.close()
    assert beyond == []


def test_wide_table_scrolls_in_its_box_with_first_column_in_view(demo, base_url, browser):
    """The gemeente page's table of its areas is wider than a phone: it scrolls inside
    its own box, and scrolled to its end the indicator's name is still where it was,
    on an opaque background, and nothing lies over it."""
    page = _open(browser, base_url, demo, "gemeente", PHONE)
    try:
        found = page.evaluate(
            """() => {
                const wrap = [...document.querySelectorAll('.md-typeset__scrollwrap')]
                    .find(w => w.scrollWidth > w.clientWidth + 20);
                if (!wrap) return null;
                const cell = wrap.querySelector('tbody tr > :first-child');
                cell.scrollIntoView({block: 'center'});
                const before = cell.getBoundingClientRect();
                wrap.scrollLeft = wrap.scrollWidth;
                const after = cell.getBoundingClientRect();
                const box = wrap.getBoundingClientRect();
                const hit = document.elementFromPoint(
                    (after.left + after.right) / 2, (after.top + after.bottom) / 2);
                return {
                    scrolled: wrap.scrollLeft,
                    pageScrolled: window.scrollX,
                    before: before.left, after: after.left, boxLeft: box.left,
                    right: after.right, width: innerWidth,
                    background: getComputedStyle(cell).backgroundColor,
                    onTop: cell.contains(hit),
                    text: cell.textContent.trim(),
                };
            }"""
        )
        (ARTIFACTS / "phone").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "phone" / "gemeente-table-scrolled.png"))
    finally:
        page.close()
    assert found is not None, "the gemeente page has no table wider than a phone"
    assert found["scrolled"] > 20 and found["pageScrolled"] == 0, found
    assert found["text"], found
    # Kept in view: at the left edge of its box, wholly on screen.
    assert found["boxLeft"] - 0.5 <= found["after"] <= found["before"] + 0.5, found
    assert found["right"] <= found["width"], found
    assert found["onTop"], found
    assert re.fullmatch(r"rgb\(\d+, \d+, \d+\)", found["background"]), found  # opaque


def test_area_overview_shows_indicator_p_and_development_first(demo, base_url, browser):
    page = _open(browser, base_url, demo, "wijk", PHONE)
    try:
        overview = page.evaluate(
            """() => {
                const heading = document.getElementById('overzicht');
                let el = heading.nextElementSibling;
                while (el && !el.querySelector('table')) el = el.nextElementSibling;
                const table = el.querySelector('table');
                // Scroll the page only: the table's own box stays where a reader finds it.
                window.scrollTo(0, scrollY + heading.getBoundingClientRect().top);
                const wrap = table.closest('.md-typeset__scrollwrap');
                const rows = [...table.rows].map(r => [...r.cells].slice(0, 3));
                return {
                    headers: [...table.tHead.rows[0].cells].map(c => c.textContent.trim()),
                    scrollLeft: wrap.scrollLeft,
                    rows: rows.length,
                    // The right edge of the first three cells of every row, and the
                    // width of the screen: they are all visible without scrolling.
                    right: Math.max(...rows.flat().map(c => c.getBoundingClientRect().right)),
                    left: Math.min(...rows.flat().map(c => c.getBoundingClientRect().left)),
                    width: document.documentElement.clientWidth,
                    development: rows.slice(1).filter(
                        r => r[2].querySelector('.wm-dev')).length,
                };
            }"""
        )
    finally:
        page.close()
    assert overview["headers"][:3] == ["Indicator", "p laatste meting", "Ontwikkeling"]
    assert overview["headers"][3:] == ["p nulmeting", "Thema"]
    assert overview["rows"] > 10 and overview["scrollLeft"] == 0
    assert overview["development"] == overview["rows"] - 1, overview
    assert 0 <= overview["left"] and overview["right"] <= overview["width"], overview


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_prints_on_a4_without_navigation(kind, demo, base_url, browser):
    page = _open(browser, base_url, demo, kind, {"width": A4_TEXT_WIDTH, "height": 1100})
    try:
        page.emulate_media(media="print")
        visible_navigation = [s for s in NAVIGATION if page.locator(s).first.is_visible()]
        footer_links = page.locator(".md-footer__inner a").count()
        footer_links_shown = page.locator(".md-footer__inner a:visible").count()
        widths = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        outside = page.evaluate(BOXES_OUTSIDE)
        # A table printed whole: no part of it hidden in a scroll box.
        cut = page.evaluate(
            """() => [...document.querySelectorAll('.md-typeset__scrollwrap')]
                .filter(w => w.scrollWidth > w.clientWidth + 1).length"""
        )
        notice = page.get_by_text("Synthetische gegevens", exact=False).first.is_visible()
        out = ARTIFACTS / "print"
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / f"{kind}.png"), full_page=True)
        pdf = page.pdf(format="A4", print_background=True)
        (out / f"{kind}.pdf").write_bytes(pdf)
    finally:
        page.close()
    assert visible_navigation == [] and footer_links_shown == 0, (
        visible_navigation,
        footer_links,
    )
    assert widths[0] <= widths[1], widths
    assert outside == [] and cut == 0, (outside, cut)
    if demo.monitor.synthetic:
        assert notice
    assert pdf.startswith(b"%PDF-")
    pages = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert pages, "no page in the PDF"
    # A4 in points: 595.28 × 841.89 (chromium rounds to whole pixels).
    assert all(abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5 for w, h in pages)
