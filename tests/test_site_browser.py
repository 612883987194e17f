"""The built demo site in a real browser (Debian's chromium through Playwright).

For one page of every type: the charts render, the console stays free of errors,
no request leaves 127.0.0.1, and a full-page screenshot goes to test-artifacts/.
Outside CI a missing chromium skips these tests; in CI (CI=true) it fails them.
"""

from __future__ import annotations

import re

import pytest

from tests.browsing import (
    ARTIFACTS,
    PAGE_TYPES,
    collect_errors,
    draw_every_chart,
    page_of_type,
)

pytestmark = pytest.mark.browser


WITH_CHARTS = {"thema", "wijk", "gemeente", "indicator", "indicator-ses"}
# Per table of the page's text: how many scroll boxes of Material's hold it.
TABLE_BOXES = """() => [...document.querySelectorAll('.md-typeset table')].map(t => {
  let n = 0;
  for (let el = t.parentElement; el; el = el.parentElement) {
    if (el.classList.contains('md-typeset__scrollwrap')) n++;
  }
  return t.parentElement.classList.contains('md-typeset__table') ? n : -1;
})"""


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_renders_offline_without_errors(kind, demo, base_url, browser):
    path = page_of_type(demo, kind)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    collect_errors(page, errors)
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(base_url + path, wait_until="networkidle")
        figures = page.locator("figure.wm-figure").count()
        if kind in WITH_CHARTS:
            assert figures > 0
        draw_every_chart(page)  # charts are drawn as they come into view
        drawn = page.locator(".wm-chart svg, .wm-chart canvas").count()
        assert drawn == figures
        if kind == "indicator-ses":
            # Dutch notation from the format locale: a decimal comma on the score axis.
            ticks = page.locator(".wm-chart svg text").all_text_contents()
            assert any(re.fullmatch(r"[\u2212-]?\d+,\d+", t) for t in ticks), ticks
            assert not any(re.fullmatch(r"[\u2212-]?\d+\.\d+", t) for t in ticks), ticks
        # Every table in Material's scroll box once, whether the page wrote the box
        # (markup.table) or Material's script made it (tables of hand-written pages).
        boxes = page.evaluate(TABLE_BOXES)
        assert all(b == 1 for b in boxes), boxes
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{kind}.png"), full_page=True)
    finally:
        page.close()
    assert errors == []
    assert requests and all(u.startswith(base_url) for u in requests), [
        u for u in requests if not u.startswith(base_url)
    ]
