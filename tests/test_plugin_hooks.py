"""The plugin API covers the whole pipeline: every hook is used by a built-in, plugins
are listed with the hooks they implement, SES-WOA reaches the rest only through hooks
and can be switched off, and what a plugin returns that does not fit is a located
problem naming the plugin."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, write_monitor
from wijkmonitor import cli
from wijkmonitor.core.compute import compute_results
from wijkmonitor.core.hookspecs import Download, PageSection, SitePage, hookimpl
from wijkmonitor.core.monitor import load_monitor
from wijkmonitor.core.pluginmanager import hook_names, implemented_hooks, plugin_manager
from wijkmonitor.core.problems import ProblemsError
from wijkmonitor.website.build import build_site
from wijkmonitor.website.generate import plan, plugin_contributions
from wijkmonitor.website.sitedata import site_data

SES_HOOKS = [
    "register_formula_kinds",
    "load_data",
    "register_config_model",
    "register_commands",
    "register_pages",
    "register_downloads",
]


def test_every_hook_is_used_by_a_built_in_plugin() -> None:
    pm = plugin_manager()
    built_in = [
        plugin for plugin, dist in pm.list_plugin_distinfo() if dist.project_name == "wijkmonitor"
    ]
    used = {hook for plugin in built_in for hook in implemented_hooks(plugin)}
    assert set(hook_names()) == used
    assert {"register_commands", "register_pages", "register_downloads"} <= used


def test_plugins_command_lists_every_hook_each_plugin_implements(capsys) -> None:
    assert cli.main(["plugins"]) == 0
    out = capsys.readouterr().out
    ses = out[out.index("ses_woa ") :].splitlines()
    assert [line.split(":")[0].strip() for line in ses[1:7]] == SES_HOOKS
    assert "register_formula_kinds: ses_woa" in ses[1]
    assert "register_commands: ses-woa" in ses[4]
    formulas = out[out.index("formulas ") :].splitlines()
    assert (
        formulas[1].strip() == "register_formula_kinds: share, rate, mean, value, quotient, spread"
    )


def test_the_cli_gets_the_ses_woa_command_from_the_hook(tmp_path: Path, capsys) -> None:
    assert "ses-woa" not in cli.COMMANDS  # not a built-in command
    assert "ses-woa" in cli.build_parser().format_help()
    # Through the hook, bad input is a located problem like in every command.
    missing = tmp_path / "nothing.csv"
    code = cli.main(["ses-woa", "fit", str(missing), "--reference-year", "2019", "--out", "x"])
    assert code == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{missing}: file not found",
        "1 problem found",
    ]


def test_a_plugin_blocked_for_the_process_has_no_command_and_no_kind() -> None:
    env = {**os.environ, "WIJKMONITOR_DISABLE_PLUGINS": "ses_woa"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "wijkmonitor", *args],
            capture_output=True, text=True, env=env, check=False,
        )  # fmt: skip

    help_text = run("--help")
    assert help_text.returncode == 0 and "ses-woa" not in help_text.stdout
    assert "build" in help_text.stdout
    listed = run("plugins")
    assert (
        "ses_woa " not in listed.stdout and "register_formula_kinds: ses_woa" not in listed.stdout
    )
    assert "blocked by WIJKMONITOR_DISABLE_PLUGINS: ses_woa" in listed.stdout
    command = run("ses-woa", "fit", "x.csv")
    assert command.returncode == 2 and "invalid choice: 'ses-woa'" in command.stderr


def _default_monitor_without_ses(root: Path) -> Path:
    """A copy of the default monitor (the repository root) without its SES-WOA
    indicators and theme, and with the plugin switched off in monitor.yml."""
    root.mkdir()
    for name in ("areas.yml", "mkdocs.yml"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "site_src", root / "site_src")
    shutil.copytree(ROOT / "geo", root / "geo")  # monitor.yml's boundaries
    (root / "data").mkdir()
    for name in ("regions.csv", "synthetic_outcomemonitor.csv"):
        shutil.copy(ROOT / "data" / name, root / "data" / name)
    shutil.copytree(
        ROOT / "indicators", root / "indicators", ignore=shutil.ignore_patterns("ses_woa_*")
    )
    themes = yaml.safe_load((ROOT / "indicators/themes.yml").read_text("utf-8"))
    themes = [t for t in themes if t["id"] != "ses_woa"]
    (root / "indicators/themes.yml").write_text(yaml.safe_dump(themes, allow_unicode=True))
    config = yaml.safe_load((ROOT / "monitor.yml").read_text("utf-8"))
    config["description"] = "De standaardmonitor zonder de SES-WOA-plugin."
    config["plugins"] = {"ses_woa": {"enabled": False}}
    (root / "monitor.yml").write_text(yaml.safe_dump(config, allow_unicode=True))
    return root


def test_default_monitor_builds_without_the_ses_woa_plugin(tmp_path: Path) -> None:
    root = _default_monitor_without_ses(tmp_path / "monitor")
    monitor = load_monitor(root)
    assert monitor.config.disabled_plugins == {"ses_woa"}
    assert not any(str(v).startswith("ses_woa") for v in monitor.data["variable"].unique())
    site = tmp_path / "site"
    summary = build_site(root, site)
    assert summary is not None
    assert (site / "indicator/cito_score/index.html").is_file()
    assert (site / "thema/werken/index.html").is_file()
    assert not list(site.glob("indicator/ses_woa*")) and not (site / "thema/ses_woa").exists()
    assert sorted(p.name for p in (site / "downloads").iterdir()) == [
        "changes.csv",
        "index.html",
        "indicators.json",
        "results.csv",
    ]
    generated = [p for p in site.rglob("*.html") if p.parent.name != "over"]
    assert not [p for p in generated if "Over de SES-WOA-score" in p.read_text("utf-8")]
    assert "ses_woa" not in (site / "downloads/results.csv").read_text("utf-8")


def test_the_default_monitor_has_the_ses_sections_and_download() -> None:
    """The same build with the plugin: its sections on its indicator and theme pages, and
    its download, listed on the downloads page (and nothing on other pages)."""
    results = compute_results(load_monitor(ROOT))
    site_plan = plan(results)
    assert sorted(p for p in site_plan.texts if p.startswith("downloads/")) == [
        "downloads/indicators.json",
        "downloads/ses_woa_coefficients.json",
    ]
    coefficients = (ROOT / "data/ses_woa_coefficients.json").read_bytes()
    assert site_plan.texts["downloads/ses_woa_coefficients.json"] == coefficients
    pages = {page.path: page.markdown for page in (job() for job in site_plan.jobs)}
    with_section = sorted(p for p, md in pages.items() if "## Over de SES-WOA-score" in md)
    assert with_section == [
        "indicator/ses_woa_arbeid/index.md",
        "indicator/ses_woa_opleiding/index.md",
        "indicator/ses_woa_spreiding/index.md",
        "indicator/ses_woa_totaal/index.md",
        "indicator/ses_woa_welvaart/index.md",
        "thema/ses_woa/index.md",
    ]
    # Before the download note, which stays last on the page.
    page = pages["indicator/ses_woa_totaal/index.md"]
    assert page.index("## Over de SES-WOA-score") < page.index("Cijfers downloaden")
    assert "ses_woa_coefficients.json" in pages["downloads/index.md"]
    # The generic page says no ranking, in general words; the SES prose is the plugin's.
    assert "drie dimensies" not in page[: page.index("## Over de SES-WOA-score")]


class _Misfit:
    """A real plugin (registered with the plugin manager) whose pages and downloads
    do not fit the site."""

    @hookimpl
    def register_pages(self, site):
        return [
            PageSection("indicator", "werkzoekenden", "Extra", "Tekst."),
            PageSection("indicator", "bestaat_niet", "Extra", "Tekst."),
            SitePage("wijk/extra/index.md", "Extra", "Tekst."),
            SitePage("mijn-plugin/index.md", "Extra", "Tekst.", search="alles"),
            "a page",
        ]

    @hookimpl
    def register_downloads(self, site):
        return [Download("results.csv", "Dubbel", "x"), Download("ok.csv", "Goed", b"1\n")]


class _Raises:
    @hookimpl
    def register_downloads(self):
        raise RuntimeError("disk of the plugin on fire")


@pytest.fixture
def registered():
    pm = plugin_manager()
    names = []

    def register(plugin: object, name: str) -> None:
        pm.register(plugin, name=name)
        names.append(name)

    yield register
    for name in names:
        pm.unregister(name=name)


def test_what_does_not_fit_is_a_problem_naming_the_plugin(small_monitor, registered) -> None:
    registered(_Misfit(), "misfit")
    registered(_Raises(), "raises")
    site = site_data(compute_results(load_monitor(small_monitor)))
    with pytest.raises(ProblemsError) as info:
        plugin_contributions(site)
    assert [str(p) for p in info.value.problems] == [
        "plugin 'misfit': register_pages: returned 'a page', not a PageSection or SitePage",
        "plugin 'misfit': register_pages: a section for the indicator 'bestaat_niet', which "
        "has no page (subjects: area, indicator, theme)",
        "plugin 'misfit': register_pages: the page 'wijk/extra/index.md': a path like "
        "'my-plugin/index.md' (lower case, digits, -), not under assets, begrippen, "
        "definities, downloads, gemeente, indicator, thema, verantwoording, wijk",
        "plugin 'misfit': register_pages: the page 'mijn-plugin/index.md': search 'alles' is "
        "not one of full, text, summary, exclude",
        "plugin 'raises': register_downloads: raised RuntimeError: disk of the plugin on fire "
        "(an error in the plugin, not in the monitor's files: report it to the plugin's "
        "authors)",
        "plugin 'misfit': register_downloads: the download 'results.csv': a file name "
        "(letters, digits, . _ -) that is none of the build's own (results.csv, "
        "changes.csv, indicators.json, index.md)",
    ]


def test_a_plugins_page_section_and_download_reach_the_site(tmp_path: Path, registered) -> None:
    class Fits:
        @hookimpl
        def register_pages(self, site):
            area = site.focus_areas[0]
            return [
                PageSection("area", area, "Meer over <deze> wijk", "Eigen **tekst**."),
                SitePage("extra/index.md", "Extra pagina", "Een pagina van een plugin."),
            ]

        @hookimpl
        def register_downloads(self, site):
            return [Download("extra.csv", "Een extra bestand", "a,b\n1,2\n")]

    registered(Fits(), "fits")
    root = write_monitor(tmp_path / "m")
    site = tmp_path / "site"
    build_site(root, site)
    area = (site / "wijk/noordzuid/index.html").read_text("utf-8")
    assert "Meer over &#60;deze&#62; wijk</h2>" in area and "<strong>tekst</strong>" in area
    assert "Een pagina van een plugin." in (site / "extra/index.html").read_text("utf-8")
    assert (site / "downloads/extra.csv").read_text("utf-8") == "a,b\n1,2\n"
    downloads = (site / "downloads/index.html").read_text("utf-8")
    assert 'href="../downloads/extra.csv"' in downloads and "Een extra bestand" in downloads
    assert "Extra pagina" in (site / "index.html").read_text("utf-8")  # in the navigation


def test_a_plugin_switched_off_by_the_monitor_adds_nothing(tmp_path: Path, registered) -> None:
    class Adds:
        @hookimpl
        def register_downloads(self, site):
            return [Download("extra.csv", "Een extra bestand", "1\n")]

    registered(Adds(), "adds")
    root = write_monitor(
        tmp_path / "m", **{"monitor.yml": "title: T\nplugins:\n  adds: {enabled: false}\n"}
    )
    site = site_data(compute_results(load_monitor(root)))
    assert plugin_contributions(site).downloads == []


def test_an_indicator_of_a_switched_off_plugins_kind_says_so(tmp_path: Path, capsys) -> None:
    # The SES indicators left in, the plugin switched off: their kind is not there for
    # this monitor, and the message says why (not "unknown kind" or "inputs not given").
    root = _default_monitor_without_ses(tmp_path / "monitor")
    text = (ROOT / "indicators/ses_woa_totaal.yml").read_text("utf-8")
    # Its theme went with the plugin's indicators: put it in another one.
    text = text.replace("theme: ses_woa", "theme: werken")
    (root / "indicators/ses_woa_totaal.yml").write_text(text, "utf-8")
    assert cli.main(["check", str(root)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "indicators/ses_woa_totaal.yml:12: formula.kind: 'ses_woa' is a kind of the plugin "
        "'ses_woa', which monitor.yml switches off (plugins: ses_woa: enabled: false); switch "
        "it on or remove this indicator",
        "1 problem found",
    ]
