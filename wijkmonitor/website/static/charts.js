// Draw the charts of the page with vega-embed, which this site serves itself.
//
// The spec of each chart is inline JSON next to its container; numbers use Dutch
// notation (decimal comma, thousands dot) through the d3 format locale. A phone must
// answer a tap at once, so the page never waits for the charts:
// - the Vega bundle (0.9 MB) is imported only by a page that has a chart, after the page
//   is on screen (this script is a module: it runs after the document is parsed);
// - a chart is drawn when it comes near the viewport, one chart at a time, and each
//   chart in four tasks with a turn for the browser in between (Vega-Lite compiles it
//   to Vega; vega-embed parses it and makes the view; the dataflow, itself in slices
//   of about 30 ms; the SVG), so drawing never piles up into one long task;
// - printing draws every chart (a printed page has no viewport to scroll).
// The table under every chart is in the page itself, drawn or not.
const LOCALE = __LOCALE__;
// The Vega-Lite config shared by every chart (charts.py: chart_config), once per site.
const CONFIG = __CONFIG__;
// The bundle's file, beside this script (assets.py).
const BUNDLE = new URL(__BUNDLE__, import.meta.url).href;
// Start drawing a chart about one phone screen before it scrolls into view, so a reader
// who scrolls rarely meets an empty frame.
const NEAR = "900px 0px";
const OPTIONS = {
  actions: false,
  renderer: "svg",
  mode: "vega-lite",
  config: CONFIG,
  formatLocale: LOCALE,
  // Set once the bundle has run (steppedView).
  viewClass: undefined,
};
// For a chart compiled to Vega here: what vega-embed does in "vega-lite" mode (the
// config went into the compile; no hover, which vega-embed sets only for Vega specs).
const VEGA_OPTIONS = { ...OPTIONS, mode: "vega", config: undefined, hover: false };

const targets = []; // chart containers in document order
const specs = new Map(); // container -> its spec element, until the chart is drawn
for (const figure of document.querySelectorAll("figure.wm-figure")) {
  const target = figure.querySelector(".wm-chart");
  const source = figure.querySelector("script.wm-spec");
  if (!target || !source) continue;
  targets.push(target);
  specs.set(target, source);
}

// Give the browser a turn (input, paint) before going on.
function yieldToBrowser() {
  if (globalThis.scheduler?.yield) return globalThis.scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

// A slice of work between turns for the browser: a task over 50 ms blocks a tap.
const SLICE_MS = 30;

// Vega's dataflow runs its operators one after another in one task, but awaits an
// operator whose run returns a promise. While `work` runs, an operator due after
// SLICE_MS of work gets a run that first gives the browser a turn. (_heap is Vega's
// queue of operators; an operator loading data from a URL, whose run hands Vega an
// `async` callback instead of a promise, is left alone: the charts' data are inline.)
async function slicedDataflow(view, vega, work) {
  const heap = view._heap;
  const pop = heap.pop;
  const delayed = [];
  const Load = vega.transforms?.load;
  let start = performance.now();
  heap.pop = function () {
    const op = pop.apply(this, arguments);
    if (op && performance.now() - start > SLICE_MS && !(Load && op instanceof Load)) {
      const run = op.run;
      const restore = Object.hasOwn(op, "run") ? () => (op.run = run) : () => delete op.run;
      delayed.push(restore);
      op.run = function (pulse) {
        restore();
        return yieldToBrowser().then(() => {
          start = performance.now();
          return run.call(op, pulse);
        });
      };
      start = Infinity; // one turn per slice
    }
    return op;
  };
  try {
    return await work();
  } finally {
    heap.pop = pop;
    for (const restore of delayed) restore();
  }
}

// Vega's View, drawing in steps: vega-embed parses the spec, makes the view and runs it
// (runAsync) in one task, and a run computes the dataflow (data, scales, layout) and
// then draws the SVG. This view's first run yields first, runs the dataflow with the
// renderer set aside and in slices (slicedDataflow), yields again and only then draws.
// Later runs (hover, resize) are Vega's own. (_renderer and _redraw are Vega's: the
// bundle holds one pinned Vega, and tests/test_chart_steps.py compares every chart with
// vega-embed's own drawing.)
function steppedView(vega) {
  return class SteppedView extends vega.View {
    async runAsync(...args) {
      if (this.wmStepped) return super.runAsync(...args);
      this.wmStepped = true;
      await yieldToBrowser();
      const renderer = this._renderer;
      this._renderer = null;
      try {
        await slicedDataflow(this, vega, () => super.runAsync(...args));
      } finally {
        this._renderer = renderer;
      }
      await yieldToBrowser();
      this._redraw = true;
      return super.runAsync(...args);
    }
  };
}

let bundle = null;
function loadBundle() {
  // The bundle is an ES module that sets window.vegaEmbed, window.vega and
  // window.vegaLite (assets.py; a bundle without the last two draws in one task).
  bundle ??= import(BUNDLE).then(() => {
    if (window.vega?.View) OPTIONS.viewClass = VEGA_OPTIONS.viewClass = steppedView(window.vega);
  });
  return bundle;
}

let drawnOne = false;
// Draw one chart; resolves when it is drawn (or failed, which is logged).
async function draw(target) {
  const source = specs.get(target);
  if (!source) return;
  specs.delete(target);
  waiting.delete(target);
  observer?.unobserve(target);
  try {
    const spec = JSON.parse(source.textContent);
    if (window.vegaLite?.compile) {
      // Compiling is the longest step on a first chart: a task of its own.
      const vega = window.vegaLite.compile(spec, { config: CONFIG }).spec;
      await yieldToBrowser();
      await window.vegaEmbed(target, vega, VEGA_OPTIONS);
    } else {
      await window.vegaEmbed(target, spec, OPTIONS);
    }
    if (!drawnOne) {
      drawnOne = true;
      performance.mark("wm-first-chart"); // read by tests/test_phone_speed.py
    }
  } catch (error) {
    console.error("wijkmonitor: chart failed", error);
  }
}

// Containers that have come near the viewport and are not drawn yet. A chart once near
// stays here when the reader scrolls on (it is drawn later), but those near now go first.
const waiting = new Set();
const near = new Set(); // containers near the viewport now
let working = false;
async function drawWaiting() {
  if (working) return;
  working = true;
  try {
    await loadBundle();
    await yieldToBrowser(); // running the bundle was a task of its own
    while (waiting.size) {
      // In document order, those near the viewport first: the reader sees the screen
      // fill from the top.
      const next =
        targets.find((t) => waiting.has(t) && near.has(t)) ?? targets.find((t) => waiting.has(t));
      await draw(next);
      await yieldToBrowser();
    }
  } catch (error) {
    console.error("wijkmonitor: charts failed", error);
  } finally {
    working = false;
  }
}

// Every chart not drawn yet, at once (for print, where there is no time to yield).
async function drawAll() {
  await loadBundle();
  await Promise.all([...specs.keys()].map(draw));
}

const observer =
  targets.length && "IntersectionObserver" in window
    ? new IntersectionObserver(
        (entries) => {
          for (const entry of entries) {
            if (entry.isIntersecting) {
              near.add(entry.target);
              if (specs.has(entry.target)) waiting.add(entry.target);
            } else near.delete(entry.target);
          }
          drawWaiting();
        },
        { rootMargin: NEAR },
      )
    : null;

if (targets.length) {
  loadBundle().catch((error) => console.error("wijkmonitor: charts failed", error));
  const print = window.matchMedia("print");
  if (print.matches) {
    drawAll(); // opened for printing (a PDF renderer that emulates print)
  } else if (observer) {
    for (const target of targets) observer.observe(target);
  } else {
    for (const target of targets) waiting.add(target);
    drawWaiting();
  }
  print.addEventListener("change", (event) => event.matches && drawAll());
  window.addEventListener("beforeprint", drawAll);
}
// For whoever prints or saves the page (a PDF renderer): draw every chart, then resolve.
window.wijkmonitorCharts = { drawAll };

// Material's search box is a dialog without a name (axe: aria-dialog-name); its
// template has no setting for one, so it is named here.
for (const dialog of document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])')) {
  dialog.setAttribute("aria-label", "Zoeken");
}
