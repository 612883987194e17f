"""The only module that knows mkdocs: merge the monitor's mkdocs.yml with the generated
navigation and paths, and run a strict build.

Moving the site to another static-site generator means replacing this module; the
page generator produces plain Markdown, chart specs and a navigation list. The adapter
knows no page types and no sections of the site: every page says in its front matter
what it needs (``search``, ``nav``, ``hide``: see ``markup.Page``), and the site layer
hands over the rest (the site's title, the notice every page carries).
"""

from __future__ import annotations

import html
import io
import logging
import os
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config.base import load_config
from mkdocs.exceptions import Abort, MkDocsException
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import InclusionLevel
from mkdocs.utils import yaml_load

from wijkmonitor.website.markup import SEARCH_MODES, SUMMARY_CLASS

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


def _extension_name(entry: str | dict) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


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
    present = {_extension_name(e) for e in extensions}
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
                    data = yaml.safe_load("".join(lines))
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


def stash_html(markdown: str) -> tuple[str, list[str]]:
    """Replace finished HTML blocks by placeholders; return the Markdown and the blocks."""
    blocks: list[str] = []
    parts = []
    for block in re.split(r"\n{2,}", markdown):
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


class _SitePlugin(BasePlugin):
    """Follows the pages' hints (``nav``, ``hide``), passes their finished HTML blocks
    around Markdown, and reports every rendered page (the CLI's progress bar)."""

    def __init__(self, on_page: Callable[[], None] | None):
        super().__init__()
        self._on_page = on_page
        self._blocks: dict[str, list[str]] = {}

    def on_files(self, files: Any, **kwargs: Any) -> Any:
        # Before the navigation is built, so a page that says ``nav: hidden`` is neither
        # listed in an automatic navigation nor reported as missing from a given one. A
        # navigation that names it (the publisher's mkdocs.yml) still lists it.
        for file in files.documentation_pages():
            if front_matter(file.abs_src_path).get("nav") == NAV_HIDDEN:
                file.inclusion = InclusionLevel.NOT_IN_NAV
        return files

    def on_page_markdown(self, markdown: str, page: Any, **kwargs: Any) -> str:
        # Material's own key and terms (a hand-written page may name more of its parts).
        page.meta.setdefault("hide", list(DEFAULT_HIDE))
        title = page.meta.get("title")
        if isinstance(title, str) and not isinstance(title, Markup):  # plain text
            page.meta["title"] = as_html(title)
        markdown, blocks = stash_html(markdown)
        self._blocks[page.file.src_uri] = blocks
        return markdown

    def on_page_content(self, html: str, page: Any, **kwargs: Any) -> str:
        return unstash_html(html, self._blocks.pop(page.file.src_uri, []))

    def on_post_page(self, output: str, **kwargs: Any) -> str:
        if self._on_page is not None:
            self._on_page()
        return output


class _HoldContent(BasePlugin):
    """mkdocs renders the HTML of every page before it writes the first one, so all of a
    national site's pages (some 1.5 GB as Python strings) would be in memory at once.
    Each page's HTML is held compressed from the moment every plugin has seen it until
    its own page is rendered, and let go once it is written. Plugins that read
    ``page.content`` between those moments (in ``on_env`` or ``on_nav``) would see none."""

    def __init__(self) -> None:
        super().__init__()
        self._held: dict[str, bytes] = {}

    @event_priority(-200)  # after every other plugin's on_page_content
    def on_page_content(self, html: str, page: Any, **kwargs: Any) -> str:
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

    @event_priority(100)
    def on_page_context(self, context: Any, page: Any, **kwargs: Any) -> Any:
        self.full[page.file.src_uri] = page.content
        mode = page.meta.get("search")
        if not isinstance(mode, str):  # none, or the search plugin's own settings
            return context
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
    """Runs after the search plugin: puts the whole page back for rendering."""

    def __init__(self, before: _SearchBefore) -> None:
        super().__init__()
        self.before = before

    @event_priority(-100)
    def on_page_context(self, context: Any, page: Any, **kwargs: Any) -> Any:
        page.content = self.before.full.pop(page.file.src_uri)
        return context


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
def _named_writes() -> Iterator[None]:
    """mkdocs writes pages through ``utils.write_file``, whose failing write() (disk full)
    names no file: during a build it names the file it was writing."""
    from mkdocs import utils

    from wijkmonitor.core.atomic import naming

    original = utils.write_file

    def write_file(content: bytes, output_path: str) -> None:
        with naming(output_path):
            original(content, output_path)

    utils.write_file = write_file
    try:
        yield
    finally:
        utils.write_file = original


def run_build(
    config: dict[str, Any], config_file: Path, on_page: Callable[[], None] | None = None
) -> None:
    """Run a strict mkdocs build of ``config``; raise BuildError with mkdocs' warnings,
    TemplateError when a template of the theme's custom_dir fails."""
    logger = logging.getLogger("mkdocs")
    collect = _Collect()
    logger.addHandler(collect)
    custom_dir = (config.get("theme") or {}).get("custom_dir")
    try:
        with _reproducible(), _named_writes():
            cfg = load_config(io.BytesIO(b"{}"), config_file_path=str(config_file), **config)
            cfg.plugins["wijkmonitor"] = _SitePlugin(on_page)
            cfg.plugins["wijkmonitor-hold-content"] = _HoldContent()
            before = _SearchBefore()
            cfg.plugins["wijkmonitor-search-before"] = before
            cfg.plugins["wijkmonitor-search-after"] = _SearchAfter(before)
            mkdocs_build(cfg)
    except (Abort, MkDocsException) as exc:
        detail = "\n".join(collect.messages) or str(exc)
        raise BuildError(f"mkdocs: {exc}\n{detail}") from None
    except Exception as exc:
        template = _template_error(exc, custom_dir)
        if template is None:
            raise
        raise template from None
    finally:
        logger.removeHandler(collect)
