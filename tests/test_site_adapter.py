"""The mkdocs adapter knows no page types: pages carry their hints in their front matter
(``search``, ``nav``, ``hide``), and the adapter follows those, never a page's path."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from wijkmonitor.core.compute import compute_results
from wijkmonitor.website.assets import theme_overrides
from wijkmonitor.website.generate import navigation, plan
from wijkmonitor.website.markup import Page, with_front_matter
from wijkmonitor.website.mkdocs_build import (
    front_matter,
    merged_config,
    run_build,
    search_text,
)
from wijkmonitor.website.page_frame import SYNTHETIC_NOTICE

ADAPTER = Path(__file__).parent.parent / "wijkmonitor" / "website" / "mkdocs_build.py"
SIDEBAR = re.compile(r'<div class="md-sidebar md-sidebar--(primary|secondary)"[^>]*?( hidden)?>')


def _search_index(site: Path) -> list[dict]:
    return json.loads((site / "search" / "search_index.json").read_text())["docs"]


def _hidden_sidebars(html: str) -> set[str]:
    """Which of Material's sidebars a page hides: primary = navigation, secondary = toc."""
    names = {"primary": "navigation", "secondary": "toc"}
    return {names[side] for side, hidden in SIDEBAR.findall(html) if hidden}


def _nav_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" class="md-(?:nav|tabs)__link', html)


# --- the Page type writes its hints -----------------------------------------------------


def test_page_writes_its_hints_into_the_front_matter():
    page = Page(
        "buurt/x/index.md",
        "X",
        '---\ntitle: "X: een buurt"\n---\n\n# X\n',
        search="summary",
        in_nav=False,
    )
    assert page.markdown == (
        '---\ntitle: "X: een buurt"\nsearch: "summary"\nhide: ["navigation"]\nnav: "hidden"\n'
        "---\n\n# X\n"
    )
    # A page without front matter gets one; writing the hints again replaces them.
    home = Page("index.md", "Home", "# Home\n", hide=("toc",))
    assert home.markdown == '---\nsearch: "full"\nhide: ["toc"]\n---\n\n# Home\n'
    again = with_front_matter(home.markdown, {"search": "exclude"})
    assert again == '---\nhide: ["toc"]\nsearch: "exclude"\n---\n\n# Home\n'


def test_page_refuses_unknown_hints():
    with pytest.raises(ValueError, match="search 'everything'"):
        Page("a/index.md", "A", "# A\n", search="everything")
    with pytest.raises(ValueError, match="hide"):
        Page("a/index.md", "A", "# A\n", hide=("sidebar",))


def test_front_matter_is_read_up_to_its_end(tmp_path):
    page = tmp_path / "p.md"
    page.write_text(Page("p.md", "P", "# P\n\n---\nnav: x\n", in_nav=False).markdown)
    assert front_matter(page) == {"search": "full", "hide": ["navigation"], "nav": "hidden"}
    (tmp_path / "plain.md").write_text("# Plain\n\n---\n")
    assert front_matter(tmp_path / "plain.md") == {}
    (tmp_path / "broken.md").write_text("---\nnav: [hidden\n---\n# B\n")
    assert front_matter(tmp_path / "broken.md") == {}  # mkdocs reports it when it reads it


def test_search_text_follows_the_mode_not_the_path():
    html = (
        "<p>Intro</p><table><tr><td>12,5</td></tr></table>"
        '<h2 id="a">Wonen</h2><p>Tekst</p><figure><div class="wm-chart"></div></figure>'
    )
    assert search_text("full", html) == html
    assert search_text("text", html) == '<p>Intro</p><h2 id="a">Wonen</h2><p>Tekst</p>'
    assert search_text("summary", html) == "<p>Intro</p>"
    marked = '<p>Uitleg</p><p class="wm-summary">Wijk in Stad.</p>' + html
    assert search_text("summary", marked) == '<p class="wm-summary">Wijk in Stad.</p>'


def test_adapter_names_no_section_page_type_or_site_copy():
    source = ADAPTER.read_text(encoding="utf-8")
    for word in ("thema/", "wijk/", "gemeente/", "indicator/", "Synthetische", "cijfers"):
        assert word not in source, word


def test_notice_is_the_site_layers_line_in_the_footer(tmp_path):
    def config(**kw):
        return merged_config(
            {"copyright": "© Gemeente"},
            title="T",
            docs_dir=tmp_path,
            site_dir=tmp_path / "site",
            overrides_dir=tmp_path,
            nav=[],
            **kw,
        )

    assert config(notice="Alles verzonnen.")["copyright"] == "© Gemeente · Alles verzonnen."
    assert config()["copyright"] == "© Gemeente"


# --- a real mkdocs build of pages in sections the adapter has never heard of ------------


def _build(tmp_path: Path, pages: list[Page], nav: list) -> Path:
    docs, site = tmp_path / "docs", tmp_path / "site"
    for page in pages:
        (docs / page.path).parent.mkdir(parents=True, exist_ok=True)
        (docs / page.path).write_text(page.markdown, encoding="utf-8")
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text("theme: material\n")
    config = merged_config(
        {"theme": "material"},
        title="Proef",
        docs_dir=docs,
        site_dir=site,
        overrides_dir=theme_overrides(),
        nav=nav,
        notice="Proefgegevens.",
    )
    run_build(config, config_file)
    return site


BODY = (
    "Buurt X ligt in Noord.\n\n"
    "<table><tr><th>jaar</th><td>uniekwoordtabel</td></tr></table>\n\n"
    "## Wonen\n\nuniekwoordsectie\n"
)


def test_a_page_of_a_new_section_is_treated_by_its_hints(tmp_path):
    pages = [
        Page("index.md", "Home", "# Home\n\n[x](buurt/x/index.md) [y](wijk/y/index.md)\n"),
        # A section the adapter has never heard of, with the hints of an area page ...
        Page("buurt/x/index.md", "X", f"# X\n\n{BODY}", search="summary", in_nav=False),
        # ... and a path that once meant "area page", with the hints of a plain page.
        Page("wijk/y/index.md", "Y", f"# Y\n\n{BODY}", search="full", hide=("toc",)),
        Page("weg/index.md", "Weg", "# Weg\n\nuniekwoordweg\n", search="exclude"),
    ]
    site = _build(tmp_path, pages, [{"Home": "index.md"}, {"Y": "wijk/y/index.md"}])
    entries = _search_index(site)
    x = [e for e in entries if e["location"].startswith("buurt/x/")]
    assert [e["location"] for e in x] == ["buurt/x/"]  # the summary: no sections
    assert "Buurt X ligt in Noord." in x[0]["text"]
    assert "uniekwoord" not in x[0]["text"]
    y = " ".join(e["text"] for e in entries if e["location"].startswith("wijk/y/"))
    assert "uniekwoordtabel" in y and "uniekwoordsectie" in y
    assert "wijk/y/#wonen" in [e["location"] for e in entries]
    assert not [e for e in entries if e["location"].startswith("weg/")]
    # nav: hidden keeps buurt/x out of the navigation; hide is followed as the page says.
    x_html = (site / "buurt/x/index.html").read_text()
    y_html = (site / "wijk/y/index.html").read_text()
    assert not [h for h in _nav_links(x_html) + _nav_links(y_html) if "buurt/" in h]
    assert any("wijk/y/" in h for h in _nav_links(x_html))
    assert _hidden_sidebars(x_html) == {"navigation"}
    assert _hidden_sidebars(y_html) == {"toc"}
    # The notice the site layer handed over is in every page's footer.
    for page in pages:
        html = (site / page.path.replace(".md", ".html")).read_text()
        assert "Proefgegevens." in html, page.path


def test_a_hidden_page_a_given_navigation_names_is_listed(tmp_path):
    """``nav: hidden`` keeps a page out of the navigation the generator makes; a
    publisher's mkdocs.yml that names the page anyway has the last word."""
    pages = [
        Page("index.md", "Home", "# Home\n"),
        Page("buurt/x/index.md", "X", "# X\n", in_nav=False),
    ]
    site = _build(tmp_path, pages, [{"Home": "index.md"}, {"X": "buurt/x/index.md"}])
    assert "buurt/x/" in _nav_links((site / "index.html").read_text())


# --- the demo site ----------------------------------------------------------------------


def test_generated_hints_agree_with_the_navigation(demo):
    results = compute_results(demo.monitor)
    site_plan = plan(results)
    pages = [job() for job in site_plan.jobs]
    listed = set()

    def walk(nav: list) -> None:
        for item in nav:  # a path, or {title: path or [items]}
            for value in item.values() if isinstance(item, dict) else [item]:
                if isinstance(value, list):
                    walk(value)
                else:
                    listed.add(value)

    walk(site_plan.nav)
    assert site_plan.nav == navigation(site_plan.data)
    for page in pages:
        assert page.in_nav == (page.path in listed), page.path
        assert front_matter_of(page.markdown)["search"] == page.search
    level = demo.monitor.regions["level"]
    areas = {f"wijk/{a}/index.md" for a in demo.monitor.regions.index[level == "focus_area"]}
    area_pages = [p for p in pages if p.path in areas]
    assert len(area_pages) == len(areas) > 0
    assert {(p.search, p.in_nav, p.hide) for p in area_pages} == {
        ("summary", False, ("navigation",))
    }


def front_matter_of(markdown: str) -> dict:
    import yaml

    return yaml.safe_load(markdown.split("---\n", 2)[1])


def test_demo_search_entries_of_area_pages_are_their_summary(demo):
    level = demo.monitor.regions["level"]
    areas = list(demo.monitor.regions.index[level == "focus_area"])
    gemeenten = list(demo.monitor.regions.index[level == "gemeente"])
    entries = _search_index(demo.site)
    summaries = [f"wijk/{a}/" for a in areas] + [f"gemeente/{g}/" for g in gemeenten]
    for location in summaries:
        found = [e for e in entries if e["location"].startswith(location)]
        assert [e["location"] for e in found] == [location]  # one entry: no sections
        assert found[0]["text"] and "<table" not in found[0]["text"]
    # Marked for the site's search worker, which looks these pages up by word prefix
    # and leaves every other page to lunr.
    assert sorted(e["location"] for e in entries if e.get("summary")) == sorted(summaries)
    assert all(e["summary"] is True for e in entries if "summary" in e)
    # An area page's entry is its summary (where it lies, what it is made of), not the
    # explanation every area page repeats (17,000 copies in a national index).
    page = (demo.site / f"wijk/{areas[0]}/index.html").read_text()
    marked = re.findall(r'<p class="wm-summary">(.*?)</p>', page, re.S)
    assert len(marked) == 1 and "in de gemeente" in marked[0]
    text = next(e["text"] for e in entries if e["location"] == f"wijk/{areas[0]}/")
    plain = re.sub(r"<[^>]+>", "", text).strip()
    assert plain == re.sub(r"<[^>]+>", "", marked[0]).strip()
    assert "Elke indicator wordt vergeleken" not in text and "Synthetische" not in text
    # A gemeente's entry says what it has on the site (not the synthetic-data banner).
    page = (demo.site / f"gemeente/{gemeenten[0]}/index.html").read_text()
    marked = re.findall(r'<p class="wm-summary">(.*?)</p>', page, re.S)
    assert len(marked) == 1 and re.fullmatch(
        r"Gemeente met \d+ aandachtswijk(en)? in deze monitor\.", marked[0]
    )
    text = next(e["text"] for e in entries if e["location"] == f"gemeente/{gemeenten[0]}/")
    assert re.sub(r"<[^>]+>", "", text).strip() == marked[0]
    # Pages of figures are indexed without their tables and charts.
    indicator = next(iter(demo.monitor.indicators))
    text = " ".join(
        e["text"] for e in entries if e["location"].startswith(f"indicator/{indicator}/")
    )
    assert text and "<table" not in text and "wm-spec" not in text


def test_demo_area_pages_are_not_in_the_navigation_and_hide_it(demo):
    level = demo.monitor.regions["level"]
    areas = sorted(demo.monitor.regions.index[level == "focus_area"])
    theme = next(iter(demo.monitor.themes))
    for path in ("index.html", f"thema/{theme}/index.html", f"wijk/{areas[0]}/index.html"):
        links = _nav_links((demo.site / path).read_text())
        assert links and not [h for h in links if any(f"wijk/{a}/" in h for a in areas)], path
    assert _hidden_sidebars((demo.site / f"wijk/{areas[0]}/index.html").read_text()) == {
        "navigation"
    }
    assert _hidden_sidebars((demo.site / f"thema/{theme}/index.html").read_text()) == {"toc"}
    # A hand-written page says nothing: the adapter's default layout.
    assert _hidden_sidebars((demo.site / "over/index.html").read_text()) == {"navigation"}


def test_demo_synthetic_notice_is_on_every_page(demo):
    assert demo.monitor.synthetic  # the default monitor's figures are made up
    pages = sorted(demo.site.rglob("*.html"))
    assert len(pages) >= demo.summary.pages
    missing = [
        str(p.relative_to(demo.site)) for p in pages if SYNTHETIC_NOTICE not in p.read_text()
    ]
    assert missing == []


def test_a_page_job_that_makes_another_page_than_planned_is_a_bug_said_at_once():
    """The site build places a page by its planned path and navigation hint before the
    page exists; a job making something else must never publish it under the plan's."""
    from wijkmonitor.website.generate import PageJob
    from wijkmonitor.website.markup import Page

    job = PageJob("wijk/a/index.md", False, lambda: Page("wijk/b/index.md", "B", "# B\n"))
    with pytest.raises(RuntimeError, match=r"planned for wijk/a/index.md .* made wijk/b/index.md"):
        job()
    listed = PageJob("wijk/b/index.md", False, lambda: Page("wijk/b/index.md", "B", "# B\n"))
    with pytest.raises(RuntimeError, match=r"in_nav=False\) made wijk/b/index.md \(in_nav=True"):
        listed()
