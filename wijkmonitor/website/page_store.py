"""The pages of the previous build that the next build may take as they are (issue 13).

A build records, for every page outside the navigation, two keys (what the page is made
of, ``GeneratedPage.key``, and a digest of its Markdown and what renders it), the page's
file in the site and what the site build keeps of the page besides the file (its search
entries, anchors, links to anchors and log messages). The next build of the same site
directory takes a page from the previous site (a hard link, or a copy across file
systems) when either key is the same: without making it, or without rendering it.

Nothing here can make a build differ from a cold one, as long as the first key covers
what the page is made of (``page_keys.py``): a page is taken only when the file in the
site is the very file the manifest describes (device, inode, size, modification and
change time: a file written, touched, replaced or linked since no longer matches), and
the manifest is removed before the site it describes is replaced and written again only
after the new site is in place. The cache directory (``.wijkmonitor-cache/`` beside the
monitor's files) is safe to delete at any time; a manifest that cannot be read, or
written (a read-only monitor directory), means a cold build, never a failed one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from wijkmonitor.core.atomic import replacing
from wijkmonitor.core.problems import Problem, ProblemsError

CACHE_DIR = ".wijkmonitor-cache"
FORMAT = 2  # of the manifest; another format is not read


@dataclass(frozen=True)
class KeptPage:
    """What a site build keeps of one rendered page besides its file (JSON-able)."""

    key: str  # what the page is made of ("" for a page made every build)
    markdown: str  # a digest of its Markdown and what renders it ("" for a file)
    file: str  # the page's file, relative to the site directory (POSIX)
    search: list[Any]  # the search index's entries of the page
    anchors: list[str]
    links: dict[str, list[str]]  # docs path of a page -> anchors of it this page links to
    records: list[list[Any]]  # log messages: [logger name, level, text]


def _stat(path: str) -> list[int] | None:
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def manifest_path(cache_dir: Path, site_dir: Path) -> Path:
    """One manifest per site directory (a monitor may be built into several)."""
    name = hashlib.sha256(os.fsencode(os.path.abspath(site_dir))).hexdigest()[:16]
    return Path(cache_dir) / f"pages-{name}.json"


def forget(manifest: Path) -> None:
    """Remove a manifest: the site it describes is about to be replaced (one that cannot
    be removed matches no file of the new site: inodes and change times differ)."""
    try:
        manifest.unlink(missing_ok=True)
    except OSError:
        pass


_KEPT = tuple(KeptPage.__dataclass_fields__)


class Reusable(NamedTuple):
    source: str  # the previous site's file
    kept: KeptPage
    stat: list[int]  # the file's, as the manifest recorded it


def link_previous(found: Reusable, destination: str) -> None:
    """Put the previous site's file at ``destination`` (a hard link: the same bytes,
    without reading them; a copy where there are none). Raises a ProblemsError if the
    file is not the one the manifest describes any more (another build of the same site
    replaced it since it was looked at): nothing is then published from it."""
    try:
        os.link(found.source, destination)
        # The link changed the file's change time; device, inode, size and modification
        # time say it is the file looked at.
        same = (_stat(destination) or [])[:4] == found.stat[:4]
    except OSError:  # another file system, or one without hard links
        shutil.copyfile(found.source, destination)
        same = _stat(found.source) == found.stat
    if not same:
        os.unlink(destination)
        raise ProblemsError([Problem(found.source, None, "site", CHANGED)])


CHANGED = (
    "changed while this build ran (another build of the same site?); the site is kept "
    "as it was: build again"
)
_SITE = re.compile(rb'"site":("(?:[^"\\]|\\.)*")')


def _prune(cache_dir: Path) -> None:
    """Remove the manifests of site directories that are gone (a preview's temporary
    site, a test's): the site's path comes first in each, so the start is read."""
    for path in cache_dir.glob("pages-*.json"):
        try:
            with path.open("rb") as file:
                start = file.read(8192)
            found = _SITE.search(start)
            if found is None or not os.path.isdir(json.loads(found.group(1))):
                path.unlink()
        except (OSError, ValueError):
            continue


@dataclass
class PageStore:
    """The previous build's pages (``previous``) and this build's (``kept``)."""

    manifest: Path
    site_dir: Path
    previous: dict[str, dict[str, Any]] = field(default_factory=dict)
    kept: dict[str, KeptPage] = field(default_factory=dict)
    reused: int = 0  # pages taken from the previous site by this build

    @property
    def _root(self) -> str:
        return str(self.site_dir)

    @classmethod
    def load(cls, cache_dir: Path, site_dir: Path) -> PageStore:
        path = manifest_path(cache_dir, site_dir)
        store = cls(path, Path(os.path.abspath(site_dir)))
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError):  # none yet, unreadable or broken: a cold build
            return store
        if (
            isinstance(data, dict)
            and data.get("format") == FORMAT
            and data.get("site") == str(store.site_dir)
            and isinstance(data.get("pages"), dict)
        ):
            store.previous = data["pages"]
        return store

    def reusable(self, page: str, file: str, key: str = "", markdown: str = "") -> Reusable | None:
        """The previous site's file of ``page`` (a docs path) and what was kept of it, if
        it was made with this key (or, given ``markdown``, rendered from the same Markdown),
        this build puts it at the same ``file`` of the site, and the file is still the one
        that build wrote."""
        entry = self.previous.get(page)
        if not isinstance(entry, dict) or entry.get("file") != file:
            return None
        if not (key and entry.get("key") == key or markdown and entry.get("markdown") == markdown):
            return None
        try:
            kept = KeptPage(**{name: entry[name] for name in _KEPT})
            # Strings, not paths: a national rebuild looks at 17,000 of them.
            source = os.path.join(self._root, kept.file)
            if ".." in kept.file.split("/") or _stat(source) != entry["stat"]:
                return None
        except (KeyError, TypeError, AttributeError):
            return None
        return Reusable(source, kept, entry["stat"])

    def keep(self, page: str, kept: KeptPage) -> None:
        self.kept[page] = kept

    def recorded(self) -> list[tuple[str, str]]:
        """The docs path and the site file of every page (and download) the manifest will
        record."""
        return [(page, kept.file) for page, kept in self.kept.items()]

    def save(self, marker: str, inode: int) -> None:
        """Write the manifest of the site now in place (after the swap, and after the
        other links of its files are removed: removing a link changes a file's change
        time; ``recorded`` lists them).
        ``marker`` is the file of the site whose inode was ``inode`` in this build's site:
        if another build put its site in place meanwhile, no manifest is written."""
        mark = os.path.join(self._root, marker)
        ours = _stat(mark)
        pages = {}
        for page, kept in self.kept.items():
            stat = _stat(os.path.join(self._root, kept.file))
            if stat is not None:
                pages[page] = {**kept.__dict__, "stat": stat}
        if ours is None or ours[1] != inode or _stat(mark) != ours:
            return  # the files looked at may be another build's
        data = {"format": FORMAT, "site": str(self.site_dir), "pages": pages}
        _prune(self.manifest.parent)
        try:
            self.manifest.parent.mkdir(parents=True, exist_ok=True)
            ignore = self.manifest.parent / ".gitignore"
            if not ignore.exists():  # git leaves the cache alone without being told
                ignore.write_text("# wijkmonitor's page cache: safe to delete\n*\n")
            with replacing([self.manifest]) as (temporary,):
                temporary.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        except OSError:  # a read-only monitor directory, a full disk: the next build is cold
            pass
