"""The built demo site on a mid-range phone on 4G, measured in chromium.

Per page type, first visit (empty cache), 390 × 844 px, CPU slowed 4 times (CDP
``Emulation.setCPUThrottlingRate``), 2 MB/s down and 150 ms latency
(``Network.emulateNetworkConditions``):

- first paint: the browser's ``first-contentful-paint``;
- first chart: the ``wm-first-chart`` mark charts.js sets when it has drawn a chart
  ("-" when no chart is near the first screen: charts are drawn as they come into view);
- blocking time: the sum over long tasks (PerformanceObserver ``longtask``) of their
  duration beyond 50 ms, from navigation until 3 s after the load event with no long
  task and no request;
- scroll: then, still slowed down, from scrolling the first chart not drawn yet into view
  until it is drawn;
- bytes: the sum of every response's transferred size (headers included).

The figures are printed (``pytest -s``) and written to test-artifacts/phone_speed.txt;
they depend on the machine, so they are never asserted. What is asserted is correctness:
every chart is drawn once scrolled into view, only pages with charts fetch the Vega
bundle, and nothing is requested from outside 127.0.0.1.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.browsing import ARTIFACTS, PAGE_TYPES, collect_errors, page_of_type

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844
CPU_SLOWDOWN = 4
DOWN_BYTES_PER_S = 2_000_000
UP_BYTES_PER_S = 750_000
LATENCY_MS = 150
QUIET_MS = 3_000
MAX_WAIT_S = 90
VEGA_BUNDLE = "assets/wijkmonitor/vega.js"

# Runs before any script of the page: long tasks and a clock for the page's own marks.
OBSERVE = """
window.__wmLongTasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__wmLongTasks.push([e.startTime, e.duration]);
}).observe({type: "longtask", buffered: true});
"""

READ_TIMINGS = """() => {
  const mark = performance.getEntriesByName("wm-first-chart")[0];
  const fcp = performance.getEntriesByName("first-contentful-paint")[0];
  const nav = performance.getEntriesByType("navigation")[0];
  return {
    firstChart: mark ? mark.startTime : null,
    fcp: fcp ? fcp.startTime : null,
    load: nav ? nav.loadEventStart : null,
    longTasks: window.__wmLongTasks,
    now: performance.now(),
  };
}"""


# Still slowed down: scroll the first chart not drawn yet into view and time until it is
# drawn (null when every chart is drawn already).
SCROLL_TO_CHART = """async () => {
  const target = [...document.querySelectorAll(".wm-figure .wm-chart")]
    .find(el => !el.querySelector("svg, canvas"));
  if (!target) return null;
  const start = performance.now();
  target.scrollIntoView({block: "center"});
  while (!target.querySelector("svg, canvas")) {
    if (performance.now() - start > 60000) return -1;
    // A frame, or a quarter second if none comes (a stalled page must not hang the run).
    await new Promise(r => { requestAnimationFrame(() => r()); setTimeout(r, 250); });
  }
  return performance.now() - start;
}"""


@dataclass
class Figures:
    kind: str
    charts: int
    fcp_ms: float | None
    first_chart_ms: float | None
    blocking_ms: float
    long_tasks: int
    load_ms: float | None
    scroll_ms: float | None
    kilobytes: float
    requests: int

    def row(self) -> str:
        def ms(v: float | None) -> str:
            return "-" if v is None else f"{v / 1000:.1f}"

        return (
            f"{self.kind:<20}{self.charts:>7}{ms(self.fcp_ms):>8}{ms(self.first_chart_ms):>8}"
            f"{self.blocking_ms:>10.0f}{self.long_tasks:>6}{ms(self.load_ms):>8}"
            f"{ms(self.scroll_ms):>10}"
            f"{self.kilobytes:>9.0f}{self.requests:>6}"
        )


HEADER = (
    f"{'page type':<20}{'charts':>7}{'FCP s':>8}{'chart s':>8}"
    f"{'TBT ms':>10}{'long':>6}{'load s':>8}{'scroll s':>10}{'kB':>9}{'req':>6}"
)


@pytest.fixture(scope="module")
def table() -> Iterator[dict[str, Figures]]:
    rows: dict[str, Figures] = {}
    yield rows
    if not rows:
        return
    text = (
        f"First visit at {WIDTH} px, CPU / {CPU_SLOWDOWN}, {DOWN_BYTES_PER_S / 1e6:g} MB/s, "
        f"{LATENCY_MS} ms (FCP: first contentful paint; chart: first chart drawn; "
        "TBT: total blocking time; long: long tasks; scroll: from scrolling the first chart "
        "not drawn yet into view until it is drawn; kB transferred; req: requests)\n"
        + HEADER
        + "\n"
        + "\n".join(rows[k].row() for k in PAGE_TYPES if k in rows)
        + "\n"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "phone_speed.txt").write_text(text, encoding="utf-8")
    print("\n" + text)


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_on_a_phone(kind, demo, base_url, browser, table):
    path = page_of_type(demo, kind)
    # A fresh context per page: an empty cache, as on a first visit.
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    page.add_init_script(OBSERVE)
    cdp = context.new_cdp_session(page)
    # Playwright's request events include the page's workers (the search worker), whose
    # requests the page's CDP session never sees finish.
    requests: list = []
    in_flight: set = set()
    last_activity = [time.monotonic()]
    errors: list[str] = []

    def started(request) -> None:
        requests.append(request)
        in_flight.add(request)
        last_activity[0] = time.monotonic()

    def ended(request) -> None:
        in_flight.discard(request)
        last_activity[0] = time.monotonic()

    def failed(request) -> None:
        ended(request)
        errors.append(f"request failed: {request.url}: {request.failure}")

    page.on("request", started)
    page.on("requestfinished", ended)
    page.on("requestfailed", failed)
    collect_errors(page, errors)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": LATENCY_MS,
            "downloadThroughput": DOWN_BYTES_PER_S,
            "uploadThroughput": UP_BYTES_PER_S,
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    try:
        page.goto(base_url + path, wait_until="load", timeout=MAX_WAIT_S * 1000)
        # Until QUIET_MS pass with no new long task and no request in flight.
        deadline = time.monotonic() + MAX_WAIT_S
        while time.monotonic() < deadline:
            page.wait_for_timeout(500)
            t = page.evaluate(READ_TIMINGS)
            last_task = max((s + d for s, d in t["longTasks"]), default=0.0)
            quiet_tasks = t["now"] - last_task >= QUIET_MS
            quiet_net = not in_flight and time.monotonic() - last_activity[0] >= QUIET_MS / 1000
            if quiet_tasks and quiet_net:
                break
        t = page.evaluate(READ_TIMINGS)
        sizes = [r.sizes() for r in requests if r.url.startswith(base_url) and r not in in_flight]
        charts = page.locator("figure.wm-figure .wm-chart").count()
        scroll_ms = page.evaluate(SCROLL_TO_CHART)
        table[kind] = Figures(
            kind=kind,
            charts=charts,
            fcp_ms=t["fcp"],
            first_chart_ms=t["firstChart"],
            blocking_ms=sum(max(0.0, d - 50) for _, d in t["longTasks"]),
            long_tasks=len(t["longTasks"]),
            load_ms=t["load"],
            scroll_ms=scroll_ms,
            kilobytes=sum(z["responseBodySize"] + z["responseHeadersSize"] for z in sizes) / 1000,
            requests=len(requests),
        )

        # Correctness, at full speed: every chart is drawn once it has been in view.
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
        targets = page.locator("figure.wm-figure .wm-chart")
        for i in range(charts):
            targets.nth(i).scroll_into_view_if_needed()
            targets.nth(i).locator("svg, canvas").first.wait_for(timeout=30_000)
        drawn = page.locator("figure.wm-figure .wm-chart").filter(has=page.locator("svg, canvas"))
        assert drawn.count() == charts
        marks = page.evaluate("() => performance.getEntriesByName('wm-first-chart').length")
        assert marks == (1 if charts else 0)  # charts.js marks its first chart, once
    finally:
        context.close()
    assert errors == []
    urls = [r.url for r in requests]
    outside = [u for u in urls if not u.startswith(base_url) and not u.startswith("data:")]
    assert outside == []
    # A page loads only what it uses: the Vega bundle only where there is a chart.
    fetched_vega = any(u.split("?")[0].endswith(VEGA_BUNDLE) for u in urls)
    assert fetched_vega == (charts > 0), (kind, charts, fetched_vega)
