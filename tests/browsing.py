"""Shared by the browser tests: Debian's chromium through Playwright, and a built site
served on 127.0.0.1. Outside CI a missing chromium skips a test; in CI (CI=true) it
fails it."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import ROOT

if TYPE_CHECKING:
    from tests.sitebuild import BuiltSite

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


def chromium() -> Path:
    """Debian's chromium; skip (fail in CI) when it is missing."""
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


@contextmanager
def serve(
    directory: Path, handler_class: type[http.server.SimpleHTTPRequestHandler] = _Quiet
) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 with ``handler_class`` (quiet static files by
    default); yields the base URL (ending in /)."""
    handler = functools.partial(handler_class, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def launch() -> Iterator[object]:
    """A headless chromium (Playwright's Browser)."""
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# Every type of page the site has, as the keys of page_of_every_type.
PAGE_TYPES = [
    "home",
    "thema",
    "wijk",
    "gemeente",
    "indicator",
    "indicator-ses",
    "definities",
    "begrippen",
    "verantwoording",
    "downloads",
    "over",
    "indicator-toevoegen",
]


def page_of_every_type(demo: BuiltSite) -> dict[str, str | None]:
    """Path (under the site root) of one page of every type; None when the demo has none."""
    monitor = demo.monitor
    level = monitor.regions["level"]
    areas = sorted(monitor.regions.index[level == "focus_area"])
    with_areas = sorted(set(monitor.regions.loc[areas, "gemeente"]) - {""})
    ses = [i for i in monitor.indicators.values() if i.theme == "ses_woa"]
    pages = {
        "home": "",
        "thema": f"thema/{next(iter(monitor.themes))}/",
        "wijk": f"wijk/{areas[0]}/" if areas else None,
        "gemeente": f"gemeente/{with_areas[0]}/" if with_areas else None,
        "indicator": f"indicator/{next(iter(monitor.indicators))}/",
        "indicator-ses": f"indicator/{ses[0].id}/" if ses else None,
        "definities": "definities/",
        "begrippen": "begrippen/",
        "verantwoording": "verantwoording/",
        "downloads": "downloads/",
        "over": "over/" if (demo.site / "over" / "index.html").is_file() else None,
        "indicator-toevoegen": (
            "indicator-toevoegen/"
            if (demo.site / "indicator-toevoegen" / "index.html").is_file()
            else None
        ),
    }
    assert list(pages) == PAGE_TYPES  # one list of page types for every browser test
    return pages


def page_of_type(demo: BuiltSite, kind: str) -> str:
    """Path of the demo's page of ``kind`` (see page_of_every_type); the test is skipped
    when the demo has none."""
    path = page_of_every_type(demo)[kind]
    if path is None:
        pytest.skip(f"the demo monitor has no {kind} page")
    return path


def collect_errors(page: object, errors: list[str]) -> list[str]:
    """Append the page's console errors and uncaught exceptions to ``errors`` as they
    come; returns it."""
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def draw_every_chart(page: object, timeout_ms: int = 60_000) -> None:
    """Bring every chart into view once, then wait until all are drawn: charts below the
    fold may be drawn only when they come into view. Ends scrolled back to the top."""
    # The page in front: a page chromium takes for hidden draws no frames, and then
    # neither requestAnimationFrame nor the intersection observers fire (seen once in a
    # full run: the evaluate below waited for a frame for minutes).
    page.bring_to_front()
    page.evaluate(
        """async () => {
            const frame = () => new Promise(r => {
                requestAnimationFrame(() => r());
                setTimeout(r, 250);  // never wait for a frame that does not come
            });
            for (const el of document.querySelectorAll('.wm-chart')) {
                el.scrollIntoView({block: 'center'});
                // Two frames: intersection observers see where a frame was drawn.
                await frame();
                await frame();
            }
        }"""
    )
    # Any chart still not drawn is brought into view again, once a second: under load an
    # intersection observer may miss the one scroll above (seen once in a fresh clone's
    # full run: a phone page waited 60 s for a chart below the fold). A chart that is
    # never drawn while in view still fails here.
    deadline = time.monotonic() + timeout_ms / 1000
    while page.evaluate(SCROLL_TO_UNDRAWN):
        if time.monotonic() > deadline:
            state = page.evaluate(CHART_STATE)
            raise AssertionError(
                f"charts not drawn after {timeout_ms / 1000:.0f} s in view: {state}"
            )
        page.wait_for_timeout(1000)
    page.evaluate("() => window.scrollTo(0, 0)")


# The number of charts not drawn yet; the first of them scrolled into view.
SCROLL_TO_UNDRAWN = """() => {
    const undrawn = [...document.querySelectorAll('.wm-chart')]
        .filter(el => !el.querySelector('svg, canvas'));
    if (undrawn.length) undrawn[0].scrollIntoView({block: 'center'});
    return undrawn.length;
}"""


# What a failure to draw reports: the page's state as charts.js sees it.
CHART_STATE = """() => ({
    charts: document.querySelectorAll('.wm-chart').length,
    undrawn: [...document.querySelectorAll('.wm-chart')]
        .filter(el => !el.querySelector('svg, canvas')).map(el => el.id || el.className),
    visibility: document.visibilityState,
    vegaEmbed: typeof window.vegaEmbed, vega: typeof window.vega,
    firstChart: performance.getEntriesByName('wm-first-chart').length,
})"""


# Boxes (left and right edge, in CSS px of the viewport) of what must lie inside the
# viewport's width: the document itself, every chart and every table's scroll box.
BOXES_OUTSIDE = """() => {
    const width = document.documentElement.clientWidth;
    const outside = [];
    const selector = '.wm-chart, .wm-chart svg, .wm-chart canvas, .md-typeset__scrollwrap';
    for (const el of document.querySelectorAll(selector)) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;  // not displayed (print)
        if (r.left < -0.5 || r.right > width + 0.5) {
            const name = el.tagName.toLowerCase() + '.' + (el.getAttribute('class') || '');
            outside.push(`${name} at ${Math.round(r.left)}..${Math.round(r.right)}`);
        }
    }
    return outside;
}"""
