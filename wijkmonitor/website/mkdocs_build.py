"""The only module that knows mkdocs: merge the monitor's mkdocs.yml with the generated
navigation and paths, and run a strict build.

Moving the site to another static-site generator means replacing this module; the
page generator produces plain Markdown, chart specs and a navigation list. The adapter
knows no page types and no sections of the site: every page says in its front matter
what it needs (``search``, ``nav``, ``hide``: see ``markup.Page``), and the site layer
hands over the rest (the site's title, the notice every page carries).

Three shortcuts keep a national site (some 17,000 pages) fast, each writing the bytes
mkdocs' own pipeline writes (tests/test_render_shortcuts.py and tests/test_page_workers.py
build sites both ways): the plain skeleton of a generated page (headings between
finished HTML blocks) is converted here instead of by Python-Markdown
(``skeleton_html``), pages of one shape are filled into a shell the theme rendered once
for their group (``_ShellReuse``), and pages outside the navigation are read and built
by worker processes on the other cores (``_PageWorkers``).

The site layer may also hand over pages to generate (``GeneratedPage``) instead of
Markdown files: each is made in the process that renders it, so a national site's
pages never go through the disk (only with no plugin but search: ``generates_pages``).
"""

from __future__ import annotations

import html
import importlib.metadata
import io
import logging
import os
import re
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from markupsafe import Markup, escape
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config.base import load_config
from mkdocs.exceptions import Abort, MkDocsException
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import yaml_load

from wijkmonitor.forked_workers import ForkedWorkers, can_fork, worker_count
from wijkmonitor.website.assets import theme_overrides
from wijkmonitor.website.markup import SEARCH_MODES, SUMMARY_CLASS
from wijkmonitor.website.page_keys import digest, folder_parts, json_text
from wijkmonitor.website.page_store import KeptPage, PageStore, Reusable, link_previous

ASSET_DIR = "assets/wijkmonitor"
REQUIRED_EXTENSIONS = ("admonition", "attr_list", "tables", "toc")
# Builds are reproducible: mkdocs dates the sitemap's gzip header from this.
SOURCE_DATE_EPOCH = "0"


class BuildError(Exception):
    """mkdocs refused the site (strict mode): the warnings say why."""


def read_site_config(path: Path) -> dict[str, Any]:
    """The monitor's mkdocs.yml (the site's settings: theme, search, hand-written pages).

    A missing mkdocs.yml, or one that is not UTF-8, not YAML or not a mapping, raises a
    ProblemsError naming the file (and the line).
    """
    from wijkmonitor.core.problems import Problem, ProblemsError

    display = path.name
    if not (path.exists() or path.is_symlink()):  # a pipe or link to nothing: read_utf8 says
        message = (
            "is missing; the site build needs it (theme, search, hand-written pages). "
            "`wijkmonitor init NEW_DIR` writes one to copy; the smallest is `theme: material`"
        )
        raise ProblemsError([Problem(display, None, "file", message)])
    _check_site_yaml(path, display)
    try:
        # mkdocs' loader: it knows the !ENV and !relative tags and INHERIT of mkdocs.yml.
        with open(path, "rb") as fd:
            config = yaml_load(fd)
    except MkDocsException as exc:
        raise ProblemsError([Problem(display, None, "mkdocs", str(exc))]) from None
    if config is None:
        return {}
    if not isinstance(config, dict):
        message = (
            "must be a mapping of mkdocs settings (site_name, theme, ...); "
            "`wijkmonitor init NEW_DIR` writes an example"
        )
        raise ProblemsError([Problem(display, 1, "top level", message)])
    return config


def _check_site_yaml(path: Path, display: str) -> None:
    """Read mkdocs.yml and every file it INHERITs the way mkdocs will not: each one
    not UTF-8, not a regular file, too large, not YAML or with aliases that expand into
    millions of values (a "billion laughs") is a Problem naming the file and line, and
    so is an INHERIT that is not a path or leads back to a file of the chain. mkdocs'
    own loader then reads the same files without hanging, running out of memory or
    recursing without end."""
    import yaml

    from wijkmonitor.core.inputfiles import MAX_YAML_BYTES
    from wijkmonitor.core.problems import Problem, ProblemsError
    from wijkmonitor.core.yamlfile import MAX_EXPANDED, compose_checked, read_utf8

    seen: set[str] = set()
    while True:
        text = read_utf8(path, display, MAX_YAML_BYTES)
        # Syntax first, with the line: composing ignores mkdocs' tags (!ENV, !relative).
        node, loader = compose_checked(text, display, MAX_EXPANDED)
        loader.dispose()
        seen.add(os.path.realpath(path))
        inherit = None
        if isinstance(node, yaml.MappingNode):
            inherit = next((v for k, v in node.value if k.value == "INHERIT"), None)
        if inherit is None:
            return
        line = inherit.start_mark.line + 1
        if not isinstance(inherit, yaml.ScalarNode) or not inherit.value.strip():
            message = "must be the path of a YAML file to inherit settings from"
            raise ProblemsError([Problem(display, line, "INHERIT", message)])
        parent = Path(os.path.normpath(os.path.join(os.path.dirname(path), inherit.value)))
        if os.path.realpath(parent) in seen:
            message = (
                f"{inherit.value} is this file or inherits from it, a loop; inherit from a "
                "file that does not"
            )
            raise ProblemsError([Problem(display, line, "INHERIT", message)])
        if not os.path.lexists(parent):
            message = f"{inherit.value} does not exist; give the path relative to {display}"
            raise ProblemsError([Problem(display, line, "INHERIT", message)])
        if os.path.isabs(inherit.value):
            display = inherit.value
        else:
            display = os.path.normpath(Path(display).parent / inherit.value)
        path = parent


def as_html(text: object) -> Markup:
    """Plain text as the HTML Material's templates expect: site name, navigation and page
    titles are printed there without escaping (``{{ page.title }}``), and escaped again
    in some attributes (``| e``), which leaves a Markup string as it is."""
    return Markup(html.escape(str(text)))


def _escaped_nav(nav: list) -> list:
    """The navigation with every title escaped (titles are plain text)."""
    out = []
    for item in nav:
        if isinstance(item, dict):
            out.append(
                {as_html(k): _escaped_nav(v) if isinstance(v, list) else v for k, v in item.items()}
            )
        else:
            out.append(item)
    return out


def _entry_name(entry: str | dict) -> str:
    """The name of a Markdown extension or a plugin as mkdocs.yml lists it: a name, or a
    mapping of the name onto its settings ("" for an empty mapping: mkdocs refuses it)."""
    return entry if isinstance(entry, str) else next(iter(entry), "")


def merged_config(
    site: dict[str, Any],
    *,
    title: str,
    docs_dir: Path,
    site_dir: Path,
    overrides_dir: Path,
    nav: list,
    notice: str = "",
) -> dict[str, Any]:
    """The monitor's site config with what the build decides put in (pure).

    ``notice``: a line the footer of every page carries after the site's copyright (the
    site layer's words, e.g. that the figures are synthetic); "" for none.
    """
    theme = site.get("theme") or {"name": "material"}
    if isinstance(theme, str):
        theme = {"name": theme}
    theme = {"language": "nl", **theme, "font": False, "custom_dir": str(overrides_dir)}
    extensions = list(site.get("markdown_extensions") or [])
    present = {_entry_name(e) for e in extensions}
    extensions += [e for e in REQUIRED_EXTENSIONS if e not in present]
    # charts.js imports the Vega bundle itself, and only where the page has a chart.
    scripts = [{"path": f"{ASSET_DIR}/charts.js", "type": "module"}]
    scripts.append({"path": f"{ASSET_DIR}/filter.js", "defer": True})
    copyright_ = site.get("copyright") or ""
    if notice:
        copyright_ = f"{copyright_} · {notice}" if copyright_ else notice
    return {
        **site,
        "site_name": as_html(site.get("site_name") or title),
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "nav": _escaped_nav(list(nav) + list(site.get("nav") or [])),
        "theme": theme,
        "markdown_extensions": extensions,
        "plugins": site.get("plugins") or ["search"],
        "extra_css": [f"{ASSET_DIR}/wijkmonitor.css", *(site.get("extra_css") or [])],
        "extra_javascript": [*scripts, *(site.get("extra_javascript") or [])],
        "extra": {"generator": False, **(site.get("extra") or {})},
        "copyright": copyright_,
        "use_directory_urls": True,
        "strict": True,
    }


# A page that says nothing about its layout (a hand-written one) does without the
# navigation sidebar: the header's tabs carry the navigation and the text gets the width.
DEFAULT_HIDE = ("navigation",)
NAV_HIDDEN = "hidden"  # front matter ``nav: hidden``: the navigation never lists the page

log = logging.getLogger("mkdocs.plugins.wijkmonitor")  # a warning fails the strict build


def front_matter(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The front matter of a Markdown file, reading no further than its end ({} for none,
    or one that is not YAML: mkdocs reports that when it reads the page)."""
    import yaml

    lines: list[str] = []
    try:
        with open(path, encoding="utf-8-sig") as fd:
            if fd.readline().rstrip() != "---":
                return {}
            for line in fd:
                if line.rstrip() in ("---", "..."):
                    # libyaml where it is there, as mkdocs reads front matter itself
                    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
                    data = yaml.load("".join(lines), Loader=loader)  # noqa: S506 (safe)
                    return data if isinstance(data, dict) else {}
                lines.append(line)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        pass
    return {}


# Generated pages are mostly finished HTML (charts, tables, paragraphs of escaped text
# with links), which Python-Markdown would re-parse tag by tag: most of a national
# build's time. Such blocks skip Markdown; headings and admonitions still go through it
# (the table of contents and the boxes come from there).
_HTML_BLOCK = re.compile(r"<(figure|table|div|ul|ol|p)\b.*</\1>", re.S)
# A paragraph Markdown would leave as it is: no Markdown syntax in it, no indentation.
_SPECIALS = re.compile(r"[*_`\[\]\\]|^[ \t>#!|+-]|^\d+\.|\n[ \t>#!|+-]|\n\d+\.")
_TAG = re.compile(r"<[^>]*>")  # inline HTML: Markdown leaves its attributes alone
_PLACEHOLDER = re.compile(r"<p>WMRAW(\d{6})</p>")


def split_blocks(text: str) -> list[str]:
    """``re.split(r"\\n{2,}", text)``, a few times faster on a page of 70 kB: str.split
    finds the blank lines. A run of k newlines splits into k // 2 separators, with the
    empty parts between them and an odd newline before the next part to drop."""
    parts = text.split("\n\n")
    out = [parts[0]]
    for part in parts[1:]:
        part = part[1:] if part[:1] == "\n" else part
        if part:
            out.append(part)
    if text.endswith("\n\n"):  # a run at the end leaves an empty last part
        out.append("")
    return out


def stash_html(markdown: str) -> tuple[str, list[str]]:
    """Replace finished HTML blocks by placeholders; return the Markdown and the blocks."""
    blocks: list[str] = []
    parts = []
    for block in split_blocks(markdown):
        stripped = block.strip()
        if _HTML_BLOCK.fullmatch(stripped):
            html = stripped
        elif stripped and not _SPECIALS.search(_TAG.sub("", block)):
            html = f"<p>{stripped}</p>"
        else:
            parts.append(block)
            continue
        if parts and parts[-1] == f"WMRAW{len(blocks) - 1:06d}":
            blocks[-1] += "\n" + html  # one placeholder for a run of HTML blocks
            continue
        parts.append(f"WMRAW{len(blocks):06d}")
        blocks.append(html)
    return "\n\n".join(parts), blocks


def unstash_html(html: str, blocks: list[str]) -> str:
    return _PLACEHOLDER.sub(lambda m: blocks[int(m.group(1))], html)


# What is left of a generated page once its HTML blocks are stashed is mostly headings
# between placeholders, yet Python-Markdown costs a page more than a millisecond (a new
# converter per page, every block and inline processor): some 20 s of a national build.
# Such a skeleton is converted here, with Python-Markdown's own slugify, unique and
# nest_toc_tokens, into the HTML and table of contents Python-Markdown writes — only
# with the extensions whose output for headings and plain paragraphs is known (the
# required ones, without options), and only headings of plain text: anything else, and
# every hand-written page, goes through Python-Markdown.
PLAIN_EXTENSIONS = frozenset((*REQUIRED_EXTENSIONS, "fenced_code"))  # with mkdocs' defaults
_SKELETON_HEADING = re.compile(r"(#{1,6}) ([\w.,:;()'/%+=–—−-]+(?: [\w.,:;()'/%+=–—−-]+)*)")
_SKELETON_PLACEHOLDER = re.compile(r"WMRAW\d{6}")


def skeleton_html(markdown: str) -> tuple[str, list[dict]] | None:
    """The HTML and the toc tokens Python-Markdown (with the toc extension's defaults)
    makes of a skeleton of ATX headings of plain text and stash placeholders, or None
    for anything else."""
    from markdown.extensions.toc import nest_toc_tokens, slugify, unique

    html, tokens, ids, counters = [], [], set(), {}
    for block in split_blocks(markdown):
        block = block.strip("\n")
        if not block:
            continue
        if _SKELETON_PLACEHOLDER.fullmatch(block):
            html.append(f"<p>{block}</p>")
            continue
        heading = _SKELETON_HEADING.fullmatch(block)  # no "#" in the text: no closing hashes
        if heading is None:
            return None
        level, text = len(heading.group(1)), heading.group(2)
        ident = unique(slugify(text, "-"), ids, counters)
        ids.add(ident)
        html.append(f'<h{level} id="{ident}">{text}</h{level}>')
        tokens.append({"level": level, "id": ident, "name": text, "html": text})
    return "\n".join(html), nest_toc_tokens(tokens)


@dataclass(frozen=True)
class GeneratedPage:
    """A page the build makes while it renders the site: whether the navigation may list
    it (what ``nav: hidden`` says of a file) and the function returning its Markdown, front
    matter included, called once, in the process that renders the page."""

    in_nav: bool
    markdown: Callable[[], str]
    # What the page is made of ("" for: anything): with a store of the previous build's
    # pages (run_build), a page whose key and rendering are unchanged is taken from there.
    key: str = ""


class _GeneratedFile(File):
    """A page of the docs tree that is not on disk: its source is made when mkdocs reads it."""

    def __init__(self, src_uri: str, page: GeneratedPage, config: Any) -> None:
        in_nav = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
        super().__init__(
            src_uri, None, config["site_dir"], config["use_directory_urls"], inclusion=in_nav
        )
        # Not marked generated_by: mkdocs gives such a file no edit link, and the page must
        # be the page the same Markdown in a file makes.
        self._make = page.markdown
        self.made: str | None = None  # the Markdown, when made before mkdocs reads it

    @property
    def content_string(self) -> str:
        if self.made is not None:
            made, self.made = self.made, None  # read once
            return made
        return self._make()

    @property
    def content_bytes(self) -> bytes:
        return self.content_string.encode("utf-8")


def _walk_order(file: Any) -> tuple:
    """Where mkdocs' walk of the docs tree puts a file: a folder's files (index first)
    before its subfolders, each level sorted by name (``mkdocs.structure.files.get_files``)."""
    *folders, name = file.src_uri.split("/")
    index_first = os.path.splitext(name)[0] not in ("index", "README")
    return (*((1, folder) for folder in folders), (0, index_first, name))


def generates_pages(config: dict[str, Any]) -> bool:
    """Whether ``run_build`` may be given pages to generate (``GeneratedPage``) rather than
    files: only with no plugin but search, as other plugins (Material's meta and blog
    among them) read the pages' source files from the docs directory."""
    return _only_search(config)


class _SitePlugin(BasePlugin):
    """Follows the pages' hints (``nav``, ``hide``), passes their finished HTML blocks
    around Markdown, and reports every rendered page (the CLI's progress bar)."""

    def __init__(
        self,
        on_page: Callable[[], None] | None,
        skeletons: bool = True,
        pages: Mapping[str, GeneratedPage] | None = None,
        folders: tuple[Path, list[str]] | None = None,
    ):
        super().__init__()
        self.progress = on_page  # called once per page written
        self.ahead = folders  # folders to move into the site directory (run_build)
        self._there: set[str] = set()  # the folders moved in
        self.pages = pages or {}  # generated pages, by docs path
        self._blocks: dict[str, list[str]] = {}
        self._skeletons = skeletons  # convert plain skeletons here (see skeleton_html)
        self.skeletons = 0  # pages converted here (for tests and benchmarks)
        self.folders: _Folders | None = None

    def on_config(self, config: Any) -> Any:
        names = {_entry_name(e) for e in config["markdown_extensions"]}
        if not names <= PLAIN_EXTENSIONS or any(config["mdx_configs"].values()):
            self._skeletons = False
        return config

    def on_files(self, files: Any, config: Any) -> Any:
        if self.ahead is not None:  # the site directory is empty now (mkdocs cleaned it)
            tree, listed = self.ahead
            site_dir = config["site_dir"]
            os.makedirs(site_dir, exist_ok=True)
            for name in sorted(f for f in listed if "/" not in f):  # listed folders only
                destination = os.path.join(site_dir, name)
                if not os.path.lexists(destination):
                    os.rename(os.path.join(tree, name), destination)
            self._there = {os.path.join(site_dir, *f.split("/")) for f in listed}
        # Before the navigation is built, so a page that says ``nav: hidden`` is neither
        # listed in an automatic navigation nor reported as missing from a given one. A
        # navigation that names it (the publisher's mkdocs.yml) still lists it.
        for file in files.documentation_pages():
            if front_matter(file.abs_src_path).get("nav") == NAV_HIDDEN:
                file.inclusion = InclusionLevel.NOT_IN_NAV
        if not self.pages:
            return files
        on_disk = [uri for uri in self.pages if files.get_file_from_path(uri) is not None]
        if on_disk:  # the site layer checks for this first (a hand-written page)
            raise BuildError(f"generated pages that are also files: {', '.join(on_disk)}")
        made = [_GeneratedFile(uri, page, config) for uri, page in self.pages.items()]
        # The pages' folders that were not moved in above.
        folders = {os.path.dirname(f.abs_dest_path) for f in made}
        self.folders = _Folders(sorted(folders - self._there))
        # In the order of the walk that found the files on disk: the pages are built,
        # indexed for search and listed in the sitemap in this order.
        return Files(sorted([*files, *made], key=_walk_order))

    def on_page_markdown(self, markdown: str, page: Any, **kwargs: Any) -> str:
        # Material's own key and terms (a hand-written page may name more of its parts).
        page.meta.setdefault("hide", list(DEFAULT_HIDE))
        title = page.meta.get("title")
        if isinstance(title, str) and not isinstance(title, Markup):  # plain text
            page.meta["title"] = as_html(title)
        markdown, blocks = stash_html(markdown)
        self._blocks[page.file.src_uri] = blocks
        if self._skeletons and "title" in page.meta:
            converted = skeleton_html(markdown)
            if converted is not None:  # Python-Markdown gets nothing to do
                _render_converted(page, *converted)
                self.skeletons += 1
        return markdown

    def on_page_content(self, html: str, page: Any, **kwargs: Any) -> str:
        return unstash_html(html, self._blocks.pop(page.file.src_uri, []))

    def on_post_page(self, output: str, **kwargs: Any) -> str:
        self.page_done()
        return output

    def page_done(self) -> None:
        if self.progress is not None:
            self.progress()

    def on_post_build(self, config: Any) -> None:
        self.stop()

    def stop(self) -> None:
        """Wait for the folders' thread (at the end of a build, however it ends)."""
        if self.folders is not None:
            self.folders.stop()


class _Folders:
    """Make the folders of the generated pages on a thread, ahead of the pages. Each page
    is a folder of its own (``a/b/index.html``), and making a folder is the slow part of
    putting a file in place: 16,000 folders took 2.0-7.9 s of the kernel's time on this
    project's build machine (ext4; 0.08 s on tmpfs), against 0.15 s for as many links.
    Started when mkdocs has emptied the site directory, they are there when the previous
    build's pages are linked in (or a worker writes a page), and a rebuild does not wait
    for them. The thread only makes folders (os calls, no locks a forked worker could
    inherit held); a folder it cannot make is left to whoever writes the page, which
    says what failed."""

    def __init__(self, folders: list[str]) -> None:
        self._folders, self._stopped = folders, False
        self._thread = threading.Thread(target=self._run, name="site-folders", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for folder in self._folders:  # sorted: a folder before the folders in it
            if self._stopped:
                return
            try:
                os.makedirs(folder, exist_ok=True)
            except OSError:
                return

    def stop(self) -> None:
        self._stopped = True
        self._thread.join()


def _render_converted(page: Any, html: str, tokens: list[dict]) -> None:
    """Stand in, for this page only, for mkdocs' ``Page.render``, which makes a new
    Python-Markdown converter for every page (some 0.3 ms, even for no text): set what it
    sets from the conversion, then let the page's own method be again."""
    from mkdocs.structure.toc import get_toc

    def render(config: Any, files: Any) -> None:
        del page.render
        page.content = html
        page.toc = get_toc(tokens)
        page.present_anchor_ids = {anchor.id for anchor in _all_anchors(page.toc)}
        page.links_to_anchors = {}  # a skeleton links nowhere

    page.render = render


def _all_anchors(items: Any) -> Iterator[Any]:
    for item in items:
        yield item
        yield from _all_anchors(item.children)


class _HoldContent(BasePlugin):
    """mkdocs renders the HTML of every page before it writes the first one, so all of a
    national site's pages (some 1.5 GB as Python strings) would be in memory at once.
    Each page's HTML is held compressed from the moment every plugin has seen it until
    its own page is rendered, and let go once it is written. Plugins that read
    ``page.content`` between those moments (in ``on_env`` or ``on_nav``) would see none."""

    def __init__(self) -> None:
        super().__init__()
        self._held: dict[str, bytes] = {}
        self.enabled = True  # a page worker builds each page right after reading it

    @event_priority(-200)  # after every other plugin's on_page_content
    def on_page_content(self, html: str, page: Any, **kwargs: Any) -> str:
        if not self.enabled:
            return html
        self._held[page.file.src_uri] = zlib.compress(html.encode("utf-8"), 1)
        return ""

    @event_priority(200)  # before every other plugin's on_page_context (search too)
    def on_page_context(self, context: Any, page: Any, **kwargs: Any) -> Any:
        held = self._held.pop(page.file.src_uri, None)
        if held is not None:
            page.content = zlib.decompress(held).decode("utf-8")
        return context

    @event_priority(-200)
    def on_post_page(self, output: str, page: Any, **kwargs: Any) -> str:
        page.content = None  # written: nothing reads it again
        return output


# Rendering many pages of one shape: a national site has some 17,000 area pages that
# differ only in title, content and address, yet Material's templates (header, tabs,
# navigation, footer) cost more per page than everything else mkdocs does. Pages of one
# *group* (see ``_ShellReuse._key``: the same template, folder, table of contents,
# front matter besides the title, neighbours, and whether the content has its own <h1>)
# get the same HTML around those three, so the theme renders it once with markers in
# their place (the *shell*), and every further page of the group is the shell with its
# own title, content and address put in. What the markers come out as tells which
# filters the templates put each through (raw, striptags, striptags|e); a marker that
# comes out in any other form, or a page address left in the shell, makes the group
# render page by page as before. So does a shell that does not reproduce, byte for
# byte, the two pages of its group that are rendered both ways to check it.
SHELL_TEMPLATE = "wijkmonitor-page.html"
_SHELL_VALUE = "wijkmonitor_page_html"
# Markers with a tag, an entity and capitals, so that every filter changes them.
_TITLE_MARK = Markup("WmShellTitleSlot<i>&amp;</i>MarkWhichFiltersTheTemplatesApplyEnd")
_HEADING_MARK = "WmShellHeadingSlot<i>&amp;</i>MarkOfTheFirstHeadingOfTheTocEnd"
_HEADING_ID_MARK = "WmShellHeadingIdSlotMarkEnd"
_CONTENT_MARK = "WmShellContentSlotMarkEnd"


def _forms(prefix: str, text: str) -> dict[str, str]:
    """The forms a text takes in the templates by the filters put on it (for Markup,
    ``e`` leaves it as it is), named ``prefix:filters``."""
    stripped = Markup(str(text)).striptags()  # what Jinja's ``striptags`` filter does
    return {
        f"{prefix}:raw": str(text),
        f"{prefix}:e": str(escape(text)),
        f"{prefix}:striptags": stripped,
        f"{prefix}:striptags|e": str(escape(stripped)),
    }


def _first_heading(page: Any) -> Any:
    """The table of contents' first entry if it is the page's <h1> (Material's "skip to
    content" link points at it), else None."""
    first = next(iter(page.toc), None)
    return first if first is not None and first.level == 1 else None


def _slot_values(page: Any) -> dict[str, str]:
    values = _forms("title", page.meta["title"])
    values["content"], values["url"] = page.content, page.url
    heading = _first_heading(page)
    if heading is not None:
        values.update(_forms("heading", heading.title))
        values["heading-id"] = heading.id
    return values


class _Shell:
    """A group's page HTML with the slots its pages fill: literal text and slot names."""

    def __init__(self, parts: list[str], slots: list[str]):
        self.parts, self.slots = parts, slots

    def fill(self, page: Any) -> str:
        values = _slot_values(page)
        out = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:], strict=True):
            out.append(values[slot])
            out.append(part)
        return "".join(out)


def _make_shell(rendered: str, page_url: str) -> _Shell | None:
    """The shell in ``rendered`` (a page rendered with the markers), or None when a
    marker came out in an unknown form or the page's own address is left in it."""
    marks = {text: form for form, text in _forms("title", _TITLE_MARK).items()}
    marks.update({text: form for form, text in _forms("heading", _HEADING_MARK).items()})
    marks[_HEADING_ID_MARK] = "heading-id"
    marks[_CONTENT_MARK] = "content"
    marks[page_url] = "url"
    pattern = re.compile("|".join(re.escape(m) for m in sorted(marks, key=len, reverse=True)))
    parts, slots, start = [], [], 0
    for match in pattern.finditer(rendered):
        parts.append(rendered[start : match.start()])
        slots.append(marks[match.group()])
        start = match.end()
    parts.append(rendered[start:])
    if slots.count("content") != 1:
        return None
    own = page_url.rstrip("/").rsplit("/", 1)[-1]  # e.g. the area code of buurt/BU0001/
    for part in parts:
        if "wmshell" in part.lower() or (own and own in part):
            return None
    return _Shell(parts, slots)


def _toc_key(items: Any, top: bool = False) -> tuple:
    """The table of contents as a key; the page's <h1> entry (a slot) by its place only."""
    return tuple(
        (i.level, None, None) if top and n == 0 and i.level == 1 else (i.level, i.id, str(i.title))
        for n, i in enumerate(items)
    ) + tuple(_toc_key(i.children) for i in items)


def _probe_toc(page: Any) -> Any:
    """The page's table of contents with its <h1> entry marked (a copy)."""
    from mkdocs.structure.toc import AnchorLink, TableOfContents

    heading = _first_heading(page)
    if heading is None:
        return page.toc
    marked = AnchorLink(_HEADING_MARK, _HEADING_ID_MARK, heading.level)
    marked.children = heading.children
    return TableOfContents([marked, *list(page.toc)[1:]])


class _GroupState:
    def __init__(self) -> None:
        self.rendered = 0  # pages rendered by the theme page by page
        self.shell: _Shell | None = None
        self.checks = 0  # pages still to render both ways
        self.off = False


class _ShellReuse(BasePlugin):
    """Renders every page itself in its last ``on_page_context`` (so the page's context is
    final) and hands mkdocs the finished HTML through a one-line template: from a
    group's shell where the group has one, otherwise by the page's own template."""

    def __init__(self, reuse: bool) -> None:
        super().__init__()
        self.reuse = reuse
        self._env: Any = None
        self._template: dict[str, str | None] = {}  # the page's own template: none, a name
        self._groups: dict[tuple, _GroupState] = {}
        self.reused = 0  # pages filled from a shell (for tests and benchmarks)

    def on_env(self, env: Any, config: Any, files: Any) -> Any:
        import jinja2

        if not self.reuse:  # every page by its own template, as mkdocs renders it
            return env
        self._env = env
        shell = jinja2.DictLoader({SHELL_TEMPLATE: "{{ " + _SHELL_VALUE + " }}"})
        env.loader = jinja2.ChoiceLoader([shell, env.loader])
        for file in files.documentation_pages():
            # A page not read yet (one a page worker reads and builds) is adopted then.
            if file.page is not None and file.page.markdown is not None:
                self.adopt(file.page)
        return env

    def adopt(self, page: Any) -> None:
        """mkdocs picks a page's template before its on_page_context: point it at the
        one-line template now and give the page its own name back when it renders."""
        if not self.reuse or page.file.inclusion.is_excluded():  # a draft gets its marker
            return
        self._template[page.file.src_uri] = page.meta.get("template")
        page.meta["template"] = SHELL_TEMPLATE

    @event_priority(-300)  # after every other plugin's on_page_context
    def on_page_context(self, context: Any, page: Any, **kwargs: Any) -> Any:
        src = page.file.src_uri
        if src not in self._template:
            return context
        own = self._template.pop(src)
        if own is None:
            del page.meta["template"]
        else:
            page.meta["template"] = own
        template = self._env.get_template(own or "main.html")
        context[_SHELL_VALUE] = self._render(template, own, context, page)
        return context

    def _key(self, name: str | None, context: Any, page: Any) -> tuple | None:
        title = page.meta.get("title")
        if not isinstance(title, Markup) or not isinstance(page.content, str):
            return None
        if not page.url:  # the home page: one of its kind
            return None

        def url(other: Any) -> Any:  # a neighbouring page, or a section (no address)
            return getattr(other, "url", None if other is None else ("section", other.title))

        meta = repr(sorted((k, repr(v)) for k, v in page.meta.items() if k != "title"))
        return (
            name,
            context.get("base_url"),
            page.url.rstrip("/").rsplit("/", 1)[0],
            _toc_key(page.toc, top=True),
            meta,
            page.is_homepage,
            url(page.previous_page),
            url(page.next_page),
            url(page.parent),
            page.canonical_url is None,
            page.edit_url is None,
            "<h1" in page.content,
            repr(sorted(k for k in context if k != _SHELL_VALUE)),
        )

    def _render(self, template: Any, name: str | None, context: Any, page: Any) -> str:
        key = self._key(name, context, page)
        if key is None:
            return template.render(context)
        group = self._groups.setdefault(key, _GroupState())
        if group.shell is not None:
            filled = group.shell.fill(page)
            if not group.checks:
                self.reused += 1
                return filled
            group.checks -= 1
            rendered = template.render(context)
            if rendered != filled:
                group.shell, group.off = None, True
            return rendered
        rendered = template.render(context)
        group.rendered += 1
        if group.rendered == 2 and not group.off:  # a second page: the group is a shape
            group.shell = self._probe(template, context, page)
            if group.shell is None or group.shell.fill(page) != rendered:
                group.shell, group.off = None, True
            group.checks = 1
        return rendered

    def _probe(self, template: Any, context: Any, page: Any) -> _Shell | None:
        import copy

        probe = copy.copy(page)
        probe.meta = {**page.meta, "title": _TITLE_MARK}
        probe.toc = _probe_toc(page)
        probe.content = f"<h1>{_CONTENT_MARK}</h1>" if "<h1" in page.content else _CONTENT_MARK
        rendered = template.render({**context, "page": probe})
        if "<h1" in page.content:  # the slot is the whole content
            rendered = rendered.replace(probe.content, _CONTENT_MARK)
        return _make_shell(rendered, page.url)


_SUMMARY = re.compile(rf'<p class="{SUMMARY_CLASS}">.*?</p>', re.DOTALL)
_FIGURES_AND_TABLES = re.compile(r"<figure\b.*?</figure>|<table\b.*?</table>", re.DOTALL)


def search_text(mode: str, content: str) -> str:
    """What the search index sees of a page's HTML, by the page's ``search`` hint (one of
    ``markup.SEARCH_MODES``; "exclude" is the search plugin's to follow)."""
    if mode == "summary":  # the page's marked summary, else what precedes its first <h2>
        marked = _SUMMARY.findall(content)
        content = "".join(marked) if marked else content.split("<h2", 1)[0]
    if mode in ("text", "summary"):
        content = _FIGURES_AND_TABLES.sub("", content)
    return content


class _SearchBefore(BasePlugin):
    """Runs before the search plugin: hands it what the page's ``search`` hint says (in
    the search plugin's own terms where it has them: ``search: {exclude: true}``)."""

    def __init__(self) -> None:
        super().__init__()
        self.full: dict[str, str] = {}
        self.summaries: set[str] = set()  # pages indexed by their summary (src_uri)

    @event_priority(100)
    def on_page_context(self, context: Any, page: Any, **kwargs: Any) -> Any:
        self.full[page.file.src_uri] = page.content
        mode = page.meta.get("search")
        if not isinstance(mode, str):  # none, or the search plugin's own settings
            return context
        if mode == "summary":
            self.summaries.add(page.file.src_uri)
        if mode not in SEARCH_MODES:
            log.warning(
                "%s: search: %r is not one of %s",
                page.file.src_uri,
                mode,
                ", ".join(SEARCH_MODES),
            )
        page.meta["search"] = {"exclude": True} if mode == "exclude" else {}
        page.content = search_text(mode, page.content)
        return context


class _SearchAfter(BasePlugin):
    """Runs after the search plugin: puts the whole page back for rendering, and marks
    the index entries of a page indexed by its summary (``"summary": true``): the site's
    search worker (static/overrides/.../wijkmonitor-search.js) looks those pages up by
    word prefix and leaves the other pages to lunr."""

    def __init__(self, before: _SearchBefore) -> None:
        super().__init__()
        self.before = before
        self.entries: list | None = None  # the search plugin's, once it has made them

    def on_pre_build(self, config: Any) -> None:
        self.entries = _search_entries(config)

    @event_priority(-100)
    def on_page_context(self, context: Any, page: Any, **kwargs: Any) -> Any:
        page.content = self.before.full.pop(page.file.src_uri)
        if page.file.src_uri in self.before.summaries:
            self.before.summaries.discard(page.file.src_uri)
            _mark_summary(self.entries, page.url)
        return context


def _search_entries(config: Any) -> list | None:
    """The search plugin's list of index entries, if it keeps one (Material's does)."""
    for plugin in config.plugins.values():
        entries = getattr(getattr(plugin, "search_index", None), "entries", None)
        if isinstance(entries, list):
            return entries
    return None


def _mark_summary(entries: list | None, url: str) -> None:
    """Marks the entries the search plugin has just added for the page at ``url`` (the
    last ones of the list: the page itself and any of its sections)."""
    for entry in reversed(entries or []):
        if entry.get("location", "").split("#", 1)[0] != url:
            break
        entry["summary"] = True


# Building pages on both cores: mkdocs reads and renders pages one by one in one process,
# some 40 s of a national build. Pages outside the navigation (area, gemeente and
# indicator pages: nearly all of a national site) need nothing from each other, so they
# are read and built by forked workers (``forked_workers``: 16 pages at a time) while
# mkdocs builds the navigation's pages itself. The workers run mkdocs' own steps for each page
# (``_populate_page``, then ``_build_page``) with every plugin, and send back what mkdocs
# keeps of a page after writing it: its search entries, its anchors and its links to
# anchors, which are put back in mkdocs' page order (same search index, same warnings).
# Only with no plugin but search: another plugin may need every page read before
# ``on_env``, or keep state across pages that a worker's copy would not share.
# From this many pages outside the navigation (fewer are built by mkdocs itself): with the
# pages generated in the workers too, the demo's 108 pages (90 outside) build in 2.6-2.7 s
# with workers against 3.1-3.3 s without; a 13-page site takes 0.05 s longer with them.
PAGE_WORKERS_FROM = 50
_PAGES_PER_CHUNK = 16
_LOOK_EVERY = 0.005  # seconds


class _WorkerLog(logging.Handler):
    """A worker's mkdocs messages, sent with each page and logged again by the parent
    (where strict mode counts the warnings)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))

    def take(self) -> list[tuple[str, int, str]]:
        records, self.records = self.records, []
        return records


class _PageFailed(Exception):
    """A page a worker could not build: the error, and the messages logged before it."""

    def __init__(self, error: Exception, records: list):
        super().__init__(str(error))
        self.error, self.records = error, records

    def __reduce__(self) -> tuple:
        return (_PageFailed, (self.error, self.records))


class _Linking:
    """Put the previous build's files of reused pages in place, in a forked process of
    its own (mkdir, link and stat for each of 16,700 pages of a national rebuild: 2.4 s on
    a thread, which held the parent's GIL from the pages it takes; 0.9 s beside them in a
    process). Where there is no fork, here and now."""

    def __init__(self, files: list[tuple[Reusable, str]]) -> None:
        self._files = files
        self._pool: ForkedWorkers | None = None
        if not files:
            return
        if not can_fork():
            self._link(0)
            return
        # Not frozen for the collector: it touches few objects, and the page workers'
        # start collects right after (a full collection of a national build: 0.1-0.2 s).
        self._pool = ForkedWorkers([0], self._link, lambda _: None, 1, chunk=1, freeze=False)
        self._pool.start()

    def _link(self, _: int) -> None:
        for found, destination in self._files:
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            link_previous(found, destination)

    def finish(self) -> None:
        """Wait until every file is in place; raises what the linking raised."""
        if self._pool is not None:
            try:
                self._pool.poll(block=True)
            finally:
                self.stop()

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool = None


def _taken(index: int, kept: KeptPage, markdown: str) -> tuple:
    """What a page worker returns (``_PageWorkers._page``) for a page taken from the
    previous build: what was kept of it, in the form a build gives."""
    links = [(uri, set(ids)) for uri, ids in kept.links.items()]
    records = [tuple(r) for r in kept.records]
    return (index, kept.search, set(kept.anchors), links, 0, 0, records, markdown, True)


class _PageWorkers(BasePlugin):
    """Replaces mkdocs' ``_populate_page`` and ``_build_page`` during a build (see
    ``patched``): pages outside the navigation are skipped by mkdocs and built by the
    workers, started when mkdocs builds its first page, collected as they come."""

    def __init__(
        self,
        site: _SitePlugin,
        hold: _HoldContent,
        shells: _ShellReuse,
        custom_dir: Any,
        store: PageStore | None = None,
        render: str = "",
        before_workers: Callable[[list[str]], None] | None = None,
    ) -> None:
        super().__init__()
        self.site, self.hold, self.shells = site, hold, shells
        self.custom_dir = custom_dir  # the theme's, as the config gives it
        self.store = store  # the previous build's pages, and this build's
        self.render = render  # render_key of the config, then with the docs tree's files
        self.before_workers = before_workers
        self._linking: _Linking | None = None
        self.workers = worker_count() if can_fork() else 1
        self.outside: set[str] = set()  # pages the workers build
        self.built = 0  # pages the workers built (for tests and benchmarks)
        self._populate: Callable = None  # mkdocs' own steps
        self._build: Callable = None
        self._args: tuple = ()  # what _build_page is called with besides the page
        self._files: Any = None
        self._entries: list | None = None  # the search index's entries
        self._by_page: dict[int, list] = {}  # doc_files index -> its search entries
        self._calls = 0
        self._looked = 0.0  # when the parent last took the workers' results
        self._pool: ForkedWorkers | None = None
        self._log = _WorkerLog()

    @event_priority(-1000)  # the navigation as every plugin left it
    def on_nav(self, nav: Any, config: Any, files: Any) -> Any:
        listed = {page.file.src_uri for page in nav.pages}
        outside = {f.src_uri for f in files.documentation_pages() if f.src_uri not in listed}
        if len(outside) >= PAGE_WORKERS_FROM and (
            self.workers >= 2 or (self.store is not None and can_fork())
        ):  # with one core, a worker still lets the previous build's pages be taken
            self.outside = outside
        self._files = files
        if any(hasattr(p, "search_index") for p in config.plugins.values()):
            self._entries = _search_entries(config)
            if self._entries is None:  # not Material's: in one process
                self.outside = set()
        return nav

    @contextmanager
    def patched(self) -> Iterator[None]:
        from mkdocs.commands import build as steps

        self._populate, self._build = steps._populate_page, steps._build_page
        steps._populate_page, steps._build_page = self._populate_page, self._build_page
        try:
            yield
        finally:
            steps._populate_page, steps._build_page = self._populate, self._build
            if self._pool is not None:
                self._pool.stop()
            if self._linking is not None:  # nothing writes into the site after the build
                self._linking.stop()

    def _populate_page(self, page: Any, config: Any, files: Any, dirty: bool = False) -> None:
        if page.file.src_uri not in self.outside:
            self._populate(page, config, files, dirty)

    def _build_page(self, page: Any, *args: Any, **kwargs: Any) -> None:
        # (page, config, doc_files, nav, env, dirty, excluded) as mkdocs calls it
        if not self.outside:  # all in this process
            self._build(page, *args, **kwargs)
            return
        if not self._calls:
            self._args = args
        index, self._calls = self._calls, self._calls + 1
        own = page.file.src_uri not in self.outside
        if own:  # its entries go in mkdocs' order at the end
            self._by_page[index] = self._entries_of(self._build, page, *args, **kwargs)
        if self._pool is None:
            # After the first page, when it is the parent's: the theme templates it compiled
            # are inherited by every worker, each fresh fork included (8 fewer compiles each).
            self._start(args[1])
        # The workers' results, and more work for them, after each page built here, and
        # every few milliseconds while passing the workers' pages (a look at the pipes for
        # each of 17,000 pages took 1.3 s of a national rebuild).
        now = time.monotonic()
        if own or now - self._looked >= _LOOK_EVERY:
            self._looked = now
            self._collect(wait=False)
        if self._calls == len(args[1]):  # the last page: wait for all of them
            self._collect(wait=True)
            if self._linking is not None:
                self._linking.finish()
            if self._entries is not None:
                self._entries[:] = [e for i in sorted(self._by_page) for e in self._by_page[i]]

    def _entries_of(self, step: Callable, *args: Any, **kwargs: Any) -> list:
        """Run ``step`` and take the search entries it added out of the index."""
        if self._entries is None:
            step(*args, **kwargs)
            return []
        before = len(self._entries)
        step(*args, **kwargs)
        entries = self._entries[before:]
        del self._entries[before:]
        return entries

    def _start(self, doc_files: Any) -> None:
        todo = [i for i, f in enumerate(doc_files) if f.src_uri in self.outside]
        if self.store is not None:
            self.render = digest(self.render, *(f.src_uri for f in doc_files))
            links: list[tuple[Reusable, str]] = []
            todo = [i for i in todo if not self._reuse(i, doc_files[i], links)]
            # The reused pages' files are linked on a thread (mkdir and link wait for the
            # disk, not for Python) while the workers make the others.
            self._linking = _Linking(links)
        if self.before_workers is not None:
            self.before_workers([doc_files[i].src_uri for i in todo])
        # Chunks of 16 pages, fewer when there are few (a rebuild's few changed pages,
        # often heavy ones, then go to every worker).
        chunk = min(_PAGES_PER_CHUNK, max(1, len(todo) // (4 * self.workers)))
        self._pool = ForkedWorkers(
            todo, self._one, self._receive, self.workers, chunk=chunk, setup=self._in_worker
        )
        self._pool.start()

    def _collect(self, wait: bool) -> None:
        try:
            self._pool.poll(block=wait)
        except _PageFailed as failed:
            self._relog(failed.records)
            raise failed.error from None

    @staticmethod
    def _relog(records: list) -> None:
        for name, level, text in records:
            logging.getLogger(name).log(level, "%s", text)

    def _receive(self, result: tuple, kept: KeptPage | None = None) -> None:
        """What mkdocs keeps of a page built elsewhere (a worker, or the previous build:
        ``taken``), and what the store keeps of it for the next build (``kept``: what the
        previous build kept of a page taken by its key, the same in every part)."""
        index, entries, anchors, links, reused, skeletons, records, markdown, taken = result
        self._relog(records)
        file = self._args[1][index]
        file.page.present_anchor_ids = anchors
        file.page.links_to_anchors = {self._files.get_file_from_path(k): v for k, v in links}
        self._by_page[index] = entries
        self.shells.reused += reused
        self.site.skeletons += skeletons
        if taken:
            self.store.reused += 1
        else:
            self.built += 1
        self.site.page_done()
        if kept is not None:
            self.store.keep(file.src_uri, kept)
            return
        key = _page_key(self.render, self.site.pages.get(file.src_uri))
        if self.store is not None and (key or markdown):
            links_to = {uri: sorted(ids) for uri, ids in links}
            records_ = [list(r) for r in records]
            kept = KeptPage(
                key, markdown, file.dest_uri, entries, sorted(anchors), links_to, records_
            )
            self.store.keep(file.src_uri, kept)

    def _reuse(self, index: int, file: Any, files: list[tuple[Reusable, str]]) -> bool:
        """Take the page from the previous build if its key and file are unchanged (its
        file and where it goes added to ``files``)."""
        key = _page_key(self.render, self.site.pages.get(file.src_uri))
        found = self.store.reusable(file.src_uri, file.dest_uri, key) if key else None
        if found is None:
            return False
        files.append((found, file.abs_dest_path))
        self._receive(_taken(index, found.kept, found.kept.markdown), found.kept)
        return True

    # In the workers:

    def _in_worker(self) -> None:
        self.hold.enabled = False
        self.site.progress = None  # the parent reports the workers' pages
        logger = logging.getLogger("mkdocs")
        logger.handlers, logger.propagate = [self._log], False

    def _one(self, index: int) -> tuple:
        try:
            return self._page(index)
        except Exception as exc:
            error = _template_error(exc, self.custom_dir) or exc
            raise _PageFailed(error, self._log.take()) from None

    def _same_markdown(self, index: int, file: _GeneratedFile) -> tuple[tuple | None, str]:
        """Make the page's Markdown; if the previous build rendered the same (with the
        same configuration, theme and files), take its file: (what _page returns, or None;
        the Markdown's digest)."""
        text = file.content_string
        markdown = digest(self.render, file.src_uri, text)
        found = self.store.reusable(file.src_uri, file.dest_uri, markdown=markdown)
        if found is None:
            file.made = text  # for mkdocs to read
            return None, markdown
        os.makedirs(os.path.dirname(file.abs_dest_path), exist_ok=True)
        link_previous(found, file.abs_dest_path)
        return _taken(index, found.kept, markdown), markdown

    def _page(self, index: int) -> tuple:
        config, doc_files, nav, env, *dirty = self._args
        file = doc_files[index]
        markdown = ""
        if self.store is not None and isinstance(file, _GeneratedFile):
            taken, markdown = self._same_markdown(index, file)
            if taken is not None:
                return taken
        page = file.page
        reused, skeletons = self.shells.reused, self.site.skeletons
        self._populate(page, config, self._files, *dirty)
        self.shells.adopt(page)
        excluded = file.inclusion.is_excluded()
        entries = self._entries_of(
            self._build, page, config, doc_files, nav, env, *dirty, excluded=excluded
        )
        links = [(f.src_uri, v) for f, v in (page.links_to_anchors or {}).items()]
        page.markdown = None  # built: nothing reads it again
        return (
            index,
            entries,
            page.present_anchor_ids,
            links,
            self.shells.reused - reused,
            self.site.skeletons - skeletons,
            self._log.take(),
            markdown,
            False,
        )


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _reproducible() -> Iterator[None]:
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = old or SOURCE_DATE_EPOCH
    try:
        yield
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]


class TemplateError(Exception):
    """A template of the theme's custom_dir (the monitor's overrides) failed to compile or
    render: which one (relative to custom_dir), the line and Jinja's message."""

    def __init__(self, template: str, line: int | None, message: str):
        super().__init__(f"{template}:{line}: {message}")
        self.template, self.line, self.message = template, line, message

    def __reduce__(self) -> tuple:  # from a page worker to the parent
        return (TemplateError, (self.template, self.line, self.message))


def _template_error(exc: Exception, custom_dir: str | None) -> TemplateError | None:
    """The TemplateError for ``exc`` if it arose in a template under ``custom_dir``.

    A syntax error (and an unknown filter or test) names its file and line; an error
    while rendering (an undefined that raises, a missing include, a division by zero)
    has them in the traceback, where Jinja puts a frame per template line."""
    import jinja2

    if not custom_dir:
        return None
    root = Path(os.path.realpath(custom_dir))

    def inside(filename: str | None) -> str | None:
        if not filename:
            return None
        path = Path(os.path.realpath(filename))
        return path.relative_to(root).as_posix() if root in path.parents else None

    if isinstance(exc, jinja2.TemplateSyntaxError) and inside(exc.filename):
        return TemplateError(inside(exc.filename), exc.lineno, exc.message or str(exc))
    found = None
    tb = exc.__traceback__
    while tb is not None:  # the innermost template frame is where it went wrong
        template = inside(tb.tb_frame.f_code.co_filename)
        if template is not None:
            found = (template, tb.tb_lineno)
        tb = tb.tb_next
    if found is None:
        return None
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template {exc.name!r} not found (in site_src/overrides/ or the theme)"
    elif isinstance(exc, jinja2.TemplateError):
        message = exc.message or type(exc).__name__
    else:
        message = f"{type(exc).__name__}: {exc}"
    return TemplateError(found[0], found[1], message)


@contextmanager
def _named_writes(linked_from: str | None = None) -> Iterator[None]:
    """mkdocs writes pages through ``utils.write_file``, whose failing write() (disk full)
    names no file: during a build it names the file it was writing. ``linked_from``: a
    docs directory that is the build's own (deleted after it): its files go into the
    site as hard links, not copies (the results' CSV files are 170 MB at national size)."""
    from mkdocs import utils

    from wijkmonitor.core.atomic import naming

    original, original_copy = utils.write_file, utils.copy_file

    def write_file(content: bytes, output_path: str) -> None:
        with naming(output_path):
            original(content, output_path)

    def copy_file(source_path: str, output_path: str) -> None:
        if linked_from and os.path.abspath(source_path).startswith(linked_from + os.sep):
            os.makedirs(os.path.dirname(output_path), exist_ok=True)
            try:
                os.link(source_path, output_path)
                return
            except OSError:  # another file system, none with links, a folder: copied
                pass
        original_copy(source_path, output_path)

    utils.write_file, utils.copy_file = write_file, copy_file
    try:
        yield
    finally:
        utils.write_file, utils.copy_file = original, original_copy


# What renders a page besides its Markdown: mkdocs, the theme and the Markdown libraries.
RENDERERS = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "markupsafe")


def render_key(config: dict[str, Any]) -> str:
    """A key of everything the rendering of a generated page depends on besides its own
    Markdown and address: the site's configuration (the navigation included; not where
    the build writes), the files of the theme's custom_dir, this adapter and the versions
    of the renderers. The page workers add the docs tree's list of files."""
    theme = dict(config.get("theme") or {})
    custom_dir = theme.pop("custom_dir", None)
    settings = {k: v for k, v in config.items() if k not in ("docs_dir", "site_dir", "theme")}
    versions = [f"{name}=={importlib.metadata.version(name)}" for name in RENDERERS]
    # A function in mkdocs.yml (!!python/name:) by its name, not its address.
    parts = [json_text([settings, theme, versions]), Path(__file__).read_bytes()]
    return digest(*parts, *(folder_parts([Path(custom_dir)]) if custom_dir else []))


def _page_key(render: str, page: GeneratedPage | None) -> str:
    if page is None or not page.key or not render:
        return ""
    return digest(render, page.key)


def _reusable_shells(config: dict[str, Any]) -> bool:
    """Whether page shells can be reused: only with the theme's own page templates and
    wijkmonitor's overrides (a custom_dir with templates of the publisher's may test
    anything about a page) and no plugin but search (another may put page-specific values
    into the context)."""
    custom_dir = (config.get("theme") or {}).get("custom_dir")
    if custom_dir and not all(_ours(t, Path(custom_dir)) for t in Path(custom_dir).rglob("*.html")):
        return False
    return _only_search(config)


def _ours(template: Path, custom_dir: Path) -> bool:
    """Whether a template of the custom_dir is wijkmonitor's own, as shipped (its
    main.html only points the site's search at wijkmonitor's worker)."""
    own = theme_overrides() / template.relative_to(custom_dir)
    return own.is_file() and own.read_bytes() == template.read_bytes()


def _only_search(config: dict[str, Any]) -> bool:
    names = [_entry_name(p) for p in config.get("plugins") or []]
    return all(name in ("search", "material/search") for name in names)


class Shortcuts(NamedTuple):
    """How many pages a build took the short way: filled into a shell of their group,
    converted from a plain skeleton without Python-Markdown."""

    shells: int
    skeletons: int
    in_workers: int  # pages read and built by the page workers


def run_build(
    config: dict[str, Any],
    config_file: Path,
    on_page: Callable[[], None] | None = None,
    shortcuts: bool = True,
    pages: Mapping[str, GeneratedPage] | None = None,
    store: PageStore | None = None,
    before_workers: Callable[[list[str]], None] | None = None,
    scratch_docs: bool = False,
    folders: tuple[Path, list[str]] | None = None,
) -> Shortcuts:
    """Run a strict mkdocs build of ``config``; raise BuildError with mkdocs' warnings,
    TemplateError when a template of the theme's custom_dir fails. ``pages``: pages to
    generate besides the docs directory's files (by docs path; see ``generates_pages``).
    ``store``: the previous build's pages; a generated page outside the navigation whose
    key (``GeneratedPage.key`` with ``render_key``) is unchanged is taken from there, and
    the store keeps what this build rendered (the page workers do both).
    ``before_workers``: called with the docs paths the page workers will make, before
    they fork (to prepare, once, what those pages share). ``scratch_docs``: the docs
    directory is the build's own, deleted after it, so its files may be linked into the
    site instead of copied. ``folders``: a directory of empty folders (``site_folders.py``)
    and their list (POSIX, relative to it), moved into the site directory once mkdocs has
    emptied it, before any page is written.
    ``shortcuts=False`` renders every page as mkdocs itself does: Python-Markdown, then
    its template (the tests compare the two)."""
    logger = logging.getLogger("mkdocs")
    collect = _Collect()
    logger.addHandler(collect)
    custom_dir = (config.get("theme") or {}).get("custom_dir")
    # Before mkdocs reads the config (it takes the plugins' settings out of it).
    if pages and not generates_pages(config):
        raise ValueError("pages to generate need a site with no plugin but search")
    reuse_shells = shortcuts and _reusable_shells(config)
    page_workers = shortcuts and _only_search(config)
    site: _SitePlugin | None = None
    try:
        linked_from = os.path.abspath(config["docs_dir"]) if scratch_docs else None
        with _reproducible(), _named_writes(linked_from):
            cfg = load_config(io.BytesIO(b"{}"), config_file_path=str(config_file), **config)
            site = _SitePlugin(on_page, skeletons=shortcuts, pages=pages, folders=folders)
            cfg.plugins["wijkmonitor"] = site
            hold = cfg.plugins["wijkmonitor-hold-content"] = _HoldContent()
            before = _SearchBefore()
            cfg.plugins["wijkmonitor-search-before"] = before
            cfg.plugins["wijkmonitor-search-after"] = _SearchAfter(before)
            shells = _ShellReuse(reuse_shells)
            cfg.plugins["wijkmonitor-shells"] = shells
            render = render_key(config) if store is not None else ""
            workers = _PageWorkers(site, hold, shells, custom_dir, store, render, before_workers)
            if page_workers:
                cfg.plugins["wijkmonitor-page-workers"] = workers
            with workers.patched() if page_workers else nullcontext():
                mkdocs_build(cfg)
            return Shortcuts(shells.reused, site.skeletons, workers.built)
    except (Abort, MkDocsException) as exc:
        detail = "\n".join(collect.messages) or str(exc)
        raise BuildError(f"mkdocs: {exc}\n{detail}") from None
    except Exception as exc:
        template = _template_error(exc, custom_dir)
        if template is None:
            raise
        raise template from None
    finally:
        if site is not None:
            site.stop()
        logger.removeHandler(collect)
