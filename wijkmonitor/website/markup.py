"""Markdown building blocks: escaped text, relative links, tables, admonitions, figures.

Pages are addressed by their path in the docs tree (``wijk/noord/index.md``); links
are written relative to the linking page so the site works under any base URL and
mkdocs can check every one of them.
"""

from __future__ import annotations

import html
import json
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

_MD_SPECIAL = str.maketrans(
    {
        "\\": "\\\\",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
        "|": "\\|",
        "<": "&lt;",
        "`": "\\`",
        "#": "\\#",
    }
)


@dataclass(frozen=True)
class Page:
    """One generated page: where it goes in the docs tree and its Markdown."""

    path: str
    title: str
    markdown: str


def esc(text: object) -> str:
    """Text safe inside Markdown (names of areas and indicators are data)."""
    return str(text).translate(_MD_SPECIAL).replace("\n", " ")


def rel(from_page: str, to_path: str) -> str:
    """Relative link from one docs path to another (a page or a file)."""
    return posixpath.relpath(to_path, posixpath.dirname(from_page) or ".")


def link(text: str, from_page: str, to_path: str) -> str:
    return f"[{esc(text)}]({rel(from_page, to_path)})"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> str:
    """A Markdown table; ``align`` has one letter per column: l(eft) or r(ight), default l.

    Cells are used as given (already escaped or deliberate Markdown/HTML).
    """
    align = align.ljust(len(headers), "l")
    rule = ["---:" if a == "r" else ":---" for a in align]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


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
