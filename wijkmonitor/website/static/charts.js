// Render every chart on the page with vega-embed, which this site serves itself.
// The spec of each chart is inline JSON next to its container; numbers use Dutch
// notation (decimal comma, thousands dot) through the d3 format locale.
const LOCALE = __LOCALE__;
// The Vega-Lite config shared by every chart (charts.py: chart_config), once per site.
const CONFIG = __CONFIG__;

for (const figure of document.querySelectorAll("figure.wm-figure")) {
  const target = figure.querySelector(".wm-chart");
  const source = figure.querySelector("script.wm-spec");
  if (!target || !source) continue;
  const spec = JSON.parse(source.textContent);
  window
    .vegaEmbed(target, spec, {
      actions: false,
      renderer: "svg",
      mode: "vega-lite",
      config: CONFIG,
      formatLocale: LOCALE,
    })
    .catch((error) => console.error("wijkmonitor: chart failed", error));
}

// Material's search box is a dialog without a name (axe: aria-dialog-name); its
// template has no setting for one, so it is named here.
for (const dialog of document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])')) {
  dialog.setAttribute("aria-label", "Zoeken");
}
