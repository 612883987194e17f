"""Markdown building blocks: escaped text, relative links, tables, admonitions, figures.

Pages are addressed by their path in the docs tree (``wijk/noord/index.md``, published
at ``/wijk/noord/``). Links are relative URLs, so the site works under any base URL.
Links and tables are written as HTML: valid inside Markdown for any generator, and
tables of figures skip the Markdown inline parser, which dominates build time on a
national scale.

Every text that comes from the monitor's files (titles, definitions, notes, names of
regions and areas) passes through :func:`esc` where it enters a page: HTML's specials,
Markdown's inline syntax (links, emphasis, code, attribute lists ``{: ...}``), Jinja's
braces and a list or admonition marker at the start of a block become entities, so the
text reads literally in Markdown and HTML alike. Text that starts a block goes in
:func:`paragraph` (raw HTML, which Markdown leaves alone). Chart specs are inline JSON
with every ``<`` written as ``\\u003c``, so no text can end the ``<script>`` element.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# HTML's specials, Markdown's and Jinja's braces, as entities: the text reads the same in
# HTML and Markdown, and nothing in it is markup, an attribute list or a template tag.
_SPECIAL = str.maketrans(
    {c: f"&#{ord(c)};" for c in "\\*_[]|`#<>&{}"} | {'"': "&quot;", "\n": " ", "\r": " ", "\t": " "}
)
# Whether a text has any of them: most names and figures have none, and a search is
# cheaper than a translation (a national build escapes some 3 million texts).
_HAS_SPECIAL = re.compile("[" + re.escape("".join(map(chr, sorted(_SPECIAL)))) + "]")
# A block that starts like a list item or an admonition would become one.
_BLOCK_MARKER = re.compile(r"[-+](?:\s|$)|\d+[.)](?:\s|$)|!!!|\?\?\?|\s")
_MARKER_START = frozenset("-+!?0123456789 ")


# What the site's search index gets of a page: "full" the whole page; "text" its headings
# and prose without charts and tables (pages of figures: the index would otherwise grow
# with every area x indicator x year); "summary" only its introduction, what comes before
# its first section heading, without charts and tables (pages that repeat the same
# section headings as many others: a reader searches for their name, not the headings);
# "exclude" nothing. A page may mark its summary (``summary()``: name, place and a line
# about it): "summary" then indexes only that, so an index of 17,000 area pages holds
# what a reader searches them by and not 17,000 copies of the same explanation. The
# site's search looks "summary" pages up by word prefix and leaves the others to lunr
# (README, "The website").
SEARCH_MODES = ("full", "text", "summary", "exclude")
SUMMARY_CLASS = "wm-summary"
# Parts of the layout a page can do without, so its tables get the width: the
# navigation sidebar and the table of contents.
LAYOUT_PARTS = ("navigation", "toc")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*\n", re.S)


@dataclass(frozen=True)
class Page:
    """One generated page: where it goes in the docs tree, its Markdown, and its hints to
    the site generator.

    The hints go into the Markdown's front matter (``search: "summary"``, ``nav:
    "hidden"``, ``hide: ["navigation"]``), which is all the site generator's adapter reads
    of a page: it knows no page types and no sections of the site.

    - ``search``: one of :data:`SEARCH_MODES`.
    - ``in_nav``: False for a page reached through the links of a section index (an area,
      a gemeente, an indicator): the navigation never lists it, so the navigation on
      every page stays the same size however many such pages there are.
    - ``hide``: parts of the layout (:data:`LAYOUT_PARTS`) the page does without.
    """

    path: str
    title: str
    markdown: str
    search: str = "full"
    in_nav: bool = True
    hide: tuple[str, ...] = ("navigation",)

    def __post_init__(self) -> None:
        if self.search not in SEARCH_MODES:
            raise ValueError(f"{self.path}: search {self.search!r} is not one of {SEARCH_MODES}")
        unknown = [part for part in self.hide if part not in LAYOUT_PARTS]
        if isinstance(self.hide, str) or unknown:
            raise ValueError(f"{self.path}: hide {self.hide!r}: parts are {LAYOUT_PARTS}")
        # The Markdown as written to the docs tree carries the hints (a frozen dataclass:
        # set once, here).
        object.__setattr__(self, "markdown", with_front_matter(self.markdown, self.hints()))

    def hints(self) -> dict[str, Any]:
        """The page's hints as front-matter fields."""
        fields: dict[str, Any] = {"search": self.search, "hide": list(self.hide)}
        if not self.in_nav:
            fields["nav"] = "hidden"
        return fields


def with_front_matter(markdown: str, fields: dict[str, Any]) -> str:
    """``markdown`` with ``fields`` in its front matter (added when it has none). Values
    are written as JSON, which is YAML; a field already there is replaced."""
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    found = _FRONT_MATTER.match(markdown)
    if found is None:
        kept, body = [], "\n" + markdown
    else:
        kept = [
            line
            for line in (found.group(1) or "").splitlines()
            if line.split(":", 1)[0] not in fields  # a top-level key of ours
        ]
        body = markdown[found.end() :]
    return "---\n" + "\n".join(kept + lines) + "\n---\n" + body


def esc(text: object) -> str:
    """Text shown literally inside Markdown and HTML, in content and in attribute values
    (names, titles and definitions are data, never markup)."""
    out = str(text)
    if _HAS_SPECIAL.search(out):
        out = out.translate(_SPECIAL)
    if out[:1] in _MARKER_START and out and _BLOCK_MARKER.match(out):
        out = f"&#{ord(out[0])};{out[1:]}"
    return out


def summary(html_text: str) -> str:
    """The page's summary for the search index, given escaped text or HTML: one
    paragraph (search mode "summary")."""
    return f'<p class="{SUMMARY_CLASS}">{html_text}</p>\n'


def paragraph(text: object) -> str:
    """A paragraph of text from the monitor's files, as an HTML block (shown literally)."""
    return f"<p>{esc(text)}</p>\n"


def rel(from_page: str, to_path: str) -> str:
    """Relative URL from one docs page to a page (its directory URL) or a file."""
    if from_page.endswith("/index.md") and not to_path.startswith("."):
        # The common case, without relpath's work (hot on a national build): from a
        # page at depth n, up n directories and down to the target.
        depth = from_page.count("/")
        url = "../" * depth + to_path
        if url.endswith("index.md"):
            url = url[: -len("index.md")]
        return url or "./"
    url = posixpath.relpath(to_path, posixpath.dirname(from_page) or ".")
    if url == "index.md":
        return "./"
    return url[: -len("index.md")] if url.endswith("/index.md") else url


def link(text: str, from_page: str, to_path: str) -> str:
    return f'<a href="{html.escape(rel(from_page, to_path))}">{esc(text)}</a>'


def strong(text: str) -> str:
    """Bold, given escaped text or HTML."""
    return f"<strong>{text}</strong>"


def code(text: str) -> str:
    return f"<code>{esc(text)}</code>"


# Every table sits in the scroll box Material's script would put it in, and carries a
# class so that script leaves it alone: the script moves every table without a class into
# such a box when the page has loaded, which makes the browser style and lay out each
# table again (on a phone, a page of many tables blocked for 100-300 ms more; issue 15).
# wijkmonitor.css styles `table.wm-table` as Material styles a table without a class.
TABLE_CLASS = "wm-table"
_TABLE_OPEN = (
    '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
    f'<table class="{TABLE_CLASS}">'
)
_TABLE_CLOSE = "</table></div></div>"


def table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], align: str = "", caption: str = ""
) -> str:
    """An HTML table; ``align`` has one letter per column: l(eft) or r(ight), default l.

    Cells are HTML, used as given (escaped text, links, spans). Column headers have
    ``scope="col"``; the first cell of every row is its row header (``scope="row"``), so
    a screen reader names the row and the column of every figure. ``caption`` is text.
    The table comes in Material's scroll box (see TABLE_CLASS).
    """
    align = align.ljust(len(headers), "l")
    styles = [' style="text-align: right"' if a == "r" else "" for a in align]
    head = "".join([f'<th scope="col"{s}>{h}</th>' for s, h in zip(styles, headers, strict=True)])
    # Opening tags per column, built once: the body is the hot part of a national build.
    first = f'<tr><th scope="row"{styles[0]}>'
    seps = [f"</th><td{styles[1]}>"] if len(styles) > 1 else []
    seps += [f"</td><td{s}>" for s in styles[2:]]
    closers = [*seps, "</td></tr>" if len(styles) > 1 else "</th></tr>"]
    # One %-template per row: a row of the wrong length is a TypeError, as zip's strict
    # check was; % in a cell is a value, never read as a directive.
    row_template = first + "".join("%s" + closer.replace("%", "%%") for closer in closers)
    body = "\n".join(row_template % tuple(row) for row in rows)
    cap = f"<caption>{esc(caption)}</caption>\n" if caption else ""
    return (
        f"{_TABLE_OPEN}\n{cap}<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n"
        f"{_TABLE_CLOSE}\n"
    )


def admonition(kind: str, title: str, text: str) -> str:
    """A box (Material's admonition: ``kind`` note, warning, ...) with a title and a
    paragraph, given as plain text; as HTML, so the site generator passes it as it is."""
    return (
        f'<div class="admonition {kind}">\n<p class="admonition-title">{esc(title)}</p>\n'
        f"<p>{esc(text)}</p>\n</div>\n"
    )


# One encoder for every call: json.dumps with options makes a new one each time, which
# cost more than the encoding of a chart's data (a national site has 200,000 charts).
# (A page's values are trees, never cyclic: no check for cycles.)
_JSON = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, check_circular=False
)


def json_text(value: Any) -> str:
    """``value`` as compact JSON with sorted keys (every build the same bytes)."""
    return _JSON.encode(value)


class Serialized(dict):
    """A dict that carries some of its values already as JSON (``known``: key -> the
    value and its JSON), such as a chart spec made from a template shared by thousands
    of charts; a value replaced since is serialized again."""

    known: dict[str, tuple[Any, str]]


@functools.lru_cache(maxsize=256)
def _key_json(key: str) -> str:
    """A spec's key as JSON (the same few keys on every chart)."""
    return json_text(key)


def script_json(value: Any) -> str:
    """JSON to put inside a ``<script>`` element: no ``<`` in it, so no text in it can
    close the element or open a comment (JSON.parse reads ``\\u003c`` as ``<``)."""
    if isinstance(value, Serialized):  # the same bytes as json.dumps with sorted keys
        parts = []
        for key, item in sorted(value.items()):
            known = value.known.get(key)
            text = known[1] if known is not None and known[0] is item else json_text(item)
            parts.append(f"{_key_json(key)}:{text}")
        data = "{" + ",".join(parts) + "}"
    else:
        data = json_text(value)
    return data.replace("<", "\\u003c")


def figure(spec: dict[str, Any], description: str, caption: str = "", size: str = "") -> str:
    """A chart: the Vega-Lite spec inline as JSON, with text alternatives.

    The chart is an image named "Grafiek: <title>" and described by its caption, which
    spells out every figure it shows; the table under it is the full alternative.
    ``size``: "" (full text width) or "narrow".
    """
    text = esc(caption or description)
    title = spec.get("title")
    title = title.get("text", "") if isinstance(title, dict) else (title or "")
    label = esc(f"Grafiek: {title}" if title else "Grafiek")
    # Unique on the page (the caption names the chart and its figures), the same every build.
    ident = "wm-fig-" + hashlib.blake2s(text.encode(), digest_size=6).hexdigest()
    return (
        f'<figure class="wm-figure{" wm-" + size if size else ""}">\n'
        f'<div class="wm-chart" role="img" aria-label="{label}" aria-describedby="{ident}">'
        "</div>\n"
        f'<script type="application/json" class="wm-spec">{script_json(spec)}</script>\n'
        f'<figcaption id="{ident}">{text}</figcaption>\n'
        "</figure>\n"
    )


def span(css_class: str, text: str) -> str:
    return f'<span class="{css_class}">{esc(text)}</span>'
