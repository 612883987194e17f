"""The adapter's shortcuts for a national site (issue 13): pages of one shape share their
HTML around title, content and address (the theme renders it once per group and later
pages are filled in), and a page whose Markdown is only headings between finished HTML
is converted without Python-Markdown. These tests show that a site built that way is
byte for byte the site mkdocs' own per-page pipeline writes, for every page of the demo
and of the G4 example, and that each shortcut stands down where it cannot be sure (a
template of the publisher's, a marker in an unknown form, Markdown beyond plain
headings)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from markupsafe import Markup

import wijkmonitor.website.build as build_module
from tests.conftest import ROOT
from tests.sitebuild import tree
from wijkmonitor.website import mkdocs_build
from wijkmonitor.website.build import build_site
from wijkmonitor.website.mkdocs_build import (
    _TITLE_MARK,
    PLAIN_EXTENSIONS,
    _forms,
    _make_shell,
    _ShellReuse,
    skeleton_html,
    split_blocks,
)

G4 = ROOT / "examples" / "g4"


def _build(
    monitor: Path, site: Path, monkeypatch: pytest.MonkeyPatch, reuse: bool
) -> tuple[int, int]:
    """Build with or without reusing shells: pages, and how many were filled into one."""
    reused: list = []

    def run_build(*args, **kwargs):
        reused.append(mkdocs_build.run_build(*args, shortcuts=reuse, **kwargs))
        return reused[-1]

    monkeypatch.setattr(build_module, "run_build", run_build)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    summary = build_site(monitor, site)
    return summary.pages, reused[0]


def _g4_with_addresses(tmp_path: Path) -> Path:
    """The G4 example as a publisher would put it online: a site_url (canonical links)
    and a repository with edit links, which put each page's own address in its HTML."""
    monitor = tmp_path / "g4-online"
    shutil.copytree(G4, monitor, symlinks=False, ignore=shutil.ignore_patterns("site"))
    config = (monitor / "mkdocs.yml").read_text()
    config = config.replace(
        "    - search.highlight\n", "    - search.highlight\n    - content.action.edit\n"
    )
    config += (
        "site_url: https://wijkmonitor.example.nl/g4/\n"
        "repo_url: https://example.org/gemeente/monitor\nedit_uri: edit/main/docs/\n"
    )
    (monitor / "mkdocs.yml").write_text(config)
    return monitor


@pytest.mark.parametrize("which", ["demo", "g4", "g4-online"])
def test_reused_shells_write_the_site_mkdocs_writes_page_by_page(which, tmp_path, monkeypatch):
    monitor = {"demo": ROOT, "g4": G4}.get(which) or _g4_with_addresses(tmp_path)
    pages, reused = _build(monitor, tmp_path / "shells", monkeypatch, reuse=True)
    same_pages, none = _build(monitor, tmp_path / "mkdocs", monkeypatch, reuse=False)
    assert none == (0, 0, 0) and same_pages == pages
    # Most pages are area pages of a few shapes: all but a few per group are filled in.
    assert reused.shells > pages // 2, (reused, pages)
    # Pages outside the navigation (the demo's 92, G4's 480 and more) are built by the
    # page workers (PAGE_WORKERS_FROM).
    assert reused.in_workers > pages // 2, (reused, pages)
    shells, plain = tree(tmp_path / "shells"), tree(tmp_path / "mkdocs")
    assert shells.keys() == plain.keys()
    differ = [path for path in shells if shells[path] != plain[path]]
    assert differ == []
    if which == "g4-online":  # each page's own address is in it, filled in per page
        wijk = next((tmp_path / "shells" / "wijk").glob("WK*/index.html"))
        code = wijk.parent.name
        html = wijk.read_text()
        assert f'rel="canonical" href="https://wijkmonitor.example.nl/g4/wijk/{code}/"' in html
        assert f"/edit/main/docs/wijk/{code}/index.md" in html


def test_a_template_of_the_publishers_renders_every_page_itself(tmp_path, monkeypatch):
    """A custom main.html may test anything about a page: no shell is reused."""
    monitor = tmp_path / "g4"
    shutil.copytree(G4, monitor, ignore=shutil.ignore_patterns("site"))
    overrides = monitor / "site_src" / "overrides"
    overrides.mkdir(parents=True, exist_ok=True)
    (overrides / "main.html").write_text(
        '{% extends "base.html" %}\n'
        "{% block content %}{% if page.title|length > 12 %}<p>lang</p>{% endif %}"
        "{{ super() }}{% endblock %}\n"
    )
    pages, reused = _build(monitor, tmp_path / "site", monkeypatch, reuse=True)
    assert reused.shells == 0 and pages > 100
    # ... and the override took effect, page by page.
    wijk = next((tmp_path / "site" / "wijk").glob("WK*/index.html")).read_text()
    assert "<p>lang</p>" in wijk  # "Wijk ..." titles are longer than 12 characters


def _rendered(title_form: str, content: str = "WmShellContentSlotMarkEnd", url="buurt/b1/"):
    return (
        f"<title>{title_form} - Site</title><a href='../'>x</a><main>{content}</main><p>{url}</p>"
    )


class _Page:
    def __init__(self, title: str, content: str, url: str):
        self.meta = {"title": Markup(title)}
        self.content, self.url = content, url
        self.toc = []


def test_a_shell_fills_in_title_content_and_address_in_the_forms_the_template_used():
    forms = _forms("title", _TITLE_MARK)
    rendered = (
        _rendered(forms["title:raw"])
        + f"<meta content='{forms['title:striptags|e']}'>"
        + f"<h1>{forms['title:striptags']}</h1>"
    )
    shell = _make_shell(rendered, "buurt/b1/")
    assert shell is not None
    page = _Page("Oost &amp; <i>West</i>", "<p>inhoud</p>", "buurt/b2/")
    assert shell.fill(page) == (
        "<title>Oost &amp; <i>West</i> - Site</title><a href='../'>x</a>"
        "<main><p>inhoud</p></main><p>buurt/b2/</p>"
        "<meta content='Oost &amp; West'><h1>Oost & West</h1>"
    )


@pytest.mark.parametrize(
    "rendered",
    [
        _rendered(str(_TITLE_MARK).upper()),  # a filter the shell does not know
        _rendered(str(_TITLE_MARK)[:30]),  # truncated
        _rendered(str(_TITLE_MARK), content="WmShellContentSlotMarkEnd" * 2),  # content twice
        _rendered(str(_TITLE_MARK), content="<!-- nothing -->"),  # content filtered away
        _rendered(str(_TITLE_MARK)) + "<p>b1</p>",  # the page's own name left in the shell
    ],
    ids=["upper", "truncate", "content-twice", "no-content", "own-name"],
)
def test_a_marker_in_an_unknown_form_or_a_page_name_left_means_no_shell(rendered):
    assert _make_shell(rendered, "buurt/b1/") is None


# --- plain skeletons without Python-Markdown --------------------------------------------


def _python_markdown(skeleton: str) -> tuple[str, list]:
    import markdown

    md = markdown.Markdown(extensions=list(PLAIN_EXTENSIONS))
    html = md.convert(skeleton)
    return html, md.toc_tokens


def _names(tokens: list) -> list:
    return [(t["level"], t["id"], t["name"], _names(t["children"])) for t in tokens]


@pytest.mark.parametrize(
    "skeleton",
    [
        "# Buurt BU00010101\n\nWMRAW000000\n\n## Overzicht\n\nWMRAW000001",
        # the same heading twice (ids get _1), levels that skip, accents and signs
        "# Wijk 's-Hertogenbosch (Oost)\n\n## Wonen\n\n### Wonen\n\n## Wonen\n\n#### Één – twee",
        "## Begin zonder h1\n\nWMRAW000000\n\nWMRAW000001\n\n# Later een h1",
        "# 100 % + 3,5 = −2 / 4: ja; nee",
    ],
)
def test_a_plain_skeleton_converts_as_python_markdown_converts_it(skeleton):
    html, tokens = skeleton_html(skeleton)
    expected_html, expected_tokens = _python_markdown(skeleton)
    assert html == expected_html
    assert _names(tokens) == _names(expected_tokens)


@pytest.mark.parametrize(
    "skeleton",
    [
        "# Een **vet** woord",  # emphasis
        "# A &amp; B",  # an entity
        "# Titel #",  # closing hashes
        "# [link](x.md)",
        "# Titel {: #eigen }",  # attribute list
        "# Twee  spaties",
        "Een alinea\n\nWMRAW000000",  # a paragraph of text
        "!!! note\n\n    tekst",
        "# Kop\n## Kop zonder witregel",
        "#Kop",
    ],
)
def test_anything_but_plain_headings_and_placeholders_goes_through_python_markdown(skeleton):
    assert skeleton_html(skeleton) is None


def test_blocks_split_as_the_regular_expression_splits_them():
    import random
    import re

    rng = random.Random(20261203)
    texts = ["", "\n", "\n\n", "a\n\n\n", "\n\n\n\nb", "a\n\n\n\n\nb\n\n"]
    texts += [
        "".join(rng.choice("a\n\n b") for _ in range(rng.randrange(14))) for _ in range(20000)
    ]
    for text in texts:
        assert split_blocks(text) == re.split(r"\n{2,}", text), repr(text)


class _AreaPage:
    """What the shell reuse reads of a page (mkdocs' Page has these)."""

    def __init__(self, code: str, content: str):
        self.meta = {"title": Markup(f"Buurt {code}")}
        self.content, self.url, self.toc = content, f"buurt/{code}/", []
        self.is_homepage = False
        self.previous_page = self.next_page = self.parent = None
        self.canonical_url = self.edit_url = None


def _render_group(contents: list[str]) -> tuple[list[str], list[str], int]:
    """Render pages of one group through the shell reuse and through the template."""
    import jinja2

    template = jinja2.Environment().from_string(
        "<title>{{ page.meta.title }}</title><main>{{ page.content }}</main>"
        "{% if page.content|length > 40 %}<p>lang</p>{% endif %}"
    )
    reuse = _ShellReuse(True)
    shortcut, plain = [], []
    for n, content in enumerate(contents):
        page = _AreaPage(f"BU{n:04d}", content)
        context = {"page": page, "base_url": "../.."}
        shortcut.append(reuse._render(template, None, context, page))
        plain.append(template.render(context))
    return shortcut, plain, reuse.reused


def test_pages_of_a_group_are_filled_into_its_shell():
    shortcut, plain, reused = _render_group([f"<p>kort {n}</p>" for n in range(6)])
    assert shortcut == plain
    assert reused == 3  # the first three are rendered by the template (two to check)


def test_a_shell_the_check_finds_wrong_is_dropped_for_the_group():
    """The third page of a group is rendered both ways: when the shell (made from the
    second) does not give the template's bytes, the whole group goes page by page."""
    contents = ["<p>kort</p>", "<p>kort</p>", "<p>" + "lang " * 20 + "</p>", "<p>kort</p>"]
    shortcut, plain, reused = _render_group(contents)
    assert shortcut == plain
    assert reused == 0
