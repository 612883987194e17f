"""charts.js draws a chart in several tasks (Vega-Lite compiled in one, vega-embed's
parse in the next, then the dataflow and the SVG, with turns for the browser between);
the chart must come out exactly as vega-embed draws it in one go.

On the demo's pages with charts, in chromium at 390 px: every chart the page drew is
compared, byte for byte (the container's HTML, the SVG included), with the same spec
drawn beside it by a plain ``vegaEmbed`` call with the options charts.js had before it
drew in steps. The bundle must expose Vega and Vega-Lite (assets.py), or charts.js
falls back to one task per chart.
"""

from __future__ import annotations

import json

import pytest

from tests.browsing import collect_errors, draw_every_chart, page_of_type
from wijkmonitor.website.charts import chart_config
from wijkmonitor.website.numbers import D3_LOCALE

pytestmark = pytest.mark.browser

# Draws each chart's spec again with vega-embed alone, into a copy of the chart's
# container as the page was served (so of the same width and attributes), placed beside
# the drawn one, and returns both containers' HTML.
DRAW_PLAIN = """async ([config, locale]) => {
  const served = new DOMParser().parseFromString(
    await (await fetch(location.href)).text(), "text/html");
  const originals = [...served.querySelectorAll("figure.wm-figure .wm-chart")];
  const pairs = [];
  const figures = [...document.querySelectorAll("figure.wm-figure")];
  for (const [i, figure] of figures.entries()) {
    const drawn = figure.querySelector(".wm-chart");
    const spec = JSON.parse(figure.querySelector("script.wm-spec").textContent);
    const plain = document.importNode(originals[i], false);
    drawn.after(plain);
    await window.vegaEmbed(plain, spec, {
      actions: false, renderer: "svg", mode: "vega-lite", config, formatLocale: locale,
    });
    pairs.push([drawn.outerHTML, plain.outerHTML]);
    plain.remove();
  }
  return pairs;
}"""


@pytest.mark.parametrize("kind", ["thema", "gemeente", "indicator", "indicator-ses"])
def test_chart_drawn_in_steps_is_vega_embeds_chart(kind, demo, base_url, browser):
    path = page_of_type(demo, kind)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    errors: list[str] = []
    collect_errors(page, errors)
    try:
        page.goto(base_url + path, wait_until="load")
        draw_every_chart(page)
        exposed = page.evaluate("() => [typeof window.vega?.View, typeof window.vegaLite?.compile]")
        assert exposed == ["function", "function"]  # so charts.js drew in steps
        config = json.loads(json.dumps(chart_config()))
        pairs = page.evaluate(DRAW_PLAIN, [config, D3_LOCALE])
    finally:
        page.close()
    assert pairs
    for stepped, plain in pairs:
        assert "<svg" in stepped
        assert stepped == plain
    assert errors == []


# Counts the turns charts.js gives the browser (it yields with scheduler.yield).
COUNT_TURNS = """
window.__wmTurns = 0;
const wmYield = globalThis.scheduler?.yield?.bind(globalThis.scheduler);
if (wmYield) globalThis.scheduler.yield = () => { window.__wmTurns++; return wmYield(); };
"""


def test_chart_drawn_in_slices_on_a_slow_phone_is_vega_embeds_chart(demo, base_url, browser):
    """With the CPU slowed down 20 times a chart's dataflow outlasts charts.js' slice
    (SLICE_MS), so it runs in slices with turns for the browser between operators: the
    charts must still be vega-embed's, byte for byte."""
    path = page_of_type(demo, "gemeente")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.add_init_script(COUNT_TURNS)
    errors: list[str] = []
    collect_errors(page, errors)
    cdp = context.new_cdp_session(page)
    try:
        page.goto(base_url + path, wait_until="load")
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 20})
        draw_every_chart(page, timeout_ms=120_000)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        turns = page.evaluate("() => window.__wmTurns")
        charts = page.locator(".wm-chart").count()
        config = json.loads(json.dumps(chart_config()))
        pairs = page.evaluate(DRAW_PLAIN, [config, D3_LOCALE])
    finally:
        context.close()
    # Unsliced, a chart takes at most 5 turns (after the compile, the view, the dataflow,
    # the SVG, and before the next chart) and the bundle one: more means slices (9
    # charts: 39 turns without slices, 75 with).
    assert turns > 5 * charts + 1, (turns, charts)
    assert len(pairs) == charts
    for stepped, plain in pairs:
        assert "<svg" in stepped
        assert stepped == plain
    assert errors == []
