"""Markdown building blocks: escaped text, relative links, tables, admonitions, figures.

Pages are addressed by their path in the docs tree (``wijk/noord/index.md``, published
at ``/wijk/noord/``). Links are relative URLs, so the site works under any base URL.
Links and tables are written as HTML: valid inside Markdown for any generator, and
tables of figures skip the Markdown inline parser, which dominates build time on a
national scale. Text is escaped with entities, so it is safe in Markdown and HTML alike.
"""

from __future__ import annotations

import html
import json
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# HTML's specials and Markdown's, as entities: the text reads the same in both.
_SPECIAL = str.maketrans({c: f"&#{ord(c)};" for c in "\\*_[]|`#<>&"} | {'"': "&quot;", "\n": " "})


@dataclass(frozen=True)
class Page:
    """One generated page: where it goes in the docs tree and its Markdown."""

    path: str
    title: str
    markdown: str


def esc(text: object) -> str:
    """Text safe inside Markdown and HTML (names of areas and indicators are data)."""
    return str(text).translate(_SPECIAL)


def rel(from_page: str, to_path: str) -> str:
    """Relative URL from one docs page to a page (its directory URL) or a file."""
    url = posixpath.relpath(to_path, posixpath.dirname(from_page) or ".")
    if url == "index.md":
        return "./"
    return url[: -len("index.md")] if url.endswith("/index.md") else url


def link(text: str, from_page: str, to_path: str) -> str:
    return f'<a href="{rel(from_page, to_path)}">{esc(text)}</a>'


def strong(text: str) -> str:
    """Bold, given escaped text or HTML."""
    return f"<strong>{text}</strong>"


def code(text: str) -> str:
    return f"<code>{esc(text)}</code>"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> str:
    """An HTML table; ``align`` has one letter per column: l(eft) or r(ight), default l.

    Cells are HTML, used as given (escaped text, links, spans).
    """
    align = align.ljust(len(headers), "l")
    styles = [' style="text-align: right"' if a == "r" else "" for a in align]
    head = "".join(f"<th{s}>{h}</th>" for s, h in zip(styles, headers, strict=True))
    body = "\n".join(
        "<tr>"
        + "".join(f"<td{s}>{cell}</td>" for s, cell in zip(styles, row, strict=True))
        + "</tr>"
        for row in rows
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n"


def admonition(kind: str, title: str, text: str) -> str:
    body = "\n".join("    " + line if line else "" for line in text.splitlines())
    return f'!!! {kind} "{title}"\n\n{body}\n'


def figure(spec: dict[str, Any], description: str, caption: str = "", size: str = "") -> str:
    """A chart: the Vega-Lite spec inline as JSON, with its description for screen readers.

    ``size``: "" (full text width) or "narrow".
    """
    data = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    data = data.replace("</", "<\\/").replace("<!--", "<\\!--")
    label = html.escape(description, quote=True)
    text = html.escape(caption or description)
    return (
        f'<figure class="wm-figure{" wm-" + size if size else ""}">\n'
        f'<div class="wm-chart" role="img" aria-label="{label}"></div>\n'
        f'<script type="application/json" class="wm-spec">{data}</script>\n'
        f"<figcaption>{text}</figcaption>\n"
        "</figure>\n"
    )


def span(css_class: str, text: str) -> str:
    return f'<span class="{css_class}">{html.escape(text)}</span>'
