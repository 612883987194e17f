"""Text from a monitor's files is text: markup, script and Markdown in titles, definitions,
notes and names are shown literally, on the pages, in charts and tooltips, in the
search index and in the downloads (issue 8)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import AREAS, INDICATOR, REGIONS, write_monitor
from wijkmonitor.core.output import write_csv
from wijkmonitor.website.build import build_site

PWN = "window.__pwned=1"
PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img": f'<img src=x onerror="{PWN}">',
    "svg": '"><svg onload=alert(3)>',
    "link": "[klik](javascript:alert(4))",
    "jinja": "{{ config }}{% raw %}",
    "breakout": f"</script><script>{PWN}</script>",
    "entity": "&lt;b&gt;",
    "bold": "**vet**",
    "attr": "{: onclick=alert(6) }",
    "title": "</title><script>alert(7)</script>",
}
ALL = " ".join(PAYLOADS.values())
# Markup that must never come out: a payload's tag or link made real.
RAW = re.compile(
    r"<script>alert|<script>window|<img src=x|<svg onload|href=\"?javascript:|<a [^>]*>klik<"
    r"|<strong>vet|<b>|onclick=alert\(6\) *>|<\\?/title><script",
    re.I,
)
OUTPUT_SUFFIXES = {".html", ".js", ".json", ".xml", ".csv"}


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def write_payload_monitor(root: Path) -> Path:
    """The small test monitor with a payload in every text field and name."""
    indicator = INDICATOR
    for key, value in {
        "title": f"Werkzoekenden {PAYLOADS['title']} {PAYLOADS['link']} {PAYLOADS['img']}",
        "definition": f"{PAYLOADS['script']} Definitie {PAYLOADS['bold']} {PAYLOADS['attr']}",
        "unit": f"% {PAYLOADS['img']}",
        "source": f"UWV {PAYLOADS['svg']} {PAYLOADS['jinja']}",
    }.items():
        indicator = re.sub(rf"^{key}: .*$", f"{key}: {_q(value)}", indicator, flags=re.M)
    indicator += f"notes: {_q('- Noot ' + PAYLOADS['breakout'] + ' ' + PAYLOADS['entity'])}\n"
    themes = (
        f"- id: werken\n  title: {_q('Werken ' + PAYLOADS['img'])}\n"
        f"  description: {_q('1. Omschrijving ' + PAYLOADS['link'] + ' ' + PAYLOADS['attr'])}\n"
    )
    csv_name = '"{}"'
    regions = (
        REGIONS.replace(
            "GM0001,Stad,", "GM0001," + csv_name.format(f"Stad {ALL}".replace('"', '""')) + ","
        )
        .replace("1001,Noord,", "1001," + csv_name.format(f"=Noord {PAYLOADS['breakout']}") + ",")
        .replace("1002,Zuid,", "1002," + csv_name.format(f"-Zuid {PAYLOADS['link']}") + ",")
    )
    areas = AREAS.replace("name: Noord-Zuid", f"name: {_q('Noord-Zuid ' + ALL)}")
    monitor = (
        f"title: {_q('Monitor ' + PAYLOADS['title'] + ' ' + PAYLOADS['img'])}\n"
        f"description: {_q('- Beschrijving ' + ALL)}\n"
    )
    return write_monitor(
        root,
        **{
            "monitor.yml": monitor,
            "indicators/themes.yml": themes,
            "indicators/werkzoekenden.yml": indicator,
            "data/regions.csv": regions,
            "areas.yml": areas,
        },
    )


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("payload")
    monitor = write_payload_monitor(root / "monitor")
    site = root / "site"
    build_site(monitor, site)
    yield site


def _outputs(site: Path) -> dict[str, str]:
    vendor = site / "assets"
    return {
        str(p.relative_to(site)): p.read_text(encoding="utf-8")
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.suffix in OUTPUT_SUFFIXES and vendor not in p.parents
    }


def test_no_payload_comes_out_as_markup(payload_site):
    outputs = _outputs(payload_site)
    assert len(outputs) > 15
    found = {(name, m.group(0)) for name, text in outputs.items() for m in RAW.finditer(text)}
    assert found == set()


def test_payloads_are_shown_as_text(payload_site):
    area = (payload_site / "wijk/noordzuid/index.html").read_text()
    # In the heading and the page title, escaped once (it reads as the name).
    assert "<h1" in area and "Noord-Zuid &#60;script&#62;alert(1)&#60;/script&#62;" in area
    assert "<title>Noord-Zuid &lt;script&gt;alert(1)&lt;/script&gt;" in area
    assert "&#91;klik&#93;(javascript:alert(4))" in area  # a Markdown link, not a link
    assert "&#42;&#42;vet&#42;&#42;" in area and "&#38;lt;b&#38;gt;" in area
    assert "&#123;&#123; config &#125;&#125;" in area  # no template tag
    indicator = (payload_site / "indicator/werkzoekenden/index.html").read_text()
    assert "&#60;script&#62;alert(1)&#60;/script&#62; Definitie" in indicator
    assert "&#45; Noot" in indicator  # a note that starts like a list item stays text
    home = (payload_site / "index.html").read_text()
    assert "&#45; Beschrijving" in home and "<li>Beschrijving" not in home
    theme = (payload_site / "thema/werken/index.html").read_text()
    assert "&#49;. Omschrijving" in theme and "<ol>" not in theme
    # The site name and the navigation: escaped once, also in attributes.
    assert 'aria-label="Monitor &lt;/title&gt;&lt;script&gt;alert(7)' in home
    assert "Werken &lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;" in theme


def test_chart_specs_cannot_end_their_script_element(payload_site):
    html = (payload_site / "wijk/noordzuid/index.html").read_text()
    specs = re.findall(r'<script type="application/json" class="wm-spec">(.*?)</script>', html)
    assert specs
    for spec in specs:
        assert "<" not in spec
        data = json.loads(spec)
        assert "</script><script>" in data["description"]  # the text itself, intact
    gemeente = (payload_site / "gemeente/GM0001/index.html").read_text()
    specs = [json.loads(s) for s in re.findall(r'class="wm-spec">(.*?)</script>', gemeente)]
    labels = [
        v["label"] for s in specs for v in s.get("data", {}).get("values", []) if "label" in v
    ]
    assert any(PAYLOADS["title"] in label for label in labels)


def test_downloads_keep_the_text_and_stay_inert(payload_site):
    indicators = json.loads((payload_site / "downloads/indicators.json").read_text())
    assert indicators[0]["title"].startswith("Werkzoekenden </title>")  # the data, unchanged
    # The YAML copy is the file as written (served as a .yml file, never as HTML).
    copy = payload_site / "definities/yaml/werkzoekenden.yml"
    assert copy.read_bytes().startswith(b"id: werkzoekenden")
    for name in ("results.csv", "changes.csv"):
        frame = pd.read_csv(payload_site / "downloads" / name, keep_default_na=False, dtype=str)
        cells = frame.to_numpy().ravel()
        # Region codes and ids only: names never go into the CSV files.
        assert not any("Noord" in c or "Zuid" in c for c in cells)


def test_csv_text_cells_cannot_start_a_formula(tmp_path):
    frame = pd.DataFrame(
        {
            "region": ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\tx", "Noord", "-"],
            "value": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0, 7.0],
        }
    )
    path = write_csv(frame, tmp_path / "x.csv")
    back = pd.read_csv(path, keep_default_na=False)
    assert list(back["region"]) == ['\'=HYPERLINK("x")', "'+1", "'-2+3", "'@SUM(A1)", "'\tx"] + [
        "Noord",
        "-",
    ]
    assert list(back["value"]) == [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0, 7.0]  # numbers stay numbers


@pytest.mark.browser
def test_no_script_runs_and_no_dialog_opens(payload_site):
    from tests.browsing import draw_every_chart, launch, serve

    pages = [
        "",
        "thema/",
        "thema/werken/",
        "wijk/",
        "wijk/noordzuid/",
        "gemeente/",
        "gemeente/GM0001/",
        "indicator/",
        "indicator/werkzoekenden/",
        "definities/",
        "begrippen/",
        "downloads/",
    ]
    events: list[str] = []
    tooltips_checked = False
    with serve(payload_site) as url, launch() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("dialog", lambda d: (events.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("console", lambda m: events.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: events.append(str(e)))
        try:
            for path in pages:
                page.goto(url + path, wait_until="networkidle")
                draw_every_chart(page)  # charts are drawn as they come into view
                # Hover the bars: vega-tooltip writes the tooltip as HTML.
                bars = page.locator(".wm-chart .mark-rect path")
                hovered = 0
                for i in range(min(bars.count(), 12)):
                    box = bars.nth(i).bounding_box()
                    if not box or box["width"] < 1 or box["height"] < 1:
                        continue  # a spine band of no width (all areas equal): nothing to hover
                    bars.nth(i).hover(force=True, timeout=2_000)
                    page.wait_for_timeout(30)
                    hovered += 1
                    if path == "gemeente/GM0001/" and hovered == 1:
                        tooltip = page.locator("#vg-tooltip-element")
                        assert "</title><script>alert(7)" in tooltip.inner_text()
                        assert "<script" not in tooltip.inner_html()
                        tooltips_checked = True
                assert hovered or not bars.count(), path
                assert page.evaluate("() => window.__pwned === undefined"), path
            # The search box renders results from the index as HTML.
            page.goto(url, wait_until="networkidle")
            page.keyboard.press("/")
            page.locator("input.md-search__input").fill("Noord")
            page.wait_for_timeout(800)
            assert page.evaluate("() => window.__pwned === undefined"), "search"
        finally:
            page.close()
    assert events == []
    assert tooltips_checked  # the payload reached a tooltip and stayed text
