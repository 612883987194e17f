"""Accessibility of the built demo site: axe-core in chromium on one page of every type.

No serious or critical violation is allowed. The axe results of every page are saved
to test-artifacts/axe/<type>.json and a summary (violations by impact per page type)
to test-artifacts/axe/summary.txt, which is also printed (``pytest -s``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.browsing import ARTIFACTS, PAGE_TYPES, draw_every_chart, page_of_type

pytestmark = pytest.mark.browser

IMPACTS = ("critical", "serious", "moderate", "minor")
BLOCKING = {"critical", "serious"}
# Rules switched off, each with the reason it is outside our control. None so far.
DISABLED_RULES: dict[str, str] = {}
AXE_DIR = ARTIFACTS / "axe"


@pytest.fixture(scope="module")
def summary() -> Iterator[dict[str, dict[str, int]]]:
    counts: dict[str, dict[str, int]] = {}
    yield counts
    if not counts:
        return
    lines = [f"{'page type':<22}" + "".join(f"{i:>10}" for i in IMPACTS)]
    lines += [
        f"{kind:<22}" + "".join(f"{by_impact.get(i, 0):>10}" for i in IMPACTS)
        for kind, by_impact in counts.items()
    ]
    text = "axe-core violations (rules violated) by impact\n" + "\n".join(lines) + "\n"
    AXE_DIR.mkdir(parents=True, exist_ok=True)
    (AXE_DIR / "summary.txt").write_text(text, encoding="utf-8")
    print("\n" + text)


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_no_serious_or_critical_axe_violation(kind, demo, base_url, browser, summary):
    from axe_playwright_python.sync_playwright import Axe

    path = page_of_type(demo, kind)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(base_url + path, wait_until="networkidle")
        draw_every_chart(page)  # charts are drawn as they come into view
        # After the scroll back to the top Material's tabs fade in again: axe would read
        # their colours half-way.
        page.wait_for_timeout(1_000)
        options = {
            "resultTypes": ["violations"],
            "rules": {rule: {"enabled": False} for rule in DISABLED_RULES},
        }
        results = Axe().run(page, options=options).response
    finally:
        page.close()
    AXE_DIR.mkdir(parents=True, exist_ok=True)
    (AXE_DIR / f"{kind}.json").write_text(
        json.dumps(results["violations"], indent=2, ensure_ascii=False), encoding="utf-8"
    )
    violations = results["violations"]
    by_impact: dict[str, int] = {}
    for v in violations:
        by_impact[v["impact"]] = by_impact.get(v["impact"], 0) + 1
    summary[kind] = by_impact
    blocking = [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}x): {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
        for v in violations
        if v["impact"] in BLOCKING
    ]
    assert blocking == []
