"""The printable profile per area (``build --pdf``, website/profile_pdf.py): written only
when asked, linked from the area page, readable (its text has the area's name and its
figures as the page prints them), 2 to 4 A4 pages, and byte-identical across builds."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import INDICATOR, ROOT, write_monitor
from wijkmonitor.cli import main
from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.website import build
from wijkmonitor.website.build import build_site
from wijkmonitor.website.profile_pdf import profile_jobs, render_profile
from wijkmonitor.website.sitedata import site_data

EPOCH = 1_700_000_000  # 14 November 2023, 22:13:20 UTC
PROFILE = Path("downloads/profiel/noordzuid.pdf")
A4 = (210 / 25.4 * 72, 297 / 25.4 * 72)  # points


def _text(pdf: bytes) -> str:
    """The PDF's text, lines joined with spaces (a sentence may wrap anywhere)."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _build(tmp_path: Path, name: str, pdf: bool = True, **files: str) -> Path:
    monitor = write_monitor(tmp_path / f"monitor-{name}", **files)
    site = tmp_path / f"site-{name}"
    build_site(monitor, site, pdf=pdf)
    return site


def test_profile_has_the_area_and_its_figures_as_printed_on_its_page(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    site = _build(tmp_path, "a")
    pdf = (site / PROFILE).read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 4
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4)
    assert reader.metadata.title == "Wijkprofiel Noord-Zuid"
    assert reader.metadata.creation_date == datetime.fromtimestamp(EPOCH, UTC)
    text = _text(pdf)
    page = (site / "wijk/noordzuid/index.html").read_text("utf-8")
    # Noord-Zuid 2011: 100 of 2,000 seek work, 5,0 %; Stad 4,0 %, so p = +25,0; in 2007
    # 7,5 % against 5,0 %: p = +50,0. The interval is Wilson's for 100 of 2,000.
    for printed in ("Noord-Zuid", "Stad", "5,0", "+25,0", "+50,0"):
        assert printed in text, printed
        assert printed in page, printed
    assert "4,1–6,0" in text  # Wilson 95 %: 0.0413 to 0.0604
    assert "gemaakt op 14 november 2023" in text
    assert "Bronnen: UWV" in text
    assert "Synthetische" not in text  # the test monitor is not synthetic
    # The area page links it, relative to the page.
    assert 'href="../../downloads/profiel/noordzuid.pdf">Profiel als pdf (A4)</a>' in page


def test_the_same_inputs_give_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    first = (_build(tmp_path, "a") / PROFILE).read_bytes()
    second = (_build(tmp_path, "b") / PROFILE).read_bytes()
    assert first == second
    # Built by the workers (spawned processes) rather than in the build's own process:
    # the same bytes too.
    monkeypatch.setattr(build, "PDF_PARALLEL_FROM", 1)
    assert (_build(tmp_path, "c") / PROFILE).read_bytes() == first


def test_without_source_date_epoch_no_date_at_all(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = (_build(tmp_path, "a") / PROFILE).read_bytes()
    reader = PdfReader(io.BytesIO(first))
    assert "/CreationDate" not in reader.metadata and "/ModDate" not in reader.metadata
    text = _text(first)
    assert "Cijfers 2007 tot en met 2011." in text and "gemaakt op" not in text
    assert (_build(tmp_path, "b") / PROFILE).read_bytes() == first


def test_no_profiles_unless_asked(tmp_path):
    site = _build(tmp_path, "plain", pdf=False)
    assert not (site / "downloads/profiel").exists()
    assert "Profiel als pdf" not in (site / "wijk/noordzuid/index.html").read_text("utf-8")


def test_the_monitor_setting_and_the_command_line_option(tmp_path):
    setting = "title: Testmonitor\nsettings:\n  pdf_profiles: true\n"
    assert (_build(tmp_path, "setting", pdf=False, **{"monitor.yml": setting}) / PROFILE).is_file()
    monitor = write_monitor(tmp_path / "monitor-cli")
    site = tmp_path / "site-cli"
    assert main(["build", str(monitor), "--site-dir", str(site), "--pdf"]) == 0
    assert _text((site / PROFILE).read_bytes()).count("Noord-Zuid") >= 1


def test_a_suppressed_figure_has_no_interval_in_the_profile(tmp_path):
    # Below 5,000 in the labour force a figure is secret: Noord-Zuid (2,000) is, and so
    # is its interval, which would give its count back.
    secret = INDICATOR.replace("min_denominator: 50", "min_denominator: 5000")
    site = _build(tmp_path, "secret", **{"indicators/werkzoekenden.yml": secret})
    text = _text((site / PROFILE).read_bytes())
    assert "Noord-Zuid" in text
    for hidden in ("5,0", "7,5", "4,1", "6,0", "+25,0", "+50,0"):
        assert hidden not in text, hidden


@pytest.mark.slow
def test_a_demo_profile_is_two_to_four_a4_pages(tmp_path):
    """The demo area with the most indicators: every section, the spine chart, and its
    name and figures in the text."""
    site = site_data(compute_results(load_monitor(ROOT)))
    most = max(site.focus_areas, key=lambda code: len(site.series.get(code, {})))
    job = next(j for j in profile_jobs(site, EPOCH) if j.path.endswith(f"/{most}.pdf"))
    assert len(job.charts) == 1 + len(site.monitor.themes)  # the spine chart and the themes
    pdf = render_profile(job)
    reader = PdfReader(io.BytesIO(pdf))
    assert 2 <= len(reader.pages) <= 4
    text = _text(pdf)
    assert site.region_name(most) in text
    assert "Alle indicatoren tussen vergelijkbare gebieden" in text
    assert "Kerncijfers" in text and "Bronnen:" in text
    assert "Synthetische gegevens" in reader.pages[-1].extract_text()  # on every page


def test_every_area_page_links_a_profile_that_exists(tmp_path):
    """Base regions with a page (settings.area_pages) get their profile too: a link to a
    PDF that was never written would be a broken link on thousands of pages."""
    setting = "title: Testmonitor\nsettings:\n  area_pages: [focus_area, pc4]\n"
    site = _build(tmp_path, "paged", **{"monitor.yml": setting})
    pages = sorted(site.glob("pc4/*/index.html"))
    assert [p.parent.name for p in pages] == ["1001", "1002", "1003"]
    linked = set()
    for page in site.rglob("*.html"):
        for target in re.findall(r'href="([^"]*downloads/profiel/[^"]+\.pdf)"', page.read_text()):
            linked.add((page.parent / target).resolve())
    written = {p.resolve() for p in (site / "downloads/profiel").glob("*.pdf")}
    assert linked == written
    assert {p.stem for p in written} == {"noordzuid", "1001", "1002", "1003"}
    # 1001 in 2011: 60 of 1,000 seek work, 6,0 %; Stad 4,0 %, so p = +50,0.
    text = _text((site / "downloads/profiel/1001.pdf").read_bytes())
    for printed in ("Noord", "Stad", "6,0", "+50,0"):
        assert printed in text, printed


def _profiles(site: Path) -> dict[str, tuple[int, bytes]]:
    """Each profile of the site: its file's inode and its bytes."""
    return {
        p.name: (p.stat().st_ino, p.read_bytes())
        for p in sorted((site / "downloads/profiel").glob("*.pdf"))
    }


def test_a_rebuild_takes_the_profiles_whose_inputs_are_unchanged(tmp_path, monkeypatch):
    """A profile is taken from the previous site (the same file) when its area page's
    key, the renderers and the epoch are unchanged, and rendered again when any of them
    changed; every time, every profile is byte for byte a cold build's."""
    from wijkmonitor.website import profile_pdf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    setting = "title: Testmonitor\nsettings:\n  area_pages: [focus_area, pc4]\n"
    monitor = write_monitor(tmp_path / "m", **{"monitor.yml": setting})
    site = tmp_path / "site"

    def rebuild() -> tuple[int, int, dict[str, tuple[int, bytes]]]:
        summary = build_site(monitor, site, pdf=True)
        cold = tmp_path / "cold"
        build_site(monitor, cold, pdf=True, cache=False)
        now = _profiles(site)
        assert {n: b for n, (_, b) in now.items()} == {
            n: b for n, (_, b) in _profiles(cold).items()
        }
        return summary.profiles, summary.profiles_reused, now

    names = ["1001.pdf", "1002.pdf", "1003.pdf", "noordzuid.pdf"]
    assert build_site(monitor, site, pdf=True).profiles_reused == 0
    first = _profiles(site)
    assert sorted(first) == names

    # Unchanged: every profile is the previous site's file.
    count, reused, again = rebuild()
    assert (count, reused) == (4, 4)
    assert {n: i for n, (i, _) in again.items()} == {n: i for n, (i, _) in first.items()}

    # A figure changed (1003 in 2011: 5 -> 6 of 500 seek work, 1,0 % -> 1,2 %): the
    # region pages share one key here (a focus area), so every profile is made again.
    data = monitor / "data/werk.csv"
    data.write_text(
        data.read_text().replace("1003,2011,werkzoekenden,5\n", "1003,2011,werkzoekenden,6\n")
    )
    count, reused, edited = rebuild()
    assert (count, reused) == (4, 0)
    assert edited["1003.pdf"][1] != again["1003.pdf"][1]
    assert "1,2" in _text(edited["1003.pdf"][1])
    assert all(edited[n][0] != again[n][0] for n in names)  # new files, not links

    # The renderers (a font updated, WeasyPrint upgraded): every profile made again.
    parts = profile_pdf.renderer_parts
    monkeypatch.setattr(profile_pdf, "renderer_parts", lambda: [*parts(), "a font updated"])
    assert rebuild()[:2] == (4, 0)
    assert rebuild()[:2] == (4, 4)

    # Another epoch: the PDFs' dates differ, so they are made again.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 1))
    assert rebuild()[:2] == (4, 0)

    # Without the cache nothing is taken.
    assert build_site(monitor, site, pdf=True, cache=False).profiles_reused == 0
