"""Python-Markdown extension for benchmarks/zensical_compare.py: a generated page's
finished HTML blocks go straight into Python-Markdown's HTML stash, as the mkdocs
adapter's stash does (wijkmonitor/website/mkdocs_build.py, stash_html), so Zensical is
timed on the same work mkdocs is given rather than on parsing 70 kB of HTML per page.
"""

from __future__ import annotations

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from wijkmonitor.website.mkdocs_build import stash_html


class _Stash(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        markdown, blocks = stash_html("\n".join(lines))
        for index, block in enumerate(blocks):
            placeholder = self.md.htmlStash.store(block)
            markdown = markdown.replace(f"WMRAW{index:06d}", placeholder, 1)
        return markdown.split("\n")


class StashExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # After normalize_whitespace (30), which strips the stash's control characters,
        # before html_block (20), which would parse the blocks.
        md.preprocessors.register(_Stash(md), "wijkmonitor_stash", 25)


def makeExtension(**kwargs: object) -> StashExtension:  # noqa: N802
    return StashExtension(**kwargs)
