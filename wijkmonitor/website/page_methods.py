"""/verantwoording/: the project's own methods document (``docs/methods.md``), verbatim.

One source: the document the code comments cite as "methods §N" is the page readers
see. It is our own trusted text, not a monitor's file, so it goes in as Markdown (its
tables, emphasis and code must render) and nothing in it is escaped. Its first heading
is the page title; the rest is the body.
"""

from __future__ import annotations

from importlib.resources import files

from wijkmonitor.website import page_frame as layout
from wijkmonitor.website.markup import Page
from wijkmonitor.website.sitedata import SiteData

METHODS = "verantwoording/index.md"
TITLE = "Verantwoording"


def methods_markdown() -> str:
    """The methods document as shipped with the package (``docs/methods.md``)."""
    return (files("wijkmonitor.docs") / "methods.md").read_text(encoding="utf-8")


def split_title(markdown: str) -> tuple[str, str]:
    """The first-level heading on the first line, and the text after it."""
    first, _, rest = markdown.partition("\n")
    if not first.startswith("# "):
        return TITLE, markdown
    return first[2:].strip(), rest.lstrip("\n")


def methods_page(site: SiteData) -> Page:
    page = METHODS
    title, body = split_title(methods_markdown())
    return Page(page, title, layout.page_markdown(site, page, title, body, figures=False))
