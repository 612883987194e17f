"""Maps in chromium (issue 12): the choropleth of the indicator page on the real wijken
of Utrecht (tests/test_maps.py's monitor) draws its regions from the site's own TopoJSON,
shows a tooltip on hover, opens a region's page on click, sends no request off the site,
and axe finds no serious or critical violation on the page."""

from __future__ import annotations

import pytest

from tests.browsing import draw_every_chart, launch, serve
from tests.test_accessibility import BLOCKING, DISABLED_RULES
from tests.test_maps import utrecht
from wijkmonitor.website.build import build_site

pytestmark = pytest.mark.browser

MAP = "figure.wm-figure:has(script.wm-spec:is(:not(:empty))) .wm-chart"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    root = utrecht(tmp_path_factory.mktemp("mapsite") / "utrecht")
    build_site(root, root.parent / "site")
    with serve(root.parent / "site") as url, launch() as browser:
        yield url, browser


def _map_paths(page) -> list[dict]:
    """The drawn region shapes of the page's map (vega's geoshape marks)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.wm-chart g.mark-shape path')].map(p => {
            const r = p.getBoundingClientRect();
            return {x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width, h: r.height};
        })"""
    )


def test_map_draws_hovers_and_links(site_url):
    url, browser = site_url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(url + "indicator/werkzoekenden/", wait_until="networkidle")
        draw_every_chart(page)
        page.wait_for_timeout(300)
        assert url + "kaart/focus_area.topojson" in requests
        paths = _map_paths(page)
        # Four focus areas of Utrecht, each one shape (Oost en Binnenstad dissolved).
        assert len(paths) == 4, paths
        assert all(p["w"] > 5 and p["h"] > 5 for p in paths)
        map_box = page.locator("g.mark-shape").first
        map_box.scroll_into_view_if_needed()
        paths = _map_paths(page)
        # Hover each shape until the tooltip names Overvecht, then click that one.
        target = None
        for p in paths:
            page.mouse.move(p["x"], p["y"])
            page.wait_for_timeout(200)
            tip = page.locator("#vg-tooltip-element")
            if tip.count() and tip.is_visible() and "Overvecht" in tip.inner_text():
                target = p
                text = tip.inner_text()
                break
        assert target is not None, "no tooltip named Overvecht"
        assert "6,9" in text and "9,6" in text  # value and reference
        page.mouse.click(target["x"], target["y"])
        page.wait_for_url("**/wijk/overvecht/", timeout=10_000)
        assert page.locator("h1").first.inner_text().startswith("Overvecht")
    finally:
        page.close()
    assert requests and all(u.startswith(url) for u in requests), [
        u for u in requests if not u.startswith(url)
    ]


def test_map_page_has_no_serious_axe_violation(site_url):
    from axe_playwright_python.sync_playwright import Axe

    url, browser = site_url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(url + "indicator/werkzoekenden/", wait_until="networkidle")
        draw_every_chart(page)
        page.wait_for_timeout(1_000)
        options = {
            "resultTypes": ["violations"],
            "rules": {rule: {"enabled": False} for rule in DISABLED_RULES},
        }
        violations = Axe().run(page, options=options).response["violations"]
    finally:
        page.close()
    blocking = [f"{v['id']} ({v['impact']})" for v in violations if v["impact"] in BLOCKING]
    assert blocking == []
