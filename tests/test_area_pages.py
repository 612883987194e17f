"""settings.area_pages (issue 12 part 1): a page for every region of the asked levels."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_monitor
from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.website.generate import plan

# One gemeente with two wijken; Noord has two buurten, Zuid one.
REGIONS = """\
code,name,level,parent
GM0001,Stad,gemeente,
WK000101,Noord,wijk,GM0001
WK000102,Zuid,wijk,GM0001
BU00010101,Noord-Oost,buurt,WK000101
BU00010102,Noord-West,buurt,WK000101
BU00010201,Zuid-Centrum,buurt,WK000102
"""

AREAS = """\
areas:
  - id: noordzuid
    name: Noord-Zuid
    kind: focus_area
    members: ["BU00010102", "BU00010201"]
"""


def _data() -> str:
    rows = ["region,period,variable,value"]
    figures = {
        "GM0001": (300, 6000),
        "WK000101": (200, 3000),
        "WK000102": (100, 3000),
        "BU00010101": (150, 2000),
        "BU00010102": (50, 1000),
        "BU00010201": (100, 3000),
    }
    for year in (2007, 2011):
        for code, (num, den) in figures.items():
            rows += [f"{code},{year},werkzoekenden,{num}", f"{code},{year},beroepsbevolking,{den}"]
    return "\n".join(rows) + "\n"


def _monitor(tmp_path: Path, settings: str = "") -> Path:
    monitor_yml = "title: Testmonitor\n" + (f"settings:\n  {settings}\n" if settings else "")
    return write_monitor(
        tmp_path / "m",
        **{
            "monitor.yml": monitor_yml,
            "data/regions.csv": REGIONS,
            "areas.yml": AREAS,
            "data/werk.csv": _data(),
        },
    )


def _pages(root: Path) -> tuple[dict[str, str], list]:
    site_plan = plan(compute_results(load_monitor(root)))
    return {page.path: page.markdown for page in (job() for job in site_plan.jobs)}, site_plan.nav


def test_default_levels_give_every_wijk_and_buurt_a_page(tmp_path: Path) -> None:
    pages, nav = _pages(_monitor(tmp_path))
    assert {p for p in pages if p.startswith("wijk/") and p != "wijk/index.md"} == {
        "wijk/noordzuid/index.md",
        "wijk/WK000101/index.md",
        "wijk/WK000102/index.md",
    }
    assert {p for p in pages if p.startswith("buurt/")} == {
        "buurt/index.md",
        "buurt/BU00010101/index.md",
        "buurt/BU00010102/index.md",
        "buurt/BU00010201/index.md",
    }
    # A base region is compared with its gemeente: its own 10 % against the gemeente's 5 %.
    noord = pages["wijk/WK000101/index.md"]
    assert "Wijk in de gemeente" in noord and "vergeleken met Stad" in noord
    assert "6,7" in noord and "5,0" in noord  # 200/3000 and 300/6000, Dutch notation
    # The wijk lists its buurten (and only its own), with links to their pages.
    assert '<a href="../../buurt/BU00010101/">Noord-Oost</a>' in noord
    assert "Zuid-Centrum" not in noord
    # Headline figure of a buurt: 150/2000 = 7,5 % against its gemeente's 5 %: p = +50,0.
    assert '<a href="../../buurt/BU00010101/">Noord-Oost</a></th><td>BU00010101</td>' in noord
    assert '<td style="text-align: right">+50,0</td>' in noord
    # A buurt's page speaks of the buurt, a wijk's of the wijk.
    buurt = pages["buurt/BU00010101/index.md"]
    assert "Buurt in de gemeente" in buurt
    assert "hoeveel procent de buurt boven (+) of onder (−) het gemiddelde van Stad" in buurt
    assert "groen als de buurt daarmee gunstig afsteekt" in buurt
    assert "als de wijk" not in buurt and "procent de wijk" not in buurt
    assert "betrouwbaarheidsinterval van Noord-Oost tegenover" in buurt  # the spine
    assert "hoeveel procent de wijk boven" in noord
    # The gemeente lists its wijken with a filter box and a live count.
    stad = pages["gemeente/GM0001/index.md"]
    assert (
        '<p class="wm-summary">Gemeente met 1 aandachtswijk, 2 wijken en 3 buurten in deze monitor.</p>'
        in stad
    )
    assert '<a href="../../wijk/WK000101/">Noord</a>' in stad
    assert '<a href="../../wijk/WK000102/">Zuid</a>' in stad
    assert 'aria-live="polite">2 van 2</p>' in stad
    # Index pages: /wijk/ lists the focus areas and all wijken; /buurt/ all buurten.
    assert 'id="index-wijk-count" aria-live="polite">2 van 2' in pages["wijk/index.md"]
    assert '<label for="index-buurt-filter">' in pages["buurt/index.md"]
    assert 'aria-live="polite">3 van 3' in pages["buurt/index.md"]
    # The navigation never lists an area page one by one.
    flat = str(nav)
    assert "WK000101" not in flat and "BU00010101" not in flat and "noordzuid" not in flat
    assert 'nav: "hidden"' in pages["buurt/BU00010101/index.md"].split("---")[1]
    assert 'nav: "hidden"' in pages["buurt/index.md"].split("---")[1]


def test_only_the_asked_levels_get_pages(tmp_path: Path) -> None:
    pages, _ = _pages(_monitor(tmp_path, "area_pages: [focus_area, wijk]"))
    assert not [p for p in pages if p.startswith("buurt/")]
    assert "wijk/WK000101/index.md" in pages
    # Without buurt pages, the wijk page lists no buurten.
    assert "Noord-Oost" not in pages["wijk/WK000101/index.md"]
    pages, _ = _pages(_monitor(tmp_path, "area_pages: [focus_area]"))
    assert sorted(p for p in pages if p.startswith(("wijk/", "buurt/"))) == [
        "wijk/index.md",
        "wijk/noordzuid/index.md",
    ]


def test_unknown_level_is_a_located_problem(tmp_path: Path) -> None:
    root = _monitor(tmp_path, "area_pages: [wijk, straat]")
    with pytest.raises(ProblemsError) as caught:
        load_monitor(root)
    assert [str(p) for p in caught.value.problems] == [
        "monitor.yml:3: settings.area_pages.1: 'straat' is not one of focus_area, wijk, buurt, pc4"
    ]


@pytest.mark.parametrize("area_id", ["WK000101", "wk000101"])
def test_focus_area_and_base_wijk_never_share_an_address(tmp_path: Path, area_id: str) -> None:
    areas = AREAS.replace("noordzuid", area_id)
    root = write_monitor(
        tmp_path / "m",
        **{"data/regions.csv": REGIONS, "areas.yml": areas, "data/werk.csv": _data()},
    )
    with pytest.raises(ProblemsError) as caught:
        load_monitor(root)
    (problem,) = [str(p) for p in caught.value.problems]
    if area_id == "WK000101":
        expected = "'WK000101' is also a code in data/regions.csv; choose another id"
    else:
        expected = "'wk000101' differs from the code 'WK000101' (data/regions.csv:3) only in"
    assert problem.startswith(f"areas.yml:2: areas.0.id: {expected}")


# --- in a browser: the filter box, by keyboard only, and axe on an index page ---------


@pytest.fixture(scope="module")
def area_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from wijkmonitor.website.build import build_site

    root = _monitor(tmp_path_factory.mktemp("area_pages"))
    site = root.parent / "site"
    build_site(root, site)
    return site


@pytest.mark.browser
def test_filter_box_narrows_the_list_by_keyboard(area_site: Path) -> None:
    from tests.browsing import launch, serve

    # The script ships with the site (nothing fetched from elsewhere).
    assert "data-filter-list" in (area_site / "assets/wijkmonitor/filter.js").read_text()
    with serve(area_site) as url, launch() as browser:
        page = browser.new_page()
        page.goto(url + "/buurt/", wait_until="networkidle")
        box = page.locator("#index-buurt-filter")
        assert (
            page.locator("label[for=index-buurt-filter]").inner_text()
            == "Zoek een buurt of gemeente"
        )
        # Reach the box with Tab only, as a keyboard user does.
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement && document.activeElement.id") == (
                "index-buurt-filter"
            ):
                break
        else:
            pytest.fail("the filter box cannot be reached with Tab")
        page.keyboard.type("noord")
        count = page.locator("#index-buurt-count")
        count.filter(has_text="2 van 3").wait_for()
        visible = page.locator("#index-buurt tbody tr:visible th a")
        assert visible.all_inner_texts() == ["Noord-Oost", "Noord-West"]
        page.keyboard.type(" west")
        count.filter(has_text="1 van 3").wait_for()
        assert visible.all_inner_texts() == ["Noord-West"]
        for _ in range(len("noord west")):
            page.keyboard.press("Backspace")
        count.filter(has_text="3 van 3").wait_for()
        assert box.input_value() == ""
        assert count.get_attribute("aria-live") == "polite"
        page.close()


@pytest.mark.browser
def test_index_page_has_no_serious_axe_violation(area_site: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from tests.browsing import launch, serve

    with serve(area_site) as url, launch() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url + "/wijk/", wait_until="networkidle")
        page.wait_for_timeout(1_000)
        violations = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
        page.close()
    blocking = [v["id"] for v in violations if v["impact"] in {"serious", "critical"}]
    assert blocking == []
