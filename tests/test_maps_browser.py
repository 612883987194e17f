"""Maps in chromium (issue 12): on the real wijken and buurten of Utrecht
(tests/test_maps.py's monitor) the choropleth of the indicator page, the home page's map
of the focus areas and a wijk page's map of its buurten draw their regions from the
site's own TopoJSON, show a tooltip on hover, open a region's page on click and send no
request off the site; axe finds no serious or critical violation on the indicator page."""

from __future__ import annotations

import pytest

from tests.browsing import draw_every_chart, launch, serve
from tests.test_accessibility import BLOCKING, DISABLED_RULES
from tests.test_maps import utrecht_with_buurten
from wijkmonitor.website.build import build_site

pytestmark = pytest.mark.browser

MAP = "figure.wm-figure:has(script.wm-spec:is(:not(:empty))) .wm-chart"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    root = utrecht_with_buurten(tmp_path_factory.mktemp("mapsite") / "utrecht")
    build_site(root, root.parent / "site")
    with serve(root.parent / "site") as url, launch() as browser:
        yield url, browser


def _map_paths(page, caption: str = "") -> list[dict]:
    """The drawn region shapes of the page's maps, or of those whose caption contains
    ``caption`` (vega's geoshape marks)."""
    return page.evaluate(
        """(caption) => [...document.querySelectorAll('figure.wm-figure')]
            .filter(f => (f.querySelector('figcaption')?.textContent || '').includes(caption))
            .flatMap(f => [...f.querySelectorAll('.wm-chart g.mark-shape path')])
            .map(p => {
                const r = p.getBoundingClientRect();
                return {x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width, h: r.height};
            })""",
        caption,
    )


def _hover_until(page, paths: list[dict], name: str) -> tuple[dict, str]:
    """Hover each shape until the tooltip names ``name``: that shape and the tooltip."""
    for p in paths:
        page.mouse.move(p["x"], p["y"])
        page.wait_for_timeout(150)
        tip = page.locator("#vg-tooltip-element")
        if tip.count() and tip.is_visible() and name in tip.inner_text():
            return p, tip.inner_text()
    raise AssertionError(f"no tooltip named {name}")


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
        target, text = _hover_until(page, paths, "Overvecht")
        assert "6,9" in text and "9,6" in text  # value and reference
        page.mouse.click(target["x"], target["y"])
        page.wait_for_url("**/wijk/overvecht/", timeout=10_000)
        assert page.locator("h1").first.inner_text().startswith("Overvecht")
    finally:
        page.close()
    assert requests and all(u.startswith(url) for u in requests), [
        u for u in requests if not u.startswith(url)
    ]


def test_home_map_draws_the_areas_and_opens_their_pages(site_url):
    url, browser = site_url
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(url, wait_until="networkidle")
        draw_every_chart(page)
        page.locator("g.mark-shape").first.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        assert url + "kaart/focus_area.topojson" in requests
        paths = _map_paths(page)
        assert len(paths) == 4 and all(p["w"] > 5 and p["h"] > 5 for p in paths), paths
        target, text = _hover_until(page, paths, "West")
        assert text.strip() == "West"  # the name only: the home map shows no figures
        page.mouse.click(target["x"], target["y"])
        page.wait_for_url("**/wijk/west/", timeout=10_000)
    finally:
        page.close()
    assert all(u.startswith(url) for u in requests), requests


def test_wijk_page_maps_its_buurten(site_url):
    url, browser = site_url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(url + "wijk/WK034403/", wait_until="networkidle")
        draw_every_chart(page)
        caption = "Kaart van de 10 buurten van Overvecht"
        page.locator("figure.wm-figure", has_text=caption).scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        paths = _map_paths(page, caption)
        # Overvecht's ten buurten; the locator map above draws Utrecht's ten wijken.
        assert len(paths) == 10 and all(p["w"] > 2 and p["h"] > 2 for p in paths), paths
        assert len(_map_paths(page)) == 20
        # (The centre of a shape's box may lie outside it: a buurt that has it inside.)
        target, text = _hover_until(page, paths, "Tigrisdreef en omgeving")
        assert "11,0" in text and "9,6" in text and "+14,7" in text  # value, Utrecht, p
        page.mouse.click(target["x"], target["y"])
        page.wait_for_url("**/buurt/BU03440342/", timeout=10_000)
        assert page.locator("h1").first.inner_text().startswith("Tigrisdreef en omgeving")
    finally:
        page.close()


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
