// Render every chart on the page with vega-embed, which this site serves itself.
// The spec of each chart is inline JSON next to its container; numbers use Dutch
// notation (decimal comma, thousands dot) through the d3 format locale.
const LOCALE = __LOCALE__;

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
      formatLocale: LOCALE,
    })
    .catch((error) => console.error("wijkmonitor: chart failed", error));
}
