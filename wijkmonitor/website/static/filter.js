// Filter boxes of the lists of wijken, buurten and postcode areas (page_levels.py).
// Plain JavaScript, no library, nothing fetched: typing narrows the table below the box
// to the rows whose text contains what was typed (case and accents ignored), and the
// count "n van N" (aria-live) tells a screen reader how many remain. Without JavaScript
// the whole list shows and the box does nothing.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function wire(box) {
    if (box.dataset.wired) return;
    box.dataset.wired = "1";
    var id = box.getAttribute("data-filter-list");
    var input = box.querySelector("input");
    var count = document.getElementById(id + "-count");
    var list = document.getElementById(id);
    if (!input || !list) return;
    var rows = Array.prototype.slice.call(list.querySelectorAll("tbody tr"));
    var keys = rows.map(function (row) { return fold(row.textContent); });
    var timer = null;
    function apply() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var hit = words.every(function (w) { return keys[i].indexOf(w) !== -1; });
        rows[i].hidden = !hit;
        if (hit) shown++;
      }
      if (count) count.textContent = shown + " van " + rows.length;
    }
    input.addEventListener("input", function () {
      // One pass per pause in typing keeps a list of thousands responsive.
      clearTimeout(timer);
      timer = setTimeout(apply, rows.length > 2000 ? 120 : 0);
    });
  }
  function wireAll() {
    document.querySelectorAll("[data-filter-list]").forEach(wire);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wireAll);
  } else {
    wireAll();
  }
  // mkdocs-material's instant navigation swaps pages without a reload.
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(wireAll);
})();
