"""The built demo site in a real browser (Debian's chromium through Playwright).

For one page of every type: the charts render, the console stays free of errors,
no request leaves 127.0.0.1, and a full-page screenshot goes to test-artifacts/.
Outside CI a missing chromium skips these tests; in CI (CI=true) it fails them.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.sitebuild import BuiltSite, demo_site

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
ALL_CHARTS_DRAWN = """() => [...document.querySelectorAll('.wm-chart')]
    .every(el => el.querySelector('svg, canvas'))"""


def _chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    found = shutil.which("chromium")
    if found:
        return Path(found)
    message = "Debian's chromium is missing (apt-get install chromium; `make chromium`)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> BuiltSite:
    return demo_site(tmp_path_factory)


@pytest.fixture(scope="module")
def base_url(demo: BuiltSite) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(demo.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page_of_every_type(demo: BuiltSite) -> dict[str, str | None]:
    monitor = demo.monitor
    level = monitor.regions["level"]
    areas = sorted(monitor.regions.index[level == "focus_area"])
    with_areas = sorted(set(monitor.regions.loc[areas, "gemeente"]) - {""})
    ses = [i for i in monitor.indicators.values() if i.theme == "ses_woa"]
    return {
        "home": "",
        "thema": f"thema/{next(iter(monitor.themes))}/",
        "wijk": f"wijk/{areas[0]}/" if areas else None,
        "gemeente": f"gemeente/{with_areas[0]}/" if with_areas else None,
        "indicator": f"indicator/{next(iter(monitor.indicators))}/",
        "indicator-ses": f"indicator/{ses[0].id}/" if ses else None,
        "definities": "definities/",
        "downloads": "downloads/",
    }


PAGE_TYPES = [
    "home",
    "thema",
    "wijk",
    "gemeente",
    "indicator",
    "indicator-ses",
    "definities",
    "downloads",
]
WITH_CHARTS = {"thema", "wijk", "gemeente", "indicator", "indicator-ses"}


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_renders_offline_without_errors(kind, demo, base_url, browser):
    path = _page_of_every_type(demo)[kind]
    if path is None:
        pytest.skip(f"the demo monitor has no {kind} page")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(base_url + path, wait_until="networkidle")
        figures = page.locator("figure.wm-figure").count()
        if kind in WITH_CHARTS:
            assert figures > 0
        page.wait_for_function(ALL_CHARTS_DRAWN, timeout=30_000)
        drawn = page.locator(".wm-chart svg, .wm-chart canvas").count()
        assert drawn == figures
        if kind == "indicator-ses":
            # Dutch notation from the format locale: a decimal comma on the score axis.
            ticks = page.locator(".wm-chart svg text").all_text_contents()
            assert any(re.fullmatch(r"[\u2212-]?\d+,\d+", t) for t in ticks), ticks
            assert not any(re.fullmatch(r"[\u2212-]?\d+\.\d+", t) for t in ticks), ticks
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{kind}.png"), full_page=True)
    finally:
        page.close()
    assert errors == []
    assert requests and all(u.startswith(base_url) for u in requests), [
        u for u in requests if not u.startswith(base_url)
    ]
